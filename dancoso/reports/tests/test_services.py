"""Drafting, validation, numbering, submission, return, new versions and consolidation of reports."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from dancoso.core.models import LedgerEntry
from dancoso.petitions.models import Kind
from dancoso.petitions.tests.test_services import staff, submit
from dancoso.reports import services, validation
from dancoso.reports.models import Report, ReportNumber, ReportState, ReportType
from dancoso.reports.periods import Period
from dancoso.units.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

SIX_MONTHS = "dan-chu-co-so-6-thang"
TTHC = {
    "received": "4.410",
    "received_online": "3.902",
    "resolved_on_time": "4.300",
    "resolved_late": "10",
    "in_progress_on_time": "90",
    "in_progress_late": "5",
    "returned": "5",
    "service_index": "97,61",
}


@pytest.fixture
def today(monkeypatch):
    day = {"value": date(2026, 6, 18)}
    monkeypatch.setattr(services, "_today", lambda: day["value"])
    monkeypatch.setattr(validation, "_today", lambda: day["value"])
    return day


def six_months():
    return ReportType.objects.get(slug=SIX_MONTHS)


def draft(commune, officer, period="2026-H1"):
    return services.create_report(unit=commune, report_type=six_months(), period=period, actor=officer)


def section(report, key):
    return report.sections.get(key=key)


def codes(findings):
    return {f.code.split(":")[0] for f in findings}


# ------------------------------------------------------------------------------------------- drafting


def test_a_draft_has_the_types_sections_document_fields_and_the_periods_figures(today, commune, officer):
    for day in (date(2026, 3, 2), date(2026, 5, 4), date(2026, 7, 1)):  # the last one is after 14/6
        submit(commune, kind=Kind.PROPOSAL, received_on=day)
    report = draft(commune, officer)

    assert [s.key for s in report.sections.all()][:3] == ["mo-dau", "khai-quat", "lanh-dao"]
    assert section(report, "nhiem-vu").heading == "V. NHIỆM VỤ TRỌNG TÂM 6 THÁNG CUỐI NĂM 2026"
    assert "Ủy ban nhân dân xã An Khánh báo cáo kết quả như sau" in section(report, "mo-dau").text
    assert (report.issuing_body, report.parent_body, report.symbol, report.place) == (
        "ỦY BAN NHÂN DÂN XÃ AN KHÁNH",
        "UBND THÀNH PHỐ HẢI PHÒNG",
        "BC-UBND",
        "An Khánh",
    )
    petitions = next(
        p for p in section(report, "tiep-cong-dan").data["providers"] if p["provider"] == "petitions"
    )
    received = next(f for f in petitions["figures"] if f["key"] == "petitions.received")
    assert received["value"] == 2  # NĐ 09/2019 cut-off: 15/12/2025 – 14/06/2026
    assert petitions["sentence"].startswith("Trong 6 tháng đầu năm 2026, tiếp nhận 02 đơn")
    assert (petitions["start"], petitions["end"]) == ("2025-12-15", "2026-06-14")
    assert LedgerEntry.objects.filter(action="reports.create_report").count() == 1


def test_the_narrative_is_carried_over_from_the_last_period(today, commune, officer):
    first = draft(commune, officer, "2025-H2")
    services.save_section_text(first, "khai-quat", "Xã có 19 thôn, dân số gần 34.000 người.", actor=officer)
    second = draft(commune, officer, "2026-H1")
    assert section(second, "khai-quat").text == "Xã có 19 thôn, dân số gần 34.000 người."


def test_one_current_report_per_unit_type_and_period(today, commune, officer):
    draft(commune, officer)
    with pytest.raises(ValidationError, match="đã có báo cáo này"):
        draft(commune, officer)


def test_the_period_must_fit_the_type(today, commune, officer):
    with pytest.raises(ValidationError) as caught:
        draft(commune, officer, "2026")
    assert "2026-H1" in str(caught.value)


# ------------------------------------------------------------------------------------------- manual tables


def test_manual_values_are_read_the_vietnamese_way(today, commune, officer):
    report = draft(commune, officer)
    stored = services.save_manual_values(report, "tthc", TTHC, actor=officer)
    assert stored.data["values"]["received"] == "4410"
    assert stored.data["values"]["service_index"] == "97.61"


def test_bad_manual_values_are_refused_with_a_message_and_change_nothing(today, commune, officer):
    report = draft(commune, officer)
    with pytest.raises(ValidationError) as caught:
        services.save_manual_values(
            report, "tthc", {"received": "bốn nghìn", "resolved_late": "-3"}, actor=officer
        )
    assert caught.value.message_dict == {
        "received": ["Hãy nhập một số, ví dụ 4.410 hoặc 97,61."],
        "resolved_late": ["Số liệu không thể là số âm."],
    }
    assert section(report, "tthc").data.get("values") == {}


# ------------------------------------------------------------------------------------------- validation


def test_a_consistent_report_has_no_finding(today, commune, officer):
    report = draft(commune, officer)
    services.save_manual_values(report, "tthc", TTHC, actor=officer)
    assert validation.validate(report) == []


def test_an_identity_that_does_not_hold_is_an_error(today, commune, officer):
    report = draft(commune, officer)
    services.save_manual_values(report, "tthc", {**TTHC, "received": "4.411"}, actor=officer)
    (finding,) = validation.validate(report)
    assert finding.level == validation.ERROR and finding.figure == "tthc.received"
    assert finding.message == (
        "Tổng số hồ sơ tiếp nhận (4.411 hồ sơ) không bằng tổng đã giải quyết đúng hạn + đã giải quyết quá hạn + "
        "đang giải quyết trong hạn + đang giải quyết quá hạn + trả lại, công dân rút hồ sơ (4.410 hồ sơ)."
    )


def test_a_part_larger_than_its_whole_and_a_score_above_its_maximum_are_errors(today, commune, officer):
    report = draft(commune, officer)
    services.save_manual_values(
        report, "tthc", {**TTHC, "received_online": "5.000", "service_index": "101"}, actor=officer
    )
    findings = validation.validate(report)
    assert codes(findings) == {"part", "score"}
    messages = " ".join(f.message for f in findings)
    assert (
        "Hồ sơ tiếp nhận trực tuyến (5.000 hồ sơ) lớn hơn tổng số hồ sơ tiếp nhận (4.410 hồ sơ)." in messages
    )
    assert "điểm phải từ 0 đến 100" in messages


def test_a_rate_above_100_percent_is_an_error(today, commune, officer):
    report = draft(commune, officer)
    figures = section(report, "tiep-cong-dan")
    data = figures.data
    rate = next(f for p in data["providers"] for f in p["figures"] if f["key"] == "petitions.on_time_rate")
    rate["value"] = 1.25  # broken data: 125 %
    figures.data = data
    figures.save()
    (finding,) = validation.validate(report)
    assert finding.message == "Tỷ lệ giải quyết đúng hạn là 125,0%: tỷ lệ phải từ 0% đến 100%."


def test_a_number_in_the_text_that_contradicts_the_figures_is_an_error(today, commune, officer):
    submit(commune, kind=Kind.PROPOSAL, received_on=date(2026, 3, 2))
    report = draft(commune, officer)
    services.save_section_text(
        report, "tiep-cong-dan", "Trong kỳ, UBND xã đã tiếp nhận 25 đơn của công dân.", actor=officer
    )
    (finding,) = validation.validate(report)
    assert finding.message == "Phần lời viết “tiếp nhận 25 đơn” nhưng số liệu là 1 đơn (số đơn tiếp nhận)."
    services.save_section_text(report, "tiep-cong-dan", "Đã tiếp nhận 01 đơn.", actor=officer)
    assert validation.validate(report) == []


def test_dates_after_the_period_warn_and_after_today_are_errors(today, commune, officer):
    report = draft(commune, officer)
    services.save_section_text(report, "lanh-dao", "Kế hoạch số 79/KH-UBND ngày 12/02/2026.", actor=officer)
    assert validation.validate(report) == []
    services.save_section_text(
        report, "lanh-dao", "Hội nghị ngày 16/06/2026; dự kiến ngày 30/06/2026.", actor=officer
    )
    findings = validation.validate(report)
    assert [(f.level, f.message) for f in findings] == [
        ("warning", "Ngày 16/06/2026 ở sau kỳ báo cáo (kết thúc 14/06/2026)."),
        ("error", "Ngày 30/06/2026 ở sau ngày hôm nay: kiểm tra lại."),
    ]


# ------------------------------------------------------------------------------------------- lifecycle


def test_errors_block_submission_and_change_nothing(today, commune, officer):
    report = draft(commune, officer)
    services.save_manual_values(report, "tthc", {**TTHC, "received": "1"}, actor=officer)
    with pytest.raises(ValidationError, match="không bằng tổng"):
        services.submit_report(report, actor=officer)
    report.refresh_from_db()
    assert (report.state, report.number) == (ReportState.DRAFT, None)


def test_a_warning_must_be_acknowledged_before_submission(today, commune, officer):
    report = draft(commune, officer)
    services.save_section_text(report, "lanh-dao", "Hội nghị ngày 16/06/2026.", actor=officer)
    with pytest.raises(ValidationError, match="ở sau kỳ báo cáo"):
        services.submit_report(report, actor=officer)
    (warning,) = validation.validate(report)
    submitted = services.submit_report(report, actor=officer, acknowledge=[warning.code])
    assert submitted.acknowledged == [warning.code]


def test_submission_numbers_the_report_and_numbering_restarts_each_year(today, commune, officer):
    """NĐ 30/2020 Art. 15: numbers run from 01 each 1 January, per unit and symbol."""
    first = services.submit_report(draft(commune, officer, "2025-H2"), actor=officer)
    second = services.submit_report(draft(commune, officer, "2026-H1"), actor=officer)
    assert (first.number, second.number, second.issued_on) == (1, 2, date(2026, 6, 18))
    today["value"] = date(2027, 1, 5)
    third = services.submit_report(draft(commune, officer, "2026-H2"), actor=officer)
    assert third.number == 1
    assert ReportNumber.objects.get(unit=commune, year=2026).last == 2
    assert LedgerEntry.objects.filter(action="reports.submit_report").count() == 3


def test_a_submitted_report_is_frozen_until_a_new_version(today, commune, officer):
    report = services.submit_report(draft(commune, officer), actor=officer)
    with pytest.raises(ValidationError, match="phiên bản mới"):
        services.save_section_text(report, "khai-quat", "Sửa", actor=officer)
    with pytest.raises(ValidationError):
        services.revise_report(report, actor=officer, reason="")
    new = services.revise_report(report, actor=officer, reason="Bổ sung số liệu tháng 6")
    report.refresh_from_db()
    assert (report.state, new.state, new.version, new.previous_version) == (
        ReportState.SUPERSEDED,
        ReportState.DRAFT,
        2,
        report,
    )
    assert new.sections.count() == report.sections.count()
    assert Report.objects.current().get(unit=commune) == new


def test_accept_and_return(today, commune, officer, province):
    province_officer = staff(province, role="province_officer")
    report = services.submit_report(draft(commune, officer), actor=officer)
    with pytest.raises(ValidationError):
        services.return_report(report, actor=province_officer, comment=" ")
    returned = services.return_report(report, actor=province_officer, comment="Bổ sung số liệu TTHC.")
    assert returned.state == ReportState.RETURNED
    services.save_section_text(returned, "khai-quat", "Đã bổ sung.", actor=officer)
    resubmitted = services.submit_report(returned, actor=officer)
    assert resubmitted.number == report.number  # same document, same number within the year
    accepted = services.accept_report(resubmitted, actor=province_officer)
    assert accepted.state == ReportState.ACCEPTED
    with pytest.raises(ValidationError):
        services.accept_report(accepted, actor=province_officer)


# ------------------------------------------------------------------------------------------- consolidation


def test_a_province_report_sums_its_units_submitted_tables(today, province, commune, officer):
    other = UnitFactory(name="Phường Phù Liễn", kind="ward", parent=province)
    late = UnitFactory(name="Xã Chưa Nộp", parent=province)
    for unit, received, index in ((commune, "4.410", "97,61"), (other, "1.000", "95,00")):
        report = draft(unit, staff(unit), "2026-H1")
        services.save_manual_values(
            report,
            "tthc",
            {"received": received, "resolved_on_time": received, "service_index": index},
            actor=officer,
        )
        services.submit_report(report, actor=officer)
    draft(late, staff(late), "2026-H1")  # a draft is not counted

    province_report = draft(province, staff(province, role="province_officer"), "2026-H1")
    values = section(province_report, "tthc").data["values"]
    assert values["received"] == "5410"
    assert Decimal(values["service_index"]) == Decimal("96.31")  # the average of the scores (96,305 → 96,31)
    assert set(
        services.submitted_reports(province, six_months(), Period(2026, "half", 1)).values_list(
            "unit", flat=True
        )
    ) == {
        commune.pk,
        other.pk,
    }
