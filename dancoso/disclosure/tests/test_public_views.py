"""Public disclosure pages: per unit, by category, each item with its versions, channels and files, withdrawn
items as a notice, the print view with its QR code; internal items and drafts never shown; constant query
counts; page weight; accessibility basics; cache headers."""

import re
from datetime import date as D
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from dancoso.accounts.roles import Role
from dancoso.accounts.tests.factories import MembershipFactory, UserFactory
from dancoso.core.models import LedgerEntry
from dancoso.disclosure import services
from dancoso.disclosure.models import Category, Channel, Publication
from dancoso.disclosure.services import PostingSpec
from dancoso.units.models import UnitKind
from dancoso.units.tests.factories import ProvinceFactory, UnitFactory, VillageFactory

pytestmark = pytest.mark.django_db

LOGIN_BACKEND = "dancoso.accounts.backends.IdentifierBackend"
PAGE_BUDGET = 60 * 1024  # DESIGN.md: a public page ≤ 60 KB, measured here without gzip
PLANTED = "Zzmật-nội-bộ-không-công-khai"  # an internal item's title that must never leak
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

BODY = (
    "Căn cứ Luật Ngân sách nhà nước năm 2015; căn cứ Nghị quyết của Hội đồng nhân dân xã về dự toán ngân sách "
    "năm 2026. Tổng thu ngân sách trên địa bàn 12,5 tỷ đồng, trong đó thu bổ sung từ ngân sách cấp trên 9,8 tỷ "
    "đồng; tổng chi ngân sách xã 12,5 tỷ đồng, gồm chi đầu tư phát triển 3,2 tỷ đồng, chi thường xuyên 8,9 tỷ "
    "đồng, dự phòng 0,4 tỷ đồng. Chi tiết theo các biểu kèm theo."
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Counts and rate limits live in the cache; ids repeat between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def province():
    return ProvinceFactory(name="Thành phố Hải Phòng", slug="hai-phong")


@pytest.fixture
def commune(province):
    return UnitFactory(kind=UnitKind.COMMUNE, name="Xã An Khánh", slug="an-khanh", parent=province)


@pytest.fixture
def village(commune):
    return VillageFactory(parent=commune, name="Thôn Tân Viên", slug="tan-vien")


@pytest.fixture
def enterprise(commune):
    return UnitFactory(kind=UnitKind.ENTERPRISE, name="Công ty TNHH Thử", slug="cong-ty-thu", parent=commune)


def category(code="xa-02-ngan-sach") -> Category:
    return Category.objects.get(code=code)


def pdf(name="du-toan.pdf", content=PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def publish(unit, **extra) -> Publication:
    today = timezone.localdate()
    values = {
        "unit": unit,
        "category": category(),
        "title": "Dự toán ngân sách xã năm 2026",
        "body": BODY,
        "decision_date": today - timedelta(days=3),
        "document_number": "15/NQ-HĐND",
        "actor": None,
        "on": today - timedelta(days=2),
    }
    values.update(extra)
    return services.create_publication(**values)


def internal_item(enterprise) -> Publication:
    return publish(
        enterprise,
        category=category("doanh-nghiep-02-tai-chinh"),
        title=f"{PLANTED} ngân sách",
        body=f"{PLANTED} nội dung ngân sách",
        audience="internal",
    )


def url(name, *args) -> str:
    return reverse(f"disclosure_public:{name}", args=args)


def item_url(publication) -> str:
    return url("item", publication.unit.slug, publication.code)


def html(response) -> str:
    return response.content.decode()


# ------------------------------------------------------------------------------------------------ pages


def test_index_lists_categories_with_counts_and_the_latest_items(client, commune):
    publish(commune, title="Dự toán ngân sách xã năm 2026")
    publish(commune, title="Quyết toán ngân sách năm 2025")
    publish(commune, category=category("xa-03-du-an-dat-dai"), title="Phương án bồi thường đường liên xã")

    response = client.get(url("index", commune.slug))

    page = html(response)
    assert response.status_code == 200
    assert "Dự toán ngân sách xã năm 2026" in page and "Phương án bồi thường đường liên xã" in page
    assert re.search(r"Dự toán, tình hình thực hiện, quyết toán ngân sách.*?2 mục", page, re.S)
    assert re.search(r"Dự án đầu tư; thu hồi đất.*?1 mục", page, re.S)
    # Empty categories of the legal list are shown too (0 items), without a link.
    assert re.search(
        r"Kế hoạch phát triển kinh tế - xã hội và kết quả thực hiện</span>\s*<span class=\"count\">0 mục",
        page,
    )


def test_category_page_lists_its_items_and_pages_with_a_cursor(client, commune, settings):
    from dancoso.disclosure import public_views

    today = timezone.localdate()
    for number in range(public_views.PAGE_SIZE + 3):
        publish(
            commune,
            title=f"Báo cáo thu chi số {number:02d}",
            on=today - timedelta(days=30 - number),
            decision_date=today - timedelta(days=40),
        )
    publish(commune, category=category("xa-03-du-an-dat-dai"), title="Không thuộc danh mục này")

    first = client.get(url("category", commune.slug, "xa-02-ngan-sach"))
    page = html(first)
    assert "Không thuộc danh mục này" not in page
    assert "Báo cáo thu chi số 22" in page and "Báo cáo thu chi số 03" in page
    assert "Báo cáo thu chi số 02" not in page
    cursor = re.search(r'href="\?before=([^"]+)" rel="next"', page).group(1)

    second = html(client.get(url("category", commune.slug, "xa-02-ngan-sach"), {"before": cursor}))
    assert "Báo cáo thu chi số 02" in second and "Báo cáo thu chi số 00" in second
    assert "Báo cáo thu chi số 03" not in second
    assert 'rel="next"' not in second


def test_a_category_of_another_regime_or_unknown_is_not_found(client, commune):
    assert client.get(url("category", commune.slug, "co-quan-01-ke-hoach")).status_code == 404
    assert client.get(url("category", commune.slug, "khong-co")).status_code == 404
    assert client.get(url("index", "khong-co-xa-nay")).status_code == 404


def test_item_page_shows_content_decision_files_versions_and_channels(client, commune, village):
    publication = publish(
        commune,
        attachments=[pdf()],
        postings=[
            PostingSpec(Channel.SEAT_BOARD, timezone.localdate() - timedelta(days=2)),
            PostingSpec(Channel.VILLAGE_BOARD, timezone.localdate() - timedelta(days=1), place=village),
        ],
    )
    services.revise_publication(
        publication,
        actor=None,
        title="Dự toán ngân sách xã năm 2026 (điều chỉnh)",
        body=BODY + " Điều chỉnh chi đầu tư.",
        decision_date=publication.decision_date,
        document_number="15/NQ-HĐND",
        change_note="Điều chỉnh chi đầu tư phát triển",
    )

    response = client.get(item_url(publication))

    page = html(response)
    assert response.status_code == 200
    assert "Dự toán ngân sách xã năm 2026 (điều chỉnh)" in page
    assert "Điều chỉnh chi đầu tư." in page and "15/NQ-HĐND" in page and publication.code in page
    assert "du-toan.pdf" in page
    assert "Điều chỉnh chi đầu tư phát triển" in page  # the version history
    assert "Phiên bản 2" in page or "2 / 2" in page or "2 trên 2" in page
    assert "Niêm yết tại trụ sở" in page and "Thôn Tân Viên" in page and "Cổng thông tin" in page
    assert response["ETag"].startswith('W/"') and response["Last-Modified"]
    assert "max-age=60" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_an_older_version_is_readable_and_says_it_was_replaced(client, commune):
    publication = publish(commune, body="Nội dung phiên bản đầu tiên.")
    services.revise_publication(
        publication,
        actor=None,
        title=publication.title,
        body="Nội dung đã sửa.",
        decision_date=publication.decision_date,
        change_note="Sửa số liệu",
    )

    old = client.get(url("version", commune.slug, publication.code, 1))
    current = client.get(url("version", commune.slug, publication.code, 2))

    assert old.status_code == 200
    assert "Nội dung phiên bản đầu tiên." in html(old) and "đã được thay thế" in html(old)
    assert current.status_code == 302 and current["Location"] == item_url(publication)
    assert client.get(url("version", commune.slug, publication.code, 9)).status_code == 404


def test_item_answers_not_modified_to_a_revalidation_and_changes_etag_after_a_change(client, commune):
    publication = publish(commune)
    first = client.get(item_url(publication))

    again = client.get(item_url(publication), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304

    services.add_posting(publication, PostingSpec(Channel.LOUDSPEAKER, timezone.localdate()), actor=None)
    changed = client.get(item_url(publication), HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


def test_a_lower_case_code_or_another_units_address_redirects_to_the_item(client, commune, province):
    publication = publish(commune)

    lower = client.get(url("item", commune.slug, publication.code.lower()))
    elsewhere = client.get(url("item", province.slug, publication.code))

    assert lower.status_code == 301 and lower["Location"] == item_url(publication)
    assert elsewhere.status_code == 301 and elsewhere["Location"] == item_url(publication)


def test_a_withdrawn_item_shows_the_date_and_reason_instead_of_its_content(client, commune):
    publication = publish(commune, body="Nội dung đã công khai nhầm.", attachments=[pdf()])
    file_id = services.version_attachments(publication.current_version).get().pk
    services.withdraw_publication(publication, actor=None, reason="Công khai nhầm văn bản dự thảo.")

    response = client.get(item_url(publication))

    page = html(response)
    assert response.status_code == 200
    assert "Công khai nhầm văn bản dự thảo." in page
    assert timezone.localdate().strftime("%d/%m/%Y") in page
    assert "Nội dung đã công khai nhầm." not in page and "du-toan.pdf" not in page
    # Gone from lists and the file is no longer served.
    assert publication.title not in html(client.get(url("index", commune.slug)))
    assert client.get(url("attachment", commune.slug, publication.code, file_id)).status_code == 404
    assert client.get(url("print", commune.slug, publication.code)).status_code == 404


def test_public_files_download_and_others_do_not(client, commune, enterprise):
    publication = publish(commune, attachments=[pdf()])
    file_id = services.version_attachments(publication.current_version).get().pk
    secret = publish(
        enterprise,
        category=category("doanh-nghiep-02-tai-chinh"),
        audience="internal",
        attachments=[pdf("bao-cao-tai-chinh.pdf", PDF + b"%secret\n")],
    )
    secret_file = services.version_attachments(secret.current_version).get().pk

    response = client.get(url("attachment", commune.slug, publication.code, file_id))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert "public" in response["Cache-Control"]
    # Another item's file through this item's address, and the internal item's file: not found.
    assert client.get(url("attachment", commune.slug, publication.code, secret_file)).status_code == 404
    assert client.get(url("attachment", enterprise.slug, secret.code, secret_file)).status_code == 404


def test_internal_items_and_drafts_are_never_on_public_pages(client, commune, enterprise, province):
    secret = internal_item(enterprise)
    draft = publish(commune, title=f"{PLANTED} bản nháp", publish=False)
    publish(commune)
    staff = MembershipFactory(unit=enterprise, role=Role.WORKPLACE_OFFICER, user=UserFactory()).user

    pages = [
        (url("index", enterprise.slug), ""),
        (url("index", commune.slug), ""),
        (url("index", province.slug), ""),
        (url("category", enterprise.slug, "doanh-nghiep-02-tai-chinh"), ""),
        (url("search", commune.slug) + "?q=ngan+sach", ""),
        (url("search", province.slug) + "?q=ngan+sach", ""),
        (url("search", enterprise.slug) + "?q=" + PLANTED, PLANTED),
        (url("search", province.slug) + "?q=" + PLANTED, PLANTED),
        (url("search", province.slug) + "?q=" + secret.code, secret.code),
        (url("search", province.slug) + "?q=" + draft.code, draft.code),
        (url("feed", enterprise.slug), ""),
        (url("feed", province.slug), ""),
        (url("category_feed", enterprise.slug, "doanh-nghiep-02-tai-chinh"), ""),
    ]
    for viewer in (None, staff):  # not even the unit's own staff see internal items on the public site
        if viewer:
            client.force_login(viewer, backend=LOGIN_BACKEND)
        for address, asked in pages:
            response = client.get(address)
            assert response.status_code in (200, 404), address
            # What was typed is echoed in the search box and title: everything else must not show the item.
            shown = (
                response.content.decode().lower().replace(asked.lower(), "")
                if asked
                else response.content.decode().lower()
            )
            assert PLANTED.lower() not in shown, address
            assert secret.code.lower() not in shown and draft.code.lower() not in shown, address
        for item in (secret, draft):
            for name in ("item", "print"):
                assert client.get(url(name, item.unit.slug, item.code)).status_code == 404


def test_a_villages_pages_are_its_communes(client, commune, village):
    response = client.get(url("search", village.slug) + "?q=ngan")

    assert response.status_code == 302
    assert response["Location"] == url("search", commune.slug) + "?q=ngan"
    assert client.get(url("index", village.slug))["Location"] == url("index", commune.slug)


def test_province_index_covers_its_units_with_their_names(client, province, commune):
    other = UnitFactory(kind=UnitKind.WARD, name="Phường Lê Chân", slug="le-chan", parent=province)
    publish(commune, title="Dự toán ngân sách xã An Khánh")
    publish(other, title="Dự toán ngân sách phường Lê Chân")

    page = html(client.get(url("index", province.slug)))

    assert "Dự toán ngân sách xã An Khánh" in page and "Dự toán ngân sách phường Lê Chân" in page
    assert "Phường Lê Chân" in page


def test_print_view_has_a_qr_code_to_the_item_and_the_ledger_proof(client, commune):
    publication = publish(
        commune,
        postings=[
            PostingSpec(Channel.SEAT_BOARD, timezone.localdate(), timezone.localdate() + timedelta(days=29))
        ],
    )
    entry = LedgerEntry.objects.get(object_id=str(publication.pk), action="disclosure.published")

    response = client.get(url("print", commune.slug, publication.code))

    page = html(response)
    assert response.status_code == 200
    assert "<svg" in page and 'class="qr"' in page
    assert f"http://testserver{item_url(publication)}" in page
    assert entry.hash in page and f"bản ghi số {entry.seq} " in page
    assert "print.css" in page and "<script" not in page
    assert '<html lang="vi">' in page
    assert (timezone.localdate() + timedelta(days=29)).strftime("%d/%m/%Y") in page


def dark_modules(svg: str) -> set[tuple[int, int]]:
    """Read back the dark modules a segno SVG path draws ("M2 2.5h7m2 0h3…": horizontal runs, half a module
    below each row's top), so the test checks the picture, not just that some SVG came out."""
    path = re.search(r'<path[^>]*class="qrline"[^>]*d="([^"]+)"', svg) or re.search(
        r'<path[^>]*d="([^"]+)"[^>]*class="qrline"', svg
    )
    x = y = 0.0
    cells = set()
    for command, numbers in re.findall(r"([MmHh])([-\d.\s]+)", path.group(1)):
        values = [float(value) for value in numbers.split()]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        else:
            length = values[0] if command == "h" else values[0] - x
            cells.update((int(y - 0.5), int(x) + step) for step in range(int(length)))
            x += length
    return cells


def test_qr_code_encodes_the_item_address():
    import segno

    from dancoso.disclosure.public_views import qr_svg

    address = "https://dancoso.example/an-khanh/disclosures/item/CK-7K3D-QXM2/"
    svg = qr_svg(address, "QR")
    expected = {
        (row, column)
        for row, line in enumerate(segno.make(address, error="m").matrix)
        for column, dark in enumerate(line)
        if dark
    }
    border = 4
    drawn = {(row - border, column - border) for row, column in dark_modules(svg)}

    assert svg.startswith("<svg") and "<title>QR</title>" in svg and "style=" not in svg
    assert drawn == expected
    assert dark_modules(qr_svg(address.replace("QXM2", "QXM3"), "QR")) != dark_modules(svg)


def test_english_pages_are_complete(client, commune):
    publication = publish(commune)
    client.cookies["dancoso_language"] = "en"

    page = html(client.get(url("index", commune.slug)))
    item = html(client.get(item_url(publication)))

    assert '<html lang="en">' in page
    assert "Disclosures of Xã An Khánh" in page and "Budget: estimate" in page
    assert "Where and when it was made known" in item and "Portal (this website)" in item


# ------------------------------------------------------------------------------------------------ weight, queries


def many_items(unit, count: int, *, with_versions: bool = False):
    today = timezone.localdate()
    for number in range(count):
        publish(
            unit,
            title=f"Công khai kết quả thực hiện kế hoạch phát triển kinh tế - xã hội, dự toán và quyết toán ngân sách, mục {number:03d}",
            on=today - timedelta(days=count - number),
            decision_date=today - timedelta(days=count + 5),
            document_number=f"{number}/QĐ-UBND",
        )


@pytest.mark.parametrize("name", ["index", "category", "search"])
def test_list_pages_make_a_constant_number_of_queries(client, commune, name, django_assert_max_num_queries):
    def address():
        if name == "index":
            return url("index", commune.slug)
        if name == "category":
            return url("category", commune.slug, "xa-02-ngan-sach")
        return url("search", commune.slug) + "?q=ngan+sach"

    many_items(commune, 2)
    client.get(address())  # warm the content-type cache
    cache.clear()
    with django_assert_max_num_queries(8) as few:
        assert client.get(address()).status_code == 200
    many_items(commune, 25)
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(address()).status_code == 200


def test_item_page_makes_a_constant_number_of_queries(
    client, commune, village, django_assert_max_num_queries
):
    small = publish(commune, attachments=[pdf()])
    big = publish(
        commune,
        attachments=[pdf(f"bieu-{n}.pdf", PDF + f"%{n}\n".encode()) for n in range(5)],
        postings=[PostingSpec(Channel.SEAT_BOARD, timezone.localdate())]
        + [PostingSpec(Channel.VILLAGE_BOARD, timezone.localdate(), place=village)] * 4,
    )
    for number in range(4):
        services.revise_publication(
            big,
            actor=None,
            title=big.title,
            body=f"Sửa lần {number}",
            decision_date=big.decision_date,
            change_note=f"Lần {number}",
        )
    client.get(item_url(small))
    with django_assert_max_num_queries(8) as few:
        assert client.get(item_url(small)).status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(item_url(big)).status_code == 200


class Outline(HTMLParser):
    """Headings in order, landmarks, labels for inputs, the skip link and <html lang>."""

    def __init__(self):
        super().__init__()
        self.headings: list[int] = []
        self.landmarks: set[str] = set()
        self.inputs: list[str] = []
        self.labels: set[str] = set()
        self.lang = ""
        self.skip_link = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag in ("main", "nav", "header", "footer"):
            self.landmarks.add(tag)
        if tag == "html":
            self.lang = attributes.get("lang", "")
        if tag == "a" and attributes.get("href") == "#main":
            self.skip_link = True
        if tag in ("input", "select", "textarea") and attributes.get("type") not in ("hidden", "submit"):
            self.inputs.append(attributes.get("id", ""))
        if tag == "label" and attributes.get("for"):
            self.labels.add(attributes["for"])


def realistic_pages(client, commune, village) -> dict[str, str]:
    many_items(commune, 30)
    long_body = "\n".join([BODY] * 25)  # ~12 KB of text, a long budget explanation
    publication = publish(
        commune,
        body=long_body,
        attachments=[
            pdf(f"bieu-mau-so-{n}-du-toan-ngan-sach.pdf", PDF + f"%{n}\n".encode()) for n in range(6)
        ],
        postings=[PostingSpec(Channel.SEAT_BOARD, timezone.localdate())]
        + [PostingSpec(Channel.VILLAGE_BOARD, timezone.localdate(), place=village)] * 8,
    )
    for number in range(3):
        services.revise_publication(
            publication,
            actor=None,
            title=publication.title,
            body=long_body + f" Sửa lần {number}.",
            decision_date=publication.decision_date,
            change_note=f"Cập nhật số liệu lần {number}",
        )
    return {
        "index": url("index", commune.slug),
        "category": url("category", commune.slug, "xa-02-ngan-sach"),
        "search": url("search", commune.slug) + "?q=ngan+sach",
        "item": item_url(publication),
        "version": url("version", commune.slug, publication.code, 1),
        "print": url("print", commune.slug, publication.code),
        "proof": url("proof", commune.slug) + f"?code={publication.code}",
        "feed": url("feed", commune.slug),
    }


def test_every_public_page_fits_the_budget_and_is_accessible(client, commune, village):
    from dancoso.portal.tests.test_headers import inline_code_in

    for name, address in realistic_pages(client, commune, village).items():
        response = client.get(address)
        assert response.status_code == 200, name
        size = len(response.content)
        assert size <= PAGE_BUDGET, f"{name}: {size} bytes"
        if name == "feed":
            continue
        page = html(response)
        assert inline_code_in(page) == [], name
        outline = Outline()
        outline.feed(page)
        assert outline.lang == "vi", name
        assert outline.headings[0] == 1 and outline.headings.count(1) == 1, name
        assert all(b - a <= 1 for a, b in zip(outline.headings, outline.headings[1:], strict=False)), name
        assert set(outline.inputs) <= outline.labels, name
        if name != "print":
            assert outline.skip_link and {"main", "nav", "header", "footer"} <= outline.landmarks, name


def test_page_weight_with_its_own_stylesheet(client, commune, village):
    """HTML + the stylesheets a disclosure page adds (the shared frame's CSS and scripts are the portal's,
    checked in portal/tests/test_page_weight.py)."""
    from pathlib import Path

    from django.contrib.staticfiles import finders

    own_css = Path(finders.find("disclosure/public.css")).stat().st_size
    print_css = Path(finders.find("disclosure/print.css")).stat().st_size
    pages = realistic_pages(client, commune, village)
    assert len(client.get(pages["item"]).content) + own_css <= PAGE_BUDGET
    assert len(client.get(pages["print"]).content) + print_css <= PAGE_BUDGET


def test_pages_advertise_their_atom_feeds(client, commune):
    publish(commune)
    for address in (url("index", commune.slug), url("category", commune.slug, "xa-02-ngan-sach")):
        page = html(client.get(address))
        assert f'<link rel="alternate" type="application/atom+xml" href="{url("feed", commune.slug)}"' in page
    category_page = html(client.get(url("category", commune.slug, "xa-02-ngan-sach")))
    assert url("category_feed", commune.slug, "xa-02-ngan-sach") in category_page
    home = html(client.get(commune.get_absolute_url()))
    assert f'type="application/atom+xml" href="{url("feed", commune.slug)}"' in home
    assert f'href="{url("index", commune.slug)}"' in home


def test_vietnamese_is_the_default_with_its_diacritics(client, commune):
    publish(commune)
    with translation.override("vi"):
        page = html(client.get(url("index", commune.slug)))
    assert "Thông tin công khai" in page or "Công khai" in page
    assert "Tìm kiếm" in page
    assert D.today().year > 2000


def test_the_stylesheets_add_no_colour_of_their_own():
    """Contrast (WCAG 1.4.3) is checked on dancoso.css's colour variables (portal/tests/test_contrast.py): the
    disclosure pages use those variables only, and the print sheet black on white."""
    from pathlib import Path

    from django.contrib.staticfiles import finders

    public = Path(finders.find("disclosure/public.css")).read_text()
    printed = Path(finders.find("disclosure/print.css")).read_text()

    assert re.findall(r"#[0-9a-fA-F]{3,6}\b|rgba?\(|hsla?\(", public) == []
    assert set(re.findall(r"#[0-9a-fA-F]{3,6}\b", printed)) <= {"#000000", "#ffffff"}
