"""Reception services (Luật Tiếp công dân 42/2013): schedule, sessions, the book's numbering, groups
(Art. 29–30), the Art. 28 answer and its deadline, confidentiality, reminders, petitions from visits.

Also holds the builders the other reception test files import (`officer_of`, `session_of`, `visit_in`).
"""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError

from dancoso.accounts.roles import Role
from dancoso.accounts.tests.factories import MembershipFactory, UserFactory
from dancoso.core.models import LedgerEntry, Notification
from dancoso.petitions import confidential, reception
from dancoso.petitions.models import Channel, Kind, Petition, ProtectedIdentity, ReceptionSchedule, Visit
from dancoso.units.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

D = date
TODAY = D(2026, 11, 20)  # a Friday; the services never read the real clock in these tests
PLANTED_NAME = "Phạm Thị Bí Mật"
PLANTED_PHONE = "0987654321"


# ------------------------------------------------------------------------------------------- builders


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(reception, "_today", lambda: TODAY)
    return TODAY


def officer_of(unit, role=Role.COMMUNE_OFFICER, **user_fields):
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, unit=unit, role=role)
    return user


SESSION_DAY = D(2026, 11, 17)  # a Tuesday, the default reception day of these tests


def session_of(unit, on=SESSION_DAY, actor=None, **kwargs):
    values = {"host_name": "Nguyễn Văn Chủ", "host_title": "Chủ tịch UBND xã", "location": "Trụ sở UBND"}
    return reception.open_session(unit, actor=actor, date=on, **{**values, **kwargs})


def visit_in(session, actor=None, **kwargs):
    values = {
        "visitor": {"name": "Trần Văn Đến", "address": "Thôn Đông", "phone": "0912 345 678"},
        "kind": Kind.PROPOSAL,
        "content": "Đề nghị sửa đường liên thôn bị sạt lở.",
        "request": "Sửa đường trước mùa mưa.",
    }
    return reception.record_visit(session, actor=actor, **{**values, **kwargs})


def reps(n: int) -> list[str]:
    return [f"Đại Diện {i}" for i in range(1, n + 1)]


@pytest.fixture
def commune(db):
    return UnitFactory(name="Xã An Khánh")


@pytest.fixture
def officer(commune):
    return officer_of(commune)


@pytest.fixture
def session(commune, officer):
    return session_of(commune, actor=officer)


def messages_of(error: ValidationError, field: str) -> str:
    return " ".join(error.message_dict.get(field, []))


# ------------------------------------------------------------------------------------------- schedule


def add_schedule(unit, actor, **kwargs):
    values = {
        "weekday": ReceptionSchedule.Weekday.TUESDAY,
        "start_time": time(7, 30),
        "end_time": time(11, 30),
        "host_title": "Chủ tịch UBND xã",
        "location": "Phòng tiếp công dân",
        "host_is_head": True,
        "valid_from": D(2026, 1, 1),
    }
    return reception.add_schedule(unit, actor=actor, **{**values, **kwargs})


def test_schedule_add_update_end_and_the_weekly_head_rule(commune, officer):
    assert not reception.weekly_head_reception_ok(commune, TODAY)
    schedule = add_schedule(commune, officer)
    assert reception.weekly_head_reception_ok(commune, TODAY)
    reception.update_schedule(schedule, actor=officer, weekday=ReceptionSchedule.Weekday.THURSDAY)
    schedule.refresh_from_db()
    assert schedule.weekday == ReceptionSchedule.Weekday.THURSDAY
    reception.end_schedule(schedule, actor=officer, valid_until=D(2026, 11, 19))
    assert not reception.weekly_head_reception_ok(commune, TODAY)
    assert reception.weekly_head_reception_ok(commune, D(2026, 11, 19))
    actions = list(LedgerEntry.objects.filter(action__startswith="petitions.reception_schedule"))
    assert [e.action for e in actions] == [
        "petitions.reception_schedule_added",
        "petitions.reception_schedule_changed",
        "petitions.reception_schedule_ended",
    ]


def test_an_online_day_or_a_deputy_does_not_satisfy_the_head_rule(commune, officer):
    add_schedule(commune, officer, is_online=True)
    add_schedule(commune, officer, host_is_head=False, host_title="Phó Chủ tịch UBND xã")
    assert not reception.weekly_head_reception_ok(commune, TODAY)


