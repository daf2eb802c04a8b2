"""Small tables read on almost every request and changed rarely (work calendars, deadline settings).

A `VersionedCache` keeps built values in Django's cache and in the process under a version token. Saving or
deleting one of the watched models replaces the token once the transaction commits, so every process (sharing
the cache: Redis in production) drops its copies. Inside a transaction that has changed watched rows the cache
is bypassed, so the transaction sees its own changes and a rollback leaves nothing stale behind. `migrate` and
`flush` (both send post_migrate) replace the token too.

Where the token lives: in Django's cache, which Redis (or memcached, or the database) shares between processes.
The default cache (LocMemCache) is each process's own, so a bump there would not reach the other gunicorn
workers, job workers or management commands of the node: with it the token has a second part, kept in a small
file per database under VAR_DIR, which every process reads (a few µs) and `bump()` replaces. (An in-memory SQLite
database belongs to one process: no file then.) Clearing the cache still drops every copy, as before.

    settings_cache = VersionedCache("dancoso:petitions:deadlines", watch=(DeadlineSetting,))
    rules = settings_cache.get("rules", load_rules)
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import uuid
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import post_delete, post_migrate, post_save

T = TypeVar("T")

CACHE_TIMEOUT = 24 * 3600
MEMO_LIMIT = 512
TOKEN_DIR = "cache-versions"  # noqa: S105 — a directory name, not a secret


def _token_path(prefix: str) -> Path | None:
    """The file holding `prefix`'s token when Django's cache is process-local, else None (see the module)."""
    if not isinstance(caches["default"], LocMemCache):
        return None
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        return None
    db = connection.settings_dict
    return _token_path_for(
        prefix,
        str(getattr(settings, "VAR_DIR", "") or ""),
        f"{connection.vendor}|{db.get('HOST') or ''}|{db.get('PORT') or ''}|{db.get('NAME') or ''}",
    )


@lru_cache(maxsize=64)
def _token_path_for(prefix: str, var_dir: str, database: str) -> Path | None:
    if not var_dir:
        return None
    directory = Path(var_dir) / TOKEN_DIR / hashlib.sha256(database.encode()).hexdigest()[:16]
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only VAR_DIR: the token stays in the (process-local) cache
        return None
    return directory / prefix.replace(":", "_").replace("/", "_")


def _read_token(path: Path) -> str | None:
    try:
        with open(path, "rb") as file:
            return file.read().decode() or None
    except FileNotFoundError:
        return None


def _write_token(path: Path, *, replace: bool) -> None:
    """A new token, written whole (a reader never sees half of one); `replace=False` keeps an existing one."""
    temporary = path.with_name(f"{path.name}.{uuid.uuid4().hex}.tmp")
    temporary.write_text(uuid.uuid4().hex)
    try:
        if replace:
            os.replace(temporary, path)
        else:
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


class VersionedCache:
    def __init__(self, prefix: str, *, watch: tuple = (), bump_on_migrate: bool = True):
        self.prefix = prefix
        self._version_key = f"{prefix}:version"
        self._lock = threading.Lock()
        self._memo: dict[str, object] = {"version": None}
        self._watched: set = set()
        self._pinned = threading.local()
        # Migrations (data migrations use historical models, which send no signals to `watch`) and `flush`.
        # Caches made in numbers (one per tree, say) pass False and mix in the token of one that does.
        if bump_on_migrate:
            post_migrate.connect(self._migrated, weak=False, dispatch_uid=f"{prefix}:migrated")
        for model in watch:
            self.watch(model)

    def watch(self, model, *, unless_only: frozenset[str] = frozenset()) -> None:
        """Bump after any save or delete of `model`, except saves that write only fields of `unless_only`
        (e.g. a user's `last_login`, written at every login)."""
        if model in self._watched:
            return
        self._watched.add(model)
        receiver = self._rows_changed
        if unless_only:

            def receiver(sender, using=None, update_fields=None, **kwargs):
                if update_fields is None or not set(update_fields) <= unless_only:
                    self._rows_changed(sender, using=using)

        for signal in (post_save, post_delete):
            signal.connect(receiver, sender=model, weak=False, dispatch_uid=f"{self.prefix}:{model}")

    def _rows_changed(self, sender, using=None, **kwargs) -> None:
        # After commit: a process that read the old rows before the commit must not keep them under the new token.
        transaction.on_commit(self.bump, using=using)

    @contextlib.contextmanager
    def pinned(self, version: str | None):
        """Within the block, `version()` in this thread answers `version` (read earlier, e.g. with
        `versions()` for several stores in one round trip) instead of asking the cache again."""
        previous = getattr(self._pinned, "version", None)
        self._pinned.version = version
        try:
            yield
        finally:
            self._pinned.version = previous

    def _migrated(self, sender=None, **kwargs) -> None:
        self.bump()

    def bump(self) -> None:
        """Drop every process's copies. For writes that send no signals (queryset.update, bulk_create, raw
        SQL), call it after they commit."""
        cache.set(self._version_key, uuid.uuid4().hex, None)
        path = _token_path(self.prefix)
        if path is not None:
            # A read-only VAR_DIR: other processes keep their copies until they expire.
            with contextlib.suppress(OSError):
                _write_token(path, replace=True)

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
        pinned = getattr(self._pinned, "version", None)
        if pinned is not None:
            return pinned
        version = cache.get(self._version_key)
        if version is None:
            cache.add(self._version_key, uuid.uuid4().hex, None)
            version = cache.get(self._version_key)
        path = _token_path(self.prefix) if version is not None else None
        if path is not None:
            try:
                token = _read_token(path)
                if token is None:
                    _write_token(path, replace=False)
                    token = _read_token(path)
            except OSError:
                token = None
            if token:
                version = f"{version}:{token}"
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


def versions(*stores: VersionedCache) -> list[str | None]:
    """What `store.version()` gives for each store, in one round trip when Django's cache is shared between
    processes (Redis) instead of one each; with the per-process cache (a token part in a file) one by one."""
    if isinstance(caches["default"], LocMemCache) or any(
        store._has_uncommitted_changes() for store in stores
    ):
        return [store.version() for store in stores]
    found = cache.get_many([store._version_key for store in stores])
    return [found.get(store._version_key) or store.version() for store in stores]
