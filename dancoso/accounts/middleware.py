"""Request-level account concerns: enforcing two-factor login per role, and the unit a staff member works in."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from dancoso.accounts.scoping import current_memberships

SESSION_UNIT_KEY = "dancoso_current_unit"
TWO_FACTOR_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz", "/favicon")


def two_factor_required(user) -> bool:
    from dancoso.accounts.models import RolePolicy

    roles = {m.role for m in current_memberships(user)}
    if user.is_superuser:
        roles.add("system_admin")
    if not roles:
        return False
    return RolePolicy.objects.filter(role__in=roles, require_two_factor=True).exists()


class RequireTwoFactorMiddleware:
    """Send users whose role requires two-factor login to verify (or set up) TOTP before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(TWO_FACTOR_EXEMPT_PREFIXES)
            and not user.is_verified()
            and two_factor_required(user)
        ):
            from django_otp import devices_for_user

            has_device = any(True for _ in devices_for_user(user, confirmed=True))
            target = "accounts:two_factor_verify" if has_device else "accounts:two_factor_setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)


def staff_units(user) -> list:
    """Distinct units in which the user holds a staff membership, in tree order."""
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
