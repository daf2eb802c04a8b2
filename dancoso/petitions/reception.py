"""Every write to the reception schedule, sessions and book (services for tiếp công dân).

Luật Tiếp công dân 42/2013/QH13: regular reception days with the head of the unit at least one day a week
(Art. 15.2.d), the reception book with the fields of Art. 25.2, the answer to a visitor within 10 working days
(Art. 28) and groups (đoàn đông người) with their representatives (Art. 29–30).

Each action validates (a Vietnamese `ValidationError` keyed by the form field), writes in one transaction and
records the ledger. A confidential visitor's identity goes encrypted into `ProtectedIdentity`; the book row,
the ledger payloads and the notifications never carry it.
"""

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from dancoso.accounts.models import Membership
from dancoso.accounts.roles import roles_with
from dancoso.core import calendar, ledger
from dancoso.core.models import LedgerEntry
from dancoso.core.notify import notify
from dancoso.core.text import normalize_phone, normalize_text, search_key
from dancoso.petitions import confidential as crypto
from dancoso.petitions import legal, services
from dancoso.petitions.models import (
    Channel,
    Kind,
    ProtectedIdentity,
    ReceptionSchedule,
    ReceptionSession,
    Sector,
    Visit,
)
from dancoso.units.models import Unit

REMINDER_WORKING_DAYS = legal.DUE_SOON_WORKING_DAYS
CASE_REFERENCE = re.compile(r"^(\d{1,7})\s*/\s*(\d{4})$")  # "12/2026": the book number of an earlier visit
TITLE_LENGTH = 200


@dataclass(frozen=True)
class Visitor:
    name: str = ""
    address: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Representative:
    name: str
    address: str = ""
    phone: str = ""

    def as_dict(self) -> dict:
        return {"name": self.name, "address": self.address, "phone": self.phone}


@dataclass
class _Errors:
    """Collects messages per field so a form shows every problem at once."""

    by_field: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.by_field.setdefault(name, []).append(message)

    def check(self, condition: bool, name: str, message: str) -> None:
        if not condition:
            self.add(name, message)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


# ------------------------------------------------------------------------------------------------ helpers


def _today() -> date:
    return timezone.localdate()


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _record(action: str, *, actor, obj, unit, payload: dict | None = None) -> None:
    ledger.record(action=f"petitions.{action}", actor=_user(actor), obj=obj, unit=unit, payload=payload or {})


def _times_in_order(errors: _Errors, start: time | None, end: time | None) -> None:
    if start and end:
        errors.check(start < end, "end_time", _("The end time must be after the start time."))


def _check_host(errors: _Errors, host, unit: Unit) -> None:
    if host is not None:
        errors.check(
            host.is_active and host.has_perm("petitions.view_reception", unit),
            "host",
            _("%(name)s does not work in %(unit)s.")
            % {"name": host.get_full_name() or host.get_username(), "unit": unit.name},
        )


def _changed(instance, values: dict) -> dict:
    """Apply `values` and return what changed, as text, for the ledger."""
    changes = {}
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changes[name] = str(getattr(value, "pk", value))
    return changes


# ------------------------------------------------------------------------------------------------ schedule


def _schedule_values(
    unit: Unit,
    *,
    weekday,
    start_time,
    end_time,
    host_title: str,
    host,
    host_is_head: bool,
    location: str,
    is_online: bool,
    valid_from: date | None,
    note: str,
) -> dict:
    errors = _Errors()
    host_title, location, note = normalize_text(host_title), normalize_text(location), normalize_text(note)
    errors.check(
        weekday is not None and int(weekday) in ReceptionSchedule.Weekday.values,
        "weekday",
        _("Choose the day of the week."),
    )
    errors.check(start_time is not None, "start_time", _("Give the start time."))
    errors.check(end_time is not None, "end_time", _("Give the end time."))
    _times_in_order(errors, start_time, end_time)
    errors.check(bool(host_title), "host_title", _("Say who receives, e.g. Chủ tịch UBND xã."))
    errors.check(bool(location), "location", _("Give the place of reception."))
    _check_host(errors, host, unit)
    errors.raise_if_any()
    return {
        "weekday": int(weekday),
        "start_time": start_time,
        "end_time": end_time,
        "host_title": host_title[:150],
        "host": host,
        "host_is_head": bool(host_is_head),
        "location": location[:300],
        "is_online": bool(is_online),
        "valid_from": valid_from or _today(),
        "note": note[:300],
    }


@transaction.atomic
def add_schedule(
    unit: Unit,
    *,
    actor,
    weekday: int,
    start_time: time,
    end_time: time,
    host_title: str,
    location: str,
    host=None,
    host_is_head: bool = False,
    is_online: bool = False,
    valid_from: date | None = None,
    note: str = "",
) -> ReceptionSchedule:
    """A regular reception day, e.g. every Tuesday morning with the chairman (Art. 15.2.d)."""
    values = _schedule_values(
        unit,
        weekday=weekday,
        start_time=start_time,
        end_time=end_time,
        host_title=host_title,
        host=host,
        host_is_head=host_is_head,
        location=location,
        is_online=is_online,
        valid_from=valid_from,
        note=note,
    )
    schedule = ReceptionSchedule.objects.create(unit=unit, **values)
    _record(
        "reception_schedule_added",
        actor=actor,
        obj=schedule,
        unit=unit,
        payload={"weekday": schedule.weekday, "host_is_head": schedule.host_is_head},
    )
    return schedule


@transaction.atomic
def update_schedule(schedule: ReceptionSchedule, *, actor, **changes) -> ReceptionSchedule:
    """Change a schedule's day, times, host or place. Fields not given keep their value."""
    schedule = (
        ReceptionSchedule.objects.select_for_update(of=("self",)).select_related("unit").get(pk=schedule.pk)
    )
    names = (
        "weekday",
        "start_time",
        "end_time",
        "host_title",
        "host",
        "host_is_head",
        "location",
        "is_online",
        "valid_from",
        "note",
    )
    unknown = set(changes) - set(names)
    if unknown:
        raise TypeError(f"update_schedule() got unexpected fields {sorted(unknown)}")
    current = {name: getattr(schedule, name) for name in names}
    values = _schedule_values(schedule.unit, **{**current, **changes})
    if schedule.valid_until is not None and values["valid_from"] > schedule.valid_until:
        raise ValidationError({"valid_from": _("The schedule cannot start after it ends.")})
    changed = _changed(schedule, values)
    if changed:
        schedule.save()
        _record(
            "reception_schedule_changed",
            actor=actor,
            obj=schedule,
            unit=schedule.unit,
            payload={"fields": sorted(changed)},
        )
    return schedule


