"""Petitions benchmark: `python -m bench.petitions` (see docs/bench-petitions.md).

On PostgreSQL (its own database, `dancoso_bench_petitions` by default, created when missing) it serves the
project with gunicorn (2 sync workers by default; `--threads N` for gthread workers) and measures, against a bare Django JSON view served by the
same gunicorn in the same run:

a) intake: petitions POSTed to /api/v1/petitions/ with token authentication by N concurrent clients,
   in requests per second, beside POSTs of the same body to the bare view (target: ≥ 0.5 × bare), and
   batches of `--batch` filings to /api/v1/petitions/batch/, in petitions per second;
b) the staff inbox (/staff/petitions/) with 10^6 petitions in a province's tree (Hải Phòng, ~100 communes)
   and 10^4 in another (Ninh Bình), as a province officer and as a commune officer: p50/p95 over M
   sequential requests and the number of SQL queries per page (target: p95 ≤ 3 × bare, queries constant).

The petitions are bulk-loaded with COPY (bench/petitions_load.py); the load is skipped when the rows are
already there, so only the first run pays for it. The benchmark asserts nothing and pytest never collects it.
"""

import argparse
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

import bench

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/dancoso_bench_petitions"
SETTINGS_MODULE = "bench.petitions_settings"
HOST = "127.0.0.1"
BIG_PROVINCE, SMALL_PROVINCE = "31", "37"  # Hải Phòng, Ninh Bình (portal.demo)
INTAKE_PROVINCE, INTAKE_UNIT = "99", "99-01"  # a tree of its own: posted rows stay out of the inbox scenarios
API_USER, SMALL_COMMUNE_USER = "bench.api", "bench.xa37"
SEARCH_WORDS = "chiếu sáng"  # in ~9 % of the loaded rows ("Đề nghị sửa chữa đèn chiếu sáng công cộng")
LOGIN_BACKEND = "dancoso.accounts.backends.IdentifierBackend"
TRANSACTION_STATEMENTS = frozenset({"BEGIN", "COMMIT", "ROLLBACK"})
BATCH_PATH = "/api/v1/petitions/batch/"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.petitions", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="petitions in the big province (10^6)")
    parser.add_argument("--small-rows", type=int, default=10_000, help="petitions in the small one (10^4)")
    parser.add_argument("--communes", type=int, default=100, help="communes per province (default 100)")
    parser.add_argument("--requests", type=int, default=200, help="timed inbox requests per scenario")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests first (default 10)")
    parser.add_argument("--intake-requests", type=int, default=1500, help="POSTs per intake round")
    parser.add_argument("--rounds", type=int, default=3, help="intake rounds, bare and API alternating")
    parser.add_argument("--clients", type=int, default=4, help="concurrent intake clients (default 4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="threads per worker (default 1: sync workers; more: gthread workers, which overlap database waits)",
    )
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port (default: a free one)")
    parser.add_argument(
        "--batch", type=int, default=50, help="filings per request on /api/v1/petitions/batch/ (default 50)"
    )
    parser.add_argument("--no-idempotency-key", action="store_true", help="POST without Idempotency-Key")
    parser.add_argument("--skip-intake", action="store_true")
    parser.add_argument("--skip-inbox", action="store_true")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest inbox queries")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the benchmark database")
    parser.add_argument(
        "--no-synchronous-commit",
        action="store_true",
        help="diagnostic: the workers commit without waiting for the disk (PGOPTIONS synchronous_commit=off)",
    )
    return parser.parse_args(argv)


# --------------------------------------------------------------------------------------------- database


def database_url() -> str:
    url = os.environ.get("BENCH_PETITIONS_DATABASE_URL") or DEFAULT_URL
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("The petitions benchmark needs PostgreSQL (BENCH_PETITIONS_DATABASE_URL=postgres://…).")
    if os.environ.get("DATABASE_URL") == url:
        sys.exit(
            "BENCH_PETITIONS_DATABASE_URL must differ from DATABASE_URL: the benchmark loads rows into it."
        )
    return url


def ensure_database(url: str, *, fresh: bool) -> None:
    """Create the benchmark database on its server (connecting to the `postgres` database) when missing."""
    import psycopg
    from psycopg import sql

    server, _slash, name = url.rpartition("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")


