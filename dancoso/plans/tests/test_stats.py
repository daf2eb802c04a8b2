"""Progress of indicators and tasks, and the report provider's figures and sentence."""

from datetime import date

import pytest

from dancoso.core.figures import COUNT, RATE
from dancoso.plans import services, stats
from dancoso.plans.models import TaskStatus
from dancoso.reports.registry import providers
from dancoso.units.tests.factories import ProvinceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entered(tree, plan):
    fields = {"start_year": 2026, "end_year": 2030}
    for unit in (tree.hoa_lu, tree.tam_diep, tree.agency):
        services.create_plan(unit, actor=None, parent=plan, title="KH", issued_on=date(2026, 6, 1), **fields)
    conference = plan.indicators.get(position=2)
    services.enter_value(conference, tree.hoa_lu, 2026, actor=None, value=1)
    services.enter_value(conference, tree.tam_diep, 2026, actor=None, value=0)
    training = plan.indicators.get(position=3)
    services.enter_value(training, tree.hoa_lu, 2026, actor=None, value=6, whole=6)
    services.enter_value(training, tree.gia_vien, 2026, actor=None, value=3, whole=4)
    return plan


def test_progress_of_each_indicator(tree, entered):
    issued, conference, training = stats.plan_progress(entered, 2026, today=date(2026, 12, 1))
    assert (issued.part, issued.whole, stats.value_text(issued)) == (3, 4, "3/4 (75%)")
    # Not answered counts as not met: 1 of the 4 target units.
    assert (conference.part, conference.whole, conference.answered) == (1, 4, 2)
    assert (training.part, training.whole) == (9, 10) and stats.value_text(training) == "9/10 (90%)"
    assert training.progress == pytest.approx(0.9) and not training.reached
    assert stats.target_text(training.indicator) == "100%"


def test_progress_over_some_units_only(tree, entered):
    (conference,) = stats.plan_progress(
        entered, 2026, units=[tree.hoa_lu], only=entered.indicators.get(position=2), today=date(2026, 12, 1)
    )
    assert (conference.part, conference.whole, conference.reached) == (1, 1, True)


def test_a_snapshot_replaces_the_computed_value(tree, entered):
    services.snapshot_values(entered.indicators.get(position=1), 2026, actor=None, today=date(2026, 11, 1))
    services.create_plan(
        tree.gia_vien,
        actor=None,
        parent=entered,
        title="KH",
        issued_on=date(2026, 11, 10),
        start_year=2026,
        end_year=2030,
    )
    (issued,) = stats.plan_progress(entered, 2026, only=entered.indicators.get(position=1))
    assert (issued.part, issued.whole) == (3, 4)  # kept on 01/11, before Gia Viễn issued its plan


TODAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("statuses", "due_on", "expected"),
    [
        ([], None, TaskStatus.NOT_STARTED),
        (["not_started", "not_started"], None, TaskStatus.NOT_STARTED),
        (["in_progress", "not_started"], None, TaskStatus.IN_PROGRESS),
        (["done", "done"], date(2026, 1, 1), TaskStatus.DONE),  # done late is done
        (["done", "in_progress"], date(2026, 11, 25), TaskStatus.OVERDUE),  # due yesterday
        (["done", "in_progress"], TODAY, TaskStatus.IN_PROGRESS),  # due today: not overdue yet
        (["not_started"], date(2026, 11, 25), TaskStatus.OVERDUE),
    ],
)
def test_task_status(statuses, due_on, expected):
    assert stats.task_status(statuses, due_on, TODAY) == expected


def test_each_assignees_latest_report_counts(tree, plan):
    task = plan.tasks.get()
    services.report_task(
        task, tree.hoa_lu, actor=None, status="in_progress", text="A", reported_on=date(2026, 6, 1)
    )
    services.report_task(task, tree.hoa_lu, actor=None, status="done", text="B", reported_on=date(2026, 7, 1))
    services.report_task(
        task, tree.tam_diep, actor=None, status="in_progress", text="C", reported_on=date(2026, 7, 1)
    )
    (progress,) = stats.tasks_progress(plan.tasks.all(), today=date(2026, 8, 1))
    assert [(a.unit.name, a.status) for a in progress.assignees] == [
        ("Phường Hoa Lư", "done"),
        ("Phường Tam Điệp", "in_progress"),
    ]
    assert progress.status == TaskStatus.IN_PROGRESS and progress.done == 1
    (late,) = stats.tasks_progress(plan.tasks.all(), today=date(2026, 11, 26))
    assert late.status == TaskStatus.OVERDUE


