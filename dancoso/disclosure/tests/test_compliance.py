"""Compliance as worked examples, each citing its article (LEGAL.md §1.a, §1.e): published late across Tết,
notices up 29 or 30 days, the loudspeaker, every village, permanent items, missing plan lines and quarterly lists,
postings across versions, and a fixed number of queries whatever the number of communes and items."""

from datetime import date as D
from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dancoso.disclosure import compliance, services
from dancoso.disclosure.compliance import (
    CHANNEL_UNUSED,
    ENDING_EARLY,
    ENDING_EARLY_ISSUE,
    IN_PROGRESS,
    LATE,
    MISSING_PERMANENT,
    MISSING_PLAN,
    MISSING_QUARTERLY,
    OK,
    OUTDATED,
    TOO_SHORT,
    TOO_SHORT_ISSUE,
    UNUSED,
    VILLAGE_MISSING,
    Run,
    merge_runs,
)
from dancoso.disclosure.models import Category, Channel
from dancoso.disclosure.services import PostingSpec
from dancoso.units.models import Unit, UnitKind
from dancoso.units.tests.factories import ProvinceFactory, UnitFactory, VillageFactory

pytestmark = pytest.mark.django_db

TODAY = D(2026, 11, 20)
YEAR = (D(2026, 1, 1), D(2026, 12, 31))


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(services, "_today", lambda: TODAY)


def on_platform_since(unit, day: D):
    """Pretend the unit was entered on the platform on `day` (tests create units today)."""
    moment = timezone.make_aware(datetime.combine(day, time(8)))
    Unit.objects.filter(pk=unit.pk).update(created_at=moment)
    unit.refresh_from_db()
    return unit


@pytest.fixture
def commune():
    # Communes of the two-tier government exist since 01/07/2025 (NQ 202/2025/QH15).
    return on_platform_since(UnitFactory(kind=UnitKind.COMMUNE, name="Xã An Khánh"), D(2025, 7, 1))


@pytest.fixture
def villages(commune):
    return [VillageFactory(parent=commune, name=name) for name in ("Thôn Đông", "Thôn Tây")]


def category(code: str) -> Category:
    return Category.objects.get(code=code)


BUDGET, SOCIAL, PROCEDURES, RULES = "xa-02-ngan-sach", "xa-07-an-sinh", "xa-13-thu-tuc", "xa-04-quy-che"


def publish(unit, code=BUDGET, *, decided, on, postings=(), title="Dự toán ngân sách xã năm 2026", **extra):
    return services.create_publication(
        unit=unit,
        category=category(code),
        title=title,
        decision_date=decided,
        actor=None,
        on=on,
        postings=list(postings),
        **extra,
    )


def boards(start, last, villages, *, village_last=None):
    """The seat and every village's notice board, from `start` to `last`."""
    specs = [PostingSpec(Channel.SEAT_BOARD, start, last)]
    specs += [PostingSpec(Channel.VILLAGE_BOARD, start, village_last or last, place=v) for v in villages]
    return specs


def judge(unit, *, start=YEAR[0], end=YEAR[1], today=TODAY):
    return compliance.unit_compliance(unit, start, end, today=today)


def item_of(result, publication):
    return next(item for item in result.items if item.publication_id == publication.pk)


def check_of(item, channel, place=None):
    return next(c for c in item.checks if c.channel == channel and (place is None or c.place_id == place.pk))


def kinds(item) -> set[str]:
    return {issue.kind for issue in item.issues}


# ------------------------------------------------------------------------------------------------ runs


def test_runs_merge_overlapping_and_consecutive_days():
    runs = merge_runs(
        [(D(2026, 3, 11), D(2026, 3, 20)), (D(2026, 3, 1), D(2026, 3, 10)), (D(2026, 3, 22), None)]
    )
    assert runs == [Run(D(2026, 3, 1), D(2026, 3, 20)), Run(D(2026, 3, 22), None)]
    assert runs[0].planned_days == 20


# ------------------------------------------------------------------------------------------------ lateness