@transaction.atomic
def end_schedule(schedule: ReceptionSchedule, *, actor, valid_until: date | None = None) -> ReceptionSchedule:
    """Stop a regular reception day from `valid_until` on (the last day it still applies)."""
    schedule = (
        ReceptionSchedule.objects.select_for_update(of=("self",)).select_related("unit").get(pk=schedule.pk)
    )
    valid_until = valid_until or _today()
    if schedule.valid_until is not None and schedule.valid_until < _today():
        raise ValidationError(_("This schedule has already ended."))
    if valid_until < schedule.valid_from:
        raise ValidationError(
            {
                "valid_until": _("The last day cannot be before the schedule started (%(date)s).")
                % {"date": f"{schedule.valid_from:%d/%m/%Y}"}
            }
        )
    schedule.valid_until = valid_until
    schedule.save(update_fields=["valid_until"])
    _record(
        "reception_schedule_ended",
        actor=actor,
        obj=schedule,
        unit=schedule.unit,
        payload={"valid_until": valid_until.isoformat()},
    )
    return schedule


def weekly_head_reception_ok(unit: Unit, on: date | None = None) -> bool:
    """Whether the schedule in force on `on` has at least one day a week on which the head of the unit
    receives citizens in person (Luật Tiếp công dân Art. 15.2.d)."""
    return (
        ReceptionSchedule.objects.current(on or _today())
        .filter(unit=unit, host_is_head=True, is_online=False)
        .exists()
    )


# ------------------------------------------------------------------------------------------------ sessions

ONLINE_NOTICE_RULE = "reception.online_notice"
URL_CHECK = URLValidator(schemes=["http", "https"])


def online_notice_rule(session_on: date) -> legal.Rule | None:
    """The notice period for an online reception held on `session_on` (NĐ 154/2026), or None when no rule
    was in force on that date (online reception came with Luật 136/2025, from 01/07/2026)."""
    rule = legal.rule_for(ONLINE_NOTICE_RULE, session_on)
    return rule if rule.valid_from <= session_on else None


def latest_online_notice(session_on: date, unit) -> date | None:
    """The last day on which an online reception on `session_on` can still be announced."""
    rule = online_notice_rule(session_on)
    if rule is None:
        return None
    day = session_on - timedelta(days=1)
    for _attempt in range(400):
        if legal.apply_rule(rule, day, unit) <= session_on:
            return day
        day -= timedelta(days=1)
    return None


def _period_words(rule: legal.Rule) -> dict:
    return {
        "n": rule.days,
        "unit": _("working days") if rule.day_type == legal.WORKING else _("calendar days"),
        "article": rule.article.split(" (")[0],
    }


def online_notice_problem(unit, session_on: date, notice_on: date) -> str:
    """Why an online reception on `session_on` announced on `notice_on` may not take place, or "" when the
    announcement came early enough (NĐ 154/2026: at least 05 working days before)."""
    rule = online_notice_rule(session_on)
    if rule is None:
        return ""
    earliest = legal.apply_rule(rule, notice_on, unit)
    if session_on >= earliest:
        return ""
    latest = latest_online_notice(session_on, unit)
    return _(
        "An online reception must be announced at least %(n)d %(unit)s before it takes place (%(article)s). "
        "Announced on %(notice)s, it can take place from %(earliest)s; for a reception on %(date)s the "
        "announcement had to be made by %(latest)s."
    ) % {
        **_period_words(rule),
        "notice": f"{notice_on:%d/%m/%Y}",
        "earliest": f"{earliest:%d/%m/%Y}",
        "date": f"{session_on:%d/%m/%Y}",
        "latest": f"{latest:%d/%m/%Y}" if latest else "—",
    }


def notice_shortfall(session: ReceptionSession) -> str:
    """For an online session recorded after it was held: why its announcement fell short of NĐ 154/2026
    (none, or too late), or "" when it did not (or the session is in person or before the rule)."""
    if session.mode != ReceptionSession.Mode.ONLINE or online_notice_rule(session.date) is None:
        return ""
    if session.notice_on is None:
        return _(
            "Held without a recorded announcement: %(n)d %(unit)s of notice are required (%(article)s)."
        ) % (_period_words(online_notice_rule(session.date)))
    return online_notice_problem(session.unit, session.date, session.notice_on)


def _check_notice(errors: _Errors, unit, mode, session_on, notice_on, channel: str, link: str) -> None:
    """The announcement of a session: never in the future nor after the session; for an online session
    (every one, regular or ad hoc) to come: required, with its channel, and early enough (NĐ 154/2026).
    A session dated before today is a fact being written in the book: it is recorded even when its
    announcement was missing or late, and `notice_shortfall` says so wherever it is shown."""
    if link:
        try:
            URL_CHECK(link)
        except ValidationError:
            errors.add(
                "notice_link", _("Enter the full address of the announcement, starting with https://.")
            )
        else:
            errors.check(
                len(link) <= 500, "notice_link", _("Too long: at most %(max)d characters.") % {"max": 500}
            )
    if notice_on is not None:
        if notice_on > _today():
            errors.add(
                "notice_on",
                _("The announcement date cannot be in the future: record the session once it is announced."),
            )
            return
        if session_on is not None and notice_on > session_on:
            errors.add("notice_on", _("The announcement cannot be after the reception."))
            return
    rule = online_notice_rule(session_on) if session_on is not None else None
    if mode != ReceptionSession.Mode.ONLINE or rule is None:
        return
    if session_on < _today():
        return  # held already: the book records what happened; the session page shows any shortfall
    if notice_on is None:
        errors.add(
            "notice_on",
            _(
                "Give the date this online reception was announced: it must be announced at least %(n)d "
                "%(unit)s before (%(article)s)."
            )
            % _period_words(rule),
        )
    else:
        problem = online_notice_problem(unit, session_on, notice_on)
        if problem:
            errors.add("notice_on", problem)
    errors.check(
        bool(channel),
        "notice_channel",
        _("Say where the online reception was announced, e.g. the commune's web portal or loudspeakers."),
    )


