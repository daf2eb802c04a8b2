"""Periodic jobs: django-tasks tasks that the scheduler in `manage.py run_jobs` enqueues on a fixed interval.

    @periodic(every=timedelta(hours=1), name="petitions.remind_deadlines")
    @task()
    def remind_deadlines(): ...

Apps declare their periodic jobs in `<app>/tasks.py` (imported by `autodiscover()`); core's own are
registered at the bottom of this module.

Where "last run" lives: nowhere. Time is cut into slots of the job's interval (slot = epoch seconds // every)
and a job is due once per slot. A scheduler claims a slot with `cache.add`, which is atomic, so with a
shared cache (Redis, as in multi-node deployments) only one node enqueues each run. With the default
local-memory cache each scheduler process claims for itself: an embedded install runs one scheduler, and a
restart may run a job once more in the same slot. Periodic jobs must therefore be idempotent (they are:
"deliver what is due", "purge what expired"). No table is needed, and nothing is lost when the cache is:
the next slot runs the job again.

A job whose previous run is still waiting in the queue (workers down or busy) is not enqueued again, so
the queue does not fill with copies of the same job.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.utils.module_loading import autodiscover_modules
from django_tasks import TaskResultStatus
from django_tasks.base import Task
from django_tasks.exceptions import TaskResultDoesNotExist

logger = logging.getLogger(__name__)

CACHE_PREFIX = "dancoso:periodic"


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: Task
    every: timedelta

    def slot(self, now: datetime) -> int:
        return int(now.timestamp() // self.every.total_seconds())


_registry: dict[str, PeriodicJob] = {}


def periodic(*, every: timedelta, name: str | None = None):
    """Register a django-tasks `Task` (put this decorator above `@task(...)`) to run every `every`."""
    if every < timedelta(seconds=1):
        raise ValueError("A periodic job runs at most once a second.")

    def register(task_obj: Task) -> Task:
        if not isinstance(task_obj, Task):
            raise TypeError("@periodic decorates a django-tasks Task: put it above @task(...).")
        job_name = name or task_obj.module_path
        known = _registry.get(job_name)
        if known is not None and known.task.module_path != task_obj.module_path:
            raise ValueError(f"Periodic job name {job_name!r} is already used by {known.task.module_path}.")
        _registry[job_name] = PeriodicJob(name=job_name, task=task_obj, every=every)
        return task_obj

    return register


def registered_jobs() -> list[PeriodicJob]:
    return sorted(_registry.values(), key=lambda job: job.name)


def unregister(name: str) -> None:
    _registry.pop(name, None)


def autodiscover() -> None:
    """Import every installed app's `tasks` module so its `@periodic` jobs register."""
    autodiscover_modules("tasks")


def _previous_run_still_queued(job: PeriodicJob) -> bool:
    result_id = cache.get(f"{CACHE_PREFIX}:{job.name}:last_result")
    if not result_id or not job.task.get_backend().supports_get_result:
        return False
    try:
        return job.task.get_result(result_id).status == TaskResultStatus.READY
    except TaskResultDoesNotExist:
        return False


def _claim_slot(job: PeriodicJob, now: datetime) -> bool:
    timeout = max(int(job.every.total_seconds() * 2), 60)
    return cache.add(f"{CACHE_PREFIX}:{job.name}:slot:{job.slot(now)}", now.isoformat(), timeout)


def enqueue_due_periodic_jobs(now: datetime) -> list[str]:
    """Enqueue every registered job not yet run in its current slot; return the names enqueued."""
    enqueued = []
    for job in registered_jobs():
        if _previous_run_still_queued(job) or not _claim_slot(job, now):
            continue
        try:
            result = job.task.enqueue()
        except Exception:
            logger.exception("Could not enqueue periodic job %s", job.name)
            cache.delete(f"{CACHE_PREFIX}:{job.name}:slot:{job.slot(now)}")
            continue
        cache.set(f"{CACHE_PREFIX}:{job.name}:last_result", str(result.id), None)
        enqueued.append(job.name)
    return enqueued


def _register_core_jobs() -> None:
    from dancoso.core.idempotency import purge_idempotency_records
    from dancoso.core.notify import deliver_due_notifications

    periodic(every=timedelta(minutes=1), name="core.deliver_due_notifications")(deliver_due_notifications)
    periodic(every=timedelta(hours=1), name="core.purge_idempotency_records")(purge_idempotency_records)


_register_core_jobs()
