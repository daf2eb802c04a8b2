"""`manage.py serve --host H --port P`: the web server and the background jobs in one command (`make run`).

The web server is Django's runserver in this process; `run_jobs` runs as a child process and is stopped
when this command ends (Ctrl+C, SIGTERM, or the web server failing to start). For production use gunicorn
and `manage.py run_jobs` as separate services instead.
"""

import contextlib
import os
import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

GRACE_SECONDS = 30
RELOADER_CHILD_ENV = "RUN_MAIN"  # set by Django's autoreloader in the process it restarts on changes


def _stop_with_parent() -> None:
    """Linux: have the kernel send SIGTERM to the job runner if this process dies without cleaning up."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _manage_command() -> list[str]:
    script = os.path.abspath(sys.argv[0]) if sys.argv and sys.argv[0].endswith("manage.py") else None
    return [sys.executable, script] if script else [sys.executable, "-m", "django"]


def _raise_keyboard_interrupt(signum, frame):
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Serve the site with Django's development server and run background jobs beside it."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--reload", action="store_true", help="Restart the web server on code changes.")
        parser.add_argument("--no-jobs", action="store_true", help="Do not start the background job runner.")

    def handle(self, *args, host: str, port: int, reload: bool, no_jobs: bool, **options):
        is_reloader_child = os.environ.get(RELOADER_CHILD_ENV) == "true"
        ipv6 = ":" in host
        address = f"[{host}]:{port}" if ipv6 else f"{host}:{port}"
        job_runner = None
        if not is_reloader_child:
            url = f"http://{address}/"
            self.stdout.write(self.style.SUCCESS(f"dancoso is running at {url}  (Ctrl+C to stop)"))
            if not no_jobs:
                job_runner = self._start_job_runner()
        signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
        try:
            call_command("runserver", address, use_ipv6=ipv6, use_reloader=reload, use_threading=True)
        except KeyboardInterrupt:
            pass
        finally:
            if job_runner is not None:
                self._stop_job_runner(job_runner)

    def _start_job_runner(self) -> subprocess.Popen:
        command = [*_manage_command(), "run_jobs"]
        # Its own session: Ctrl+C in the terminal reaches only this process, which then stops the runner
        # with exactly one signal.
        runner = subprocess.Popen(  # noqa: S603 (our own command)
            command, preexec_fn=_stop_with_parent, start_new_session=True
        )
        self.stdout.write(f"Background jobs: process {runner.pid} ({' '.join(command[1:])})")
        return runner

    def _stop_job_runner(self, runner: subprocess.Popen) -> None:
        """One SIGTERM lets the running task finish (a second one would cut it short); kill if it hangs."""
        if runner.poll() is None:
            runner.terminate()
        try:
            runner.wait(timeout=GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            runner.kill()
            runner.wait()
