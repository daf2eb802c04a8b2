"""Disclosure portal benchmark: `python -m bench.disclosure` (see docs/bench-disclosure.md).

On PostgreSQL (its own database, `dancoso_bench_disclosure` by default, created when missing) it serves the
project with gunicorn (2 sync workers by default) and measures, beside a bare Django JSON view served by the same
gunicorn in the same run, anonymous sequential GETs of the public disclosure portal with 10^5 publications in a
province's tree (Hải Phòng, ~100 communes and a few agencies) and ~10^3 in another (Ninh Bình, 10 communes):
a commune's portal page, category pages, item pages, search (a query that matches, one that matches nothing),
the province's portal page and search, and the Atom feeds. Each scenario cycles through many different URLs
(communes, categories, items, words): many different pages, not one. The first visit of each URL is timed
apart (a page rendered afresh), then the URLs again (pages kept by the page cache, disclosure.public_cache).

Targets (issue 4 point 11): p95 ≤ 3 × the bare view; the same number of queries per page with 10^5 and 10^3 rows.
The rows are bulk-loaded with COPY (bench/disclosure_load.py, a fixture); the load is skipped when they are
already there. The benchmark asserts nothing and pytest never collects it.
"""

import argparse
import contextlib
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

import bench
from bench.petitions import (
    HOST,
    Gunicorn,
    Latency,
    SqlTimer,
    _statuses,
    analyze,
    ensure_database,
    explain,
    free_port,
    request,
    table,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/dancoso_bench_disclosure"
SETTINGS_MODULE = "bench.disclosure_settings"
BIG_PROVINCE, SMALL_PROVINCE = "31", "37"  # Hải Phòng, Ninh Bình (portal.demo)
MATCHING_WORDS = ("ngan sach", "ho ngheo", "quyet toan", "thu tuc hanh chinh", "nghia vu quan su", "le phi")
UNMATCHED_WORDS = ("san bay quoc te", "tau cao toc", "kim cuong", "ve tinh vien thong", "hai san dong lanh")
HEADERS_SENT = {"Accept": "text/html,application/xhtml+xml", "Accept-Language": "vi"}
DISCLOSURE_TABLES = ("disclosure_publication", "disclosure_publicationversion", "disclosure_posting")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.disclosure", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="publications in the big province (10^5)")
    parser.add_argument("--small-rows", type=int, default=1_000, help="publications in the small one (10^3)")
    parser.add_argument("--communes", type=int, default=100, help="communes in the big province (100)")
    parser.add_argument("--small-communes", type=int, default=10, help="communes in the small province (10)")
    parser.add_argument("--agencies", type=int, default=4, help="agencies under each province (4)")
    parser.add_argument("--requests", type=int, default=200, help="timed GETs per scenario (200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed GETs of the bare view first (20)")
    parser.add_argument(
        "--passes",
        type=int,
        default=1,
        help="untimed passes over a scenario's URLs after the first visits (1)",
    )
    parser.add_argument("--urls", type=int, default=60, help="different URLs per scenario, at most (60)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (2)")
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port (default: a free one)")
    parser.add_argument(
        "--no-redis",
        action="store_true",
        help="no Redis: each worker keeps its own pages and counts (the default cache, LocMemCache)",
    )
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each page's slowest queries")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the benchmark database")
    return parser.parse_args(argv)


def database_url() -> str:
    url = os.environ.get("BENCH_DISCLOSURE_DATABASE_URL") or DEFAULT_URL
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("The disclosure benchmark needs PostgreSQL (BENCH_DISCLOSURE_DATABASE_URL=postgres://…).")
    if os.environ.get("DATABASE_URL") == url:
        sys.exit(
            "BENCH_DISCLOSURE_DATABASE_URL must differ from DATABASE_URL: the benchmark loads rows into it."
        )
    return url


def configure(url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS_MODULE
    bench.configure_environment(url)
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("DB_CONN_MAX_AGE", "60")


class RedisServer:
    """A private redis-server for the run (no persistence), as production shares its cache through Redis."""

    def __init__(self, port: int):
        self.port = port
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def __enter__(self) -> "RedisServer":
        command = [
            shutil.which("redis-server") or "redis-server",
            *("--port", str(self.port), "--bind", HOST, "--save", "", "--appendonly", "no"),
            *("--maxmemory", "256mb", "--maxmemory-policy", "allkeys-lru"),
        ]
        self.process = subprocess.Popen(  # noqa: S603
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection((HOST, self.port), timeout=1) as probe,
            ):
                probe.sendall(b"PING\r\n")
                if probe.recv(16).startswith(b"+PONG"):
                    return self
            time.sleep(0.1)
        sys.exit("redis-server did not answer within 10 s")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)


# --------------------------------------------------------------------------------------------- fixtures


@dataclass(frozen=True)
class Scenario:
    name: str
    province: str  # its code
    rows: int  # public-or-not benchmark rows in the province's tree
    paths: tuple[str, ...]


@dataclass
class Fixture:
    rows: dict[str, int]
    scenarios: list[Scenario] = field(default_factory=list)


def vacuum_disclosure() -> float:
    """VACUUM (ANALYZE) the loaded tables (autovacuum may be off): statistics and a visibility map."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        for name in DISCLOSURE_TABLES:
            cursor.execute(f"VACUUM (ANALYZE) {name}")
    return time.perf_counter() - started


def _scenarios(province, communes, rows: int, urls: int, seed: str) -> list[Scenario]:
    """The URLs of each scenario in one province: many communes, categories, items and words."""
    from django.db.models import Count
    from django.urls import reverse

    from dancoso.disclosure.models import Publication

    rng = random.Random(seed)
    code = province.code
    public = Publication.objects.public().filter(unit__in=communes)
    by_unit = {unit.pk: unit for unit in communes}
    picked = rng.sample(communes, min(len(communes), urls))
    pairs = list(
        public.order_by()
        .values_list("unit_id", "category__code")
        .annotate(n=Count("*"))
        .filter(n__gte=1)
        .values_list("unit_id", "category__code")
    )
    rng.shuffle(pairs)
    items = list(public.order_by("?").values_list("unit_id", "code")[:urls])

    def index(unit):
        return reverse("disclosure_public:index", args=[unit.slug])

    def search(unit, words):
        return reverse("disclosure_public:search", args=[unit.slug]) + "?" + urlencode({"q": words})

    feeds = [reverse("disclosure_public:feed", args=[u.slug]) for u in picked[: urls // 2]] + [
        reverse("disclosure_public:category_feed", args=[by_unit[u].slug, c]) for u, c in pairs[: urls // 2]
    ]
    scenarios = [
        Scenario("commune portal page", code, rows, tuple(index(u) for u in picked)),
        Scenario(
            "category page",
            code,
            rows,
            tuple(reverse("disclosure_public:category", args=[by_unit[u].slug, c]) for u, c in pairs[:urls]),
        ),
        Scenario(
            "item page",
            code,
            rows,
            tuple(reverse("disclosure_public:item", args=[by_unit[u].slug, c]) for u, c in items),
        ),
        Scenario(
            "search, matches (ngan sach …)",
            code,
            rows,
            tuple(search(u, MATCHING_WORDS[n % len(MATCHING_WORDS)]) for n, u in enumerate(picked)),
        ),
        Scenario(
            "search, matches nothing",
            code,
            rows,
            tuple(search(u, UNMATCHED_WORDS[n % len(UNMATCHED_WORDS)]) for n, u in enumerate(picked)),
        ),
        Scenario(
            "province portal, category pages",
            code,
            rows,
            (
                index(province),
                *(
                    reverse("disclosure_public:category", args=[province.slug, c])
                    for c in sorted({c for _u, c in pairs})
                ),
            ),
        ),
        Scenario(
            "province search, matches",
            code,
            rows,
            tuple(
                reverse("disclosure_public:search", args=[province.slug]) + "?" + urlencode({"q": word})
                for word in MATCHING_WORDS
            ),
        ),
        Scenario("Atom feed (unit, category)", code, rows, tuple(feeds)),
    ]
    for scenario in scenarios:
        if not scenario.paths:
            sys.exit(f"no URL for {scenario.name} in {code}: is the fixture loaded?")
    return scenarios


def prepare(args) -> Fixture:
    """Demo units (portal.demo), communes and agencies topped up, the rows, fresh statistics, the URLs."""
    from bench import disclosure_load as load
    from bench.petitions_load import ensure_communes
    from dancoso.portal import demo
    from dancoso.units.models import Unit

    report = demo.SeedReport()
    demo.ensure_tree(demo.demo_tree(), None, report)
    big, small = Unit.objects.get(code=BIG_PROVINCE), Unit.objects.get(code=SMALL_PROVINCE)
    big_communes = ensure_communes(big, args.communes)
    small_communes = ensure_communes(small, args.small_communes)[: args.small_communes]
    big_agencies = load.ensure_agencies(big, args.agencies)
    small_agencies = load.ensure_agencies(small, max(1, args.agencies // 4))
    added = load.load_publications(big, big_communes, big_agencies, args.rows)
    added += load.load_publications(small, small_communes, small_agencies, args.small_rows)
    if added:
        analyze()
    seconds = vacuum_disclosure()
    print(f"VACUUM (ANALYZE) of the disclosure tables in {seconds:.1f} s")
    rows = {code: load.existing_rows(Unit.objects.get(code=code)) for code in (BIG_PROVINCE, SMALL_PROVINCE)}
    scenarios = _scenarios(big, big_communes, rows[BIG_PROVINCE], args.urls, "big")
    scenarios += _scenarios(small, small_communes, rows[SMALL_PROVINCE], args.urls, "small")
    return Fixture(rows=rows, scenarios=scenarios)


# --------------------------------------------------------------------------------------------- measuring


@dataclass
class Profile:
    """Pages served in this process by the test client: queries per page (each of the first URLs, once
    on a cold cache and once warm) and the medians of SQL and view time over those URLs."""

    queries_cold: list[int]
    queries_warm: list[int]
    sql_ms: float
    total_ms: float
    captured: list[dict]

    @staticmethod
    def spread(counts: list[int]) -> str:
        low, high = min(counts), max(counts)
        return str(low) if low == high else f"{low}–{high}"


def in_process(paths: tuple[str, ...], samples: int = 5) -> Profile:
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from dancoso.disclosure import public_cache

    client = Client()
    cold, warm, sql, total, captured = [], [], [], [], []
    for path in paths[:samples]:
        cache.clear()  # new version tokens in this process: no page, no counts, no categories kept
        public_cache.forget_pages()
        ContentType.objects.clear_cache()
        for counts in (cold, warm):
            timer = SqlTimer()
            with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(timer):
                started = time.perf_counter()
                response = client.get(path)
                elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                print(f"  ({path} answered {response.status_code} in this process)")
            counts.append(len(queries.captured_queries))
            if counts is cold:
                captured = list(queries.captured_queries)
                sql.append(timer.ms)
                total.append(elapsed)
    return Profile(cold, warm, statistics.median(sql), statistics.median(total), captured)


@dataclass
class Measured:
    scenario: Scenario
    latency: Latency
    first: Latency
    profile: Profile


@dataclass
class Timed:
    first: Latency  # the first visit of each URL: neither worker has the page
    steady: Latency  # then, after the warm-up passes


def _get(result: Latency, sizes: list[int], port: int, path: str) -> None:
    answer = request("GET", port, path, headers=HEADERS_SENT)
    result.durations_ms.append(answer.ms)
    result.statuses[answer.status] = result.statuses.get(answer.status, 0) + 1
    sizes.append(answer.bytes)
    result.kilobytes = statistics.median(sizes) / 1024


def time_paths(
    name: str, port: int, paths: tuple[str, ...], requests: int, passes: int, bare: Latency
) -> Timed:
    """Sequential anonymous GETs: each URL once (timed: first visits), `passes` more times (untimed), then
    `requests` GETs cycling through the URLs (timed), each right after a GET of the bare view (timed into
    `bare`): the page and the bare view see the same moments of a shared machine."""
    from bench.petitions_site import BARE_JSON_PATH

    first, steady, ignored = (Latency(name, "anonymous", 0, [], {}, 0.0) for _n in range(3))
    sizes: list[int] = []
    for path in paths:
        _get(first, sizes, port, path)
    for _pass in range(passes):
        for path in paths:
            _get(ignored, [], port, path)
    sizes, bare_sizes = [], []
    for n in range(requests):
        _get(bare, bare_sizes, port, BARE_JSON_PATH)
        _get(steady, sizes, port, paths[n % len(paths)])
    return Timed(first, steady)


def measure(args, fixture: Fixture) -> tuple[Latency, list[Measured]]:
    from bench.petitions_site import BARE_JSON_PATH

    bare = Latency("bare Django JSON view", "anonymous", 0, [], {}, 0.0)
    warmup = Latency("", "", 0, [], {}, 0.0)
    for _n in range(args.warmup):
        _get(warmup, [], args.port, BARE_JSON_PATH)
    results = []
    for scenario in fixture.scenarios:
        timed = time_paths(scenario.name, args.port, scenario.paths, args.requests, args.passes, bare)
        results.append(Measured(scenario, timed.steady, timed.first, in_process(scenario.paths)))
        if args.explain:
            print(f"\n== {scenario.name} ({scenario.province}, {scenario.paths[0]})")
            explain(results[-1].profile.captured)
    return bare, results


# --------------------------------------------------------------------------------------------- output

HEADERS = (
    "scenario",
    "province",
    "rows",
    "URLs",
    "p50 ms",
    "p95 ms",
    "p50 ×bare",
    "p95 ×bare",
    "first visit p50/p95",
    "queries cold/warm",
    "SQL ms",
    "view ms",
    "KB",
    "status",
)


def _row(m: Measured, bare: Latency) -> tuple:
    latency, profile = m.latency, m.profile
    return (
        m.scenario.name,
        m.scenario.province,
        f"{m.scenario.rows:,}",
        str(len(m.scenario.paths)),
        f"{latency.p50:.1f}",
        f"{latency.p95:.1f}",
        f"{latency.p50 / bare.p50:.1f}",
        f"{latency.p95 / bare.p95:.1f}",
        f"{m.first.p50:.1f}/{m.first.p95:.1f}",
        f"{Profile.spread(profile.queries_cold)}/{Profile.spread(profile.queries_warm)}",
        f"{profile.sql_ms:.1f}",
        f"{profile.total_ms:.1f}",
        f"{latency.kilobytes:.1f}",
        _statuses(latency.statuses),
    )


def report(args, bare: Latency, results: list[Measured]) -> bool:
    print(
        f"\nPublic portal, anonymous, gunicorn {args.workers} sync workers: each URL of a scenario visited once "
        f"(first visit: a page neither worker has), {args.passes} untimed pass(es) more, then {args.requests} "
        "sequential GETs cycling through the URLs (p50, p95), each right after a GET of the bare view"
    )
    bare_row = (
        bare.name, "–", "–", "1", f"{bare.p50:.1f}", f"{bare.p95:.1f}", "1.0", "1.0", "–", "–", "–", "–",
        f"{bare.kilobytes:.1f}", _statuses(bare.statuses),
    )  # fmt: skip
    print(table(HEADERS, [bare_row] + [_row(m, bare) for m in results]))
    print(
        "(queries cold/warm: each of a scenario's first 5 URLs served in this process by the test client, on an "
        "empty cache and again; SQL ms and view ms: the median of the cold ones; the rest through gunicorn)"
    )
    worst = max(results, key=lambda m: m.latency.p95)
    ratio = worst.latency.p95 / bare.p95
    latency_ok = ratio <= 3 and all(set(m.latency.statuses) == {200} for m in results)
    print(
        f"worst p95 = {worst.latency.p95:.1f} ms = {ratio:.1f} × bare ({worst.scenario.name}, "
        f"{worst.scenario.province}; target ≤ 3.0): {'PASS' if latency_ok else 'FAIL'}"
    )
    first = max(results, key=lambda m: m.first.p95)
    print(
        f"first visits (pages rendered afresh, not the target's measure): worst p95 = {first.first.p95:.1f} ms = "
        f"{first.first.p95 / bare.p95:.1f} × bare ({first.scenario.name}, {first.scenario.province}), "
        f"median of the scenarios' p50 = {statistics.median(m.first.p50 for m in results):.1f} ms"
    )
    by_name: dict[str, list[Measured]] = {}
    for m in results:
        by_name.setdefault(m.scenario.name, []).append(m)
    constant = True
    lines = []
    for name, group in by_name.items():
        cold = {tuple(sorted(set(m.profile.queries_cold))) for m in group}
        warm = {tuple(sorted(set(m.profile.queries_warm))) for m in group}
        same = len(cold) == 1 and len(warm) == 1
        constant &= same
        lines.append(
            f"  {name}: "
            + " vs ".join(
                f"{Profile.spread(m.profile.queries_cold)}/{Profile.spread(m.profile.queries_warm)} "
                f"({m.scenario.rows:,} rows)"
                for m in group
            )
            + ("" if same else "  <- differs")
        )
    print("queries per page, cold/warm:\n" + "\n".join(lines))
    print(
        f"query count {'constant' if constant else 'NOT constant'} as rows grow: {'PASS' if constant else 'FAIL'}"
    )
    return latency_ok and constant


# --------------------------------------------------------------------------------------------- main


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    url = database_url()
    ensure_database(url, fresh=args.fresh)
    with contextlib.ExitStack() as stack:
        cache_name = "LocMemCache, one per process"
        if not args.no_redis and not os.environ.get("REDIS_URL") and shutil.which("redis-server"):
            redis = stack.enter_context(RedisServer(free_port()))
            os.environ["REDIS_URL"] = redis.url
        if os.environ.get("REDIS_URL"):
            cache_name = f"Redis at {os.environ['REDIS_URL']}"
        configure(url)
        run(args, url, cache_name)
    return 0


def run(args, url: str, cache_name: str) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    print(f"Python {platform.python_version()}, Django {django.get_version()}, {os.cpu_count()} CPUs")
    fixture = prepare(args)
    from django.db import connection

    connection.close()  # the workers get their own connections
    print(
        f"Database: {url.rsplit('/', 1)[-1]}: "
        + ", ".join(f"{code}: {n:,} publications" for code, n in fixture.rows.items())
    )
    print(f"Cache: {cache_name}")
    print(f"Load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    args.port = args.port or free_port()
    with Gunicorn(args.port, args.workers):
        bare, results = measure(args, fixture)
    passed = report(args, bare, results)
    print(f"\nLoad average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("overall: " + ("PASS" if passed else "FAIL"))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