def test_schedule_refuses_bad_input_in_vietnamese(commune, officer):
    with pytest.raises(ValidationError) as caught:
        add_schedule(commune, officer, start_time=time(11), end_time=time(9), host_title=" ", location="")
    error = caught.value
    assert "sau giờ bắt đầu" in messages_of(error, "end_time")
    assert messages_of(error, "host_title") and messages_of(error, "location")
    assert not ReceptionSchedule.objects.exists()


def test_a_host_from_another_commune_is_refused(commune, officer):
    stranger = officer_of(UnitFactory(name="Xã Khác"))
    with pytest.raises(ValidationError) as caught:
        add_schedule(commune, officer, host=stranger)
    assert "host" in caught.value.message_dict


def test_a_schedule_cannot_end_before_it_started(commune, officer):
    schedule = add_schedule(commune, officer, valid_from=D(2026, 6, 1))
    with pytest.raises(ValidationError):
        reception.end_schedule(schedule, actor=officer, valid_until=D(2026, 5, 31))


# ------------------------------------------------------------------------------------------- sessions


def test_a_session_takes_host_place_and_times_from_its_schedule(commune, officer):
    schedule = add_schedule(commune, officer, host=officer)
    session = reception.open_session(commune, actor=officer, date=D(2026, 11, 17), schedule=schedule)
    assert session.host == officer and session.host_name == officer.get_full_name()
    assert session.host_is_head and session.location == "Phòng tiếp công dân"
    assert (session.start_time, session.end_time) == (time(7, 30), time(11, 30))


def test_a_session_needs_a_host_and_a_place(commune, officer):
    with pytest.raises(ValidationError) as caught:
        reception.open_session(commune, actor=officer, date=D(2026, 11, 17), kind="weekly", mode="fax")
    assert set(caught.value.message_dict) >= {"host_name", "location", "kind", "mode"}


def test_a_session_date_is_fixed_once_visits_are_in_the_book(session, officer):
    visit_in(session, actor=officer)
    with pytest.raises(ValidationError) as caught:
        reception.update_session(session, actor=officer, date=D(2026, 11, 18))
    assert "date" in caught.value.message_dict
    reception.update_session(session, actor=officer, location="Hội trường UBND")
    session.refresh_from_db()
    assert session.location == "Hội trường UBND" and session.date == D(2026, 11, 17)


# ------------------------------------------------------------------------------------------- numbering


def test_numbers_run_per_unit_and_restart_each_year(commune, officer):
    december = session_of(commune, on=D(2025, 12, 30), actor=officer)
    january = session_of(commune, on=D(2026, 1, 5), actor=officer)
    first, second = visit_in(december, actor=officer), visit_in(december, actor=officer)
    new_year = visit_in(january, actor=officer)
    other = visit_in(session_of(UnitFactory(), on=D(2025, 12, 30)))
    assert [(v.number, v.year) for v in (first, second, new_year)] == [(1, 2025), (2, 2025), (1, 2026)]
    assert (other.number, other.year) == (1, 2025)
    assert visit_in(december, actor=officer).number == 3


def test_a_visit_cannot_be_recorded_before_the_reception_takes_place(commune, officer):
    planned = session_of(commune, on=D(2026, 11, 24), actor=officer)
    with pytest.raises(ValidationError) as caught:
        visit_in(planned, actor=officer)
    assert "chưa diễn ra" in messages_of(caught.value, "date")


def test_every_visit_is_a_new_case_unless_it_reuses_one(session, officer):
    first = visit_in(session, actor=officer)
    second = visit_in(session, actor=officer)
    by_key = visit_in(session, actor=officer, case_key=first.case_key)
    by_number = visit_in(session, actor=officer, case_key=f"{first.number}/{first.year}")
    assert first.case_key != second.case_key
    assert by_key.case_key == by_number.case_key == first.case_key
    with pytest.raises(ValidationError) as caught:
        visit_in(session, actor=officer, case_key="VV-KHONG-CO")
    assert "case_key" in caught.value.message_dict


# ------------------------------------------------------------------------------------------- groups


