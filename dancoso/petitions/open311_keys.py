"""Open311 API keys: issued by an administrator to one integration for one unit's subtree.

The plain key is shown once, when it is issued; only its SHA-256 digest and its first characters (to tell
keys apart in lists) are stored, so a copy of the database does not hand out working keys. Issuing and
revoking are written to the ledger; the payloads carry the key's name and prefix, never the key.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dancoso.core import ledger
from dancoso.core.text import normalize_text
from dancoso.petitions.models import Open311Key

KEY_BYTES = 32  # 43 URL-safe characters
PREFIX_LENGTH = 8
# `last_used_at` is refreshed at most this often, so that a busy integration does not write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=5)


@dataclass(frozen=True)
class IssuedKey:
    """The stored key and the plain key, which exists only in this object: show it once."""

    key: Open311Key
    plain: str


def digest(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def _may_manage(actor, unit) -> bool:
    return actor is None or actor.has_perm("petitions.manage_open311_key", unit)


@transaction.atomic
def issue_key(*, name: str, unit, actor=None) -> IssuedKey:
    """A new key for the integration `name`, valid for `unit` and the units below it. `actor` None means the
    system (the management command run by an operator)."""
    name = normalize_text(name)
    errors = {}
    if not name:
        errors["name"] = _("Name the integration that will use the key.")
    if unit is None or not unit.is_active:
        errors["unit"] = _("Choose an active unit.")
    if errors:
        raise ValidationError(errors)
    if not _may_manage(actor, unit):
        raise PermissionDenied(_("You may not issue Open311 keys for this unit."))
    plain = secrets.token_urlsafe(KEY_BYTES)
    key = Open311Key.objects.create(
        name=name[:150],
        unit=unit,
        key_digest=digest(plain),
        prefix=plain[:PREFIX_LENGTH],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    ledger.record(
        action="petitions.open311_key_issued",
        actor=actor,
        obj=key,
        unit=unit,
        payload={"name": key.name, "prefix": key.prefix},
    )
    return IssuedKey(key=key, plain=plain)


@transaction.atomic
def revoke_key(key: Open311Key, *, actor=None) -> Open311Key:
    """Stop a key from working. Revoking a revoked key changes nothing and writes nothing."""
    key = Open311Key.objects.select_for_update().select_related("unit").get(pk=key.pk)
    if not _may_manage(actor, key.unit):
        raise PermissionDenied(_("You may not revoke Open311 keys for this unit."))
    if not key.is_active:
        return key
    key.is_active = False
    key.save(update_fields=["is_active"])
    ledger.record(
        action="petitions.open311_key_revoked",
        actor=actor,
        obj=key,
        unit=key.unit,
        payload={"name": key.name, "prefix": key.prefix},
    )
    return key


def authenticate(plain: str) -> Open311Key | None:
    """The active key whose digest matches `plain`, with its unit, or None."""
    plain = (plain or "").strip()
    if not plain:
        return None
    return (
        Open311Key.objects.select_related("unit")
        .filter(key_digest=digest(plain), is_active=True, unit__is_active=True)
        .first()
    )


def record_use(key: Open311Key) -> None:
    """Note when a key was last used (at most every few minutes)."""
    now = timezone.now()
    if key.last_used_at is not None and now - key.last_used_at < LAST_USED_RESOLUTION:
        return
    Open311Key.objects.filter(pk=key.pk).update(last_used_at=now)
    key.last_used_at = now
