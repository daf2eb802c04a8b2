"""Demo reports of seed_demo (issue 5 point 9): the six-month report of the current half-year for each demo
commune and ward of Hải Phòng, drafted from the demo data through `reports.services`.

- phường Phù Liễn: its administrative-procedure table entered, with a sentence about it, and submitted by its
  chairman (so it has its NĐ 30 number);
- phường Hải Dương: entered and submitted, then returned by the city with a comment;
- xã An Khánh: entered but not submitted, and one figure does not add up (the files resolved on time were typed
  one too many), so the page shows the validation at work.

The report types themselves are installed by the migration. The administrative-procedure figures are made up,
of the size a commune's one-stop desk reports over six months (thousands of files, a service index near 97/100).
Running `seed_reports` twice creates nothing the second time: a unit that already has this report for this
period is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from dancoso.reports import services
from dancoso.reports.models import Report, ReportType
from dancoso.reports.periods import Period
from dancoso.units.models import COMMUNE_LEVEL_KINDS, Unit

SIX_MONTHS = "dan-chu-co-so-6-thang"

# Administrative-procedure figures of the one-stop desk: received = resolved on time + resolved late + in
# progress on time + in progress late + returned (reports.manual), except An Khánh's, off by one on purpose.
PHU_LIEN = {
    "received": "4.410",
    "received_online": "3.902",
    "resolved_on_time": "4.300",
    "resolved_late": "10",
    "in_progress_on_time": "90",
    "in_progress_late": "5",
    "returned": "5",
    "digitised": "4.102",
    "online_payments": "2.615",
    "service_index": "97,61",
}
HAI_DUONG = {
    "received": "3.126",
    "received_online": "2.541",
    "resolved_on_time": "3.018",
    "resolved_late": "12",
    "in_progress_on_time": "84",
    "in_progress_late": "3",
    "returned": "9",
    "digitised": "2.870",
    "online_payments": "1.904",
    "service_index": "95,20",
}
AN_KHANH = {
    "received": "1.285",
    "received_online": "1.002",
    "resolved_on_time": "1.231",  # 1.230 in the desk's statistics: the identity does not hold
    "resolved_late": "4",
    "in_progress_on_time": "45",
    "in_progress_late": "1",
    "returned": "5",
    "service_index": "96,35",
}
TTHC_TEXT = {
    "31-PL": "Phường tiếp nhận 4.410 hồ sơ thủ tục hành chính, trong đó 3.902 hồ sơ trực tuyến; Chỉ số phục vụ "
    "người dân, doanh nghiệp đạt 97,61/100 điểm.",
    "31-HD": "Phường tiếp nhận 3.126 hồ sơ thủ tục hành chính, trong đó 2.541 hồ sơ trực tuyến.",
    "31-AK": "Xã tiếp nhận 1.285 hồ sơ thủ tục hành chính, trong đó 1.002 hồ sơ trực tuyến.",
}
RETURN_COMMENT = (
    "Đề nghị bổ sung số liệu về hồ sơ được số hóa và đánh giá nguyên nhân 12 hồ sơ giải quyết quá hạn; "
    "gửi lại trước hạn."
)


@dataclass(frozen=True)
class DemoReport:
    code: str  # the unit's code
    values: dict
    writer: str  # the demo login who drafts (the unit's officer), if the unit has one
    signer: str  # who submits (the unit's chairman), if any
    signer_name: str
    submit: bool = False
    return_by: str = ""  # the city officer who returns it with RETURN_COMMENT


DEMO_REPORTS = (
    DemoReport("31-PL", PHU_LIEN, "canbo.phulien", "chutich.phulien", "Vũ Đức Thắng", submit=True),
    DemoReport("31-HD", HAI_DUONG, "", "", "Trần Văn Bình", submit=True, return_by="tp.haiphong"),
    DemoReport("31-AK", AN_KHANH, "canbo.ankhanh", "chutich.ankhanh", "Đỗ Văn Hùng"),
)


@dataclass
class ReportsSeeded:
    reports_created: int = 0
    submitted: int = 0
    returned: int = 0


def current_half(today=None) -> Period:
    return Period.current_half(today)


def _user(username: str):
    if not username:
        return None
    return get_user_model().objects.filter(username=username).first()


@transaction.atomic
def seed_reports(today=None) -> ReportsSeeded:
    """The demo reports of the current half-year; units missing from the demo (a smaller seed) are skipped."""
    seeded = ReportsSeeded()
    report_type = ReportType.objects.filter(slug=SIX_MONTHS).first()
    if report_type is None:
        return seeded
    period = current_half(today)
    for demo in DEMO_REPORTS:
        unit = Unit.objects.filter(code=demo.code).first()
        if (
            unit is None
            or Report.objects.filter(unit=unit, report_type=report_type, period=str(period)).exists()
        ):
            continue
        writer, signer = _user(demo.writer), _user(demo.signer)
        report = services.create_report(unit=unit, report_type=report_type, period=period, actor=writer)
        services.save_manual_values(report, "tthc", demo.values, actor=writer)
        services.save_section_text(report, "tthc", TTHC_TEXT[demo.code], actor=writer)
        services.save_document_fields(report, actor=writer, signer_name=demo.signer_name)
        seeded.reports_created += 1
        if demo.submit:
            report = services.submit_report(report, actor=signer)
            seeded.submitted += 1
        if demo.return_by:
            services.return_report(report, actor=_user(demo.return_by), comment=RETURN_COMMENT)
            seeded.returned += 1
    named = {demo.code for demo in DEMO_REPORTS}
    for unit in _other_demo_communes(named):
        if not Report.objects.filter(unit=unit, report_type=report_type, period=str(period)).exists():
            services.create_report(unit=unit, report_type=report_type, period=period, actor=None)
            seeded.reports_created += 1
    return seeded


def _other_demo_communes(named: set[str]):
    """The demo's other communes and wards (not those generated for benchmarks, "31-S0001"…): a plain draft
    each, figures from their data, nothing typed."""
    return (
        Unit.objects.filter(kind__in=COMMUNE_LEVEL_KINDS, is_active=True)
        .exclude(code__in=named)
        .exclude(code__regex=r"^\d+-S\d{4}$")
        .order_by("code")
    )
