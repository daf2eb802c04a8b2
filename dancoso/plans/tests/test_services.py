"""Every write of plans: it changes what it should, writes the ledger, and a refusal (in Vietnamese) changes
nothing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from dancoso.core.models import LedgerEntry
from dancoso.plans import services
from dancoso.plans.models import Indicator, IndicatorValue, Measurement, Plan, Task, TaskReport, ValueKind

pytestmark = pytest.mark.django_db


def state():
    return (
        list(Plan.objects.order_by("pk").values()),
        list(Indicator.objects.order_by("pk").values()),
        list(IndicatorValue.objects.order_by("pk").values()),
        list(Task.objects.order_by("pk").values()),
        list(TaskReport.objects.order_by("pk").values()),
        LedgerEntry.objects.filter(action__startswith="plans.").count(),
    )


def refused(call, *args, expect: str, **kwargs):
    """`call` is refused with a Vietnamese message containing `expect` and changes nothing."""
    before = state()
    with translation.override("vi"), pytest.raises(ValidationError) as error:
        call(*args, **kwargs)
    assert expect.lower() in " ".join(error.value.messages).lower(), error.value.messages
    assert state() == before


def test_a_plan_is_created_with_a_ledger_entry(tree):
    plan = services.create_plan(
        tree.province, actor=None, title="  Kế hoạch  ", start_year=2026, end_year=2030, report_due="5/1"
    )
    assert plan.title == "Kế hoạch" and plan.report_due == "05/01" and plan.issued_on is None
    assert LedgerEntry.objects.get(action="plans.plan_created").object_id == str(plan.pk)


@pytest.mark.parametrize(
    ("fields", "expect"),
    [
        ({"title": " ", "start_year": 2026, "end_year": 2026}, "tiêu đề"),
        ({"title": "K", "start_year": 2027, "end_year": 2026}, "năm cuối"),
        ({"title": "K", "start_year": 1990, "end_year": 2026}, "2000"),
        ({"title": "K", "start_year": 2026, "end_year": 2026, "report_due": "31/02"}, "25/11"),
        (
            {
                "title": "K",
                "start_year": 2026,
                "end_year": 2026,
                "issued_on": date.today() + timedelta(days=2),
            },
            "chưa đến",
        ),
    ],
)
def test_bad_plans_are_refused(tree, fields, expect):
    refused(services.create_plan, tree.province, actor=None, expect=expect, **fields)


def test_an_implementation_plan_belongs_to_a_unit_directly_below(tree, plan):
    child = services.create_plan(
        tree.hoa_lu, actor=None, parent=plan, title="KH", start_year=2026, end_year=2030
    )
    assert child.parent == plan and child.implements == str(plan)
    fields = {"title": "KH", "start_year": 2026, "end_year": 2030}
    refused(services.create_plan, tree.hoa_lu, actor=None, parent=plan, expect="đã có kế hoạch", **fields)
    refused(services.create_plan, tree.school, actor=None, parent=plan, expect="ngay trên", **fields)
    refused(services.create_plan, tree.village, actor=None, expect="thôn", **fields)


def test_a_plan_is_issued_with_its_number(tree, plan):
    services.update_plan(plan, actor=None, number="156/KH-UBND", issued_on=date(2026, 5, 20))
    plan.refresh_from_db()
    assert (plan.number, plan.issued_on) == ("156/KH-UBND", date(2026, 5, 20))
    assert LedgerEntry.objects.filter(action="plans.plan_updated").count() == 1
    refused(services.update_plan, plan, actor=None, title="", expect="tiêu đề")


def test_update_keeps_the_years_units_entered(tree, plan):
    services.enter_value(plan.indicators.get(position=2), tree.hoa_lu, 2026, actor=None, value=1)
    refused(services.update_plan, plan, actor=None, start_year=2027, end_year=2030, expect="ngoài")


def test_indicators_are_numbered_in_order(tree, plan):
    assert list(plan.indicators.values_list("position", flat=True)) == [1, 2, 3]
    assert LedgerEntry.objects.filter(action="plans.indicator_added").count() == 3


@pytest.mark.parametrize(
    ("fields", "expect"),
    [
        ({"target": 120}, "100"),
        ({"target": 0}, "100"),
        ({"target": "abc"}, "số"),
        ({"measurement": Measurement.COMPUTED, "measure": "no.such"}, "nền tảng tự tính"),
        ({"measure": "plans.implementation_plan_issued"}, "không có"),
        ({"value_kind": ValueKind.NUMBER}, "bằng số"),
        ({"text": ""}, "chỉ tiêu"),
    ],
)
def test_bad_indicators_are_refused(plan, fields, expect):
    data = {"text": "Chỉ tiêu", "phrase": "đã làm", "target": 100, **fields}
    refused(services.add_indicator, plan, actor=None, expect=expect, **data)


def test_a_unit_enters_its_value_and_enters_it_again(tree, plan):
    indicator = plan.indicators.get(position=2)
    services.enter_value(indicator, tree.hoa_lu, 2026, actor=None, value=0)
    row = services.enter_value(indicator, tree.hoa_lu, 2026, actor=None, value=1, note="Đã tổ chức 15/01")
    assert IndicatorValue.objects.get() == row and row.value == 1 and row.note == "Đã tổ chức 15/01"
    assert LedgerEntry.objects.filter(action="plans.value_entered").count() == 2
    ratio = plan.indicators.get(position=3)
    row = services.enter_value(ratio, tree.agency, 2026, actor=None, value="4", whole="5")
    assert (row.value, row.whole) == (Decimal(4), Decimal(5))


@pytest.mark.parametrize(
    ("position", "unit", "year", "value", "whole", "expect"),
    [
        (1, "hoa_lu", 2026, 1, None, "tính tự động"),
        (2, "school", 2026, 1, None, "thực hiện kế hoạch"),
        (2, "village", 2026, 1, None, "thực hiện kế hoạch"),
        (2, "hoa_lu", 2025, 1, None, "ngoài"),
        (2, "hoa_lu", 2026, 2, None, "có hoặc không"),
        (3, "hoa_lu", 2026, 6, 5, "lớn hơn"),
        (3, "hoa_lu", 2026, 1, None, "tổng số"),
        (3, "hoa_lu", 2026, -1, 5, "âm"),
    ],
)
def test_bad_values_are_refused(tree, plan, position, unit, year, value, whole, expect):
    indicator = plan.indicators.get(position=position)
    refused(
        services.enter_value,
        indicator,
        getattr(tree, unit),
        year,
        actor=None,
        value=value,
        whole=whole,
        expect=expect,
    )


def test_a_value_for_a_year_not_begun_is_refused(tree, plan):
    next_year = timezone.localdate().year + 1
    services.update_plan(plan, actor=None, end_year=max(2030, next_year))
    refused(
        services.enter_value,
        plan.indicators.get(position=2),
        tree.hoa_lu,
        next_year,
        actor=None,
        value=1,
        expect="chưa bắt đầu",
    )


def test_computed_values_are_kept_as_a_snapshot(tree, plan):
    services.create_plan(
        tree.hoa_lu,
        actor=None,
        parent=plan,
        title="KH",
        issued_on=date(2026, 6, 1),
        start_year=2026,
        end_year=2030,
    )
    kept = services.snapshot_values(
        plan.indicators.get(position=1), 2026, actor=None, today=date(2026, 12, 1)
    )
    assert kept == 4
    values = dict(IndicatorValue.objects.values_list("unit__name", "value"))
    assert values == {
        "Phường Hoa Lư": 1,
        "Phường Tam Điệp": 0,
        "Xã Gia Viễn": 0,
        "Sở Nội vụ tỉnh Ninh Bình": 0,
    }
    assert set(IndicatorValue.objects.values_list("source", flat=True)) == {"snapshot"}
    refused(services.snapshot_values, plan.indicators.get(position=2), 2026, actor=None, expect="tự tính")


def test_a_task_is_assigned_to_units_below(tree, plan):
    task = services.add_task(plan, actor=None, text="Tập huấn", assignees=[tree.agency, tree.school])
    assert task.position == 2 and set(task.assignees.all()) == {tree.agency, tree.school}
    refused(services.add_task, plan, actor=None, text="X", assignees=[], expect="ít nhất")
    refused(services.add_task, plan, actor=None, text="X", assignees=[tree.village], expect="thôn")
    refused(services.add_task, plan, actor=None, text=" ", assignees=[tree.agency], expect="nhiệm vụ")
    refused(
        services.add_task,
        plan,
        actor=None,
        text="X",
        assignees=[tree.agency],
        due_on=date(2040, 1, 1),
        expect="ngoài",
    )


def test_an_assignee_reports_on_its_task(tree, plan):
    task = plan.tasks.get()
    report = services.report_task(task, tree.hoa_lu, actor=None, status="in_progress", text="Đang làm")
    assert report.reported_on == timezone.localdate()
    assert LedgerEntry.objects.filter(action="plans.task_reported").count() == 1
    refused(
        services.report_task,
        task,
        tree.gia_vien,
        actor=None,
        status="done",
        text="X",
        expect="không được giao",
    )
    refused(
        services.report_task,
        task,
        tree.hoa_lu,
        actor=None,
        status="overdue",
        text="X",
        expect="đang thực hiện",
    )
    refused(services.report_task, task, tree.hoa_lu, actor=None, status="done", text="", expect="đã làm")
    refused(
        services.report_task,
        task,
        tree.hoa_lu,
        actor=None,
        status="done",
        text="X",
        reported_on=timezone.localdate() + timedelta(days=1),
        expect="tương lai",
    )
