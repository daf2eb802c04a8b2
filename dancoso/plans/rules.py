"""Who may do what with plans, in which units (see docs/roles.md).

A unit's staff draw up its plans, their indicators and tasks (a province officer the province's plan; a
commune's staff the commune's plan implementing it). Each unit enters its own values of the indicators and
reports on its own part of a task: those permissions are checked in the unit whose value or report it is (a
`units.Unit`). Staff of a unit read its plans and the plans of the units above it that it carries out
(`Plan.objects.for_user`), so `plans.view_plan` on a plan holds in the plan's unit or anywhere below it."""

import rules

from dancoso.accounts.roles import ADMINS, COMMUNE_STAFF, Role
from dancoso.accounts.rules import register_permission, unit_of
from dancoso.core.scoping import scope_for

VIEW = "plans.view_plan"
MANAGERS = (*COMMUNE_STAFF, Role.WORKPLACE_OFFICER, Role.PROVINCE_OFFICER, *ADMINS)


@rules.predicate(name="has plans.view_plan in the plan's unit or below it")
def views_plan(user, obj=None) -> bool:
    scope = scope_for(user, VIEW)
    if obj is None or scope.is_empty:
        return not scope.is_empty
    unit = unit_of(obj)
    if unit is None:
        return False
    if scope.covers(unit.pk, unit.path) or any(path.startswith(unit.path) for path in scope.subtree_paths):
        return True
    if scope.unit_ids:
        from dancoso.units.models import Unit

        return Unit.objects.filter(pk__in=scope.unit_ids, path__startswith=unit.path).exists()
    return False


register_permission(
    VIEW,
    "See plans, their indicators, tasks and dashboards (the unit's and those of the units above it)",
    *MANAGERS,
    Role.FRONT_OFFICER,
    Role.INSPECTION_BOARD_MEMBER,
    predicate=views_plan,
)
register_permission(
    "plans.manage_plan", "Draw up a plan, its indicators and tasks; keep the computed values", *MANAGERS
)
register_permission(
    "plans.enter_value",
    "Enter a unit's own values of a plan's indicators",
    *COMMUNE_STAFF,
    Role.WORKPLACE_OFFICER,
    Role.PROVINCE_OFFICER,
    *ADMINS,
)
register_permission(
    "plans.report_task",
    "Report on a unit's own part of a task of a plan",
    *COMMUNE_STAFF,
    Role.WORKPLACE_OFFICER,
    Role.PROVINCE_OFFICER,
    *ADMINS,
)
