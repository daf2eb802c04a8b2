"""`python -m bench [--scale N] [--requests N]`: see bench/README.md."""

import argparse
import os
import platform
import sys
from pathlib import Path

import bench


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=bench.__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1, help="seed_demo --scale (default 1)")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per scenario (default 200)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests first (default 10)")
    parser.add_argument("--unit-slug", default="an-khanh", help="unit whose public home page is measured")
    parser.add_argument("--staff-user", default="canbo.ankhanh", help="demo user for the staff pages and API")
    parser.add_argument("--fresh", action="store_true", help="delete the SQLite bench database first")
    parser.add_argument("--no-seed", action="store_true", help="use the bench database as it is")
    return parser.parse_args(argv)


def bench_database_url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL") or bench.DEFAULT_DATABASE_URL
    if os.environ.get("DATABASE_URL") and url == os.environ["DATABASE_URL"]:
        sys.exit("BENCH_DATABASE_URL must differ from DATABASE_URL: the benchmark loads demo data into it.")
    return url


def remove_sqlite_file(url: str) -> None:
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    url = bench_database_url()
    if args.fresh:
        remove_sqlite_file(url)
    bench.configure_environment(url)

    import django
    from django.core.management import call_command
    from django.test.utils import override_settings, setup_test_environment

    django.setup()
    setup_test_environment()  # lets the test client see responses; keeps outgoing email in memory
    call_command("migrate", interactive=False, verbosity=0)
    seeded = args.no_seed or bench.seed_demo(args.scale)
    bench.install_urlconf()

    with override_settings(
        ROOT_URLCONF=bench.BENCH_URLCONF, STORAGES=bench.static_storage_without_manifest()
    ):
        print(f"Python {platform.python_version()}, Django {django.get_version()}, {os.cpu_count()} CPUs")
        print(f"Database: {bench.describe_database()}")
        print(f"{args.requests} timed requests per scenario after {args.warmup} untimed\n")
        baseline = bench.measure(
            bench.Scenario("bare Django view (baseline)", bench.BASELINE_PATH), args.requests, args.warmup
        )
        results = [baseline]
        if seeded:
            for scenario in bench.scenarios(args.unit_slug, args.staff_user):
                measured = bench.measure(scenario, args.requests, args.warmup)
                if measured is None:
                    print(f"skipped {scenario.name}: no user {scenario.login!r} (run seed_demo)")
                    continue
                results.append(measured)
        print(bench.format_table(results, baseline))
        failed = [m.scenario.name for m in results if m.status != 200]
        if failed:
            print(f"\nNot 200 (timings are of the error answer): {', '.join(failed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
