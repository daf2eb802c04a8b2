from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from dancoso.core import jobs
from dancoso.core.management.commands import run_jobs

pytestmark = pytest.mark.django_db

# 2026-03-02 08:00:00 UTC: a whole number of minutes, hours and 5-minute slots since the epoch.
SLOT_START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
SAMPLE_PATH = "dancoso.core.tests.test_jobs.sample_job"


@task()
def sample_job() -> str:
    return "done"


@task()
def other_job() -> str:
    return "done"


@pytest.fixture
def sample(settings):
    cache.clear()
    jobs.periodic(every=timedelta(minutes=5), name="test.sample")(sample_job)
    yield
    jobs.unregister("test.sample")
    cache.clear()


def sample_runs() -> int:
    return DBTaskResult.objects.filter(task_path=SAMPLE_PATH).count()


def finish_queued_runs() -> None:
    DBTaskResult.objects.filter(status="READY").update(status="SUCCESSFUL")


def test_core_jobs_are_registered():
    registered = {job.name: job for job in jobs.registered_jobs()}
    assert registered["core.deliver_due_notifications"].every == timedelta(minutes=1)
    assert registered["core.deliver_due_notifications"].task.module_path == (
        "dancoso.core.notify.deliver_due_notifications"
    )
    assert registered["core.purge_idempotency_records"].every == timedelta(hours=1)


def test_a_job_runs_once_per_interval(sample):
    assert "test.sample" in jobs.enqueue_due_periodic_jobs(SLOT_START)
    assert sample_runs() == 1
    finish_queued_runs()
    assert "test.sample" not in jobs.enqueue_due_periodic_jobs(SLOT_START + timedelta(minutes=4, seconds=59))
    assert sample_runs() == 1
    assert "test.sample" in jobs.enqueue_due_periodic_jobs(SLOT_START + timedelta(minutes=5))
    assert sample_runs() == 2


def test_every_registered_job_is_enqueued_on_its_own_queue(sample):
    enqueued = jobs.enqueue_due_periodic_jobs(SLOT_START)
    assert {"test.sample", "core.deliver_due_notifications", "core.purge_idempotency_records"} <= set(
        enqueued
    )
    delivery = DBTaskResult.objects.get(task_path="dancoso.core.notify.deliver_due_notifications")
    assert delivery.queue_name == "notifications"


def test_a_run_still_waiting_in_the_queue_is_not_enqueued_again(sample):
    jobs.enqueue_due_periodic_jobs(SLOT_START)
    for minutes in (5, 10, 15):
        assert "test.sample" not in jobs.enqueue_due_periodic_jobs(SLOT_START + timedelta(minutes=minutes))
    assert sample_runs() == 1
    finish_queued_runs()
    assert "test.sample" in jobs.enqueue_due_periodic_jobs(SLOT_START + timedelta(minutes=20))


def test_a_second_scheduler_sharing_the_cache_does_not_enqueue_twice(sample):
    jobs.enqueue_due_periodic_jobs(SLOT_START)
    finish_queued_runs()
    cache.delete(f"{jobs.CACHE_PREFIX}:test.sample:last_result")  # the other node never saw the first run
    assert "test.sample" not in jobs.enqueue_due_periodic_jobs(SLOT_START + timedelta(seconds=30))
    assert sample_runs() == 1


def test_a_failed_enqueue_is_retried_on_the_next_tick(sample, monkeypatch):
    def broken_enqueue(*args, **kwargs):
        raise ConnectionError("database away")

    monkeypatch.setattr(type(sample_job.get_backend()), "enqueue", broken_enqueue)
    assert jobs.enqueue_due_periodic_jobs(SLOT_START) == []
    monkeypatch.undo()
    assert "test.sample" in jobs.enqueue_due_periodic_jobs(SLOT_START + timedelta(seconds=15))


def test_periodic_checks_what_it_is_given():
    def plain_function():
        return None

    with pytest.raises(TypeError):
        jobs.periodic(every=timedelta(minutes=1))(plain_function)
    with pytest.raises(ValueError):
        jobs.periodic(every=timedelta(milliseconds=10))
    jobs.periodic(every=timedelta(minutes=1), name="test.taken")(sample_job)
    try:
        with pytest.raises(ValueError):
            jobs.periodic(every=timedelta(minutes=1), name="test.taken")(other_job)
    finally:
        jobs.unregister("test.taken")


def test_scheduler_tick_enqueues_and_survives_errors(sample, monkeypatch):
    monkeypatch.setattr(run_jobs, "close_old_connections", lambda: None)
    scheduler = run_jobs.Scheduler(interval=15)
    scheduler.tick()
    assert sample_runs() == 1

    def broken(now):
        raise ConnectionError("database away")

    monkeypatch.setattr(jobs, "enqueue_due_periodic_jobs", broken)
    scheduler.tick()  # logged, not raised: the next tick tries again
