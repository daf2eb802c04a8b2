"""The disclosure journey at phone width in headless Chromium (issue 4, point 10): an officer publishes a budget
item on the seat's and a village's notice boards and confirms the seat board with a photo; a resident who is not
logged in finds it by a search without diacritics and checks on the proof page that it is published unchanged."""

import importlib
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext, override, pgettext

from dancoso.accounts.roles import Role
from dancoso.accounts.tests.factories import PASSWORD, MembershipFactory, UserFactory
from dancoso.disclosure.models import Category, Channel, Posting, Publication
from dancoso.petitions.tests.test_browser_journey import tiny_png
from dancoso.portal.tests.test_browser import SCREENSHOTS, browser_page, live_server  # noqa: F401
from dancoso.units.models import Unit, UnitKind
from dancoso.units.tests.factories import ProvinceFactory, UnitFactory, VillageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Dự toán ngân sách xã An Khánh năm 2026"
BODY = "Tổng thu ngân sách trên địa bàn 12,5 tỷ đồng; tổng chi ngân sách xã 12,5 tỷ đồng."
BUDGET = "xa-02-ngan-sach"


def vi(message: str, context: str = "") -> str:
    with override("vi"):
        return pgettext(context, message) if context else gettext(message)


@pytest.fixture
def commune():
    cache.clear()  # the public pages' rate limits live in the cache
    if not Category.objects.filter(code=BUDGET).exists():
        # An earlier transactional test flushed the rows the data migration seeded: seed them again.
        from django.apps import apps

        importlib.import_module("dancoso.disclosure.migrations.0002_seed_categories_and_rules").seed(
            apps, None
        )
    province = ProvinceFactory(name="Thành phố Hải Phòng", slug="hai-phong")
    commune = UnitFactory(kind=UnitKind.COMMUNE, name="Xã An Khánh", slug="an-khanh", parent=province)
    VillageFactory(parent=commune, name="Thôn Tân Viên", slug="tan-vien")
    MembershipFactory(
        user=UserFactory(username="canbo.ankhanh", full_name="Trần Thị Lan"),
        unit=commune,
        role=Role.COMMUNE_OFFICER,
    )
    yield commune
    cache.clear()


def refill(page, action) -> None:
    """Run `action` (a change of the category or decision date) and wait for htmx to refill the channel rows."""
    page.evaluate("document.querySelector('#postings').dataset.stale = 'yes'")
    with page.expect_response(lambda r: r.request.method == "POST" and "/staff/disclosure/new/" in r.url):
        action()
    page.locator("#postings[data-stale]").wait_for(state="detached")
    page.locator(".htmx-request, .htmx-settling, .htmx-swapping").first.wait_for(state="detached")


def publish_as_officer(page, base_url: str, village) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", "canbo.ankhanh")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(f"{base_url}/staff/disclosure/new/")
    today = timezone.localdate()
    budget = Category.objects.get(code=BUDGET)
    refill(page, lambda: page.select_option("select[name=category]", str(budget.pk)))
    refill(page, lambda: page.fill("input[name=decision_date]", (today - timedelta(days=2)).isoformat()))
    page.fill("input[name=title]", TITLE)
    page.fill("input[name=document_number]", "15/NQ-HĐND")
    page.fill("textarea[name=body]", BODY)
    start, end = today.isoformat(), (today + timedelta(days=29)).isoformat()
    page.select_option("select[name=postings-0-channel]", Channel.SEAT_BOARD.value)
    page.fill("input[name=postings-0-start_on]", start)
    page.fill("input[name=postings-0-end_on]", end)
    page.select_option("select[name=postings-1-channel]", Channel.VILLAGE_BOARD.value)
    page.select_option("select[name=postings-1-place]", str(village.pk))
    page.fill("input[name=postings-1-start_on]", start)
    page.fill("input[name=postings-1-end_on]", end)
    page.screenshot(path=str(SCREENSHOTS / "disclosure-journey-create-360.png"), full_page=True)
    page.locator("button[name=action][value=publish]").click()
    page.wait_for_load_state()


