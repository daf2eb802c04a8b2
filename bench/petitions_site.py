"""URLs of the petitions benchmark: the site's own URLs plus a bare Django JSON view, the baseline that the API
and the inbox are compared with in the same run, through the same middleware stack and the same server."""

import json

from django.db import connection
from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

BARE_JSON_PATH = "/__bench__/bare-json/"
BARE_INSERT_PATH = "/__bench__/bare-insert/"
BARE_INSERT_TABLE = "bench_bare_insert"


@csrf_exempt
def bare_json(request):
    """Reads the body (JSON when posted) and answers JSON: no database, no template, no permission check."""
    body = json.loads(request.body) if request.body else {}
    status = 201 if request.method == "POST" else 200
    return JsonResponse({"ok": True, "fields": len(body)}, status=status)


@csrf_exempt
def bare_insert(request):
    """The bare view plus the least a durable intake must do: one INSERT of the body, committed (autocommit)
    before the answer. No authentication, validation, ORM, ledger or idempotency: a floor, not an intake."""
    body = json.loads(request.body) if request.body else {}
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {BARE_INSERT_TABLE} (body) VALUES (%s)", [request.body.decode()])  # noqa: S608 — a constant
    return JsonResponse({"ok": True, "fields": len(body)}, status=201)


def create_bare_insert_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {BARE_INSERT_TABLE} (id bigserial PRIMARY KEY, body jsonb)"
        )
        cursor.execute(f"TRUNCATE {BARE_INSERT_TABLE}")


urlpatterns = [
    path(BARE_JSON_PATH.strip("/") + "/", bare_json),
    path(BARE_INSERT_PATH.strip("/") + "/", bare_insert),
    path("", include("config.urls")),
]
