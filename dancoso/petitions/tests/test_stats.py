"""stats.py: every figure of a worked scenario, the balance identity for any period, subtrees, split letters,
linked repeats and a constant number of queries."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dancoso.petitions import legal, services, stats
from dancoso.petitions.models import Kind, Petition, ReceptionSession, Sector, Visit
from dancoso.units.models import UnitKind
from dancoso.units.tests.factories import ProvinceFactory, UnitFactory, VillageFactory

pytestmark = pytest.mark.django_db

PERSON = {"name": "Nguyễn Văn Bình", "address": "Thôn Đông, xã An Khánh", "phone": "0912345678"}
SECRET_NAME = "Lê Thị Bí Mật"


class Clock:
    """The day the services think it is: steps without a date argument happen on that day."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def __call__(self, day: date) -> None:
        self.monkeypatch.setattr(services, "_today", lambda: day)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def tree(db):
    province = ProvinceFactory(name="Tỉnh Thử")
    commune = UnitFactory(name="Xã An Khánh", parent=province)
    village = VillageFactory(name="Thôn Đông", parent=commune)
    other = UnitFactory(name="Xã Bên Cạnh", parent=province)
    return {"province": province, "commune": commune, "village": village, "other": other}


def fresh(petition: Petition) -> Petition:
    return Petition.objects.get(pk=petition.pk)


def sector(code: str) -> Sector:
    return Sector.objects.get(code=code)


def submit(clock, unit, day, kind=Kind.PROPOSAL, channel="paper", **extra):
    clock(day)
    extra.setdefault("petitioner", PERSON)
    return services.submit_petition(
        unit=unit,
        kind=kind,
        channel=channel,
        title=f"Đơn {kind} {day}",
        content="Nội dung",
        received_on=day,
        **extra,
    )


def classify(clock, petition, day, *, eligible=True, within=True, **extra):
    clock(day)
    return services.classify_petition(
        petition, actor=None, is_eligible=eligible, within_competence=within, **extra
    )


def accept(clock, petition, day):
    clock(day)
    return services.accept_petition(petition, actor=None, accepted_on=day)


def resolve(clock, petition, day):
    clock(day)
    return services.resolve_petition(
        petition, actor=None, outcome="Đã trả lời công dân.", decision_number="12/QĐ-UBND", resolved_on=day
    )


@pytest.fixture
def scenario(tree, clock):
    """Petitions of March 2025 in the commune (and one in its village), one outside it, one in April."""
    commune, village = tree["commune"], tree["village"]
    d = lambda day, month=3: date(2025, month, day)  # noqa: E731
    p = {}
    p["resolved_on_time"] = submit(clock, commune, d(3), channel="web", sector=sector("dat-dai"))
    classify(clock, p["resolved_on_time"], d(4))
    accept(clock, p["resolved_on_time"], d(5))
    resolve(clock, p["resolved_on_time"], d(20))

    p["resolved_late"] = submit(clock, commune, d(3), kind=Kind.COMPLAINT, sector=sector("dat-dai"))
    classify(clock, p["resolved_late"], d(4))
    accept(clock, p["resolved_late"], d(10))  # resolution due 30 days later: 09/04/2025
    resolve(clock, p["resolved_late"], d(20, 5))

    p["transferred"] = submit(clock, commune, d(5), kind=Kind.REPORT, channel="hotline")
    classify(clock, p["transferred"], d(6), within=False)
    clock(d(7))
    services.transfer_petition(
        p["transferred"], actor=None, to_body="UBND huyện", letter_number="5/CV", transferred_on=d(7)
    )

    p["guided"] = submit(clock, commune, d(6), kind=Kind.COMPLAINT, channel="in_person")
    classify(clock, p["guided"], d(6), within=False)
    clock(d(7))
    services.guide_petitioner(p["guided"], actor=None, to_body="Tòa án", guidance="Khởi kiện tại Tòa án.")

    p["not_processed"] = submit(clock, commune, d(10))
    clock(d(11))
    services.not_process_petition(p["not_processed"], actor=None, reason="Đơn đã gửi đúng cơ quan.")

    p["withdrawn"] = submit(clock, commune, d(11), channel="web")
    classify(clock, p["withdrawn"], d(11))
    accept(clock, p["withdrawn"], d(12))
    clock(d(14))
    services.withdraw_petition(p["withdrawn"], actor=None, reason="Công dân rút đơn.", withdrawn_on=d(14))

    p["letter"] = submit(clock, commune, d(12), kind=Kind.MIXED)
    clock(d(13))
    p["parts"] = services.split_petition(
        p["letter"],
        actor=None,
        parts=[
            {"kind": Kind.PROPOSAL, "title": "Sửa đường"},
            {"kind": Kind.DENUNCIATION, "title": "Cán bộ nhận tiền"},
        ],
    )

    p["repeat"] = submit(clock, commune, d(14))
    clock(d(15))
    services.link_repeat(p["repeat"], actor=None, earlier=fresh(p["resolved_on_time"]))

    p["village"] = submit(
        clock,
        village,
        d(17),
        kind=Kind.DENUNCIATION,
        channel="web",
        signers=6,
        petitioner={"name": SECRET_NAME, "phone": "0987654321"},
    )
    classify(clock, p["village"], d(18))
    accept(clock, p["village"], d(19))  # resolution due 18/04/2025

    p["outside"] = submit(clock, tree["other"], d(10))
    p["april"] = submit(clock, commune, d(2, 4), kind=Kind.REPORT)
    return p


