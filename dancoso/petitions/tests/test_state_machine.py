"""The petition workflow as a state machine: every action from every state.

An action from a state it does not start from is refused with `IllegalTransition` and changes nothing (no
event, no ledger entry, the state unchanged); from the states it does start from it succeeds and leaves
exactly one event on the petition and one ledger entry `petitions.<action>`.
"""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from dancoso.core.models import LedgerEntry
from dancoso.petitions import legal, services
from dancoso.petitions.models import (
    OPEN_STATES,
    UNCOUNTED_STATES,
    Complexity,
    Kind,
    Petition,
    PetitionEvent,
    ProtectedIdentity,
    State,
)
from dancoso.petitions.tests.test_services import in_state, petitioner, staff, submit
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


# What each action needs besides the petition; `prepare` puts the petition's fields where the action's
# other checks pass, so that only the state decides.
def _classify(petition, ctx):
    return services.classify_petition(petition, actor=ctx.officer, is_eligible=True, within_competence=True)


def _split(petition, ctx):
    parts = [
        {"kind": Kind.COMPLAINT, "title": "Khiếu nại thu hồi đất"},
        {"kind": Kind.PROPOSAL, "title": "Kiến nghị sửa đường"},
    ]
    return services.split_petition(petition, actor=ctx.officer, parts=parts)


def _link(petition, ctx):
    return services.link_repeat(petition, actor=ctx.officer, earlier=ctx.earlier)


def _accept(petition, ctx):
    return services.accept_petition(petition, actor=ctx.officer, accepted_on=D(2026, 3, 5))


def _transfer(petition, ctx):
    return services.transfer_petition(
        petition, actor=ctx.officer, to_body="Sở Xây dựng", letter_number="5/CV"
    )


def _guide(petition, ctx):
    return services.guide_petitioner(petition, actor=ctx.officer, to_body="Tòa án", guidance="Gửi Tòa án")


def _not_process(petition, ctx):
    return services.not_process_petition(petition, actor=ctx.officer, reason="Đơn không ký tên")


def _start_verification(petition, ctx):
    return services.start_verification(petition, actor=ctx.officer)


def _extend(petition, ctx):
    return services.extend_deadline(
        petition, actor=ctx.officer, reason="Phức tạp", complexity=Complexity.COMPLEX
    )


def _resolve(petition, ctx):
    return services.resolve_petition(
        petition,
        actor=ctx.officer,
        outcome="Giữ nguyên",
        decision_number="9/QĐ-UBND",
        resolved_on=D(2026, 3, 20),
    )


def _close(petition, ctx):
    return services.close_petition(petition, actor=ctx.officer)


def _withdraw(petition, ctx):
    return services.withdraw_petition(
        petition, actor=ctx.officer, reason="Đơn xin rút", withdrawn_on=D(2026, 3, 20)
    )


def _assign(petition, ctx):
    return services.assign_handler(petition, actor=ctx.officer, handler=ctx.officer)


ACTIONS = {
    "classify": (_classify, {}),
    "split": (_split, {"kind": Kind.MIXED}),
    "link_repeat": (_link, {}),
    "accept": (_accept, {"is_eligible": True, "within_competence": True}),
    "transfer": (_transfer, {"within_competence": False}),
    "guide": (_guide, {"within_competence": False}),
    "not_process": (_not_process, {}),
    "start_verification": (_start_verification, {}),
    "extend": (_extend, {}),
    "resolve": (_resolve, {}),
    "close": (_close, {}),
    "withdraw": (_withdraw, {}),
    "assign": (_assign, {}),
}


class Context:
    def __init__(self, commune, officer):
        self.officer = officer
        self.earlier = submit(commune, received_on=D(2026, 3, 1))


INTAKE = {State.RECEIVED, State.CLASSIFIED}
WORKING = {State.ACCEPTED, State.VERIFYING}
# The workflow of issue 3 / docs/petitions.md, written out: the table in services must say the same.
EXPECTED_TRANSITIONS = {
    "classify": INTAKE,
    "split": INTAKE,
    "link_repeat": INTAKE,
    "accept": {State.CLASSIFIED},
    "transfer": INTAKE,
    "guide": INTAKE,
    "not_process": INTAKE,
    "start_verification": {State.ACCEPTED},
    "extend": WORKING,
    "resolve": WORKING,
    "close": {State.RESOLVED},
    "withdraw": INTAKE | WORKING,
    "assign": INTAKE | WORKING,
}


