"""Golden tests on the demo data (issue 5 point 10): the six-month report of a demo ward, as written out in
.docx, holds the figures and sentences the demo rows give, counted here with plain queries (not through the
providers); and each figure of the city's report drills down to the units, whose values add up to it.

The expected numbers are computed from the rows: petitions received in the period (split letters and linked
repeats not counted, as petitions/stats.py documents), reception sessions and visits in the period, the
administrative-procedure table as entered by the demo."""

import io
from datetime import date

import pytest
from django.db.models import Sum
from django.urls import reverse
from docx import Document

from dancoso.accounts.middleware import SESSION_UNIT_KEY
from dancoso.accounts.models import User
from dancoso.petitions.models import BUCKET_OF_STATE, Petition, ReceptionSession, State, Visit
from dancoso.reports import demo, exports, services, snapshot
from dancoso.reports.models import Report, ReportType
from dancoso.reports.tests.test_demo import demo_world, seeded_world  # noqa: F401  (the fixtures)

pytestmark = pytest.mark.django_db


def written(n: int) -> str:
    """How a count is written in Vietnamese reports: a leading 0 below 10, dots between thousands."""
    if 0 < n < 10:
        return f"0{n}"
    return f"{n:,}".replace(",", ".")


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def period_days(report: Report) -> tuple[date, date]:
    from dancoso.reports.periods import Period

    return snapshot.period_dates(report.report_type, Period.parse(report.period))


def counted_petitions(unit, start, end):
    return Petition.objects.filter(unit__path__startswith=unit.path, received_on__range=(start, end)).exclude(
        state__in=(State.SPLIT, State.LINKED)
    )


def states_of(bucket: str) -> list[str]:
    return [state for state, each in BUCKET_OF_STATE.items() if each == bucket]


@pytest.fixture
def seeded(demo_world):  # noqa: F811
    demo.seed_reports()
    return demo_world


def test_the_wards_report_holds_the_figures_and_sentences_of_the_demo_rows(seeded):
    phu_lien = seeded["31-PL"]
    report = Report.objects.current().get(unit=phu_lien, report_type__slug=demo.SIX_MONTHS)
    start, end = period_days(report)
    assert (start.day, end.day) == (15, 14), "the NĐ 09/2019 Art. 12 cut-off"

    petitions = counted_petitions(phu_lien, start, end)
    received = petitions.count()
    resolved = petitions.filter(state__in=states_of("resolved")).count()
    sessions = ReceptionSession.objects.filter(unit__path__startswith=phu_lien.path, date__range=(start, end))
    visits = Visit.objects.filter(unit__path__startswith=phu_lien.path, date__range=(start, end))
    persons = visits.aggregate(n=Sum("persons"))["n"] or 0
    assert received > 0 and sessions.exists(), (
        "the demo gives the ward petitions and receptions this half-year"
    )

    figures = {
        figure.key: figure.value
        for section in report.sections.all()
        for bundle in snapshot.figure_sets(section)
        for figure in bundle.figures
    }
    assert figures["petitions.received"] == received
    assert figures["petitions.resolved"] == resolved
    assert figures["reception.sessions"] == sessions.count()
    assert figures["reception.visits"] == visits.count()
    assert figures["reception.persons"] == persons
    assert figures["tthc.received"] == 4410 and str(figures["tthc.service_index"]) == "97.61"

    text = docx_text(exports.render(report, "docx"))
    lead = f"Trong 6 tháng {'đầu' if report.period.endswith('H1') else 'cuối'} năm {report.period[:4]}, "
    assert lead + f"đã tổ chức {written(sessions.count())} buổi tiếp công dân" in text
    assert f"tiếp {written(visits.count())} lượt với {written(persons)} người" in text
    assert f"tiếp nhận {written(received)} đơn" in text
    assert f"đã giải quyết {written(resolved)} đơn" in text
    assert (
        "Kết quả giải quyết thủ tục hành chính: tổng số hồ sơ tiếp nhận 4.410 hồ sơ; hồ sơ tiếp nhận trực tuyến "
        "3.902 hồ sơ;" in text
    )
    assert "điểm chỉ số phục vụ người dân, doanh nghiệp đạt 97,61/100 điểm." in text
    assert demo.TTHC_TEXT["31-PL"] in text
    assert "Số: 01/BC-UBND" in text and "ỦY BAN NHÂN DÂN PHƯỜNG PHÙ LIỄN" in text
    assert f"Phù Liễn, ngày {report.issued_on:%d} tháng" in text
    assert "Vũ Đức Thắng" in text


