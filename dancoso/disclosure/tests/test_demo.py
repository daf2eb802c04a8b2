"""The demo disclosures of seed_demo: the mix that compliance must find (late, too short, missing, unconfirmed,
withdrawn, revised, permanent, internal), every publication through the services (ledger), dates that respect
the law's order, and idempotency."""

import random
import struct
import zlib
from datetime import date, timedelta

import pytest
from django.utils import timezone

from dancoso.accounts.models import User
from dancoso.accounts.roles import Role
from dancoso.accounts.tests.factories import MembershipFactory, UserFactory
from dancoso.core.ledger import first_problem
from dancoso.core.models import Attachment, LedgerEntry
from dancoso.disclosure import demo, legal
from dancoso.disclosure.models import (
    Audience,
    Channel,
    DisclosurePlan,
    PlanItem,
    Posting,
    Publication,
    PublicationVersion,
)
from dancoso.portal import demo as portal_demo
from dancoso.units import services as unit_services
from dancoso.units.models import Unit, UnitKind

pytestmark = pytest.mark.django_db

DEMO_COMMUNES = ("31-AK", "31-HD", "31-PL")


@pytest.fixture
def demo_units(db):
    report = portal_demo.SeedReport()
    portal_demo.ensure_tree(portal_demo.demo_tree(), None, report)
    portal_demo.ensure_logins(report)
    # A few households in one village, so the list of poor households names some (the full demo has ~33,000).
    village = Unit.objects.get(code="31-AK-01")
    rows = portal_demo.household_rows(village, 120, random.Random(village.code))
    unit_services.add_households(actor=None, unit=village, rows=rows)
    return {unit.code: unit for unit in Unit.objects.filter(code__in=[*DEMO_COMMUNES, "37-VPUBND"])}


def counts() -> dict[str, int]:
    models = (Publication, PublicationVersion, Posting, DisclosurePlan, PlanItem, LedgerEntry, Attachment)
    return {model.__name__: model.objects.count() for model in models}


def days_up(posting: Posting) -> int:
    return legal.days_posted(posting.start_on, posting.last_day)


def test_seeding_twice_creates_nothing_the_second_time(demo_units):
    first = demo.seed_disclosures()
    assert first.publications_created >= 40 and first.postings_created > 300
    assert first.plans_created == 3 and first.quarterly_lists_created == 8
    assert first.postings_confirmed_with_photo > 200
    before = counts()

    second = demo.seed_disclosures()

    assert counts() == before
    assert (second.publications_created, second.postings_created, second.plans_created) == (0, 0, 0)
    assert second.quarterly_lists_created == second.postings_confirmed_with_photo == 0
    assert second.skipped_items > 0

    # Everything went through the services: each publication was recorded as published, each confirmation too.
    published = set(
        LedgerEntry.objects.filter(
            action="disclosure.published", object_type="disclosure.publication"
        ).values_list("object_id", flat=True)
    )
    publications = Publication.objects.all()
    assert publications.count() == first.publications_created
    assert {str(pk) for pk in publications.values_list("pk", flat=True)} <= published
    confirmed = Posting.objects.exclude(channel=Channel.PORTAL).exclude(confirmed_at=None)
    assert LedgerEntry.objects.filter(action="disclosure.posting_confirmed").count() == confirmed.count()
    assert first_problem() is None


def assert_each_demo_commune_discloses_the_years_items(year: int) -> None:
    for code in DEMO_COMMUNES:
        items = Publication.objects.filter(unit__code=code)
        categories = set(items.values_list("category__code", flat=True))
        assert {
            "xa-02-ngan-sach",
            "xa-03-du-an-dat-dai",
            "xa-04-quy-che",
            "xa-05-huy-dong",
            "xa-07-an-sinh",
            "xa-12-phi-le-phi",
            "xa-13-thu-tuc",
            "xa-danh-muc-quy",
        } <= categories, code
        budget = items.filter(category__code="xa-02-ngan-sach")
        assert set(budget.values_list("period_label", flat=True)) >= {
            str(year),
            *(f"{year}-Q{q}" for q in (1, 2, 3)),
        }
        estimate = budget.get(period_label=str(year))
        assert estimate.decision_date.month == 1 and estimate.decision_date.year == year
        village_count = Unit.objects.filter(parent__code=code).count()
        boards = estimate.postings.filter(channel=Channel.VILLAGE_BOARD)
        assert boards.count() == village_count
        assert all(days_up(posting) >= 30 for posting in boards)
    # The list of poor households names real rows of the demo's households.
    poor = Publication.objects.get(unit__code="31-AK", category__code="xa-07-an-sinh", period_label=str(year))
    assert "Thôn Tân Viên:" in poor.current_version.body and "hộ nghèo" in poor.current_version.body


