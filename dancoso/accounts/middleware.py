"""Request-level account concerns: enforcing two-factor login, and the unit a staff member works in."""

from functools import wraps
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from dancoso.accounts.scoping import current_memberships

SESSION_UNIT_KEY = "dancoso_current_unit"
# Set at password login when the user has a confirmed device; cleared once a token is verified.
SESSION_OTP_PENDING_KEY = "dancoso_otp_pending"
ROLE_POLICY_CACHE_KEY = "accounts:roles_requiring_two_factor"
TWO_FACTOR_EXEMPT_PREFIXES = ("/static/", "/media/", "/i18n/", "/healthz", "/favicon")


def two_factor_exempt(view):
    """Mark a view reachable before the second factor is given (login, logout, setting up, verifying)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        return view(*args, **kwargs)

    wrapped.two_factor_exempt = True
    return wrapped


def roles_requiring_two_factor() -> frozenset[str]:
    """The roles whose policy requires two-factor login; cached because every request asks."""
    roles = cache.get(ROLE_POLICY_CACHE_KEY)
    if roles is None:
        from dancoso.accounts.models import RolePolicy

        roles = frozenset(RolePolicy.objects.filter(require_two_factor=True).values_list("role", flat=True))
        cache.set(ROLE_POLICY_CACHE_KEY, roles, 300)
    return roles


def forget_role_policies() -> None:
    cache.delete(ROLE_POLICY_CACHE_KEY)


def two_factor_required(user) -> bool:
    required = roles_requiring_two_factor()
    if not required:
        return False
    roles = {m.role for m in current_memberships(user)}
    if user.is_superuser:
        roles.add("system_admin")
    return bool(roles & required)


def second_factor_missing(request) -> bool:
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return False
    return bool(request.session.get(SESSION_OTP_PENDING_KEY)) or two_factor_required(user)


class RequireTwoFactorMiddleware:
    """Until the second factor is given, send a user who has a TOTP device (or whose role requires one) to
    verify it (or set it up); every other page and the session API stay closed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "two_factor_exempt", False) or request.path.startswith(
            TWO_FACTOR_EXEMPT_PREFIXES
        ):
            return None
        if not second_factor_missing(request):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"code": "two_factor_required", "message": _("Two-factor login is required."), "fields": {}},
                status=403,
            )
        from django_otp import user_has_device

        target = (
            "accounts:two_factor_verify" if user_has_device(request.user) else "accounts:two_factor_setup"
        )
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


def staff_units(user) -> list:
    """Distinct units in which the user holds a current membership, in tree order."""
    seen: dict[int, object] = {}
    for membership in current_memberships(user):
        seen.setdefault(membership.unit_id, membership.unit)
    return sorted(seen.values(), key=lambda unit: unit.path)


def resolve_current_unit(request):
    user = request.user
    if not user.is_authenticated:
        return None
    units = staff_units(user)
    chosen = request.session.get(SESSION_UNIT_KEY)
    for unit in units:
        if unit.pk == chosen:
            return unit
    return units[0] if units else None


class CurrentUnitMiddleware:
    """`request.current_unit`: the unit chosen in the unit switcher, or the user's first unit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.current_unit = SimpleLazyObject(lambda: resolve_current_unit(request))
        return self.get_response(request)
