"""Working days and legal deadlines.

Rules (LEGAL.md §9):

- Ordinary week: Monday–Friday are working days, Saturday and Sunday are not (QĐ 188/1999/QĐ-TTg, still the
  basis for state agencies).
- Statutory holidays come from the `holidays` package (country "VN": BLLĐ 2019 Art. 112, the compensation day of
  Art. 111.3 and the official swaps the package knows, including their make-up Saturdays).
- Overrides entered by an administrator (`CalendarOverride`: the yearly Tết schedule, swapped days, make-up
  Saturdays) win over both. A calendar inherits the overrides of its parent calendars; for one date the override
  of the nearest calendar wins.
- "N days after D" (BLDS 2015 Art. 147–148): the start day is not counted; when the last day is a weekend day or
  a holiday the period ends at the end of the next working day.
- "N working days after D": the start day is not counted; the result is the N-th working day after D.

Each (calendar, year) is computed with one query and cached in Django's cache and in the process under a version
token. Saving or deleting a `WorkCalendar` or `CalendarOverride` replaces the token once the transaction
commits; inside a transaction that has changed calendar rows the caches are bypassed, so the transaction sees
its own changes and a rollback leaves nothing stale behind.

The receivers below are connected when this module is imported: `CoreConfig.ready()` must import it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from dancoso.core import ledger
from dancoso.core.models import CalendarOverride, WorkCalendar
from dancoso.core.versioned_cache import VersionedCache

NATIONAL_CODE = "national"
NATIONAL_NAME = "Lịch làm việc toàn quốc"
# Saturday and Sunday: QĐ 188/1999/QĐ-TTg (LEGAL.md §9: UNCONFIRMED that it is still the basis).
WEEKEND_DAYS = frozenset({5, 6})
STATUTORY_SOURCE = f"holidays {holidays.__version__} (VN), BLLĐ 2019 Art. 111–112"
# No real calendar has years of consecutive days off; stop instead of looping forever on broken data.
MAX_CONSECUTIVE_DAYS_OFF = 3660

_CACHE_PREFIX = "dancoso:calendar"


# ------------------------------------------------------------------------------------------------ results


@dataclass(frozen=True)
class CalendarDay:
    """One date worth showing: a holiday, a day off or a make-up working day."""

    date: date
    name: str
    is_working_day: bool
    source: str
    calendar_code: str | None  # the calendar whose override decided this day; None for the statutory list


@dataclass(frozen=True)
class _Entry:
    date: date
    name_vi: str
    name_en: str
    is_working_day: bool
    source: str
    calendar_code: str | None

    def display(self) -> CalendarDay:
        language = translation.get_language() or "vi"
        name = self.name_en if language.startswith("en") else self.name_vi
        if not name:
            name = str(_("Make-up working day"))
        return CalendarDay(self.date, name, self.is_working_day, self.source, self.calendar_code)


@dataclass(frozen=True)
class _YearTable:
    """`exceptions` are the dates whose status differs from the ordinary week."""

    exceptions: frozenset[date]
    entries: tuple[_Entry, ...]


@dataclass(frozen=True)
class _Registry:
    """Every calendar, loaded in one query: calendars are few and inheritance needs their parents."""

    by_id: dict[int, WorkCalendar]
    by_code: dict[str, int]

    def chain(self, calendar_id: int) -> list[int]:
        """The calendar and its ancestors, nearest first."""
        chain: list[int] = []
        current: int | None = calendar_id
        while current is not None and current not in chain and current in self.by_id:
            chain.append(current)
            current = self.by_id[current].parent_id
        return chain


# ------------------------------------------------------------------------------------------------ caching


_cache = VersionedCache(_CACHE_PREFIX, watch=(WorkCalendar, CalendarOverride))


def invalidate_calendar_cache() -> None:
    """For writes that send no signals (queryset.update, bulk_create, raw SQL): call after they commit."""
    _cache.bump()


# ------------------------------------------------------------------------------------------------ building


def _load_registry() -> _Registry:
    calendars = {calendar.pk: calendar for calendar in WorkCalendar.objects.all()}
    return _Registry(by_id=calendars, by_code={calendar.code: pk for pk, calendar in calendars.items()})


@lru_cache(maxsize=128)
def _statutory(year: int) -> tuple[dict[date, tuple[str, str]], frozenset[date]]:
    """(holiday date → (Vietnamese name, English name), make-up Saturdays) for one year, from the package.

    The next year is populated too: a swap announced with next year's list may move a working day into this one.
    """
    years = [year, year + 1]
    names_vi = holidays.country_holidays("VN", years=years, language="vi")
    names_en = holidays.country_holidays("VN", years=years, language="en_US")
    days_off = {day: (name, names_en.get(day, name)) for day, name in names_vi.items() if day.year == year}
    make_up = frozenset(day for day in names_vi.weekend_workdays if day.year == year)
    return days_off, make_up


def _is_ordinary_working_day(day: date) -> bool:
    return day.weekday() not in WEEKEND_DAYS


def _build_year(registry: _Registry, calendar_id: int, year: int) -> _YearTable:
    calendar = registry.by_id[calendar_id]
    entries: dict[date, _Entry] = {}
    if calendar.include_statutory_holidays:
        days_off, make_up = _statutory(year)
        for day, (name_vi, name_en) in days_off.items():
            entries[day] = _Entry(day, name_vi, name_en, False, STATUTORY_SOURCE, None)
        for day in make_up:
            entries[day] = _Entry(day, "", "", True, STATUTORY_SOURCE, None)

    chain = registry.chain(calendar_id)
    rank = {pk: position for position, pk in enumerate(chain)}
    nearest: dict[date, tuple[int, str, str, str]] = {}
    rows = CalendarOverride.objects.filter(calendar_id__in=chain, date__year=year).values_list(
        "calendar_id", "date", "kind", "name", "source"
    )
    for owner_id, day, kind, name, source in rows:
        if day not in nearest or rank[owner_id] < rank[nearest[day][0]]:
            nearest[day] = (owner_id, kind, name, source)
    for day, (owner_id, kind, name, source) in nearest.items():
        working = kind == CalendarOverride.Kind.WORKING_DAY
        entries[day] = _Entry(day, name, name, working, source, registry.by_id[owner_id].code)

    exceptions = frozenset(
        day for day, entry in entries.items() if entry.is_working_day != _is_ordinary_working_day(day)
    )
    return _YearTable(exceptions=exceptions, entries=tuple(sorted(entries.values(), key=lambda e: e.date)))


# ------------------------------------------------------------------------------------------------ lookups


class _Lookup:
    """Answers for one calendar during one public call: one cache read for the version, then memoised tables."""

    def __init__(self, calendar_arg):
        self._version = _cache.version()
        self._registry: _Registry = _cache.get("registry", _load_registry, self._version)
        self.calendar_id = self._resolve(calendar_arg)
        self._tables: dict[int, _YearTable] = {}

    def _fresh_registry(self) -> None:
        self._version = None
        self._registry = _load_registry()

    def _resolve(self, calendar_arg) -> int:
        if calendar_arg is None or calendar_arg == NATIONAL_CODE:
            if NATIONAL_CODE not in self._registry.by_code:
                national_calendar()
                self._fresh_registry()
            return self._registry.by_code[NATIONAL_CODE]
        if isinstance(calendar_arg, str):
            if calendar_arg not in self._registry.by_code:
                raise WorkCalendar.DoesNotExist(f"No work calendar with code {calendar_arg!r}")
            return self._registry.by_code[calendar_arg]
        if isinstance(calendar_arg, WorkCalendar):
            if calendar_arg.pk is None:
                raise ValueError("The work calendar has not been saved.")
            pk = calendar_arg.pk
        elif _looks_like_unit(calendar_arg):
            pk = calendar_for_unit(calendar_arg).pk
        else:
            raise TypeError(f"Not a calendar, unit or calendar code: {calendar_arg!r}")
        if pk not in self._registry.by_id:
            self._fresh_registry()
            if pk not in self._registry.by_id:
                raise WorkCalendar.DoesNotExist(f"No work calendar with id {pk}")
        return pk

    def table(self, year: int) -> _YearTable:
        table = self._tables.get(year)
        if table is None:
            table = _cache.get(
                f"year:{self.calendar_id}:{year}",
                lambda: _build_year(self._registry, self.calendar_id, year),
                self._version,
            )
            self._tables[year] = table
        return table

    def is_working_day(self, day: date) -> bool:
        return _is_ordinary_working_day(day) != (day in self.table(day.year).exceptions)

    def next_working_day(self, day: date) -> date:
        for _step in range(MAX_CONSECUTIVE_DAYS_OFF):
            day += timedelta(days=1)
            if self.is_working_day(day):
                return day
        raise ValueError("The work calendar has no working day for years; check its overrides.")

    def working_day_on_or_after(self, day: date) -> date:
        return day if self.is_working_day(day) else self.next_working_day(day)


def _looks_like_unit(value) -> bool:
    # `parent_id` first: touching `parent` on a model instance would load the parent row.
    has_parent = hasattr(value, "parent_id") or hasattr(value, "parent")
    return has_parent and (hasattr(value, "calendar_id") or hasattr(value, "calendar"))


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    if isinstance(value, date):
        return value
    raise TypeError(f"Expected a date, got {value!r}")


def _require_non_negative(n: int) -> int:
    if n < 0:
        raise ValueError("The number of days must not be negative.")
    return n


# ------------------------------------------------------------------------------------------------ public API


def national_calendar() -> WorkCalendar:
    """The default calendar (code "national"); created on first use when the data migration has not run."""
    calendar, _created = WorkCalendar.objects.get_or_create(
        code=NATIONAL_CODE, defaults={"name": NATIONAL_NAME}
    )
    return calendar


def calendar_for_unit(unit) -> WorkCalendar:
    """The unit's own calendar, else its nearest ancestor's, else the national one.

    Accepts any object with `calendar_id` (or `calendar`) and `parent`. A model instance with a materialised
    `path` and `ancestor_paths()` (units.Unit) is answered with at most one query for all its ancestors.
    """
    calendar_id = _nearest_calendar_id(unit)
    registry = _cache.get("registry", _load_registry)
    if calendar_id is None:
        calendar_id = registry.by_code.get(NATIONAL_CODE)
        if calendar_id is None:
            return national_calendar()
    calendar = registry.by_id.get(calendar_id)
    if calendar is None:
        return WorkCalendar.objects.get(pk=calendar_id)
    return copy.copy(calendar)  # callers may change their copy; the cached one stays as it was loaded


def _own_calendar_id(unit) -> int | None:
    if hasattr(unit, "calendar_id"):
        return unit.calendar_id
    calendar = getattr(unit, "calendar", None)
    return calendar.pk if calendar is not None else None


def _calendars_by_path(model, manager) -> dict[str, int]:
    """The units that have a calendar of their own, by path: few, and read for every deadline."""
    _cache.watch(model)  # a unit given or taken a calendar changes the answers
    return _cache.get(
        f"paths:{model._meta.label}",
        lambda: dict(manager.filter(calendar__isnull=False).values_list("path", "calendar_id")),
    )


def _nearest_calendar_id(unit) -> int | None:
    own = _own_calendar_id(unit)
    if own is not None:
        return own
    ancestor_paths = getattr(unit, "ancestor_paths", None)
    manager = getattr(type(unit), "_default_manager", None)
    if callable(ancestor_paths) and manager is not None and getattr(unit, "path", ""):
        calendars_by_path = _calendars_by_path(type(unit), manager)
        # Ancestors' paths are prefixes of one another, so the longest path is the nearest ancestor.
        for path in sorted(ancestor_paths(), key=len, reverse=True):
            if path in calendars_by_path:
                return calendars_by_path[path]
        return None
    seen: set[int] = set()
    parent = getattr(unit, "parent", None)
    while parent is not None and id(parent) not in seen:
        seen.add(id(parent))
        own = _own_calendar_id(parent)
        if own is not None:
            return own
        parent = getattr(parent, "parent", None)
    return None


def is_working_day(d, calendar=None) -> bool:
    """Whether `d` is a working day in `calendar` (a WorkCalendar, a unit, a calendar code, or None = national)."""
    return _Lookup(calendar).is_working_day(_as_date(d))


def next_working_day(d, calendar=None) -> date:
    """The first working day strictly after `d`."""
    return _Lookup(calendar).next_working_day(_as_date(d))


def add_working_days(d, n: int, calendar=None) -> date:
    """The n-th working day after `d`; `d` itself is not counted (BLDS 2015 Art. 147.1).

    n = 0 returns `d` when it is a working day, else the next working day: a period of zero working days that
    starts on a holiday cannot end before the office opens.
    """
    _require_non_negative(n)
    lookup = _Lookup(calendar)
    day = _as_date(d)
    if n == 0:
        return lookup.working_day_on_or_after(day)
    for _count in range(n):
        day = lookup.next_working_day(day)
    return day


def add_days(d, n: int, calendar=None) -> date:
    """The end of a period of `n` calendar days starting on `d` (BLDS 2015 Art. 147–148).

    The start day is not counted, so the last day is d + n. When that day is a weekend day or a holiday the
    period ends at the end of the next working day (Art. 148.2). A make-up Saturday is a working day.
    """
    _require_non_negative(n)
    lookup = _Lookup(calendar)
    return lookup.working_day_on_or_after(_as_date(d) + timedelta(days=n))


def working_days_between(a, b, calendar=None) -> int:
    """Working days after `a` up to and including `b`; negative when `b` is before `a`.

    `working_days_between(d, add_working_days(d, n)) == n` for n ≥ 1.
    """
    start, end = _as_date(a), _as_date(b)
    if end < start:
        return -working_days_between(end, start, calendar)
    lookup = _Lookup(calendar)
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        count += lookup.is_working_day(day)
    return count


def holidays_between(a, b, calendar=None) -> list[CalendarDay]:
    """Holidays, days off and make-up working days from `a` to `b` inclusive, for display. Plain weekends are
    left out; a statutory holiday that falls on a weekend is listed."""
    start, end = _as_date(a), _as_date(b)
    lookup = _Lookup(calendar)
    days: list[CalendarDay] = []
    for year in range(start.year, end.year + 1):
        days.extend(entry.display() for entry in lookup.table(year).entries if start <= entry.date <= end)
    return days


# ------------------------------------------------------------------------------------------------ writes


def _override_payload(override: CalendarOverride) -> dict:
    return {
        "calendar": override.calendar.code,
        "date": override.date.isoformat(),
        "kind": override.kind,
        "name": override.name,
        "source": override.source,
    }


def validate_parent(calendar: WorkCalendar, parent: WorkCalendar | None) -> None:
    """A calendar may not inherit from itself, directly or through its parents."""
    seen = {calendar.pk} if calendar.pk else set()
    while parent is not None:
        if parent.pk in seen:
            raise ValidationError({"parent": _("A calendar cannot inherit from itself.")})
        seen.add(parent.pk)
        parent = parent.parent


def save_calendar(calendar: WorkCalendar, *, actor=None) -> WorkCalendar:
    """Create or change a work calendar (admin form already validated the fields)."""
    with transaction.atomic():
        validate_parent(calendar, calendar.parent)
        created = calendar.pk is None
        calendar.save()
        ledger.record(
            action="core.create_work_calendar" if created else "core.update_work_calendar",
            actor=actor,
            obj=calendar,
            payload={
                "code": calendar.code,
                "name": calendar.name,
                "parent": calendar.parent.code if calendar.parent_id else None,
                "include_statutory_holidays": calendar.include_statutory_holidays,
            },
        )
    return calendar


def delete_calendar(calendar: WorkCalendar, *, actor=None) -> None:
    if calendar.code == NATIONAL_CODE:
        raise ValidationError(_("The national calendar cannot be deleted."))
    with transaction.atomic():
        ledger.record(
            action="core.delete_work_calendar",
            actor=actor,
            obj=calendar,
            payload={"code": calendar.code, "overrides": calendar.overrides.count()},
        )
        calendar.delete()


def save_override(override: CalendarOverride, *, actor=None) -> CalendarOverride:
    """Create or change one official decision about a date."""
    with transaction.atomic():
        created = override.pk is None
        override.full_clean()
        override.save()
        ledger.record(
            action="core.create_calendar_override" if created else "core.update_calendar_override",
            actor=actor,
            obj=override,
            payload=_override_payload(override),
        )
    return override


def delete_override(override: CalendarOverride, *, actor=None) -> None:
    with transaction.atomic():
        ledger.record(
            action="core.delete_calendar_override",
            actor=actor,
            obj=override,
            payload=_override_payload(override),
        )
        override.delete()
