"""Disclosure compliance: for each unit and period, what is missing, late, posted too briefly, not posted where
the law asks, or outdated (Luật 10/2022/QH15 Art. 11–14, 46–48, 64–65; LEGAL.md §1.a, §1.e, §1.f). Read-only:
it writes nothing. See docs/disclosure.md, "Compliance, statistics and reminders".

Definitions (all figures from `legal.py`, so an administrator's `DisclosureRule` rows apply):

- *Items of the period*: the unit's published items (withdrawn ones and drafts are not disclosures) first made
  known (`disclosed_on`) from `start` to `end`. They are judged on everything recorded up to `today`: a notice
  taken down too early after the period ended still shows in the period's figures when they are read again.
- *Late*: a version that carries a new decision (the first version, or one whose decision date differs from
  the previous version's) was first made known (the earliest start of that version's postings) after
  `legal.disclosure_deadline` (Art. 12.3, 47.2, 65.2). A correction that keeps the decision date is not judged.
- *Postings across versions*: for each required channel (`legal.requirements`) and place, the postings of all
  the item's versions are put together and overlapping or consecutive days merged into runs; the longest run is
  judged against the minimum (`legal.days_posted`, both ends counted; `Posting.last_day`). A revision re-posted
  at the same place therefore continues the count: the law asks how long the item was made known there.
  For a workplace (Art. 48, 65) the notice board requirement is met by the notice board or the portal
  ("posted or online"), each judged on its own.
  A run is *in progress* while it is still up (its last day is empty, today or later) and planned long enough;
  *ending early* while it is up but planned to end before the minimum (a warning, what reminders are about);
  *too short* once every run has ended before the minimum; *unused* when the channel was never used.
  `each_village` requirements are judged in every active village (thôn, tổ dân phố) of the commune: villages
  without a posting are listed as missing; a commune without villages on record has nothing to judge there.
- *Outdated* (permanent items, Art. 13.1): no seat posting is up at the end of the period, or the current
  version was published more than `permanent.review` days before it (a platform default, not the law).
- *Missing*, judged at `as_of` (the end of the period, or today while it runs):
  (a) lines of an approved plan (Art. 14) due in the period, whose day has passed, with no published item
  linked to them made known by `as_of`; (b) every permanent category of the unit's list (items 4 and 13 for a
  commune) without a published item made known by `as_of`; (c) for a commune, the quarterly list (Art. 13.2)
  of each quarter whose list falls due in the period (the disclosure deadline counted from the quarter's last
  day) and whose due day has passed, when none was made known by `as_of`. Quarters that ended before the unit
  was entered on the platform are not asked for.
- *Score*: the share of obligations met: items without an error (late, too short, channel unused, village
  missing, outdated) among the items judged plus the missing ones. Warnings do not lower it.

Everything for any number of units is computed with a fixed number of queries (units' villages, categories,
publications, versions, postings, plan lines, the items linked to them); deadlines and rules come from the
versioned caches of `core.calendar` and `legal`.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import NamedTuple

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from dancoso.core import calendar
from dancoso.core.text import vietnamese_sort_key
from dancoso.disclosure import legal
from dancoso.disclosure.models import (
    VILLAGE_CHANNELS,
    Category,
    Channel,
    DisclosurePlan,
    PlanItem,
    Posting,
    Publication,
    PublicationVersion,
    Regime,
)
from dancoso.units.models import COMMUNE_LEVEL_KINDS, SETTLEMENT_KINDS, WORKPLACE_KINDS, Unit

DISCLOSING_KINDS = COMMUNE_LEVEL_KINDS | WORKPLACE_KINDS

# States of a required channel at one place.
OK, IN_PROGRESS, ENDING_EARLY, TOO_SHORT, UNUSED = "ok", "in_progress", "ending_early", "too_short", "unused"
STATUS_RANK = {OK: 0, IN_PROGRESS: 1, ENDING_EARLY: 2, TOO_SHORT: 3, UNUSED: 4}
STATUS_LABELS = {
    OK: pgettext_lazy("disclosure compliance", "Done"),
    IN_PROGRESS: pgettext_lazy("disclosure compliance", "In progress"),
    ENDING_EARLY: gettext_lazy("Planned to end too early"),
    TOO_SHORT: pgettext_lazy("disclosure compliance", "Too short"),
    UNUSED: pgettext_lazy("disclosure compliance", "Not used"),
}

# Kinds of problems, in the order a dashboard lists them.
MISSING, LATE, TOO_SHORT_ISSUE, CHANNEL_UNUSED, VILLAGE_MISSING, OUTDATED, ENDING_EARLY_ISSUE = (
    "missing",
    "late",
    "too_short",
    "channel_unused",
    "village_missing",
    "outdated",
    "ending_early",
)
ISSUE_KINDS = (MISSING, LATE, TOO_SHORT_ISSUE, CHANNEL_UNUSED, VILLAGE_MISSING, OUTDATED, ENDING_EARLY_ISSUE)
WARNING_KINDS = frozenset({ENDING_EARLY_ISSUE})
ISSUE_LABELS = {
    MISSING: pgettext_lazy("disclosure compliance", "Missing"),
    LATE: gettext_lazy("Published late"),
    TOO_SHORT_ISSUE: gettext_lazy("Posted too briefly"),
    CHANNEL_UNUSED: gettext_lazy("Required channel not used"),
    VILLAGE_MISSING: gettext_lazy("Not posted in every village"),
    OUTDATED: gettext_lazy("Permanent item outdated"),
    ENDING_EARLY_ISSUE: gettext_lazy("Planned to end too early"),
}

# Kinds of missing obligations.
MISSING_PLAN, MISSING_PERMANENT, MISSING_QUARTERLY = "plan", "permanent", "quarterly_list"
PLAN_ARTICLE = "Điều 14 Luật 10/2022/QH15"
QUARTERLY_ARTICLE = "Khoản 2 Điều 13 Luật 10/2022/QH15"
PERMANENT_ARTICLE = "Khoản 1 Điều 13 Luật 10/2022/QH15"


def _day(value: date | None) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


def _channel_label(channel: str) -> str:
    return str(Channel(channel).label) if channel in Channel.values else channel


# ------------------------------------------------------------------------------------------------ runs


class Run(NamedTuple):
    """Consecutive days an item was (or is planned to be) up at one place: `last` None = until further notice.
    (Tuples: a province's roll-up builds hundreds of thousands of them.)"""

    start: date
    last: date | None

    def days_until(self, day: date) -> int:
        """Days it has been up by the end of `day` (0 if it starts later)."""
        if day < self.start:
            return 0
        end = day if self.last is None else min(self.last, day)
        return legal.days_posted(self.start, end)

    @property
    def planned_days(self) -> int | None:
        return None if self.last is None else legal.days_posted(self.start, self.last)

    def is_up(self, day: date) -> bool:
        """Still up at the end of `day`, or not started yet."""
        return self.last is None or self.last >= day


def merge_runs(intervals) -> list[Run]:
    """[(start, last or None), …] → runs, overlapping and consecutive days merged (01–10 and 11–20 is one run)."""
    if not isinstance(intervals, list):
        intervals = list(intervals)
    if len(intervals) == 1:
        return [Run(*intervals[0])]
    runs: list[Run] = []
    for start, last in sorted(intervals, key=lambda pair: pair[0]):
        if runs:
            current = runs[-1]
            if current.last is None or start <= current.last + timedelta(days=1):
                merged_last = None if current.last is None or last is None else max(current.last, last)
                runs[-1] = Run(current.start, merged_last)
                continue
        runs.append(Run(start, last))
    return runs


def judge_runs(runs: list[Run], min_days: int | None, today: date) -> tuple[str, Run | None]:
    """The state of one required channel at one place, and the run that decides it."""
    if not runs:
        return UNUSED, None
    if min_days is None:
        started = [run for run in runs if run.start <= today]
        return (OK, started[0]) if started else (IN_PROGRESS, runs[0])
    met = [run for run in runs if run.days_until(today) >= min_days]
    if met:
        return OK, met[0]
    up = [run for run in runs if run.is_up(today)]
    enough = [run for run in up if run.planned_days is None or run.planned_days >= min_days]
    if enough:
        return IN_PROGRESS, enough[0]
    if up:
        return ENDING_EARLY, max(up, key=lambda run: run.planned_days or 0)
    return TOO_SHORT, max(runs, key=lambda run: run.planned_days or 0)


# ------------------------------------------------------------------------------------------------ results


class ChannelCheck(NamedTuple):
    """One required channel at one place (a village for `each_village` requirements)."""

    channel: str
    status: str
    min_days: int | None
    article: str
    place_id: int | None = None
    place_name: str = ""
    days: int | None = None  # days up so far in the deciding run
    planned_days: int | None = None  # its planned length (None: until further notice)
    start: date | None = None
    last_day: date | None = None  # its planned last day

    @property
    def channel_label(self) -> str:
        return _channel_label(self.channel)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


@dataclass(frozen=True)
class Issue:
    kind: str
    article: str = ""
    channel: str = ""
    places: tuple[str, ...] = ()
    days: int | None = None
    min_days: int | None = None
    day: date | None = None  # the deadline, or the (planned) last day
    other_day: date | None = None  # the decision, or the day it was made known
    version: int | None = None
    reason: str = ""  # for OUTDATED: "seat" (no notice up at the seat) or "review"

    @property
    def is_warning(self) -> bool:
        return self.kind in WARNING_KINDS

    @property
    def label(self) -> str:
        return str(ISSUE_LABELS[self.kind])

    @property
    def message(self) -> str:
        """What is wrong, in the active language."""
        values = {
            "channel": _channel_label(self.channel) if self.channel else "",
            "places": ", ".join(self.places),
            "days": self.days,
            "min": self.min_days,
            "day": _day(self.day),
            "other": _day(self.other_day),
            "version": self.version,
        }
        if self.kind == LATE:
            return (
                _(
                    "Version %(version)s was made known on %(other)s, after the deadline of %(day)s counted from "
                    "its decision."
                )
                % values
            )
        if self.kind == TOO_SHORT_ISSUE:
            if self.places:
                return _("%(channel)s: up %(days)s days in %(places)s, at least %(min)s required.") % values
            return _("%(channel)s: up %(days)s days, at least %(min)s required.") % values
        if self.kind == ENDING_EARLY_ISSUE:
            if self.places:
                return (
                    _("%(channel)s: planned to end on %(day)s in %(places)s, before %(min)s days.") % values
                )
            return _("%(channel)s: planned to end on %(day)s after %(days)s days, before %(min)s.") % values
        if self.kind == CHANNEL_UNUSED:
            return _("Not made known through %(channel)s.") % values
        if self.kind == VILLAGE_MISSING:
            return _("%(channel)s: nothing posted in %(places)s.") % values
        if self.kind == OUTDATED:
            if self.reason == "seat":
                return _("No notice is up at the seat any more: post it again.")
            return _("Not updated since %(other)s: review it and publish the current text.") % values
        return str(ISSUE_LABELS[self.kind])


@dataclass(frozen=True)
class ItemCompliance:
    """One published item: its deadline, each required channel and what is wrong."""

    publication_id: int
    unit_id: int
    code: str
    title: str
    audience: str
    category: Category
    decision_date: date
    disclosed_on: date | None
    deadline: date | None
    late: bool
    checks: tuple[ChannelCheck, ...]
    issues: tuple[Issue, ...]
    channels_used: frozenset[str] = frozenset()
    carried_over: bool = False  # a permanent item made known before the period: only its currency is judged

    @cached_property
    def errors(self) -> tuple[Issue, ...]:
        return tuple(issue for issue in self.issues if not issue.is_warning)

    @cached_property
    def warnings(self) -> tuple[Issue, ...]:
        return tuple(issue for issue in self.issues if issue.is_warning)

    @property
    def is_compliant(self) -> bool:
        return not self.errors

    def has(self, kind: str) -> bool:
        return any(issue.kind == kind for issue in self.issues)

    @property
    def is_quarterly_list(self) -> bool:
        return self.category.is_quarterly_list


@dataclass(frozen=True)
class Missing:
    """An obligation not met: a plan line, a permanent item, a quarterly list."""

    kind: str
    label: str
    article: str
    category: Category | None = None
    due_on: date | None = None
    plan_item_id: int | None = None
    plan_id: int | None = None
    period_label: str = ""  # "2026-Q1" for a quarterly list

    @property
    def kind_label(self) -> str:
        return str(MISSING_LABELS[self.kind])


MISSING_LABELS = {
    MISSING_PLAN: gettext_lazy("Planned item not published"),
    MISSING_PERMANENT: gettext_lazy("Permanent item not published"),
    MISSING_QUARTERLY: gettext_lazy("Quarterly list not published"),
}


@dataclass(frozen=True)
class UnitCompliance:
    unit: Unit
    regime: str
    start: date
    end: date
    as_of: date
    today: date
    items: tuple[ItemCompliance, ...] = ()
    missing: tuple[Missing, ...] = ()
    villages: tuple[Unit, ...] = ()

    @cached_property
    def period_items(self) -> tuple[ItemCompliance, ...]:
        return tuple(item for item in self.items if not item.carried_over)

    @cached_property
    def issue_counts(self) -> dict[str, int]:
        """Items with each kind of problem (missing: obligations not met)."""
        counts = dict.fromkeys(ISSUE_KINDS, 0)
        for item in self.items:
            for kind in {issue.kind for issue in item.issues}:
                counts[kind] += 1
        counts[MISSING] = len(self.missing)
        return counts

    @property
    def late(self) -> int:
        return self.issue_counts[LATE]

    @property
    def on_time(self) -> int:
        return sum(1 for item in self.period_items if not item.late)

    @property
    def too_short(self) -> int:
        return self.issue_counts[TOO_SHORT_ISSUE]

    @property
    def ending_early(self) -> int:
        return self.issue_counts[ENDING_EARLY_ISSUE]

    @property
    def outdated(self) -> int:
        return self.issue_counts[OUTDATED]

    @cached_property
    def compliant(self) -> int:
        return sum(1 for item in self.items if item.is_compliant)

    @property
    def judged(self) -> int:
        """Obligations judged: the items and the missing ones."""
        return len(self.items) + len(self.missing)

    @property
    def problems(self) -> int:
        """Items with an error, and missing obligations."""
        return len(self.items) - self.compliant + len(self.missing)

    @property
    def score(self) -> float | None:
        """Share of obligations met, from 0 to 1; None when there is nothing to judge."""
        return self.compliant / self.judged if self.judged else None

    @cached_property
    def items_with_problems(self) -> tuple[ItemCompliance, ...]:
        return tuple(item for item in self.items if item.issues)


# ------------------------------------------------------------------------------------------------ loading


@dataclass
class _Data:
    """Rows read for a batch of units, grouped for the checks."""

    categories: dict[int, Category]
    villages: dict[int, list[Unit]]
    publications: list[Publication]
    versions: dict[int, list[tuple]] = field(default_factory=lambda: defaultdict(list))
    postings: dict[int, list[tuple]] = field(default_factory=lambda: defaultdict(list))


POSTING_COLUMNS = (
    "publication_id",
    "version_id",
    "channel",
    "place_id",
    "start_on",
    "end_on",
    "taken_down_on",
)
VERSION_COLUMNS = ("publication_id", "id", "number", "decision_date", "published_at")
PUBLICATION_FIELDS = (
    "id",
    "unit_id",
    "code",
    "title",
    "audience",
    "category_id",
    "decision_date",
    "disclosed_on",
    "period_label",
    "plan_item_id",
    "current_version_id",
    "state",
)


def _villages(unit_ids) -> dict[int, list[Unit]]:
    villages: dict[int, list[Unit]] = defaultdict(list)
    rows = Unit.objects.filter(parent_id__in=unit_ids, kind__in=SETTLEMENT_KINDS, is_active=True).only(
        "id", "name", "kind", "parent", "path", "slug"
    )
    for village in rows:
        villages[village.parent_id].append(village)
    for children in villages.values():
        children.sort(key=lambda village: vietnamese_sort_key(village.name))
    return villages


def _categories() -> dict[int, Category]:
    return {category.pk: category for category in Category.objects.all()}


def _load(publications, unit_ids, categories=None) -> _Data:
    """Categories, the units' villages, the publications (a queryset), their versions and postings: five
    queries whatever their number (one more per 20,000 publications, for SQLite's parameter limit)."""
    publications = list(publications.only(*PUBLICATION_FIELDS).order_by("-disclosed_on", "-pk"))
    data = _Data(
        categories=categories if categories is not None else _categories(),
        villages=_villages(unit_ids),
        publications=publications,
    )
    if not publications:
        return data
    ids = [publication.pk for publication in publications]
    for row in _in_batches(PublicationVersion.objects, "publication_id", ids, VERSION_COLUMNS):
        data.versions[row[0]].append(row)
    for row in _in_batches(Posting.objects, "publication_id", ids, POSTING_COLUMNS):
        data.postings[row[0]].append(row)
    for rows in data.versions.values():
        rows.sort(key=lambda row: row[2])
    return data


# SQLite binds at most 32,766 parameters per statement; stay well below.
BATCH = 20_000


def _in_batches(manager, column: str, ids: list[int], columns) -> list[tuple]:
    rows: list[tuple] = []
    for offset in range(0, len(ids), BATCH):
        chunk = ids[offset : offset + BATCH]
        rows.extend(manager.filter(**{f"{column}__in": chunk}).values_list(*columns))
    return rows


# ------------------------------------------------------------------------------------------------ judging


class _Deadlines:
    """Deadlines, requirements and rules, memoised within one computation: each call to `legal` and
    `core.calendar` reads its cache's version (a file or a Redis round trip), and a roll-up asks the same
    questions for thousands of items. Deadlines are shared by the units of one work calendar."""

    def __init__(self):
        self._memo: dict[tuple, object] = {}

    def _get(self, key: tuple, build):
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]

    def __call__(self, regime: str, decision: date, unit) -> date:
        calendar_id = self._get(("calendar", unit.pk), lambda: calendar.calendar_for_unit(unit).pk)
        return self._get(
            ("deadline", regime, decision, calendar_id),
            lambda: legal.disclosure_deadline(regime, decision, unit),
        )

    def requirements(self, category, regime: str, on: date) -> tuple:
        return self._get(
            ("requirements", category.pk, regime, on), lambda: legal.requirements(category, regime, on)
        )

    def rule(self, key: str, on: date) -> legal.Rule:
        return self._get(("rule", key, on), lambda: legal.rule(key, on))