def test_the_transition_table_is_the_documented_workflow():
    assert {action: set(states) for action, states in services.TRANSITIONS.items()} == EXPECTED_TRANSITIONS
    assert set(OPEN_STATES) == INTAKE | WORKING
    # nothing leaves a final state
    final = set(State) - INTAKE - WORKING - {State.RESOLVED}
    assert not any(final & set(states) for states in services.TRANSITIONS.values())


def test_every_action_of_the_table_is_exercised():
    assert set(ACTIONS) == set(services.TRANSITIONS)


def _cases(allowed: bool):
    for action, states in services.TRANSITIONS.items():
        for state in State:
            if (state in states) == allowed:
                yield pytest.param(action, state, id=f"{action}-from-{state.value}")


def _petition_in(commune, state, action) -> Petition:
    _, fields = ACTIONS[action]
    kind = fields.get("kind", Kind.COMPLAINT)
    petition = submit(commune, kind=kind, received_on=D(2026, 3, 2))
    values = {key: value for key, value in fields.items() if key != "kind"}
    return in_state(petition, state, **values)


def _trail(petition) -> tuple[int, int]:
    events = PetitionEvent.objects.filter(petition=petition).count()
    entries = LedgerEntry.objects.filter(object_type="petitions.petition", object_id=str(petition.pk)).count()
    return events, entries


@pytest.mark.parametrize(("action", "state"), list(_cases(allowed=False)))
def test_illegal_transition_is_refused_and_changes_nothing(commune, officer, action, state):
    ctx = Context(commune, officer)
    petition = _petition_in(commune, state, action)
    before_row = Petition.objects.filter(pk=petition.pk).values().get()
    before_trail, petitions = _trail(petition), Petition.objects.count()
    call, _ = ACTIONS[action]
    with translation.override("vi"), pytest.raises(services.IllegalTransition) as caught:
        call(petition, ctx)
    assert "Không thể thực hiện bước này" in caught.value.messages[0]
    assert Petition.objects.filter(pk=petition.pk).values().get() == before_row
    assert _trail(petition) == before_trail
    assert Petition.objects.count() == petitions


@pytest.mark.parametrize(("action", "state"), list(_cases(allowed=True)))
def test_allowed_transition_writes_one_event_and_one_ledger_entry(commune, officer, action, state):
    ctx = Context(commune, officer)
    petition = _petition_in(commune, state, action)
    events, entries = _trail(petition)
    call, _ = ACTIONS[action]
    call(petition, ctx)
    petition.refresh_from_db()
    assert _trail(petition) == (events + 1, entries + 1)
    event = PetitionEvent.objects.filter(petition=petition).latest("pk")
    entry = LedgerEntry.objects.filter(object_id=str(petition.pk), object_type="petitions.petition").latest(
        "seq"
    )
    assert (event.action, entry.action) == (action, f"petitions.{action}")
    assert (event.actor, entry.actor_id) == (officer, officer.pk)
    assert (event.from_state, event.to_state) == (state, petition.state)
    assert event.due_after == petition.due_on
    assert entry.payload["state"] == petition.state == event.to_state


# ------------------------------------------------------------------------------------------- paths


