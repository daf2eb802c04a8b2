"""The daily deadline job: handlers hear 3 working days before a deadline and once it is missed, once each."""

from datetime import date, timedelta

import pytest

from dancoso.accounts.roles import Role
from dancoso.accounts.tests.factories import MembershipFactory, UserFactory
from dancoso.core import jobs
from dancoso.core.models import Notification
from dancoso.petitions import reception, services, tasks
from dancoso.petitions.models import Complexity, DueKind, Petition, State
from dancoso.petitions.tests.test_services import in_state, staff, submit
from dancoso.units.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

D = date


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(services, "_today", lambda: D(2026, 11, 20))


@pytest.fixture
def commune():
    return UnitFactory()


@pytest.fixture
def officer(commune):
    return staff(commune)


def due(petition: Petition, day: date, *, handler=None) -> Petition:
    Petition.objects.filter(pk=petition.pk).update(
        due_on=day, due_kind=DueKind.CLASSIFICATION, handler=handler
    )
    return Petition.objects.get(pk=petition.pk)


def sent_to(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user.email).order_by("pk"))


WINDOW = [
    # (today, deadline, what is sent). 3 working days after Thu 12/02/2026 are Fri 13/02, Mon 23/02 and Tue
    # 24/02 (Tết 2026: 14/02–22/02 off).
    pytest.param(D(2026, 2, 12), D(2026, 2, 24), "reminder", id="tet-third-working-day"),
    pytest.param(D(2026, 2, 12), D(2026, 2, 25), None, id="tet-fourth-working-day"),
    pytest.param(D(2026, 2, 12), D(2026, 2, 12), "reminder", id="due-today"),
    pytest.param(D(2026, 2, 12), D(2026, 2, 11), "overdue", id="missed-yesterday"),
    # Over a weekend: Fri 06/03/2026 → Mon 09, Tue 10, Wed 11/03.
    pytest.param(D(2026, 3, 6), D(2026, 3, 11), "reminder", id="weekend-third-working-day"),
    pytest.param(D(2026, 3, 6), D(2026, 3, 12), None, id="weekend-fourth-working-day"),
    # On a Saturday the window is still counted in working days (Mon, Tue, Wed).
    pytest.param(D(2026, 3, 7), D(2026, 3, 11), "reminder", id="run-on-a-saturday"),
]


@pytest.mark.parametrize(("today", "deadline", "kind"), WINDOW)
def test_the_reminder_window(commune, officer, today, deadline, kind):
    due(submit(commune), deadline, handler=officer)
    counts = services.send_deadline_reminders(today)
    expected = {"reminders": int(kind == "reminder"), "overdue": int(kind == "overdue")}
    assert counts == expected
    messages = sent_to(officer)
    assert len(messages) == (kind is not None)
    if kind == "reminder":
        assert messages[0].subject.startswith("Sắp đến hạn")
    elif kind == "overdue":
        assert messages[0].subject.startswith("Quá hạn")
        assert f"{deadline:%d/%m/%Y}" in messages[0].subject


def test_each_message_goes_once(commune, officer):
    soon = due(submit(commune), D(2026, 2, 24), handler=officer)
    later = due(submit(commune), D(2026, 2, 25), handler=officer)
    today_due = due(submit(commune), D(2026, 2, 12), handler=officer)
    assert services.send_deadline_reminders(D(2026, 2, 12)) == {"reminders": 2, "overdue": 0}
    assert services.send_deadline_reminders(D(2026, 2, 12)) == {"reminders": 0, "overdue": 0}
    # next day: 25/02 enters the window, the deadline of 12/02 is now missed
    assert services.send_deadline_reminders(D(2026, 2, 13)) == {"reminders": 1, "overdue": 1}
    assert services.send_deadline_reminders(D(2026, 2, 16)) == {"reminders": 0, "overdue": 0}  # nothing twice
    codes = [message.subject for message in sent_to(officer)]
    assert len(codes) == 4
    assert sum(soon.tracking_code in subject for subject in codes) == 1
    assert sum(later.tracking_code in subject for subject in codes) == 1
    assert sum(today_due.tracking_code in subject for subject in codes) == 2  # due soon, then missed