def assert_the_mix_compliance_has_to_find(today: date, year: int) -> None:
    an_khanh = Unit.objects.get(code="31-AK")

    # Late: An Khánh's Q3 budget execution, 8 working days after its decision (Art. 12.3 allows 5).
    q3 = Publication.objects.get(unit=an_khanh, category__code="xa-02-ngan-sach", period_label=f"{year}-Q3")
    assert legal.is_late("commune", q3.decision_date, q3.disclosed_on, an_khanh)
    late = [
        p
        for p in Publication.objects.filter(unit__kind__in=[UnitKind.COMMUNE, UnitKind.WARD]).select_related(
            "unit"
        )
        if legal.is_late("commune", p.decision_date, p.disclosed_on, p.unit)
    ]
    assert late == [q3]  # everything else on time

    # Too short: the loudspeaker for 2 days (Art. 13.3: 3), one village board for 25 days (Art. 13.2: 30).
    poor = Publication.objects.get(unit=an_khanh, category__code="xa-07-an-sinh", period_label=str(year))
    loudspeaker = poor.postings.get(channel=Channel.LOUDSPEAKER)
    assert days_up(loudspeaker) == 2 < legal.rule("commune.loudspeaker", poor.decision_date).days
    short_boards = [p for p in poor.postings.filter(channel=Channel.VILLAGE_BOARD) if days_up(p) < 30]
    assert len(short_boards) == 1 and days_up(short_boards[0]) == 25 and short_boards[0].taken_down_on
    assert (
        poor.postings.filter(channel=Channel.VILLAGE_HEAD).count()
        == Unit.objects.filter(parent=an_khanh).count()
    )

    # Permanent: items 4 and 13 at the seat with no end.
    for code in ("xa-04-quy-che", "xa-13-thu-tuc"):
        item = Publication.objects.filter(unit=an_khanh, category__code=code).get()
        assert item.category.is_permanent
        seat = item.postings.get(channel=Channel.SEAT_BOARD, version=item.current_version)
        assert seat.end_on is None and seat.taken_down_on is None and seat.proof_id is not None

    # Revised: the procedures have a second version saying what changed; the first stays, taken off the board.
    procedures = Publication.objects.get(unit=an_khanh, category__code="xa-13-thu-tuc")
    first, second = procedures.versions.order_by("number")
    assert procedures.version_count == 2 and second.change_note and not first.change_note
    assert procedures.postings.get(channel=Channel.SEAT_BOARD, version=first).taken_down_on is not None
    assert Publication.objects.filter(
        unit__code="31-HD", category__code="xa-12-phi-le-phi", version_count=2
    ).exists()

    # Withdrawn with its reason; its postings ended that day.
    withdrawn = Publication.objects.get(state=Publication.State.WITHDRAWN)
    assert withdrawn.unit.code == "31-PL" and "Đăng nhầm" in withdrawn.withdrawal_reason
    assert not withdrawn.postings.filter(taken_down_on=None, end_on=None).exists()
    assert all(p.last_day <= withdrawn.withdrawn_on for p in withdrawn.postings.all())

    # Missing: no Q3 quarterly list in Phù Liễn; An Khánh has all three.
    lists = Publication.objects.filter(category__is_quarterly_list=True)
    assert set(lists.filter(unit__code="31-PL").values_list("period_label", flat=True)) == {
        f"{year}-Q1",
        f"{year}-Q2",
    }
    assert lists.filter(unit=an_khanh).count() == 3

    # The plan: approved, its lines linked to what fulfils them, one overdue with nothing published.
    plan = DisclosurePlan.objects.get(unit=an_khanh, year=year)
    assert plan.state == DisclosurePlan.State.APPROVED and plan.approved_on <= today
    overdue = [line for line in plan.items.all() if line.due_on < today and not line.publications.exists()]
    assert [line.category.code for line in overdue] == ["xa-06-tai-san-cong"]
    assert plan.items.filter(publications__isnull=False).distinct().count() >= 9
    for code in ("31-PL", "31-HD"):
        other = DisclosurePlan.objects.get(unit__code=code, year=year)
        assert not [
            line for line in other.items.all() if line.due_on < today and not line.publications.exists()
        ]

    # Unconfirmed postings remain (the recent campaign's village boards, An Khánh's Q3 list at the seat).
    unconfirmed = Posting.objects.filter(confirmed_at=None, publication__state=Publication.State.PUBLISHED)
    assert unconfirmed.filter(publication__category__code="xa-05-huy-dong").count() >= 3
    assert unconfirmed.filter(unit=an_khanh, publication__period_label=f"{year}-Q3").exists()


def assert_recent_campaign_is_still_posted_and_photos_are_labelled_as_illustrations(today: date) -> None:
    campaign = Publication.objects.get(unit__code="31-AK", category__code="xa-05-huy-dong")
    assert campaign.decision_date >= today - timedelta(days=40)
    assert campaign.postings.filter(channel=Channel.SEAT_BOARD, end_on__gte=today).exists()
    proofs = Attachment.objects.filter(pk__in=Posting.objects.exclude(proof=None).values("proof"))
    assert proofs.exists()
    assert all(a.original_name.startswith("anh-minh-hoa-") and a.media_type == "image/png" for a in proofs)
    confirmed = Posting.objects.exclude(proof=None)
    assert all("Ảnh minh họa" in posting.note for posting in confirmed)


