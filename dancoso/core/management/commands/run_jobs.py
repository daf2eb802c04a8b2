"""`manage.py run_jobs`: the background worker for every queue plus the periodic-job scheduler.

One process is enough for an embedded install (`make run` starts it next to the web server). Larger
deployments run as many `run_jobs --no-scheduler` workers as they need and the scheduler wherever they like
(with Redis as the cache, several schedulers do not enqueue a job twice; see core.jobs).
SIGINT/SIGTERM finish the running task, then stop; a second signal stops at once.
"""

import logging
import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker

from dancoso.core import jobs

logger = logging.getLogger(__name__)


class Scheduler(threading.Thread):
    """Enqueues the due periodic jobs every `interval` seconds until stopped."""

    def __init__(self, interval: float):
        super().__init__(name="periodic-jobs", daemon=True)
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.is_set():
                self.tick()
                self.stopped.wait(self.interval)
        finally:
            connections.close_all()

    def tick(self) -> None:
        close_old_connections()
        try:
            enqueued = jobs.enqueue_due_periodic_jobs(timezone.now())
        except Exception:
            # The database or cache may be briefly away; the next tick tries again.
            logger.exception("Could not enqueue periodic jobs")
            return
        if enqueued:
            logger.info("Enqueued periodic jobs: %s", ", ".join(enqueued))

    def stop(self) -> None:
        self.stopped.set()


class Command(BaseCommand):
    help = "Run background jobs: a worker for all task queues and the periodic-job scheduler."

    def add_arguments(self, parser):
        parser.add_argument("--queue-name", default="*", help="Queues, comma-separated ('*': all).")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls when idle.")
        parser.add_argument(
            "--scheduler-interval", type=float, default=15.0, help="Seconds between scheduler ticks."
        )
        parser.add_argument("--no-scheduler", action="store_true", help="Run the worker only.")
        parser.add_argument("--no-worker", action="store_true", help="Run the scheduler only.")
        parser.add_argument("--backend", default=DEFAULT_TASK_BACKEND_ALIAS, dest="backend_name")

    def handle(self, *args, **options):
        self._configure_logging(options["verbosity"])
        jobs.autodiscover()
        run_worker = not options["no_worker"]
        if run_worker and not isinstance(task_backends[options["backend_name"]], DatabaseBackend):
            self.stdout.write("The task backend is not the database backend: running the scheduler only.")
            run_worker = False
        if options["no_scheduler"] and not run_worker:
            raise CommandError("Nothing to run: both the worker and the scheduler are off.")

        scheduler = None if options["no_scheduler"] else Scheduler(options["scheduler_interval"])
        if scheduler:
            scheduler.start()
            self.stdout.write(f"Scheduler started: {len(jobs.registered_jobs())} periodic jobs.")
        try:
            if run_worker:
                self._run_worker(options)
            else:
                signal.signal(signal.SIGTERM, lambda signum, frame: scheduler.stop())
                while scheduler.is_alive():
                    scheduler.join(timeout=1)
        except KeyboardInterrupt:
            pass
        finally:
            if scheduler:
                scheduler.stop()
                scheduler.join(timeout=10)
        self.stdout.write("Background jobs stopped.")

    def _run_worker(self, options) -> None:
        worker = Worker(
            queue_names=options["queue_name"].split(","),
            interval=options["interval"],
            batch=False,
            backend_name=options["backend_name"],
            startup_delay=True,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        worker.configure_signals()
        try:
            worker.run()
        except SystemExit as exit_request:
            # The worker's signal handler exits the process; stop the scheduler first (see handle()).
            if exit_request.code not in (0, None):
                raise
        finally:
            worker.reset_signals()

    def _configure_logging(self, verbosity: int) -> None:
        level = logging.WARNING if verbosity == 0 else logging.INFO if verbosity == 1 else logging.DEBUG
        for name in ("django_tasks", "django_tasks_db", "dancoso"):
            logging.getLogger(name).setLevel(level)
