"""Small tables read on almost every request and changed rarely (work calendars, deadline settings).

A `VersionedCache` keeps built values in Django's cache and in the process under a version token. Saving or
deleting one of the watched models replaces the token once the transaction commits, so every process (sharing
the cache: Redis in production) drops its copies. Inside a transaction that has changed watched rows the cache
is bypassed, so the transaction sees its own changes and a rollback leaves nothing stale behind. `migrate` and
`flush` (both send post_migrate) replace the token too.

    settings_cache = VersionedCache("dancoso:petitions:deadlines", watch=(DeadlineSetting,))
    rules = settings_cache.get("rules", load_rules)
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save

T = TypeVar("T")

CACHE_TIMEOUT = 24 * 3600
MEMO_LIMIT = 512


class VersionedCache:
    def __init__(self, prefix: str, *, watch: tuple = ()):
        self.prefix = prefix
        self._version_key = f"{prefix}:version"
        self._lock = threading.Lock()
        self._memo: dict[str, object] = {"version": None}
        self._watched: set = set()
        # Migrations (data migrations use historical models, which send no signals to `watch`) and `flush`.
        post_migrate.connect(self._migrated, weak=False, dispatch_uid=f"{prefix}:migrated")
        for model in watch:
            self.watch(model)

    def watch(self, model) -> None:
        if model in self._watched:
            return
        self._watched.add(model)
        for signal in (post_save, post_delete):
            signal.connect(
                self._rows_changed, sender=model, weak=False, dispatch_uid=f"{self.prefix}:{model}"
            )

    def _rows_changed(self, sender, using=None, **kwargs) -> None:
        # After commit: a process that read the old rows before the commit must not keep them under the new token.
        transaction.on_commit(self.bump, using=using)

    def _migrated(self, sender=None, **kwargs) -> None:
        self.bump()

    def bump(self) -> None:
        """Drop every process's copies. For writes that send no signals (queryset.update, bulk_create, raw
        SQL), call it after they commit."""
        cache.set(self._version_key, uuid.uuid4().hex, None)

    def _has_uncommitted_changes(self) -> bool:
        """True inside a transaction that changed watched rows and has not committed yet.

        The receivers register `bump` with `on_commit`; Django drops such callbacks when the transaction or
        savepoint that registered them rolls back, so this answer is exact."""
        connection = transaction.get_connection()
        if not connection.in_atomic_block:
            return False
        return any(entry[1] == self.bump for entry in connection.run_on_commit)

    def version(self) -> str | None:
        """The token to read under; None means "build afresh" (uncommitted changes, or a cache that keeps
        nothing such as DummyCache)."""
        if self._has_uncommitted_changes():
            return None
        version = cache.get(self._version_key)
        if version is None:
            cache.add(self._version_key, uuid.uuid4().hex, None)
            version = cache.get(self._version_key)
        return version

    def get(self, name: str, build: Callable[[], T], version: str | bool | None = False) -> T:
        """The value `name` under the current version (or the `version` given, read once per call chain)."""
        if version is False:
            version = self.version()
        if version is None:
            return build()
        with self._lock:
            if self._memo.get("version") != version or len(self._memo) > MEMO_LIMIT:
                self._memo.clear()
                self._memo["version"] = version
            if name in self._memo:
                return self._memo[name]
        key = f"{self.prefix}:{version}:{name}"
        value = cache.get(key)
        if value is None:
            value = build()
            cache.set(key, value, CACHE_TIMEOUT)
        with self._lock:
            if self._memo.get("version") == version:
                self._memo[name] = value
        return value
