"""Figures of reception and petitions for reports and dashboards, as typed results (DESIGN.md §4).

Everything is counted for a unit's subtree (the unit and every unit below it) and a period [start, end], in a
constant number of aggregate queries. Nothing here reads an identity: only counts leave this module.

Reception (Luật Tiếp công dân 2013): sessions (buổi), visits (lượt = rows of the reception book), persons
(người = the sum of each visit's persons), cases (vụ việc = distinct matters) and groups (đoàn đông người)
are counted separately, as the units' reports count them.

Petitions: a petition counts in the period it was received. Split letters are not counted (their parts are),
nor are repeats linked to an earlier petition (that one is). The state of each counted petition is the one it
had at the end of the period, read from its events, and every state belongs to exactly one bucket
(`models.BUCKET_OF_STATE`), so received = resolved + in progress + transferred + not processed + withdrawn
holds by construction, for any period.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from dancoso.core.figures import RATE, Figure, Figures, Identity, Provider, Row
from dancoso.core.numbers import count_vi, percent_vi
from dancoso.petitions import legal
from dancoso.petitions.models import (
    BUCKET_OF_STATE,
    UNCOUNTED_STATES,
    Channel,
    Kind,
    Petition,
    PetitionEvent,
    ReceptionSession,
    State,
    Visit,
)

# Events written on a petition by a step of another one (a repeat linked to it, a second complaint brought
# against its decision): they copy a state they did not change, so they never say what the state was.
SIDE_EVENTS = ("repeat_received", "appealed")
BUCKETS = ("resolved", "in_progress", "transferred", "not_processed", "withdrawn")
MAIN_KINDS = (Kind.PROPOSAL, Kind.REPORT, Kind.COMPLAINT, Kind.DENUNCIATION)
UNCLASSIFIED_SECTOR = ""


def _scoped(queryset: QuerySet, unit, subtree: bool) -> QuerySet:
    return queryset.in_subtree(unit) if subtree else queryset.filter(unit=unit)


def _cutoff(end: date, today: date | None = None) -> date:
    """The day against which deadlines are judged: the period's end, or today while the period runs."""
    today = today or timezone.localdate()
    return min(end, today)


def on_time_rate(on_time: int, total: int) -> float | None:
    """Share done on time, from 0 to 1; None when there is nothing to rate."""
    return on_time / total if total else None


# ------------------------------------------------------------------------------------------------ reception


@dataclass(frozen=True)
class ReceptionStats:
    start: date
    end: date
    sessions: int = 0
    regular_sessions: int = 0
    ad_hoc_sessions: int = 0
    online_sessions: int = 0
    sessions_held_by_head: int = 0
    visits: int = 0
    persons: int = 0
    cases: int = 0
    groups: int = 0
    group_persons: int = 0
    # The Art. 28 answer (10 working days), as of the end of the period.
    answered_on_time: int = 0
    answered_late: int = 0
    pending: int = 0
    pending_overdue: int = 0

    @property
    def answered(self) -> int:
        return self.answered_on_time + self.answered_late

    @property
    def answer_on_time_rate(self) -> float | None:
        return on_time_rate(self.answered_on_time, self.answered)


def reception_stats(unit, start: date, end: date, *, subtree: bool = True, today: date | None = None):
    """Reception sessions and the reception book of `unit` (and below) from `start` to `end` inclusive."""
    sessions = _scoped(ReceptionSession.objects, unit, subtree).filter(date__range=(start, end))
    session_counts = sessions.aggregate(
        sessions=Count("pk"),
        regular_sessions=Count("pk", filter=Q(kind=ReceptionSession.Kind.REGULAR)),
        ad_hoc_sessions=Count("pk", filter=Q(kind=ReceptionSession.Kind.AD_HOC)),
        online_sessions=Count("pk", filter=Q(mode=ReceptionSession.Mode.ONLINE)),
        sessions_held_by_head=Count("pk", filter=Q(host_is_head=True)),
    )
    answered = Q(answered_on__isnull=False, answered_on__lte=end) & ~Q(answer="")
    visits = _scoped(Visit.objects, unit, subtree).filter(date__range=(start, end))
    # A case is a matter of one unit: the same key in two units is two cases.
    case = Concat(Cast("unit_id", CharField()), Value(":"), "case_key", output_field=CharField())
    # Aliases differ from field names: an aggregate named like a field would shadow it.
    visit_counts = visits.aggregate(
        n_visits=Count("pk"),
        n_persons=Coalesce(Sum("persons"), 0),
        n_cases=Count(case, distinct=True),
        n_groups=Count("pk", filter=Q(is_group=True)),
        n_group_persons=Coalesce(Sum("persons", filter=Q(is_group=True)), 0),
        n_answered_on_time=Count("pk", filter=answered & Q(answered_on__lte=F("answer_due"))),
        n_answered_late=Count("pk", filter=answered & Q(answered_on__gt=F("answer_due"))),
        n_pending=Count("pk", filter=~answered),
        n_pending_overdue=Count("pk", filter=~answered & Q(answer_due__lt=_cutoff(end, today))),
    )
    visit_counts = {name.removeprefix("n_"): value for name, value in visit_counts.items()}
    return ReceptionStats(start=start, end=end, **session_counts, **visit_counts)


