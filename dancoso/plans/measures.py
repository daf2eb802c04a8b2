"""The indicators the platform can compute from its own data: a registry of measures, each saying for every
target unit of a plan whether it met the indicator in a year.

A measure is a function `(plan, units, as_of, year) → {unit id: True | False | None}` (None: the measure does not
apply to that unit, which is then left out of the count). Each runs a fixed number of queries, whatever the
number of units. What the platform does not hold yet (the staff conference, the inspection board, the training)
is an ENTERED indicator: each unit enters its own value (docs/plans.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from dancoso.disclosure import compliance


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    phrase: str  # the report's wording after "35/37 đơn vị (94,6%)"
    compute: Callable[..., dict[int, bool | None]]


def implementation_plan_issued(plan, units, as_of: date, year: int) -> dict[int, bool | None]:
    """A unit met it when it has issued (an issue date on or before `as_of`) a plan implementing `plan`."""
    from dancoso.plans.models import Plan

    issued = set(
        Plan.objects.filter(
            parent=plan, unit__in=[unit.pk for unit in units], issued_on__lte=as_of
        ).values_list("unit_id", flat=True)
    )
    return {unit.pk: unit.pk in issued for unit in units}


def full_disclosure(plan, units, as_of: date, year: int) -> dict[int, bool | None]:
    """A unit met it in `year` when its disclosure compliance for the year (up to `as_of`) judged something, with
    no missing item and no item disclosed late (disclosure/compliance.py; Luật 10/2022 Art. 12.3, 13, 14, 47.2)."""
    start, end = date(year, 1, 1), min(date(year, 12, 31), as_of)
    if end < start:  # the year has not begun: nothing was disclosed in it yet
        return {unit.pk: False for unit in units}
    results = compliance.compliance_for_units(list(units), start, end, today=as_of)
    out: dict[int, bool | None] = {}
    for unit in units:
        result = results.get(unit.pk)
        # A unit that made nothing known on the platform in the year and owes nothing has not shown that it
        # discloses: it does not count as full.
        out[unit.pk] = (
            None if result is None else (result.judged > 0 and not result.missing and result.late == 0)
        )
    return out


MEASURES: dict[str, Measure] = {
    measure.key: measure
    for measure in (
        Measure(
            "plans.implementation_plan_issued",
            _("Share of the units that issued their own plan implementing this one"),
            "đã ban hành kế hoạch triển khai thực hiện",
            implementation_plan_issued,
        ),
        Measure(
            "disclosure.full_compliance",
            _(
                "Share of the units that disclosed fully and on time in the year (nothing missing, nothing late)"
            ),
            "thực hiện công khai kịp thời, đầy đủ",
            full_disclosure,
        ),
    )
}


def choices() -> list[tuple[str, str]]:
    return [(key, measure.label) for key, measure in MEASURES.items()]


def get(key: str) -> Measure:
    return MEASURES[key]