def _session_values(
    unit: Unit,
    *,
    kind,
    mode,
    date,
    start_time,
    end_time,
    host,
    host_name,
    host_title,
    host_is_head,
    location,
    schedule,
    notes,
    notice_on=None,
    notice_channel="",
    notice_link="",
    check_notice: bool = True,
) -> dict:
    errors = _Errors()
    if schedule is not None:
        errors.check(schedule.unit_id == unit.pk, "schedule", _("This schedule belongs to another unit."))
        host = host or schedule.host
        host_title = host_title or schedule.host_title
        host_is_head = host_is_head or schedule.host_is_head
        location = location or schedule.location
        start_time = start_time or schedule.start_time
        end_time = end_time or schedule.end_time
    host_name = normalize_text(host_name) or (host.get_full_name() if host is not None else "")
    location = normalize_text(location)
    errors.check(kind in ReceptionSession.Kind.values, "kind", _("Choose regular or ad hoc."))
    errors.check(mode in ReceptionSession.Mode.values, "mode", _("Choose in person or online."))
    errors.check(date is not None, "date", _("Give the date of the reception."))
    _times_in_order(errors, start_time, end_time)
    errors.check(bool(host_name), "host_name", _("Give the name of the person who received."))
    errors.check(bool(location), "location", _("Give the place (or the online meeting room)."))
    _check_host(errors, host, unit)
    notice_channel, notice_link = normalize_text(notice_channel), normalize_text(notice_link)
    if check_notice:
        _check_notice(errors, unit, mode, date, notice_on, notice_channel, notice_link)
    errors.raise_if_any()
    return {
        "kind": kind,
        "mode": mode,
        "date": date,
        "start_time": start_time,
        "end_time": end_time,
        "host": host,
        "host_name": host_name[:150],
        "host_title": normalize_text(host_title)[:150],
        "host_is_head": bool(host_is_head),
        "location": location[:300],
        "schedule": schedule,
        "notes": normalize_text(notes),
        "notice_on": notice_on,
        "notice_channel": notice_channel[:200],
        "notice_link": notice_link,
    }


@transaction.atomic
def open_session(
    unit: Unit,
    *,
    actor,
    date: date,
    kind: str = ReceptionSession.Kind.REGULAR,
    mode: str = ReceptionSession.Mode.IN_PERSON,
    start_time: time | None = None,
    end_time: time | None = None,
    host=None,
    host_name: str = "",
    host_title: str = "",
    host_is_head: bool = False,
    location: str = "",
    schedule: ReceptionSchedule | None = None,
    notes: str = "",
    notice_on: date | None = None,
    notice_channel: str = "",
    notice_link: str = "",
) -> ReceptionSession:
    """A reception, regular or ad hoc, in person or online (Luật 136/2025 Art. 3a). Blank host and place
    are taken from the schedule it follows. An online reception records its announcement (date, channel,
    link), made at least 05 working days before (NĐ 154/2026, `online_notice_problem`)."""
    values = _session_values(
        unit,
        kind=kind,
        mode=mode,
        date=date,
        start_time=start_time,
        end_time=end_time,
        host=host,
        host_name=host_name,
        host_title=host_title,
        host_is_head=host_is_head,
        location=location,
        schedule=schedule,
        notes=notes,
        notice_on=notice_on,
        notice_channel=notice_channel,
        notice_link=notice_link,
    )
    session = ReceptionSession.objects.create(unit=unit, created_by=_user(actor), **values)
    payload = {"date": session.date.isoformat(), "kind": session.kind, "mode": session.mode}
    if session.notice_on:
        payload["notice_on"] = session.notice_on.isoformat()
    _record("reception_session_opened", actor=actor, obj=session, unit=unit, payload=payload)
    return session


SESSION_FIELDS = (
    "kind",
    "mode",
    "date",
    "start_time",
    "end_time",
    "host",
    "host_name",
    "host_title",
    "host_is_head",
    "location",
    "schedule",
    "notes",
    "notice_on",
    "notice_channel",
    "notice_link",
)
# Changing one of these re-checks the announcement of an online reception; correcting only the host or the
# place of a session recorded before the rule existed does not.
NOTICE_FIELDS = ("mode", "date", "notice_on", "notice_channel", "notice_link")


@transaction.atomic
def update_session(session: ReceptionSession, *, actor, **changes) -> ReceptionSession:
    """Correct a session. Its date is fixed once visits are in the book (their numbers and deadlines)."""
    session = (
        ReceptionSession.objects.select_for_update(of=("self",)).select_related("unit").get(pk=session.pk)
    )
    unknown = set(changes) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"update_session() got unexpected fields {sorted(unknown)}")
    current = {name: getattr(session, name) for name in SESSION_FIELDS}
    check_notice = any(name in changes and changes[name] != current[name] for name in NOTICE_FIELDS)
    values = _session_values(session.unit, check_notice=check_notice, **{**current, **changes})
    if values["date"] != session.date and session.visits.exists():
        raise ValidationError(
            {"date": _("Visits are already recorded for this session: its date cannot change.")}
        )
    changed = _changed(session, values)
    if changed:
        session.save()
        _record(
            "reception_session_changed",
            actor=actor,
            obj=session,
            unit=session.unit,
            payload={"fields": sorted(changed)},
        )
    return session


# ------------------------------------------------------------------------------------------------ visits


def _clean_visitor(visitor: Visitor | dict | None) -> Visitor:
    if isinstance(visitor, dict):
        visitor = Visitor(**{k: v for k, v in visitor.items() if k in Visitor.__dataclass_fields__})
    visitor = visitor or Visitor()
    raw_phone = normalize_text(visitor.phone)
    return Visitor(
        name=normalize_text(visitor.name),
        address=normalize_text(visitor.address),
        phone=normalize_phone(raw_phone) or raw_phone,
    )


def clean_representative(value) -> Representative:
    if isinstance(value, Representative):
        value = value.as_dict()
    if isinstance(value, str):
        return parse_representative(value)
    raw_phone = normalize_text(value.get("phone"))
    return Representative(
        name=normalize_text(value.get("name")),
        address=normalize_text(value.get("address")),
        phone=normalize_phone(raw_phone) or raw_phone,
    )


REPRESENTATIVE_SEPARATORS = re.compile(r"[;\n]+")


def parse_representative(text: str) -> Representative:
    """ "Nguyễn Văn An, Thôn Đông, 0912345678" → name, address, phone. Whatever follows the name's comma is
    the address, except a last part that is a phone number."""
    name, _sep, rest = normalize_text(text).partition(",")
    parts = [part.strip() for part in rest.split(",")] if rest else []
    phone = ""
    if parts and normalize_phone(parts[-1]):
        phone = normalize_phone(parts.pop())
    return Representative(name=name.strip(), address=", ".join(p for p in parts if p), phone=phone)