# ------------------------------------------------------------------------------------------------ petitions


@dataclass(frozen=True)
class Breakdown:
    """One line of a breakdown: a kind, a channel or a field, with its count."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class PetitionStats:
    start: date
    end: date
    received: int = 0
    by_kind: tuple[Breakdown, ...] = ()
    by_channel: tuple[Breakdown, ...] = ()
    by_sector: tuple[Breakdown, ...] = ()
    eligible: int = 0
    within_competence: int = 0
    many_signers: int = 0
    resolved: int = 0
    resolved_on_time: int = 0
    resolved_late: int = 0
    in_progress: int = 0
    in_progress_within_deadline: int = 0
    in_progress_overdue: int = 0
    transferred: int = 0  # transferred_out + guided
    transferred_out: int = 0
    guided: int = 0
    not_processed: int = 0
    withdrawn: int = 0
    repeats_linked: int = 0  # for information: not part of `received`
    by_bucket: dict[str, int] = field(default_factory=dict)

    @property
    def on_time_rate(self) -> float | None:
        return on_time_rate(self.resolved_on_time, self.resolved)

    @property
    def balances(self) -> bool:
        """received = resolved + in progress + transferred + not processed + withdrawn."""
        parts = self.resolved + self.in_progress + self.transferred + self.not_processed + self.withdrawn
        return self.received == parts


def _as_of(end: date, today: date) -> tuple:
    """Expressions for a petition's state and deadline at the end of `end`.

    Services apply steps in the order of the state machine, so the latest event (by when it was recorded)
    among those dated on or before `end` carries the state of that day. A period that has not ended yet
    reads the current fields, which the last event always matches.
    """
    if end >= today:
        return F("state"), F("due_on")
    latest = (
        PetitionEvent.objects.filter(petition=OuterRef("pk"), on__lte=end)
        .exclude(action__in=SIDE_EVENTS)
        .order_by("-at", "-pk")
    )
    return (
        Coalesce(Subquery(latest.values("to_state")[:1]), F("state"), output_field=CharField()),
        Subquery(latest.values("due_after")[:1]),
    )


def _counted_petitions(unit, start: date, end: date, subtree: bool) -> QuerySet:
    return _scoped(Petition.objects, unit, subtree).filter(received_on__range=(start, end))


def _grouped_rows(unit, start: date, end: date, subtree: bool, today: date) -> list[dict]:
    """One row per combination of what is counted: a few hundred rows at most, whatever the volume."""
    state_then, due_then = _as_of(end, today)
    cutoff = _cutoff(end, today)
    return list(
        _counted_petitions(unit, start, end, subtree)
        .exclude(state__in=UNCOUNTED_STATES)
        .annotate(state_then=state_then, due_then=due_then)
        .annotate(
            overdue_then=Case(
                When(Q(due_then__isnull=False) & Q(due_then__lt=cutoff), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            many=Case(
                When(signers__gte=legal.MANY_SIGNERS, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .values(
            "state_then",
            "overdue_then",
            "kind",
            "channel",
            "sector__code",
            "sector__name",
            "sector__position",
            "is_eligible",
            "within_competence",
            "many",
            "resolved_late",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )


def _breakdown(counts: dict, choices, keys) -> tuple[Breakdown, ...]:
    labels = dict(choices)
    return tuple(Breakdown(str(key), str(labels[key]), counts.get(key, 0)) for key in keys)


def _kind_breakdown(counts: dict) -> tuple[Breakdown, ...]:
    keys = [*MAIN_KINDS, *([Kind.MIXED] if counts.get(Kind.MIXED) else [])]
    return _breakdown(counts, Kind.choices, keys)


def _sector_breakdown(counts: dict) -> tuple[Breakdown, ...]:
    """Fields in their configured order, then the petitions whose field is not given yet."""
    known = sorted((key for key in counts if key[0] is not None), key=lambda key: (key[2], key[1]))
    lines = [Breakdown(code, name, counts[(code, name, position)]) for code, name, position in known]
    unclassified = counts.get((None, None, None), 0)
    if unclassified:
        lines.append(Breakdown(UNCLASSIFIED_SECTOR, _("Field not yet given"), unclassified))
    return tuple(lines)


def _add(counter: dict, key, n: int) -> None:
    counter[key] = counter.get(key, 0) + n


def _state_totals(rows: list[dict]) -> dict:
    totals = {"buckets": dict.fromkeys(BUCKETS, 0), "states": {}, "late": 0, "overdue": 0}
    for row in rows:
        bucket = BUCKET_OF_STATE.get(row["state_then"], "in_progress")
        totals["buckets"][bucket] += row["n"]
        _add(totals["states"], row["state_then"], row["n"])
        if bucket == "resolved" and row["resolved_late"]:
            totals["late"] += row["n"]
        if bucket == "in_progress" and row["overdue_then"]:
            totals["overdue"] += row["n"]
    return totals


def _dimension_totals(rows: list[dict]) -> dict:
    totals = {"kind": {}, "channel": {}, "sector": {}, "eligible": 0, "competence": 0, "many": 0}
    for row in rows:
        _add(totals["kind"], row["kind"], row["n"])
        _add(totals["channel"], row["channel"], row["n"])
        _add(totals["sector"], (row["sector__code"], row["sector__name"], row["sector__position"]), row["n"])
        totals["eligible"] += row["n"] if row["is_eligible"] else 0
        totals["competence"] += row["n"] if row["within_competence"] else 0
        totals["many"] += row["n"] if row["many"] else 0
    return totals


def petition_stats(unit, start: date, end: date, *, subtree: bool = True, today: date | None = None):
    """Petitions of `unit` (and below) received from `start` to `end` inclusive, in their state at `end`."""
    today = today or timezone.localdate()
    rows = _grouped_rows(unit, start, end, subtree, today)
    repeats = _counted_petitions(unit, start, end, subtree).filter(state=State.LINKED).count()
    states, dims = _state_totals(rows), _dimension_totals(rows)
    buckets = states["buckets"]
    return PetitionStats(
        start=start,
        end=end,
        received=sum(row["n"] for row in rows),
        by_kind=_kind_breakdown(dims["kind"]),
        by_channel=_breakdown(dims["channel"], Channel.choices, Channel.values),
        by_sector=_sector_breakdown(dims["sector"]),
        eligible=dims["eligible"],
        within_competence=dims["competence"],
        many_signers=dims["many"],
        resolved=buckets["resolved"],
        resolved_on_time=buckets["resolved"] - states["late"],
        resolved_late=states["late"],
        in_progress=buckets["in_progress"],
        in_progress_within_deadline=buckets["in_progress"] - states["overdue"],
        in_progress_overdue=states["overdue"],
        transferred=buckets["transferred"],
        transferred_out=states["states"].get(State.TRANSFERRED, 0),
        guided=states["states"].get(State.GUIDED, 0),
        not_processed=buckets["not_processed"],
        withdrawn=buckets["withdrawn"],
        repeats_linked=repeats,
        by_bucket=dict(buckets),
    )


# ------------------------------------------------------------------------------------------------ sentences


def _reception_sentence(stats: ReceptionStats) -> str:
    f = count_vi
    text = f"đã tổ chức {f(stats.sessions)} buổi tiếp công dân"
    details = []
    if stats.regular_sessions and stats.ad_hoc_sessions:
        details.append(f"{f(stats.regular_sessions)} buổi định kỳ, {f(stats.ad_hoc_sessions)} buổi đột xuất")
    if stats.sessions_held_by_head:
        details.append(f"người đứng đầu trực tiếp tiếp {f(stats.sessions_held_by_head)} buổi")
    if stats.online_sessions:
        details.append(f"{f(stats.online_sessions)} buổi trực tuyến")
    if details:
        text += f" ({'; '.join(details)})"
    text += (
        f", tiếp {f(stats.visits)} lượt với {f(stats.persons)} người, {f(stats.cases)} vụ việc, "
        f"{f(stats.groups)} đoàn đông người"
    )
    if stats.visits:
        text += (
            f"; đã trả lời {f(stats.answered)} lượt ({f(stats.answered_on_time)} lượt trong thời hạn "
            f"10 ngày làm việc), còn {f(stats.pending)} lượt chưa trả lời"
        )
    return text


KIND_WORDS = {
    Kind.PROPOSAL: "kiến nghị",
    Kind.REPORT: "phản ánh",
    Kind.COMPLAINT: "khiếu nại",
    Kind.DENUNCIATION: "tố cáo",
    Kind.MIXED: "có nhiều nội dung",
}


def _petition_sentence(stats: PetitionStats) -> str:
    f = count_vi
    text = f"tiếp nhận {f(stats.received)} đơn"
    kinds = [f"{f(line.count)} đơn {KIND_WORDS[line.key]}" for line in stats.by_kind if line.count]
    if kinds:
        text += f" ({', '.join(kinds)})"
    if stats.received:
        text += (
            f", trong đó {f(stats.eligible)} đơn đủ điều kiện xử lý, "
            f"{f(stats.within_competence)} đơn thuộc thẩm quyền"
        )
        if stats.many_signers:
            text += f", {f(stats.many_signers)} đơn có từ 05 người trở lên đứng tên"
    text += f"; đã giải quyết {f(stats.resolved)} đơn"
    if stats.resolved:
        text += f" ({f(stats.resolved_on_time)} đơn đúng hạn, {f(stats.resolved_late)} đơn quá hạn)"
    text += f", đang giải quyết {f(stats.in_progress)} đơn"
    if stats.in_progress_overdue:
        text += f" ({f(stats.in_progress_overdue)} đơn đã quá hạn)"
    text += (
        f", chuyển đơn và hướng dẫn {f(stats.transferred)} đơn, "
        f"lưu đơn không xử lý {f(stats.not_processed)} đơn, rút đơn {f(stats.withdrawn)} đơn"
    )
    if stats.on_time_rate is not None:
        text += f". Tỷ lệ giải quyết đúng hạn đạt {percent_vi(stats.on_time_rate)}"
    return text


def sentence_vi(*stats: ReceptionStats | PetitionStats, lead: str = "Trong kỳ") -> str:
    """The sentence a report needs, in Vietnamese as officials write it:

    "Trong kỳ, đã tổ chức 24 buổi tiếp công dân, tiếp 31 lượt với 45 người, 28 vụ việc, 02 đoàn đông người;
    tiếp nhận 40 đơn (…), …"
    """
    clauses = []
    for item in stats:
        if isinstance(item, ReceptionStats):
            clauses.append(_reception_sentence(item))
        elif isinstance(item, PetitionStats):
            clauses.append(_petition_sentence(item))
        else:
            raise TypeError(f"no sentence for {type(item).__name__}")
    return f"{lead}, {'; '.join(clauses)}."


# ------------------------------------------------------------------------------------- report providers


def reception_figures(unit, start: date, end: date, *, lead: str = "Trong kỳ") -> Figures:
    """The reception figures of a report (core.figures), from `reception_stats`."""
    s = reception_stats(unit, start, end)
    sessions, visits = "reception.sessions", "reception.visits"
    figures = (
        Figure(sessions, "Số buổi tiếp công dân", s.sessions, "buổi", mentions=("{n} buổi tiếp công dân",)),
        Figure("reception.regular_sessions", "Tiếp định kỳ", s.regular_sessions, "buổi", part_of=sessions),
        Figure("reception.ad_hoc_sessions", "Tiếp đột xuất", s.ad_hoc_sessions, "buổi", part_of=sessions),
        Figure("reception.online_sessions", "Tiếp trực tuyến", s.online_sessions, "buổi", part_of=sessions),
        Figure(
            "reception.sessions_held_by_head",
            "Người đứng đầu trực tiếp tiếp",
            s.sessions_held_by_head,
            "buổi",
            part_of=sessions,
        ),
        Figure(visits, "Số lượt tiếp", s.visits, "lượt", mentions=("tiếp {n} lượt",)),
        Figure("reception.persons", "Số người được tiếp", s.persons, "người"),
        Figure("reception.cases", "Số vụ việc", s.cases, "vụ việc"),
        Figure(
            "reception.groups",
            "Số đoàn đông người",
            s.groups,
            "đoàn",
            part_of=visits,
            mentions=("{n} đoàn đông người",),
        ),
        Figure("reception.answered", "Đã trả lời", s.answered, "lượt", part_of=visits),
        Figure("reception.answered_on_time", "Trả lời đúng hạn", s.answered_on_time, "lượt", part_of=visits),
        Figure("reception.pending", "Chưa trả lời", s.pending, "lượt", part_of=visits),
        Figure("reception.answer_on_time_rate", "Tỷ lệ trả lời đúng hạn", s.answer_on_time_rate, kind=RATE),
    )
    identities = (
        Identity(sessions, ("reception.regular_sessions", "reception.ad_hoc_sessions")),
        Identity(visits, ("reception.answered", "reception.pending")),
    )
    return Figures("reception", start, end, figures, sentence_vi(s, lead=lead), identities=identities)


MENTIONS = {
    "petitions.resolved": ("đã giải quyết {n} đơn",),
    "petitions.in_progress": ("đang giải quyết {n} đơn",),
    "petitions.withdrawn": ("rút đơn {n} đơn", "rút {n} đơn"),
}


def petition_figures(unit, start: date, end: date, *, lead: str = "Trong kỳ") -> Figures:
    """The petition figures of a report (core.figures), from `petition_stats`; received = resolved + in
    progress + transferred + not processed + withdrawn holds by construction."""
    s = petition_stats(unit, start, end)
    received = "petitions.received"
    parts = {
        "petitions.resolved": ("Đã giải quyết", s.resolved),
        "petitions.in_progress": ("Đang giải quyết", s.in_progress),
        "petitions.transferred": ("Chuyển đơn, hướng dẫn", s.transferred),
        "petitions.not_processed": ("Lưu đơn, không xử lý", s.not_processed),
        "petitions.withdrawn": ("Rút đơn", s.withdrawn),
    }
    figures = [
        Figure(received, "Số đơn tiếp nhận", s.received, "đơn", mentions=("tiếp nhận {n} đơn",)),
        *(
            Figure(
                f"petitions.kind.{line.key}",
                f"Đơn {KIND_WORDS[line.key]}",
                line.count,
                "đơn",
                part_of=received,
            )
            for line in s.by_kind
        ),
        Figure("petitions.eligible", "Đơn đủ điều kiện xử lý", s.eligible, "đơn", part_of=received),
        Figure(
            "petitions.within_competence",
            "Đơn thuộc thẩm quyền",
            s.within_competence,
            "đơn",
            part_of=received,
        ),
        *(
            Figure(key, label, value, "đơn", part_of=received, mentions=MENTIONS.get(key, ()))
            for key, (label, value) in parts.items()
        ),
        Figure(
            "petitions.resolved_on_time",
            "Giải quyết đúng hạn",
            s.resolved_on_time,
            "đơn",
            part_of="petitions.resolved",
        ),
        Figure(
            "petitions.resolved_late",
            "Giải quyết quá hạn",
            s.resolved_late,
            "đơn",
            part_of="petitions.resolved",
        ),
        Figure(
            "petitions.in_progress_overdue",
            "Đang giải quyết, đã quá hạn",
            s.in_progress_overdue,
            "đơn",
            part_of="petitions.in_progress",
        ),
        Figure("petitions.on_time_rate", "Tỷ lệ giải quyết đúng hạn", s.on_time_rate, kind=RATE),
    ]
    identities = (
        Identity(received, tuple(parts), "LEGAL.md §7; issue 3 point 8"),
        Identity("petitions.resolved", ("petitions.resolved_on_time", "petitions.resolved_late")),
    )
    return Figures("petitions", start, end, tuple(figures), sentence_vi(s, lead=lead), identities=identities)


_OTHER_BUCKETS = {
    bucket: sorted(state for state, of in BUCKET_OF_STATE.items() if of == bucket)
    for bucket in BUCKETS
    if bucket != "in_progress"
}


def counted_petitions(
    unit, start: date, end: date, key: str, *, today: date | None = None
) -> QuerySet | None:
    """The petitions one figure of `petition_figures` counts (in their state at `end`, as the figure does), or
    None for a key that names no set of petitions (a rate)."""
    name = key.removeprefix("petitions.")
    today = today or timezone.localdate()
    state_then, due_then = _as_of(end, today)
    petitions = (
        _counted_petitions(unit, start, end, True)
        .exclude(state__in=UNCOUNTED_STATES)
        .annotate(state_then=state_then, due_then=due_then)
    )
    not_in_progress = [state for states in _OTHER_BUCKETS.values() for state in states]
    resolved = Q(state_then__in=_OTHER_BUCKETS["resolved"])
    in_progress = ~Q(state_then__in=not_in_progress)
    filters = {
        "received": Q(),
        "eligible": Q(is_eligible=True),
        "within_competence": Q(within_competence=True),
        "in_progress": in_progress,
        "resolved_on_time": resolved & Q(resolved_late=False),
        "resolved_late": resolved & Q(resolved_late=True),
        "in_progress_overdue": in_progress & Q(due_then__isnull=False, due_then__lt=_cutoff(end, today)),
        **{bucket: Q(state_then__in=states) for bucket, states in _OTHER_BUCKETS.items()},
    }
    if name.startswith("kind."):
        return petitions.filter(kind=name.removeprefix("kind."))
    if name not in filters:
        return None
    return petitions.filter(filters[name])


ROWS_SHOWN = 200


def petition_rows(user, unit, start: date, end: date, key: str, exclude_paths=()):
    """The petitions behind a figure that `user` may see (core.figures.Provider.rows): their tracking code and
    summary, never the petitioner."""
    from django.urls import reverse

    petitions = counted_petitions(unit, start, end, key)
    if petitions is None:
        return None
    for path in exclude_paths:
        petitions = petitions.exclude(unit__path__startswith=path)
    petitions = petitions.filter(
        pk__in=Petition.objects.visible_to(user, "petitions.view_petition").values("pk")
    )
    total = petitions.count()
    rows = [
        Row(
            f"{code} · {title}",
            reverse("petitions:detail", args=[pk]),
            f"{received_on:%d/%m/%Y} · {unit_name} · {State(state).label}",
        )
        for pk, code, title, received_on, unit_name, state in petitions.order_by(
            "received_on", "pk"
        ).values_list("pk", "tracking_code", "title", "received_on", "unit__name", "state_then")[:ROWS_SHOWN]
    ]
    return total, rows


def _reception_rows_query(unit, start: date, end: date, name: str):
    """(model, filter, URL name) of the sessions or visits a reception figure counts (persons and cases: the
    visits they come from), or None for a rate."""
    answered = Q(answered_on__isnull=False, answered_on__lte=end) & ~Q(answer="")
    sessions = {
        "sessions": Q(),
        "regular_sessions": Q(kind=ReceptionSession.Kind.REGULAR),
        "ad_hoc_sessions": Q(kind=ReceptionSession.Kind.AD_HOC),
        "online_sessions": Q(mode=ReceptionSession.Mode.ONLINE),
        "sessions_held_by_head": Q(host_is_head=True),
    }
    visits = {
        "visits": Q(),
        "persons": Q(),  # the visits whose persons the figure adds up
        "cases": Q(),  # the visits whose matters the figure counts once each
        "groups": Q(is_group=True),
        "answered": answered,
        "answered_on_time": answered & Q(answered_on__lte=F("answer_due")),
        "pending": ~answered,
    }
    if name in sessions:
        return ReceptionSession, sessions[name], "petitions:reception_session_detail"
    if name in visits:
        return Visit, visits[name], "petitions:reception_visit_detail"
    return None


def reception_rows(user, unit, start: date, end: date, key: str, exclude_paths=()):
    """The reception sessions or book entries behind a figure of `reception_figures` that `user` may see, by
    date and place or matter, never the visitor's name (core.figures.Provider.rows)."""
    from django.urls import reverse

    found = _reception_rows_query(unit, start, end, key.removeprefix("reception."))
    if found is None:
        return None
    model, condition, url_name = found
    rows = (
        model.objects.visible_to(user, "petitions.view_reception")
        .in_subtree(unit)
        .filter(condition, date__range=(start, end))
        .select_related("unit")
    )
    for path in exclude_paths:
        rows = rows.exclude(unit__path__startswith=path)
    total = rows.count()
    shown = []
    for row in rows.order_by("date", "pk")[:ROWS_SHOWN]:
        what = (
            row.location if model is ReceptionSession else f"{row.get_kind_display()} · {row.persons} người"
        )
        shown.append(Row(f"{row.date:%d/%m/%Y} · {what}", reverse(url_name, args=[row.pk]), row.unit.name))
    return total, shown


REPORT_PROVIDERS = (
    Provider("reception", "Tiếp công dân", reception_figures, rows=reception_rows),
    Provider("petitions", "Tiếp nhận, xử lý đơn", petition_figures, rows=petition_rows),
)
