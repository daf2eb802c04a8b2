"""Progress of plans for dashboards and reports, as typed results (DESIGN.md §4). Reports learn these figures only
from here (`REPORT_PROVIDERS`).

An indicator of a plan is measured over the plan's target units (`Plan.target_units`: the direct children of
the plan's unit that are communes, wards, special zones, agencies or public service units):

- computed (`measures.py`) or entered yes/no: part = units that met it, whole = target units (a unit that has
  not answered counts as not met; a unit the measure does not apply to is left out);
- entered as a part of a total (5 of 6 officers trained): part and whole are the sums of what the units entered;
- entered as a number: the sum, compared with a target in numbers.

A snapshot kept for a computed indicator (`services.snapshot_values`) is used for a year once kept; otherwise the
value is computed now. Every function here runs a fixed number of queries, whatever the number of units.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from dancoso.core.figures import RATE, Figure, Figures, Provider, Row
from dancoso.core.numbers import count_vi, number_vi, percent_vi
from dancoso.plans import measures
from dancoso.plans.models import (
    Indicator,
    IndicatorValue,
    Plan,
    TargetUnit,
    Task,
    TaskReport,
    TaskStatus,
    ValueKind,
)
from dancoso.units.models import Unit


@dataclass(frozen=True)
class UnitValue:
    unit: Unit
    met: bool | None  # yes/no and computed indicators; None: no answer (entered) or not applicable (computed)
    value: Decimal | None = None  # what the unit entered (ratio: the part; number: the number)
    whole: Decimal | None = None
    answered: bool = False
    snapshot: bool = False


@dataclass(frozen=True)
class IndicatorProgress:
    indicator: Indicator
    year: int
    rows: tuple[UnitValue, ...]

    @property
    def is_number(self) -> bool:
        return self.indicator.value_kind == ValueKind.NUMBER

    @property
    def is_ratio(self) -> bool:
        return self.indicator.value_kind == ValueKind.RATIO and not self.indicator.is_computed

    @property
    def part(self) -> Decimal | int:
        if self.is_number or self.is_ratio:
            return sum((row.value for row in self.rows if row.value is not None), Decimal(0))
        return sum(1 for row in self.rows if row.met)

    @property
    def whole(self) -> Decimal | int | None:
        if self.is_number:
            return None
        if self.is_ratio:
            return sum((row.whole for row in self.rows if row.whole is not None), Decimal(0))
        if self.indicator.is_computed:
            return sum(1 for row in self.rows if row.met is not None)
        return len(self.rows)

    @property
    def answered(self) -> int:
        return sum(1 for row in self.rows if row.answered)

    @property
    def rate(self) -> float | None:
        """Share from 0 to 1 (None for a number, or with nothing to measure)."""
        whole = self.whole
        return float(self.part) / float(whole) if whole else None

    @property
    def progress(self) -> float | None:
        """Share of the target reached, from 0 to 1."""
        target = float(self.indicator.target)
        if self.is_number:
            return min(float(self.part) / target, 1.0) if target else None
        rate = self.rate
        return None if rate is None else min(rate * 100 / target, 1.0)

    @property
    def reached(self) -> bool:
        return self.progress is not None and self.progress >= 1.0


def as_of_for(year: int, today: date) -> date:
    return min(today, date(year, 12, 31))


def plan_progress(
    plan: Plan, year: int, *, units=None, today: date | None = None, only: Indicator | None = None
) -> list[IndicatorProgress]:
    """Each indicator of `plan` (or `only` that one) for `year` over its target units (or `units`, a subset)."""
    today = today or timezone.localdate()
    units = list(plan.target_units()) if units is None else list(units)
    indicators = [only] if only is not None else list(plan.indicators.all())
    values: dict[tuple[int, int], IndicatorValue] = {
        (row.indicator_id, row.unit_id): row
        for row in IndicatorValue.objects.filter(
            indicator__in=[i.pk for i in indicators], year=year, unit__in=[u.pk for u in units]
        )
    }
    computed: dict[str, dict[int, bool | None]] = {}
    as_of = as_of_for(year, today)
    results = []
    for indicator in indicators:
        rows = []
        if indicator.is_computed and indicator.measure not in computed:
            computed[indicator.measure] = measures.get(indicator.measure).compute(plan, units, as_of, year)
        for unit in units:
            entry = values.get((indicator.pk, unit.pk))
            if indicator.is_computed:
                if entry is not None:  # a snapshot kept for the year
                    rows.append(UnitValue(unit, entry.value >= 1, entry.value, answered=True, snapshot=True))
                else:
                    met = computed[indicator.measure].get(unit.pk)
                    rows.append(UnitValue(unit, met, answered=met is not None))
            elif entry is None:
                rows.append(UnitValue(unit, None if indicator.value_kind != ValueKind.YES_NO else False))
            elif indicator.value_kind == ValueKind.YES_NO:
                rows.append(UnitValue(unit, entry.value >= 1, entry.value, answered=True))
            elif indicator.value_kind == ValueKind.RATIO:
                met = entry.whole is not None and entry.value >= entry.whole * indicator.target / 100
                rows.append(UnitValue(unit, met, entry.value, entry.whole, answered=True))
            else:
                rows.append(UnitValue(unit, None, entry.value, answered=True))
        results.append(IndicatorProgress(indicator, year, tuple(rows)))
    return results


def plain(value) -> str:
    """4410 → "4.410"; 2.50 → "2,5"."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return number_vi(int(value))
    return number_vi(value, 2).rstrip("0").rstrip(",")