def parse_representatives(text: str) -> list[Representative]:
    """One representative per line (or separated by semicolons), as `parse_representative` reads them."""
    return [
        parse_representative(line) for line in REPRESENTATIVE_SEPARATORS.split(text or "") if line.strip()
    ]


def format_representatives(representatives: list[dict]) -> str:
    """The inverse of `parse_representatives`, one per line."""
    return "\n".join(
        ", ".join(filter(None, (rep.get("name", ""), rep.get("address", ""), rep.get("phone", ""))))
        for rep in representatives or ()
    )


def group_problems(persons, is_group: bool, representatives: list[Representative]) -> dict[str, str]:
    """What is wrong with a visit's size and representatives (Luật Tiếp công dân Art. 29–30), by field:
    a group has at least 5 persons; 5–10 choose 1–2 representatives, more than 10 up to 5; each is named."""
    if not isinstance(persons, int) or persons < 1:
        return {"persons": _("At least one person comes to a reception.")}
    if not is_group:
        if persons >= legal.GROUP_MIN_SIZE:
            return {
                "is_group": _(
                    "%(n)d people coming about the same matter are a group (đoàn đông người): mark the visit "
                    "as a group and name its representatives."
                )
                % {"n": persons}
            }
        if representatives:
            return {"representatives": _("Only a group (đoàn đông người) chooses representatives.")}
        return {}
    if persons < legal.GROUP_MIN_SIZE:
        return {
            "persons": _("A group (đoàn đông người) has at least %(min)d persons; this one has %(n)d.")
            % {"min": legal.GROUP_MIN_SIZE, "n": persons}
        }
    limit = legal.max_representatives(persons)
    if not representatives:
        return {
            "representatives": _(
                "Name the group's representatives: a group of %(n)d persons chooses 1 to %(max)d."
            )
            % {"n": persons, "max": limit}
        }
    if any(not rep.name for rep in representatives):
        return {"representatives": _("Every representative must be named.")}
    if len(representatives) > limit:
        return {
            "representatives": _(
                "A group of %(n)d persons chooses at most %(max)d representatives (Luật Tiếp công dân "
                "Art. 30); %(count)d were given."
            )
            % {"n": persons, "max": limit, "count": len(representatives)}
        }
    return {}


def _new_case_key(unit: Unit, year: int, number: int) -> str:
    return f"U{unit.pk}-{year}-{number:05d}"


def _resolve_case_key(unit: Unit, value: str) -> tuple[str, str]:
    """(case key, problem): an existing case of the unit, given by its key or by an earlier visit "12/2026"."""
    value = normalize_text(value)
    reference = CASE_REFERENCE.match(value)
    visits = Visit.objects.filter(unit=unit)
    if reference:
        earlier = visits.filter(number=int(reference[1]), year=int(reference[2])).only("case_key").first()
        if earlier is None:
            return "", _("There is no visit %(ref)s in this unit's book.") % {"ref": value}
        return earlier.case_key, ""
    if not visits.filter(case_key=value).exists():
        return "", _(
            "No earlier visit of this unit has the case “%(key)s”. Leave it blank for a new case, or give "
            "an earlier visit's case or book number (e.g. 12/2026)."
        ) % {"key": value}
    return value, ""


def _lock_unit(unit: Unit) -> None:
    """Serialise numbering in the unit's book: concurrent recorders wait here (SQLite already writes one at
    a time)."""
    Unit.objects.select_for_update().filter(pk=unit.pk).values_list("pk", flat=True).get()


def next_numbers(unit: Unit, year: int, count: int = 1) -> list[int]:
    """The next `count` numbers of the unit's book for `year`; call with the unit locked."""
    last = Visit.objects.filter(unit=unit, year=year).aggregate(last=Max("number"))["last"] or 0
    return list(range(last + 1, last + 1 + count))


def _representatives_note(representatives: list[Representative]) -> str:
    if not representatives:
        return ""
    return _("Representatives: %(names)s") % {
        "names": "; ".join(", ".join(filter(None, rep.as_dict().values())) for rep in representatives)
    }


def _protect_visit(visit: Visit, visitor: Visitor, representatives: list[Representative]) -> None:
    ProtectedIdentity.objects.create(
        visit=visit,
        unit_id=visit.unit_id,
        ciphertext=crypto.encrypt_identity(
            {**visitor.__dict__, "note": _representatives_note(representatives)}
        ),
    )


def _validate_visit(
    session: ReceptionSession,
    *,
    visitor: Visitor,
    kind,
    sector,
    content: str,
    persons,
    is_group: bool,
    representatives: list[Representative],
) -> None:
    errors = _Errors()
    errors.check(
        session.date <= _today(),
        "date",
        _("The reception of %(date)s has not taken place yet.") % {"date": f"{session.date:%d/%m/%Y}"},
    )
    errors.check(kind in Kind.values, "kind", _("Choose the kind of matter."))
    errors.check(bool(content), "content", _("Write the content the visitor presented."))
    errors.check(bool(visitor.name), "visitor_name", _("Give the visitor's full name."))
    errors.check(
        len(visitor.name) <= 150 and len(visitor.address) <= 300,
        "visitor_name" if len(visitor.name) > 150 else "visitor_address",
        _("Too long: at most %(max)d characters.") % {"max": 150 if len(visitor.name) > 150 else 300},
    )
    errors.check(
        not visitor.phone or bool(normalize_phone(visitor.phone)),
        "visitor_phone",
        _("Enter a Vietnamese phone number, e.g. 0912 345 678."),
    )
    errors.check(
        sector is None or (isinstance(sector, Sector) and sector.is_active),
        "sector",
        _("Choose an active field."),
    )
    for name, message in group_problems(persons, is_group, representatives).items():
        errors.add(name, message)
    bad_phones = [rep for rep in representatives if rep.phone and not normalize_phone(rep.phone)]
    errors.check(
        not bad_phones, "representatives", _("A representative's phone number is not a Vietnamese number.")
    )
    errors.raise_if_any()