def test_the_whole_path_of_a_complaint(commune, officer):
    petition = submit(commune, received_on=D(2026, 3, 2))
    petition = services.classify_petition(petition, actor=officer, is_eligible=True, within_competence=True)
    petition = services.accept_petition(petition, actor=officer, accepted_on=D(2026, 3, 5))
    petition = services.start_verification(petition, actor=officer)
    petition = _extend(petition, type("Ctx", (), {"officer": officer}))
    petition = services.resolve_petition(
        petition,
        actor=officer,
        outcome="Công nhận một phần",
        decision_number="3/QĐ-UBND",
        resolved_on=D(2026, 4, 1),
    )
    petition = services.close_petition(petition, actor=officer)
    steps = list(petition.events.values_list("action", "from_state", "to_state"))
    assert steps == [
        ("received", "", State.RECEIVED),
        ("classify", State.RECEIVED, State.CLASSIFIED),
        ("accept", State.CLASSIFIED, State.ACCEPTED),
        ("start_verification", State.ACCEPTED, State.VERIFYING),
        ("extend", State.VERIFYING, State.VERIFYING),
        ("resolve", State.VERIFYING, State.RESOLVED),
        ("close", State.RESOLVED, State.CLOSED),
    ]
    assert (petition.resolved_on, petition.resolved_late, petition.closed_on) == (
        D(2026, 4, 1),
        False,
        D(2026, 11, 20),
    )
    # acceptance 10 working days from 02/03; 30 days from 05/03 end Sat 04/04 → Mon 06/04; complex: 45 → Mon 20/04
    assert [event.due_after for event in petition.events.all()] == [
        D(2026, 3, 16),
        D(2026, 3, 16),
        D(2026, 4, 6),
        D(2026, 4, 6),
        D(2026, 4, 20),
        None,
        None,
    ]


@pytest.mark.parametrize("state", sorted(OPEN_STATES))
def test_withdrawal_from_every_open_state(commune, officer, state):
    petition = in_state(submit(commune), state)
    withdrawn = _withdraw(petition, type("Ctx", (), {"officer": officer}))
    assert (withdrawn.state, withdrawn.due_on, withdrawn.state_reason) == (
        State.WITHDRAWN,
        None,
        "Đơn xin rút",
    )
    assert withdrawn.events.latest("pk").on == D(2026, 3, 20)


def test_withdrawal_needs_how_and_not_before_receipt(commune, officer):
    petition = submit(commune, received_on=D(2026, 3, 2))
    with pytest.raises(ValidationError):
        services.withdraw_petition(petition, actor=officer, reason=" ")
    with pytest.raises(ValidationError):
        services.withdraw_petition(petition, actor=officer, reason="Rút", withdrawn_on=D(2026, 3, 1))


# ------------------------------------------------------------------------------------------- accept / resolve


@pytest.mark.parametrize(
    ("fields", "kind"),
    [
        pytest.param({"is_eligible": False, "within_competence": True}, Kind.COMPLAINT, id="ineligible"),
        pytest.param(
            {"is_eligible": None, "within_competence": True}, Kind.COMPLAINT, id="eligibility-unknown"
        ),
        pytest.param(
            {"is_eligible": True, "within_competence": False}, Kind.COMPLAINT, id="outside-competence"
        ),
        pytest.param({"is_eligible": True, "within_competence": True}, Kind.MIXED, id="mixed-not-split"),
        pytest.param(
            {"is_eligible": True, "within_competence": True, "is_anonymous": True},
            Kind.COMPLAINT,
            id="anonymous",
        ),
    ],
)
def test_accept_refuses(commune, officer, fields, kind):
    petition = in_state(submit(commune, kind=kind), State.CLASSIFIED, **fields)
    with pytest.raises(ValidationError):
        _accept(petition, type("Ctx", (), {"officer": officer}))
    petition.refresh_from_db()
    assert petition.state == State.CLASSIFIED and petition.accepted_on is None


def test_accept_refuses_a_date_before_receipt_or_in_the_future(commune, officer):
    petition = in_state(
        submit(commune, received_on=D(2026, 3, 2)), State.CLASSIFIED, is_eligible=True, within_competence=True
    )
    for day in (D(2026, 3, 1), D(2026, 11, 21)):
        with pytest.raises(ValidationError) as caught:
            services.accept_petition(petition, actor=officer, accepted_on=day)
        assert "accepted_on" in caught.value.message_dict


