"""The staff plan pages: list and new plan, a plan, an indicator (drill-down and entry), a task (reports), the
dashboard (SVG charts with accessible text); the query count does not grow with the units."""

import re
from datetime import date

import pytest
from django.urls import reverse

from dancoso.accounts.middleware import SESSION_UNIT_KEY
from dancoso.accounts.roles import Role
from dancoso.plans import services
from dancoso.plans.models import IndicatorValue, Plan, TaskReport
from dancoso.units.models import UnitKind
from dancoso.units.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def login(client, user, unit):
    client.force_login(user)
    session = client.session
    session[SESSION_UNIT_KEY] = unit.pk
    session.save()
    return client


def test_the_list_shows_the_plans_above_and_a_unit_makes_its_own(client, tree, plan, officer_of):
    login(client, officer_of(tree.hoa_lu), tree.hoa_lu)
    page = client.get(reverse("plans:list"))
    assert page.status_code == 200 and plan.title in page.content.decode()
    data = {"title": "Kế hoạch của phường", "parent": plan.pk, "start_year": 2026, "end_year": 2030}
    refused = client.post(reverse("plans:list"), {**data, "end_year": 2025})
    assert (
        "không được trước" in refused.content.decode() and not Plan.objects.filter(unit=tree.hoa_lu).exists()
    )
    made = client.post(reverse("plans:list"), data)
    mine = Plan.objects.get(unit=tree.hoa_lu)
    assert made.status_code == 302 and mine.parent == plan


def test_the_plan_page_shows_indicators_tasks_and_only_units_in_scope(client, tree, plan, officer_of):
    services.create_plan(
        tree.hoa_lu,
        actor=None,
        parent=plan,
        title="KH Hoa Lư",
        issued_on=date(2026, 6, 1),
        start_year=2026,
        end_year=2030,
    )
    services.create_plan(
        tree.tam_diep, actor=None, parent=plan, title="KH Tam Điệp", start_year=2026, end_year=2030
    )
    login(client, officer_of(tree.hoa_lu), tree.hoa_lu)
    html = client.get(reverse("plans:detail", args=[plan.pk]) + "?year=2026").content.decode()
    assert "100% tổ chức Hội nghị" in html and "25/11/2026" in html and "1/4 (25%)" in html
    assert "KH Hoa Lư" in html and "KH Tam Điệp" not in html
    assert reverse("plans:indicator_add", args=[plan.pk]) not in html  # the province's plan is not the ward's
    province = login(client, officer_of(tree.province, Role.PROVINCE_OFFICER), tree.province)
    html = province.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "KH Tam Điệp" in html and reverse("plans:indicator_add", args=[plan.pk]) in html


def test_the_province_adds_indicators_and_tasks(client, tree, plan, officer_of):
    login(client, officer_of(tree.province, Role.PROVINCE_OFFICER), tree.province)
    client.post(
        reverse("plans:indicator_add", args=[plan.pk]),
        {
            "indicator-text": "100% kiện toàn Ban Thanh tra nhân dân",
            "indicator-phrase": "đã kiện toàn Ban Thanh tra nhân dân",
            "indicator-target": "100",
            "indicator-target_unit": "percent",
            "indicator-measurement": "entered",
            "indicator-measure": "",
            "indicator-value_kind": "yes_no",
            "indicator-unit_word": "đơn vị",
        },
    )
    client.post(
        reverse("plans:task_add", args=[plan.pk]),
        {"task-text": "Tập huấn", "task-assignees": [tree.agency.pk], "task-due_on": "2026-12-15"},
    )
    client.post(reverse("plans:issue", args=[plan.pk]), {"number": "156/KH-UBND", "issued_on": "2026-05-15"})
    plan.refresh_from_db()
    assert plan.indicators.count() == 4 and plan.tasks.count() == 2 and plan.number == "156/KH-UBND"
    ward = login(client, officer_of(tree.hoa_lu), tree.hoa_lu)
    assert ward.post(reverse("plans:task_add", args=[plan.pk]), {"task-text": "X"}).status_code == 403


def test_a_ward_enters_its_value_and_sees_only_its_row(client, tree, plan, officer_of):
    indicator = plan.indicators.get(position=3)
    services.enter_value(indicator, tree.tam_diep, 2026, actor=None, value=2, whole=4)
    login(client, officer_of(tree.hoa_lu), tree.hoa_lu)
    url = reverse("plans:indicator", args=[indicator.pk])
    refused = client.post(url, {"year": 2026, "value": "7", "whole": "6"})
    assert "không được lớn hơn" in refused.content.decode() and not IndicatorValue.objects.filter(
        unit=tree.hoa_lu
    )
    client.post(url, {"year": 2026, "value": "5", "whole": "6", "note": "Lớp ngày 10/9"})
    assert IndicatorValue.objects.get(unit=tree.hoa_lu).value == 5
    html = client.get(url + "?year=2026").content.decode()
    assert "Phường Hoa Lư" in html and "Phường Tam Điệp" not in html
    assert "7/10 (70%)" in html  # the overall value counts every unit