@transaction.atomic
def record_visit(
    session: ReceptionSession,
    *,
    actor,
    visitor: Visitor | dict,
    kind: str,
    content: str,
    confidential: bool = False,
    sector: Sector | None = None,
    prior_handling: str = "",
    request: str = "",
    handling: str = "",
    persons: int = 1,
    is_group: bool = False,
    representatives: list | tuple = (),
    case_key: str = "",
    create_petition: bool = False,
    petition_title: str = "",
) -> Visit:
    """Write one entry of the reception book (Art. 25.2) under the next number of the unit's book for the
    year. A denunciation's visitor is always confidential: the identity is kept only encrypted."""
    session = ReceptionSession.objects.select_related("unit").get(pk=session.pk)
    unit = session.unit
    visitor = _clean_visitor(visitor)
    reps = [clean_representative(rep) for rep in representatives or ()]
    reps = [rep for rep in reps if rep.name or rep.address or rep.phone]
    if is_group and not visitor.name and reps:
        visitor = Visitor(name=reps[0].name, address=reps[0].address, phone=reps[0].phone)
    content = normalize_text(content)
    _validate_visit(
        session,
        visitor=visitor,
        kind=kind,
        sector=sector,
        content=content,
        persons=persons,
        is_group=is_group,
        representatives=reps,
    )
    key = ""
    if normalize_text(case_key):
        key, problem = _resolve_case_key(unit, case_key)
        if problem:
            raise ValidationError({"case_key": problem})
    is_confidential = bool(confidential) or kind == Kind.DENUNCIATION
    _lock_unit(unit)
    year = session.date.year
    (number,) = next_numbers(unit, year)
    visit = Visit.objects.create(
        unit=unit,
        session=session,
        number=number,
        year=year,
        date=session.date,
        visitor_name="" if is_confidential else visitor.name,
        visitor_address="" if is_confidential else visitor.address,
        visitor_phone="" if is_confidential else visitor.phone,
        is_confidential=is_confidential,
        kind=kind,
        sector=sector,
        content=content,
        prior_handling=normalize_text(prior_handling),
        request=normalize_text(request),
        handling=normalize_text(handling),
        persons=persons,
        is_group=is_group,
        representatives=[{"name": ""} for _rep in reps] if is_confidential else [r.as_dict() for r in reps],
        case_key=key or _new_case_key(unit, year, number),
        answer_due=legal.visit_answer_due(session.date, unit),
        created_by=_user(actor),
    )
    if is_confidential:
        _protect_visit(visit, visitor, reps)
    _record(
        "visit_recorded",
        actor=actor,
        obj=visit,
        unit=unit,
        payload={
            "number": visit.number,
            "year": visit.year,
            "kind": visit.kind,
            "persons": visit.persons,
            "is_group": visit.is_group,
            "case_key": visit.case_key,
            "confidential": visit.is_confidential,
        },
    )
    if create_petition:
        _petition_from(visit, actor=actor, visitor=visitor, title=petition_title)
    return visit


def _summary(text: str) -> str:
    first_line = normalize_text(text).split("\n", 1)[0]
    return first_line if len(first_line) <= TITLE_LENGTH else first_line[: TITLE_LENGTH - 1] + "…"


def _petition_from(visit: Visit, *, actor, visitor: Visitor, title: str = ""):
    if not visitor.name:
        raise ValidationError(
            _("The visitor's identity is not in the book, so no petition can be made from this visit.")
        )
    petition = services.submit_petition(
        unit=visit.unit,
        kind=visit.kind,
        channel=Channel.IN_PERSON,
        title=normalize_text(title) or _summary(visit.request or visit.content),
        content="\n\n".join(filter(None, [visit.content, visit.request])),
        actor=actor,
        petitioner=services.Petitioner(name=visitor.name, address=visitor.address, phone=visitor.phone),
        confidential_identity=visit.is_confidential,
        sector=visit.sector,
        signers=visit.persons,
        received_on=visit.date,
    )
    visit.petition = petition
    visit.save(update_fields=["petition"])
    _record(
        "visit_petition_created",
        actor=actor,
        obj=visit,
        unit=visit.unit,
        payload={"number": visit.number, "year": visit.year, "tracking_code": petition.tracking_code},
    )
    return petition


def _visitor_of(visit: Visit) -> Visitor:
    """The visitor, read to hand on to a petition kept just as confidential; never shown from here."""
    if not visit.is_confidential:
        return Visitor(visit.visitor_name, visit.visitor_address, visit.visitor_phone)
    identity = ProtectedIdentity.objects.filter(visit=visit).first()
    if identity is None:
        return Visitor()
    data = crypto.decrypt_identity(identity.ciphertext)
    return Visitor(data.get("name", ""), data.get("address", ""), data.get("phone", ""))


@transaction.atomic
def petition_from_visit(visit: Visit, *, actor, title: str = ""):
    """Open a petition (channel: in person) for what the visitor presented, and link it to the visit."""
    visit = Visit.objects.select_for_update(of=("self",)).select_related("unit", "sector").get(pk=visit.pk)
    if visit.petition_id is not None:
        raise ValidationError(_("A petition was already created from this visit."))
    return _petition_from(visit, actor=actor, visitor=_visitor_of(visit), title=title)


# ------------------------------------------------------------------------------------------------ corrections

# What a correction may change: the Art. 25.2 fields (name, address, content, prior handling, request,
# handling) and what the book keeps with them (phone, kind, field, persons, group and representatives, and
# protecting the identity). The number, the year, the unit, the session and its date are not corrected here:
# the number and the Art. 28 deadline hang on the date (see docs/petitions.md). The answer has its own step
# (`answer_visit`), and the case a visit counts in is not changed after writing.
VISIT_CORRECTABLE = (
    "visitor",
    "confidential",
    "kind",
    "sector",
    "content",
    "prior_handling",
    "request",
    "handling",
    "persons",
    "is_group",
    "representatives",
)
CORRECTABLE_TEXTS = ("prior_handling", "request", "handling")
MANAGE_RECEPTION = "petitions.manage_reception"
MAX_REASON = 500


def _correction_digest(values: dict) -> str:
    """A keyed digest of the changed values (HMAC-SHA256 with LOOKUP_DIGEST_KEY): it proves which text a
    version held without putting it in the ledger, and a short name or phone cannot be guessed back from it."""
    key = settings.LOOKUP_DIGEST_KEY.encode()
    return hmac.new(key, ledger.canonical_json(values).encode(), hashlib.sha256).hexdigest()


def _names_identity(reason: str, secrets) -> bool:
    """Whether a reason written for a confidential visit repeats the protected name, address or phone."""
    text, digits = search_key(reason), re.sub(r"\D", "", reason)
    for secret in map(normalize_text, secrets):
        if len(secret) < 4:
            continue
        phone = normalize_phone(secret)
        if (phone and phone[-9:] in digits) or (not phone and search_key(secret) in text):
            return True
    return False


@dataclass
class _People:
    """Who a visit is about, before or after a correction. For a confidential visit `representatives_text`
    is the note kept in the protected row; `keep_protected` means the protected representatives stay."""

    visitor: Visitor
    representatives: list[Representative]
    representatives_text: str
    keep_protected: bool = False


