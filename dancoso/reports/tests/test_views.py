"""The staff report pages: draft, edit, check, import, submit, download, decide, new version, tracker."""

import io
from datetime import date

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import Workbook

from dancoso.accounts.middleware import SESSION_UNIT_KEY
from dancoso.accounts.models import Role
from dancoso.petitions.models import Kind
from dancoso.petitions.tests.test_services import staff, submit
from dancoso.reports import services
from dancoso.reports.models import Report, ReportState, ReportType
from dancoso.reports.tests.test_services import TTHC
from dancoso.units.tests.factories import ProvinceFactory, UnitFactory

pytestmark = pytest.mark.django_db

SIX_MONTHS = "dan-chu-co-so-6-thang"


@pytest.fixture
def report(commune, officer):
    report_type = ReportType.objects.get(slug=SIX_MONTHS)
    return services.create_report(unit=commune, report_type=report_type, period="2026-H1", actor=officer)


def login(client, user, unit):
    client.force_login(user)
    session = client.session
    session[SESSION_UNIT_KEY] = unit.pk
    session.save()
    return client


def page(client, report) -> str:
    response = client.get(reverse("reports:detail", args=[report.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_an_officer_makes_a_draft_from_the_list(client, commune, officer):
    login(client, officer, commune)
    listing = client.get(reverse("reports:list"))
    assert (
        listing.status_code == 200
        and "Báo cáo kết quả thực hiện dân chủ ở cơ sở 6 tháng" in listing.content.decode()
    )
    report_type = ReportType.objects.get(slug=SIX_MONTHS)
    refused = client.post(reverse("reports:list"), {"report_type": report_type.pk, "period": "2026"})
    assert "2026-H1" in refused.content.decode() and not Report.objects.exists()
    made = client.post(reverse("reports:list"), {"report_type": report_type.pk, "period": "2026-H1"})
    report = Report.objects.get()
    assert made.status_code == 302 and made["Location"] == reverse("reports:detail", args=[report.pk])


def test_the_page_shows_each_finding_next_to_its_figure(client, commune, officer, report):
    services.save_manual_values(report, "tthc", {**TTHC, "received_online": "9.999"}, actor=officer)
    login(client, officer, commune)
    html = page(client, report)
    assert "Hồ sơ tiếp nhận trực tuyến (9.999 hồ sơ) lớn hơn tổng số hồ sơ tiếp nhận (4.410 hồ sơ)." in html
    field_at = html.index('name="tthc-received_online"')
    assert (
        field_at
        < html.index("lớn hơn tổng số hồ sơ tiếp nhận", field_at)
        < html.index('name="tthc-resolved_on_time"')
    )
    assert "Không thể gửi báo cáo còn lỗi" in html


def test_text_and_typed_figures_are_saved_and_bad_figures_refused(client, commune, officer, report):
    login(client, officer, commune)
    client.post(
        reverse("reports:save_text", args=[report.pk, "khai-quat"]), {"khai-quat-text": "Xã có 19 thôn."}
    )
    assert report.sections.get(key="khai-quat").text == "Xã có 19 thôn."
    response = client.post(
        reverse("reports:save_manual", args=[report.pk, "tthc"]), {"tthc-received": "bốn nghìn"}, follow=True
    )
    assert "Tổng số hồ sơ tiếp nhận: Hãy nhập một số, ví dụ 4.410 hoặc 97,61." in response.content.decode()
    assert report.sections.get(key="tthc").data["values"] == {}


def _xlsx(rows) -> io.BytesIO:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    content = io.BytesIO()
    workbook.save(content)
    content.seek(0)
    content.name = "tthc.xlsx"
    return content


def test_the_table_is_imported_from_excel_all_or_nothing(client, commune, officer, report):
    login(client, officer, commune)
    url = reverse("reports:import_manual", args=[report.pk, "tthc"])
    bad = _xlsx(
        [
            ["Chỉ tiêu", "Số liệu"],
            ["Tổng số hồ sơ tiếp nhận", 4410],
            ["Hồ sơ bay", 3],
            ["Hồ sơ được số hóa", "abc"],
        ]
    )
    html = client.post(url, {"file": bad}, follow=True).content.decode()
    assert "Dòng 3: “Hồ sơ bay” không phải là chỉ tiêu của bảng này." in html
    assert "Hồ sơ được số hóa: Hãy nhập một số" in html
    assert report.sections.get(key="tthc").data["values"] == {}
    good = _xlsx(
        [
            ["Chỉ tiêu", "Số liệu"],
            ["tong so ho so tiep nhan", 4410],
            ["Điểm Chỉ số phục vụ người dân, doanh nghiệp", 97.61],
        ]
    )
    client.post(url, {"file": good})
    assert report.sections.get(key="tthc").data["values"] == {"received": "4410", "service_index": "97.61"}


def test_an_officer_may_not_submit_a_leader_submits_after_acknowledging(
    client, commune, officer, leader, report
):
    services.save_section_text(report, "lanh-dao", f"Hội nghị ngày {date.today():%d/%m/%Y}.", actor=officer)
    login(client, officer, commune)
    assert client.post(reverse("reports:submit", args=[report.pk])).status_code == 403
    login(client, leader, commune)
    client.post(reverse("reports:submit", args=[report.pk]))
    report.refresh_from_db()
    if report.state == ReportState.DRAFT:  # the date is after the period: a warning to acknowledge
        (code,) = [f"after:lanh-dao:{date.today():%d/%m/%Y}"]
        client.post(reverse("reports:submit", args=[report.pk]), {"acknowledge": [code]})
        report.refresh_from_db()
    assert (report.state, report.number) == (ReportState.SUBMITTED, 1)


def test_downloads(client, commune, officer, report):
    login(client, officer, commune)
    docx = client.get(reverse("reports:download", args=[report.pk, "docx"]))
    assert docx["Content-Disposition"].endswith('.docx"')
    document = Document(io.BytesIO(docx.content))
    header = " ".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "ỦY BAN NHÂN DÂN XÃ AN KHÁNH" in header
    assert client.get(reverse("reports:download", args=[report.pk, "xlsx"])).status_code == 200
    assert client.get(reverse("reports:download", args=[report.pk, "exe"])).status_code == 404


def test_the_province_accepts_or_returns_and_sees_the_tracker(client, province, commune, leader, report):
    services.submit_report(report, actor=leader)
    other = UnitFactory(name="Xã Chưa Gửi", parent=province)
    province_officer = staff(province, role=Role.PROVINCE_OFFICER)
    login(client, province_officer, province)
    tracker = client.get(
        reverse("reports:tracker"), {"report_type": report.report_type.pk, "period": "2026-H1"}
    )
    html = tracker.content.decode()
    assert "1/2" in html.replace(" trên ", "/") or "1 trên 2" in html
    assert other.name in html and reverse("reports:detail", args=[report.pk]) in html
    client.post(
        reverse("reports:decide", args=[report.pk]), {"decision": "return", "comment": "Bổ sung TTHC."}
    )
    report.refresh_from_db()
    assert (report.state, report.return_comment) == (ReportState.RETURNED, "Bổ sung TTHC.")
    login(client, leader, commune)
    assert client.post(reverse("reports:decide", args=[report.pk]), {"decision": "accept"}).status_code == 403


def test_another_units_report_is_not_found(client, report):
    outsider_unit = UnitFactory(name="Xã Khác", parent=ProvinceFactory(name="Tỉnh Khác"))
    login(client, staff(outsider_unit, role=Role.COMMUNE_LEADER), outsider_unit)
    assert client.get(reverse("reports:detail", args=[report.pk])).status_code == 404
    assert client.post(reverse("reports:submit", args=[report.pk])).status_code == 404


def test_a_submitted_report_gets_a_new_version(client, commune, leader, report):
    services.submit_report(report, actor=leader)
    login(client, leader, commune)
    response = client.post(reverse("reports:revise", args=[report.pk]), {"reason": "Sửa số liệu"})
    new = Report.objects.current().get()
    assert response["Location"] == reverse("reports:detail", args=[new.pk]) and new.version == 2


def test_the_page_reads_a_fixed_number_of_queries(
    client, commune, officer, report, django_assert_max_num_queries
):
    submit(commune, kind=Kind.COMPLAINT, received_on=date(2026, 3, 2))
    login(client, officer, commune)
    page(client, report)
    with django_assert_max_num_queries(25):
        page(client, report)


def test_the_generation_link_shows_only_to_those_who_may_generate(client, commune, officer):
    from dancoso.accounts.models import Role as Roles

    login(client, officer, commune)
    assert reverse("reports:generate") in client.get(reverse("reports:list")).content.decode()
    front = staff(commune, role=Roles.FRONT_OFFICER)
    login(client, front, commune)
    assert reverse("reports:generate") not in client.get(reverse("reports:tracker")).content.decode()