def _accepted_channels(requirement: legal.Requirement, regime: str) -> tuple[str, ...]:
    """Art. 48, 65: a workplace posts at the seat *or* online; either channel meeting the minimum will do."""
    if regime != Regime.COMMUNE and requirement.channel == Channel.SEAT_BOARD and not requirement.permanent:
        return (Channel.SEAT_BOARD, Channel.PORTAL)
    return (requirement.channel,)


def _last_day(end_on: date | None, taken_down_on: date | None) -> date | None:
    ends = [day for day in (end_on, taken_down_on) if day is not None]
    return min(ends) if ends else None


def _check(requirement, channel: str, intervals, today: date, place=None) -> ChannelCheck:
    place_id, place_name = (place.pk, place.name) if place is not None else (None, "")
    if not intervals:
        return ChannelCheck(channel, UNUSED, requirement.min_days, requirement.article, place_id, place_name)
    status, run = judge_runs(merge_runs(intervals), requirement.min_days, today)
    return ChannelCheck(
        channel,
        status,
        requirement.min_days,
        requirement.article,
        place_id,
        place_name,
        run.days_until(today),
        run.planned_days,
        run.start,
        run.last,
    )


def _best(checks: list[ChannelCheck]) -> ChannelCheck:
    return min(checks, key=lambda check: STATUS_RANK[check.status])


