"""docs/roles.md, generated from the role × permission matrix in roles.py (`manage.py roles_matrix --write`)."""

from pathlib import Path

from django.conf import settings
from django.utils import translation

from dancoso.accounts.roles import PERMISSIONS, ROLE_COVERS_SUBTREE, Role, permissions_of

CHECK = "✓"


def roles_doc_path() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "roles.md"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def render_roles_matrix() -> str:
    with translation.override("en"):
        roles = [(role.value, str(role.label)) for role in Role]
    granted = {role: permissions_of(role) for role, _label in roles}
    lines = [
        "# Roles and permissions",
        "",
        "Generated from `dancoso/accounts/roles.py` by `python manage.py roles_matrix --write`; do not edit by hand",
        "(a test fails when this file and the code differ).",
        "",
        "A membership gives a user one role in one unit. A permission holds in the membership's unit, and also in",
        "every unit below it when the membership covers the subtree. `Model.objects.visible_to(user, permission)`",
        "and `user.has_perm(permission, obj)` both follow this table; a superuser holds every permission everywhere.",
        "",
        "## Roles",
        "",
        _row(["code", "role", "covers units below by default"]),
        _row(["---", "---", "---"]),
    ]
    lines += [
        _row([f"`{role}`", label, "yes" if ROLE_COVERS_SUBTREE[role] else "no"]) for role, label in roles
    ]
    lines += [
        "",
        "## Matrix",
        "",
        _row(["permission", *(f"`{role}`" for role, _label in roles)]),
        _row(["---", *(":-:" for _role in roles)]),
    ]
    for permission in PERMISSIONS:
        marks = [CHECK if permission in granted[role] else "" for role, _label in roles]
        lines.append(_row([f"`{permission}`", *marks]))
    lines += ["", "## Permissions", ""]
    lines += [f"- `{permission}`: {description}" for permission, description in PERMISSIONS.items()]
    return "\n".join(lines) + "\n"