@pytest.mark.parametrize(
    ("disclosed", "late"),
    [
        # Art. 12.3: 05 working days. Decided Fri 13/02/2026; Tết closes 16–20/02: the 5 working days are 23–27/02.
        pytest.param(D(2026, 2, 27), False, id="Art12.3-tet-27-02-on-time"),
        pytest.param(D(2026, 3, 2), True, id="Art12.3-tet-02-03-late"),
    ],
)
def test_late_across_tet_2026(commune, disclosed, late):
    publication = publish(commune, decided=D(2026, 2, 13), on=disclosed)
    item = item_of(judge(commune), publication)
    assert item.deadline == D(2026, 2, 27)
    assert item.late is late
    assert (LATE in kinds(item)) is late
    if late:
        issue = next(i for i in item.issues if i.kind == LATE)
        assert issue.article == "Khoản 3 Điều 12 Luật 10/2022/QH15"
        assert (issue.day, issue.other_day, issue.version) == (D(2026, 2, 27), D(2026, 3, 2), 1)


def test_a_revision_with_a_new_decision_is_judged_a_correction_is_not(commune):
    publication = publish(commune, decided=D(2026, 3, 2), on=D(2026, 3, 3))
    # A correction of the text, same decision, a month later: not late.
    services.revise_publication(
        publication, actor=None, title="Dự toán (sửa lỗi chính tả)", decision_date=D(2026, 3, 2),
        change_note="Sửa lỗi chính tả", on=D(2026, 4, 6),
    )  # fmt: skip
    assert not item_of(judge(commune), publication).late
    # A new decision (adjusted budget, Mon 04/05) disclosed on Tue 12/05: the 5th working day is Mon 11/05, so
    # it is late (Art. 12.3; Art. 14: changed information is disclosed again).
    services.revise_publication(
        publication, actor=None, title="Dự toán điều chỉnh", decision_date=D(2026, 5, 4),
        change_note="Điều chỉnh dự toán", on=D(2026, 5, 12),
    )  # fmt: skip
    item = item_of(judge(commune), publication)
    issue = next(i for i in item.issues if i.kind == LATE)
    assert (issue.version, issue.day, issue.other_day) == (3, D(2026, 5, 11), D(2026, 5, 12))


# ------------------------------------------------------------------------------------------------ how long


@pytest.mark.parametrize(
    ("last", "status"),
    [
        # Art. 13.2: at the seat and in every village for at least 30 consecutive days, both ends counted.
        pytest.param(D(2026, 3, 29), TOO_SHORT, id="Art13.2-29-days-fail"),
        pytest.param(D(2026, 3, 30), OK, id="Art13.2-30-days-pass"),
    ],
)
def test_notice_boards_need_30_days(commune, villages, last, status):
    publication = publish(
        commune, decided=D(2026, 2, 27), on=D(2026, 3, 1), postings=boards(D(2026, 3, 1), last, villages)
    )
    item = item_of(judge(commune), publication)
    seat = check_of(item, Channel.SEAT_BOARD)
    assert seat.status == status and seat.min_days == 30
    assert seat.article == "Khoản 2 Điều 13 Luật 10/2022/QH15"
    assert seat.days == (29 if status == TOO_SHORT else 30)
    assert (TOO_SHORT_ISSUE in kinds(item)) is (status == TOO_SHORT)
    assert item.is_compliant is (status == OK)


@pytest.mark.parametrize(
    ("days", "status"),
    [
        # Art. 13.3: items 7–12 also on the loudspeaker for at least 03 consecutive days.
        pytest.param(2, TOO_SHORT, id="Art13.3-loudspeaker-2-days-fail"),
        pytest.param(3, OK, id="Art13.3-loudspeaker-3-days-pass"),
    ],
)
def test_loudspeaker_for_item_7(commune, villages, days, status):
    start = D(2026, 6, 1)
    postings = [
        *boards(start, start + timedelta(days=29), villages),
        PostingSpec(Channel.LOUDSPEAKER, start, start + timedelta(days=days - 1)),
        *(PostingSpec(Channel.VILLAGE_HEAD, start, start, place=v) for v in villages),
    ]
    publication = publish(
        commune, SOCIAL, decided=D(2026, 5, 29), on=start, postings=postings, title="Hộ nghèo"
    )
    item = item_of(judge(commune), publication)
    loudspeaker = check_of(item, Channel.LOUDSPEAKER)
    assert (loudspeaker.status, loudspeaker.min_days, loudspeaker.days) == (status, 3, days)
    assert loudspeaker.article == "Khoản 3 Điều 13 Luật 10/2022/QH15"
    assert item.is_compliant is (status == OK)