@pytest.mark.parametrize(
    ("persons", "is_group", "representatives", "field"),
    [
        (4, True, 1, "persons"),  # a group has at least 5 persons (Art. 29)
        (4, False, 0, None),
        (5, False, 0, "is_group"),  # 5 people about one matter are a group
        (5, True, 0, "representatives"),  # representatives must be named
        (5, True, 1, None),
        (5, True, 2, None),
        (5, True, 3, "representatives"),  # 5–10 people: 1–2 representatives (Art. 30)
        (10, True, 2, None),
        (10, True, 3, "representatives"),
        (11, True, 3, None),
        (11, True, 5, None),  # more than 10: up to 5
        (11, True, 6, "representatives"),
    ],
)
def test_group_rules(session, officer, persons, is_group, representatives, field):
    arguments = {"persons": persons, "is_group": is_group, "representatives": reps(representatives)}
    if field is None:
        visit = visit_in(session, actor=officer, **arguments)
        assert visit.persons == persons and len(visit.representatives) == representatives
        return
    with pytest.raises(ValidationError) as caught:
        visit_in(session, actor=officer, **arguments)
    assert field in caught.value.message_dict
    assert not Visit.objects.exists()


def test_representatives_must_be_named_and_only_groups_have_them(session, officer):
    with pytest.raises(ValidationError) as caught:
        visit_in(session, actor=officer, persons=6, is_group=True, representatives=[{"address": "Thôn Tây"}])
    assert "representatives" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        visit_in(session, actor=officer, representatives=["Lê Văn Một"])
    assert "đoàn đông người" in messages_of(caught.value, "representatives")


def test_a_group_message_is_clear(session, officer):
    with pytest.raises(ValidationError) as caught:
        visit_in(session, actor=officer, persons=11, is_group=True, representatives=reps(6))
    assert messages_of(caught.value, "representatives") == (
        "Đoàn 11 người chỉ được cử tối đa 5 người đại diện (Luật Tiếp công dân Điều 30); đã ghi 6 người."
    )


def test_a_group_without_a_visitor_name_is_written_under_its_first_representative(session, officer):
    visit = visit_in(
        session,
        actor=officer,
        visitor={},
        persons=12,
        is_group=True,
        representatives=["Lê Văn Một, Thôn Tây, 0911 222 333", "Hà Thị Hai"],
    )
    assert visit.visitor_name == "Lê Văn Một"
    assert visit.representatives[0] == {"name": "Lê Văn Một", "address": "Thôn Tây", "phone": "0911222333"}


def test_representatives_text_round_trips():
    text = "Lê Văn Một, Số 5, Thôn Tây, 0911 222 333\nHà Thị Hai"
    parsed = reception.parse_representatives(text)
    assert parsed[0] == reception.Representative("Lê Văn Một", "Số 5, Thôn Tây", "0911222333")
    again = reception.parse_representatives(reception.format_representatives([r.as_dict() for r in parsed]))
    assert again == parsed


# ------------------------------------------------------------------------------------------- the answer


def test_answer_due_is_10_working_days_and_skips_holidays(commune, officer):
    """Art. 28: 10 working days. From Tuesday 29/04/2025 the days 30/4 and 1/5 are public holidays and 2/5 was
    the official day off swapped for a Saturday, so the 10th working day is Friday 16/05/2025, not 13/05."""
    visit = visit_in(session_of(commune, on=D(2025, 4, 29), actor=officer), actor=officer)
    assert visit.answer_due == D(2025, 5, 16)


def test_an_answer_on_the_due_day_is_on_time_and_after_it_late(session, officer):
    visit = visit_in(session, actor=officer)
    assert visit.answer_due == D(2026, 12, 2)  # 24/11/2026, Ngày Văn hóa Việt Nam, is a day off
    reception.answer_visit(visit, actor=officer, answer=Visit.Answer.ACCEPTED, answered_on=D(2026, 11, 19))
    visit.refresh_from_db()
    assert visit.answer == Visit.Answer.ACCEPTED and not reception.is_answer_late(visit)

    old = visit_in(session_of(session.unit, on=D(2026, 10, 1), actor=officer), actor=officer)
    assert reception.is_answer_overdue(old, TODAY)
    reception.answer_visit(old, actor=officer, answer=Visit.Answer.GUIDED, answered_on=D(2026, 10, 20))
    old.refresh_from_db()
    assert reception.is_answer_late(old) and not reception.is_answer_overdue(old, TODAY)
    entry = LedgerEntry.objects.filter(action="petitions.visit_answered").latest("seq")
    assert entry.payload["late"] is True