def confirm_seat_board(page, board: Posting, photo_path) -> None:
    item = page.locator(f"#posting-{board.pk}")
    item.locator("details", has=page.locator(f"input[name=confirm-{board.pk}-photo]")).locator(
        "summary"
    ).click()
    page.set_input_files(f"input[name=confirm-{board.pk}-photo]", str(photo_path))
    page.fill(f"input[name=confirm-{board.pk}-note]", "Đã niêm yết tại bảng tin trụ sở UBND xã")
    item.locator("form", has=page.locator(f"input[name=confirm-{board.pk}-photo]")).locator(
        "button[type=submit]"
    ).click()
    page.wait_for_load_state()
    page.screenshot(path=str(SCREENSHOTS / "disclosure-journey-confirmed-staff-360.png"), full_page=True)


def test_officer_publishes_and_a_resident_proves_it(live_server, browser_page, commune, tmp_path):  # noqa: F811
    page = browser_page
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    photo = tmp_path / "bang-tin-tru-so.png"
    photo.write_bytes(tiny_png())
    village = Unit.objects.get(parent=commune, slug="tan-vien")
    base = live_server.url

    publish_as_officer(page, base, village)
    publication = Publication.objects.get(unit=commune)
    assert page.url.endswith(f"/staff/disclosure/{publication.pk}/")
    assert publication.state == Publication.State.PUBLISHED and publication.title == TITLE
    assert publication.disclosed_on == timezone.localdate()
    postings = {(p.channel, p.place_id) for p in Posting.objects.filter(publication=publication)}
    assert postings == {
        (Channel.PORTAL, None),
        (Channel.SEAT_BOARD, None),
        (Channel.VILLAGE_BOARD, village.pk),
    }

    board = Posting.objects.get(publication=publication, channel=Channel.SEAT_BOARD)
    confirm_seat_board(page, board, photo)
    board.refresh_from_db()
    assert board.confirmed_at is not None and board.confirmed_by.username == "canbo.ankhanh"
    assert board.proof is not None and board.proof.media_type == "image/png"
    village_board = Posting.objects.get(publication=publication, channel=Channel.VILLAGE_BOARD)
    assert village_board.confirmed_at is None  # only the seat's board was confirmed
    assert page.locator(f"#posting-{board.pk} img").count() == 1

    # A resident, not logged in, searches without diacritics.
    page.context.clear_cookies()
    page.goto(f"{base}/an-khanh/disclosures/search/")
    page.fill("#disclosure-q", "ngan sach")
    page.locator("form.search-form button[type=submit]").click()
    page.wait_for_load_state()
    assert "q=ngan+sach" in page.url
    page.screenshot(path=str(SCREENSHOTS / "disclosure-journey-search-360.png"), full_page=True)
    page.get_by_role("link", name=TITLE).click()
    page.wait_for_load_state()
    code = page.locator(".item-code").first.inner_text().strip()
    assert code == publication.code
    assert BODY in page.locator("main").inner_text()

    # The resident checks the code printed on the notice on the proof page.
    page.goto(f"{base}/an-khanh/disclosures/proof/")
    page.fill("input[name=code]", code.lower())
    page.fill("input[name=since]", timezone.localdate().isoformat())
    page.locator("form.proof-form button[type=submit]").click()
    page.wait_for_load_state()
    page.screenshot(path=str(SCREENSHOTS / "disclosure-journey-proof-360.png"), full_page=True)
    verdict = page.locator(".proof-match .verdict-yes").inner_text()
    today = timezone.localdate().strftime("%d/%m/%Y")
    with override("vi"):
        unchanged = gettext(
            "It has been published unchanged since %(since)s, so since %(date)s too, and still is."
        ) % {"since": today, "date": today}
    assert verdict.split() == f"{vi('Yes.', 'proof answer')} {unchanged}".split()
    result = page.locator(".proof-result").inner_text()
    assert TITLE in result and vi("No: it is the current version") in result
    with override("vi"):
        seat_label = str(Channel.SEAT_BOARD.label)
    seat_row = page.locator(".proof-match tbody tr", has_text=seat_label)
    assert vi("with a photo") in seat_row.inner_text()
    assert page.locator(".proof-match tbody tr").count() == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert errors == []
