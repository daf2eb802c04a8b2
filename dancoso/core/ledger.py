"""Append-only, hash-chained audit ledger.

Each entry's hash covers the previous entry's hash and the entry's own fields, so editing or deleting any
row breaks the chain from that row on; `LedgerHead` keeps the newest sequence number and hash so that
deleting the newest rows shows too. Services call `record()` inside their transaction.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from dancoso.core.models import LedgerEntry, LedgerHead

GENESIS_HASH = "0" * 64


def canonical_json(value) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256_hex(text: str | bytes) -> str:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()


def entry_hash(
    *,
    seq: int,
    created_at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    unit_id: int | None,
    payload_digest: str,
    prev_hash: str,
) -> str:
    fields = [
        str(seq),
        created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "" if actor_id is None else str(actor_id),
        actor_label,
        action,
        object_type,
        object_id,
        "" if unit_id is None else str(unit_id),
        payload_digest,
        prev_hash,
    ]
    return sha256_hex("\x1f".join(fields))


def _describe_object(obj) -> tuple[str, str]:
    if obj is None:
        return "", ""
    meta = obj._meta
    return f"{meta.app_label}.{meta.model_name}", str(obj.pk)


def _unit_id_of(obj, unit) -> int | None:
    if unit is not None:
        return unit if isinstance(unit, int) else unit.pk
    for attr in ("unit_id", "unit"):
        value = getattr(obj, attr, None) if obj is not None else None
        if isinstance(value, int):
            return value
    if obj is not None and obj._meta.label == "units.Unit":
        return obj.pk
    return None


def record(*, action: str, actor=None, obj=None, unit=None, payload: dict | None = None) -> LedgerEntry:
    """Append one entry. Must run inside the caller's transaction (services use `transaction.atomic`)."""
    payload = payload or {}
    object_type, object_id = _describe_object(obj)
    with transaction.atomic():
        head, _ = LedgerHead.objects.select_for_update().get_or_create(pk=1, defaults={"hash": GENESIS_HASH})
        seq = head.seq + 1
        created_at = timezone.now()
        actor_id = getattr(actor, "pk", None) if actor is not None else None
        actor_label = (str(actor) if actor is not None else "system")[:200]
        payload_digest = sha256_hex(canonical_json(payload))
        unit_id = _unit_id_of(obj, unit)
        digest = entry_hash(
            seq=seq,
            created_at=created_at,
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            object_type=object_type,
            object_id=object_id,
            unit_id=unit_id,
            payload_digest=payload_digest,
            prev_hash=head.hash,
        )
        entry = LedgerEntry.objects.create(
            seq=seq,
            created_at=created_at,
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            object_type=object_type,
            object_id=object_id,
            unit_id=unit_id,
            payload=json.loads(canonical_json(payload)),
            payload_digest=payload_digest,
            prev_hash=head.hash,
            hash=digest,
        )
        head.seq, head.hash = seq, digest
        head.save(update_fields=["seq", "hash"])
    return entry


@dataclass(frozen=True)
class LedgerProblem:
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"entry #{self.seq}: {self.reason}"


def _problems(entries: Iterator[LedgerEntry], head: LedgerHead | None) -> Iterator[LedgerProblem]:
    expected_seq, prev_hash = 1, GENESIS_HASH
    for entry in entries:
        if entry.seq != expected_seq:
            yield LedgerProblem(expected_seq, f"missing (next present entry is #{entry.seq})")
            return
        if entry.prev_hash != prev_hash:
            yield LedgerProblem(entry.seq, "previous-hash link broken")
            return
        if sha256_hex(canonical_json(entry.payload)) != entry.payload_digest:
            yield LedgerProblem(entry.seq, "payload does not match its digest")
            return
        recomputed = entry_hash(
            seq=entry.seq,
            created_at=entry.created_at,
            actor_id=entry.actor_id,
            actor_label=entry.actor_label,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            unit_id=entry.unit_id,
            payload_digest=entry.payload_digest,
            prev_hash=entry.prev_hash,
        )
        if recomputed != entry.hash:
            yield LedgerProblem(entry.seq, "fields do not match the stored hash (row edited)")
            return
        expected_seq, prev_hash = entry.seq + 1, entry.hash
    last_seq = expected_seq - 1
    head_seq = head.seq if head else 0
    if head_seq != last_seq or (head and head_seq and head.hash != prev_hash):
        yield LedgerProblem(last_seq + 1, f"missing (the head records #{head_seq} as the newest entry)")


def first_problem() -> LedgerProblem | None:
    """Walk the whole chain in sequence order; return the first inconsistency, or None if intact."""
    entries = LedgerEntry.objects.order_by("seq").iterator(chunk_size=2000)
    head = LedgerHead.objects.filter(pk=1).first()
    return next(_problems(entries, head), None)
