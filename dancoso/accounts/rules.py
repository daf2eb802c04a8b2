"""django-rules predicates. Every permission in the role matrix is checked the same way: does one of the
user's memberships grant it in the object's unit? Apps may register stricter predicates for their own."""

import rules

from dancoso.accounts.roles import PERMISSIONS, define, grant
from dancoso.core.scoping import scope_for


def unit_of(obj):
    """The `units.Unit` an object belongs to, following its queryset's `scope_unit_field`."""
    if obj is None:
        return None
    field_path = getattr(obj.__class__.objects.none(), "scope_unit_field", "unit")
    target = obj
    for part in filter(None, field_path.split("__")):
        target = getattr(target, part)
    return target


def unit_permission(permission: str) -> rules.Predicate:
    @rules.predicate(name=f"has {permission} in the object's unit")
    def check(user, obj=None) -> bool:
        scope = scope_for(user, permission)
        if obj is None:
            return not scope.is_empty
        unit = unit_of(obj)
        return unit is not None and scope.covers(unit.pk, unit.path)

    return check


def register_permission(permission: str, description: str, *roles: str, predicate=None) -> None:
    """What a pillar's rules.py calls for each permission it defines: add it to the role matrix, grant it to
    `roles`, and check it in the object's unit (or with a stricter `predicate`)."""
    define(permission, description)
    grant(permission, *roles)
    rules.set_perm(permission, predicate if predicate is not None else unit_permission(permission))


def register_matrix_permissions() -> None:
    for permission in PERMISSIONS:
        rules.set_perm(permission, unit_permission(permission))


register_matrix_permissions()