def buckets(result: stats.PetitionStats) -> tuple:
    return (
        result.received,
        result.resolved,
        result.in_progress,
        result.transferred,
        result.not_processed,
        result.withdrawn,
    )


def by_key(lines) -> dict[str, int]:
    return {line.key: line.count for line in lines}


def test_first_quarter_every_figure(tree, scenario):
    result = stats.petition_stats(tree["commune"], date(2025, 1, 1), date(2025, 3, 31))

    # 7 single petitions + the 2 parts of the split letter + the village's; not the letter, the repeat,
    # the other commune's or April's.
    assert result.received == 9
    assert buckets(result) == (9, 1, 4, 2, 1, 1)
    assert (result.resolved_on_time, result.resolved_late) == (1, 0)
    # The complaint accepted on 10/03 (due 09/04) and the denunciation accepted on 19/03 run within their
    # deadlines; the split parts (received 12/03) were due for classification before 31/03.
    assert (result.in_progress_within_deadline, result.in_progress_overdue) == (2, 2)
    assert (result.transferred_out, result.guided) == (1, 1)
    assert result.repeats_linked == 1
    assert by_key(result.by_kind) == {"proposal": 4, "report": 1, "complaint": 2, "denunciation": 2}
    assert by_key(result.by_channel) == {
        "web": 3,
        "paper": 4,
        "in_person": 1,
        "hotline": 1,
        "transferred_in": 0,
        "api": 0,
        "open311": 0,
    }
    assert by_key(result.by_sector) == {"dat-dai": 2, "": 7}
    assert result.eligible == 6
    assert result.within_competence == 4
    assert result.many_signers == 1
    assert result.on_time_rate == 1.0
    assert result.balances


def test_state_is_taken_as_of_the_end_of_the_period(tree, scenario):
    commune = tree["commune"]

    early = stats.petition_stats(commune, date(2025, 3, 1), date(2025, 3, 13))
    april = stats.petition_stats(commune, date(2025, 3, 1), date(2025, 4, 30))
    year = stats.petition_stats(commune, date(2025, 1, 1), date(2025, 12, 31))

    # On 13/03 nothing was resolved yet and the withdrawn petition was still accepted.
    assert buckets(early) == (8, 0, 5, 2, 1, 0)
    assert early.in_progress_overdue == 0
    # On 30/04 the complaint due 09/04 is still open, and overdue; the village's denunciation too (18/04).
    assert buckets(april) == (10, 1, 5, 2, 1, 1)
    assert april.in_progress_overdue == 5
    # By the end of the year it was resolved, late.
    assert buckets(year) == (10, 2, 4, 2, 1, 1)
    assert (year.resolved_on_time, year.resolved_late) == (1, 1)
    assert year.on_time_rate == 0.5
    for result in (early, april, year):
        assert result.balances