def configure(url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS_MODULE
    bench.configure_environment(url)
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("DB_CONN_MAX_AGE", "60")


# --------------------------------------------------------------------------------------------- fixtures


@dataclass
class Fixture:
    intake_unit_id: int
    token: str
    sessions: dict[str, str]  # username → session cookie value
    rows: dict[str, int]  # province code → benchmark rows in its tree
    scenarios: list["InboxScenario"] = field(default_factory=list)


@dataclass(frozen=True)
class InboxScenario:
    name: str
    username: str
    path: str
    rows: int


def _user(username: str, full_name: str, unit, role: str):
    from dancoso.accounts import services as accounts
    from dancoso.accounts.models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        user = accounts.create_user(actor=None, username=username, full_name=full_name)
    accounts.grant_membership(actor=None, user=user, unit=unit, role=role)
    return user


def _session_cookie(username: str) -> str:
    """A logged-in session stored in the database, which every gunicorn worker can read."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username), backend=LOGIN_BACKEND)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def prepare(args) -> Fixture:
    """Demo units and logins (portal.demo), ~100 communes per province, the rows, a token and sessions."""
    from django.urls import reverse

    from bench import petitions_load as load
    from dancoso.accounts import services as accounts
    from dancoso.accounts.roles import Role
    from dancoso.portal import demo
    from dancoso.units.models import Unit

    report = demo.SeedReport()
    demo.ensure_tree(demo.demo_tree(), None, report)
    demo.ensure_logins(report)
    big, small = Unit.objects.get(code=BIG_PROVINCE), Unit.objects.get(code=SMALL_PROVINCE)
    big_communes = load.ensure_communes(big, args.communes)
    small_communes = load.ensure_communes(small, args.communes)
    load.load_petitions(big, big_communes, args.rows)
    load.load_petitions(small, small_communes, args.small_rows)

    intake_unit = ensure_intake_unit()
    api_user = _user(API_USER, "Tích hợp đo hiệu năng", intake_unit, Role.COMMUNE_OFFICER)
    _user(SMALL_COMMUNE_USER, "Cán bộ xã mẫu", small_communes[0], Role.COMMUNE_OFFICER)
    token = accounts.issue_api_token(actor=None, user=api_user)
    analyze()
    vacuum_petitions()
    rows = {code: load.existing_rows(Unit.objects.get(code=code)) for code in (BIG_PROVINCE, SMALL_PROVINCE)}
    inbox = reverse("petitions:inbox")
    search = f"{inbox}?{urlencode({'q': SEARCH_WORDS})}"
    commune_rows = {
        code: _rows_of(unit)
        for code, unit in (("31-AK", Unit.objects.get(code="31-AK")), ("37-B", small_communes[0]))
    }
    scenarios = [
        InboxScenario("inbox, province officer (open)", "tp.haiphong", inbox, rows[BIG_PROVINCE]),
        InboxScenario(
            "inbox, province officer (all)", "tp.haiphong", f"{inbox}?bucket=all", rows[BIG_PROVINCE]
        ),
        InboxScenario("inbox, commune officer (open)", "canbo.ankhanh", inbox, commune_rows["31-AK"]),
        InboxScenario("inbox, province officer (open)", "tinh.ninhbinh", inbox, rows[SMALL_PROVINCE]),
        InboxScenario(
            "inbox, province officer (all)", "tinh.ninhbinh", f"{inbox}?bucket=all", rows[SMALL_PROVINCE]
        ),
        InboxScenario("inbox, commune officer (open)", SMALL_COMMUNE_USER, inbox, commune_rows["37-B"]),
        InboxScenario("inbox, province officer (search)", "tp.haiphong", search, rows[BIG_PROVINCE]),
        InboxScenario("inbox, province officer (search)", "tinh.ninhbinh", search, rows[SMALL_PROVINCE]),
    ]
    users = {s.username for s in scenarios}
    return Fixture(
        intake_unit_id=intake_unit.pk,
        token=token,
        sessions={username: _session_cookie(username) for username in sorted(users)},
        rows=rows,
        scenarios=scenarios,
    )


def ensure_intake_unit():
    """The commune the intake benchmark posts to, in a province of its own (through the unit services)."""
    from dancoso.units import services as unit_services
    from dancoso.units.models import Unit, UnitKind

    unit = Unit.objects.filter(code=INTAKE_UNIT).first()
    if unit is not None:
        return unit
    province = Unit.objects.filter(code=INTAKE_PROVINCE).first() or unit_services.create_unit(
        actor=None, kind=UnitKind.PROVINCE, code=INTAKE_PROVINCE, name="Tỉnh Thử tải (đo hiệu năng)"
    )
    return unit_services.create_unit(
        actor=None, kind=UnitKind.COMMUNE, code=INTAKE_UNIT, name="Xã Thử tải", parent=province
    )


def analyze() -> None:
    """Fresh planner statistics for every table (the load and the generated communes change them a lot)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def vacuum_petitions() -> float:
    """VACUUM (ANALYZE) the petitions table: fresh statistics, and a visibility map that lets the inbox's
    counts read their index alone (autovacuum is off on the benchmark's server; ANALYZE alone leaves the map
    empty and every index-only scan fetches its rows from the table). Seconds taken."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) petitions_petition")
    return time.perf_counter() - started


def forget_intake_rows() -> int:
    """Delete the petitions the intake scenario posted (tree 99, this run's and earlier runs'), then VACUUM.

    They were created after the loaded rows, so they sit above Hải Phòng's ids, and every list ordered by id
    would walk past them; the intake rounds also leave the table's newest pages out of the visibility map."""
    from dancoso.petitions.models import Petition
    from dancoso.units.models import Unit

    province = Unit.objects.filter(code=INTAKE_PROVINCE).first()
    if province is None:
        return 0
    deleted = Petition.objects.in_subtree(province).count()
    if deleted:
        Petition.objects.in_subtree(province).delete()
    return deleted


def _rows_of(unit) -> int:
    from dancoso.petitions.models import Petition

    return Petition.objects.in_subtree(unit).count()


# --------------------------------------------------------------------------------------------- server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Gunicorn:
    """gunicorn serving config.wsgi with the benchmark settings, in its own process group."""

    def __init__(self, port: int, workers: int, threads: int = 1):
        self.port, self.workers, self.threads = port, workers, threads
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Gunicorn":
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync" if self.threads == 1 else "gthread",
            "--threads",
            str(self.threads),
            "--bind",
            f"{HOST}:{self.port}",
            "--backlog",
            "2048",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ]
        self.process = subprocess.Popen(command, cwd=BASE_DIR, env=dict(os.environ), start_new_session=True)  # noqa: S603
        self._wait_ready()
        return self

    def _wait_ready(self, timeout: float = 60) -> None:
        from bench.petitions_site import BARE_JSON_PATH

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn exited with {self.process.returncode}")
            try:
                if request("GET", self.port, BARE_JSON_PATH).status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        sys.exit("gunicorn did not answer within a minute")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