def test_a_figure_of_the_citys_report_drills_down_to_its_units(seeded):
    city = seeded["31"]
    report_type = ReportType.objects.get(slug=demo.SIX_MONTHS)
    report = services.create_report(
        unit=city, report_type=report_type, period=demo.current_half(), actor=None
    )
    start, end = period_days(report)

    breakdown = services.figure_breakdown(report, "petitions.received")
    by_code = {row.unit.code: row for row in breakdown.rows if not row.own}
    assert {"31-PL", "31-HD", "31-AK"} <= set(by_code)
    for code in ("31-PL", "31-HD", "31-AK"):
        assert by_code[code].value == counted_petitions(seeded[code], start, end).count(), code
    own = next(row for row in breakdown.rows if row.own)
    assert own.unit == city and own.value == counted_petitions(city, start, end).filter(unit=city).count()
    assert sum(row.value for row in breakdown.rows) == breakdown.total
    assert breakdown.total == breakdown.figure.value == counted_petitions(city, start, end).count()
    assert by_code["31-PL"].report.unit == seeded["31-PL"]

    typed = services.figure_breakdown(report, "tthc.received")
    values = {row.unit.code: row.value for row in typed.rows}
    assert values["31-PL"] == 4410 and values["31-HD"] is None and values["31-AK"] is None, (
        "only submitted tables count: Hải Dương's was returned, An Khánh's is a draft"
    )
    assert typed.total == typed.figure.value == 4410

    with pytest.raises(LookupError):
        services.figure_breakdown(report, "petitions.khong-co")


def test_the_drill_down_page(client, seeded):
    city = seeded["31"]
    report_type = ReportType.objects.get(slug=demo.SIX_MONTHS)
    report = services.create_report(
        unit=city, report_type=report_type, period=demo.current_half(), actor=None
    )
    officer = User.objects.get(username="tp.haiphong")
    client.force_login(officer)
    session = client.session
    session[SESSION_UNIT_KEY] = city.pk
    session.save()
    detail = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    url = reverse("reports:breakdown", args=[report.pk, "petitions.received"])
    assert url in detail
    page = client.get(url).content.decode()
    assert "Phường Phù Liễn" in page and "Xã An Khánh" in page
    phu_lien = Report.objects.current().get(unit=seeded["31-PL"], report_type=report_type)
    assert reverse("reports:detail", args=[phu_lien.pk]) in page
    total = services.figure_breakdown(report, "petitions.received").total
    assert f'data-value="{total}"' in page
    assert client.get(reverse("reports:breakdown", args=[report.pk, "khong.co"])).status_code == 404
    ward_officer = User.objects.get(username="canbo.ankhanh")
    client.force_login(ward_officer)
    session = client.session
    session[SESSION_UNIT_KEY] = seeded["31-AK"].pk
    session.save()
    assert client.get(url).status_code == 404, "a commune does not see the city's report"


