"""`Idempotency-Key` for public POSTs: a retried submission gets the first result instead of a duplicate.

    @idempotent
    def submit_petition(request): ...

    class PetitionViewSet(IdempotentMixin, viewsets.ModelViewSet): ...

When a POST carries `Idempotency-Key`, the view runs and its response (status, body, a few headers) is stored
with the key, the scope and a digest of the body, in the view's own transaction. Then:

- the same key and the same body → the stored response again, with `Idempotent-Replayed: true`;
- the same key and a different body → 422 `{code: "idempotency_key_reused", ...}`;
- the same key while the first request is still running → the duplicate waits for the first to commit, its
  own work is rolled back, and it gets the first response.

The scope is method + path + caller: the signed-in user, else the `Authorization` header (API tokens), else
a hash of the client address (REMOTE_ADDR; behind a proxy it must pass the real address there), so one
caller can never read another's stored response. The view runs in one transaction with the storing of its
response, so either both commit or neither does (one commit per request, no "in flight" row). Responses with 2xx and 4xx statuses are stored, except the
"try again later" ones (408, 409, 425, 429); 5xx responses and exceptions are not, so the client can retry.
Records expire after 24 hours (`purge_idempotency_records` runs hourly).
"""

import contextlib
import hashlib
import json
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache, partial, wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from dancoso.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_MAX_LENGTH = 200
RECORD_TTL = timedelta(hours=24)
# A request recorded as running for longer than this is taken to have died with its process.
IN_FLIGHT_TIMEOUT = timedelta(minutes=5)
STORED_HEADERS = ("Content-Type", "Content-Language", "Location", "Cache-Control")
RETRY_LATER_STATUSES = frozenset({408, 409, 425, 429})


@dataclass
class Refusal(Exception):
    """Why a request with `Idempotency-Key` is not run; `refuse` turns it into the endpoint's error format."""

    status: int
    code: str
    message: str
    retry_after: bool = False


def json_refusal(request: HttpRequest, view_kwargs: dict, refusal: Refusal) -> HttpResponse:
    """The REST API's error object `{code, message, fields}`."""
    return JsonResponse(
        {"code": refusal.code, "message": refusal.message, "fields": {}}, status=refusal.status
    )


def _in_progress() -> Refusal:
    return Refusal(
        409,
        "idempotency_request_in_progress",
        _("The first request with this Idempotency-Key is still being processed. Try again shortly."),
        retry_after=True,
    )


def _valid_key(key: str) -> bool:
    return 0 < len(key) <= KEY_MAX_LENGTH and all(0x21 <= ord(char) <= 0x7E for char in key)


