"""core.versioned_cache: copies dropped when watched rows change, in this process and in the others.

With the process-local cache (LocMemCache, the default) a bump must still reach every process of the node: the
token then has a part kept in a file, which another process (simulated here by writing the file as it would)
replaces.
"""

import pytest
from django.core.cache import cache

from dancoso.core import versioned_cache
from dancoso.core.versioned_cache import VersionedCache, _token_path_for


@pytest.fixture
def token_file(tmp_path, monkeypatch):
    path = tmp_path / "token"
    monkeypatch.setattr(versioned_cache, "_token_path", lambda prefix: path)
    return path


def counting(values: list):
    def build():
        values.append(len(values) + 1)
        return values[-1]

    return build


def test_values_are_kept_until_bumped():
    built: list = []
    shared = VersionedCache("dancoso:test:kept")
    assert shared.get("x", counting(built)) == 1
    assert shared.get("x", counting(built)) == 1
    shared.bump()
    assert shared.get("x", counting(built)) == 2


def test_another_process_bump_reaches_this_one(token_file):
    """A bump in another process (which writes a new token to the file) drops this process's copies, memo and
    cache alike, at the next read."""
    built: list = []
    shared = VersionedCache("dancoso:test:other-process")
    assert shared.get("x", counting(built)) == 1
    assert token_file.exists()
    assert shared.get("x", counting(built)) == 1
    token_file.write_text("written-by-another-worker")
    assert shared.get("x", counting(built)) == 2
    assert shared.get("x", counting(built)) == 2


def test_a_bump_here_rewrites_the_file_for_the_other_processes(token_file):
    shared = VersionedCache("dancoso:test:this-process")
    shared.version()
    before = token_file.read_text()
    shared.bump()
    assert token_file.read_text() != before


def test_clearing_the_cache_still_drops_every_copy(token_file):
    built: list = []
    shared = VersionedCache("dancoso:test:clear")
    assert shared.get("x", counting(built)) == 1
    cache.clear()
    assert shared.get("x", counting(built)) == 2


def test_token_files_are_per_database(tmp_path):
    one = _token_path_for("dancoso:x", str(tmp_path), "postgresql|h|5432|one")
    two = _token_path_for("dancoso:x", str(tmp_path), "postgresql|h|5432|two")
    assert one != two and one.parent.exists() and one.name == two.name == "dancoso_x"


def test_no_file_for_an_in_memory_database_or_a_shared_cache(settings):
    from django.db import connection

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        assert versioned_cache._token_path("dancoso:x") is None  # one process owns the database
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert versioned_cache._token_path("dancoso:x") is None