def test_a_required_channel_never_used(commune, villages):
    # Item 7 without the loudspeaker or the village heads (Art. 13.3).
    publication = publish(
        commune,
        SOCIAL,
        decided=D(2026, 6, 1),
        on=D(2026, 6, 1),
        postings=boards(D(2026, 6, 1), D(2026, 6, 30), villages),
    )
    item = item_of(judge(commune), publication)
    unused = {issue.channel for issue in item.issues if issue.kind == CHANNEL_UNUSED}
    assert unused == {Channel.LOUDSPEAKER, Channel.VILLAGE_HEAD}
    assert check_of(item, Channel.LOUDSPEAKER).status == UNUSED


def test_each_village_needs_its_own_posting(commune, villages):
    east, west = villages
    # Art. 13.2: "tại điểm sinh hoạt cộng đồng ở thôn, tổ dân phố": Thôn Tây has no notice.
    publication = publish(
        commune,
        decided=D(2026, 6, 1),
        on=D(2026, 6, 1),
        postings=boards(D(2026, 6, 1), D(2026, 6, 30), [east]),
    )
    item = item_of(judge(commune), publication)
    missing = [issue for issue in item.issues if issue.kind == VILLAGE_MISSING]
    assert [issue.places for issue in missing] == [("Thôn Tây",)]
    assert check_of(item, Channel.VILLAGE_BOARD, east).status == OK
    assert check_of(item, Channel.VILLAGE_BOARD, west).status == UNUSED
    assert "Thôn Tây" in missing[0].message and not item.is_compliant


def test_no_village_at_all_is_a_channel_not_used(commune, villages):
    publication = publish(
        commune,
        decided=D(2026, 6, 1),
        on=D(2026, 6, 1),
        postings=[PostingSpec(Channel.SEAT_BOARD, D(2026, 6, 1), D(2026, 6, 30))],
    )
    item = item_of(judge(commune), publication)
    assert [i.channel for i in item.issues if i.kind == CHANNEL_UNUSED] == [Channel.VILLAGE_BOARD]
    assert VILLAGE_MISSING not in kinds(item)


def test_a_posting_still_up_is_in_progress_not_too_short(commune, villages):
    start = TODAY - timedelta(days=9)
    running = publish(commune, decided=start, on=start, postings=boards(start, None, villages))
    item = item_of(judge(commune), running)
    assert check_of(item, Channel.SEAT_BOARD).status == IN_PROGRESS
    assert item.is_compliant and not item.issues
    # Planned for 20 days only: still up today, so a warning, not a failure (the reminders are about it).
    short = publish(
        commune, decided=start, on=start, postings=boards(start, start + timedelta(days=19), villages)
    )
    item = item_of(judge(commune), short)
    assert check_of(item, Channel.SEAT_BOARD).status == ENDING_EARLY
    assert ENDING_EARLY_ISSUE in kinds(item) and item.is_compliant and item.warnings
    # The day after its last day it is too short.
    later = item_of(judge(commune, today=start + timedelta(days=20)), short)
    assert check_of(later, Channel.SEAT_BOARD).status == TOO_SHORT


def test_a_notice_taken_down_early_is_too_short(commune, villages):
    start = D(2026, 9, 1)
    publication = publish(commune, decided=start, on=start, postings=boards(start, D(2026, 9, 30), villages))
    seat = publication.postings.get(channel=Channel.SEAT_BOARD)
    services.end_posting(seat, actor=None, taken_down_on=D(2026, 9, 20), reason="Bảng tin bị hỏng")
    item = item_of(judge(commune), publication)
    assert check_of(item, Channel.SEAT_BOARD).status == TOO_SHORT
    assert check_of(item, Channel.SEAT_BOARD).days == 20


# ------------------------------------------------------------------------------------------------ versions


