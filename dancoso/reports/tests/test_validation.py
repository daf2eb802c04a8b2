"""Validation with broken data (issue 5 point 10): the rules test_services.py does not reach each fire with their
message: a negative count, an identity of the platform's figures that no longer holds, an event counted outside
the period, a date that does not exist, and a part of a provider's figures larger than its whole. The figures are
broken in the stored JSON, as a bug or a hand edit of the database would leave them."""

from datetime import date

import pytest

from dancoso.reports import services, validation
from dancoso.reports.models import ReportType

pytestmark = pytest.mark.django_db


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(validation, "_today", lambda: date(2026, 6, 18))


@pytest.fixture
def report(today, commune, officer):
    six_months = ReportType.objects.get(slug="dan-chu-co-so-6-thang")
    return services.create_report(unit=commune, report_type=six_months, period="2026-H1", actor=officer)


def broken(report, section_key: str, edit) -> None:
    section = report.sections.get(key=section_key)
    data = section.data
    edit(data)
    section.data = data
    section.save()


def figure(data: dict, key: str) -> dict:
    return next(f for p in data["providers"] for f in p["figures"] if f["key"] == key)


def test_the_draft_of_an_empty_commune_is_clean(report):
    assert validation.validate(report) == []


def test_a_negative_count_is_an_error(report):
    broken(report, "tiep-cong-dan", lambda data: figure(data, "reception.persons").update(value=-3))
    (finding,) = validation.validate(report)
    assert (finding.level, finding.code, finding.figure) == (
        "error",
        "negative:reception.persons",
        "reception.persons",
    )
    assert finding.message == "Số người được tiếp không thể là số âm."


def test_an_identity_of_the_platforms_figures_that_no_longer_holds(report):
    def edit(data):
        figure(data, "petitions.received")["value"] = 3

    broken(report, "tiep-cong-dan", edit)
    findings = [f for f in validation.validate(report) if f.code.startswith("identity:")]
    assert [f.figure for f in findings] == ["petitions.received"]
    assert findings[0].message == (
        "Số đơn tiếp nhận (3 đơn) không bằng tổng đã giải quyết + đang giải quyết + chuyển đơn, hướng dẫn + "
        "lưu đơn, không xử lý + rút đơn (0 đơn). Căn cứ: LEGAL.md §7; issue 3 point 8."
    )


def test_a_part_of_the_platforms_figures_larger_than_its_whole(report):
    broken(report, "cong-khai", lambda data: figure(data, "disclosure.late").update(value=2))
    messages = {f.code: f.message for f in validation.validate(report)}
    assert messages["part:disclosure.late"] == (
        "Công khai chậm (2 nội dung) lớn hơn số nội dung đã công khai (0 nội dung)."
    )
    assert "identity:disclosure.disclosed" in messages


def test_an_event_counted_outside_the_period_is_an_error(report):
    def edit(data):
        data["providers"][0]["dates"] = [["Ngày tiếp nhận đơn", "2026-06-20"], ["Ngày tiếp", "2026-03-02"]]

    broken(report, "tiep-cong-dan", edit)
    (finding,) = validation.validate(report)
    assert finding.level == "error" and finding.section == "tiep-cong-dan"
    assert (
        finding.message
        == "Ngày tiếp nhận đơn ngày 20/06/2026 nằm ngoài kỳ báo cáo (15/12/2025 – 14/06/2026)."
    )


def test_a_date_that_does_not_exist_is_an_error(report, officer):
    services.save_section_text(report, "lanh-dao", "Kế hoạch số 12/KH-UBND ngày 31/02/2026.", actor=officer)
    (finding,) = validation.validate(report)
    assert (finding.level, finding.section) == ("error", "lanh-dao")
    assert finding.message == "Ngày “31/02/2026” không có thật."


def test_every_error_blocks_and_nothing_is_acknowledged_away(report, officer):
    broken(report, "tiep-cong-dan", lambda data: figure(data, "reception.persons").update(value=-3))
    findings = validation.validate(report)
    assert validation.blocking(findings, [f.code for f in findings]) == findings
