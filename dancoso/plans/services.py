"""Every write to plans: a plan (a province's, or a unit's plan implementing it), its indicators and tasks, the
values units enter, snapshots of computed values, and the reports units make on their tasks. Each checks its
input (a refusal is a ValidationError in Vietnamese and changes nothing) and writes a ledger entry in the same
transaction."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dancoso.core import ledger
from dancoso.core.text import normalize_text
from dancoso.plans import measures
from dancoso.plans.models import (
    REPORTED_STATUSES,
    TARGET_KINDS,
    Indicator,
    IndicatorValue,
    Measurement,
    Plan,
    TargetUnit,
    Task,
    TaskReport,
    ValueKind,
)
from dancoso.units.models import SETTLEMENT_KINDS, Unit

MIN_YEAR, MAX_YEAR = 2000, 2100


def _today() -> date:
    return timezone.localdate()


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _required(value, message: str) -> str:
    text = normalize_text(value or "")
    if not text:
        raise ValidationError(message)
    return text


def _decimal(value, message: str) -> Decimal:
    if isinstance(value, Decimal):
        number = value
    else:
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except (InvalidOperation, ValueError, TypeError):
            raise ValidationError(message) from None
    if not number.is_finite():
        raise ValidationError(message)
    return number


def parse_due(text: str) -> tuple[int, int] | None:
    """ "25/11" → (25, 11); "" → None. Refuses a day that no year has."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        day, month = (int(part) for part in text.split("/"))
        date(2024, month, day)  # a leap year: 29/02 is allowed
    except (ValueError, TypeError):
        raise ValidationError(_("Write the yearly report day as day/month, for example 25/11.")) from None
    return day, month


# ------------------------------------------------------------------------------------------------ plans


def _check_plan_fields(unit: Unit, fields: dict, parent: Plan | None) -> dict:
    clean = {
        "title": _required(fields.get("title"), _("Give the plan's title.")),
        "number": normalize_text(fields.get("number") or ""),
        "implements": normalize_text(fields.get("implements") or ""),
        "issued_on": fields.get("issued_on"),
        "report_due": (fields.get("report_due") or "").strip(),
    }
    start, end = fields.get("start_year"), fields.get("end_year")
    if not isinstance(start, int) or not isinstance(end, int):
        raise ValidationError(_("Give the plan's first and last year."))
    if not (MIN_YEAR <= start <= MAX_YEAR and MIN_YEAR <= end <= MAX_YEAR):
        raise ValidationError(_("The plan's years must be between 2000 and 2100."))
    if end < start:
        raise ValidationError(_("The plan's last year cannot be before its first year."))
    clean["start_year"], clean["end_year"] = start, end
    if clean["issued_on"] is not None and clean["issued_on"] > _today():
        raise ValidationError(_("A plan cannot be issued on a day that has not come yet."))
    if parse_due(clean["report_due"]):
        day, month = parse_due(clean["report_due"])
        clean["report_due"] = f"{day:02d}/{month:02d}"
    if unit.kind in SETTLEMENT_KINDS:
        raise ValidationError(_("A village or residential group does not issue plans."))
    if parent is not None:
        if parent.unit_id != unit.parent_id:
            raise ValidationError(_("A unit implements the plans of the unit directly above it only."))
        if unit.kind not in TARGET_KINDS:
            raise ValidationError(_("This kind of unit is not one the plan is carried out by."))
        if not clean["implements"]:
            clean["implements"] = str(parent)
    return clean


@transaction.atomic
def create_plan(unit: Unit, *, actor, parent: Plan | None = None, **fields) -> Plan:
    clean = _check_plan_fields(unit, fields, parent)
    if parent is not None and Plan.objects.filter(unit=unit, parent=parent).exists():
        raise ValidationError(_("This unit already has its plan implementing that one."))
    plan = Plan.objects.create(unit=unit, parent=parent, created_by=_user(actor), **clean)
    ledger.record(
        action="plans.plan_created",
        actor=actor,
        obj=plan,
        unit=unit,
        payload={**_plan_payload(plan)},
    )
    return plan


def _plan_payload(plan: Plan) -> dict:
    return {
        "title": plan.title,
        "number": plan.number,
        "issued_on": plan.issued_on,
        "parent": plan.parent_id,
        "years": [plan.start_year, plan.end_year],
        "report_due": plan.report_due,
    }