def test_postings_of_all_versions_at_the_same_place_count_together(commune, villages):
    """Documented rule: per item, channel and place, the postings of all versions are merged into runs."""
    start = D(2026, 3, 2)
    publication = publish(commune, decided=start, on=start, postings=boards(start, D(2026, 3, 16), villages))
    services.revise_publication(
        publication, actor=None, title="Dự toán (bổ sung phụ lục)", decision_date=start,
        change_note="Bổ sung phụ lục", on=D(2026, 3, 17),
    )  # fmt: skip
    for spec in boards(D(2026, 3, 17), D(2026, 3, 31), villages):
        services.add_posting(publication, spec, actor=None)
    item = item_of(judge(commune), publication)
    seat = check_of(item, Channel.SEAT_BOARD)
    assert (seat.status, seat.days, seat.start, seat.last_day) == (OK, 30, start, D(2026, 3, 31))
    assert item.is_compliant
    # The portal: version 1 taken down when version 2 went up the same day, one run.
    assert check_of(item, Channel.PORTAL).status == OK


def test_a_gap_between_postings_breaks_the_run(commune, villages):
    start = D(2026, 3, 2)
    publication = publish(commune, decided=start, on=start, postings=boards(start, D(2026, 3, 16), villages))
    services.add_posting(
        publication, PostingSpec(Channel.SEAT_BOARD, D(2026, 3, 18), D(2026, 4, 1)), actor=None
    )
    seat = check_of(item_of(judge(commune), publication), Channel.SEAT_BOARD)
    assert seat.status == TOO_SHORT and seat.planned_days == 15


# ------------------------------------------------------------------------------------------------ permanent


def test_a_permanent_item(commune):
    # Art. 13.1: items 4 and 13 posted permanently at the seat and updated when they change.
    procedures = publish(
        commune, PROCEDURES, decided=D(2026, 1, 5), on=D(2026, 1, 6), title="Bộ thủ tục hành chính cấp xã",
        postings=[PostingSpec(Channel.SEAT_BOARD, D(2026, 1, 6))],
    )  # fmt: skip
    result = judge(commune)
    item = item_of(result, procedures)
    assert item.is_compliant and check_of(item, Channel.SEAT_BOARD).min_days is None
    # Item 4 was never published: missing.
    permanent = [m for m in result.missing if m.kind == MISSING_PERMANENT]
    assert [(m.category.number, m.article) for m in permanent] == [(4, "Khoản 1 Điều 13 Luật 10/2022/QH15")]
    # The notice at the seat was taken down: outdated.
    services.end_posting(
        procedures.postings.get(channel="seat_board"), actor=None, taken_down_on=D(2026, 6, 1)
    )
    item = item_of(judge(commune), procedures)
    assert [(i.kind, i.reason) for i in item.issues] == [(OUTDATED, "seat")]


def test_a_permanent_item_not_reviewed_for_a_year_is_outdated(commune):
    rules = publish(
        commune, RULES, decided=D(2025, 9, 1), on=D(2025, 9, 3), title="Quy chế dân chủ xã",
        postings=[PostingSpec(Channel.SEAT_BOARD, D(2025, 9, 3))],
    )  # fmt: skip
    version = rules.current_version
    version.published_at = version.published_at.replace(year=2025, month=9, day=3)
    version.save(update_fields=["published_at"])
    # 03/09/2025 + 365 days = 03/09/2026: on 20/11/2026 it is due for review (permanent.review, a platform rule).
    item = item_of(judge(commune), rules)
    assert item.carried_over and [(i.kind, i.reason) for i in item.issues] == [(OUTDATED, "review")]
    # Judged at the end of June it was still current.
    june = item_of(judge(commune, start=D(2026, 4, 1), end=D(2026, 6, 30)), rules)
    assert not june.issues


# ------------------------------------------------------------------------------------------------ missing