def test_the_provider_is_found_by_reports():
    assert providers()["plans"].label == "Kết quả thực hiện chỉ tiêu"


def test_the_province_reports_its_indicators_over_its_units(tree, entered):
    figures = stats.plan_figures(tree.province, date(2026, 1, 1), date(2026, 12, 31))
    key = f"plans.{entered.pk}"
    assert figures[f"{key}.1.part"].value == 3 and figures[f"{key}.1.part"].part_of == f"{key}.1.whole"
    assert figures[f"{key}.1.whole"].value == 4 and figures[f"{key}.1.whole"].kind == COUNT
    assert figures[f"{key}.1.rate"].kind == RATE and figures[f"{key}.1.rate"].value == pytest.approx(0.75)
    assert figures.sentence == (
        "Đến nay, 03/04 đơn vị (75%) đã ban hành kế hoạch triển khai Nghị quyết số 36/NQ-HĐND; "
        "01/04 đơn vị (25%) đã tổ chức Hội nghị cán bộ, công chức, viên chức, người lao động; "
        "09/10 cán bộ, công chức (90%) được tập huấn, bồi dưỡng nghiệp vụ."
    )


def test_a_unit_reports_its_own_part_of_the_plan_above(tree, entered):
    figures = stats.plan_figures(tree.tam_diep, date(2026, 1, 1), date(2026, 12, 31), lead="Trong năm 2026")
    assert figures.sentence == (
        "Trong năm 2026, đã ban hành kế hoạch triển khai Nghị quyết số 36/NQ-HĐND; "
        "chưa tổ chức Hội nghị cán bộ, công chức, viên chức, người lao động."
    )
    key = f"plans.{entered.pk}"
    assert figures[f"{key}.1.met"].value == 1 and figures[f"{key}.2.met"].value == 0


def test_no_plan_no_figures(tree):
    figures = stats.plan_figures(tree.hoa_lu, date(2026, 1, 1), date(2026, 12, 31))
    assert figures.figures == () and figures.sentence == ""


def test_an_indicator_figure_lists_the_units_values_behind_it(tree, entered):
    from dancoso.accounts.models import Role
    from dancoso.petitions.tests.test_services import staff

    officer = staff(tree.province, role=Role.PROVINCE_OFFICER)
    start, end = date(2026, 1, 1), date(2026, 12, 31)
    key = f"plans.{entered.pk}"
    total, rows = stats.plan_rows(officer, tree.province, start, end, f"{key}.2.part")
    assert total == 4
    assert {row.label for row in rows} == {
        "Phường Hoa Lư: đạt",
        "Phường Tam Điệp: chưa đạt",
        "Xã Gia Viễn: chưa đạt",
        "Sở Nội vụ tỉnh Ninh Bình: chưa đạt",
    }
    assert all(row.url.endswith(f"/{entered.indicators.get(position=2).pk}/") for row in rows)
    total, rows = stats.plan_rows(officer, tree.province, start, end, f"{key}.3.part")
    assert {row.label for row in rows} >= {"Phường Hoa Lư: 06/06", "Xã Gia Viễn: 03/04"}
    own = stats.plan_rows(officer, tree.province, start, end, f"{key}.2.part", [tree.hoa_lu.path])
    assert own[0] == 3
    assert stats.plan_rows(officer, tree.province, start, end, "plans.khong") is None
    outsider = staff(ProvinceFactory(name="Tỉnh Khác"), role=Role.PROVINCE_OFFICER)
    assert stats.plan_rows(outsider, tree.province, start, end, f"{key}.2.part") == (0, [])