def test_subtree_and_single_unit(tree, scenario):
    period = (date(2025, 1, 1), date(2025, 12, 31))

    village = stats.petition_stats(tree["village"], *period)
    commune_only = stats.petition_stats(tree["commune"], *period, subtree=False)
    province = stats.petition_stats(tree["province"], *period)

    assert village.received == 1
    assert village.many_signers == 1
    assert commune_only.received == 9
    assert province.received == 11  # the commune's 10 and the other commune's
    assert village.balances and commune_only.balances and province.balances


def test_split_letter_counts_as_its_parts_and_a_repeat_once(tree, clock):
    commune = tree["commune"]
    letter = submit(clock, commune, date(2025, 6, 2), kind=Kind.MIXED)
    clock(date(2025, 6, 3))
    services.split_petition(
        letter,
        actor=None,
        parts=[
            {"kind": Kind.PROPOSAL, "title": "Một"},
            {"kind": Kind.REPORT, "title": "Hai"},
            {"kind": Kind.COMPLAINT, "title": "Ba"},
        ],
    )
    repeat = submit(clock, commune, date(2025, 6, 4))
    services.link_repeat(repeat, actor=None, earlier=letter.parts.first())

    result = stats.petition_stats(commune, date(2025, 6, 1), date(2025, 6, 30))

    assert result.received == 3
    assert by_key(result.by_kind) == {"proposal": 1, "report": 1, "complaint": 1, "denunciation": 0}
    assert result.repeats_linked == 1
    assert result.balances


def test_a_repeat_linked_later_does_not_change_the_earlier_petitions_state(tree, clock):
    """The event a repeat leaves on the earlier petition copies a state; it is not a step of its own."""
    commune = tree["commune"]
    earlier = submit(clock, commune, date(2025, 6, 2))
    classify(clock, earlier, date(2025, 6, 2))
    accept(clock, earlier, date(2025, 6, 3))
    repeat = submit(clock, commune, date(2025, 6, 4))
    resolve(clock, earlier, date(2025, 6, 5))
    clock(date(2025, 6, 6))
    services.link_repeat(repeat, actor=None, earlier=earlier)  # a stale copy: still "accepted" in memory

    result = stats.petition_stats(commune, date(2025, 6, 1), date(2025, 6, 30))

    assert (result.received, result.resolved, result.repeats_linked) == (1, 1, 1)


def test_an_unsplit_mixed_letter_is_counted_under_its_own_kind(tree, clock):
    submit(clock, tree["commune"], date(2025, 6, 2), kind=Kind.MIXED)

    result = stats.petition_stats(tree["commune"], date(2025, 6, 1), date(2025, 6, 30))

    assert by_key(result.by_kind)["mixed"] == 1
    assert result.received == result.in_progress == 1


def test_current_period_reads_the_same_as_the_events(tree, scenario):
    """The running period reads the current fields; the events give the same answer."""
    commune = tree["commune"]
    start, end = date(2025, 1, 1), date(2025, 12, 31)

    from_fields = stats.petition_stats(commune, start, end, today=date(2025, 12, 31))
    from_events = stats.petition_stats(commune, start, end, today=date(2026, 1, 15))

    assert from_fields == from_events


def test_a_period_running_into_the_future_judges_deadlines_today(tree, scenario):
    """Overdue is judged against today while the period has not ended."""
    commune = tree["commune"]

    on_first_april = stats.petition_stats(
        commune, date(2025, 3, 1), date(2025, 6, 30), today=date(2025, 4, 1)
    )
    on_first_june = stats.petition_stats(commune, date(2025, 3, 1), date(2025, 6, 30), today=date(2025, 6, 1))

    # The village's denunciation (due 18/04) is within its deadline on 01/04 and overdue on 01/06.
    assert on_first_april.in_progress_overdue < on_first_june.in_progress_overdue


def test_empty_period(tree):
    result = stats.petition_stats(tree["commune"], date(2020, 1, 1), date(2020, 12, 31))

    assert buckets(result) == (0, 0, 0, 0, 0, 0)
    assert result.on_time_rate is None
    assert result.balances