def _channel_checks(requirement, regime, by_channel, villages, today) -> list[ChannelCheck]:
    if requirement.each_village:
        return [
            _check(
                requirement,
                requirement.channel,
                by_channel[(requirement.channel, village.pk)],
                today,
                village,
            )
            for village in villages
        ]
    alternatives = [
        _check(requirement, channel, by_channel[channel], today)
        for channel in _accepted_channels(requirement, regime)
    ]
    return [_best(alternatives)]


def _issues_of_checks(requirement, checks: list[ChannelCheck]) -> list[Issue]:
    common = {
        "article": requirement.article,
        "channel": requirement.channel,
        "min_days": requirement.min_days,
    }
    if not checks:
        return []
    if requirement.each_village:
        unused = [check.place_name for check in checks if check.status == UNUSED]
        short = [check for check in checks if check.status == TOO_SHORT]
        early = [check for check in checks if check.status == ENDING_EARLY]
        issues = []
        if len(unused) == len(checks):
            issues.append(Issue(CHANNEL_UNUSED, **common))
        elif unused:
            issues.append(Issue(VILLAGE_MISSING, places=tuple(unused), **common))
        if short:
            days = min(check.planned_days or 0 for check in short)
            issues.append(
                Issue(TOO_SHORT_ISSUE, places=tuple(c.place_name for c in short), days=days, **common)
            )
        if early:
            day = min(check.last_day for check in early)
            places = tuple(check.place_name for check in early)
            issues.append(Issue(ENDING_EARLY_ISSUE, places=places, day=day, **common))
        return issues
    check = checks[0]
    common["channel"] = check.channel if check.status != UNUSED else requirement.channel
    if check.status == UNUSED:
        return [Issue(CHANNEL_UNUSED, **common)]
    if check.status == TOO_SHORT:
        return [Issue(TOO_SHORT_ISSUE, days=check.planned_days, day=check.last_day, **common)]
    if check.status == ENDING_EARLY:
        return [Issue(ENDING_EARLY_ISSUE, days=check.planned_days, day=check.last_day, **common)]
    return []


