"""The scope resolver behind `visible_to()`: which units a user's memberships open for a permission."""

from dancoso.accounts.roles import permissions_of
from dancoso.core.scoping import EVERYWHERE, NOWHERE, Scope

_CACHE_ATTR = "_dancoso_memberships"


def current_memberships(user) -> list:
    """The user's current memberships with their units, loaded once per user object (one query)."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        from dancoso.accounts.models import Membership

        cached = list(Membership.objects.current().filter(user=user).select_related("unit"))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_memberships(user) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def resolve_scope(user, permission: str) -> Scope:
    if user.is_superuser:
        return EVERYWHERE
    subtree_paths: set[str] = set()
    unit_ids: set[int] = set()
    for membership in current_memberships(user):
        if permission not in permissions_of(membership.role):
            continue
        if membership.covers_subtree:
            subtree_paths.add(membership.unit.path)
        else:
            unit_ids.add(membership.unit_id)
    if not subtree_paths and not unit_ids:
        return NOWHERE
    return Scope(subtree_paths=frozenset(_outermost(subtree_paths)), unit_ids=frozenset(unit_ids))


def _outermost(paths: set[str]) -> set[str]:
    """Drop paths already covered by a shorter prefix so filters stay small."""
    kept: list[str] = []
    for path in sorted(paths, key=len):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return set(kept)
