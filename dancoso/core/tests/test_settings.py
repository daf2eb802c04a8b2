"""Production defaults of config/settings.py: what an operator gets by setting only the required variables."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[3]
# Variables the tests set themselves; whatever the calling shell has is dropped.
SETTINGS_VARIABLES = frozenset(
    {"DEBUG", "HTTPS", "BEHIND_PROXY", "DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS", "VAR_DIR"}
)


def production_env(**overrides: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in SETTINGS_VARIABLES and name != "PYTEST_XDIST_WORKER"  # as in production
    }
    env.update(SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="example.vn", PYTHONPATH=str(BASE_DIR))
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    env.update(overrides)
    return env


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def settings_seen_with(env: dict[str, str]) -> dict:
    code = (
        "import json, config.settings as s; "
        "print(json.dumps({'DATABASES': s.DATABASES, 'DEBUG': s.DEBUG, 'VAR_DIR': str(s.VAR_DIR), "
        "'SECURE_SSL_REDIRECT': s.SECURE_SSL_REDIRECT, 'CACHES': s.CACHES, "
        "'PASSWORD_HASHERS': s.PASSWORD_HASHERS, 'CONTENT_SECURITY_POLICY': s.CONTENT_SECURITY_POLICY}, default=str))"
    )
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_deploy_check_passes_with_only_the_required_variables(tmp_path):
    env = production_env(VAR_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_defaults(tmp_path):
    seen = settings_seen_with(production_env(VAR_DIR=str(tmp_path)))
    assert seen["DEBUG"] is False
    assert seen["SECURE_SSL_REDIRECT"] is True


# Read from config.settings in a subprocess: the test suite swaps the hasher for a fast one.
def test_argon2_is_the_first_password_hasher(tmp_path):
    hashers = settings_seen_with(production_env(VAR_DIR=str(tmp_path)))["PASSWORD_HASHERS"]
    assert hashers[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_content_security_policy_allows_no_inline_code(tmp_path):
    seen = settings_seen_with(production_env(VAR_DIR=str(tmp_path)))
    directives = seen["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    for name, sources in directives.items():
        assert "'unsafe-inline'" not in sources, name
        assert "'unsafe-eval'" not in sources, name
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


def test_default_database_is_an_sqlite_file_under_var(tmp_path):
    env = production_env(VAR_DIR=str(tmp_path))
    env.pop("DATABASE_URL", None)
    database = settings_seen_with(env)["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(database["NAME"]) == tmp_path / "dancoso.sqlite3"
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]


def test_postgres_database_url_is_parsed(tmp_path):
    url = "postgres://dancoso:s3cret@db.example.vn:6543/dancoso_prod"
    seen = settings_seen_with(production_env(VAR_DIR=str(tmp_path), DATABASE_URL=url))
    database = seen["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["USER"], database["PASSWORD"]) == ("dancoso_prod", "dancoso", "s3cret")
    assert (database["HOST"], int(database["PORT"])) == ("db.example.vn", 6543)
    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True


def test_redis_url_switches_the_cache(tmp_path):
    env = production_env(VAR_DIR=str(tmp_path), REDIS_URL="redis://127.0.0.1:6379/3")
    cache = settings_seen_with(env)["CACHES"]["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://127.0.0.1:6379/3"


def test_each_parallel_test_process_has_a_redis_database_of_its_own(tmp_path):
    env = production_env(
        VAR_DIR=str(tmp_path), REDIS_URL="redis://127.0.0.1:6379/3", PYTEST_XDIST_WORKER="gw1"
    )
    assert settings_seen_with(env)["CACHES"]["default"]["LOCATION"] == "redis://127.0.0.1:6379/5"


@pytest.mark.parametrize("value", ["1", "true", "yes", "on"])
def test_debug_switch(tmp_path, value):
    seen = settings_seen_with(production_env(VAR_DIR=str(tmp_path), DEBUG=value))
    assert seen["DEBUG"] is True
    assert seen["SECURE_SSL_REDIRECT"] is False
