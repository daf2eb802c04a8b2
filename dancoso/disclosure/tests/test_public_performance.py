"""The public portal's performance: a fixed number of queries per page whatever the number of items, and the
page cache (disclosure.public_cache) — a page served again to an anonymous visitor costs no query, and any change
to what it shows (publish, revise, withdraw, a posting, a renamed unit or category) shows at the next request.

The cache tests commit (transaction=True): inside a test's transaction every change bypasses the cache (see
core.versioned_cache), and the point is what the next visitor sees once the change is committed.
"""

import importlib
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from dancoso.accounts.tests.factories import UserFactory
from dancoso.disclosure import public_cache, services
from dancoso.disclosure.models import Category, Channel, Publication
from dancoso.disclosure.services import PostingSpec
from dancoso.units import services as unit_services
from dancoso.units.models import UnitKind
from dancoso.units.tests.factories import ProvinceFactory, UnitFactory

LOGIN_BACKEND = "dancoso.accounts.backends.IdentifierBackend"
BODY = "Tổng thu ngân sách trên địa bàn 12,5 tỷ đồng; tổng chi ngân sách xã 12,5 tỷ đồng."
committed = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _legal_categories(request):
    """A committing test starts from a flushed database (pytest-django runs them after the others): put the
    migration's legal list back."""
    if request.node.get_closest_marker("django_db") and request.node.get_closest_marker(
        "django_db"
    ).kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        seed = importlib.import_module("dancoso.disclosure.migrations.0002_seed_categories_and_rules").seed
        seed(apps, None)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    public_cache.forget_pages()
    yield
    cache.clear()
    public_cache.forget_pages()


@pytest.fixture
def province():
    return ProvinceFactory(name="Thành phố Hải Phòng", slug="hai-phong")


@pytest.fixture
def commune(province):
    return UnitFactory(kind=UnitKind.COMMUNE, name="Xã An Khánh", slug="an-khanh", parent=province)


@pytest.fixture
def other_commune(province):
    return UnitFactory(kind=UnitKind.COMMUNE, name="Xã Kiến Thụy", slug="kien-thuy", parent=province)


def publish(unit, title="Dự toán ngân sách xã năm 2026", code="xa-02-ngan-sach", **extra) -> Publication:
    today = timezone.localdate()
    values = {
        "unit": unit,
        "category": Category.objects.get(code=code),
        "title": title,
        "body": BODY,
        "decision_date": today - timedelta(days=3),
        "document_number": "15/NQ-HĐND",
        "actor": None,
        "on": today - timedelta(days=2),
    }
    values.update(extra)
    return services.create_publication(**values)


def url(name, *args) -> str:
    return reverse(f"disclosure_public:{name}", args=args)


def pages(unit, publication) -> dict[str, str]:
    return {
        "index": url("index", unit.slug),
        "category": url("category", unit.slug, "xa-02-ngan-sach"),
        "search": url("search", unit.slug) + "?q=ngan+sach",
        "nothing": url("search", unit.slug) + "?q=kim+cuong",
        "item": url("item", unit.slug, publication.code),
        "feed": url("feed", unit.slug),
        "province": url("index", unit.parent.slug),
    }


# ------------------------------------------------------------------------------------------------ query counts

# Queries of a page rendered afresh (nothing cached but the content types): the unit, its ancestors for the
# breadcrumb, the categories, the counts, the rows; an item page reads the item, its versions, postings, files
# and newest ledger entry. The same with 2 items as with 30: no query per row.
FRESH_QUERIES = {
    "index": 6,
    "category": 6,
    "search": 6,
    "nothing": 6,
    "item": 7,
    "feed": 4,
    "province": 5,
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(FRESH_QUERIES))
def test_a_page_rendered_afresh_makes_the_same_queries_with_few_and_many_items(
    client, commune, other_commune, name, django_assert_num_queries
):
    first = publish(commune)
    client.get(pages(commune, first)[name])  # the content types, read once per process
    for n in range(29):
        publish(other_commune if n % 3 else commune, title=f"Quyết toán ngân sách năm {2000 + n}")
    for publication in (first, Publication.objects.filter(unit=commune).last()):
        cache.clear()
        with django_assert_num_queries(FRESH_QUERIES[name]):
            assert client.get(pages(commune, publication)[name]).status_code == 200


# ------------------------------------------------------------------------------------------------ the page cache


@committed
@pytest.mark.parametrize("name", sorted(FRESH_QUERIES))
def test_a_page_served_again_to_an_anonymous_visitor_makes_no_query(
    client, commune, name, django_assert_num_queries
):
    address = pages(commune, publish(commune))[name]
    first = client.get(address)
    with django_assert_num_queries(0):
        again = client.get(address)
    assert again.status_code == first.status_code == 200
    assert again["Content-Type"] == first["Content-Type"]
    assert again["Cache-Control"] == first["Cache-Control"]
    assert again.content.replace(b" ", b"") != b""