@pytest.mark.parametrize(
    ("answer", "reason", "answered_on", "field"),
    [
        ("", "", D(2026, 11, 18), "answer"),
        (Visit.Answer.REFUSED, "", D(2026, 11, 18), "reason"),
        (Visit.Answer.TRANSFERRED, "", D(2026, 11, 18), "reason"),
        (Visit.Answer.ACCEPTED, "", D(2026, 11, 21), "answered_on"),  # tomorrow
        (Visit.Answer.ACCEPTED, "", D(2026, 11, 16), "answered_on"),  # before the visit
    ],
)
def test_bad_answers_are_refused(session, officer, answer, reason, answered_on, field):
    visit = visit_in(session, actor=officer)
    with pytest.raises(ValidationError) as caught:
        reception.answer_visit(visit, actor=officer, answer=answer, reason=reason, answered_on=answered_on)
    assert field in caught.value.message_dict
    visit.refresh_from_db()
    assert visit.answer == "" and visit.answered_on is None


def test_refusal_with_reason_and_transfer_with_body_are_kept(session, officer):
    visit = visit_in(session, actor=officer)
    reception.answer_visit(
        visit, actor=officer, answer=Visit.Answer.TRANSFERRED, reason="Thanh tra tỉnh", answered_on=TODAY
    )
    visit.refresh_from_db()
    assert (visit.answer, visit.answer_reason, visit.answered_on) == ("transferred", "Thanh tra tỉnh", TODAY)


# ------------------------------------------------------------------------------------------- confidentiality


def _visible_text(visit: Visit) -> str:
    values = [str(getattr(visit, f.attname)) for f in Visit._meta.concrete_fields]
    return " ".join(values)


def test_a_confidential_visit_keeps_the_identity_only_encrypted(session, officer):
    visit = visit_in(
        session,
        actor=officer,
        visitor={"name": PLANTED_NAME, "address": "Xóm Kín", "phone": PLANTED_PHONE},
        confidential=True,
    )
    visit.refresh_from_db()
    assert visit.is_confidential
    assert visit.visitor_name == visit.visitor_address == visit.visitor_phone == ""
    assert PLANTED_NAME not in _visible_text(visit) and PLANTED_PHONE not in _visible_text(visit)
    identity = ProtectedIdentity.objects.get(visit=visit)
    assert PLANTED_NAME.encode() not in bytes(identity.ciphertext)
    assert confidential.decrypt_identity(identity.ciphertext)["name"] == PLANTED_NAME
    for entry in LedgerEntry.objects.all():
        assert PLANTED_NAME not in str(entry.payload) and PLANTED_PHONE not in str(entry.payload)


def test_a_denunciation_visit_is_always_confidential_with_its_group(session, officer):
    visit = visit_in(
        session,
        actor=officer,
        kind=Kind.DENUNCIATION,
        visitor={"name": PLANTED_NAME},
        persons=6,
        is_group=True,
        representatives=[PLANTED_NAME, "Vũ Văn Kín"],
    )
    visit.refresh_from_db()
    assert visit.is_confidential and visit.visitor_name == ""
    assert visit.representatives == [{"name": ""}, {"name": ""}]
    assert "Vũ Văn Kín" not in _visible_text(visit)
    note = confidential.decrypt_identity(ProtectedIdentity.objects.get(visit=visit).ciphertext)["note"]
    assert "Vũ Văn Kín" in note


def test_reveal_identity_of_a_visit_needs_the_permission_and_writes_the_ledger(session, officer):
    from django.core.exceptions import PermissionDenied

    from dancoso.petitions import services

    visit = visit_in(session, actor=officer, visitor={"name": PLANTED_NAME}, confidential=True)
    with pytest.raises(PermissionDenied):
        services.reveal_identity(visit, actor=officer, reason="Xác minh")
    leader = officer_of(session.unit, role=Role.COMMUNE_LEADER)
    assert services.reveal_identity(visit, actor=leader, reason="Xác minh")["name"] == PLANTED_NAME
    assert LedgerEntry.objects.filter(action="petitions.identity_revealed").count() == 1


# ------------------------------------------------------------------------------------------- petitions