def _lateness(publication, unit, regime, versions, postings, deadlines) -> tuple[date | None, Issue | None]:
    """The first version's deadline, and the first version with a new decision made known after its own."""
    first_start: dict[int, date] = {}
    for _pub, version_id, _channel, _place, start_on, _end, _down in postings:
        if version_id not in first_start or start_on < first_start[version_id]:
            first_start[version_id] = start_on
    first_deadline = None
    previous_decision = None
    late = None
    for _pub, version_id, number, decision, _published_at in versions:
        made_known = first_start.get(version_id)
        if made_known is None:  # never made known (a draft revised before it was published)
            continue
        new_decision = decision != previous_decision
        previous_decision = decision
        if not new_decision:
            continue
        deadline = deadlines(regime, decision, unit)
        if first_deadline is None:
            first_deadline = deadline
        if late is None and made_known > deadline:
            article = deadlines.rule(f"{regime}.disclose", decision).article
            late = Issue(LATE, article=article, day=deadline, other_day=made_known, version=number)
    return first_deadline, late


def _outdated(publication, versions, postings, as_of: date, deadlines) -> Issue | None:
    """A permanent item (Art. 13.1): a notice must be up at the seat, and the text reviewed now and then."""
    seat_runs = merge_runs(
        (start_on, _last_day(end_on, down))
        for _pub, _version, channel, _place, start_on, end_on, down in postings
        if channel == Channel.SEAT_BOARD
    )
    up_or_planned = any(run.start > as_of or run.is_up(as_of) for run in seat_runs)
    if not up_or_planned:
        return Issue(OUTDATED, article=PERMANENT_ARTICLE, reason="seat")
    current = next((row for row in versions if row[1] == publication.current_version_id), None)
    published_at = current[4] if current else None
    updated = timezone.localdate(published_at) if published_at else publication.disclosed_on
    review = deadlines.rule("permanent.review", as_of)
    if updated is not None and as_of > updated + timedelta(days=review.days):
        return Issue(OUTDATED, article=review.article, reason="review", other_day=updated)
    return None


