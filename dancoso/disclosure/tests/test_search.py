"""Public full-text search: without diacritics, every word, by code, a unit's or a whole province's items,
public items only, keyset pages, constant queries, rate limit; on PostgreSQL the trigram index serves it."""

# ruff: noqa: F811  (the shared fixtures are imported from test_public_views and named as arguments)

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from dancoso.disclosure import public_views, services
from dancoso.disclosure.models import Publication
from dancoso.units.models import UnitKind
from dancoso.units.tests.factories import ProvinceFactory, UnitFactory

from .test_public_views import (  # noqa: F401  (fixtures)
    PLANTED,
    _fresh_cache,
    category,
    commune,
    enterprise,
    html,
    internal_item,
    province,
    publish,
    url,
)

pytestmark = pytest.mark.django_db


def titles(client, unit, query: str, **extra) -> list[str]:
    page = html(client.get(url("search", unit.slug), {"q": query, **extra}))
    listing = page.split('id="results-heading"', 1)[1] if 'id="results-heading"' in page else ""
    return re.findall(r'<li><a href="[^"]+">([^<]+)</a>', listing)


@pytest.fixture
def items(commune):
    return {
        "budget": publish(commune, title="Dự toán ngân sách xã năm 2026", body="Tổng thu 12,5 tỷ đồng."),
        "land": publish(
            commune,
            category=category("xa-03-du-an-dat-dai"),
            title="Phương án bồi thường, giải phóng mặt bằng đường liên xã",
            body="Thu hồi 2,3 ha đất nông nghiệp của 41 hộ.",
            document_number="27/QĐ-UBND",
        ),
        "fees": publish(
            commune,
            category=category("xa-05-huy-dong"),
            title="Khoản đóng góp xây dựng nhà văn hóa thôn",
            body="Mức đóng góp tự nguyện; quyết toán ngân sách công khai sau.",
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ngan sach", {"budget", "fees"}),  # no diacritics
        ("NGÂN SÁCH", {"budget", "fees"}),  # upper case, diacritics
        ("ngân sach nam 2026", {"budget"}),  # every word, mixed
        ("giai phong mat bang", {"land"}),
        ("đường liên xã", {"land"}),
        ("duong lien xa", {"land"}),
        ("27/qd-ubnd", {"land"}),  # the number and symbol
        ("nong nghiep", {"land"}),  # the body
        ("ngan sach bồi thường", set()),
        ("tàu vũ trụ", set()),
    ],
)
def test_search_ignores_diacritics_and_case_and_needs_every_word(client, commune, items, query, expected):
    found = set(titles(client, commune, query))

    assert found == {items[key].title for key in expected}


def test_a_code_finds_its_item(client, commune, items):
    code = items["land"].code

    assert titles(client, commune, code.lower()) == [items["land"].title]
    assert titles(client, commune, code.replace("-", " ")) == [items["land"].title]


def test_search_terms_keep_short_words_with_a_neighbour():
    assert public_views.search_terms("Ngân sách xã") == ["ngan", "sach xa"]
    assert public_views.search_terms("xã An Khánh") == ["xa an", "khanh"]
    assert public_views.search_terms("  ") == []
    assert public_views.search_terms("a " * 300) == [
        "a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a"
    ]
    assert len(public_views.search_terms(" ".join(f"tu{n}" for n in range(20)))) == public_views.MAX_TERMS


def test_province_search_covers_its_units_and_only_them(client, province, commune):
    ward = UnitFactory(kind=UnitKind.WARD, name="Phường Lê Chân", slug="le-chan", parent=province)
    elsewhere = UnitFactory(kind=UnitKind.COMMUNE, name="Xã Khác", slug="xa-khac", parent=ProvinceFactory())
    here = publish(commune, title="Dự toán ngân sách xã An Khánh")
    there = publish(ward, title="Dự toán ngân sách phường Lê Chân")
    publish(elsewhere, title="Dự toán ngân sách xã ở tỉnh khác")

    assert set(titles(client, province, "du toan ngan sach")) == {here.title, there.title}
    assert titles(client, commune, "du toan ngan sach") == [here.title]
    page = html(client.get(url("search", commune.slug), {"q": "du toan"}))
    assert url("search", province.slug) + "?q=du+toan" in page  # a link to search the whole province


def test_search_never_finds_internal_withdrawn_or_draft_items(client, province, commune, enterprise):
    internal_item(enterprise)
    withdrawn = publish(commune, title=f"{PLANTED} thu hồi")
    services.withdraw_publication(withdrawn, actor=None, reason="Nhầm")
    publish(commune, title=f"{PLANTED} nháp", publish=False)

    for unit in (province, commune, enterprise):
        assert titles(client, unit, PLANTED) == [], unit
        assert titles(client, unit, "ngan sach") == [], unit  # the internal item's words
    assert Publication.objects.filter(title__contains=PLANTED).count() == 3


def test_results_come_in_pages_newest_first(client, commune):
    today = timezone.localdate()
    for number in range(public_views.PAGE_SIZE + 2):
        publish(
            commune,
            title=f"Báo cáo tài chính số {number:02d}",
            on=today - timedelta(days=40 - number),
            decision_date=today - timedelta(days=45),
        )
    first = html(client.get(url("search", commune.slug), {"q": "bao cao tai chinh"}))
    found = re.findall(r"Báo cáo tài chính số (\d+)", first)
    assert found[0] == "21" and len(found) == public_views.PAGE_SIZE
    following = re.search(r'href="\?(q=[^"]+)" rel="next"', first).group(1).replace("&amp;", "&")

    second = html(client.get(f"{url('search', commune.slug)}?{following}"))

    assert re.findall(r"Báo cáo tài chính số (\d+)", second) == ["01", "00"]


def test_an_empty_query_shows_the_form_only(client, commune, items):
    page = html(client.get(url("search", commune.slug)))

    assert 'role="search"' in page and 'id="results-heading"' not in page


def test_search_is_rate_limited(client, commune, settings):
    settings.DISCLOSURE_PUBLIC_RATE_LIMITS = {"search": (3, 300)}
    for _attempt in range(3):
        assert client.get(url("search", commune.slug), {"q": "ngan sach"}).status_code == 200

    refused = client.get(url("search", commune.slug), {"q": "ngan sach"})

    assert refused.status_code == 429 and refused["Retry-After"] == "300"
    assert "Quá nhiều yêu cầu" in html(refused)


@pytest.mark.parametrize("scope", ["commune", "province"])
def test_search_makes_a_constant_number_of_queries(
    client, commune, province, scope, django_assert_max_num_queries
):
    unit = commune if scope == "commune" else province
    publish(commune, title="Dự toán ngân sách 0")
    client.get(url("search", unit.slug), {"q": "ngan sach"})
    with django_assert_max_num_queries(6) as few:
        client.get(url("search", unit.slug), {"q": "ngan sach"})
    for number in range(1, 25):
        publish(commune, title=f"Dự toán ngân sách {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(titles(client, unit, "ngan sach")) == public_views.PAGE_SIZE


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's")
def test_the_trigram_index_exists_and_serves_the_search(commune):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = %s",
            ["disclosure_search_trgm_idx"],
        )
        assert cursor.fetchone() == (True,)
    publish(commune)
    # The planner picks the trigram index for the search condition (on a large table it weighs it against the
    # unit's date index; docs/disclosure.md has the plans measured with 10^5 rows).
    query = Publication.objects.filter(search_key__contains="ngan sach").values("pk")
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")  # leave the planner only bitmap scans
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "disclosure_search_trgm_idx" in plan, plan