def test_resolve_refuses_before_acceptance_and_without_a_decision_number(commune, officer):
    petition = in_state(submit(commune), State.ACCEPTED, accepted_on=D(2026, 3, 5))
    with pytest.raises(ValidationError) as caught:
        services.resolve_petition(
            petition, actor=officer, outcome="Giữ nguyên", decision_number="1/QĐ", resolved_on=D(2026, 3, 4)
        )
    assert "resolved_on" in caught.value.message_dict
    for kind in (Kind.COMPLAINT, Kind.DENUNCIATION):
        case = in_state(submit(commune, kind=kind), State.VERIFYING)
        with pytest.raises(ValidationError) as caught:
            services.resolve_petition(case, actor=officer, outcome="Kết luận", resolved_on=D(2026, 3, 20))
        assert "decision_number" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.resolve_petition(petition, actor=officer, outcome=" ", decision_number="1/QĐ")
    assert "outcome" in caught.value.message_dict
    report = in_state(submit(commune, kind=Kind.REPORT), State.ACCEPTED)
    answered = services.resolve_petition(
        report, actor=officer, outcome="Đã xử lý", resolved_on=D(2026, 3, 20)
    )
    assert answered.state == State.RESOLVED and answered.decision_number == ""


# ------------------------------------------------------------------------------------------- classification


def test_anonymous_denunciation_is_not_processed_with_the_article_25_reason(commune, officer):
    petition = submit(commune, kind=Kind.DENUNCIATION, anonymous=True, sender=services.Petitioner())
    assert not petition.is_confidential and not ProtectedIdentity.objects.exists()
    done = services.classify_petition(
        petition, actor=officer, is_eligible=False, within_competence=True, refer_for_inspection=True
    )
    assert done.state == State.NOT_PROCESSED and done.due_on is None
    assert "Điều 25" in done.state_reason and "Luật Tố cáo" in done.state_reason
    event = done.events.latest("pk")
    assert (event.action, event.from_state, event.data["refer_for_inspection"]) == (
        "not_process",
        State.RECEIVED,
        True,
    )
    assert LedgerEntry.objects.filter(action="petitions.not_process", object_id=str(done.pk)).count() == 1


def test_anonymous_report_reclassified_as_denunciation_is_not_processed(commune, officer):
    petition = submit(commune, kind=Kind.REPORT, anonymous=True, sender=services.Petitioner())
    done = services.classify_petition(
        petition, actor=officer, kind=Kind.DENUNCIATION, is_eligible=True, within_competence=True
    )
    assert done.state == State.NOT_PROCESSED and done.kind == Kind.DENUNCIATION


def test_classification_records_signers_and_refuses_bad_values(commune, officer):
    petition = submit(commune)
    with pytest.raises(ValidationError):
        services.classify_petition(
            petition, actor=officer, kind="x", is_eligible=True, within_competence=True
        )
    with pytest.raises(ValidationError):
        services.classify_petition(
            petition, actor=officer, complexity="x", is_eligible=True, within_competence=True
        )
    with pytest.raises(ValidationError):
        services.classify_petition(
            petition, actor=officer, signers=0, is_eligible=True, within_competence=True
        )
    done = services.classify_petition(
        petition,
        actor=officer,
        signers=legal.MANY_SIGNERS,
        has_originals=True,
        is_eligible=True,
        within_competence=True,
    )
    assert done.events.latest("pk").data["many_signers"] is True
    assert (done.signers, done.has_originals) == (5, True)


# ------------------------------------------------------------------------------------------- split


def test_split_makes_parts_with_their_own_rules(commune, officer):
    letter = submit(commune, kind=Kind.MIXED, received_on=D(2026, 2, 12))
    parts = services.split_petition(
        letter,
        actor=officer,
        parts=[
            {"kind": Kind.COMPLAINT, "title": "Khiếu nại thu hồi đất", "content": "Nội dung khiếu nại"},
            {"kind": Kind.DENUNCIATION, "title": "Tố cáo cán bộ địa chính"},
            {"kind": Kind.REPORT, "title": "Phản ánh rác thải"},
        ],
    )
    letter.refresh_from_db()
    assert letter.state == State.SPLIT and letter.state in UNCOUNTED_STATES and letter.due_on is None
    assert [part.kind for part in parts] == [Kind.COMPLAINT, Kind.DENUNCIATION, Kind.REPORT]
    assert len({part.tracking_code for part in parts} | {letter.tracking_code}) == 4
    assert all(part.split_from == letter and part.received_on == letter.received_on for part in parts)
    # each part on its own acceptance rule: complaint 10 wd (05/03), denunciation 7 wd (02/03), report 10 wd
    assert [part.due_on for part in parts] == [D(2026, 3, 5), D(2026, 3, 2), D(2026, 3, 5)]
    assert parts[1].content == "Tố cáo cán bộ địa chính"
    assert letter.events.latest("pk").data["parts"] == [part.tracking_code for part in parts]
    for part in parts:
        assert list(part.events.values_list("action", flat=True)) == ["received"]
        assert LedgerEntry.objects.filter(object_id=str(part.pk), action="petitions.received").count() == 1
    # a denunciation among the parts: the letter and every part keep the identity encrypted
    for row in [letter, *parts]:
        row.refresh_from_db()
        assert row.is_confidential and row.petitioner_name == "" and row.protected_identity is not None