def _people_before(visit: Visit) -> tuple[ProtectedIdentity | None, dict, _People]:
    """The identity as written: from the columns, or decrypted from the protected row to merge a correction
    into it (never shown)."""
    if not visit.is_confidential:
        reps = [clean_representative(rep) for rep in visit.representatives]
        visitor = Visitor(visit.visitor_name, visit.visitor_address, visit.visitor_phone)
        return None, {}, _People(visitor, reps, format_representatives(visit.representatives))
    row = ProtectedIdentity.objects.filter(visit=visit).first()
    stored = crypto.decrypt_identity(row.ciphertext) if row is not None else {}
    visitor = Visitor(stored.get("name", ""), stored.get("address", ""), stored.get("phone", ""))
    return (
        row,
        stored,
        _People(visitor, [], stored.get("note", ""), keep_protected=bool(visit.representatives)),
    )


def _people_after(
    visit: Visit, before: _People, changes: dict, *, is_group: bool, confidential: bool
) -> _People:
    """The identity as corrected. A confidential visit's corrector does not see the protected identity: a blank
    name, address or phone keeps it and blank representatives keep the protected ones; typed values replace."""
    visitor = _clean_visitor(changes["visitor"]) if "visitor" in changes else before.visitor
    if visit.is_confidential:
        visitor = Visitor(
            name=visitor.name or before.visitor.name,
            address=visitor.address or before.visitor.address,
            phone=visitor.phone or before.visitor.phone,
        )
    reps, keep = before.representatives, before.keep_protected
    if "representatives" in changes:
        reps = [clean_representative(rep) for rep in changes["representatives"] or ()]
        reps = [rep for rep in reps if rep.name or rep.address or rep.phone]
        keep = keep and not reps
    elif not is_group:
        reps = []  # no longer a group: its representatives go (typed ones are refused, as when writing)
    keep = keep and is_group
    if is_group and not visitor.name and reps:
        visitor = Visitor(name=reps[0].name, address=reps[0].address, phone=reps[0].phone)
    if keep:
        text = before.representatives_text
    elif confidential:
        text = _representatives_note(reps)
    else:
        text = format_representatives([rep.as_dict() for rep in reps])
    return _People(visitor, reps, text, keep)


def _book_values(visit: Visit, people: _People, **values) -> dict:
    """The columns compared and written by a correction (identity as it is protected or not)."""
    return {
        "visitor_name": people.visitor.name,
        "visitor_address": people.visitor.address,
        "visitor_phone": people.visitor.phone,
        "representatives": people.representatives_text,
        **values,
    }


@transaction.atomic
def update_visit(visit: Visit, *, actor, reason: str, **changes) -> Visit:
    """Correct an entry of the reception book (a misspelt address, the content, how it was handled) with the
    reason for it. Validated as when it was written (kind, content, name, phone, field, group and
    representatives, Art. 29–30); the whole correction or nothing. Needs `petitions.manage_reception` in the
    visit's unit.

    A confidential visit stays confidential (a denunciation always is) and its identity is never shown to the
    corrector (see `_people_after`). The ledger entry `petitions.visit_corrected` holds the number, the names
    of the changed fields, the reason and keyed digests of the values before and after, never the values."""
    unknown = set(changes) - set(VISIT_CORRECTABLE)
    if unknown:
        raise TypeError(f"update_visit() got unexpected fields {sorted(unknown)}")
    visit = (
        Visit.objects.select_for_update(of=("self",))
        .select_related("unit", "session", "sector", "petition")
        .get(pk=visit.pk)
    )
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(MANAGE_RECEPTION, visit):
        raise PermissionDenied(
            _("You may not correct the reception book of %(unit)s.") % {"unit": visit.unit.name}
        )
    errors = _Errors()
    reason = normalize_text(reason)
    errors.check(bool(reason), "reason", _("Give the reason for the correction."))
    errors.check(
        len(reason) <= MAX_REASON, "reason", _("Too long: at most %(max)d characters.") % {"max": MAX_REASON}
    )
    values = {
        "kind": changes.get("kind", visit.kind),
        "sector": changes.get("sector", visit.sector),
        "content": normalize_text(changes.get("content", visit.content)),
        **{name: normalize_text(changes.get(name, getattr(visit, name))) for name in CORRECTABLE_TEXTS},
        "persons": changes.get("persons", visit.persons),
        "is_group": bool(changes.get("is_group", visit.is_group)),
    }
    confidential = (
        visit.is_confidential or bool(changes.get("confidential")) or values["kind"] == Kind.DENUNCIATION
    )
    row, stored, people_before = _people_before(visit)
    people = _people_after(
        visit, people_before, changes, is_group=values["is_group"], confidential=confidential
    )
    try:
        _validate_visit(
            visit.session,
            visitor=people.visitor,
            kind=values["kind"],
            # A field left as it was may have been deactivated since: only a new one must be active.
            sector=None if values["sector"] == visit.sector else values["sector"],
            content=values["content"],
            persons=values["persons"],
            is_group=values["is_group"],
            # Protected representatives were named when written; they count as they are.
            representatives=[Representative("•••") for _rep in visit.representatives]
            if people.keep_protected
            else people.representatives,
        )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            for message in messages:
                errors.add(name, message)
    if confidential and reason:
        secrets = [*people_before.visitor.__dict__.values(), *people.visitor.__dict__.values()]
        secrets += [value for rep in people.representatives for value in rep.as_dict().values()]
        if _names_identity(reason, secrets):
            errors.add(
                "reason",
                _(
                    "Do not write the visitor's name, address or phone in the reason: the identity is kept "
                    "confidential and the reason is shown with the book."
                ),
            )
    errors.raise_if_any()

    old = {name: getattr(visit, name) for name in values}
    before = _book_values(visit, people_before, is_confidential=visit.is_confidential, **old)
    after = _book_values(visit, people, is_confidential=confidential, **values)
    if confidential and not visit.is_confidential:
        # The representatives move into the protected row's note: compare the lists themselves.
        before["representatives"] = format_representatives(visit.representatives)
        after["representatives"] = format_representatives([rep.as_dict() for rep in people.representatives])
    before["sector"], after["sector"] = visit.sector_id, getattr(values["sector"], "pk", None)
    changed = sorted(name for name in after if after[name] != before[name])
    if not changed:
        raise ValidationError(_("Nothing was changed: correct at least one field, or go back to the visit."))

    was_confidential = visit.is_confidential
    for name, value in values.items():
        setattr(visit, name, value)
    _write_people(
        visit,
        people,
        row,
        stored,
        confidential=confidential,
        identity_changed=bool(
            set(changed) & {"visitor_name", "visitor_address", "visitor_phone", "representatives"}
        ),
    )
    visit.corrected_at, visit.corrected_by, visit.correction_reason = timezone.now(), _user(actor), reason
    visit.save()
    if confidential and not was_confidential and visit.petition is not None:
        # The petition opened from this visit carries the same identity: protect it too.
        services.protect_identity(
            visit.petition, actor=actor, reason=_("The reception visit it came from was made confidential.")
        )
    _record(
        "visit_corrected",
        actor=actor,
        obj=visit,
        unit=visit.unit,
        payload={
            "number": visit.number,
            "year": visit.year,
            "fields": changed,
            "reason": reason,
            "confidential": confidential,
            "before": _correction_digest({name: before[name] for name in changed}),
            "after": _correction_digest({name: after[name] for name in changed}),
        },
    )
    return visit


