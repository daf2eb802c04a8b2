"""The demo reports of seed_demo: a draft six-month report for each demo commune and ward, with the
administrative-procedure figures entered, one submitted and one returned, the validation flagging An Khánh's
figure, and nothing made twice."""

from decimal import Decimal

import pytest
from django.db import transaction

from dancoso.disclosure.demo import seed_disclosures
from dancoso.petitions.demo import seed_petitions
from dancoso.portal import demo as portal_demo
from dancoso.reports import demo, services, validation
from dancoso.reports.models import Report, ReportState
from dancoso.units.models import COMMUNE_LEVEL_KINDS, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded_world(django_db_setup, django_db_blocker):
    """The demo units, logins, petitions and disclosures, as seed_demo makes them before the reports: seeded
    once for the module in a transaction rolled back after its last test; each test runs in a savepoint inside
    it, so what one test changes the next does not see."""
    with django_db_blocker.unblock(), transaction.atomic():
        report = portal_demo.SeedReport()
        portal_demo.ensure_tree(portal_demo.demo_tree(), None, report)
        portal_demo.ensure_logins(report)
        seed_petitions()
        seed_disclosures()
        yield {unit.code: unit for unit in Unit.objects.filter(code__in=["31", "31-AK", "31-PL", "31-HD"])}
        transaction.set_rollback(True)


@pytest.fixture
def demo_world(db, seeded_world):
    return seeded_world


def current(code: str) -> Report:
    return Report.objects.current().get(unit__code=code, report_type__slug=demo.SIX_MONTHS)


def test_each_demo_commune_and_ward_has_the_current_six_month_report(demo_world):
    seeded = demo.seed_reports()
    period = str(demo.current_half())
    communes = set(Unit.objects.filter(kind__in=COMMUNE_LEVEL_KINDS).values_list("code", flat=True))
    assert {"31-PL", "31-HD", "31-AK"} <= communes
    assert (seeded.reports_created, seeded.submitted, seeded.returned) == (len(communes), 2, 1)
    assert set(Report.objects.values_list("unit__code", "period")) == {(code, period) for code in communes}
    phu_lien, hai_duong, an_khanh = current("31-PL"), current("31-HD"), current("31-AK")
    assert phu_lien.state == ReportState.SUBMITTED and phu_lien.number == 1 and phu_lien.symbol == "BC-UBND"
    assert hai_duong.state == ReportState.RETURNED and "số hóa" in hai_duong.return_comment
    assert an_khanh.state == ReportState.DRAFT
    tthc = phu_lien.sections.get(key="tthc").data["values"]
    assert tthc["received"] == "4410" and Decimal(tthc["service_index"]) == Decimal("97.61")
    assert phu_lien.events.filter(action="submit_report", actor__username="chutich.phulien").exists()
    assert hai_duong.events.filter(action="return_report", actor__username="tp.haiphong").exists()


def test_the_submitted_ones_pass_validation_and_an_khanh_shows_the_broken_identity(demo_world):
    demo.seed_reports()
    assert [f for f in validation.validate(current("31-PL")) if f.is_error] == []
    errors = [f for f in validation.validate(current("31-AK")) if f.is_error]
    assert [(f.code, f.figure) for f in errors] == [("identity:tthc.received", "tthc.received")]
    assert "Tổng số hồ sơ tiếp nhận (1.285 hồ sơ) không bằng tổng" in errors[0].message
    assert "(1.286 hồ sơ)" in errors[0].message


def test_the_tracker_of_hai_phong_shows_them(demo_world):
    demo.seed_reports()
    rows = {
        row.unit.code: row
        for row in services.tracker_rows(demo_world["31"], current("31-PL").report_type, demo.current_half())
    }
    assert rows["31-PL"].report.state == ReportState.SUBMITTED and rows["31-PL"].on_time is not None
    assert rows["31-PL"].figures["tthc.received"].value == Decimal(4410)
    assert rows["31-AK"].report.state == ReportState.DRAFT and rows["31-AK"].on_time is None


def test_seeding_twice_creates_nothing_more(demo_world):
    demo.seed_reports()
    before = list(Report.objects.order_by("pk").values_list("pk", "state", "version"))
    again = demo.seed_reports()
    assert again.reports_created == 0 and again.submitted == 0
    assert list(Report.objects.order_by("pk").values_list("pk", "state", "version")) == before