def test_split_without_a_denunciation_keeps_the_identity_in_the_clear(commune, officer):
    letter = submit(commune, kind=Kind.MIXED)
    parts = _split(letter, type("Ctx", (), {"officer": officer}))
    assert all(part.petitioner_name == "Nguyễn Văn An" and not part.is_confidential for part in parts)


@pytest.mark.parametrize(
    "parts",
    [
        pytest.param([{"kind": Kind.COMPLAINT, "title": "Một phần"}], id="one-part"),
        pytest.param(
            [{"kind": Kind.COMPLAINT, "title": "A"}, {"kind": Kind.MIXED, "title": "B"}], id="mixed-part"
        ),
        pytest.param(
            [{"kind": Kind.COMPLAINT, "title": "A"}, {"kind": Kind.REPORT, "title": " "}], id="no-title"
        ),
        pytest.param([{"kind": Kind.COMPLAINT, "title": "A"}, {"title": "B"}], id="no-kind"),
    ],
)
def test_split_refuses_bad_parts_and_writes_nothing(commune, officer, parts):
    letter = submit(commune, kind=Kind.MIXED)
    count, trail = Petition.objects.count(), _trail(letter)
    with pytest.raises(ValidationError):
        services.split_petition(letter, actor=officer, parts=parts)
    assert Petition.objects.count() == count and _trail(letter) == trail


# ------------------------------------------------------------------------------------------- link


def test_link_repeat_follows_the_earlier_petition(commune, officer):
    earlier = submit(commune, received_on=D(2026, 3, 1))
    repeat = submit(commune, received_on=D(2026, 3, 10))
    linked = services.link_repeat(repeat, actor=officer, earlier=earlier, note="Cùng nội dung")
    assert (linked.state, linked.linked_to, linked.due_on) == (State.LINKED, earlier, None)
    assert State.LINKED in UNCOUNTED_STATES
    mark = earlier.events.latest("pk")
    assert (mark.action, mark.data, mark.to_state, mark.is_public) == (
        "repeat_received",
        {"repeat": repeat.tracking_code},
        earlier.state,
        False,
    )


def test_link_repeat_refusals(commune, officer):
    earlier = submit(commune, received_on=D(2026, 3, 5))
    later = submit(commune, received_on=D(2026, 3, 10))
    split_letter = in_state(submit(commune, received_on=D(2026, 3, 1)), State.SPLIT)
    elsewhere = submit(UnitFactory(), received_on=D(2026, 3, 1))
    refusals = [
        (later, later),  # itself
        (later, split_letter),  # not followed
        (later, elsewhere),  # another unit
        (earlier, later),  # received after it
    ]
    for petition, target in refusals:
        with pytest.raises(ValidationError) as caught:
            services.link_repeat(petition, actor=officer, earlier=target)
        assert "earlier" in caught.value.message_dict
    assert not Petition.objects.filter(state=State.LINKED).exists()


# ------------------------------------------------------------------------------------------- appeals


@pytest.fixture
def decided(commune):
    """A first complaint decided on Thu 05/03/2026: the appeal window ends Mon 06/04/2026 (Art. 33)."""
    return in_state(submit(commune), State.RESOLVED, resolved_on=D(2026, 3, 5))


