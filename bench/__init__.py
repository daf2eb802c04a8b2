"""Benchmark harness: `python -m bench` (or `make bench`). See bench/README.md.

It boots Django against its own database (BENCH_DATABASE_URL, default var/bench.sqlite3), loads the demo data
at a chosen scale with `seed_demo --scale N`, then times requests through the whole middleware stack with
Django's test client: a bare Django view (the baseline, measured in the same run) against real pages and API
endpoints. It prints p50/p95 latencies, ratios to the baseline and query counts. It asserts nothing: it is a
harness, not a test, and pytest never collects it.
"""

import io
import os
import sys
import time
import types
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{BASE_DIR / 'var' / 'bench.sqlite3'}"
BASELINE_PATH = "/__bench__/baseline/"
BENCH_URLCONF = "bench.urls"


@dataclass
class Scenario:
    name: str
    path: str
    login: str | None = None  # username to log in as, or None for an anonymous visitor


@dataclass
class Measurement:
    scenario: Scenario
    status: int
    durations_ms: list[float] = field(default_factory=list)
    queries: int | None = None
    bytes: int = 0

    @property
    def p50(self) -> float:
        return percentile(self.durations_ms, 50)

    @property
    def p95(self) -> float:
        return percentile(self.durations_ms, 95)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: the smallest value with at least pct% of the values at or below it."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, int(-(-pct * len(ordered) // 100)))  # ceil without floats
    return ordered[rank - 1]


def configure_environment(database_url: str) -> None:
    """Environment for config.settings, set before Django reads it."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["HTTPS"] = "0"  # the test client speaks plain HTTP; no redirect to measure
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"
    # The API's per-user rate limit would answer 429 part way through a long run.
    os.environ["API_USER_RATE"] = "1000000/min"
    os.environ["API_ANON_RATE"] = "1000000/min"
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # login and seed chatter would interleave with the table
    # Static files come from the finders (see static_storage_without_manifest), not from var/static/.
    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers.base")
    if str(BASE_DIR) not in sys.path:
        sys.path.insert(0, str(BASE_DIR))


def baseline_view(request):
    """A bare Django view: what any request costs through the middleware stack, before our code runs."""
    from django.http import HttpResponse

    return HttpResponse(b"ok", content_type="text/plain")


def install_urlconf() -> None:
    """The site's URLs plus the baseline view, as a module Django can name in ROOT_URLCONF."""
    from django.urls import include, path

    module = types.ModuleType(BENCH_URLCONF)
    module.urlpatterns = [
        path(BASELINE_PATH.strip("/") + "/", baseline_view),
        path("", include("config.urls")),
    ]
    sys.modules[BENCH_URLCONF] = module


def static_storage_without_manifest() -> dict:
    """Serve static files from the finders, as the tests do: a benchmark should not need `collectstatic`."""
    from django.conf import settings

    return {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def seed_demo(scale: int, out=sys.stdout) -> bool:
    """Run `seed_demo --scale N`; False (with a message) when the command does not exist."""
    from django.core.management import call_command, get_commands

    if "seed_demo" not in get_commands():
        print("seed_demo is not available: only the baseline is measured.", file=out)
        return False
    started = time.perf_counter()
    call_command("seed_demo", scale=scale, quiet_logins=True, verbosity=0, stdout=io.StringIO())
    print(f"seed_demo --scale {scale}: {time.perf_counter() - started:.1f}s", file=out)
    return True


def make_client(username: str | None):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    if username:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            return None
        client.force_login(user, backend="dancoso.accounts.backends.IdentifierBackend")
    return client


def measure(scenario: Scenario, requests: int, warmup: int) -> Measurement | None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = make_client(scenario.login)
    if client is None:
        return None
    response = None
    for _ in range(warmup):
        response = client.get(scenario.path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(scenario.path)
    result = Measurement(scenario, response.status_code, queries=len(captured), bytes=len(response.content))
    timer: Callable[[], int] = time.perf_counter_ns
    for _ in range(requests):
        started = timer()
        response = client.get(scenario.path)
        result.durations_ms.append((timer() - started) / 1e6)
        if response.status_code != result.status:
            result.status = response.status_code
    return result


def format_table(results: list[Measurement], baseline: Measurement) -> str:
    headers = ("scenario", "path", "status", "p50 ms", "p95 ms", "p50 ×base", "p95 ×base", "queries", "KB")
    rows = [
        (
            m.scenario.name,
            m.scenario.path,
            str(m.status),
            f"{m.p50:.2f}",
            f"{m.p95:.2f}",
            f"{m.p50 / baseline.p50:.1f}",
            f"{m.p95 / baseline.p95:.1f}",
            str(m.queries),
            f"{m.bytes / 1024:.1f}",
        )
        for m in results
    ]
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=False)]
    lines = [headers, tuple("-" * w for w in widths), *rows]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in lines
    )


def describe_database() -> str:
    from django.db import connection

    from dancoso.units.models import Household, Unit

    settings_dict = connection.settings_dict
    return (
        f"{connection.vendor} {settings_dict['NAME']}: "
        f"{Unit.objects.count()} units, {Household.objects.count()} households"
    )


def scenarios(unit_slug: str, staff_user: str) -> list[Scenario]:
    from django.urls import reverse

    return [
        Scenario("unit home page", f"/{unit_slug}/"),
        Scenario("staff household list", reverse("units:household_list"), login=staff_user),
        Scenario("API households", "/api/v1/households/", login=staff_user),
    ]
