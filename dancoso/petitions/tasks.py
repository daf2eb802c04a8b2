"""Periodic jobs of the petitions app (picked up by core.jobs.autodiscover)."""

from datetime import timedelta

from django_tasks import task

from dancoso.core.jobs import periodic
from dancoso.petitions import reception, services


@periodic(every=timedelta(days=1), name="petitions.deadline_reminders")
@task()
def petition_deadline_reminders() -> dict[str, int]:
    """Handlers hear 3 working days before a deadline and once it is missed; visitors' answers likewise.
    Both senders deduplicate, so running twice a day (or catching up after a missed day) sends nothing twice.
    Returns the number of messages queued, e.g. {"petition_reminders": 2, "petition_overdue": 1, …}."""
    counts = {f"petition_{key}": value for key, value in services.send_deadline_reminders().items()}
    counts.update({f"visit_{key}": value for key, value in reception.send_answer_reminders().items()})
    return counts