def test_second_complaint_within_the_window(commune, officer, decided):
    province = commune.parent
    appeal = services.file_second_complaint(
        decided,
        actor=officer,
        unit=province,
        content="Không đồng ý quyết định lần đầu",
        received_on=D(2026, 4, 6),
    )
    assert (appeal.instance, appeal.appeal_of, appeal.unit, appeal.kind) == (
        2,
        decided,
        province,
        Kind.COMPLAINT,
    )
    assert appeal.petitioner_name == "Nguyễn Văn An"
    assert decided.tracking_code in appeal.title
    mark = decided.events.latest("pk")
    assert (mark.action, mark.data, mark.is_public) == ("appealed", {"appeal": appeal.tracking_code}, True)
    assert LedgerEntry.objects.filter(action="petitions.appealed", object_id=str(decided.pk)).count() == 1
    # Art. 37: the second instance resolves in 45 days from its acceptance
    appeal = in_state(appeal, State.CLASSIFIED, is_eligible=True, within_competence=True)
    appeal = services.accept_petition(appeal, actor=staff(province), accepted_on=D(2026, 4, 10))
    assert appeal.resolution_due == D(2026, 5, 25)  # 45 days from Fri 10/04


@pytest.mark.parametrize(
    ("received", "same_unit"),
    [
        pytest.param(D(2026, 4, 7), False, id="after-the-window"),
        pytest.param(D(2026, 4, 1), True, id="to-the-same-body"),
    ],
)
def test_second_complaint_refused_outside_the_window_or_to_the_same_body(
    commune, officer, decided, received, same_unit
):
    unit = commune if same_unit else commune.parent
    count = Petition.objects.count()
    with pytest.raises(ValidationError):
        services.file_second_complaint(
            decided, actor=officer, unit=unit, content="Lần hai", received_on=received
        )
    assert Petition.objects.count() == count


def test_second_complaint_only_once_and_only_against_a_first_instance_complaint(commune, officer, decided):
    province = commune.parent
    appeal = services.file_second_complaint(
        decided, actor=officer, unit=province, content="Lần hai", received_on=D(2026, 4, 1)
    )
    with pytest.raises(ValidationError):
        services.file_second_complaint(
            decided, actor=officer, unit=province, content="Lần nữa", received_on=D(2026, 4, 2)
        )
    decided_appeal = in_state(appeal, State.RESOLVED, resolved_on=D(2026, 5, 1))
    with pytest.raises(ValidationError):
        services.file_second_complaint(decided_appeal, actor=officer, unit=UnitFactory(), content="Lần ba")
    report = in_state(submit(commune, kind=Kind.REPORT), State.RESOLVED)
    with pytest.raises(ValidationError):
        services.file_second_complaint(report, actor=officer, unit=province, content="Không đồng ý")


def test_second_complaint_when_the_first_is_not_decided_in_time(commune, officer):
    first = in_state(submit(commune), State.VERIFYING, resolution_due=D(2026, 4, 1))
    province = commune.parent
    with pytest.raises(ValidationError):  # the first-instance period has not run out yet
        services.file_second_complaint(
            first, actor=officer, unit=province, content="Chưa giải quyết", received_on=D(2026, 4, 1)
        )
    appeal = services.file_second_complaint(
        first, actor=officer, unit=province, content="Quá hạn chưa giải quyết", received_on=D(2026, 4, 2)
    )
    assert appeal.appeal_of == first
    first.refresh_from_db()
    assert first.state == State.VERIFYING  # the first case stays open


def test_second_complaint_keeps_a_protected_identity_protected(commune, officer):
    first = in_state(
        submit(commune, confidential_identity=True, sender=petitioner(name="Lê Thị Kín")),
        State.RESOLVED,
        resolved_on=D(2026, 3, 5),
    )
    appeal = services.file_second_complaint(
        first, actor=officer, unit=commune.parent, content="Lần hai", received_on=D(2026, 3, 10)
    )
    assert appeal.is_confidential and appeal.petitioner_name == ""
    leader = staff(commune.parent, "province_officer")
    assert services.reveal_identity(appeal, actor=leader, reason="Giải quyết lần hai")["name"] == "Lê Thị Kín"