def count_queries(func) -> int:
    with CaptureQueriesContext(connection) as queries:
        func()
    return len(queries)


def test_petition_stats_takes_a_constant_number_of_queries(tree, clock):
    commune = tree["commune"]
    past = lambda: stats.petition_stats(commune, date(2025, 1, 1), date(2025, 12, 31))  # noqa: E731
    running = lambda: stats.petition_stats(  # noqa: E731
        commune, date(2025, 1, 1), date(2025, 12, 31), today=date(2025, 12, 1)
    )
    submit(clock, commune, date(2025, 2, 3), sector=sector("moi-truong"))
    few_past, few_running = count_queries(past), count_queries(running)

    for day in range(3, 20):
        petition = submit(clock, commune, date(2025, 3, day), sector=sector(["ha-tang", "khac"][day % 2]))
        classify(clock, petition, date(2025, 3, day))
        if day % 3 == 0:
            accept(clock, petition, date(2025, 3, day))
            resolve(clock, petition, date(2025, 3, 25))

    assert count_queries(past) == few_past == 2
    assert count_queries(running) == few_running == 2
    assert count_queries(lambda: stats.petition_stats(commune, date(2020, 1, 1), date(2020, 12, 31))) == 2
    assert count_queries(lambda: stats.reception_stats(commune, date(2025, 1, 1), date(2025, 12, 31))) == 2


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=st.dates(min_value=date(2025, 2, 20), max_value=date(2025, 6, 30)),
    length=st.integers(min_value=0, max_value=120),
    today_offset=st.integers(min_value=-30, max_value=400),
)
def test_received_always_balances(tree, scenario, start, length, today_offset):
    end = start + timedelta(days=length)
    result = stats.petition_stats(tree["commune"], start, end, today=end + timedelta(days=today_offset))

    assert result.balances
    assert result.resolved_on_time + result.resolved_late == result.resolved
    assert result.in_progress_within_deadline + result.in_progress_overdue == result.in_progress
    assert result.transferred_out + result.guided == result.transferred
    assert sum(line.count for line in result.by_kind) == result.received
    assert sum(line.count for line in result.by_channel) == result.received
    assert sum(line.count for line in result.by_sector) == result.received


# ------------------------------------------------------------------------------------------------ reception


def session(unit, day, **extra) -> ReceptionSession:
    extra.setdefault("host_name", "Trần Văn Chủ")
    return ReceptionSession.objects.create(unit=unit, date=day, location="Trụ sở UBND", **extra)


def visit(session_, number, *, case_key, persons=1, is_group=False, answered_on=None, answer="") -> Visit:
    return Visit.objects.create(
        unit=session_.unit,
        session=session_,
        number=number,
        year=session_.date.year,
        date=session_.date,
        visitor_name="Phạm Văn Khách",
        kind=Kind.PROPOSAL,
        content="Hỏi về đường thôn",
        persons=persons,
        is_group=is_group,
        case_key=case_key,
        answer=answer,
        answered_on=answered_on,
        answer_due=legal.visit_answer_due(session_.date, session_.unit),
    )


@pytest.fixture
def reception(tree):
    commune, village = tree["commune"], tree["village"]
    regular = session(commune, date(2025, 3, 4), host_is_head=True)
    ad_hoc = session(village, date(2025, 3, 20), kind=ReceptionSession.Kind.AD_HOC)
    online = session(commune, date(2025, 4, 8), mode=ReceptionSession.Mode.ONLINE, host_is_head=True)
    visit(regular, 1, case_key="A", answer="accepted", answered_on=date(2025, 3, 10))
    visit(
        regular, 2, case_key="B", persons=12, is_group=True, answer="refused", answered_on=date(2025, 4, 20)
    )
    visit(regular, 3, case_key="A")  # the same matter again: one more visit, not one more case
    visit(ad_hoc, 1, case_key="A", persons=3, answer="guided", answered_on=date(2025, 3, 25))  # village's own
    visit(online, 4, case_key="C")
    session(tree["other"], date(2025, 3, 4))


