"""Jobs of the petitions app: the daily deadline job and the hourly purge of old exports (periodic, picked up
by core.jobs.autodiscover), the inbox export of a large unit (enqueued by views.export), the recomputation of
deadlines after a rule or calendar change, and the registration of queued petitions."""

import time
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import translation
from django_tasks import task

from dancoso.core.jobs import periodic
from dancoso.petitions import exports, forms, reception, services
from dancoso.units.models import Unit

EXPORT_PERMISSION = "petitions.export_petition"


@periodic(every=timedelta(days=1), name="petitions.deadline_reminders")
@task()
def petition_deadline_reminders() -> dict[str, int]:
    """Handlers hear 3 working days before a deadline and once it is missed; visitors' answers likewise.
    Both senders deduplicate, so running twice a day (or catching up after a missed day) sends nothing twice.
    Returns the number of messages queued, e.g. {"petition_reminders": 2, "petition_overdue": 1, …}."""
    counts = {f"petition_{key}": value for key, value in services.send_deadline_reminders().items()}
    counts.update({f"visit_{key}": value for key, value in reception.send_answer_reminders().items()})
    return counts


@task(takes_context=True, queue_name="reports")
def export_inbox_job(
    context, *, user_id: int, unit_id: int, query: dict[str, str], language: str, today: str
) -> dict:
    """Write the inbox of `unit_id` filtered by `query` (the inbox's GET parameters), as `user_id` sees it
    for export, to private storage (exports.build_export_file). The permission is checked again here: a
    role withdrawn since the request stops the export. Returns where the file is, its name for the
    download and the number of rows; the progress page (export_views) reads it from the task's result."""
    from dancoso.petitions.views import inbox_queryset  # views enqueue this job: import here, not above

    with translation.override(language):
        user = get_user_model().objects.get(pk=user_id)
        unit = Unit.objects.get(pk=unit_id)
        if not (user.is_active and user.has_perm(EXPORT_PERMISSION, unit)):
            raise PermissionDenied("The user may no longer export the petitions of this unit.")
        filters = forms.InboxFilterForm(query or None).filters()
        petitions = inbox_queryset(user, unit, filters, permission=EXPORT_PERMISSION)
        day = date.fromisoformat(today)
        name, rows = exports.build_export_file(str(context.task_result.id), petitions, today=day)
    return {"file": name, "filename": exports.export_filename(unit, day), "rows": rows}


@periodic(every=timedelta(hours=1), name="petitions.purge_inbox_exports")
@task()
def purge_inbox_exports() -> int:
    """Delete inbox exports older than exports.EXPORT_KEEP: they hold petitioners' names."""
    return exports.purge_old_exports()


@task()
def recompute_petition_deadlines(reason: str, unit_ids: list[int] | None = None) -> int:
    """After a deadline rule is corrected, a work calendar changes or a unit becomes (or stops being) a remote
    area: the open petitions' deadlines follow (only those of `unit_ids` when given)."""
    units = None if unit_ids is None else Unit.objects.filter(pk__in=unit_ids)
    return services.recompute_open_deadlines(reason=reason, units=units)


def recompute_deadlines_after_commit(reason: str, *, unit_ids: list[int] | None = None) -> None:
    transaction.on_commit(lambda: recompute_petition_deadlines.enqueue(reason, unit_ids), robust=True)


# Queued petitions (the API's `Prefer: respond-async`): registered within seconds by a worker.
WAKE_KEY = "petitions:queued:wake"
WAKE_EVERY_SECONDS = 2
WAKE_SKIP_SECONDS = 1.0
_last_wake = [-WAKE_SKIP_SECONDS]  # when this process last asked


@periodic(every=timedelta(minutes=1), name="petitions.register_queued_petitions")
@task()
def register_queued_petitions() -> dict[str, int]:
    """Register the pending queued petitions as petitions. The periodic run catches rows whose wake-up was
    lost (worker restarted, cache flushed); rows are claimed with SKIP LOCKED, so runs can overlap.

    Once the queue is empty the wake-up mark is cleared and the queue read once more: a row committed while
    the mark was still set is then either seen by that last read or wakes a new run itself."""
    counts = services.register_queued_petitions()
    cache.delete(WAKE_KEY)
    for key, value in services.register_queued_petitions().items():
        counts[key] += value
    return counts


def wake_registration() -> None:
    """Enqueue a registration run, at most once every WAKE_EVERY_SECONDS while petitions keep arriving (a run
    registers everything pending when it starts and whatever comes in meanwhile). Each process asks at most once
    every WAKE_SKIP_SECONDS, sparing the cache a round trip per petition: a row whose wake-up is skipped is
    registered by the run already awake or by the periodic run within a minute."""
    now = time.monotonic()
    if now - _last_wake[0] < WAKE_SKIP_SECONDS:
        return
    _last_wake[0] = now
    if cache.add(WAKE_KEY, 1, timeout=WAKE_EVERY_SECONDS):
        register_queued_petitions.enqueue()
