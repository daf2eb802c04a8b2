"""Append-only, hash-chained audit ledger.

Each entry's hash covers the previous entry's hash and the entry's own fields, so editing or deleting any
row breaks the chain from that row on; `LedgerHead` keeps the newest sequence number and hash so that
deleting the newest rows shows too. Services call `record()` inside their transaction.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from dancoso.core.models import LedgerEntry, LedgerHead

GENESIS_HASH = "0" * 64
HASHED_FIELDS = (
    "seq",
    "created_at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "unit_id",
    "payload_digest",
    "prev_hash",
)


def _integral_floats_as_int(value):
    """PostgreSQL's jsonb gives 1e16 back as 10000000000000000 (an int once parsed); writing integral floats
    as ints keeps a payload's digest the same after a round trip through either database."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _integral_floats_as_int(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_integral_floats_as_int(item) for item in value]
    return value


def canonical_json(value) -> str:
    """Sorted keys, no spaces, UTF-8 text; NaN and infinity are refused (JSON columns cannot store them)."""
    return json.dumps(
        _integral_floats_as_int(json.loads(json.dumps(value, cls=DjangoJSONEncoder, allow_nan=False))),
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        allow_nan=False,
    )


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
    payload_json = canonical_json(payload or {})  # refuses NaN and the like before anything is written
    object_type, object_id = _describe_object(obj)
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    actor_label = (str(actor) if actor is not None else "system")[:200]
    payload_digest = sha256_hex(payload_json)
    unit_id = _unit_id_of(obj, unit)
    # No savepoint inside the caller's transaction: nothing here is meant to fail and be caught.
    with transaction.atomic(savepoint=False):
        head, _ = LedgerHead.objects.select_for_update().get_or_create(pk=1, defaults={"hash": GENESIS_HASH})
        seq = head.seq + 1
        created_at = timezone.now()
        hashed = {
            "seq": seq,
            "created_at": created_at,
            "actor_id": actor_id,
            "actor_label": actor_label,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "unit_id": unit_id,
            "payload_digest": payload_digest,
            "prev_hash": head.hash,
        }
        digest = entry_hash(**hashed)
        entry = LedgerEntry.objects.create(**hashed, payload=json.loads(payload_json), hash=digest)
        head.seq, head.hash = seq, digest
        head.save(update_fields=["seq", "hash"])
    return entry


@dataclass(frozen=True)
class LedgerProblem:
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"entry #{self.seq}: {self.reason}"


@dataclass(frozen=True)
class LedgerCheck:
    """Outcome of walking the chain: how many entries were checked and the first problem, if any."""

    entries_checked: int
    problem: LedgerProblem | None

    @property
    def intact(self) -> bool:
        return self.problem is None


def _entry_problem(entry: LedgerEntry, expected_seq: int, prev_hash: str) -> LedgerProblem | None:
    if entry.seq != expected_seq:
        return LedgerProblem(expected_seq, f"missing (next present entry is #{entry.seq})")
    if entry.prev_hash != prev_hash:
        return LedgerProblem(entry.seq, "previous-hash link broken")
    if sha256_hex(canonical_json(entry.payload)) != entry.payload_digest:
        return LedgerProblem(entry.seq, "payload does not match its digest (row edited)")
    recomputed = entry_hash(**{name: getattr(entry, name) for name in HASHED_FIELDS})
    if recomputed != entry.hash:
        return LedgerProblem(entry.seq, "fields do not match the stored hash (row edited)")
    return None


def _head_problem(head_seq: int, head_hash: str, last_seq: int, last_hash: str) -> LedgerProblem | None:
    if last_seq < head_seq:
        return LedgerProblem(last_seq + 1, f"missing (the head records #{head_seq} as the newest entry)")
    if head_seq and head_hash != last_hash:
        return LedgerProblem(head_seq, "hash differs from the one recorded in the head (row replaced)")
    return None


def verify() -> LedgerCheck:
    """Walk the whole chain in sequence order and return the first inconsistency, if any.

    The head is read first and only entries up to it are walked, so appends committed during the walk are
    left for the next run instead of looking like rows written behind the ledger's back.
    """
    head = LedgerHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    expected_seq, prev_hash = 1, GENESIS_HASH
    entries = LedgerEntry.objects.filter(seq__lte=head_seq).order_by("seq").iterator(chunk_size=2000)
    for entry in entries:
        problem = _entry_problem(entry, expected_seq, prev_hash)
        if problem:
            return LedgerCheck(expected_seq - 1, problem)
        expected_seq, prev_hash = entry.seq + 1, entry.hash
    checked = expected_seq - 1
    problem = _head_problem(head_seq, head_hash, checked, prev_hash)
    if problem is None:
        problem = _problem_beyond_head(head_seq)
    return LedgerCheck(checked, problem)


def _problem_beyond_head(head_seq_seen: int) -> LedgerProblem | None:
    """Rows past the current head were not appended through `record()`."""
    current_head_seq = LedgerHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0
    stray = (
        LedgerEntry.objects.filter(seq__gt=max(head_seq_seen, current_head_seq))
        .order_by("seq")
        .values_list("seq", flat=True)
        .first()
    )
    if stray is not None:
        return LedgerProblem(stray, "not recorded in the head (row inserted outside the ledger)")
    return None


def first_problem() -> LedgerProblem | None:
    """The first inconsistency of the chain, or None if it is intact."""
    return verify().problem