@committed
def test_publishing_shows_at_once_on_every_page_of_the_unit_and_the_province(client, commune):
    old = publish(commune)
    addresses = pages(commune, old)
    for address in addresses.values():
        client.get(address)  # kept
    new = publish(commune, title="Quyết toán ngân sách xã năm 2025 (bổ sung)")
    for name in ("index", "category", "search", "feed", "province"):
        assert "Quyết toán ngân sách xã năm 2025 (bổ sung)" in client.get(addresses[name]).content.decode(), (
            name
        )
    index = client.get(addresses["index"]).content.decode()
    assert "Tổng cộng 2 mục đã công khai" in index
    assert client.get(url("item", commune.slug, new.code)).status_code == 200


@committed
def test_a_publication_in_another_unit_of_the_province_shows_on_the_province_page(
    client, commune, other_commune
):
    publish(commune)
    province_page = url("index", commune.parent.slug)
    client.get(province_page)
    publish(other_commune, title="Danh sách hộ nghèo năm 2026")
    assert "Danh sách hộ nghèo năm 2026" in client.get(province_page).content.decode()


@committed
def test_revising_withdrawing_and_a_new_posting_show_at_once_on_the_item_page(client, commune):
    publication = publish(commune)
    item = url("item", commune.slug, publication.code)
    index = url("index", commune.slug)
    client.get(item), client.get(index)
    today = timezone.localdate()

    services.add_posting(publication, PostingSpec(Channel.LOUDSPEAKER, today), actor=None)
    assert (
        "Loudspeaker" in client.get(item).content.decode()
        or "truyền thanh" in client.get(item).content.decode()
    )

    services.revise_publication(
        publication,
        actor=None,
        title="Dự toán ngân sách xã năm 2026 (điều chỉnh)",
        decision_date=today - timedelta(days=1),
        change_note="Điều chỉnh chi đầu tư",
        body=BODY,
    )
    assert "(điều chỉnh)" in client.get(item).content.decode()
    assert "(điều chỉnh)" in client.get(index).content.decode()

    services.withdraw_publication(publication, actor=None, reason="Công khai nhầm đơn vị")
    page = client.get(item).content.decode()
    assert "Công khai nhầm đơn vị" in page
    assert "(điều chỉnh)" not in client.get(url("category", commune.slug, "xa-02-ngan-sach")).content.decode()


@committed
def test_renaming_the_unit_or_a_category_shows_at_once(client, commune):
    publish(commune)
    index = url("index", commune.slug)
    client.get(index)
    unit_services.update_unit(actor=None, unit=commune, name="Xã An Khánh Mới")
    assert "Xã An Khánh Mới" in client.get(index).content.decode()

    category = Category.objects.get(code="xa-02-ngan-sach")
    category.name = "Ngân sách xã (tên mới)"
    services.save_category(category, actor=None)
    assert "Ngân sách xã (tên mới)" in client.get(index).content.decode()


@committed
def test_a_deactivated_unit_is_not_served_from_the_cache(client, commune):
    publish(commune)
    index = url("index", commune.slug)
    assert client.get(index).status_code == 200
    commune.is_active = False
    commune.save()
    assert client.get(index).status_code == 404


@committed
def test_each_visitor_gets_a_csrf_token_of_their_own(client, commune):
    publish(commune)
    index = url("index", commune.slug)
    first = client.get(index)
    from django.test import Client

    other = Client()
    again = other.get(index)
    tokens = [re.search(r'data-csrf-token="([^"]+)"', r.content.decode()).group(1) for r in (first, again)]
    assert public_cache.CSRF_HOLE not in again.content.decode()
    assert all(len(token) == 64 for token in tokens)
    assert tokens[0] != tokens[1]
    assert again.cookies["csrftoken"].value  # set for this visitor, as a rendered page would


@committed
def test_a_signed_in_visitor_is_neither_served_nor_stored(client, commune, django_assert_max_num_queries):
    publish(commune)
    index = url("index", commune.slug)
    client.force_login(UserFactory(), backend=LOGIN_BACKEND)
    client.get(index)
    with django_assert_max_num_queries(20) as queries:
        page = client.get(index)
    assert len(queries.captured_queries) > 0
    assert "Staff area" in page.content.decode() or "Khu vực cán bộ" in page.content.decode()
    client.logout()
    assert "Log in" in client.get(index).content.decode() or "Đăng nhập" in client.get(index).content.decode()


@committed
def test_searches_served_from_the_cache_still_count_against_the_rate_limit(client, commune, settings):
    settings.DISCLOSURE_PUBLIC_RATE_LIMITS = {"search": (2, 60), "proof": (60, 900)}
    publish(commune)
    search = url("search", commune.slug) + "?q=ngan+sach"
    assert [client.get(search).status_code for _n in range(3)] == [200, 200, 429]


@committed
def test_an_item_served_from_the_cache_answers_conditional_requests(client, commune):
    publication = publish(commune)
    item = url("item", commune.slug, publication.code)
    etag = client.get(item)["ETag"]
    assert client.get(item, HTTP_IF_NONE_MATCH=etag).status_code == 304
    services.add_posting(publication, PostingSpec(Channel.LOUDSPEAKER, timezone.localdate()), actor=None)
    changed = client.get(item, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