# --------------------------------------------------------------------------------------------- HTTP


@dataclass(frozen=True)
class Answer:
    status: int
    ms: float
    bytes: int


def request(
    method: str, port: int, path: str, body: bytes | None = None, headers: dict | None = None
) -> Answer:
    """One request on a new connection (gunicorn's sync workers close it after each response)."""
    started = time.perf_counter_ns()
    connection = HTTPConnection(HOST, port, timeout=120)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        payload = response.read()
    finally:
        connection.close()
    return Answer(response.status, (time.perf_counter_ns() - started) / 1e6, len(payload))


@dataclass
class InProcess:
    """A page run in this process with the test client on the same database: its queries and where the
    time goes (medians over a few requests)."""

    queries: int
    commits: int
    sql_ms: float
    total_ms: float
    captured: list[dict]


class SqlTimer:
    """A database execute wrapper adding up the time spent in the database driver (round trips included)."""

    def __init__(self):
        self.ms = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.ms += (time.perf_counter() - started) * 1000


def in_process(username: str, path: str, *, samples: int = 5, make_post=None) -> InProcess:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    if make_post is None:
        client.force_login(get_user_model().objects.get(username=username), backend=LOGIN_BACKEND)

    def call():
        if make_post is None:
            return client.get(path)
        body, headers = make_post()
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items() if k != "Content-Type"}
        return client.post(path, data=body, content_type="application/json", **extra)

    call()
    runs = []
    for _n in range(samples):
        timer = SqlTimer()
        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
            started = time.perf_counter()
            response = call()
            elapsed = (time.perf_counter() - started) * 1000
        queries = list(captured.captured_queries)
        # BEGIN/COMMIT do not pass through execute wrappers; Django logs them with their time.
        transaction_ms = sum(float(q["time"]) * 1000 for q in queries if q["sql"] in TRANSACTION_STATEMENTS)
        runs.append((elapsed, timer.ms + transaction_ms, queries))
    if response.status_code >= 300:
        print(f"  ({path} as {username or 'token'} answered {response.status_code} in this process)")
    queries = runs[-1][2]
    return InProcess(
        queries=len(queries),
        commits=sum(1 for q in queries if q["sql"].strip().upper() == "COMMIT"),
        sql_ms=statistics.median(sql for _t, sql, _q in runs),
        total_ms=statistics.median(t for t, _sql, _q in runs),
        captured=queries,
    )


