"""Atom feeds per unit and per category: well-formed XML with the elements RFC 4287 requires, read by a real
feed parser (feedparser), newest first, public items only, cached briefly, constant queries."""

# ruff: noqa: F811  (the shared fixtures are imported from test_public_views and named as arguments)

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import feedparser
import pytest
from django.utils import timezone, translation

from dancoso.disclosure import services

from .test_public_views import (  # noqa: F401  (fixtures)
    PLANTED,
    _fresh_cache,
    category,
    commune,
    enterprise,
    internal_item,
    item_url,
    province,
    publish,
    url,
    village,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def rfc3339(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def assert_valid_atom(xml: bytes) -> ET.Element:
    """RFC 4287 §4.1.1–4.1.2: a feed has id, title, updated and an author (or every entry has one); each entry
    has id, title, updated and a link rel="alternate" (it has no content element of its own)."""
    feed = ET.fromstring(xml)  # noqa: S314  (our own output, in a test)
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{name}") is not None and feed.find(f"{ATOM}{name}").text, name
    rfc3339(feed.find(f"{ATOM}updated").text)
    assert feed.find(f"{ATOM}link[@rel='self']") is not None
    feed_author = feed.find(f"{ATOM}author/{ATOM}name")
    ids = set()
    for entry in feed.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{name}") is not None and entry.find(f"{ATOM}{name}").text, name
        rfc3339(entry.find(f"{ATOM}updated").text)
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
        assert feed_author is not None or entry.find(f"{ATOM}author/{ATOM}name") is not None
        ids.add(entry.find(f"{ATOM}id").text)
    assert len(ids) == len(feed.findall(f"{ATOM}entry")), "entry ids are unique"
    return feed


def test_unit_feed_is_valid_atom_with_the_newest_items_first(client, commune):
    today = timezone.localdate()
    older = publish(commune, title="Quyết toán ngân sách năm 2025", on=today - timedelta(days=2))
    newer = publish(
        commune,
        category=category("xa-03-du-an-dat-dai"),
        title="Phương án bồi thường <đường> liên xã & tái định cư",
        body="Diện tích thu hồi 2,3 ha.\nSố hộ bị ảnh hưởng: 41.",
        on=today,
    )

    response = client.get(url("feed", commune.slug))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert "Set-Cookie" not in response
    feed = assert_valid_atom(response.content)
    titles = [entry.find(f"{ATOM}title").text for entry in feed.findall(f"{ATOM}entry")]
    assert titles == [newer.title, older.title]

    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    with translation.override("vi"):
        expected = translation.gettext("Disclosures of %(unit)s") % {"unit": "Xã An Khánh"}
    assert parsed.feed.title == expected and expected != "Disclosures of Xã An Khánh"
    assert parsed.feed.language == "vi"
    assert parsed.feed.author == "Xã An Khánh"
    first = parsed.entries[0]
    assert first.link == f"http://testserver{item_url(newer)}"
    assert first.title == "Phương án bồi thường <đường> liên xã & tái định cư"
    assert "Diện tích thu hồi 2,3 ha." in first.summary and newer.code in first.summary
    assert first.tags[0].term.startswith("Dự án đầu tư")
    assert first.published_parsed is not None and first.updated_parsed is not None


def test_category_feed_holds_only_its_category(client, commune):
    budget = publish(commune, title="Dự toán ngân sách xã năm 2026")
    publish(commune, category=category("xa-03-du-an-dat-dai"), title="Phương án bồi thường")

    response = client.get(url("category_feed", commune.slug, "xa-02-ngan-sach"))

    parsed = feedparser.parse(response.content)
    assert not parsed.bozo
    assert [entry.title for entry in parsed.entries] == [budget.title]
    assert parsed.feed.title.startswith("Dự toán, tình hình thực hiện, quyết toán ngân sách")
    assert client.get(url("category_feed", commune.slug, "co-quan-01-ke-hoach")).status_code == 404


def test_feeds_leave_out_internal_withdrawn_and_draft_items(client, commune, enterprise, province):
    internal_item(enterprise)
    withdrawn = publish(commune, title=f"{PLANTED} thu hồi")
    services.withdraw_publication(withdrawn, actor=None, reason="Nhầm")
    publish(commune, title=f"{PLANTED} nháp", publish=False)
    publish(commune, title="Dự toán ngân sách xã năm 2026")

    for address in (url("feed", commune.slug), url("feed", enterprise.slug), url("feed", province.slug)):
        response = client.get(address)
        assert response.status_code == 200
        assert PLANTED.encode() not in response.content, address
        assert_valid_atom(response.content)
    assert len(feedparser.parse(client.get(url("feed", province.slug)).content).entries) == 1


def test_an_empty_feed_is_still_valid(client, commune):
    assert_valid_atom(client.get(url("feed", commune.slug)).content)


def test_a_villages_feed_is_its_communes(client, commune, village):
    response = client.get(url("feed", village.slug))

    assert response.status_code == 302 and response["Location"] == url("feed", commune.slug)


def test_feed_in_english_when_chosen(client, commune):
    publish(commune)
    client.cookies["dancoso_language"] = "en"

    parsed = feedparser.parse(client.get(url("feed", commune.slug)).content)

    assert parsed.feed.title == "Disclosures of Xã An Khánh"
    assert parsed.feed.language == "en"
    assert parsed.entries[0].tags[0].term.startswith("Budget")


def test_feed_makes_a_constant_number_of_queries(client, commune, django_assert_max_num_queries):
    publish(commune)
    client.get(url("feed", commune.slug))
    with django_assert_max_num_queries(5) as few:
        client.get(url("feed", commune.slug))
    for number in range(20):
        publish(commune, title=f"Mục {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(feedparser.parse(client.get(url("feed", commune.slug)).content).entries) == 21