def value_text(progress: IndicatorProgress) -> str:
    """ "35/37 (94,6%)", "45/50 (90%)", "12"."""
    if progress.is_number:
        return plain(progress.part)
    whole = progress.whole
    if not whole:
        return "—"
    return f"{plain(progress.part)}/{plain(whole)} ({percent_vi(progress.rate)})"


def target_text(indicator: Indicator) -> str:
    text = plain(indicator.target)
    return f"{text}%" if indicator.target_unit == TargetUnit.PERCENT else text


# ------------------------------------------------------------------------------------------------ tasks


@dataclass(frozen=True)
class AssigneeStatus:
    unit: Unit
    status: str
    last: TaskReport | None


@dataclass(frozen=True)
class TaskProgress:
    task: Task
    status: str  # TaskStatus, OVERDUE computed
    assignees: tuple[AssigneeStatus, ...]
    reports: tuple[TaskReport, ...]

    @property
    def done(self) -> int:
        return sum(1 for a in self.assignees if a.status == TaskStatus.DONE)


def task_status(statuses: list[str], due_on: date | None, today: date) -> str:
    """Done when every assignee reported done; overdue when the due date has passed before that; in progress
    when one has started; not started otherwise."""
    if statuses and all(status == TaskStatus.DONE for status in statuses):
        return TaskStatus.DONE
    if due_on is not None and due_on < today:
        return TaskStatus.OVERDUE
    if any(status != TaskStatus.NOT_STARTED for status in statuses):
        return TaskStatus.IN_PROGRESS
    return TaskStatus.NOT_STARTED


def tasks_progress(tasks, *, today: date | None = None) -> list[TaskProgress]:
    """The tasks (a queryset) with each assignee's latest status, in three queries."""
    today = today or timezone.localdate()
    tasks = tasks.prefetch_related(
        Prefetch("assignees", queryset=Unit.objects.order_by("path")),
        Prefetch("reports", queryset=TaskReport.objects.select_related("unit", "reported_by")),
    )
    result = []
    for task in tasks:
        latest: dict[int, TaskReport] = {}
        reports = sorted(task.reports.all(), key=lambda r: (r.reported_on, r.pk), reverse=True)
        for report in reports:
            latest.setdefault(report.unit_id, report)
        assignees = tuple(
            AssigneeStatus(
                unit,
                latest[unit.pk].status if unit.pk in latest else TaskStatus.NOT_STARTED,
                latest.get(unit.pk),
            )
            for unit in task.assignees.all()
        )
        status = task_status([a.status for a in assignees], task.due_on, today)
        result.append(TaskProgress(task, status, assignees, tuple(reports)))
    return result


# ------------------------------------------------------------------------------------------------ reports


def plans_of(unit: Unit, year: int):
    """The plans in force in `year` that `unit` reports on: its own plans with indicators, or else the plans
    with indicators of the unit above it, which it carries out."""
    in_force = Plan.objects.filter(
        start_year__lte=year, end_year__gte=year, indicators__isnull=False
    ).distinct()
    own = list(in_force.filter(unit=unit).order_by("issued_on", "pk"))
    if own or unit.parent_id is None:
        return own, False
    return list(in_force.filter(unit_id=unit.parent_id).order_by("issued_on", "pk")), True


def _amount(value) -> str:
    """A count as officials write it ("05", "37"); a number with decimals as it is ("2,5")."""
    value = Decimal(value)
    return count_vi(int(value)) if value == value.to_integral_value() else plain(value)


def _not_done(phrase: str) -> str:
    return "chưa " + phrase.removeprefix("đã ").removeprefix("Đã ")


