"""The scope resolver behind `visible_to()`: which units a user's memberships open for a permission.

Every staff request needs the user's current memberships (current unit, unit switcher, permissions, scopes).
They are kept per user and day in a `VersionedCache` that watches memberships and units
(`AccountsConfig.ready()` connects it): granting, changing or revoking a membership, or saving any unit
(renamed, moved, deactivated), drops every copy once the transaction commits, so the next request reads the
database again. Inside a transaction that changed a membership or a unit the cache is bypassed. A write that
sends no signals (queryset.update, bulk_create, raw SQL) must call `forget_all_memberships()` after it commits.
"""

from django.db import router
from django.utils import timezone

from dancoso.accounts.roles import permissions_of
from dancoso.core.scoping import EVERYWHERE, NOWHERE, Scope
from dancoso.core.versioned_cache import VersionedCache

_CACHE_ATTR = "_dancoso_memberships"
_SCOPES_ATTR = "_dancoso_scopes"

memberships_cache = VersionedCache("dancoso:accounts:memberships")


def connect_cache() -> None:
    """Watch the rows the cached memberships are built from (called from AccountsConfig.ready())."""
    from dancoso.accounts.models import Membership
    from dancoso.units.models import Unit

    memberships_cache.watch(Membership)
    memberships_cache.watch(Unit)


def forget_all_memberships() -> None:
    """For membership or unit writes that send no signals: call after they commit."""
    memberships_cache.bump()


def _membership_rows(user_id: int, today) -> tuple:
    """(membership values, unit values) per current membership, in the model's order: plain tuples, so that
    every request builds its own model instances (nothing shared between requests can be changed in place)."""
    from dancoso.accounts.models import Membership

    memberships = Membership.objects.current(today).filter(user_id=user_id).select_related("unit")
    membership_fields = [f.attname for f in Membership._meta.concrete_fields]
    unit_fields = [f.attname for f in Membership.unit.field.related_model._meta.concrete_fields]
    return tuple(
        (
            tuple(getattr(m, name) for name in membership_fields),
            tuple(getattr(m.unit, name) for name in unit_fields),
        )
        for m in memberships
    )


def _instances(rows: tuple) -> list:
    from dancoso.accounts.models import Membership

    unit_model = Membership.unit.field.related_model
    membership_fields = [f.attname for f in Membership._meta.concrete_fields]
    unit_fields = [f.attname for f in unit_model._meta.concrete_fields]
    membership_db, unit_db = router.db_for_read(Membership), router.db_for_read(unit_model)
    unit_cache = Membership.unit.field
    memberships = []
    for membership_values, unit_values in rows:
        membership = Membership.from_db(membership_db, membership_fields, membership_values)
        unit_cache.set_cached_value(membership, unit_model.from_db(unit_db, unit_fields, unit_values))
        memberships.append(membership)
    return memberships


def current_memberships(user) -> list:
    """The user's current memberships with their units: from the memberships cache (one query when it has
    none for this user today), then kept on the user object for the rest of the request."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        if user.pk is None:
            return []
        today = timezone.localdate()
        rows = memberships_cache.get(
            f"{user.pk}:{today.isoformat()}", lambda: _membership_rows(user.pk, today)
        )
        cached = _instances(rows)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_memberships(user) -> None:
    for attr in (_CACHE_ATTR, _SCOPES_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)


def resolve_scope(user, permission: str) -> Scope:
    """`user`'s scope for `permission`, computed once per user object and permission."""
    scopes = getattr(user, _SCOPES_ATTR, None)
    if scopes is None:
        scopes = {}
        setattr(user, _SCOPES_ATTR, scopes)
    key = (permission, user.is_superuser)
    scope = scopes.get(key)
    if scope is None:
        scope = scopes[key] = _resolve_scope(user, permission)
    return scope


def _resolve_scope(user, permission: str) -> Scope:
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
