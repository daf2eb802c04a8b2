"""Receivers of the petitions app, connected in PetitionsConfig.ready()."""

from django.db.models.signals import post_delete, post_save

from dancoso.core.models import CalendarOverride, WorkCalendar
from dancoso.units.models import Unit
from dancoso.units.signals import unit_updated

# A unit's own deadlines depend on whether it is a remote area (Luật Khiếu nại Art. 28, 33, 37); its subtree's
# working days on its calendar, which the units below it inherit unless they have their own.
_REMOTE_FIELD, _CALENDAR_FIELD = "is_remote_area", "calendar"


def _calendar_changed(sender, **kwargs) -> None:
    from dancoso.petitions.tasks import recompute_deadlines_after_commit  # tasks import the whole app

    recompute_deadlines_after_commit("Lịch làm việc thay đổi")


def _unit_updated(sender, unit, changed, **kwargs) -> None:
    from dancoso.petitions.tasks import recompute_deadlines_after_commit  # tasks import the whole app

    if _CALENDAR_FIELD in changed:
        unit_ids = list(Unit.objects.subtree(unit).values_list("pk", flat=True))
        recompute_deadlines_after_commit(f"Lịch làm việc của {unit.name} thay đổi", unit_ids=unit_ids)
    elif _REMOTE_FIELD in changed:
        area = "vùng sâu, vùng xa" if unit.is_remote_area else "không còn là vùng sâu, vùng xa"
        recompute_deadlines_after_commit(f"{unit.name}: {area}", unit_ids=[unit.pk])


def connect() -> None:
    """A holiday added or moved, a unit's own calendar or its remote-area status changed: the open petitions'
    deadlines follow."""
    for model in (WorkCalendar, CalendarOverride):
        for signal in (post_save, post_delete):
            signal.connect(
                _calendar_changed, sender=model, dispatch_uid=f"petitions.recompute:{model.__name__}"
            )
    unit_updated.connect(_unit_updated, sender=Unit, dispatch_uid="petitions.recompute:unit_updated")
