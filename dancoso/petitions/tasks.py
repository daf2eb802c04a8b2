"""Periodic jobs of the petitions app (picked up by core.jobs.autodiscover)."""

from datetime import timedelta

from django_tasks import task

from dancoso.core.jobs import periodic
from dancoso.petitions import reception, services


@periodic(every=timedelta(days=1), name="petitions.deadline_reminders")
@task()
def petition_deadline_reminders() -> dict[str, int]:
    """Handlers hear 3 working days before a deadline and once it is missed; visitors' answers likewise."""
    counts = services.send_deadline_reminders()
    counts.update(reception.send_answer_reminders())
    return counts