def assert_dates_respect_the_order_the_law_and_the_services_require(today: date) -> None:
    assert not Publication.objects.filter(decision_date__gt=today).exists()
    assert not Publication.objects.filter(disclosed_on__gt=today).exists()
    assert not Posting.objects.filter(taken_down_on__gt=today).exists()
    assert not Posting.objects.filter(start_on__gt=today).exists()
    for posting in Posting.objects.select_related("version"):
        assert posting.start_on >= posting.version.decision_date, posting


def assert_internal_items_are_read_only_by_the_workplaces_own_members() -> None:
    office = Unit.objects.get(code="37-VPUBND")
    internal = Publication.objects.filter(unit=office)
    assert internal.count() >= 4 and set(internal.values_list("audience", flat=True)) == {Audience.INTERNAL}
    assert internal.filter(title__startswith="Kế hoạch tuyển dụng").exists()
    # One late (Art. 47.2: 5 working days), the others on time.
    late = [p for p in internal if legal.is_late("agency", p.decision_date, p.disclosed_on, office)]
    assert len(late) == 1
    staff = User.objects.get(username="vanphong.ninhbinh")
    outsider = User.objects.get(username="canbo.ankhanh")
    province = User.objects.get(username="tinh.ninhbinh")
    assert set(internal) <= set(Publication.objects.readable_by(staff))
    assert not Publication.objects.readable_by(outsider).filter(unit=office).exists()
    assert not Publication.objects.readable_by(province).filter(unit=office).exists()
    assert not Publication.objects.public().filter(unit=office).exists()


def test_the_demo_content(demo_units):
    """One seeding (it takes seconds), checked from every side."""
    demo.seed_disclosures()
    today = timezone.localdate()
    year = demo.demo_year(today)
    assert_each_demo_commune_discloses_the_years_items(year)
    assert_the_mix_compliance_has_to_find(today, year)
    assert_dates_respect_the_order_the_law_and_the_services_require(today)
    assert_recent_campaign_is_still_posted_and_photos_are_labelled_as_illustrations(today)
    assert_internal_items_are_read_only_by_the_workplaces_own_members()


def test_another_day_and_an_enterprise(demo_units):
    """Run as if it were early March (the demo year is then the previous one; nothing lies after that day), with
    an enterprise that has a workplace officer and an agency that has none in the tree."""
    province = Unit.objects.get(code="31")
    enterprise = unit_services.create_unit(
        actor=None,
        kind=UnitKind.ENTERPRISE,
        code="31-DN-01",
        name="Công ty TNHH Cơ khí An Khánh",
        parent=province,
    )
    officer = MembershipFactory(unit=enterprise, role=Role.WORKPLACE_OFFICER, user=UserFactory()).user
    lonely = unit_services.create_unit(
        actor=None, kind=UnitKind.AGENCY, code="31-CQ-02", name="Chi cục không có tài khoản", parent=province
    )
    day = timezone.localdate() - timedelta(days=260)
    day = date(day.year, 3, 5)

    report = demo.seed_disclosures(today=day)

    items = Publication.objects.filter(unit=enterprise)
    assert items.count() == 3 and set(items.values_list("audience", flat=True)) == {Audience.INTERNAL}
    assert [p for p in items if legal.is_late("enterprise", p.decision_date, p.disclosed_on, enterprise)]
    assert set(items) <= set(Publication.objects.readable_by(officer))
    assert not Publication.objects.filter(unit=lonely).exists()  # no workplace officer: not a demo workplace

    year = day.year - 1
    assert demo.demo_year(day) == year
    assert report.publications_created >= 40
    assert not Publication.objects.filter(decision_date__gt=day).exists()
    assert not Posting.objects.filter(start_on__gt=day).exists()
    assert not Posting.objects.filter(taken_down_on__gt=day).exists()
    an_khanh = Unit.objects.get(code="31-AK")
    q3 = Publication.objects.get(unit=an_khanh, category__code="xa-02-ngan-sach", period_label=f"{year}-Q3")
    assert legal.is_late("commune", q3.decision_date, q3.disclosed_on, an_khanh)
    campaign = Publication.objects.get(unit=an_khanh, category__code="xa-05-huy-dong")
    assert campaign.decision_date.year == year


@pytest.mark.parametrize(
    ("today", "year"),
    [
        (date(2026, 11, 22), 2026),
        (date(2026, 10, 25), 2026),
        (date(2026, 10, 24), 2025),
        (date(2027, 1, 3), 2026),
    ],
)
def test_demo_year(today, year):
    assert demo.demo_year(today) == year


def test_the_illustration_is_a_real_png():
    data = demo.demo_photo_png("31-AK-01")
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) < 1000
    chunks, offset = {}, 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        tag, body = data[offset + 4 : offset + 8], data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert crc == zlib.crc32(tag + body) & 0xFFFFFFFF
        chunks[tag] = body
        offset += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (width, height, depth, colour) == (48, 32, 8, 2)
    assert len(zlib.decompress(chunks[b"IDAT"])) == height * (1 + 3 * width)
    assert demo.demo_photo_png("31-AK-02") != data  # one per place