def judge_publication(
    publication, unit, data: _Data, *, today: date, as_of: date, deadlines=None, carried=False
):
    """Everything about one published item, from the rows in `data`."""
    deadlines = deadlines or _Deadlines()
    regime = legal.regime_of_unit(unit)
    category = data.categories[publication.category_id]
    versions = data.versions.get(publication.pk, [])
    postings = data.postings.get(publication.pk, [])
    by_channel: dict = defaultdict(list)
    for _pub, _version, channel, place_id, start_on, end_on, down in postings:
        interval = (start_on, _last_day(end_on, down))
        by_channel[channel].append(interval)
        if channel in VILLAGE_CHANNELS:
            by_channel[(channel, place_id)].append(interval)
    checks: list[ChannelCheck] = []
    issues: list[Issue] = []
    deadline, late = _lateness(publication, unit, regime, versions, postings, deadlines)
    if not carried:
        if late:
            issues.append(late)
        villages = data.villages.get(unit.pk, [])
        for requirement in deadlines.requirements(category, regime, publication.decision_date):
            found = _channel_checks(requirement, regime, by_channel, villages, today)
            checks.extend(found)
            issues.extend(_issues_of_checks(requirement, found))
    if category.is_permanent:
        outdated = _outdated(publication, versions, postings, as_of, deadlines)
        if outdated and not any(issue.kind == CHANNEL_UNUSED for issue in issues):
            issues.append(outdated)
    return ItemCompliance(
        publication_id=publication.pk,
        unit_id=publication.unit_id,
        code=publication.code,
        title=publication.title,
        audience=publication.audience,
        category=category,
        decision_date=publication.decision_date,
        disclosed_on=publication.disclosed_on,
        deadline=deadline,
        late=late is not None and not carried,
        checks=tuple(checks),
        issues=tuple(issues),
        channels_used=frozenset(row[2] for row in postings),
        carried_over=carried,
    )