def test_a_new_deadline_is_announced_again(commune, officer):
    petition = in_state(
        submit(commune), State.ACCEPTED, accepted_on=D(2026, 3, 2), resolution_due=D(2026, 4, 1)
    )
    Petition.objects.filter(pk=petition.pk).update(handler=officer)
    assert services.send_deadline_reminders(D(2026, 3, 30)) == {"reminders": 1, "overdue": 0}
    services.extend_deadline(petition, actor=officer, reason="Phức tạp", complexity=Complexity.COMPLEX)
    assert services.send_deadline_reminders(D(2026, 3, 31)) == {"reminders": 0, "overdue": 0}
    assert services.send_deadline_reminders(D(2026, 4, 13)) == {"reminders": 1, "overdue": 0}  # due 16/04


def test_without_a_handler_the_units_handlers_hear(commune):
    officer = staff(commune)
    leader = staff(commune, Role.COMMUNE_LEADER)
    front = staff(commune, Role.FRONT_OFFICER)
    resident = staff(commune, Role.RESIDENT)
    elsewhere = staff(UnitFactory())
    gone = staff(commune, is_active=False)
    expired = UserFactory()
    MembershipFactory(user=expired, unit=commune, valid_until=D(2026, 1, 1))
    due(submit(commune), D(2026, 2, 11))
    assert services.send_deadline_reminders(D(2026, 2, 12)) == {"reminders": 0, "overdue": 2}
    assert len(sent_to(officer)) == len(sent_to(leader)) == 1
    for user in (front, resident, elsewhere, gone, expired):
        assert sent_to(user) == []


def test_an_inactive_handler_is_replaced_by_the_units_handlers(commune, officer):
    gone = staff(commune, is_active=False)
    due(submit(commune), D(2026, 2, 11), handler=gone)
    services.send_deadline_reminders(D(2026, 2, 12))
    assert len(sent_to(officer)) == 1 and sent_to(gone) == []


def test_a_commune_without_handlers_falls_back_to_the_province(commune):
    province_officer = staff(commune.parent, Role.PROVINCE_OFFICER)
    due(submit(commune), D(2026, 2, 11))
    assert services.send_deadline_reminders(D(2026, 2, 12)) == {"reminders": 0, "overdue": 1}
    assert len(sent_to(province_officer)) == 1


def test_a_user_without_email_hears_on_the_console(commune):
    officer = staff(commune, email="")
    due(submit(commune), D(2026, 2, 11), handler=officer)
    services.send_deadline_reminders(D(2026, 2, 12))
    message = Notification.objects.get(recipient=officer.username)
    assert message.channel == "console"


@pytest.mark.parametrize(
    "state", [State.RESOLVED, State.CLOSED, State.TRANSFERRED, State.WITHDRAWN, State.SPLIT]
)
def test_finished_petitions_are_not_reminded(commune, officer, state):
    petition = in_state(submit(commune), state)
    Petition.objects.filter(pk=petition.pk).update(due_on=D(2026, 2, 11), handler=officer)
    assert services.send_deadline_reminders(D(2026, 2, 12)) == {"reminders": 0, "overdue": 0}


def test_the_daily_job_is_registered_and_runs(commune, officer, monkeypatch):
    jobs.autodiscover()
    job = {job.name: job for job in jobs.registered_jobs()}["petitions.deadline_reminders"]
    assert job.every == timedelta(days=1)
    assert job.task is tasks.petition_deadline_reminders
    monkeypatch.setattr(reception, "send_answer_reminders", lambda: {"answers": 0}, raising=False)
    due(submit(commune), D(2026, 11, 19), handler=officer)
    counts = tasks.petition_deadline_reminders.call()
    assert counts["petition_overdue"] == 1 and counts["visit_answers"] == 0
    assert len(sent_to(officer)) == 1
