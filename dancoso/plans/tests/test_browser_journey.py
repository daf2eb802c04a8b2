"""The plans journey at phone width in headless Chromium: a ward officer opens the province's plan, enters the
ward's value of an indicator and reports on its task; the province officer sees it on the plan and on the
dashboard, whose charts fit the phone and break no CSP rule (no console error)."""

from datetime import date

import pytest

from dancoso.accounts.roles import Role
from dancoso.accounts.tests.factories import MembershipFactory, UserFactory
from dancoso.plans import services
from dancoso.plans.models import IndicatorValue, TaskReport
from dancoso.portal.tests.test_browser import (  # noqa: F401 (fixtures)
    SCREENSHOTS,
    browser_page,
    live_server,
    log_in,
    no_sideways_scroll,
)
from dancoso.units.models import UnitKind
from dancoso.units.tests.factories import ProvinceFactory, UnitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world():
    province = ProvinceFactory(name="Tỉnh Ninh Bình", slug="ninh-binh")
    ward = UnitFactory(kind=UnitKind.WARD, name="Phường Hoa Lư", slug="hoa-lu", parent=province)
    UnitFactory(kind=UnitKind.WARD, name="Phường Tam Điệp", slug="tam-diep", parent=province)
    for username, unit, role in (
        ("canbo.hoalu", ward, Role.COMMUNE_OFFICER),
        ("tinh.ninhbinh", province, Role.PROVINCE_OFFICER),
    ):
        MembershipFactory(user=UserFactory(username=username), unit=unit, role=role)
    plan = services.create_plan(
        province,
        actor=None,
        title="Kế hoạch triển khai thực hiện Nghị quyết số 36/NQ-HĐND",
        issued_on=date(2026, 5, 15),
        start_year=2026,
        end_year=2030,
        report_due="25/11",
    )
    services.add_indicator(
        plan,
        actor=None,
        text="Hằng năm, 100% tổ chức Hội nghị cán bộ, công chức, viên chức, người lao động.",
        phrase="đã tổ chức Hội nghị cán bộ, công chức, viên chức, người lao động",
        target=100,
    )
    services.add_task(
        plan,
        actor=None,
        section="IV.1",
        text="Báo cáo kết quả về Sở Nội vụ chậm nhất ngày 25/11.",
        assignees=[ward],
    )
    return {"plan": plan, "ward": ward}


def test_enter_report_and_follow_at_phone_width(live_server, browser_page, world):  # noqa: F811
    page, base = browser_page, live_server.url
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    log_in(page, base, "canbo.hoalu")
    page.goto(f"{base}/staff/plans/")
    page.get_by_role("link", name="Kế hoạch triển khai thực hiện Nghị quyết số 36/NQ-HĐND").click()
    page.wait_for_load_state()
    no_sideways_scroll(page)
    page.get_by_role("link", name="1. Hằng năm, 100% tổ chức Hội nghị").click()
    page.wait_for_load_state()
    page.get_by_label("Có").check()
    page.get_by_role("button", name="Lưu kết quả").click()
    page.wait_for_load_state()
    assert IndicatorValue.objects.get(unit=world["ward"]).value == 1
    assert "1/2 (50%)" in page.content()
    page.goto(f"{base}/staff/plans/{world['plan'].pk}/")
    page.get_by_role("link", name="IV.1: Báo cáo kết quả").click()
    page.wait_for_load_state()
    page.select_option("select[name=status]", "done")
    page.fill("textarea[name=text]", "Đã gửi Báo cáo số 210/BC-UBND về Sở Nội vụ.")
    page.get_by_role("button", name="Lưu báo cáo").click()
    page.wait_for_load_state()
    assert TaskReport.objects.get(unit=world["ward"]).status == "done"
    no_sideways_scroll(page)

    log_in(page, base, "tinh.ninhbinh")
    page.goto(f"{base}/staff/plans/dashboard/")
    no_sideways_scroll(page)
    charts = page.locator("svg[role=img]")
    assert charts.count() == 4
    units_chart = charts.nth(1).inner_html()
    assert "1/1</tspan> · Phường Hoa Lư" in units_chart and "0/1</tspan> · Phường Tam Điệp" in units_chart
    assert page.get_by_role("img", name="Số chỉ tiêu đạt của từng đơn vị").count() == 1
    page.screenshot(path=str(SCREENSHOTS / "plans-dashboard-phone.png"), full_page=True)
    assert errors == []
