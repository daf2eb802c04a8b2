"""The demo petitions and reception of seed_demo: every state, overdue and late items, confidentiality,
idempotency, and the statistics identity on the demo data."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from dancoso.petitions import demo, reception, stats
from dancoso.petitions.models import (
    Channel,
    Kind,
    Petition,
    PetitionEvent,
    ProtectedIdentity,
    ReceptionSchedule,
    ReceptionSession,
    State,
    Visit,
)
from dancoso.portal import demo as portal_demo
from dancoso.units.models import Unit

pytestmark = pytest.mark.django_db

DENOUNCER = "Trịnh Văn Khải"  # the made-up confidential denouncer of demo.STORIES
VISITING_DENOUNCER = "Lưu Văn Tấn"  # the made-up denouncer who came to a reception


def make_demo_units() -> dict:
    report = portal_demo.SeedReport()
    portal_demo.ensure_tree(portal_demo.demo_tree(), None, report)
    portal_demo.ensure_logins(report)
    return {unit.code: unit for unit in Unit.objects.filter(code__in=["31", "31-AK", "31-PL", "31-HD", "37"])}


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    """The demo units and petitions, seeded once for the module in a transaction rolled back after its last
    test; each test runs in a savepoint inside it, so what one test changes the next does not see."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield make_demo_units(), demo.seed_petitions()
        transaction.set_rollback(True)


@pytest.fixture
def demo_units(db, demo_world):
    return demo_world[0]


@pytest.fixture
def seeded(db, demo_world):
    return demo_world[1]


def test_every_state_is_represented(seeded):
    states = set(Petition.objects.values_list("state", flat=True))
    assert states == set(State.values)


def test_every_kind_and_channel_is_represented(seeded):
    assert set(Petition.objects.values_list("kind", flat=True)) == set(Kind.values)
    assert set(Petition.objects.values_list("channel", flat=True)) == set(Channel.values)


def test_some_are_overdue_and_some_within_their_deadline(seeded):
    today = timezone.localdate()
    overdue = Petition.objects.overdue(today)
    overdue_states = set(overdue.values_list("state", flat=True))
    assert {State.RECEIVED, State.CLASSIFIED, State.ACCEPTED, State.VERIFYING} <= overdue_states
    assert Petition.objects.open().filter(due_on__gte=today).count() >= 5
    assert Petition.objects.filter(unit__code="31-AK").overdue(today).exists()


def test_resolved_late_and_on_time(seeded):
    resolved = Petition.objects.filter(state__in=[State.RESOLVED, State.CLOSED])
    assert resolved.filter(resolved_late=True).count() >= 2
    assert resolved.filter(resolved_late=False).count() >= 5
    for petition in resolved:
        assert petition.resolved_late == (petition.resolved_on > petition.resolution_due)


def test_no_date_is_in_the_future(seeded):
    today = timezone.localdate()
    for field in ("received_on", "accepted_on", "resolved_on", "closed_on"):
        assert not Petition.objects.filter(**{f"{field}__gt": today}).exists(), field
    assert not PetitionEvent.objects.filter(on__gt=today).exists()


def test_confidential_denunciation_keeps_the_identity_encrypted(seeded):
    denunciation = Petition.objects.get(kind=Kind.DENUNCIATION, is_anonymous=False, split_from=None)
    assert denunciation.is_confidential
    assert denunciation.petitioner_name == denunciation.petitioner_phone == ""
    assert denunciation.extensions == 1
    identity = ProtectedIdentity.objects.get(petition=denunciation)
    assert DENOUNCER.encode() not in bytes(identity.ciphertext)
    assert not Petition.objects.filter(petitioner_name=DENOUNCER).exists()
    assert not PetitionEvent.objects.filter(reason__contains=DENOUNCER).exists()


def test_anonymous_denunciation_is_not_processed(seeded):
    anonymous = Petition.objects.get(kind=Kind.DENUNCIATION, is_anonymous=True)
    assert anonymous.state == State.NOT_PROCESSED
    assert "Art. 25" in anonymous.state_reason or "Điều 25" in anonymous.state_reason


