"""What every staff view asks first: the unit the user is working in (a `units.Unit`, set on the request by
accounts' CurrentUnitMiddleware) and whether the user holds a permission on an object (403 otherwise)."""

from django.core.exceptions import PermissionDenied
from django.utils.functional import SimpleLazyObject


def current_unit(request):
    unit = getattr(request, "current_unit", None)
    if not unit:
        raise PermissionDenied
    # The middleware sets a SimpleLazyObject; permission predicates need the real Unit (they read its type).
    return unit._wrapped if isinstance(unit, SimpleLazyObject) else unit


def require_perm(request, permission: str, obj=None) -> None:
    if not request.user.has_perm(permission, obj):
        raise PermissionDenied
