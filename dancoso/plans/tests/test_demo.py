"""The demo plan: the Ninh Bình plan of seeds/004, installed once however often the seed runs."""

import pytest

from dancoso.plans import stats
from dancoso.plans.demo import INDICATORS, TITLE, seed_plans
from dancoso.plans.models import Indicator, IndicatorValue, Plan, Task, TaskReport
from dancoso.portal import demo

pytestmark = pytest.mark.django_db


def snapshot():
    return tuple(
        list(model.objects.order_by("pk").values_list("pk", flat=True))
        for model in (Plan, Indicator, IndicatorValue, Task, TaskReport)
    )


def test_the_demo_plan_is_the_seed_and_is_installed_once():
    demo.seed()
    first = seed_plans()
    assert first.plans_created >= 6 and first.indicators_created == 6 and first.tasks_created == 9
    before = snapshot()
    again = seed_plans()
    assert again.created == 0 and again.values_entered == 0 and again.task_reports_created == 0
    assert snapshot() == before
    plan = Plan.objects.get(title=TITLE, parent=None)
    assert plan.report_due == "25/11" and (plan.start_year, plan.end_year) == (2026, 2030)
    assert [i.text for i in plan.indicators.all()] == [row[0] for row in INDICATORS]
    assert all(i.target == 100 for i in plan.indicators.all())
    progress = stats.plan_progress(plan, 2026)
    assert progress[0].part == 5 and progress[0].whole == 10  # five units issued their plans
    assert stats.value_text(progress[2]) == "22/25 (88%)"