def test_mixed_letter_split_repeat_and_second_instance(seeded, demo_units):
    letter = Petition.objects.get(state=State.SPLIT)
    assert letter.kind == Kind.MIXED
    assert {p.kind for p in letter.parts.all()} == {Kind.COMPLAINT, Kind.PROPOSAL}

    repeat = Petition.objects.get(state=State.LINKED)
    assert repeat.linked_to.state == State.VERIFYING

    appeal = Petition.objects.get(instance=2)
    assert appeal.unit == demo_units["31"]
    assert appeal.appeal_of.unit == demo_units["31-AK"]
    assert appeal.appeal_of.state == State.RESOLVED
    assert appeal.received_on > appeal.appeal_of.resolved_on


def test_transferred_in_and_out(seeded):
    assert Petition.objects.filter(channel=Channel.TRANSFERRED_IN).exclude(transferred_from="").count() >= 3
    transferred = Petition.objects.filter(state=State.TRANSFERRED)
    assert all(p.transferred_to for p in transferred)
    late = PetitionEvent.objects.filter(action="transfer", data__late=True)
    assert late.exists() and PetitionEvent.objects.filter(action="transfer", data__late=False).exists()


def test_a_second_run_creates_nothing(seeded):
    def counts():
        return [
            model.objects.count()
            for model in (
                Petition,
                PetitionEvent,
                ProtectedIdentity,
                ReceptionSchedule,
                ReceptionSession,
                Visit,
            )
        ]

    before = counts()
    again = demo.seed_petitions()
    assert (
        again.petitions_created,
        again.schedules_created,
        again.sessions_created,
        again.visits_created,
    ) == (
        0,
        0,
        0,
        0,
    )
    assert counts() == before
    assert seeded.petitions_created == before[0]
    assert seeded.visits_created == before[-1]


def test_the_chairman_receives_every_week(seeded, demo_units):
    an_khanh = demo_units["31-AK"]
    chairman = ReceptionSchedule.objects.get(unit=an_khanh, host_is_head=True)
    assert chairman.weekday == ReceptionSchedule.Weekday.TUESDAY
    assert chairman.host.username == "chutich.ankhanh"
    assert reception.weekly_head_reception_ok(an_khanh)
    assert ReceptionSchedule.objects.filter(unit=an_khanh, host_is_head=False).exists()
    tuesdays = ReceptionSession.objects.filter(unit=an_khanh, schedule=chairman)
    assert tuesdays.count() >= 20
    assert {session.date.weekday() for session in tuesdays} == {1}


def test_reception_has_regular_ad_hoc_and_online_sessions_groups_and_answers(seeded, demo_units):
    today = timezone.localdate()
    figures = stats.reception_stats(demo_units["31"], today - timedelta(days=200), today)
    assert figures.regular_sessions >= 50
    assert figures.ad_hoc_sessions >= 2
    assert figures.online_sessions == 1
    assert figures.groups >= 3
    assert figures.persons > figures.visits > figures.cases
    assert figures.answered_on_time > figures.answered_late > 0
    assert figures.pending_overdue > 0
    assert figures.pending > figures.pending_overdue
    assert not Visit.objects.filter(date__gt=today).exists()
    assert not Visit.objects.filter(answered_on__gt=today).exists()


def test_groups_have_representatives_within_the_legal_number(seeded):
    groups = Visit.objects.filter(is_group=True)
    for visit in groups:
        assert visit.persons >= 5
        assert 1 <= len(visit.representatives) <= (2 if visit.persons <= 10 else 5)
    returning = groups.filter(persons=8).get()
    assert groups.filter(case_key=returning.case_key).count() == 2  # the same case, visited twice
    assert groups.filter(petition__isnull=False).get().petition.signers == 12


def test_the_visiting_denouncer_is_kept_confidential(seeded):
    visit = Visit.objects.get(kind=Kind.DENUNCIATION)
    assert visit.is_confidential
    assert visit.visitor_name == visit.visitor_phone == ""
    assert ProtectedIdentity.objects.filter(visit=visit).exists()
    assert not Visit.objects.filter(visitor_name=VISITING_DENOUNCER).exists()


def test_statistics_balance_for_the_demo(seeded, demo_units):
    today = timezone.localdate()
    for unit in demo_units.values():
        figures = stats.petition_stats(unit, today - timedelta(days=365), today)
        assert figures.balances, unit.code
    hai_phong = stats.petition_stats(demo_units["31"], today - timedelta(days=365), today)
    assert hai_phong.received == Petition.objects.counted().in_subtree(demo_units["31"]).count()
    assert min(hai_phong.by_bucket.values()) > 0
    assert hai_phong.resolved_late > 0 and hai_phong.in_progress_overdue > 0
    assert hai_phong.repeats_linked == 1