def test_a_planned_item_not_published_is_missing(commune, villages):
    plan = services.create_plan(commune, 2026, actor=None)
    line = services.save_plan_item(
        plan, actor=None, category=category(BUDGET), content="Quyết toán ngân sách năm 2025",
        channels=["portal", "seat_board", "village_board"], due_on=D(2026, 7, 15), duration_days=30,
        responsible="Kế toán - ngân sách",
    )  # fmt: skip
    kept = services.save_plan_item(
        plan, actor=None, category=category(BUDGET), content="Dự toán ngân sách năm 2026",
        channels=["portal"], due_on=D(2026, 1, 10), duration_days=30, responsible="Kế toán - ngân sách",
    )  # fmt: skip
    later = services.save_plan_item(
        plan, actor=None, category=category(BUDGET), content="Dự toán ngân sách năm 2027",
        channels=["portal"], due_on=D(2026, 12, 20), duration_days=30, responsible="Kế toán - ngân sách",
    )  # fmt: skip
    # Art. 14: only an approved plan binds.
    assert not [m for m in judge(commune).missing if m.kind == MISSING_PLAN]
    services.approve_plan(plan, actor=None, document_number="01/KH-UBND", approved_on=D(2026, 1, 5))
    publish(commune, decided=D(2026, 1, 8), on=D(2026, 1, 9), plan_item=kept)
    missing = [m for m in judge(commune).missing if m.kind == MISSING_PLAN]
    assert [(m.plan_item_id, m.due_on, m.article) for m in missing] == [
        (line.pk, D(2026, 7, 15), "Điều 14 Luật 10/2022/QH15")
    ]
    assert later.pk not in {m.plan_item_id for m in missing}  # not due yet
    # Judged at the end of June, the July line was not due yet.
    assert not [
        m for m in judge(commune, start=D(2026, 4, 1), end=D(2026, 6, 30)).missing if m.kind == MISSING_PLAN
    ]


def test_the_quarterly_list_of_a_past_quarter(commune):
    # Art. 13.2: the quarterly list. Q2/2026 ends Tue 30/06; due 5 working days later, Tue 07/07/2026.
    q3 = (D(2026, 7, 1), D(2026, 9, 30))
    missing = [m for m in judge(commune, start=q3[0], end=q3[1]).missing if m.kind == MISSING_QUARTERLY]
    assert [(m.period_label, m.due_on) for m in missing] == [("2026-Q2", D(2026, 7, 7))]
    # Judged on 07/07 itself it is not missing yet.
    early = judge(commune, start=q3[0], end=q3[1], today=D(2026, 7, 7))
    assert not [m for m in early.missing if m.kind == MISSING_QUARTERLY]
    services.publish_quarterly_list(commune, 2026, 2, on=D(2026, 7, 1))
    assert not [m for m in judge(commune, start=q3[0], end=q3[1]).missing if m.kind == MISSING_QUARTERLY]


def test_quarters_before_the_unit_was_on_the_platform_are_not_asked():
    newcomer = on_platform_since(UnitFactory(kind=UnitKind.WARD, name="Phường Mới"), D(2026, 8, 15))
    missing = [m for m in judge(newcomer).missing if m.kind == MISSING_QUARTERLY]
    assert [m.period_label for m in missing] == ["2026-Q3"]  # not Q4/2025, Q1 or Q2


def test_withdrawn_items_and_drafts_do_not_count(commune, villages):
    withdrawn = publish(commune, decided=D(2026, 3, 2), on=D(2026, 3, 2))
    services.withdraw_publication(withdrawn, actor=None, reason="Đăng nhầm", on=D(2026, 3, 3))
    publish(commune, decided=D(2026, 3, 2), on=D(2026, 3, 2), publish=False)
    assert not judge(commune).period_items


# ------------------------------------------------------------------------------------------------ workplaces


@pytest.mark.parametrize(
    ("days", "compliant"),
    [
        # Art. 48: posted at the seat *or* online for at least 20 consecutive days.
        pytest.param(19, False, id="Art48-seat-19-days-portal-taken-down-fail"),
        pytest.param(20, True, id="Art48-seat-20-days-pass"),
    ],
)
def test_an_agency_posts_at_the_seat_or_online(days, compliant):
    agency = UnitFactory(kind=UnitKind.AGENCY, name="Trường Tiểu học An Khánh")
    start = D(2026, 10, 1)
    publication = services.create_publication(
        unit=agency,
        category=category("co-quan-04-nhan-su"),
        title="Kế hoạch tuyển dụng",
        decision_date=start,
        actor=None,
        on=start,
        postings=[PostingSpec(Channel.SEAT_BOARD, start, start + timedelta(days=days - 1))],
    )
    services.end_posting(
        publication.postings.get(channel="portal"), actor=None, taken_down_on=start + timedelta(days=4)
    )
    item = item_of(judge(agency), publication)
    assert item.is_compliant is compliant
    assert check_of(item, Channel.SEAT_BOARD).min_days == 20


