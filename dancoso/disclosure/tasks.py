"""Jobs of the disclosure app (periodic, picked up by core.jobs.autodiscover): the daily reminders about
required postings that end (or ended) before their minimum, and the quarterly list of every commune published on
the first working days of each quarter (Art. 13.2). Both are idempotent: running them twice, or catching up
after a missed day, sends and publishes nothing twice."""

import logging
from datetime import date, timedelta

from django.utils import timezone
from django_tasks import task

from dancoso.core import calendar
from dancoso.core.jobs import periodic
from dancoso.disclosure import legal, services
from dancoso.disclosure.models import Publication
from dancoso.units.models import COMMUNE_LEVEL_KINDS, Unit

logger = logging.getLogger(__name__)


@periodic(every=timedelta(days=1), name="disclosure.posting_reminders")
@task()
def posting_reminders() -> dict[str, int]:
    """Publishers hear when a required posting is planned to end before its minimum, a few days before that end,
    and once it ended too early (services.send_posting_reminders, deduplicated)."""
    return services.send_posting_reminders()


@periodic(every=timedelta(days=1), name="disclosure.quarterly_lists")
@task()
def publish_quarterly_lists() -> dict[str, int]:
    """The previous quarter's list for every commune, ward and special zone (see publish_previous_quarter_lists)."""
    return publish_previous_quarter_lists()


def previous_quarter(day: date) -> tuple[int, int]:
    quarter = (day.month - 1) // 3 + 1
    return (day.year - 1, 4) if quarter == 1 else (day.year, quarter - 1)


def publish_previous_quarter_lists(today: date | None = None) -> dict[str, int]:
    """From the first working day of a quarter until the list's deadline (the disclosure period counted from the
    quarter's last day, Art. 12.3), publish the previous quarter's list of every commune-level unit, or a new
    version of it when an item was added late; `publish_quarterly_list` changes nothing when the list is as it
    should be. After that deadline a list that is still absent (the job was down) is published late; existing
    ones are left alone. Quarters that ended before a unit was entered on the platform are skipped.
    Returns counts: published, updated, unchanged, waiting (not a working day yet), failed."""
    today = today or timezone.localdate()
    year, quarter = previous_quarter(today)
    _first, last = services.quarter_bounds(year, quarter)
    label = f"{year}-Q{quarter}"
    versions = dict(
        Publication.objects.filter(category__is_quarterly_list=True, period_label=label)
        .exclude(state=Publication.State.WITHDRAWN)
        .values_list("unit_id", "version_count")
    )
    counts = dict.fromkeys(("published", "updated", "unchanged", "waiting", "failed"), 0)
    units = Unit.objects.filter(kind__in=COMMUNE_LEVEL_KINDS, is_active=True).order_by("pk")
    for unit in units.iterator(chunk_size=500):
        if timezone.localdate(unit.created_at) > last:
            continue
        before = versions.get(unit.pk)
        if not calendar.is_working_day(today, unit):
            counts["waiting"] += 1
            continue
        if before is not None and today > legal.disclosure_deadline(legal.COMMUNE, last, unit):
            counts["unchanged"] += 1
            continue
        try:
            listed = services.publish_quarterly_list(unit, year, quarter, on=today)
        except Exception:
            logger.exception("Could not publish the list of quarter %s for unit %s", label, unit.pk)
            counts["failed"] += 1
            continue
        if before is None:
            counts["published"] += 1
        elif listed.version_count > before:
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    return counts