@transaction.atomic
def update_plan(plan: Plan, *, actor, **fields) -> Plan:
    plan = Plan.objects.select_for_update(of=("self",)).select_related("unit", "parent").get(pk=plan.pk)
    merged = {
        name: getattr(plan, name)
        for name in ("title", "number", "implements", "issued_on", "report_due", "start_year", "end_year")
    }
    merged.update(fields)
    clean = _check_plan_fields(plan.unit, merged, plan.parent)
    years = plan.indicators.filter(values__isnull=False).values_list("values__year", flat=True)
    if any(not clean["start_year"] <= year <= clean["end_year"] for year in years):
        raise ValidationError(_("Units have entered values for years outside these; keep those years."))
    for name, value in clean.items():
        setattr(plan, name, value)
    plan.save()
    ledger.record(
        action="plans.plan_updated", actor=actor, obj=plan, unit=plan.unit, payload=_plan_payload(plan)
    )
    return plan


# ------------------------------------------------------------------------------------------------ indicators


@transaction.atomic
def add_indicator(
    plan: Plan,
    *,
    actor,
    text: str,
    phrase: str,
    target,
    target_unit: str = TargetUnit.PERCENT,
    measurement: str = Measurement.ENTERED,
    measure: str = "",
    value_kind: str = ValueKind.YES_NO,
    unit_word: str = "đơn vị",
) -> Indicator:
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    text = _required(text, _("Write the indicator as the plan does."))
    phrase = _required(phrase, _("Write how a report states the indicator."))
    unit_word = _required(unit_word, _("Say what is counted, for example “đơn vị”."))
    target = _decimal(target, _("The target must be a number."))
    if target_unit not in TargetUnit.values:
        raise ValidationError(_("Choose percent or count for the target."))
    if target <= 0 or (target_unit == TargetUnit.PERCENT and target > 100):
        raise ValidationError(_("A target is above 0, and a percentage at most 100."))
    if measurement == Measurement.COMPUTED:
        if measure not in measures.MEASURES:
            raise ValidationError(_("Choose one of the measures the platform computes."))
        if target_unit != TargetUnit.PERCENT:
            raise ValidationError(_("A computed indicator is a percentage of the units."))
        value_kind = ValueKind.YES_NO
    elif measurement == Measurement.ENTERED:
        if measure:
            raise ValidationError(_("An indicator entered by the units has no computed measure."))
        if value_kind not in ValueKind.values:
            raise ValidationError(_("Choose what the units enter."))
        if value_kind == ValueKind.NUMBER and target_unit != TargetUnit.COUNT:
            raise ValidationError(_("An indicator whose units enter a number has a target in numbers."))
        if value_kind != ValueKind.NUMBER and target_unit != TargetUnit.PERCENT:
            raise ValidationError(
                _("An indicator answered yes or no, or as a part of a total, is a percentage.")
            )
    else:
        raise ValidationError(_("Choose how the indicator is measured."))
    position = (plan.indicators.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    indicator = Indicator.objects.create(
        plan=plan,
        position=position,
        text=text,
        phrase=phrase,
        target=target,
        target_unit=target_unit,
        measurement=measurement,
        measure=measure if measurement == Measurement.COMPUTED else "",
        value_kind=value_kind,
        unit_word=unit_word,
    )
    ledger.record(
        action="plans.indicator_added",
        actor=actor,
        obj=indicator,
        unit=plan.unit,
        payload={"plan": plan.pk, "position": position, "text": text, "target": target, "measure": measure},
    )
    return indicator


def _check_value(indicator: Indicator, value, whole) -> tuple[Decimal, Decimal | None]:
    value = _decimal(value, _("The value must be a number."))
    if value < 0:
        raise ValidationError(_("A value cannot be negative."))
    if indicator.value_kind == ValueKind.YES_NO:
        if value not in (0, 1):
            raise ValidationError(_("Answer yes or no."))
        return value, None
    if indicator.value_kind == ValueKind.RATIO:
        if whole in (None, ""):
            raise ValidationError(_("Give the total as well."))
        whole = _decimal(whole, _("The total must be a number."))
        if whole <= 0:
            raise ValidationError(_("The total must be above 0."))
        if value > whole:
            raise ValidationError(_("The number cannot be larger than the total."))
        return value, whole
    return value, None


@transaction.atomic
def enter_value(
    indicator: Indicator, unit: Unit, year: int, *, actor, value, whole=None, note=""
) -> IndicatorValue:
    """A unit's value of an entered indicator for a year (entered again: replaced, and the ledger keeps both)."""
    indicator = Indicator.objects.select_related("plan", "plan__unit").get(pk=indicator.pk)
    plan = indicator.plan
    if indicator.measurement != Measurement.ENTERED:
        raise ValidationError(_("This indicator is computed from the platform's data; it is not entered."))
    if unit.parent_id != plan.unit_id or unit.kind not in TARGET_KINDS or not unit.is_active:
        raise ValidationError(_("Only the units that carry out the plan enter its indicators."))
    if not isinstance(year, int) or not plan.start_year <= year <= plan.end_year:
        raise ValidationError(_("The year is outside the plan's years."))
    if year > _today().year:
        raise ValidationError(_("A value cannot be entered for a year that has not begun."))
    value, whole = _check_value(indicator, value, whole)
    row, created = IndicatorValue.objects.select_for_update().update_or_create(
        indicator=indicator,
        unit=unit,
        year=year,
        defaults={
            "value": value,
            "whole": whole,
            "note": normalize_text(note or ""),
            "source": IndicatorValue.Source.ENTERED,
            "entered_by": _user(actor),
        },
    )
    ledger.record(
        action="plans.value_entered",
        actor=actor,
        obj=row,
        unit=unit,
        payload={"indicator": indicator.pk, "year": year, "value": value, "whole": whole, "new": created},
    )
    return row


@transaction.atomic
def snapshot_values(indicator: Indicator, year: int, *, actor, today: date | None = None) -> int:
    """Keep the computed values of every target unit for `year` as they are today (1 met, 0 not); returns how
    many units were kept. Units the measure does not apply to are left out."""
    indicator = Indicator.objects.select_related("plan", "plan__unit").get(pk=indicator.pk)
    plan = indicator.plan
    if indicator.measurement != Measurement.COMPUTED:
        raise ValidationError(_("Only a computed indicator has snapshots."))
    if not isinstance(year, int) or not plan.start_year <= year <= plan.end_year:
        raise ValidationError(_("The year is outside the plan's years."))
    today = today or _today()
    if year > today.year:
        raise ValidationError(_("A value cannot be entered for a year that has not begun."))
    units = list(plan.target_units())
    as_of = min(today, date(year, 12, 31))
    met = measures.get(indicator.measure).compute(plan, units, as_of, year)
    kept = 0
    for unit in units:
        if met.get(unit.pk) is None:
            continue
        IndicatorValue.objects.update_or_create(
            indicator=indicator,
            unit=unit,
            year=year,
            defaults={
                "value": Decimal(1 if met[unit.pk] else 0),
                "whole": None,
                "note": "",
                "source": IndicatorValue.Source.SNAPSHOT,
                "entered_by": _user(actor),
            },
        )
        kept += 1
    ledger.record(
        action="plans.values_snapshot",
        actor=actor,
        obj=indicator,
        unit=plan.unit,
        payload={"year": year, "as_of": as_of, "units": kept, "met": sorted(k for k, v in met.items() if v)},
    )
    return kept


# ------------------------------------------------------------------------------------------------ tasks


@transaction.atomic
def add_task(
    plan: Plan, *, actor, text: str, assignees, section: str = "", due_on: date | None = None
) -> Task:
    plan = Plan.objects.select_for_update().select_related("unit").get(pk=plan.pk)
    text = _required(text, _("Write the task."))
    assignees = list(assignees or [])
    if not assignees:
        raise ValidationError(_("Assign the task to at least one unit."))
    for unit in assignees:
        if not unit.path.startswith(plan.unit.path) or unit.kind in SETTLEMENT_KINDS:
            raise ValidationError(
                _("A task is assigned to the plan's own unit or to the units below it (not villages).")
            )
    if due_on is not None and not plan.start_year <= due_on.year <= plan.end_year + 1:
        raise ValidationError(_("The due date is outside the plan's years."))
    position = (plan.tasks.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    task = Task.objects.create(
        plan=plan, position=position, section=normalize_text(section or ""), text=text, due_on=due_on
    )
    task.assignees.set(assignees)
    ledger.record(
        action="plans.task_added",
        actor=actor,
        obj=task,
        unit=plan.unit,
        payload={
            "plan": plan.pk,
            "position": position,
            "text": text,
            "due_on": due_on,
            "assignees": sorted(unit.pk for unit in assignees),
        },
    )
    return task


@transaction.atomic
def report_task(
    task: Task, unit: Unit, *, actor, status: str, text: str, reported_on: date | None = None
) -> TaskReport:
    """A unit's update on its part of a task."""
    task = Task.objects.select_related("plan").get(pk=task.pk)
    if not task.assignees.filter(pk=unit.pk).exists():
        raise ValidationError(_("This unit is not assigned this task."))
    if status not in dict(REPORTED_STATUSES):
        raise ValidationError(_("Choose not started, in progress or done."))
    text = _required(text, _("Say what was done."))
    reported_on = reported_on or _today()
    if reported_on > _today():
        raise ValidationError(_("A report cannot be dated in the future."))
    report = TaskReport.objects.create(
        task=task, unit=unit, status=status, text=text, reported_on=reported_on, reported_by=_user(actor)
    )
    ledger.record(
        action="plans.task_reported",
        actor=actor,
        obj=report,
        unit=unit,
        payload={"task": task.pk, "status": status, "reported_on": reported_on, "text": text},
    )
    return report