def _write_people(
    visit: Visit, people: _People, row, stored: dict, *, confidential: bool, identity_changed: bool
) -> None:
    """Put the corrected identity on the visit's columns, or encrypted into its protected row."""
    if not confidential:
        visit.visitor_name, visit.visitor_address = people.visitor.name, people.visitor.address
        visit.visitor_phone = people.visitor.phone
        visit.representatives = [rep.as_dict() for rep in people.representatives]
        return
    count = len(visit.representatives) if people.keep_protected else len(people.representatives)
    visit.is_confidential = True
    visit.visitor_name = visit.visitor_address = visit.visitor_phone = ""
    visit.representatives = [{"name": ""} for _rep in range(count)]
    identity = {**stored, **people.visitor.__dict__, "note": people.representatives_text if count else ""}
    if row is None:
        ProtectedIdentity.objects.create(
            visit=visit, unit_id=visit.unit_id, ciphertext=crypto.encrypt_identity(identity)
        )
    elif identity_changed:
        row.ciphertext = crypto.encrypt_identity(identity)
        row.save(update_fields=["ciphertext"])


def corrections_of(visit: Visit) -> list[dict]:
    """The corrections of a visit, newest first, from the ledger: when, by whom, why and which fields."""
    entries = LedgerEntry.objects.filter(
        action="petitions.visit_corrected", object_type="petitions.visit", object_id=str(visit.pk)
    ).order_by("-seq")
    return [
        {
            "at": entry.created_at,
            "by": entry.actor_label,
            "reason": entry.payload.get("reason", ""),
            "fields": [_field_label(name) for name in entry.payload.get("fields", [])],
        }
        for entry in entries
    ]