def test_a_units_value_drills_down_to_the_petitions_behind_it(client, seeded):
    """From the city's report to a ward's value to the petitions it counts, each opening its case page; the
    rows are those the reader may see, and never name a petitioner."""
    city, ward = seeded["31"], seeded["31-PL"]
    report_type = ReportType.objects.get(slug=demo.SIX_MONTHS)
    report = services.create_report(
        unit=city, report_type=report_type, period=demo.current_half(), actor=None
    )
    start, end = period_days(report)
    officer = User.objects.get(username="tp.haiphong")

    for key, expected in (
        ("petitions.received", counted_petitions(ward, start, end)),
        ("petitions.resolved", counted_petitions(ward, start, end).filter(state__in=states_of("resolved"))),
        ("petitions.kind.complaint", counted_petitions(ward, start, end).filter(kind="complaint")),
    ):
        result = services.figure_rows(report, key, ward, user=officer)
        assert result.total == expected.count(), key
        assert {row.label.split(" · ")[0] for row in result.rows} == set(
            expected.values_list("tracking_code", flat=True)
        ), key
    own = services.figure_rows(report, "petitions.received", city, user=officer, own=True)
    assert own.total == counted_petitions(city, start, end).filter(unit=city).count()

    breakdown = services.figure_breakdown(report, "petitions.received")
    ward_row = next(row for row in breakdown.rows if row.unit == ward)
    client.force_login(officer)
    session = client.session
    session[SESSION_UNIT_KEY] = city.pk
    session.save()
    page = client.get(ward_row.rows_url).content.decode()
    petition = counted_petitions(ward, start, end).first()
    assert reverse("petitions:detail", args=[petition.pk]) in page and petition.tracking_code in page
    for name in Petition.objects.exclude(petitioner_name="").values_list("petitioner_name", flat=True)[:20]:
        assert name not in page
    with pytest.raises(LookupError):
        services.figure_rows(report, "petitions.on_time_rate", ward, user=officer)  # a rate has no rows
    stranger = User.objects.get(username="canbo.ankhanh")
    assert services.figure_rows(report, "petitions.received", ward, user=stranger).total == 0


def test_a_disclosure_figure_drills_down_to_the_items_behind_it(seeded):
    city, ward = seeded["31"], seeded["31-PL"]
    report_type = ReportType.objects.get(slug=demo.SIX_MONTHS)
    report = services.create_report(
        unit=city, report_type=report_type, period=demo.current_half(), actor=None
    )
    officer = User.objects.get(username="tp.haiphong")
    breakdown = services.figure_breakdown(report, "disclosure.disclosed")
    for key in ("disclosure.disclosed", "disclosure.late", "disclosure.missing"):
        by_unit = {row.unit: row.value for row in services.figure_breakdown(report, key).rows if not row.own}
        rows = services.figure_rows(report, key, ward, user=officer)
        assert rows.total == by_unit[ward], key
    disclosed = services.figure_rows(report, "disclosure.disclosed", ward, user=officer)
    assert disclosed.total > 0 and all(row.url.startswith("/staff/disclosure/") for row in disclosed.rows)
    assert breakdown.total == breakdown.figure.value
    stranger = User.objects.get(username="canbo.ankhanh")
    assert services.figure_rows(report, "disclosure.disclosed", ward, user=stranger).total == 0


def test_a_reception_figure_drills_down_to_the_sessions_and_visits(seeded):
    city, ward = seeded["31"], seeded["31-PL"]
    report_type = ReportType.objects.get(slug=demo.SIX_MONTHS)
    report = services.create_report(
        unit=city, report_type=report_type, period=demo.current_half(), actor=None
    )
    start, end = period_days(report)
    officer = User.objects.get(username="tp.haiphong")
    sessions = services.figure_rows(report, "reception.sessions", ward, user=officer)
    assert (
        sessions.total
        == ReceptionSession.objects.filter(unit__path__startswith=ward.path, date__range=(start, end)).count()
    )
    visits = services.figure_rows(report, "reception.visits", ward, user=officer)
    assert (
        visits.total
        == Visit.objects.filter(unit__path__startswith=ward.path, date__range=(start, end)).count()
    )
    assert all("/staff/" in row.url for row in sessions.rows + visits.rows)
    persons = services.figure_rows(report, "reception.persons", ward, user=officer)
    assert persons.total == visits.total and all(" người" in row.label for row in persons.rows)
    with pytest.raises(LookupError):
        services.figure_rows(
            report, "reception.answer_on_time_rate", ward, user=officer
        )  # a rate has no rows