def _short_name(plan: Plan) -> str:
    return plan.number or plan.title


def plan_figures(unit, start: date, end: date, *, lead: str = "Đến nay") -> Figures:
    """The indicators of the plans `unit` carries out, with their values at the end of the period: for the
    unit that issued a plan, over its target units ("35/37 đơn vị (94,6%) đã ban hành kế hoạch …"); for a unit
    that carries out the plan of the unit above, its own values ("đã ban hành kế hoạch …; chưa tổ chức …")."""
    today = min(end, timezone.localdate())
    year = end.year
    plans, as_target = plans_of(unit, year)
    figures: list[Figure] = []
    clauses: list[str] = []
    for plan in plans:
        progress = plan_progress(plan, year, units=[unit] if as_target else None, today=today)
        for item in progress:
            indicator = item.indicator
            key = f"plans.{plan.pk}.{indicator.position}"
            label = f"Chỉ tiêu {indicator.position} ({_short_name(plan)})"
            if item.is_number:
                figures.append(Figure(key, label, int(item.part), indicator.unit_word))
                clauses.append(f"{_amount(item.part)} {indicator.unit_word} {indicator.phrase}")
                continue
            if as_target and not item.is_ratio:
                row = item.rows[0] if item.rows else None
                if row is None or row.met is None:
                    continue
                figures.append(Figure(f"{key}.met", label, 1 if row.met else 0, "đơn vị"))
                clauses.append(indicator.phrase if row.met else _not_done(indicator.phrase))
                continue
            whole = item.whole
            if not whole:
                continue
            part, whole_key = item.part, f"{key}.whole"
            is_count = not item.is_ratio
            figures.extend(
                (
                    Figure(
                        whole_key, f"{label}: tổng số", int(whole) if is_count else whole, indicator.unit_word
                    ),
                    Figure(
                        f"{key}.part",
                        f"{label}: đạt",
                        int(part) if is_count else part,
                        indicator.unit_word,
                        part_of=whole_key,
                    ),
                    Figure(f"{key}.rate", f"{label}: tỷ lệ", item.rate, kind=RATE, decimals=1),
                )
            )
            numbers = f"{_amount(part)}/{_amount(whole)}"
            clauses.append(f"{numbers} {indicator.unit_word} ({percent_vi(item.rate)}) {indicator.phrase}")
    sentence = f"{lead}, {'; '.join(clauses)}." if clauses else ""
    return Figures("plans", start, end, tuple(figures), sentence)


def _unit_value_text(row: UnitValue) -> str:
    if row.value is not None and row.whole is not None:
        return f"{_amount(row.value)}/{_amount(row.whole)}"
    if row.value is not None and row.met is None:
        return _amount(row.value)
    return {True: "đạt", False: "chưa đạt", None: "chưa có số liệu"}[row.met]


def plan_rows(user, unit, start: date, end: date, key: str, exclude_paths=()):
    """The target units' values behind an indicator figure of `plan_figures` (core.figures.Provider.rows), in
    the units `user` may see, each opening the indicator's page; None for a key that is not an indicator."""
    from django.urls import reverse

    from dancoso.core.scoping import scope_for

    parts = key.split(".")
    if len(parts) < 3 or not parts[1].isdigit() or not parts[2].isdigit():
        return None
    plan = Plan.objects.filter(pk=int(parts[1])).first()
    indicator = plan.indicators.filter(position=int(parts[2])).first() if plan else None
    if indicator is None:
        return None
    scope = scope_for(user, "plans.view_plan")
    (progress,) = plan_progress(plan, end.year, today=min(end, timezone.localdate()), only=indicator)
    url = reverse("plans:indicator", args=[indicator.pk])
    rows = [
        Row(f"{row.unit.name}: {_unit_value_text(row)}", url, indicator.text)
        for row in progress.rows
        if row.unit.path.startswith(unit.path)
        and not any(row.unit.path.startswith(path) for path in exclude_paths)
        and scope.covers(row.unit.pk, row.unit.path)
    ]
    return len(rows), rows


REPORT_PROVIDERS = (Provider("plans", "Kết quả thực hiện chỉ tiêu", plan_figures, rows=plan_rows),)


def by_unit(progress: list[IndicatorProgress]) -> dict[int, list[UnitValue]]:
    """Each unit's values across the indicators (the dashboard's bars per unit)."""
    rows: dict[int, list[UnitValue]] = defaultdict(list)
    for item in progress:
        for row in item.rows:
            rows[row.unit.pk].append(row)
    return rows
