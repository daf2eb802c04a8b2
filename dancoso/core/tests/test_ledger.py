import datetime as dt
import threading
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from dancoso.accounts.tests.factories import UserFactory
from dancoso.core import ledger
from dancoso.core.models import LedgerEntry, LedgerHead
from dancoso.units.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def verify_ledger() -> str:
    out = StringIO()
    call_command("verify_ledger", stdout=out)
    return out.getvalue()


def broken_ledger_message() -> str:
    with pytest.raises(CommandError) as failure:
        verify_ledger()
    assert failure.value.returncode == 1
    return str(failure.value)


@pytest.fixture
def three_entries():
    return [ledger.record(action=f"test.step_{n}", payload={"n": n, "text": "Ủy ban"}) for n in (1, 2, 3)]


def test_intact_chain_exits_zero_and_counts_entries(three_entries):
    assert "Ledger intact: 3 entries" in verify_ledger()


def test_empty_ledger_is_intact():
    assert "Ledger intact: 0 entries" in verify_ledger()


def test_entries_are_chained(three_entries):
    first, second, third = three_entries
    assert [first.seq, second.seq, third.seq] == [1, 2, 3]
    assert first.prev_hash == ledger.GENESIS_HASH
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert LedgerHead.objects.get().hash == third.hash


def test_edited_payload_is_named(three_entries):
    LedgerEntry.objects.filter(seq=2).update(payload={"n": 99, "text": "Ủy ban"})
    message = broken_ledger_message()
    assert "#2" in message and "payload" in message


def test_edited_action_is_named(three_entries):
    LedgerEntry.objects.filter(seq=2).update(action="test.something_else")
    message = broken_ledger_message()
    assert "#2" in message and "edited" in message


def test_edited_payload_with_matching_digest_still_breaks_the_hash(three_entries):
    payload = {"n": 99}
    LedgerEntry.objects.filter(seq=2).update(
        payload=payload, payload_digest=ledger.sha256_hex(ledger.canonical_json(payload))
    )
    assert "#2" in broken_ledger_message()


def test_rewritten_hash_breaks_the_next_link(three_entries):
    LedgerEntry.objects.filter(seq=1).update(hash="f" * 64)
    assert "#1" in broken_ledger_message()


def test_deleted_middle_entry_is_named(three_entries):
    LedgerEntry.objects.filter(seq=2).delete()
    message = broken_ledger_message()
    assert "#2" in message and "missing" in message


def test_deleted_first_entry_is_named(three_entries):
    LedgerEntry.objects.filter(seq=1).delete()
    assert "#1" in broken_ledger_message()


def test_deleted_newest_entry_is_caught_by_the_head(three_entries):
    LedgerEntry.objects.filter(seq=3).delete()
    message = broken_ledger_message()
    assert "#3" in message and "missing" in message


def test_deleted_newest_entries_are_caught_by_the_head(three_entries):
    LedgerEntry.objects.filter(seq__gte=2).delete()
    assert "#2" in broken_ledger_message()


def test_replaced_newest_entry_is_caught_by_the_head(three_entries):
    third = three_entries[2]
    LedgerEntry.objects.filter(seq=3).delete()
    forged = ledger.entry_hash(
        seq=3,
        created_at=third.created_at,
        actor_id=None,
        actor_label="system",
        action="test.forged",
        object_type="",
        object_id="",
        unit_id=None,
        payload_digest=third.payload_digest,
        prev_hash=third.prev_hash,
    )
    LedgerEntry.objects.create(
        seq=3,
        created_at=third.created_at,
        actor_label="system",
        action="test.forged",
        payload=third.payload,
        payload_digest=third.payload_digest,
        prev_hash=third.prev_hash,
        hash=forged,
    )
    message = broken_ledger_message()
    assert "#3" in message and "head" in message


def test_row_inserted_past_the_head_is_named(three_entries):
    LedgerEntry.objects.create(
        seq=4, action="test.inserted", payload_digest="x", prev_hash="y", hash="z" * 64
    )
    message = broken_ledger_message()
    assert "#4" in message


def test_entries_appended_after_the_head_was_read_are_not_reported(three_entries, monkeypatch):
    """A verification running while services append must not cry wolf."""
    real_problem_beyond_head = ledger._problem_beyond_head

    def append_then_check(head_seq_seen):
        ledger.record(action="test.concurrent_append")
        return real_problem_beyond_head(head_seq_seen)

    monkeypatch.setattr(ledger, "_problem_beyond_head", append_then_check)
    check = ledger.verify()
    assert check.intact and check.entries_checked == 3


def test_record_describes_actor_object_and_unit():
    user = UserFactory(full_name="Trần Thị Bình")
    unit = UnitFactory()
    entry = ledger.record(action="units.test", actor=user, obj=unit, payload={"a": 1})
    assert entry.actor_id == user.pk and entry.actor_label == "Trần Thị Bình"
    assert (entry.object_type, entry.object_id, entry.unit_id) == ("units.unit", str(unit.pk), unit.pk)
    assert ledger.first_problem() is None


@pytest.mark.parametrize(
    "payload",
    [
        {
            "amount": Decimal("12.50"),
            "when": dt.datetime(2026, 1, 29, 8, 30, tzinfo=dt.UTC),
            "day": dt.date(2026, 2, 1),
        },
        {"big": 1e16, "whole": 3.0, "small": 1e-7, "ratio": 0.1, "huge_int": 2**62},
        {"nested": [{"b": 2, "a": [1, 2.5, None, True]}], "text": "Nguyễn Văn A \u00a0 – “trích dẫn”"},
        {1: "integer key", "emoji": "🗳"},
    ],
)
def test_payloads_survive_the_database_round_trip(payload):
    ledger.record(action="test.payload", payload=payload)
    assert ledger.first_problem() is None


def test_nan_payload_is_refused():
    with pytest.raises(ValueError):
        ledger.record(action="test.nan", payload={"x": float("nan")})
    assert LedgerEntry.objects.count() == 0


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="concurrent writers need a server database",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_chain():

    def append_many(worker: int) -> None:
        try:
            for n in range(10):
                ledger.record(action="test.concurrent", payload={"worker": worker, "n": n})
        finally:
            connection.close()

    threads = [threading.Thread(target=append_many, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    check = ledger.verify()
    assert check.intact and check.entries_checked == 40