# ------------------------------------------------------------------------------------------------ obligations


def quarters_due(unit, start: date, end: date, deadlines) -> list[tuple[int, int, date]]:
    """(year, quarter, due day) of the quarterly lists (Art. 13.2) falling due from `start` to `end`: each is due
    like any disclosure, counted from the quarter's last day. Quarters that ended before the unit was entered on
    the platform are left out."""
    created = timezone.localdate(unit.created_at) if unit.created_at else None
    found = []
    year, quarter = start.year - 1, 4  # a quarter ending just before `start` may fall due within the period
    while True:
        first, last = _quarter_bounds(year, quarter)
        if first > end:
            break
        due = deadlines(Regime.COMMUNE, last, unit)
        if start <= due <= end and last >= legal.LAW_IN_FORCE and (created is None or last >= created):
            found.append((year, quarter, due))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return found


def _quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    first = date(year, 3 * quarter - 2, 1)
    last = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - timedelta(days=1)
    return first, last


def _plan_lines(unit_ids, start: date, end: date, today: date, as_of: date) -> dict[int, list[Missing]]:
    """(a) Lines of an approved plan due in the period, whose day has passed, with nothing published for them."""
    lines = list(
        PlanItem.objects.filter(
            unit_id__in=unit_ids,
            plan__state=DisclosurePlan.State.APPROVED,
            due_on__range=(start, end),
            due_on__lt=today,
        )
        .select_related("category")
        .order_by("due_on", "pk")
    )
    missing: dict[int, list[Missing]] = defaultdict(list)
    if not lines:
        return missing
    fulfilled = set(
        Publication.objects.filter(
            plan_item_id__in=[line.pk for line in lines],
            state=Publication.State.PUBLISHED,
            disclosed_on__lte=as_of,
        ).values_list("plan_item_id", flat=True)
    )
    for line in lines:
        if line.pk not in fulfilled:
            missing[line.unit_id].append(
                Missing(
                    MISSING_PLAN,
                    line.content,
                    PLAN_ARTICLE,
                    category=line.category,
                    due_on=line.due_on,
                    plan_item_id=line.pk,
                    plan_id=line.plan_id,
                )
            )
    return missing


