"""Receivers of the petitions app, connected in PetitionsConfig.ready()."""

from django.db.models.signals import post_delete, post_save

from dancoso.core.models import CalendarOverride, WorkCalendar


def _calendar_changed(sender, **kwargs) -> None:
    from dancoso.petitions.tasks import recompute_deadlines_after_commit  # tasks import the whole app

    recompute_deadlines_after_commit("Lịch làm việc thay đổi")


def connect() -> None:
    """A holiday added or moved changes working-day deadlines: the open petitions' deadlines follow."""
    for model in (WorkCalendar, CalendarOverride):
        for signal in (post_save, post_delete):
            signal.connect(
                _calendar_changed, sender=model, dispatch_uid=f"petitions.recompute:{model.__name__}"
            )