@dataclass
class Rate:
    name: str
    requests: int
    seconds: float
    statuses: dict[int, int]

    petitions_per_request: int = 1

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    @property
    def petitions_per_second(self) -> float:
        return self.per_second * self.petitions_per_request


def hammer(name: str, port: int, path: str, make_request, clients: int, total: int) -> Rate:
    """`total` requests from `clients` threads, as fast as the server answers."""
    remaining = iter(range(total))
    lock = threading.Lock()
    statuses: dict[int, int] = {}
    start = threading.Barrier(clients + 1)

    def client():
        start.wait()
        while True:
            with lock:
                if next(remaining, None) is None:
                    return
            body, headers = make_request()
            status = request("POST", port, path, body, headers).status
            with lock:
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=client) for _n in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return Rate(name, total, time.perf_counter() - started, statuses)


def _filing(fixture: Fixture, n: int) -> dict:
    return {
        "unit": fixture.intake_unit_id,
        "kind": "report",
        "sector": "moi-truong",
        "title": f"Rác thải chưa được thu gom tại điểm tập kết số {n % 50 + 1}",
        "content": "Điểm tập kết rác đầu thôn đã ba ngày chưa được thu gom, rác tràn ra lòng đường. "
        "Đề nghị xã yêu cầu đơn vị thu gom xử lý.",
        "location_text": "Đầu thôn Mỹ Đức",
        "petitioner_name": "Người dân thử nghiệm",
        "petitioner_phone": f"09{n % 90_000_000 + 10_000_000:08d}",
    }


def intake_body_factory(
    fixture: Fixture, *, idempotency_key: bool, asynchronous: bool = False, batch: int = 0
):
    """Bodies of one filing, or with `batch`, of `{"petitions": [batch filings]}`."""
    counter = iter(range(10**9))
    lock = threading.Lock()

    def make():
        with lock:
            numbers = [next(counter) for _n in range(batch or 1)]
        filings = [_filing(fixture, n) for n in numbers]
        body = {"petitions": filings} if batch else filings[0]
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Authorization": f"Token {fixture.token}",
        }
        if idempotency_key:
            headers["Idempotency-Key"] = str(uuid.uuid4())
        if asynchronous:
            headers["Prefer"] = "respond-async"
        return json.dumps(body).encode(), headers

    return make


@dataclass
class Intake:
    bare: list[Rate]
    bare_insert: list[Rate]  # the bare view plus one committed INSERT: the floor of any durable intake
    api: list[Rate]  # answered once the petition is registered (201)
    queued: list[Rate]  # `Prefer: respond-async`: acknowledged once the queue row is committed (202)
    batches: list[Rate]  # POST /api/v1/petitions/batch/: `--batch` filings per request, queued (202)
    profile: InProcess
    queued_profile: InProcess
    registered: int = 0
    registration_seconds: float = 0.0
    left_pending: int = 0


