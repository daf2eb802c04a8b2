"""Who may do what with reports, in which units (see docs/roles.md).

A unit's staff draft its report; its leader submits it (the leader signs it); the body above accepts or
returns it: deciding on a report needs the permission in the unit the report is sent to (its parent unit), so
nobody accepts their own unit's report."""

import rules

from dancoso.accounts.roles import ADMINS, COMMUNE_STAFF, Role
from dancoso.accounts.rules import register_permission
from dancoso.core.scoping import scope_for
from dancoso.reports.models import Report

WRITERS = (*COMMUNE_STAFF, Role.WORKPLACE_OFFICER, Role.PROVINCE_OFFICER, *ADMINS)
DECIDE = "reports.decide_report"


@rules.predicate(name="has reports.decide_report in the unit the report is sent to")
def decides_in_parent_unit(user, obj=None) -> bool:
    """For a report: the permission in its unit's parent. For a unit: the permission in that unit (it decides
    on the reports sent to it)."""
    scope = scope_for(user, DECIDE)
    if obj is None:
        return not scope.is_empty
    recipient = obj.unit.parent if isinstance(obj, Report) else obj
    return recipient is not None and scope.covers(recipient.pk, recipient.path)


register_permission(
    "reports.view_report",
    "See a unit's reports, their figures and the tracker of the units below",
    *WRITERS,
    Role.FRONT_OFFICER,
)
register_permission(
    "reports.write_report", "Draft a report: text, figures, tables typed or imported", *WRITERS
)
register_permission(
    "reports.submit_report",
    "Submit a report (after validation) and make a new version of a submitted one",
    Role.COMMUNE_LEADER,
    Role.WORKPLACE_OFFICER,
    Role.PROVINCE_OFFICER,
    *ADMINS,
)
register_permission(
    DECIDE,
    "Accept or return the reports of the units below",
    Role.COMMUNE_LEADER,
    Role.PROVINCE_OFFICER,
    *ADMINS,
    predicate=decides_in_parent_unit,
)
register_permission(
    "reports.manage_report_types", "Change report types and upload their Word templates", *ADMINS
)