def test_reception_first_quarter(tree, reception):
    result = stats.reception_stats(tree["commune"], date(2025, 1, 1), date(2025, 3, 31))

    assert (result.sessions, result.regular_sessions, result.ad_hoc_sessions) == (2, 1, 1)
    assert (result.sessions_held_by_head, result.online_sessions) == (1, 0)
    assert (result.visits, result.persons, result.cases, result.groups) == (4, 17, 3, 1)
    assert result.group_persons == 12
    # The group's answer came on 20/04: on 31/03 it was still pending, and late (due 18/03).
    assert (result.answered_on_time, result.answered_late, result.pending) == (2, 0, 2)
    assert result.pending_overdue == 2
    assert result.answer_on_time_rate == 1.0


def test_reception_as_of_a_later_end(tree, reception):
    result = stats.reception_stats(tree["commune"], date(2025, 3, 1), date(2025, 4, 30))

    assert result.sessions == 3
    assert result.online_sessions == 1
    assert (result.visits, result.cases) == (5, 4)
    assert (result.answered_on_time, result.answered_late, result.pending) == (2, 1, 2)
    assert result.answered_on_time + result.answered_late + result.pending == result.visits


def test_reception_of_a_single_unit(tree, reception):
    village = stats.reception_stats(tree["village"], date(2025, 1, 1), date(2025, 12, 31))
    commune_only = stats.reception_stats(tree["commune"], date(2025, 1, 1), date(2025, 12, 31), subtree=False)

    assert (village.sessions, village.visits, village.persons, village.cases) == (1, 1, 3, 1)
    assert (commune_only.sessions, commune_only.visits, commune_only.cases) == (2, 4, 3)


# ------------------------------------------------------------------------------------------------ sentences


def test_figures_are_written_as_officials_write_them():
    assert [stats.count_vi(n) for n in (0, 2, 9, 10, 24, 1234)] == ["0", "02", "09", "10", "24", "1.234"]
    assert stats.percent_vi(0.857142) == "85,7%"
    assert stats.percent_vi(1.0) == "100%"
    assert stats.percent_vi(None) == ""


def test_sentence_for_a_report(tree, scenario, reception):
    period = (date(2025, 1, 1), date(2025, 3, 31))
    sentence = stats.sentence_vi(
        stats.reception_stats(tree["commune"], *period), stats.petition_stats(tree["commune"], *period)
    )

    assert sentence.startswith(
        "Trong kỳ, đã tổ chức 02 buổi tiếp công dân (01 buổi định kỳ, 01 buổi đột xuất"
    )
    assert "tiếp 04 lượt với 17 người, 03 vụ việc, 01 đoàn đông người" in sentence
    assert "tiếp nhận 09 đơn (04 đơn kiến nghị, 01 đơn phản ánh, 02 đơn khiếu nại, 02 đơn tố cáo)" in sentence
    assert "đã giải quyết 01 đơn (01 đơn đúng hạn, 0 đơn quá hạn)" in sentence
    assert "đang giải quyết 04 đơn (02 đơn đã quá hạn)" in sentence
    assert "chuyển đơn và hướng dẫn 02 đơn" in sentence
    assert "Tỷ lệ giải quyết đúng hạn đạt 100%" in sentence
    assert sentence.endswith(".")


def test_stats_never_carry_an_identity(tree, scenario):
    result = stats.petition_stats(tree["province"], date(2025, 1, 1), date(2025, 12, 31))

    assert SECRET_NAME not in repr(result)
    assert SECRET_NAME not in stats.sentence_vi(result)
    assert PERSON["name"] not in repr(result)


def test_sentence_refuses_unknown_figures():
    with pytest.raises(TypeError):
        stats.sentence_vi(object())


def test_commune_kind_is_irrelevant_to_counting(tree, clock):
    """Wards and special zones count like communes."""
    ward = UnitFactory(kind=UnitKind.WARD, parent=tree["province"])
    submit(clock, ward, date(2025, 5, 5))

    assert stats.petition_stats(tree["province"], date(2025, 5, 1), date(2025, 5, 31)).received == 1