def test_an_agency_item_online_for_20_days_is_enough():
    agency = UnitFactory(kind=UnitKind.AGENCY, name="Sở Nội vụ")
    start = D(2026, 10, 1)
    publication = services.create_publication(
        unit=agency, category=category("co-quan-01-ke-hoach"), title="Kế hoạch công tác", decision_date=start,
        actor=None, on=start,
    )  # fmt: skip
    item = item_of(judge(agency), publication)
    assert item.is_compliant
    assert [(c.channel, c.status) for c in item.checks] == [(Channel.PORTAL, OK)]


# ------------------------------------------------------------------------------------------------ score and roll-up


def test_the_score_counts_items_and_missing_obligations(commune, villages):
    start = D(2026, 6, 1)
    publish(commune, decided=start, on=start, postings=boards(start, D(2026, 6, 30), villages))
    publish(commune, decided=start, on=start, postings=boards(start, D(2026, 6, 20), villages))  # too short
    result = judge(commune, start=D(2026, 4, 1), end=D(2026, 6, 30))
    # 2 items, 1 compliant; missing: items 4 and 13 (Art. 13.1), the list of Q1 (due Tue 07/04/2026).
    assert (len(result.items), result.compliant, len(result.missing)) == (2, 1, 3)
    assert result.score == pytest.approx(1 / 5)
    assert result.issue_counts["too_short"] == 1 and result.issue_counts["missing"] == 3


def test_the_rollup_keeps_to_the_scope_and_puts_the_worst_first():
    province = ProvinceFactory(name="Tỉnh Ninh Bình")
    good = UnitFactory(kind=UnitKind.COMMUNE, parent=province, name="Xã Gia Viễn")
    bad = UnitFactory(kind=UnitKind.WARD, parent=province, name="Phường Hoa Lư")
    for unit in (good,):
        for code, title in ((RULES, "Quy chế"), (PROCEDURES, "Thủ tục")):
            publish(unit, code, decided=D(2026, 10, 1), on=D(2026, 10, 1), title=title,
                    postings=[PostingSpec(Channel.SEAT_BOARD, D(2026, 10, 1))])  # fmt: skip
    period = (D(2026, 10, 1), D(2026, 12, 31))
    result = compliance.rollup(province, *period, today=TODAY)
    assert [row.unit for row in result.rows] == [bad, good]
    assert result.rows[1].score == 1.0 and result.totals["units"] == 2
    from dancoso.core.scoping import Scope

    only_good = Scope(unit_ids=frozenset({good.pk}))
    assert [row.unit for row in compliance.rollup(province, *period, scope=only_good, today=TODAY).rows] == [
        good
    ]


def make_commune(province, n_villages: int, n_items: int):
    unit = UnitFactory(kind=UnitKind.COMMUNE, parent=province)
    villages = [VillageFactory(parent=unit) for _ in range(n_villages)]
    for index in range(n_items):
        start = D(2026, 3, 2) + timedelta(days=index)
        publish(unit, SOCIAL, decided=start, on=start, postings=[
            *boards(start, start + timedelta(days=28 + index % 3), villages),
            PostingSpec(Channel.LOUDSPEAKER, start, start + timedelta(days=2)),
        ])  # fmt: skip
    plan = services.create_plan(unit, 2026, actor=None)
    services.save_plan_item(
        plan, actor=None, category=category(BUDGET), content="Quyết toán", channels=["portal"],
        due_on=D(2026, 5, 15), duration_days=30, responsible="Kế toán",
    )  # fmt: skip
    services.approve_plan(plan, actor=None, document_number="01/KH", approved_on=D(2026, 1, 5))
    return unit


def as_if_committed() -> None:
    """Run what a commit would (the versioned caches of calendars and rules are bypassed inside a transaction
    that changed their rows, as a test's is), so the queries counted are those of a page read."""
    callbacks = list(connection.run_on_commit)
    connection.run_on_commit.clear()
    for _savepoints, callback, _robust in callbacks:
        callback()


def queries_for(province) -> int:
    with CaptureQueriesContext(connection) as captured:
        result = compliance.rollup(province, *YEAR, today=TODAY)
        assert all(row.items for row in result.rows)
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_communes_or_items():
    small, large = ProvinceFactory(), ProvinceFactory()
    for _ in range(2):
        make_commune(small, 1, 1)
    for _ in range(5):
        make_commune(large, 3, 4)
    as_if_committed()
    compliance.rollup(small, *YEAR, today=TODAY)  # warm the calendar and rules caches
    assert queries_for(small) == queries_for(large) <= 9