def test_a_computed_indicator_is_kept_by_the_province(client, tree, plan, officer_of):
    indicator = plan.indicators.get(position=1)
    login(client, officer_of(tree.province, Role.PROVINCE_OFFICER), tree.province)
    html = client.get(reverse("plans:indicator", args=[indicator.pk])).content.decode()
    assert reverse("plans:snapshot", args=[indicator.pk]) in html and 'name="value"' not in html
    client.post(reverse("plans:snapshot", args=[indicator.pk]), {"year": 2026})
    assert IndicatorValue.objects.filter(indicator=indicator, source="snapshot").count() == 4


def test_an_assignee_reports_on_its_task(client, tree, plan, officer_of):
    task = plan.tasks.get()
    services.report_task(task, tree.tam_diep, actor=None, status="done", text="Bí mật Tam Điệp")
    login(client, officer_of(tree.hoa_lu), tree.hoa_lu)
    url = reverse("plans:task", args=[task.pk])
    client.post(url, {"status": "in_progress", "text": "Đang tổng hợp", "reported_on": "2026-11-01"})
    assert TaskReport.objects.get(unit=tree.hoa_lu).text == "Đang tổng hợp"
    html = client.get(url).content.decode()
    assert "Đang tổng hợp" in html and "Bí mật Tam Điệp" not in html
    other = login(client, officer_of(tree.gia_vien), tree.gia_vien)
    assert other.post(url, {"status": "done", "text": "X", "reported_on": "2026-11-01"}).status_code == 302
    assert not TaskReport.objects.filter(unit=tree.gia_vien).exists()


def as_if_committed() -> None:
    """Run what a commit would: the calendar caches are bypassed inside a transaction that changed units, as a
    test's is (core.calendar), so the queries counted are those of a page read."""
    from django.db import connection

    callbacks = list(connection.run_on_commit)
    connection.run_on_commit.clear()
    for _savepoints, callback, _robust in callbacks:
        callback()


def charts_of(html: str) -> list[str]:
    return re.findall(r"<svg viewBox=.*?</svg>", html, re.S)


def test_the_dashboard_draws_three_charts_with_accessible_text(client, tree, plan, officer_of):
    services.enter_value(plan.indicators.get(position=2), tree.hoa_lu, 2026, actor=None, value=1)
    login(client, officer_of(tree.province, Role.PROVINCE_OFFICER), tree.province)
    response = client.get(reverse("plans:dashboard") + "?year=2026")
    html = response.content.decode()
    charts = charts_of(html)
    assert len(charts) == 4  # indicators, units, disclosure, petitions
    for chart in charts:
        assert 'role="img"' in chart and "<title id=" in chart and "<desc id=" in chart
        assert "style=" not in chart and "<script" not in chart
    assert html.count('<div class="visually-hidden"><table>') == 4
    # Hoa Lư met 1 of the 3 indicators (no plan of its own, no training entered); Tam Điệp none.
    assert re.search(r"1/3</tspan> · Phường Hoa Lư", html) and re.search(
        r"0/3</tspan> · Phường Tam Điệp", html
    )


def test_a_ward_sees_only_itself_on_the_dashboard(client, tree, plan, officer_of):
    login(client, officer_of(tree.hoa_lu), tree.hoa_lu)
    html = client.get(reverse("plans:dashboard")).content.decode()
    assert "Phường Hoa Lư" in html and "Phường Tam Điệp" not in html and "Xã Gia Viễn" not in html


def test_a_unit_with_no_plan_still_sees_its_petitions(client, officer_of):
    ward = UnitFactory(kind=UnitKind.WARD)
    login(client, officer_of(ward), ward)
    html = client.get(reverse("plans:dashboard")).content.decode()
    assert len(charts_of(html)) == 1


def test_the_queries_do_not_grow_with_the_units(
    client, tree, plan, officer_of, django_assert_max_num_queries
):
    login(client, officer_of(tree.province, Role.PROVINCE_OFFICER), tree.province)
    pages = [
        reverse("plans:detail", args=[plan.pk]),
        reverse("plans:dashboard"),
        reverse("plans:indicator", args=[plan.indicators.get(position=3).pk]),
        reverse("plans:task", args=[plan.tasks.get().pk]),
        reverse("plans:list"),
    ]

    services.create_plan(
        tree.hoa_lu,
        actor=None,
        parent=plan,
        title="KH",
        issued_on=date(2026, 6, 1),
        start_year=2026,
        end_year=2030,
    )

    def counts():
        as_if_committed()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        result = []
        for url in pages:
            client.get(url)  # the work calendars of new units are loaded once and cached (core.calendar)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    before = counts()
    for n in range(8):
        unit = UnitFactory(kind=UnitKind.COMMUNE, parent=tree.province, name=f"Xã Thêm {n}")
        services.enter_value(plan.indicators.get(position=2), unit, 2026, actor=None, value=1)
        services.create_plan(
            unit,
            actor=None,
            parent=plan,
            title="KH",
            issued_on=date(2026, 6, 1),
            start_year=2026,
            end_year=2030,
        )
    after = counts()
    assert after == before
    for url, n in zip(pages, before, strict=True):
        with django_assert_max_num_queries(n):
            client.get(url)