# ------------------------------------------------------------------------------------------------ entry points


def disclosing_units(queryset) -> list[Unit]:
    return list(queryset.filter(kind__in=DISCLOSING_KINDS, is_active=True))


def compliance_for_units(
    units, start: date, end: date, *, today: date | None = None
) -> dict[int, UnitCompliance]:
    """Compliance of each disclosing unit of `units` for [start, end], with a fixed number of queries."""
    today = today or timezone.localdate()
    as_of = min(end, today)
    units = [unit for unit in units if legal.regime_of_unit(unit)]
    if not units:
        return {}
    ids = [unit.pk for unit in units]
    publications = Publication.objects.filter(unit_id__in=ids, state=Publication.State.PUBLISHED).filter(
        Q(disclosed_on__range=(start, end))
        | Q(category__is_permanent=True, disclosed_on__lte=as_of)
        | Q(
            category__is_quarterly_list=True,
            disclosed_on__lte=as_of,
            disclosed_on__gte=start - timedelta(days=120),
        )
    )
    data = _load(publications, ids)
    deadlines = _Deadlines()
    by_unit: dict[int, list[Publication]] = defaultdict(list)
    for publication in data.publications:
        by_unit[publication.unit_id].append(publication)
    plan_missing = _plan_lines(ids, start, end, today, as_of)
    results = {}
    for unit in units:
        results[unit.pk] = _unit_result(
            unit, by_unit[unit.pk], data, plan_missing[unit.pk], start, end, today, as_of, deadlines
        )
    return results


def _unit_result(
    unit, publications, data, plan_missing, start, end, today, as_of, deadlines
) -> UnitCompliance:
    regime = legal.regime_of_unit(unit)
    items = []
    present_permanent: set[int] = set()
    present_lists: set[str] = set()
    for publication in publications:
        category = data.categories[publication.category_id]
        in_period = publication.disclosed_on is not None and start <= publication.disclosed_on <= end
        if category.is_quarterly_list and publication.disclosed_on and publication.disclosed_on <= as_of:
            present_lists.add(publication.period_label)
        if category.is_permanent and publication.disclosed_on and publication.disclosed_on <= as_of:
            present_permanent.add(category.pk)
        if in_period or category.is_permanent:
            items.append(
                judge_publication(
                    publication,
                    unit,
                    data,
                    today=today,
                    as_of=as_of,
                    deadlines=deadlines,
                    carried=not in_period,
                )
            )
    missing = list(plan_missing)
    for category in sorted(data.categories.values(), key=lambda c: (c.position, c.number or 0)):
        required = category.regime == regime and category.is_permanent and category.is_active
        if required and category.pk not in present_permanent:
            missing.append(Missing(MISSING_PERMANENT, category.label, PERMANENT_ARTICLE, category=category))
    if regime == Regime.COMMUNE:
        list_category = next((c for c in data.categories.values() if c.is_quarterly_list), None)
        for year, quarter, due in quarters_due(unit, start, end, deadlines):
            label = f"{year}-Q{quarter}"
            if due < today and label not in present_lists:
                missing.append(
                    Missing(
                        MISSING_QUARTERLY,
                        _("Quarterly list of disclosures, quarter %(quarter)s/%(year)s")
                        % {"quarter": quarter, "year": year},
                        QUARTERLY_ARTICLE,
                        category=list_category,
                        due_on=due,
                        period_label=label,
                    )
                )
    items.sort(key=_item_order)
    return UnitCompliance(
        unit=unit,
        regime=regime,
        start=start,
        end=end,
        as_of=as_of,
        today=today,
        items=tuple(items),
        missing=tuple(missing),
        villages=tuple(data.villages.get(unit.pk, [])),
    )