def _sha256(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\x00")
    return digest.hexdigest()


def _caller_fingerprint(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u{user.pk}"
    authorization = request.headers.get("Authorization", "")
    if authorization:
        return "k" + _sha256(settings.SECRET_KEY, authorization)[:24]
    return "a" + _sha256(settings.SECRET_KEY, request.META.get("REMOTE_ADDR", ""))[:24]


def request_scope(request: HttpRequest) -> str:
    return f"{request.method}:{_sha256(request.path)[:32]}:{_caller_fingerprint(request)}"


def _multipart_digest(request: HttpRequest) -> str:
    """Digest of the parsed form: the multipart boundary changes on every retry, the content does not."""
    fields = sorted((name, values) for name, values in request.POST.lists())
    files = []
    for name, uploaded in sorted(request.FILES.items(), key=lambda item: item[0]):
        content = hashlib.sha256()
        for chunk in uploaded.chunks():
            content.update(chunk)
        uploaded.seek(0)
        files.append([name, uploaded.name, uploaded.size, content.hexdigest()])
    return _sha256("multipart", json.dumps([fields, files], ensure_ascii=False))


def request_digest(request: HttpRequest) -> str:
    content_type = request.content_type or ""
    if content_type == "multipart/form-data":
        return _multipart_digest(request)
    return _sha256(content_type, request.body)


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(bytes(record.response_body), status=record.status_code)
    for name, value in record.response_headers.items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


def _storable(response: HttpResponse) -> bool:
    if response.streaming:
        return False
    status = response.status_code
    return (200 <= status < 300 or 400 <= status < 500) and status not in RETRY_LATER_STATUSES


def _earlier_answer(key: str, scope: str, digest: str) -> HttpResponse | None:
    """The stored response of a request whose key was used before (a Refusal if the body differs or it is
    still running); None if the key is new (or its record has expired)."""
    earlier = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
    if earlier is None:
        return None
    # Records without a response come from requests that recorded themselves before running (older
    # versions did); after a while their process is taken to have died.
    stale = timezone.now() - earlier.created_at > (
        IN_FLIGHT_TIMEOUT if earlier.status_code is None else RECORD_TTL
    )
    if stale:
        IdempotencyRecord.objects.filter(pk=earlier.pk, created_at=earlier.created_at).delete()
        return None
    if earlier.request_digest != digest:
        raise Refusal(
            422,
            "idempotency_key_reused",
            _("This Idempotency-Key was already used for a different request. Use a new key."),
        )
    if earlier.status_code is None:
        raise _in_progress()
    return _replay(earlier)


class _KeyTakenMeanwhile(Exception):
    """A concurrent request with the same key committed first: this one's work is rolled back."""


def _store(key: str, scope: str, digest: str, response: HttpResponse) -> None:
    if not _storable(response):
        return
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    try:
        IdempotencyRecord.objects.create(
            key=key,
            scope=scope,
            request_digest=digest,
            status_code=response.status_code,
            response_body=response.content,
            response_headers={name: response[name] for name in STORED_HEADERS if response.has_header(name)},
        )
    except IntegrityError as error:
        raise _KeyTakenMeanwhile from error


def _run_once(view, request: HttpRequest, args, kwargs) -> HttpResponse:
    """One transaction holds the view's work and its stored response, so both commit or neither does. A
    duplicate arriving while the first runs waits at the record's unique index (PostgreSQL) or at the
    database's write lock (SQLite); when the first commits, the duplicate's work is rolled back and it gets
    the first's answer."""
    key = request.headers.get(HEADER, "")
    if not _valid_key(key):
        raise Refusal(
            400,
            "idempotency_key_invalid",
            _("The Idempotency-Key header must be 1 to 200 visible ASCII characters."),
        )
    scope, digest = request_scope(request), request_digest(request)
    answer = _earlier_answer(key, scope, digest)
    if answer is not None:
        return answer
    try:
        with transaction.atomic():
            response = view(request, *args, **kwargs)
            _store(key, scope, digest, response)
    except _KeyTakenMeanwhile:
        answer = _earlier_answer(key, scope, digest)
        if answer is None:
            raise _in_progress() from None
        return answer
    return response


def idempotent(view=None, *, refuse=json_refusal):
    """Decorate a Django view (or a DRF `as_view()` result) so POSTs honour `Idempotency-Key`.

    `refuse(request, view_kwargs, refusal)` answers a refused request in the endpoint's own error format
    (`@idempotent(refuse=...)`); by default the REST API's JSON error object."""
    if view is None:
        return partial(idempotent, refuse=refuse)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "POST" or HEADER not in request.headers:
            return view(request, *args, **kwargs)
        try:
            return _run_once(view, request, args, kwargs)
        except Refusal as refusal:
            response = refuse(request, kwargs, refusal)
            if refusal.retry_after:
                response["Retry-After"] = "1"
            return response

    return wrapper


class IdempotentMixin:
    """For DRF APIViews and ViewSets: wraps the view `as_view()` builds (routers included)."""

    @classmethod
    def as_view(cls, *args, **kwargs):
        return idempotent(super().as_view(*args, **kwargs))


def purge_expired(now=None) -> int:
    now = now or timezone.now()
    deleted, _details = IdempotencyRecord.objects.filter(created_at__lt=now - RECORD_TTL).delete()
    return deleted


@task()
def purge_idempotency_records() -> int:
    return purge_expired()


# ------------------------------------------------------------------------------------------------ fast lanes
# For views that answer without going through `idempotent` (a hot path that writes one row): the claim is read
# from the request first, the answer built before the write, and the row and the record of the answer are
# written by one statement, so that both commit or neither does.


@dataclass(frozen=True)
class Claim:
    """A request's `Idempotency-Key`, with the scope and body digest its record is stored under."""

    key: str
    scope: str
    digest: str

    @classmethod
    def of(cls, request: HttpRequest) -> "Claim | None":
        """None without the header; a Refusal (400) for an invalid key, as `idempotent` answers it."""
        key = request.headers.get(HEADER)
        if key is None:
            return None
        if not _valid_key(key):
            raise Refusal(
                400,
                "idempotency_key_invalid",
                _("The Idempotency-Key header must be 1 to 200 visible ASCII characters."),
            )
        return cls(key, request_scope(request), request_digest(request))


@lru_cache(maxsize=32)
def _insert_plan(model, vendor: str) -> tuple[str, tuple[tuple[str, str | None], ...]]:
    """The INSERT of a row of `model` (its primary key left to the database) and, per column, the attribute
    it takes and how its value is adapted (datetime, date, json, or as it is)."""
    from django.db import models

    connection = connections[DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    kinds = ((models.DateTimeField, "datetime"), (models.DateField, "date"), (models.JSONField, "json"))
    columns = tuple(
        (field.attname, next((kind for cls, kind in kinds if isinstance(field, cls)), None))
        for field in fields
    )
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 — names from the model's meta, quoted
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    return sql, columns


def _insert(connection, model, values: dict) -> tuple[str, list]:
    sql, columns = _insert_plan(model, connection.vendor)
    ops = connection.ops
    adapt = {
        "datetime": ops.adapt_datetimefield_value,
        "date": ops.adapt_datefield_value,
        "json": lambda value: ops.adapt_json_value(value, None),
    }
    params = [adapt[kind](values[name]) if kind else values[name] for name, kind in columns]
    return sql, params


def _execute(connection, sql: str, params: list) -> None:
    """On PostgreSQL the parameters travel apart from the statement (server-side binding) and the statement is
    prepared once per connection: Django's cursor would quote every value into the text of each statement."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        return
    import psycopg

    connection.ensure_connection()
    started = time.monotonic()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:

        def run(sql, params, many, context):
            cursor.execute(sql, params, prepare=True)

        executor = run
        for wrapper in reversed(connection.execute_wrappers):  # as Django's own cursors apply them
            executor = partial(wrapper, executor)
        executor(sql, params, False, {"connection": connection, "cursor": cursor})
    if connection.queries_logged:
        connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})


def insert_with_answer(obj, claim: Claim | None, response: HttpResponse | None) -> None:
    """INSERT `obj` (a new model instance) and, with a claim, the record that replays `response` for a retry.
    On PostgreSQL one statement (a data-modifying WITH) commits both; elsewhere one transaction does.
    IntegrityError when the key is taken meanwhile or a unique field of `obj` is: nothing is written then.
    Outside a transaction no BEGIN/COMMIT is sent (autocommit)."""
    connection = connections[DEFAULT_DB_ALIAS]
    statements = [_insert(connection, type(obj), obj.__dict__)]
    if claim is not None:
        record = {
            "key": claim.key,
            "scope": claim.scope,
            "request_digest": claim.digest,
            "status_code": response.status_code,
            "response_body": response.content,
            "response_headers": {
                name: response[name] for name in STORED_HEADERS if response.has_header(name)
            },
            "created_at": timezone.now(),
        }
        statements.append(_insert(connection, IdempotencyRecord, record))
    if len(statements) == 2 and connection.vendor == "postgresql":
        (row_sql, row_params), (record_sql, record_params) = statements
        statements = [(f"WITH new_row AS ({row_sql}) {record_sql}", row_params + record_params)]
    atomic = (
        transaction.atomic()
        if len(statements) > 1 or connection.in_atomic_block
        else contextlib.nullcontext()
    )
    with atomic:
        for sql, params in statements:
            _execute(connection, sql, params)
