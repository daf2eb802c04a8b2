"""Open petitions' deadlines follow a corrected rule or a changed work calendar (recompute_open_deadlines)."""

from datetime import date

import pytest
from django_tasks_db.models import DBTaskResult

from dancoso.core import calendar
from dancoso.core.models import CalendarOverride, LedgerEntry, WorkCalendar
from dancoso.petitions import demo, services, tasks
from dancoso.petitions.models import DeadlineSetting, DueKind, Kind, Petition, PetitionEvent, State
from dancoso.petitions.tests.test_demo_petitions import make_demo_units
from dancoso.petitions.tests.test_services import TODAY, staff, submit
from dancoso.units import services as unit_services
from dancoso.units.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

D = date


@pytest.fixture
def fixed_today(monkeypatch):
    monkeypatch.setattr(services, "_today", lambda: TODAY)


@pytest.fixture
def commune(fixed_today):
    return UnitFactory(kind="commune")


def _complaint_received_2_march(commune):
    petition = submit(commune, kind=Kind.COMPLAINT, received_on=D(2026, 3, 2))
    # Before 1/7/2026: 10 working days (Điều 27 Luật Khiếu nại 2011; TT 07/2013 Art. 5).
    assert (petition.due_kind, petition.due_on) == (DueKind.CLASSIFICATION, D(2026, 3, 16))
    return petition


def test_a_corrected_rule_moves_the_deadline_of_open_petitions_and_keeps_an_event(commune):
    petition = _complaint_received_2_march(commune)
    admin = staff(commune)
    row = DeadlineSetting.objects.filter(rule="complaint.acceptance").order_by("valid_from").first()
    row.days = 12
    services.save_deadline_setting(row, actor=admin, changed=["days"])

    assert services.recompute_open_deadlines(reason="Sửa quy định") == 1

    petition.refresh_from_db()
    assert petition.due_on == D(2026, 3, 18)
    event = PetitionEvent.objects.get(petition=petition, action="deadline_recomputed")
    assert event.data == {"due_before": "2026-03-16", "due_after": "2026-03-18"}
    assert event.reason == "Sửa quy định"
    assert LedgerEntry.objects.filter(
        action="petitions.deadline_recomputed", object_id=str(petition.pk)
    ).exists()
    assert services.recompute_open_deadlines(reason="again") == 0  # nothing left to change


def test_a_new_holiday_moves_a_working_day_deadline(commune):
    petition = _complaint_received_2_march(commune)
    CalendarOverride.objects.create(
        calendar=calendar.national_calendar(),
        date=D(2026, 3, 10),
        kind=CalendarOverride.Kind.DAY_OFF,
        name="Ngày nghỉ bù",
    )
    assert services.recompute_open_deadlines(reason="Lịch thay đổi") == 1
    petition.refresh_from_db()
    assert petition.due_on == D(2026, 3, 17)


def test_finished_petitions_keep_their_dates(commune):
    petition = _complaint_received_2_march(commune)
    Petition.objects.filter(pk=petition.pk).update(state=State.CLOSED)
    CalendarOverride.objects.create(
        calendar=calendar.national_calendar(),
        date=D(2026, 3, 10),
        kind=CalendarOverride.Kind.DAY_OFF,
        name="Ngày nghỉ bù",
    )
    assert services.recompute_open_deadlines(reason="Lịch thay đổi") == 0
    assert Petition.objects.get(pk=petition.pk).due_on == D(2026, 3, 16)


def test_a_twice_extended_denunciation_is_recomputed_from_its_acceptance(commune):
    officer = staff(commune)
    petition = submit(commune, kind=Kind.DENUNCIATION, received_on=D(2026, 3, 2))
    petition = services.classify_petition(
        petition, actor=officer, kind=Kind.DENUNCIATION, is_eligible=True, within_competence=True
    )
    petition = services.accept_petition(petition, actor=officer, accepted_on=D(2026, 3, 5))
    for number in ("01/QĐ-GH", "02/QĐ-GH"):
        petition = services.extend_deadline(
            petition, actor=officer, reason="Phức tạp", complexity="very_complex", decision_number=number
        )
    assert services.expected_deadlines(petition) == (petition.due_on, petition.resolution_due)
    assert services.recompute_open_deadlines(reason="check") == 0