def register_queued(intake: Intake) -> None:
    """What the worker does with the acknowledged rows, timed in this process (one worker)."""
    from dancoso.petitions import services
    from dancoso.petitions.models import QueuedPetition

    started = time.perf_counter()
    intake.registered = services.register_queued_petitions()["registered"]
    intake.registration_seconds = time.perf_counter() - started
    intake.left_pending = QueuedPetition.objects.filter(status=QueuedPetition.Status.PENDING).count()


def measure_intake(args, fixture: Fixture) -> Intake:
    from bench.petitions_site import BARE_INSERT_PATH, BARE_JSON_PATH, create_bare_insert_table

    create_bare_insert_table()

    api_path = "/api/v1/petitions/"
    make = intake_body_factory(fixture, idempotency_key=not args.no_idempotency_key)
    make_queued = intake_body_factory(fixture, idempotency_key=not args.no_idempotency_key, asynchronous=True)
    make_batch = intake_body_factory(fixture, idempotency_key=not args.no_idempotency_key, batch=args.batch)
    targets = (
        (BARE_JSON_PATH, make),
        (BARE_INSERT_PATH, make),
        (api_path, make),
        (api_path, make_queued),
        (BATCH_PATH, make_batch),
    )
    for path, maker in targets:  # warm up
        hammer("warmup", args.port, path, maker, args.clients, max(args.warmup, 2 * args.workers))
    bare, bare_insert, api, queued, batches = [], [], [], [], []
    batch_requests = max(args.clients, args.intake_requests // args.batch)
    for _round in range(args.rounds):
        bare.append(hammer("bare", args.port, BARE_JSON_PATH, make, args.clients, args.intake_requests))
        bare_insert.append(
            hammer("bare-insert", args.port, BARE_INSERT_PATH, make, args.clients, args.intake_requests)
        )
        api.append(hammer("api", args.port, api_path, make, args.clients, args.intake_requests))
        queued.append(hammer("queued", args.port, api_path, make_queued, args.clients, args.intake_requests))
        batch = hammer("batch", args.port, BATCH_PATH, make_batch, args.clients, batch_requests)
        batch.petitions_per_request = args.batch
        batches.append(batch)
    intake = Intake(
        bare=bare,
        bare_insert=bare_insert,
        api=api,
        queued=queued,
        batches=batches,
        profile=in_process("", api_path, make_post=make),
        queued_profile=in_process("", api_path, make_post=make_queued),
    )
    register_queued(intake)
    return intake


@dataclass
class Latency:
    name: str
    user: str
    rows: int
    durations_ms: list[float]
    statuses: dict[int, int]
    kilobytes: float
    profile: InProcess | None = None

    @property
    def queries(self) -> int | None:
        return self.profile.queries if self.profile else None

    @property
    def p50(self) -> float:
        return bench.percentile(self.durations_ms, 50)

    @property
    def p95(self) -> float:
        return bench.percentile(self.durations_ms, 95)


def time_gets(name, user, rows, port, path, cookie, requests, warmup) -> Latency:
    headers = {"Cookie": f"sessionid={cookie}", "Accept": "text/html"}
    for _n in range(warmup):
        request("GET", port, path, headers=headers)
    result = Latency(name, user, rows, [], {}, 0.0)
    for _n in range(requests):
        answer = request("GET", port, path, headers=headers)
        result.durations_ms.append(answer.ms)
        result.statuses[answer.status] = result.statuses.get(answer.status, 0) + 1
        result.kilobytes = answer.bytes / 1024
    return result


def explain(queries: list[dict], top: int = 2) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) the slowest captured queries."""
    from django.db import connection

    for query in sorted(queries, key=lambda q: float(q["time"]), reverse=True)[:top]:
        print(f"\n-- {float(query['time']) * 1000:.1f} ms: {query['sql'][:400]}")
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
            for (line,) in cursor.fetchall():
                print(f"   {line}")


def measure_inbox(args, fixture: Fixture) -> tuple[Latency, list[Latency]]:
    from bench.petitions_site import BARE_JSON_PATH

    deleted = forget_intake_rows()
    seconds = vacuum_petitions()
    print(
        f"\nbefore the inbox: deleted the {deleted:,} petitions the intake posted in tree {INTAKE_PROVINCE}, "
        f"VACUUM (ANALYZE) petitions_petition in {seconds:.1f} s"
    )
    first = fixture.scenarios[0]
    cookie = fixture.sessions[first.username]
    bare = time_gets(
        "bare Django JSON view", first.username, 0, args.port, BARE_JSON_PATH, cookie, 0, args.warmup
    )
    results = []
    for scenario in fixture.scenarios:
        bare_part = time_gets("", "", 0, args.port, BARE_JSON_PATH, cookie, args.requests // 2, 0)
        bare.durations_ms += bare_part.durations_ms
        bare.statuses[200] = bare.statuses.get(200, 0) + bare_part.statuses.get(200, 0)
        bare.kilobytes = bare_part.kilobytes
        measured = time_gets(
            scenario.name,
            scenario.username,
            scenario.rows,
            args.port,
            scenario.path,
            fixture.sessions[scenario.username],
            args.requests,
            args.warmup,
        )
        measured.profile = in_process(scenario.username, scenario.path)
        if args.explain:
            print(f"\n== {scenario.name} as {scenario.username} ({scenario.rows:,} rows)")
            explain(measured.profile.captured)
        results.append(measured)
    bare.profile = in_process(first.username, BARE_JSON_PATH)
    return bare, results


# --------------------------------------------------------------------------------------------- output


def table(headers: tuple, rows: list[tuple]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=False)]
    lines = [headers, tuple("-" * w for w in widths), *rows]
    return "\n".join(
        "  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in lines
    )


def _statuses(statuses: dict[int, int]) -> str:
    return ",".join(f"{code}×{n}" if len(statuses) > 1 else str(code) for code, n in sorted(statuses.items()))


def _merged_statuses(rates: list[Rate]) -> dict[int, int]:
    merged: dict[int, int] = {}
    for rate in rates:
        for code, n in rate.statuses.items():
            merged[code] = merged.get(code, 0) + n
    return merged


def _median_rate(rates: list[Rate]) -> float:
    return statistics.median(r.per_second for r in rates)


def _server(args) -> str:
    if args.threads == 1:
        return f"{args.workers} sync workers"
    return f"{args.workers} gthread workers × {args.threads} threads"


def print_intake(args, intake: Intake) -> None:
    bare_rate = _median_rate(intake.bare)
    key = "without" if args.no_idempotency_key else "with"
    print(
        f"\na) Intake: POST, {args.clients} concurrent clients, gunicorn {_server(args)}, "
        f"{args.rounds} rounds × {args.intake_requests} requests ({key} Idempotency-Key)"
    )
    targets = (
        ("bare Django JSON view", intake.bare),
        ("bare view + one committed INSERT", intake.bare_insert),
        ("POST /api/v1/petitions/ (registered, 201)", intake.api),
        ("… Prefer: respond-async (queued, 202)", intake.queued),
    )
    rows = [
        (
            name,
            " / ".join(f"{r.per_second:.0f}" for r in rates),
            f"{_median_rate(rates):.0f}",
            f"{_median_rate(rates) / bare_rate:.2f}",
            _statuses(_merged_statuses(rates)),
        )
        for name, rates in targets
    ]
    print(table(("target", "req/s per round", "req/s (median)", "×bare", "status"), rows))
    for name, rates in targets[1:]:
        if rates is intake.bare_insert:
            ratio = _median_rate(rates) / bare_rate
            print(f"{name}: {ratio:.2f} × bare (a floor for any intake that commits before it answers)")
            continue
        ratio = _median_rate(rates) / bare_rate
        print(f"{name}: {ratio:.2f} × bare (target ≥ 0.50): {'met' if ratio >= 0.5 else 'NOT met'}")
    batch_rates = [r.petitions_per_second for r in intake.batches]
    batch_rate = statistics.median(batch_rates)
    print(
        f"POST /api/v1/petitions/batch/ ({args.batch} filings per request, queued, 202): "
        f"{' / '.join(f'{r:.0f}' for r in batch_rates)} petitions/s per round, median {batch_rate:.0f} = "
        f"{batch_rate / bare_rate:.2f} × the bare view's requests/s (target ≥ 0.50 in petitions/s): "
        f"{'met' if batch_rate / bare_rate >= 0.5 else 'NOT met'}; "
        f"{_median_rate(intake.batches):.1f} requests/s, {_statuses(_merged_statuses(intake.batches))}"
    )
    for name, profile in (("registered", intake.profile), ("queued", intake.queued_profile)):
        print(
            f"one POST ({name}) in this process: {profile.queries} queries ({profile.commits} COMMIT), "
            f"{profile.sql_ms:.1f} ms in SQL of {profile.total_ms:.1f} ms"
        )
    rate = intake.registered / intake.registration_seconds if intake.registration_seconds else 0
    print(
        f"then one worker in this process registered the {intake.registered:,} queued petitions in "
        f"{intake.registration_seconds:.1f} s ({rate:.0f}/s); still pending: {intake.left_pending}"
    )


INBOX_HEADERS = (
    "scenario",
    "user",
    "rows in tree",
    "p50 ms",
    "p95 ms",
    "p50 ×bare",
    "p95 ×bare",
    "queries",
    "SQL ms",
    "view ms",
    "KB",
    "status",
)


def _inbox_row(m: Latency, bare: Latency) -> tuple:
    profile = m.profile
    return (
        m.name,
        m.user,
        f"{m.rows:,}" if m.rows else "–",
        f"{m.p50:.1f}",
        f"{m.p95:.1f}",
        f"{m.p50 / bare.p50:.1f}",
        f"{m.p95 / bare.p95:.1f}",
        str(profile.queries) if profile else "?",
        f"{profile.sql_ms:.1f}" if profile else "?",
        f"{profile.total_ms:.1f}" if profile else "?",
        f"{m.kilobytes:.1f}",
        _statuses(m.statuses),
    )


def print_queries(queries: list[dict]) -> None:
    print("\nthe queries of one POST:")
    for n, query in enumerate(queries, start=1):
        print(f"  {n:2d}. {query['sql'][:150]}")


def print_inbox(args, bare: Latency, results: list[Latency]) -> None:
    print(f"\nb) Staff inbox: {args.requests} sequential GETs per scenario after {args.warmup} untimed")
    print(table(INBOX_HEADERS, [_inbox_row(bare, bare)] + [_inbox_row(m, bare) for m in results]))
    print(
        "(queries, SQL ms and view ms: one page served in this process by the test client, median of 5; "
        "the rest through gunicorn)"
    )
    worst = max(m.p95 / bare.p95 for m in results)
    print(f"worst inbox p95 = {worst:.1f} × bare (target ≤ 3.0): {'met' if worst <= 3 else 'NOT met'}")
    counts: dict[str, list[str]] = {}
    for m in results:
        counts.setdefault(m.name, []).append(f"{m.queries} ({m.rows:,} rows)")
    constant = all(len({m.queries for m in results if m.name == name}) == 1 for name in counts)
    print("queries per page: " + "; ".join(f"{name}: {' vs '.join(c)}" for name, c in counts.items()))
    print(f"query count {'constant' if constant else 'NOT constant'} as rows grow")


# --------------------------------------------------------------------------------------------- main


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    url = database_url()
    ensure_database(url, fresh=args.fresh)
    configure(url)

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    print(f"Python {platform.python_version()}, Django {django.get_version()}, {os.cpu_count()} CPUs")
    fixture = prepare(args)
    from django.db import connection

    connection.close()  # the workers get their own connections; keep ours out of their way
    print(
        f"Database: {url.rsplit('/', 1)[-1]}: "
        + ", ".join(f"{code}: {n:,} rows" for code, n in fixture.rows.items())
    )
    if args.no_synchronous_commit:
        os.environ["PGOPTIONS"] = "-c synchronous_commit=off"  # read by libpq in the workers (diagnostic)
        print("Diagnostic run: synchronous_commit=off in the workers")
    print(f"Load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.skip_intake and args.skip_inbox:
        return 0
    args.port = args.port or free_port()
    with Gunicorn(args.port, args.workers, args.threads):
        if not args.skip_intake:
            intake = measure_intake(args, fixture)
            print_intake(args, intake)
            if args.explain:
                print_queries(intake.queued_profile.captured)
        if not args.skip_inbox:
            bare_get, inbox = measure_inbox(args, fixture)
            print_inbox(args, bare_get, inbox)
    print(f"\nLoad average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
