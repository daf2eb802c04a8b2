"""Public pages of reception and petitions, under each unit's address (/<unit>/petitions/…, /<unit>/reception/).

A resident sends a petition (phone first, photos, optional location) and gets a tracking code; with the code
and the phone or e-mail used, they follow it. Each unit shows anonymised statistics of its subtree, its
reception days and an iCalendar feed of them. Nothing here shows a petitioner's identity: pages get plain
values picked for them, never a petition row.
"""

import hashlib
import hmac
import re
import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import wraps
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe
from icalendar import Calendar, Event

from dancoso.core import calendar as work_calendar
from dancoso.core.idempotency import HEADER, idempotent, request_digest
from dancoso.petitions import confidential, services, stats
from dancoso.petitions.models import (
    Channel,
    DueKind,
    Kind,
    Petition,
    QueuedPetition,
    ReceptionSchedule,
    ReceptionSession,
    State,
)
from dancoso.petitions.public_forms import PetitionForm, TrackForm, YearForm
from dancoso.units.models import Unit

# Requests per client address and window (seconds). Mobile carriers put many phones behind one address,
# so the limits are generous; a deployment may set PETITIONS_PUBLIC_RATE_LIMITS = {"submit": (n, s), …}.
DEFAULT_RATE_LIMITS = {"submit": (20, 3600), "track": (10, 900)}
FORM_KEY = "submission_key"
FORM_KEY_PATTERN = re.compile(r"^[0-9a-f]{32}$")
SENT_SALT = "dancoso.petitions.public.sent"
STATS_CACHE_SECONDS = 600
STATS_YEARS = 6
UPCOMING_SESSIONS = 20
NEXT_RECEPTION_DAYS = 4
FEED_EXCLUSION_DAYS = 366
ICAL_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

NOT_FOUND = gettext_lazy(
    "No petition matches this tracking code and contact. Check both; for a petition sent anonymously, "
    "leave the contact empty."
)

QUEUED_EXPLANATION = gettext_lazy(
    "Received. It is being entered in the register of petitions; this takes a few moments. Its deadlines "
    "count from the day it was received."
)
STATE_EXPLANATIONS = {
    State.RECEIVED: gettext_lazy("Received. An officer will classify it and decide how it is handled."),
    State.CLASSIFIED: gettext_lazy("Classified. A decision on accepting it is being taken."),
    State.ACCEPTED: gettext_lazy("Accepted for resolution (thụ lý). It is being resolved."),
    State.VERIFYING: gettext_lazy("The facts are being verified."),
    State.RESOLVED: gettext_lazy("Resolved. The answer or decision is below."),
    State.CLOSED: gettext_lazy("Resolved and closed."),
    State.TRANSFERRED: gettext_lazy("Transferred to the competent body, which will handle it."),
    State.GUIDED: gettext_lazy("It is for another body to handle: you were told which one."),
    State.NOT_PROCESSED: gettext_lazy("Kept on file without being processed, for the reason below."),
    State.WITHDRAWN: gettext_lazy("Withdrawn at your request."),
    State.SPLIT: gettext_lazy(
        "It had several contents: each part is handled on its own, under its own code."
    ),
    State.LINKED: gettext_lazy(
        "It repeats an earlier petition on the same matter, which is followed instead."
    ),
}
DEADLINE_PURPOSES = {
    DueKind.CLASSIFICATION: gettext_lazy("Decide whether to accept it, transfer it or guide you"),
    DueKind.FORWARDING: gettext_lazy("Forward it to the competent body and tell you"),
    DueKind.RESOLUTION: gettext_lazy("Resolve it and send you the answer or decision"),
}
STEP_LABELS = {
    "received": gettext_lazy("Received"),
    "accept": gettext_lazy("Accepted for resolution (thụ lý)"),
    "transfer": gettext_lazy("Transferred to the competent body"),
    "guide": gettext_lazy("You were guided to the competent body"),
    "not_process": gettext_lazy("Not processed"),
    "extend": gettext_lazy("Time for resolution extended"),
    "resolve": gettext_lazy("Resolved"),
    "close": gettext_lazy("Closed"),
    "withdraw": gettext_lazy("Withdrawn"),
    "split": gettext_lazy("Split into parts"),
    "appealed": gettext_lazy("Second complaint brought"),
}
BUCKET_LABELS = {
    "resolved": gettext_lazy("Resolved"),
    "in_progress": gettext_lazy("Being handled"),
    "transferred": gettext_lazy("Transferred or guided to the competent body"),
    "not_processed": gettext_lazy("Not processed"),
    "withdrawn": gettext_lazy("Withdrawn"),
}


