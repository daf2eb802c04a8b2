"""The reports journey at phone width in headless Chromium (issue 5, point 10): a commune officer makes the
six-month report, types the administrative-procedure table, sees the figure that breaks the identity flagged
next to it and corrects it; the chairman submits the report; the city officer finds it submitted in the tracker,
opens it, then makes the city's consolidated report, whose table holds the commune's figures, and drills a
figure down to the communes."""

import importlib

import pytest
from django.utils import timezone

from dancoso.accounts.roles import Role
from dancoso.accounts.tests.factories import MembershipFactory, UserFactory
from dancoso.portal.tests.test_browser import (  # noqa: F401 (fixtures)
    SCREENSHOTS,
    browser_page,
    live_server,
    log_in,
    no_sideways_scroll,
)
from dancoso.reports.models import Report, ReportState, ReportType
from dancoso.units.models import UnitKind
from dancoso.units.tests.factories import ProvinceFactory, UnitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIX_MONTHS = "dan-chu-co-so-6-thang"
TYPED = {
    "received": "4.410",
    "received_online": "3.902",
    "resolved_on_time": "4.301",  # one too many: received ≠ the sum of its parts
    "resolved_late": "10",
    "in_progress_on_time": "90",
    "in_progress_late": "5",
    "returned": "5",
    "service_index": "97,61",
}


@pytest.fixture
def world():
    if not ReportType.objects.filter(slug=SIX_MONTHS).exists():
        # An earlier transactional test flushed the rows the data migration installed: install them again.
        from django.apps import apps

        importlib.import_module("dancoso.reports.migrations.0002_report_types").install(apps, None)
    city = ProvinceFactory(name="Thành phố Hải Phòng", slug="hai-phong")
    commune = UnitFactory(kind=UnitKind.COMMUNE, name="Xã An Khánh", slug="an-khanh", parent=city)
    UnitFactory(kind=UnitKind.WARD, name="Phường Phù Liễn", slug="phu-lien", parent=city)
    for username, name, unit, role in (
        ("canbo.ankhanh", "Nguyễn Thị Hạnh", commune, Role.COMMUNE_OFFICER),
        ("chutich.ankhanh", "Đỗ Văn Hùng", commune, Role.COMMUNE_LEADER),
        ("tp.haiphong", "Lê Minh Quân", city, Role.PROVINCE_OFFICER),
    ):
        MembershipFactory(user=UserFactory(username=username, full_name=name), unit=unit, role=role)
    today = timezone.localdate()
    return {"city": city, "commune": commune, "period": f"{today.year}-H{1 if today.month <= 6 else 2}"}


def test_draft_correct_submit_track_and_consolidate_at_phone_width(live_server, browser_page, world):  # noqa: F811
    page, base = browser_page, live_server.url
    report_type = ReportType.objects.get(slug=SIX_MONTHS)

    # The officer makes the draft and types the table.
    log_in(page, base, "canbo.ankhanh")
    page.goto(f"{base}/staff/reports/")
    page.select_option("select[name=report_type]", str(report_type.pk))
    page.fill("input[name=period]", world["period"])
    page.get_by_role("button", name="Tạo dự thảo").click()
    page.wait_for_load_state()
    report = Report.objects.get(unit=world["commune"])
    assert page.url.endswith(f"/staff/reports/{report.pk}/")
    for name, value in TYPED.items():
        page.fill(f"input[name=tthc-{name}]", value)
    page.locator("#section-tthc form.manual-table button[type=submit]").click()
    page.wait_for_load_state()
    finding = page.locator("#section-tthc .findings").first
    assert "không bằng tổng" in finding.inner_text()
    assert "(4.411 hồ sơ)" in finding.inner_text()
    assert page.locator("#submit").count() == 0, "an officer does not submit"
    no_sideways_scroll(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "report-flagged-360.png"), full_page=True)

    # It corrects the flagged figure.
    page.fill("input[name=tthc-resolved_on_time]", "4.300")
    page.locator("#section-tthc form.manual-table button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#section-tthc .findings").count() == 0
    assert "Không phát hiện vấn đề" in page.locator("#check").inner_text()

    # The chairman submits it.
    log_in(page, base, "chutich.ankhanh")
    page.goto(f"{base}/staff/reports/{report.pk}/")
    checkboxes = page.locator("#submit input[type=checkbox]")
    for index in range(checkboxes.count()):
        checkboxes.nth(index).check()
    page.get_by_role("button", name="Gửi báo cáo").click()
    page.wait_for_load_state()
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED and report.number == 1
    assert "01/BC-UBND" in page.locator("main").inner_text()

    # The city officer sees it submitted in the tracker and opens it.
    log_in(page, base, "tp.haiphong")
    page.goto(f"{base}/staff/reports/tracker/?report_type={report_type.pk}&period={world['period']}")
    tracker = page.locator("main").inner_text()
    assert "1 trên 2 đơn vị đã gửi báo cáo." in tracker
    row = page.locator("tr", has_text="Xã An Khánh")
    assert "4.410" in row.inner_text()
    assert "Phường Phù Liễn" in page.locator("tbody").inner_text()
    no_sideways_scroll(page)
    page.screenshot(path=str(SCREENSHOTS / "report-tracker-360.png"), full_page=True)
    row.get_by_role("link", name="Xã An Khánh").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/staff/reports/{report.pk}/")
    assert page.locator("#decide").count() == 1, "the city decides on the commune's report"

    # It makes the city's consolidated report: the table is the commune's, the figures drill down.
    page.goto(f"{base}/staff/reports/")
    page.select_option("select[name=report_type]", str(report_type.pk))
    page.fill("input[name=period]", world["period"])
    page.get_by_role("button", name="Tạo dự thảo").click()
    page.wait_for_load_state()
    consolidated = Report.objects.get(unit=world["city"])
    assert page.url.endswith(f"/staff/reports/{consolidated.pk}/")
    assert page.locator("input[name=tthc-received]").input_value() == "4.410"
    assert page.locator("input[name=tthc-service_index]").input_value() == "97,61"
    page.locator("#section-tthc a.figure-breakdown", has_text="Tổng số hồ sơ tiếp nhận").click()
    page.wait_for_load_state()
    table = page.locator("main table").inner_text()
    assert "Xã An Khánh" in table and "Phường Phù Liễn" in table and "4.410" in table
    no_sideways_scroll(page)
    page.screenshot(path=str(SCREENSHOTS / "report-breakdown-360.png"), full_page=True)
