"""The law of disclosure as worked examples, each with its article (LEGAL.md §1.a, §1.e, §1.f). The real
calendar is used: Tết 2026 is Mon 16 – Fri 20/02 off (core's data migration)."""

from datetime import date as D

import pytest

from dancoso.disclosure import legal
from dancoso.disclosure.models import Category, DisclosureRule
from dancoso.units.models import UnitKind
from dancoso.units.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def commune():
    return UnitFactory(kind=UnitKind.COMMUNE, name="Xã An Khánh")


@pytest.mark.parametrize(
    ("decision", "disclosed", "late"),
    [
        # Art. 12.3: within 05 working days. Decided Fri 13/02/2026; Tết closes 16–20/02, so the 5 working days
        # are 23–27/02: the 27th is on time, Mon 02/03 (the 6th working day, across the holiday) is late.
        pytest.param(D(2026, 2, 13), D(2026, 2, 27), False, id="Art12.3-tet-5th-working-day"),
        pytest.param(D(2026, 2, 13), D(2026, 3, 2), True, id="Art12.3-tet-6th-working-day-late"),
        # An ordinary week: decided Mon 09/11/2026, the 5th working day is Mon 16/11.
        pytest.param(D(2026, 11, 9), D(2026, 11, 16), False, id="Art12.3-ordinary-week"),
        pytest.param(D(2026, 11, 9), D(2026, 11, 17), True, id="Art12.3-ordinary-week-late"),
    ],
)
def test_commune_disclosure_deadline(commune, decision, disclosed, late):
    assert legal.is_late("commune", decision, disclosed, commune) is late


def test_enterprise_counts_calendar_days_with_the_civil_code_end_rule():
    enterprise = UnitFactory(kind=UnitKind.ENTERPRISE, name="Công ty TNHH MTV Cấp nước")
    # Art. 65.2: 15 days. Decided Sat 31/10/2026 → 15/11 is a Sunday → ends Mon 16/11 (BLDS Art. 148).
    assert legal.disclosure_deadline("enterprise", D(2026, 10, 31), enterprise) == D(2026, 11, 16)


@pytest.mark.parametrize(
    ("start", "last", "days", "enough"),
    [
        pytest.param(D(2026, 3, 1), D(2026, 3, 29), 29, False, id="Art13.2-29-days-fail"),
        pytest.param(D(2026, 3, 1), D(2026, 3, 30), 30, True, id="Art13.2-30-days-pass"),
    ],
)
def test_notice_boards_need_30_consecutive_days(start, last, days, enough):
    minimum = legal.rule("commune.boards", start).days
    assert minimum == 30
    assert legal.days_posted(start, last) == days
    assert (legal.days_posted(start, last) >= minimum) is enough


def test_requirements_per_item():
    on = D(2026, 6, 1)
    budget = Category.objects.get(code="xa-02-ngan-sach")
    social = Category.objects.get(code="xa-07-an-sinh")
    procedures = Category.objects.get(code="xa-13-thu-tuc")
    assert {(r.channel, r.min_days, r.each_village) for r in legal.requirements(budget, "commune", on)} == {
        ("portal", None, False),
        ("seat_board", 30, False),
        ("village_board", 30, True),
    }
    social_channels = {r.channel: r.min_days for r in legal.requirements(social, "commune", on)}
    assert social_channels["loudspeaker"] == 3 and "village_head" in social_channels
    permanent = legal.requirements(procedures, "commune", on)
    assert any(r.channel == "seat_board" and r.permanent for r in permanent)
    agency_item = Category.objects.get(code="co-quan-01-ke-hoach")
    assert [(r.channel, r.min_days) for r in legal.requirements(agency_item, "agency", on)] == [
        ("seat_board", 20)
    ]


def test_the_legal_lists_are_seeded():
    commune_items = Category.objects.filter(regime="commune", is_quarterly_list=False)
    assert sorted(commune_items.values_list("number", flat=True)) == list(range(1, 15))
    assert set(commune_items.filter(is_permanent=True).values_list("number", flat=True)) == {4, 13}
    assert set(commune_items.filter(needs_loudspeaker=True).values_list("number", flat=True)) == set(
        range(7, 13)
    )
    assert Category.objects.filter(is_quarterly_list=True).count() == 1
    assert DisclosureRule.objects.filter(rule="commune.boards").get().days == 30


def test_an_administrator_changes_a_rule_from_a_date(commune):
    from dancoso.disclosure import services

    row = DisclosureRule(
        rule="commune.boards", valid_from=D(2027, 1, 1), days=45, day_type="calendar", article="Giả định"
    )
    services.save_disclosure_rule(row, actor=None)
    assert legal.rule("commune.boards", D(2026, 12, 31)).days == 30
    assert legal.rule("commune.boards", D(2027, 1, 1)).days == 45


def test_regimes():
    assert legal.regime_of_unit(UnitFactory(kind=UnitKind.WARD)) == "commune"
    assert legal.regime_of_unit(UnitFactory(kind=UnitKind.AGENCY)) == "agency"
    assert legal.regime_of_unit(UnitFactory(kind=UnitKind.PUBLIC_SERVICE_UNIT)) == "agency"
    assert legal.regime_of_unit(UnitFactory(kind=UnitKind.PROVINCE)) is None
