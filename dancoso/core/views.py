"""Views of the shared kernel: the health check."""

import logging
import secrets

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("dancoso.healthz")


class CheckFailed(Exception):
    """A dependency did not give the expected answer."""


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        row = cursor.fetchone()
    if not row or row[0] != 1:
        raise CheckFailed("unexpected answer to SELECT 1")


def check_jobs() -> None:
    """The default task backend: a real query on its table for the database backend, its `ping()` for a
    backend that offers one (e.g. a Redis-based queue). In-process backends have nothing to reach."""
    backend = _default_task_backend()
    if _is_database_task_backend(backend):
        list(DBTaskResult.objects.order_by().values_list("pk", flat=True)[:1])
        return
    ping = getattr(backend, "ping", None)
    if callable(ping) and ping() is False:
        raise CheckFailed("the task backend did not answer ping")


def _default_task_backend():
    return task_backends[DEFAULT_TASK_BACKEND_ALIAS]


def _is_database_task_backend(backend) -> bool:
    return isinstance(backend, DatabaseBackend)


def check_redis() -> None:
    """The cache that REDIS_URL configures: PING through the client when reachable, else a round trip."""
    cache = caches["default"]
    client_holder = getattr(cache, "_cache", None)
    get_client = getattr(client_holder, "get_client", None)
    if callable(get_client):
        if not get_client(write=True).ping():
            raise CheckFailed("redis did not answer PING")
        return
    key, value = f"healthz:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, value, timeout=10)
    if cache.get(key) != value:
        raise CheckFailed("cache round trip failed")
    cache.delete(key)


def active_checks() -> dict:
    """Looked up at call time so tests (and operators' monkeypatches) can replace a check."""
    checks = {"database": check_database, "jobs": check_jobs}
    if getattr(settings, "REDIS_URL", ""):
        checks["redis"] = check_redis
    return checks


def run_check(name: str, check) -> bool:
    try:
        check()
    except Exception:
        # Details go to the log only: the endpoint is public and must not leak hosts or credentials.
        logger.warning("health check %s failed", name, exc_info=True)
        return False
    return True


@never_cache
@require_safe
def healthz(request):
    """200 {"status": "ok"} when every dependency answers, else 503 naming what is down. No auth."""
    results = {name: run_check(name, check) for name, check in active_checks().items()}
    down = [name for name, ok in results.items() if not ok]
    body = {
        "status": "down" if down else "ok",
        "checks": {name: "ok" if ok else "down" for name, ok in results.items()},
    }
    if down:
        body["down"] = down
    return JsonResponse(body, status=503 if down else 200)
