"""Roles and the role × permission matrix.

The matrix is data: each app adds the permissions it defines with `grant()` from its own `rules.py`
(pillars sit above accounts, so they may import this module). `docs/roles.md` is generated from it by
`python manage.py roles_matrix --write` and a test keeps the two in step.
"""

from collections import defaultdict

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident / household representative")
    COMMUNE_OFFICER = "commune_officer", _("Commune officer")
    COMMUNE_LEADER = "commune_leader", _("Commune leader")
    INSPECTION_BOARD_MEMBER = "inspection_board_member", _("People's inspection board member")
    INVESTMENT_BOARD_MEMBER = "investment_board_member", _("Community investment supervision board member")
    FRONT_OFFICER = "front_officer", _("Fatherland Front officer")
    PROVINCE_OFFICER = "province_officer", _("Province officer")
    WORKPLACE_OFFICER = "workplace_officer", _("Agency / enterprise officer")
    UNION_REPRESENTATIVE = "union_representative", _("Trade union representative")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


# Whether a new membership of this role also covers the units below by default.
ROLE_COVERS_SUBTREE: dict[str, bool] = {
    Role.RESIDENT: False,
    Role.COMMUNE_OFFICER: True,
    Role.COMMUNE_LEADER: True,
    Role.INSPECTION_BOARD_MEMBER: True,
    Role.INVESTMENT_BOARD_MEMBER: False,
    Role.FRONT_OFFICER: True,
    Role.PROVINCE_OFFICER: True,
    Role.WORKPLACE_OFFICER: True,
    Role.UNION_REPRESENTATIVE: False,
    Role.SYSTEM_ADMIN: True,
}

STAFF_ROLES = frozenset(set(Role) - {Role.RESIDENT})

# permission codename → human description, in the order the matrix shows them
PERMISSIONS: dict[str, str] = {}
_GRANTS: dict[str, set[str]] = defaultdict(set)


def define(permission: str, description: str) -> None:
    PERMISSIONS[permission] = description


def grant(permission: str, *roles: str) -> None:
    if permission not in PERMISSIONS:
        raise KeyError(f"define {permission!r} before granting it")
    for role in roles:
        _GRANTS[str(role)].add(permission)


def permissions_of(role: str) -> frozenset[str]:
    return frozenset(_GRANTS.get(str(role), ()))


def roles_with(permission: str) -> frozenset[str]:
    return frozenset(role for role, perms in _GRANTS.items() if permission in perms)


ALL_STAFF = tuple(STAFF_ROLES)
COMMUNE_STAFF = (Role.COMMUNE_OFFICER, Role.COMMUNE_LEADER)
ADMINS = (Role.SYSTEM_ADMIN,)

# Foundation permissions. Pillars define and grant theirs in their own rules.py.
define("portal.view_dashboard", "Open the staff dashboard")
grant("portal.view_dashboard", *ALL_STAFF)

define("units.view_unit", "See a unit's internal details and staff pages")
grant("units.view_unit", *ALL_STAFF)
define("units.change_unit", "Edit a unit (name, figures, remote-area flag, calendar)")
grant("units.change_unit", Role.PROVINCE_OFFICER, *ADMINS)

define("units.view_household", "See households and their representatives' contacts")
grant(
    "units.view_household",
    *COMMUNE_STAFF,
    Role.FRONT_OFFICER,
    Role.INSPECTION_BOARD_MEMBER,
    Role.PROVINCE_OFFICER,
    *ADMINS,
)
define("units.change_household", "Add, edit and deactivate households")
grant("units.change_household", *COMMUNE_STAFF, *ADMINS)
define("units.import_household", "Import households from .xlsx or .csv")
grant("units.import_household", *COMMUNE_STAFF, *ADMINS)
define("units.export_household", "Export households to .xlsx")
grant("units.export_household", *COMMUNE_STAFF, Role.PROVINCE_OFFICER, *ADMINS)

define("accounts.view_membership", "See who holds which role in a unit")
grant("accounts.view_membership", Role.COMMUNE_LEADER, Role.PROVINCE_OFFICER, *ADMINS)
define("accounts.manage_membership", "Grant and revoke roles in a unit")
grant("accounts.manage_membership", *ADMINS)
define("accounts.manage_role_policy", "Require two-factor login for a role")
grant("accounts.manage_role_policy", *ADMINS)

define("core.view_ledger", "Read the audit ledger of a unit")
grant("core.view_ledger", Role.COMMUNE_LEADER, Role.PROVINCE_OFFICER, *ADMINS)
define("core.manage_calendar", "Edit holiday overrides and work calendars")
grant("core.manage_calendar", Role.PROVINCE_OFFICER, *ADMINS)
define("core.view_notification", "See the notification outbox")
grant("core.view_notification", *ADMINS)