def _field_label(name: str) -> str:
    try:
        return str(Visit._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


# ------------------------------------------------------------------------------------------------ answers


def _answer_problems(visit: Visit, answer: str, reason: str, answered_on: date) -> dict[str, str]:
    problems: dict[str, str] = {}
    if answer not in Visit.Answer.values or answer == Visit.Answer.PENDING:
        problems["answer"] = _("Choose the answer given to the visitor.")
    elif answer == Visit.Answer.REFUSED and not reason:
        problems["reason"] = _("Give the reason for refusing.")
    elif answer == Visit.Answer.TRANSFERRED and not reason:
        problems["reason"] = _("Name the body the matter was transferred to.")
    if answered_on > _today():
        problems["answered_on"] = _("The date cannot be in the future.")
    elif answered_on < visit.date:
        problems["answered_on"] = _("The answer cannot be before the visit (%(date)s).") % {
            "date": f"{visit.date:%d/%m/%Y}"
        }
    return problems


@transaction.atomic
def answer_visit(
    visit: Visit, *, actor, answer: str, reason: str = "", answered_on: date | None = None
) -> Visit:
    """Record what the visitor was told (Art. 28): accepted, more time to verify, refused with the reason,
    transferred to a named body, or guided. It is late when given after `answer_due`."""
    visit = Visit.objects.select_for_update(of=("self",)).select_related("unit").get(pk=visit.pk)
    reason = normalize_text(reason)
    answered_on = answered_on or _today()
    problems = _answer_problems(visit, answer, reason, answered_on)
    if problems:
        raise ValidationError(problems)
    previous = visit.answer
    visit.answer, visit.answer_reason, visit.answered_on = answer, reason, answered_on
    visit.save(update_fields=["answer", "answer_reason", "answered_on"])
    _record(
        "visit_answered",
        actor=actor,
        obj=visit,
        unit=visit.unit,
        payload={
            "number": visit.number,
            "year": visit.year,
            "answer": answer,
            "previous": previous,
            "answered_on": answered_on.isoformat(),
            "late": is_answer_late(visit),
        },
    )
    return visit


def is_answer_late(visit: Visit) -> bool:
    return visit.answered_on is not None and visit.answered_on > visit.answer_due


def is_answer_overdue(visit: Visit, today: date | None = None) -> bool:
    return not visit.answer and visit.answer_due < (today or _today())


# ------------------------------------------------------------------------------------------------ reminders


def _reception_managers(unit_id: int, cache: dict) -> list:
    if unit_id not in cache:
        cache[unit_id] = [
            m.user
            for m in Membership.objects.current()
            .filter(unit_id=unit_id, role__in=roles_with("petitions.manage_reception"))
            .select_related("user")
        ]
    return cache[unit_id]


def _recipients(visit: Visit, cache: dict) -> list[tuple[str, str]]:
    host = visit.session.host
    users = [host] if host is not None and host.is_active else _reception_managers(visit.unit_id, cache)
    recipients = {}
    for user in users:
        if user.is_active:
            channel, address = ("email", user.email) if user.email else ("console", user.get_username())
            recipients[address] = channel
    return [(channel, address) for address, channel in recipients.items()]


def _reminder_text(visit: Visit, overdue: bool) -> tuple[str, str]:
    """Subject and body, without the visitor's name or the content (a denunciation may identify them)."""
    with override("vi"):
        values = {
            "ref": f"{visit.number}/{visit.year}",
            "date": f"{visit.answer_due:%d/%m/%Y}",
            "visited": f"{visit.date:%d/%m/%Y}",
            "kind": visit.get_kind_display(),
            "unit": visit.unit.name,
        }
        if overdue:
            subject = _("Overdue: the answer to visit %(ref)s was due on %(date)s") % values
        else:
            subject = _("Due soon: the answer to visit %(ref)s is due on %(date)s") % values
        body = (
            _(
                "Visit %(ref)s of %(visited)s (%(kind)s) at %(unit)s needs its answer under Art. 28 of the Law on "
                "Citizen Reception by %(date)s: accepted, more time to verify, refused with the reason, or "
                "transferred."
            )
            % values
        )
    return subject, body


def send_answer_reminders(today: date | None = None) -> dict[str, int]:
    """Daily: visits without an answer whose due date is within 3 working days, or passed, are sent to the
    session's host (or the unit's reception managers). Deduplicated per visit, due date and recipient."""
    today = today or _today()
    soon = calendar.add_working_days(today, REMINDER_WORKING_DAYS)
    counts = {"visit_reminders": 0, "visit_overdue": 0}
    visits = (
        Visit.objects.filter(answer=Visit.Answer.PENDING, answer_due__lte=soon)
        .select_related("unit", "session__host")
        .order_by("pk")
    )
    managers: dict[int, list] = {}
    for visit in visits.iterator(chunk_size=500):
        overdue = visit.answer_due < today
        subject, body = _reminder_text(visit, overdue)
        key = f"visit-{'overdue' if overdue else 'reminder'}:{visit.pk}:{visit.answer_due.isoformat()}"
        for channel, recipient in _recipients(visit, managers):
            notify(
                channel=channel,
                recipient=recipient,
                subject=subject,
                body=body,
                unit=visit.unit_id,
                dedupe_key=f"{key}:{recipient}",
            )
        counts["visit_overdue" if overdue else "visit_reminders"] += 1
    return counts


# ------------------------------------------------------------------------------------------------ import


def _import_sessions(unit: Unit, rows, *, actor, filename: str) -> dict[tuple, ReceptionSession]:
    """One regular session per date (and host, when the file names who received) of the imported rows."""
    sessions: dict[tuple, ReceptionSession] = {}
    for row in sorted(rows, key=lambda r: (r.date, r.line)):
        key = (row.date, row.host_name)
        if key not in sessions:
            sessions[key] = ReceptionSession.objects.create(
                unit=unit,
                kind=ReceptionSession.Kind.REGULAR,
                mode=ReceptionSession.Mode.IN_PERSON,
                date=row.date,
                host_name=row.host_name or _("Not recorded (imported book)"),
                location=(unit.address or unit.name)[:300],
                notes=_("Imported from %(file)s") % {"file": filename},
                created_by=_user(actor),
            )
    return sessions


def _imported_visit(unit: Unit, row, *, session, number: int, case_key: str, actor) -> Visit:
    hidden = row.is_confidential
    return Visit(
        unit=unit,
        session=session,
        number=number,
        year=row.date.year,
        date=row.date,
        visitor_name="" if hidden else row.name,
        visitor_address="" if hidden else row.address,
        visitor_phone="" if hidden else row.phone,
        is_confidential=hidden,
        kind=row.kind,
        sector=row.sector,
        content=row.content,
        prior_handling=row.prior_handling,
        request=row.request,
        handling=row.handling,
        persons=row.persons,
        is_group=row.is_group,
        representatives=[{"name": ""} for _rep in row.representatives]
        if hidden
        else [rep.as_dict() for rep in row.representatives],
        case_key=case_key,
        answer=row.answer,
        answer_reason=row.answer_reason,
        answered_on=row.answered_on,
        answer_due=legal.visit_answer_due(row.date, unit),
        created_by=_user(actor),
    )


def _imported_visits(unit: Unit, rows, sessions, *, actor) -> list[tuple[Visit, object]]:
    """Visits numbered on from the unit's book, year by year, in the order of the file's dates. Rows of the
    file that share a case code not yet in the book become one new case."""
    numbers: dict[int, list[int]] = {}
    for year in sorted({row.date.year for row in rows}):
        numbers[year] = next_numbers(unit, year, sum(1 for row in rows if row.date.year == year))
    new_cases: dict[str, str] = {}
    built = []
    for row in sorted(rows, key=lambda r: (r.date, r.line)):
        number = numbers[row.date.year].pop(0)
        case_key = row.case_key
        if not row.existing_case:
            fresh = _new_case_key(unit, row.date.year, number)
            case_key = new_cases.setdefault(row.case_key, fresh) if row.case_key else fresh
        session = sessions[(row.date, row.host_name)]
        built.append(
            (_imported_visit(unit, row, session=session, number=number, case_key=case_key, actor=actor), row)
        )
    return built


def _imported_identities(unit: Unit, built) -> list[ProtectedIdentity]:
    identities = []
    for visit, row in built:
        if row.is_confidential and (row.name or row.address or row.phone):
            identities.append(
                ProtectedIdentity(
                    visit=visit,
                    unit_id=unit.pk,
                    ciphertext=crypto.encrypt_identity(
                        {"name": row.name, "address": row.address, "phone": row.phone}
                    ),
                )
            )
    return identities


def import_reception_book(unit: Unit, file, *, actor, filename: str | None = None):
    """Validate a legacy reception book (.xlsx) as a whole, then write all of it or nothing: every bad row is
    reported with its Excel line, column and reason. Each date's rows go into a regular session created for
    them. Callers check `petitions.import_reception`. Returns a `reception_importing.ImportResult`."""
    from dancoso.petitions.reception_importing import ImportResult, validate_reception_book

    data = file.read() if hasattr(file, "read") else bytes(file)
    filename = normalize_text(filename or getattr(file, "name", "") or "book.xlsx")
    result = ImportResult(sha256=ledger.sha256_hex(data))
    validated = validate_reception_book(data, filename, unit=unit)
    if validated.errors:
        result.errors = validated.errors
        return result
    with transaction.atomic():
        _lock_unit(unit)
        sessions = _import_sessions(unit, validated.rows, actor=actor, filename=filename)
        built = _imported_visits(unit, validated.rows, sessions, actor=actor)
        Visit.objects.bulk_create([visit for visit, _row in built], batch_size=500)
        ProtectedIdentity.objects.bulk_create(_imported_identities(unit, built), batch_size=500)
        _record(
            "reception_book_imported",
            actor=actor,
            obj=unit,
            unit=unit,
            payload={
                "filename": filename,
                "sha256": result.sha256,
                "visits": len(built),
                "sessions": len(sessions),
            },
        )
    result.visits, result.sessions = len(built), len(sessions)
    return result


def export_reception_book(queryset) -> bytes:
    """The reception book as .xlsx with the Art. 25.2 columns (and the import's other columns, so an export
    imports again). Confidential visits show “Bảo mật” instead of the name, address and phone."""
    from dancoso.petitions.reception_importing import write_reception_book

    return write_reception_book(queryset)