def test_saving_a_rule_or_a_calendar_enqueues_the_recompute_after_commit(
    commune, django_capture_on_commit_callbacks
):
    admin = staff(commune)
    row = DeadlineSetting.objects.filter(rule="forwarding").first()
    with django_capture_on_commit_callbacks(execute=True):
        services.save_deadline_setting(row, actor=admin, changed=[])
    with django_capture_on_commit_callbacks(execute=True):
        CalendarOverride.objects.create(
            calendar=calendar.national_calendar(),
            date=D(2026, 5, 4),
            kind=CalendarOverride.Kind.DAY_OFF,
            name="Nghỉ",
        )
    queued = DBTaskResult.objects.filter(task_path__endswith="recompute_petition_deadlines")
    assert queued.count() == 2
    assert tasks.recompute_petition_deadlines.call("x") == 0


def test_every_demo_petition_already_has_the_deadlines_its_rules_give(db):
    make_demo_units()
    demo.seed_petitions()
    changed = [
        p.tracking_code
        for p in Petition.objects.filter(due_on__isnull=False).select_related("unit")
        if p.state in services.OPEN_STATES and services.expected_deadlines(p) != (p.due_on, p.resolution_due)
    ]
    assert changed == []


def _accepted_complaint(commune):
    officer = staff(commune)
    petition = submit(commune, received_on=D(2026, 2, 26))
    petition = services.classify_petition(petition, actor=officer, is_eligible=True, within_competence=True)
    return services.accept_petition(petition, actor=officer, accepted_on=D(2026, 3, 2))


def test_a_commune_declared_remote_gets_the_longer_resolution_deadline(
    commune, django_capture_on_commit_callbacks
):
    """Luật Khiếu nại Art. 28: 30 days, 45 in remote areas; an administrator marks the commune remote."""
    petition = _accepted_complaint(commune)
    assert petition.resolution_due == D(2026, 4, 1)  # 30 days
    elsewhere = _accepted_complaint(UnitFactory(kind="commune"))

    with django_capture_on_commit_callbacks(execute=True):
        unit_services.update_unit(commune, actor=staff(commune), is_remote_area=True)
    assert DBTaskResult.objects.filter(task_path__endswith="recompute_petition_deadlines").count() == 1
    assert tasks.recompute_petition_deadlines.call("check", [commune.pk]) == 1

    petition.refresh_from_db()
    assert (petition.due_on, petition.resolution_due) == (D(2026, 4, 16), D(2026, 4, 16))  # 45 days
    event = PetitionEvent.objects.get(petition=petition, action="deadline_recomputed")
    assert event.data == {"due_before": "2026-04-01", "due_after": "2026-04-16"}
    elsewhere.refresh_from_db()
    assert elsewhere.resolution_due == D(2026, 4, 1)  # another commune is not touched


def test_an_unchanged_unit_enqueues_nothing(commune, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        unit_services.update_unit(commune, actor=None, is_remote_area=False, name=commune.name)
    assert not DBTaskResult.objects.filter(task_path__endswith="recompute_petition_deadlines").exists()


def test_a_unit_given_its_own_calendar_recomputes_its_subtree(commune, django_capture_on_commit_callbacks):
    """A commune-level calendar with a local day off: the commune's working-day deadlines move."""
    petition = _complaint_received_2_march(commune)
    own = WorkCalendar.objects.create(
        code="local-test", name="Lịch riêng", parent=calendar.national_calendar()
    )
    CalendarOverride.objects.create(
        calendar=own, date=D(2026, 3, 10), kind=CalendarOverride.Kind.DAY_OFF, name="Lễ hội địa phương"
    )
    with django_capture_on_commit_callbacks(execute=True):
        unit_services.update_unit(commune, actor=None, calendar=own)
    queued = DBTaskResult.objects.filter(task_path__endswith="recompute_petition_deadlines").last()
    assert commune.pk in queued.args_kwargs["args"][1]

    assert tasks.recompute_petition_deadlines.call("Lịch riêng", [commune.pk]) == 1
    petition.refresh_from_db()
    assert petition.due_on == D(2026, 3, 17)