def _public_unit(unit_slug: str) -> Unit:
    return get_object_or_404(Unit, slug=unit_slug, is_active=True)


# ------------------------------------------------------------------------------------------------ limits


def _rate_limit(name: str) -> tuple[int, int]:
    return getattr(settings, "PETITIONS_PUBLIC_RATE_LIMITS", {}).get(name, DEFAULT_RATE_LIMITS[name])


def _counter_key(request, name: str) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    client = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:24]
    return f"petitions:public:{name}:{client}"


def _limited(request, name: str) -> bool:
    limit, _window = _rate_limit(name)
    return (cache.get(_counter_key(request, name)) or 0) >= limit


def _count(request, name: str) -> None:
    _limit, window = _rate_limit(name)
    key = _counter_key(request, name)
    if cache.add(key, 1, window):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)


def _too_many(request, unit: Unit, name: str) -> HttpResponse:
    _limit, window = _rate_limit(name)
    response = render(
        request, "petitions/public/too_many.html", {"unit": unit, "minutes": max(1, window // 60)}, status=429
    )
    response["Retry-After"] = str(window)
    return response


# ------------------------------------------------------------------------------------------------ submission


def _form_key_as_idempotency_key(view):
    """A form cannot send an `Idempotency-Key` header, so the page carries a key drawn when it was shown.
    With a digest of what is sent it makes the key of `core.idempotency`: the same form sent twice (a double
    tap, a retry on a bad network, the back button) gives the first result; a corrected form is new."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and HEADER not in request.headers:
            form_key = request.POST.get(FORM_KEY, "")
            if FORM_KEY_PATTERN.match(form_key):
                digest = hashlib.sha256(f"{form_key}:{request_digest(request)}".encode()).hexdigest()
                request.META["HTTP_IDEMPOTENCY_KEY"] = f"form-{digest[:48]}"
                request.__dict__.pop("headers", None)  # HttpRequest.headers is cached
        return view(request, *args, **kwargs)

    return wrapper


def _sent_signature(code: str) -> str:
    return signing.Signer(salt=SENT_SALT).signature(code)


def _sent_url(unit: Unit, petition: Petition) -> str:
    url = reverse("petitions_public:sent", args=[unit.slug, petition.tracking_code])
    return f"{url}?s={_sent_signature(petition.tracking_code)}"


def _sent_page(request, unit: Unit, petition: Petition) -> HttpResponse:
    context = {
        "unit": unit,
        "code": petition.tracking_code,
        "is_anonymous": petition.is_anonymous,
        "is_confidential": petition.is_confidential,
        "is_anonymous_denunciation": petition.is_anonymous and petition.kind == Kind.DENUNCIATION,
        "track_url": f"{reverse('petitions_public:track', args=[unit.slug])}?code={petition.tracking_code}",
        "page_url": _sent_url(unit, petition),
    }
    response = render(request, "petitions/public/sent.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


def _submit_page(request, unit: Unit, form: PetitionForm) -> HttpResponse:
    context = {"unit": unit, "form": form, "form_key": uuid.uuid4().hex, "form_key_name": FORM_KEY}
    response = render(request, "petitions/public/submit.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@_form_key_as_idempotency_key
@idempotent
def submit(request, unit_slug: str):
    unit = _public_unit(unit_slug)
    if request.method != "POST":
        return _submit_page(request, unit, PetitionForm())
    if _limited(request, "submit"):
        return _too_many(request, unit, "submit")
    _count(request, "submit")
    form = PetitionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            petition = services.submit_petition(unit=unit, channel=Channel.WEB, **form.service_arguments())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            # The answer is the page itself, not a redirect: core.idempotency stores 2xx answers, so a retried
            # form shows the same tracking code.
            return _sent_page(request, unit, petition)
    return _submit_page(request, unit, form)


@require_safe
def sent(request, unit_slug: str, code: str):
    unit = _public_unit(unit_slug)
    if not hmac.compare_digest(request.GET.get("s", ""), _sent_signature(code)):
        raise Http404
    petition = get_object_or_404(
        Petition.objects.only("tracking_code", "kind", "is_anonymous", "is_confidential"), tracking_code=code
    )
    return _sent_page(request, unit, petition)


# ------------------------------------------------------------------------------------------------ tracking


@dataclass(frozen=True)
class Contact:
    """The digests of what the visitor typed: compared, never stored or shown."""

    phone_digest: str = ""
    email_digest: str = ""

    @classmethod
    def from_text(cls, text: str) -> "Contact":
        text = (text or "").strip()
        if "@" in text:
            return cls(email_digest=confidential.email_digest(text))
        return cls(phone_digest=confidential.phone_digest(text))

    @property
    def is_empty(self) -> bool:
        return not (self.phone_digest or self.email_digest)

    def matches(self, petition: Petition | QueuedPetition) -> bool:
        if self.is_empty:
            return petition.is_anonymous  # an anonymous petition is followed with its code alone
        by_phone = bool(self.phone_digest) and hmac.compare_digest(self.phone_digest, petition.phone_digest)
        by_email = bool(self.email_digest) and hmac.compare_digest(self.email_digest, petition.email_digest)
        return by_phone or by_email


@dataclass(frozen=True)
class Deadline:
    purpose: str
    due: date
    overdue: bool


@dataclass(frozen=True)
class Step:
    on: date
    label: str
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class Related:
    code: str
    kind: str
    state: str
    received_on: date
    due: date | None = None
    outcome: str = ""
    decision_number: str = ""


@dataclass(frozen=True)
class Tracked:
    """What the tracking page may show: no identity, no staff notes."""

    code: str
    kind: str
    sector: str
    title: str
    unit_name: str
    received_on: date
    state: str
    explanation: str
    is_open: bool
    is_anonymous: bool
    is_confidential: bool
    deadlines: tuple[Deadline, ...] = ()
    steps: tuple[Step, ...] = ()
    outcome: str = ""
    decision_number: str = ""
    resolved_on: date | None = None
    transferred_to: str = ""
    reason: str = ""
    appeal_until: date | None = None
    parts: tuple[Related, ...] = ()
    earlier: Related | None = None


def _find_petition(code: str, contact: Contact) -> Petition | None:
    code = services.normalize_tracking_code(code)
    petition = (
        Petition.objects.select_related("unit", "sector", "linked_to").filter(tracking_code=code).first()
    )
    return petition if petition is not None and contact.matches(petition) else None


def _date(value: date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def _step_details(event) -> tuple[str, ...]:
    data = event.data or {}
    details = {
        "accept": [_("To be resolved by %(date)s") % {"date": _date(event.due_after)}]
        if event.due_after
        else [],
        "transfer": [_("To: %(body)s") % {"body": data.get("to_body", "")}],
        "guide": [_("Competent body: %(body)s") % {"body": data.get("to_body", "")}, event.reason],
        "not_process": [event.reason],
        "extend": [
            _("New deadline: %(date)s") % {"date": _date(event.due_after)},
            _("Decision no. %(number)s") % {"number": data["decision_number"]}
            if data.get("decision_number")
            else "",
        ],
        "resolve": [_("Decision or answer no. %(number)s") % {"number": data["decision_number"]}]
        if data.get("decision_number")
        else [],
        "split": [_("Parts: %(codes)s") % {"codes": ", ".join(data.get("parts", []))}],
        "appealed": [_("Second complaint: %(code)s") % {"code": data.get("appeal", "")}],
    }.get(event.action, [])
    return tuple(text for text in details if text)


def _steps(petition: Petition) -> tuple[Step, ...]:
    events = petition.events.filter(is_public=True).order_by("on", "at", "pk")
    return tuple(
        Step(
            on=event.on, label=str(STEP_LABELS.get(event.action, event.action)), details=_step_details(event)
        )
        for event in events
    )


def _deadlines(petition: Petition, today: date) -> tuple[Deadline, ...]:
    if not petition.is_open or petition.due_on is None:
        return ()
    purpose = DEADLINE_PURPOSES.get(petition.due_kind, petition.get_due_kind_display())
    deadlines = [Deadline(str(purpose), petition.due_on, petition.due_on < today)]
    if petition.resolution_due and petition.due_kind != DueKind.RESOLUTION:
        purpose = DEADLINE_PURPOSES[DueKind.RESOLUTION]
        deadlines.append(Deadline(str(purpose), petition.resolution_due, petition.resolution_due < today))
    return tuple(deadlines)


def _related(petition: Petition, *, with_answer: bool) -> Related:
    return Related(
        code=petition.tracking_code,
        kind=petition.get_kind_display(),
        state=petition.get_state_display(),
        received_on=petition.received_on,
        due=petition.due_on if petition.is_open else None,
        outcome=petition.outcome if with_answer else "",
        decision_number=petition.decision_number if with_answer else "",
    )


def _earlier(petition: Petition, contact: Contact) -> Related | None:
    """The petition a repeat is followed through. Its answer and code are shown only to its own petitioner:
    the same matter may have been brought by someone else."""
    earlier = petition.linked_to
    if earlier is None:
        return None
    own = not contact.is_empty and contact.matches(earlier)
    related = _related(earlier, with_answer=own)
    return related if own else replace(related, code="")


def _appeal_until(petition: Petition) -> date | None:
    if petition.state not in (State.RESOLVED, State.CLOSED):
        return None
    return services.appeal_deadline_for(petition)


def _tracked(petition: Petition, contact: Contact) -> Tracked:
    concluded_with_reason = petition.state in (State.NOT_PROCESSED, State.GUIDED)
    return Tracked(
        code=petition.tracking_code,
        kind=petition.get_kind_display(),
        sector=petition.sector.name if petition.sector else "",
        title=petition.title,
        unit_name=petition.unit.name,
        received_on=petition.received_on,
        state=petition.get_state_display(),
        explanation=str(STATE_EXPLANATIONS.get(petition.state, "")),
        is_open=petition.is_open,
        is_anonymous=petition.is_anonymous,
        is_confidential=petition.is_confidential,
        deadlines=_deadlines(petition, timezone.localdate()),
        steps=_steps(petition),
        outcome=petition.outcome if petition.state in (State.RESOLVED, State.CLOSED) else "",
        decision_number=petition.decision_number if petition.state in (State.RESOLVED, State.CLOSED) else "",
        resolved_on=petition.resolved_on,
        transferred_to=petition.transferred_to if petition.state in (State.TRANSFERRED, State.GUIDED) else "",
        reason=petition.state_reason if concluded_with_reason else "",
        appeal_until=_appeal_until(petition),
        parts=tuple(_related(part, with_answer=True) for part in petition.parts.order_by("pk")),
        earlier=_earlier(petition, contact),
    )


def _find_queued(code: str, contact: Contact) -> QueuedPetition | None:
    """A petition acknowledged through the API and not registered yet (a worker does it within seconds)."""
    code = services.normalize_tracking_code(code)
    queued = (
        QueuedPetition.objects.select_related("unit")
        .filter(tracking_code=code, status=QueuedPetition.Status.PENDING)
        .first()
    )
    return queued if queued is not None and contact.matches(queued) else None


def _tracked_queued(queued: QueuedPetition) -> Tracked:
    """Only what the row holds in clear: the filing itself stays encrypted until it is registered."""
    return Tracked(
        code=queued.tracking_code,
        kind=queued.get_kind_display(),
        sector="",
        title="",
        unit_name=queued.unit.name,
        received_on=queued.received_on,
        state=queued.get_status_display(),
        explanation=str(QUEUED_EXPLANATION),
        is_open=True,
        is_anonymous=queued.is_anonymous,
        is_confidential=False,
    )


def _track_page(request, unit: Unit, form: TrackForm, tracked: Tracked | None = None) -> HttpResponse:
    context = {"unit": unit, "form": form, "tracked": tracked}
    response = render(request, "petitions/public/track.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def track(request, unit_slug: str):
    unit = _public_unit(unit_slug)
    if request.method != "POST":
        return _track_page(request, unit, TrackForm(initial={"code": request.GET.get("code", "")[:20]}))
    if _limited(request, "track"):
        return _too_many(request, unit, "track")
    form = TrackForm(request.POST)
    if not form.is_valid():
        return _track_page(request, unit, form)
    contact = Contact.from_text(form.cleaned_data["contact"])
    petition = _find_petition(form.cleaned_data["code"], contact)
    if petition is None and (queued := _find_queued(form.cleaned_data["code"], contact)) is not None:
        return _track_page(request, unit, TrackForm(), _tracked_queued(queued))
    if petition is None:
        _count(request, "track")
        form.add_error(None, NOT_FOUND)
        return _track_page(request, unit, form)
    return _track_page(request, unit, TrackForm(), _tracked(petition, contact))


# ------------------------------------------------------------------------------------------------ statistics


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    percent: str
    width: int  # 0–100 in steps of 5: the CSS class chart-bar-<width>


def _percent(rate: float | None) -> str:
    if rate is None:
        return ""
    text = formats.number_format(round(rate * 100, 1), decimal_pos=1)
    return f"{text.removesuffix('0').rstrip('.,') if text[-2:] in (',0', '.0') else text}%"


def _bars(lines: list[tuple[str, int]], total: int) -> list[Bar]:
    bars = []
    for label, count in lines:
        share = count / total if total else 0
        width = 0 if not count else max(5, round(share * 20) * 5)
        bars.append(
            Bar(label=str(label), count=count, percent=_percent(share if total else None), width=width)
        )
    return bars


def _figures(unit: Unit, year: int) -> dict:
    start, end = date(year, 1, 1), date(year, 12, 31)
    petitions = stats.petition_stats(unit, start, end)
    reception = stats.reception_stats(unit, start, end)
    total = petitions.received
    return {
        "petitions": petitions,
        "reception": reception,
        "on_time": _percent(petitions.on_time_rate),
        "answer_on_time": _percent(reception.answer_on_time_rate),
        "by_kind": _bars([(line.label, line.count) for line in petitions.by_kind], total),
        "by_sector": _bars([(line.label, line.count) for line in petitions.by_sector], total),
        "by_bucket": _bars([(BUCKET_LABELS[key], petitions.by_bucket[key]) for key in stats.BUCKETS], total),
        "by_channel": _bars([(line.label, line.count) for line in petitions.by_channel if line.count], total),
    }


def _cached_figures(unit: Unit, year: int) -> dict:
    key = f"petitions:public-stats:{unit.pk}:{year}:{translation.get_language()}"
    return cache.get_or_set(key, lambda: _figures(unit, year), STATS_CACHE_SECONDS)


@require_safe
def statistics(request, unit_slug: str):
    unit = _public_unit(unit_slug)
    this_year = timezone.localdate().year
    years = list(range(this_year, this_year - STATS_YEARS, -1))
    form = YearForm(request.GET if "year" in request.GET else None, years=years, initial={"year": this_year})
    year = form.cleaned_data["year"] if form.is_bound and form.is_valid() else this_year
    context = {"unit": unit, "form": form, "year": year, **_cached_figures(unit, year)}
    return render(request, "petitions/public/stats.html", context)


# ------------------------------------------------------------------------------------------------ reception


def _next_days(schedule: ReceptionSchedule, today: date, unit: Unit, count: int) -> list[date]:
    """The next reception days of a weekly schedule, skipping holidays and days off."""
    day = max(today, schedule.valid_from)
    day += timedelta(days=(schedule.weekday - day.weekday()) % 7)
    days = []
    for _week in range(count * 3):
        if schedule.valid_until and day > schedule.valid_until:
            break
        if work_calendar.is_working_day(day, unit):
            days.append(day)
            if len(days) == count:
                break
        day += timedelta(weeks=1)
    return days


def _feed_url(unit: Unit) -> str:
    return reverse("petitions_public:reception_ics", args=[unit.slug])


@require_safe
def reception(request, unit_slug: str):
    unit = _public_unit(unit_slug)
    today = timezone.localdate()
    schedules = list(
        ReceptionSchedule.objects.current(today).filter(unit=unit).order_by("weekday", "start_time")
    )
    regular_days = [
        (schedule, _next_days(schedule, today, unit, NEXT_RECEPTION_DAYS)) for schedule in schedules
    ]
    sessions = ReceptionSession.objects.filter(unit=unit, date__gte=today).order_by("date", "start_time")[
        :UPCOMING_SESSIONS
    ]
    context = {
        "unit": unit,
        "regular_days": regular_days,
        "sessions": sessions,
        "feed_url": _feed_url(unit),
        "head_receives": any(schedule.host_is_head for schedule in schedules),
    }
    return render(request, "petitions/public/reception.html", context)


def _local(day: date, moment, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, moment, tzinfo=zone)


def _first_day(schedule: ReceptionSchedule) -> date:
    return schedule.valid_from + timedelta(days=(schedule.weekday - schedule.valid_from.weekday()) % 7)


def _excluded_days(schedule: ReceptionSchedule, unit: Unit, today: date) -> list[date]:
    """Holidays and days off on which the weekly reception does not take place, for the coming year."""
    day = max(_first_day(schedule), today - timedelta(days=(today.weekday() - schedule.weekday) % 7))
    last = today + timedelta(days=FEED_EXCLUSION_DAYS)
    if schedule.valid_until:
        last = min(last, schedule.valid_until)
    excluded = []
    while day <= last:
        if not work_calendar.is_working_day(day, unit):
            excluded.append(day)
        day += timedelta(weeks=1)
    return excluded


def _schedule_event(schedule: ReceptionSchedule, unit: Unit, today: date, zone: ZoneInfo) -> Event:
    first = _first_day(schedule)
    event = Event()
    event.add("uid", f"{unit.slug}-reception-schedule-{schedule.pk}@dancoso")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", _local(first, schedule.start_time, zone))
    event.add("dtend", _local(first, schedule.end_time, zone))
    rule = {"freq": "weekly", "byday": ICAL_WEEKDAYS[schedule.weekday]}
    if schedule.valid_until:
        # With a local start time, UNTIL is given in UTC (RFC 5545 §3.3.10).
        rule["until"] = _local(schedule.valid_until, schedule.end_time, zone).astimezone(ZoneInfo("UTC"))
    event.add("rrule", rule)
    excluded = _excluded_days(schedule, unit, today)
    if excluded:
        event.add("exdate", [_local(day, schedule.start_time, zone) for day in excluded])
    event.add("summary", _("Citizen reception: %(host)s") % {"host": schedule.host_title})
    event.add("location", schedule.location)
    description = [
        _("Regular citizen reception of %(unit)s (Luật Tiếp công dân 2013).") % {"unit": unit.name}
    ]
    if schedule.is_online:
        description.append(_("Online reception."))
    if schedule.note:
        description.append(schedule.note)
    event.add("description", "\n".join(description))
    return event


def _session_event(session: ReceptionSession, unit: Unit, zone: ZoneInfo) -> Event:
    event = Event()
    event.add("uid", f"{unit.slug}-reception-session-{session.pk}@dancoso")
    event.add("dtstamp", timezone.now())
    if session.start_time:
        event.add("dtstart", _local(session.date, session.start_time, zone))
        if session.end_time:
            event.add("dtend", _local(session.date, session.end_time, zone))
    else:
        event.add("dtstart", session.date)
        event.add("dtend", session.date + timedelta(days=1))
    kind = session.get_kind_display()
    if session.mode == ReceptionSession.Mode.ONLINE:
        summary = _("Online citizen reception (%(kind)s): %(host)s")
    else:
        summary = _("Citizen reception (%(kind)s): %(host)s")
    event.add("summary", summary % {"kind": kind.lower(), "host": session.host_title or session.host_name})
    event.add("location", session.location)
    if session.notice_on:
        # NĐ 154/2026: an online reception is announced (at least 05 working days before) and it is recorded.
        values = {"date": f"{session.notice_on:%d/%m/%Y}", "channel": session.notice_channel}
        if session.notice_channel:
            description = [_("Announced on %(date)s through %(channel)s.") % values]
        else:
            description = [_("Announced on %(date)s.") % values]
        if session.notice_link:
            description.append(session.notice_link)
        event.add("description", "\n".join(description))
    return event


def reception_calendar(unit: Unit, today: date | None = None) -> Calendar:
    """The unit's regular reception days as weekly events, and its announced ad hoc and online sessions."""
    today = today or timezone.localdate()
    zone = ZoneInfo(settings.TIME_ZONE)
    feed = Calendar()
    feed.add("prodid", "-//dancoso//Citizen reception//VI")
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("x-wr-calname", _("Citizen reception – %(unit)s") % {"unit": unit.name})
    feed.add("x-wr-timezone", settings.TIME_ZONE)
    schedules = ReceptionSchedule.objects.filter(unit=unit).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )
    for schedule in schedules.order_by("weekday", "start_time"):
        feed.add_component(_schedule_event(schedule, unit, today, zone))
    announced = ReceptionSession.objects.filter(unit=unit, date__gte=today - timedelta(days=30)).filter(
        Q(kind=ReceptionSession.Kind.AD_HOC) | Q(mode=ReceptionSession.Mode.ONLINE)
    )
    for session in announced.order_by("date", "start_time"):
        feed.add_component(_session_event(session, unit, zone))
    feed.add_missing_timezones()
    return feed


@require_safe
def reception_ics(request, unit_slug: str):
    unit = _public_unit(unit_slug)
    response = HttpResponse(reception_calendar(unit).to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{unit.slug}-tiep-cong-dan.ics"'
    response["Cache-Control"] = "public, max-age=3600"
    return response