def _item_order(item: ItemCompliance):
    severity = 0 if item.errors else (1 if item.warnings else 2)
    return (severity, -(item.disclosed_on or date.min).toordinal(), -item.publication_id)


def unit_compliance(unit, start: date, end: date, *, today: date | None = None) -> UnitCompliance:
    """Compliance of one disclosing unit (a commune, ward, special zone, agency or enterprise)."""
    result = compliance_for_units([unit], start, end, today=today)
    if unit.pk not in result:
        raise ValueError(f"{unit} does not disclose by itself")
    return result[unit.pk]


@dataclass(frozen=True)
class Rollup:
    """The disclosing units under `root` that a user may see, each with its compliance."""

    root: Unit
    start: date
    end: date
    rows: tuple[UnitCompliance, ...]

    @cached_property
    def totals(self) -> dict[str, int]:
        totals = dict.fromkeys(ISSUE_KINDS, 0)
        for row in self.rows:
            for kind, count in row.issue_counts.items():
                totals[kind] += count
        totals["items"] = sum(len(row.period_items) for row in self.rows)
        totals["units"] = len(self.rows)
        totals["units_with_problems"] = sum(1 for row in self.rows if row.problems)
        return totals

    @property
    def score(self) -> float | None:
        judged = sum(row.judged for row in self.rows)
        return sum(row.compliant for row in self.rows) / judged if judged else None


def rollup(root: Unit, start: date, end: date, *, scope=None, today: date | None = None) -> Rollup:
    """Every disclosing unit in `root`'s subtree (within `scope`, a core.scoping.Scope, when given), worst first."""
    units = [
        unit
        for unit in disclosing_units(Unit.objects.subtree(root))
        if scope is None or scope.covers(unit.pk, unit.path)
    ]
    results = compliance_for_units(units, start, end, today=today)
    rows = sorted(
        results.values(),
        key=lambda row: (row.score if row.score is not None else 2.0, vietnamese_sort_key(row.unit.name)),
    )
    return Rollup(root=root, start=start, end=end, rows=tuple(rows))


# ------------------------------------------------------------------------------------------------ alerts

# Not in the law: how many days before a too-early end the publishers are reminded, and how long after an end
# the job still reports it (a missed day of the daily job is caught up).
REMIND_DAYS_BEFORE = 3
CATCH_UP_DAYS = 7
PLANNED, ENDING_SOON, ENDED_EARLY = "planned", "ending_soon", "ended_early"


@dataclass(frozen=True)
class Alert:
    """A required posting of `item` planned to end (or ended) before its minimum."""

    kind: str  # PLANNED, ENDING_SOON or ENDED_EARLY
    unit: Unit
    item: ItemCompliance
    checks: tuple[ChannelCheck, ...]

    @property
    def signature(self) -> str:
        return ";".join(
            f"{check.channel}:{check.place_id or 0}:{check.last_day.isoformat()}" for check in self.checks
        )


def posting_alerts(*, today: date | None = None) -> list[Alert]:
    """Required postings to tell the publishers about today: planned to end before the minimum (at once, and
    again REMIND_DAYS_BEFORE days before that end), and ended before it (within CATCH_UP_DAYS)."""
    today = today or timezone.localdate()
    since = today - timedelta(days=CATCH_UP_DAYS)
    ending = Posting.objects.filter(Q(end_on__gte=since) | Q(taken_down_on__gte=since)).values(
        "publication_id"
    )
    publications = Publication.objects.filter(state=Publication.State.PUBLISHED, pk__in=ending)
    unit_ids = set(publications.values_list("unit_id", flat=True))
    units = {unit.pk: unit for unit in Unit.objects.filter(pk__in=unit_ids, is_active=True)}
    data = _load(publications.filter(unit_id__in=list(units)), list(units))
    deadlines = _Deadlines()
    alerts = []
    for publication in data.publications:
        unit = units[publication.unit_id]
        if not legal.regime_of_unit(unit):
            continue
        item = judge_publication(publication, unit, data, today=today, as_of=today, deadlines=deadlines)
        by_kind: dict[str, list[ChannelCheck]] = defaultdict(list)
        for check in item.checks:
            if check.status == ENDING_EARLY and check.last_day is not None:
                kind = ENDING_SOON if (check.last_day - today).days <= REMIND_DAYS_BEFORE else PLANNED
                by_kind[kind].append(check)
            elif check.status == TOO_SHORT and check.last_day is not None and check.last_day >= since:
                by_kind[ENDED_EARLY].append(check)
        for kind, checks in by_kind.items():
            alerts.append(Alert(kind, unit, item, tuple(checks)))
    return alerts