def test_a_visit_can_open_a_petition_linked_to_it(session, officer):
    visit = visit_in(session, actor=officer, kind=Kind.COMPLAINT, create_petition=True)
    visit.refresh_from_db()
    petition = visit.petition
    assert petition.channel == Channel.IN_PERSON and petition.kind == Kind.COMPLAINT
    assert petition.received_on == visit.date and petition.petitioner_name == "Trần Văn Đến"
    with pytest.raises(ValidationError):
        reception.petition_from_visit(visit, actor=officer)


def test_a_petition_from_a_confidential_visit_stays_confidential(session, officer):
    visit = visit_in(
        session, actor=officer, kind=Kind.DENUNCIATION, visitor={"name": PLANTED_NAME, "phone": PLANTED_PHONE}
    )
    petition = reception.petition_from_visit(visit, actor=officer, title="Tố cáo cán bộ địa chính")
    petition.refresh_from_db()
    assert petition.is_confidential and petition.petitioner_name == "" and petition.petitioner_phone == ""
    assert petition.phone_digest  # the denouncer can still follow it with the tracking code and phone
    assert confidential.decrypt_identity(petition.protected_identity.ciphertext)["name"] == PLANTED_NAME
    assert Visit.objects.get(pk=visit.pk).petition_id == petition.pk
    assert Petition.objects.count() == 1


# ------------------------------------------------------------------------------------------- reminders


def test_answer_reminders_go_to_the_host_once(commune, officer):
    host = officer_of(commune, role=Role.COMMUNE_LEADER, email="chutich@example.vn")
    soon = visit_in(session_of(commune, on=D(2026, 11, 9), actor=officer, host=host), actor=officer)
    late = visit_in(session_of(commune, on=D(2026, 11, 2), actor=officer), actor=officer)
    answered = visit_in(session_of(commune, on=D(2026, 11, 2), actor=officer), actor=officer)
    reception.answer_visit(answered, actor=officer, answer=Visit.Answer.ACCEPTED, answered_on=TODAY)
    far = visit_in(session_of(commune, on=TODAY, actor=officer), actor=officer)
    assert soon.answer_due == D(2026, 11, 23) and late.answer_due == D(2026, 11, 16)

    counts = reception.send_answer_reminders(today=TODAY)
    assert counts == {"visit_reminders": 1, "visit_overdue": 1}
    sent = Notification.objects.filter(dedupe_key__startswith="visit-")
    to_host = sent.get(dedupe_key__startswith=f"visit-reminder:{soon.pk}:")
    assert to_host.recipient == "chutich@example.vn" and "23/11/2026" in to_host.subject
    overdue = sent.filter(dedupe_key__startswith=f"visit-overdue:{late.pk}:")
    assert set(overdue.values_list("recipient", flat=True)) == {officer.email, host.email}
    assert not sent.filter(dedupe_key__contains=f":{far.pk}:").exists()
    assert not sent.filter(dedupe_key__contains=f":{answered.pk}:").exists()

    before = sent.count()
    reception.send_answer_reminders(today=TODAY)
    assert Notification.objects.filter(dedupe_key__startswith="visit-").count() == before


def test_reminders_never_carry_a_confidential_identity(session, officer):
    visit_in(
        session_of(session.unit, on=D(2026, 11, 2), actor=officer),
        actor=officer,
        kind=Kind.DENUNCIATION,
        visitor={"name": PLANTED_NAME},
        content="Tố cáo ông Lê Văn Cán nhận tiền",
    )
    reception.send_answer_reminders(today=TODAY)
    for notification in Notification.objects.all():
        assert PLANTED_NAME not in notification.subject + notification.body
        assert "Lê Văn Cán" not in notification.body


# ------------------------------------------------------------------------------------------- concurrency


@pytest.mark.django_db(transaction=True)
def test_concurrent_recorders_get_distinct_numbers():
    """Two officers writing in the same book at once: the unit row lock serialises the numbering."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes one transaction at a time; row locks need PostgreSQL")
    commune = UnitFactory(name="Xã Song Song")
    session = session_of(commune)
    workers = 6
    barrier = Barrier(workers)

    def record(n: int) -> int:
        try:
            barrier.wait(timeout=10)
            return visit_in(session, content=f"Nội dung {n}").number
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        numbers = sorted(pool.map(record, range(workers)))
    assert numbers == list(range(1, workers + 1))
