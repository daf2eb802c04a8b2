"""Every write to petitions, as named actions (reception book writes are in `reception.py`).

Each action validates, refuses an illegal transition with a message in the user's language, changes state,
keeps a `PetitionEvent` (who, when, why, the state and deadline after it), writes the ledger and queues the
notifications — in one transaction. Ledger payloads and notifications never carry a confidential identity.
See docs/petitions.md for the states, the transitions and the deadline rules.
"""

import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from dancoso.accounts.models import Membership
from dancoso.accounts.roles import roles_with
from dancoso.accounts.scoping import current_memberships
from dancoso.core import calendar, ledger
from dancoso.core.files import store_attachment
from dancoso.core.idempotency import insert_with_answer
from dancoso.core.models import Notification
from dancoso.core.notify import notify
from dancoso.core.text import normalize_phone, normalize_text, search_key
from dancoso.petitions import confidential, legal
from dancoso.petitions.models import (
    OPEN_STATES,
    Channel,
    Complexity,
    DueKind,
    Kind,
    Petition,
    PetitionEvent,
    ProtectedIdentity,
    QueuedPetition,
    Sector,
    State,
    Visit,
)

logger = logging.getLogger(__name__)

TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: codes are read out over the phone
TRACKING_LENGTH = 8
QUEUED_FIRST = "".join(char for char in TRACKING_ALPHABET if char.isdigit())
DIRECT_FIRST = "".join(char for char in TRACKING_ALPHABET if not char.isdigit())

# Which action may start from which state. Anything else is refused with `IllegalTransition`.
TRANSITIONS: dict[str, frozenset[str]] = {
    "classify": frozenset({State.RECEIVED, State.CLASSIFIED}),
    "split": frozenset({State.RECEIVED, State.CLASSIFIED}),
    "link_repeat": frozenset({State.RECEIVED, State.CLASSIFIED}),
    "accept": frozenset({State.CLASSIFIED}),
    "transfer": frozenset({State.RECEIVED, State.CLASSIFIED}),
    "guide": frozenset({State.RECEIVED, State.CLASSIFIED}),
    "not_process": frozenset({State.RECEIVED, State.CLASSIFIED}),
    "start_verification": frozenset({State.ACCEPTED}),
    "extend": frozenset({State.ACCEPTED, State.VERIFYING}),
    "resolve": frozenset({State.ACCEPTED, State.VERIFYING}),
    "close": frozenset({State.RESOLVED}),
    "withdraw": OPEN_STATES,
    "assign": OPEN_STATES,
}

# Steps the petitioner sees on the tracking page and is told about.
PUBLIC_ACTIONS = frozenset(
    {
        "received",
        "accept",
        "transfer",
        "guide",
        "not_process",
        "extend",
        "resolve",
        "close",
        "withdraw",
        "split",
    }
)

# Handlers hear this many working days before a deadline (and once more after it was missed).
REMINDER_WORKING_DAYS = legal.DUE_SOON_WORKING_DAYS

# Column sizes of `Petition`, checked before saving so that PostgreSQL never refuses a long value.
MAX_LENGTHS = {
    "title": 300,
    "name": 150,
    "address": 300,
    "email": 254,
    "location_text": 300,
    "transferred_from": 300,
    "to_body": 300,
    "decision_number": 60,
}

REDACTED = "•••"

KINDS = frozenset(Kind.values)
CHANNELS = frozenset(Channel.values)


class IllegalTransition(ValidationError):
    pass


@dataclass(frozen=True)
class Petitioner:
    """Who sent a petition. Never printed: `repr()` shows no field, so logs and error pages cannot leak it."""

    name: str = field(default="", repr=False)
    address: str = field(default="", repr=False)
    phone: str = field(default="", repr=False)
    email: str = field(default="", repr=False)
    id_number: str = field(default="", repr=False)

    def as_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "address": self.address,
            "phone": self.phone,
            "email": self.email,
            "id_number": self.id_number,
        }

    @classmethod
    def from_dict(cls, values: dict) -> "Petitioner":
        return cls(**{key: str(values.get(key) or "") for key in cls.__dataclass_fields__})


# ------------------------------------------------------------------------------------------------ helpers


def _today() -> date:
    return timezone.localdate()


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def new_tracking_code(*, queued: bool = False) -> str:
    """Eight characters read out easily, e.g. "K7QD-2M9X". Codes drawn for queued petitions start with a
    digit and all others with a letter, so a code promised in the queue can never be drawn for a petition
    registered directly (each table's unique index covers the rest)."""
    first = secrets.choice(QUEUED_FIRST if queued else DIRECT_FIRST)
    raw = first + "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH - 1))
    return f"{raw[:4]}-{raw[4:]}"


def normalize_tracking_code(value: str) -> str:
    """What a resident types ("abcd 2345", "ABCD-2345") → the stored form "ABCD-2345"."""
    raw = "".join(ch for ch in (value or "").upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == TRACKING_LENGTH else raw


def _require(condition: bool, message: str, field_name: str | None = None) -> None:
    if not condition:
        raise ValidationError({field_name: message} if field_name else message)


def _check_transition(petition: Petition, action: str) -> None:
    if petition.state not in TRANSITIONS[action]:
        raise IllegalTransition(
            _("This step is not possible: the petition is “%(state)s”.")
            % {"state": petition.get_state_display()},
            code="illegal_transition",
        )


def _locked(petition: Petition) -> Petition:
    """Re-read the row under a lock so two officers cannot move the same petition at once. Only the petition
    row is locked (not its unit), so work on other petitions of the unit goes on."""
    return Petition.objects.select_for_update(of=("self",)).select_related("unit").get(pk=petition.pk)


def _event(
    petition: Petition,
    action: str,
    *,
    actor,
    from_state: str,
    on: date | None = None,
    reason: str = "",
    data: dict | None = None,
    is_public: bool | None = None,
) -> PetitionEvent:
    return PetitionEvent.objects.create(
        petition=petition,
        unit_id=petition.unit_id,
        action=action,
        on=on or _today(),
        actor=_user(actor),
        from_state=from_state,
        to_state=petition.state,
        due_after=petition.due_on,
        reason=reason,
        is_public=action in PUBLIC_ACTIONS if is_public is None else is_public,
        data=data or {},
    )


def _record(petition: Petition, action: str, *, actor, payload: dict | None = None) -> None:
    ledger.record(
        action=f"petitions.{action}",
        actor=_user(actor),
        obj=petition,
        unit=petition.unit_id,
        payload={"tracking_code": petition.tracking_code, "state": petition.state, **(payload or {})},
    )


def _petition_notification_prefix(petition: Petition) -> str:
    return f"petition:{petition.pk}:"


def _tell_petitioner(petition: Petition, event: PetitionEvent) -> None:
    """Tell the petitioner about a public step. Confidential petitioners are not messaged: the outbox would
    hold their contact in clear; they follow their petition with the tracking code."""
    action = event.action
    if petition.is_confidential or action not in PUBLIC_ACTIONS:
        return
    if petition.petitioner_email:
        channel, recipient = "email", petition.petitioner_email
    elif petition.petitioner_phone:
        channel, recipient = "sms", petition.petitioner_phone
    else:
        return
    with override("vi"):
        subject = _("Petition %(code)s: %(state)s") % {
            "code": petition.tracking_code,
            "state": petition.get_state_display(),
        }
        body = _(
            "Your petition %(code)s to %(unit)s is now: %(state)s.\n"
            "Follow it at the unit's website with the tracking code and the phone number or e-mail you gave."
        ) % {
            "code": petition.tracking_code,
            "unit": petition.unit.name,
            "state": petition.get_state_display(),
        }
    notify(
        channel=channel,
        recipient=recipient,
        subject=subject,
        body=body,
        unit=petition.unit_id,
        dedupe_key=f"{_petition_notification_prefix(petition)}{action}:{event.pk}:{channel}",
    )


def _step(
    petition: Petition, action: str, *, actor, from_state: str, on=None, reason="", data=None, payload=None
) -> PetitionEvent:
    """Save the petition, keep its event, write the ledger and tell the petitioner: one step, once each."""
    petition.save()
    event = _event(petition, action, actor=actor, from_state=from_state, on=on, reason=reason, data=data)
    _record(petition, action, actor=actor, payload=payload)
    _tell_petitioner(petition, event)
    return event


def _date_not_in_future(day: date, field_name: str) -> date:
    _require(day <= _today(), _("The date cannot be in the future."), field_name)
    return day


def _date_not_before(day: date, earliest: date, message: str, field_name: str) -> None:
    _require(earliest is None or day >= earliest, message, field_name)


def _too_long(value: str, key: str) -> bool:
    return len(value) > MAX_LENGTHS[key]


def _length_message(limit: int) -> str:
    return _("At most %(n)d characters.") % {"n": limit}


def _store_attachments(petition: Petition, attachments: Iterable, *, actor) -> None:
    """Store uploads. For a confidential petitioner the file name (which may carry the name, Luật Tố cáo
    Art. 9.1.b) is replaced by a neutral one, since file names are written to the ledger."""
    for number, uploaded in enumerate(attachments, start=1):
        if petition.is_confidential:
            extension = (
                (uploaded.name or "").rpartition(".")[2].lower() if "." in (uploaded.name or "") else ""
            )
            uploaded.name = f"tep-dinh-kem-{number}" + (f".{extension}" if extension else "")
        store_attachment(uploaded_file=uploaded, target=petition, unit=petition.unit, actor=actor)


# ------------------------------------------------------------------------------------------------ intake


def _clean_petitioner(petitioner: Petitioner | dict | None) -> Petitioner:
    if petitioner is None:
        return Petitioner()
    if isinstance(petitioner, dict):
        petitioner = Petitioner.from_dict(petitioner)
    return Petitioner(
        name=normalize_text(petitioner.name),
        address=normalize_text(petitioner.address),
        phone=normalize_phone(petitioner.phone) or normalize_text(petitioner.phone),
        email=normalize_text(petitioner.email).lower(),
        id_number=normalize_text(petitioner.id_number),
    )


def _petitioner_errors(petitioner: Petitioner, *, channel: str, anonymous: bool) -> dict[str, str]:
    errors: dict[str, str] = {}
    if petitioner.phone and not normalize_phone(petitioner.phone):
        errors["phone"] = _("Enter a Vietnamese phone number, e.g. 0912 345 678.")
    if petitioner.email:
        try:
            validate_email(petitioner.email)
        except ValidationError:
            errors["email"] = _("Enter a valid e-mail address, e.g. ten@example.vn.")
        if _too_long(petitioner.email, "email"):
            errors["email"] = _length_message(MAX_LENGTHS["email"])
    needs_contact = channel in (Channel.WEB, Channel.API, Channel.OPEN311) and not anonymous
    if needs_contact and not (petitioner.phone or petitioner.email):
        errors["phone"] = _("Give a phone number or an e-mail address so that you can follow the petition.")
    if not anonymous and not petitioner.name and channel != Channel.OPEN311:
        errors["name"] = _("Give your full name, or choose to send anonymously.")
    if _too_long(petitioner.name, "name"):
        errors["name"] = _length_message(MAX_LENGTHS["name"])
    if _too_long(petitioner.address, "address"):
        errors["address"] = _length_message(MAX_LENGTHS["address"])
    return errors


def _coordinate(value, limit: int) -> Decimal | None:
    """A latitude (limit 90) or longitude (limit 180) rounded to 6 decimals; ValueError when invalid."""
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(value) from exc
    if not number.is_finite() or abs(number) > limit:
        raise ValueError(value)
    return number


def _location_errors(latitude, longitude, location_text: str) -> tuple[dict[str, str], tuple]:
    try:
        position = (_coordinate(latitude, 90), _coordinate(longitude, 180))
    except ValueError:
        return {"latitude": _("The position on the map is not valid.")}, (None, None)
    if (position[0] is None) != (position[1] is None):
        return {"latitude": _("Give both the latitude and the longitude, or neither.")}, (None, None)
    if _too_long(location_text, "location_text"):
        return {"location_text": _length_message(MAX_LENGTHS["location_text"])}, position
    return {}, position


def _signers_error(signers) -> str | None:
    try:
        valid = int(signers) >= 1 and int(signers) == signers
    except (TypeError, ValueError):
        valid = False
    return None if valid else _("At least one person signs a petition.")


def _intake_errors(
    *,
    unit,
    kind,
    channel,
    title,
    content,
    sector,
    signers,
    received_on: date,
    transferred_from: str,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if unit is None or not getattr(unit, "is_active", True):
        errors["unit"] = _("Choose the unit the petition is sent to.")
    if kind not in KINDS:
        errors["kind"] = _("Choose the kind of petition.")
    if channel not in CHANNELS:
        errors["channel"] = _("Unknown channel.")
    if not title:
        errors["title"] = _("Write a short summary of the petition.")
    elif _too_long(title, "title"):
        errors["title"] = _length_message(MAX_LENGTHS["title"])
    if not content:
        errors["content"] = _("Write the content of the petition.")
    if sector is not None and not sector.is_active:
        errors["sector"] = _("This field is no longer used; choose another.")
    if (message := _signers_error(signers)) is not None:
        errors["signers"] = message
    if received_on > _today():
        errors["received_on"] = _("The date cannot be in the future.")
    if channel == Channel.TRANSFERRED_IN and not transferred_from:
        errors["transferred_from"] = _("Name the body that transferred it.")
    elif _too_long(transferred_from, "transferred_from"):
        errors["transferred_from"] = _length_message(MAX_LENGTHS["transferred_from"])
    return errors


def _protect(petition: Petition, petitioner: Petitioner, *, visit: Visit | None = None) -> None:
    ProtectedIdentity.objects.create(
        petition=petition,
        visit=visit,
        unit_id=petition.unit_id,
        ciphertext=confidential.encrypt_identity(petitioner.as_dict()),
    )


def _set_petitioner(petition: Petition, petitioner: Petitioner) -> None:
    petition.phone_digest = confidential.phone_digest(petitioner.phone)
    petition.email_digest = confidential.email_digest(petitioner.email)
    if not petition.is_confidential:
        petition.petitioner_name = petitioner.name
        petition.petitioner_address = petitioner.address
        petition.petitioner_phone = petitioner.phone
        petition.petitioner_email = petitioner.email


def _identity_on_row(petition: Petition) -> Petitioner:
    return Petitioner(
        name=petition.petitioner_name,
        address=petition.petitioner_address,
        phone=petition.petitioner_phone,
        email=petition.petitioner_email,
    )


def _clear_identity_on_row(petition: Petition) -> None:
    petition.petitioner_name = petition.petitioner_address = ""
    petition.petitioner_phone = petition.petitioner_email = ""


def _initial_due(petition: Petition) -> None:
    petition.due_on = legal.acceptance_due(
        petition.kind, petition.received_on, petition.unit, several_sites=petition.several_sites
    )
    petition.due_kind = DueKind.CLASSIFICATION


def _save_with_tracking_code(petition: Petition) -> None:
    for _attempt in range(5):
        petition.tracking_code = new_tracking_code()
        try:
            with transaction.atomic():
                petition.save()
            return
        except IntegrityError:
            if Petition.objects.filter(tracking_code=petition.tracking_code).exists():
                continue
            raise
    raise RuntimeError("could not draw a free tracking code")


@dataclass(frozen=True)
class Intake:
    """A petition's filing, checked and normalised, not yet saved (see `check_intake`)."""

    unit: object
    kind: str
    channel: str
    title: str
    content: str
    petitioner: Petitioner
    anonymous: bool
    confidential: bool
    sector: Sector | None
    location_text: str
    latitude: Decimal | None
    longitude: Decimal | None
    signers: int
    received_on: date
    transferred_from: str

    def as_payload(self) -> dict:
        """What a queued petition keeps (encrypted) until it is registered."""
        return {
            "unit": self.unit.pk,
            "kind": self.kind,
            "channel": self.channel,
            "title": self.title,
            "content": self.content,
            "petitioner": self.petitioner.as_dict(),
            "anonymous": self.anonymous,
            "confidential": self.confidential,
            "sector": self.sector.pk if self.sector else None,
            "location_text": self.location_text,
            "latitude": str(self.latitude) if self.latitude is not None else None,
            "longitude": str(self.longitude) if self.longitude is not None else None,
            "signers": self.signers,
            "received_on": self.received_on.isoformat(),
            "transferred_from": self.transferred_from,
        }

    @classmethod
    def from_payload(cls, payload: dict, *, unit) -> "Intake":
        """The filing as it was checked on receipt: a field made inactive since is kept as filed."""
        sector = Sector.objects.filter(pk=payload["sector"]).first() if payload["sector"] else None
        return cls(
            unit=unit,
            kind=payload["kind"],
            channel=payload["channel"],
            title=payload["title"],
            content=payload["content"],
            petitioner=Petitioner.from_dict(payload["petitioner"]),
            anonymous=payload["anonymous"],
            confidential=payload["confidential"],
            sector=sector,
            location_text=payload["location_text"],
            latitude=Decimal(payload["latitude"]) if payload["latitude"] is not None else None,
            longitude=Decimal(payload["longitude"]) if payload["longitude"] is not None else None,
            signers=payload["signers"],
            received_on=date.fromisoformat(payload["received_on"]),
            transferred_from=payload["transferred_from"],
        )


def check_intake(
    *,
    unit,
    kind: str,
    channel: str,
    title: str,
    content: str,
    petitioner: Petitioner | dict | None = None,
    confidential_identity: bool = False,
    anonymous: bool = False,
    sector: Sector | None = None,
    location_text: str = "",
    latitude=None,
    longitude=None,
    signers: int = 1,
    received_on: date | None = None,
    transferred_from: str = "",
) -> Intake:
    """Normalise a filing and report every bad field at once, next to its field (ValidationError); writes
    nothing. A denunciation's identity is always kept confidential (Luật Tố cáo Art. 9.1.b, 47.2); any
    petitioner may ask for the same."""
    petitioner = Petitioner() if anonymous else _clean_petitioner(petitioner)
    title, content = normalize_text(title), normalize_text(content)
    location_text, transferred_from = normalize_text(location_text), normalize_text(transferred_from)
    received_on = received_on or _today()
    errors = _intake_errors(
        unit=unit,
        kind=kind,
        channel=channel,
        title=title,
        content=content,
        sector=sector,
        signers=signers,
        received_on=received_on,
        transferred_from=transferred_from,
    )
    errors.update(_petitioner_errors(petitioner, channel=channel, anonymous=anonymous))
    location_errors, (latitude, longitude) = _location_errors(latitude, longitude, location_text)
    errors.update(location_errors)
    if errors:
        raise ValidationError(errors)
    return Intake(
        unit=unit,
        kind=kind,
        channel=channel,
        title=title,
        content=content,
        petitioner=petitioner,
        anonymous=anonymous,
        confidential=not anonymous and (confidential_identity or kind == Kind.DENUNCIATION),
        sector=sector,
        location_text=location_text,
        latitude=latitude,
        longitude=longitude,
        signers=int(signers),
        received_on=received_on,
        transferred_from=transferred_from,
    )


def _register(
    intake: Intake, *, actor, attachments: Iterable = (), tracking_code: str = "", queued_at=None
) -> Petition:
    """Save a checked filing as a petition: its event, the ledger entry and the petitioner's notice."""
    petition = Petition(
        unit=intake.unit,
        kind=intake.kind,
        channel=intake.channel,
        sector=intake.sector,
        title=intake.title,
        content=intake.content,
        search_key=search_key(f"{intake.title} {intake.content}"),
        location_text=intake.location_text,
        latitude=intake.latitude,
        longitude=intake.longitude,
        is_anonymous=intake.anonymous,
        is_confidential=intake.confidential,
        signers=intake.signers,
        received_on=intake.received_on,
        transferred_from=intake.transferred_from,
    )
    _set_petitioner(petition, intake.petitioner)
    _initial_due(petition)
    if tracking_code:
        petition.tracking_code = tracking_code
        petition.save()
    else:
        _save_with_tracking_code(petition)
    if petition.is_confidential:
        _protect(petition, intake.petitioner)
    _store_attachments(petition, attachments, actor=actor)
    data = {"channel": intake.channel}
    if queued_at is not None:
        data["queued_at"] = queued_at.isoformat()
    event = _event(petition, "received", actor=actor, from_state="", on=intake.received_on, data=data)
    _record(petition, "received", actor=actor, payload={"kind": intake.kind, "channel": intake.channel})
    _tell_petitioner(petition, event)
    return petition


@transaction.atomic
def submit_petition(*, actor=None, attachments: Iterable = (), **filing) -> Petition:
    """Receive a petition from any channel (the fields are those of `check_intake`). Every bad field is
    reported at once, next to its field, and nothing is written."""
    return _register(check_intake(**filing), actor=actor, attachments=attachments)


# ------------------------------------------------------------------------------------------------ queued intake


def queue_petition(*, actor, **filing) -> QueuedPetition:
    """Acknowledge a petition now and register it shortly after (the API's `Prefer: respond-async`).

    The filing is checked exactly as `submit_petition` checks it, so a petition that is acknowledged is one
    that will be registered; the row, with the filing encrypted, is committed before the caller answers. The
    deadlines count from the day received, which the row keeps. `tasks.register_queued_petitions` is
    enqueued after the commit (at most once every few seconds while rows keep arriving; a periodic run
    catches anything left)."""
    return queue_intake(check_intake(**filing), actor_id=getattr(_user(actor), "pk", None))


def queue_intake(intake: Intake, *, actor_id: int | None, claim=None, answer=None) -> QueuedPetition:
    """Queue a filing `check_intake` has passed: one INSERT (with `claim`, an `Idempotency-Key`, the same
    statement stores `answer(queued)`, the response a retry gets; see core.idempotency.insert_with_answer).
    IntegrityError when the key was taken meanwhile: nothing is written then."""
    for _attempt in range(5):
        queued = _queued_row(intake, actor_id=actor_id, received_at=timezone.now())
        try:
            insert_with_answer(queued, claim, answer(queued) if claim is not None else None)
        except IntegrityError:
            if QueuedPetition.objects.filter(tracking_code=queued.tracking_code).exists():
                continue
            raise
        transaction.on_commit(_wake_registration)
        return queued
    raise RuntimeError("could not draw a free tracking code")


class BatchErrors(ValidationError):
    """The bad filings of a batch, by position (`by_position[i]` is filing i's ValidationError)."""

    def __init__(self, by_position: dict[int, ValidationError]):
        super().__init__(_("Some petitions of the batch are not valid; none of them was queued."))
        self.by_position = by_position


def queue_petitions(*, actor, filings: Iterable[dict]) -> list[QueuedPetition]:
    """Queue an integration's batch of filings (the fields of each are those of `check_intake`): each is
    checked exactly as `queue_petition` checks it, every bad filing is reported at once by its position
    (BatchErrors) and nothing is queued unless all pass. The rows are written by one INSERT."""
    intakes, errors = [], {}
    for position, filing in enumerate(filings):
        try:
            intakes.append(check_intake(**filing))
        except ValidationError as error:
            errors[position] = error
    if errors:
        raise BatchErrors(errors)
    return queue_intakes(intakes, actor_id=getattr(_user(actor), "pk", None))


def queue_intakes(intakes: list[Intake], *, actor_id: int | None) -> list[QueuedPetition]:
    """Queue filings `check_intake` has passed, in one INSERT (in a savepoint: a tracking code drawn twice
    only redraws the batch's codes)."""
    received_at = timezone.now()
    for _attempt in range(5):
        rows = [_queued_row(intake, actor_id=actor_id, received_at=received_at) for intake in intakes]
        try:
            with transaction.atomic():
                QueuedPetition.objects.bulk_create(rows)
        except IntegrityError:
            codes = [row.tracking_code for row in rows]
            if (
                len(set(codes)) < len(codes)
                or QueuedPetition.objects.filter(tracking_code__in=codes).exists()
            ):
                continue
            raise
        transaction.on_commit(_wake_registration)
        return rows
    raise RuntimeError("could not draw free tracking codes")


def _queued_row(intake: Intake, *, actor_id: int | None, received_at) -> QueuedPetition:
    """A filing's queue row, with the filing encrypted and only digests of the petitioner's contacts."""
    return QueuedPetition(
        unit_id=intake.unit.pk,
        tracking_code=new_tracking_code(queued=True),
        kind=intake.kind,
        channel=intake.channel,
        received_at=received_at,
        received_on=intake.received_on,
        actor_id=actor_id,
        payload=confidential.encrypt_payload(intake.as_payload()),
        phone_digest=confidential.phone_digest(intake.petitioner.phone),
        email_digest=confidential.email_digest(intake.petitioner.email),
        is_anonymous=intake.anonymous,
    )


def _wake_registration() -> None:
    from dancoso.petitions import tasks  # tasks import services: import here, not above

    tasks.wake_registration()


def _register_queued(queued: QueuedPetition) -> Petition:
    payload = confidential.decrypt_payload(queued.payload)
    intake = Intake.from_payload(payload, unit=queued.unit)
    petition = _register(
        intake, actor=queued.actor, tracking_code=queued.tracking_code, queued_at=queued.received_at
    )
    queued.status, queued.petition, queued.registered_at = (
        QueuedPetition.Status.REGISTERED,
        petition,
        timezone.now(),
    )
    queued.payload, queued.last_error = b"", ""
    queued.save(update_fields=["status", "petition", "registered_at", "payload", "last_error"])
    return petition


def _note_failure(queued: QueuedPetition, error: Exception) -> None:
    """Keep the row pending for the next run; the message names the error's type only (no filed content)."""
    QueuedPetition.objects.filter(pk=queued.pk).update(
        attempts=F("attempts") + 1, last_error=type(error).__name__[:300]
    )


def register_queued_petitions(*, batch: int = 100) -> dict[str, int]:
    """Register pending queued petitions, oldest first, each in its own transaction, until none is left.
    Rows another worker holds are skipped (SKIP LOCKED); a row that fails stays pending and is counted, so
    nothing acknowledged is dropped. Returns {"registered": n, "failed": m}."""
    counts = {"registered": 0, "failed": 0}
    failed: set[int] = set()
    while True:
        ids = list(
            QueuedPetition.objects.filter(status=QueuedPetition.Status.PENDING)
            .exclude(pk__in=failed)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return counts
        for pk in ids:
            try:
                with transaction.atomic():
                    queued = (
                        QueuedPetition.objects.select_for_update(skip_locked=True, of=("self",))
                        .select_related("unit", "actor")
                        .filter(pk=pk, status=QueuedPetition.Status.PENDING)
                        .first()
                    )
                    if queued is None:
                        continue
                    _register_queued(queued)
                counts["registered"] += 1
            except Exception as error:  # the row stays pending and the next run retries it
                logger.exception("queued petition %s could not be registered", pk)
                _note_failure(QueuedPetition(pk=pk), error)
                failed.add(pk)
                counts["failed"] += 1


# ------------------------------------------------------------------------------------------------ workflow


def _forget_contact_in_outbox(petition: Petition) -> None:
    """Messages sent before the identity was protected held the petitioner's contact: redact it there too,
    and cancel those not yet sent."""
    messages = Notification.objects.filter(dedupe_key__startswith=_petition_notification_prefix(petition))
    messages.filter(status=Notification.Status.PENDING).update(
        status=Notification.Status.FAILED, last_error="cancelled: the petitioner's identity is now protected"
    )
    messages.update(recipient=REDACTED)


def _move_identity_to_protected(petition: Petition) -> None:
    _protect(petition, _identity_on_row(petition))
    petition.is_confidential = True
    _clear_identity_on_row(petition)
    _forget_contact_in_outbox(petition)


def _apply_classification(petition: Petition, **values) -> None:
    if values["kind"] is not None:
        _require(values["kind"] in KINDS, _("Choose the kind of petition."), "kind")
        petition.kind = values["kind"]
    if values["complexity"] is not None:
        _require(values["complexity"] in Complexity.values, _("Unknown complexity."), "complexity")
        petition.complexity = values["complexity"]
    if values["several_sites"] is not None:
        petition.several_sites = values["several_sites"]
    if values["signers"] is not None:
        message = _signers_error(values["signers"])
        _require(message is None, message or "", "signers")
        petition.signers = int(values["signers"])
    if values["sector"] is not None:
        _require(values["sector"].is_active, _("This field is no longer used; choose another."), "sector")
        petition.sector = values["sector"]
    petition.is_eligible = values["is_eligible"]
    petition.within_competence = values["within_competence"]
    petition.has_originals = values["has_originals"]


def _apply_filing_limit(petition: Petition, *, decision_known_on: date | None, obstacle_days: int) -> None:
    """Luật Khiếu nại Art. 9 and 11: a complaint filed after the 90 days (obstacle days not counted) is not
    eligible. The date the decision was known is recorded when given; an eligible complaint past the limit is
    refused with the last day, so the officer records the obstacles or marks it not eligible."""
    _require(
        isinstance(obstacle_days, int) and 0 <= obstacle_days <= 3650,
        _("Days of obstacles: a whole number, 0 or more."),
        "obstacle_days",
    )
    if decision_known_on is None:
        return
    _date_not_in_future(decision_known_on, "decision_known_on")
    _require(
        decision_known_on <= petition.received_on,
        _("The decision must have been known on or before the day the complaint was received."),
        "decision_known_on",
    )
    petition.decision_known_on, petition.obstacle_days = decision_known_on, obstacle_days
    if petition.kind != Kind.COMPLAINT or not petition.is_eligible:
        return
    last_day = legal.filing_deadline(decision_known_on, petition.unit, obstacle_days=obstacle_days)
    _require(
        petition.received_on <= last_day,
        _(
            "The time to complain ended on %(date)s (90 days, Luật Khiếu nại Art. 9): record the days of "
            "obstacles that justify the delay, or mark the complaint not eligible."
        )
        % {"date": f"{last_day:%d/%m/%Y}"},
        "decision_known_on",
    )


def _filing_limit_data(petition: Petition) -> dict:
    if petition.decision_known_on is None:
        return {}
    return {
        "decision_known_on": petition.decision_known_on.isoformat(),
        "obstacle_days": petition.obstacle_days,
    }


def _not_process_anonymous_denunciation(petition: Petition, *, actor, from_state, note, refer) -> Petition:
    """Luật Tố cáo 2018 Art. 25: anonymous or pseudonymous information is not processed as a denunciation; if
    it is specific and evidenced it may go on to inspection."""
    with override("vi"):
        petition.state_reason = str(legal.ANONYMOUS_DENUNCIATION_REASON)
    petition.state = State.NOT_PROCESSED
    petition.due_on, petition.due_kind = None, ""
    _step(
        petition,
        "not_process",
        actor=actor,
        from_state=from_state,
        reason=petition.state_reason,
        data={"anonymous_denunciation": True, "refer_for_inspection": refer, "note": note},
        payload={"anonymous_denunciation": True, "refer_for_inspection": refer},
    )
    return petition


def _due_after_classification(petition: Petition) -> None:
    if petition.kind == Kind.MIXED:
        _initial_due(petition)  # stays on the classification deadline until it is split
    elif petition.within_competence is False:
        petition.due_on = legal.forwarding_due(petition.received_on, petition.unit)
        petition.due_kind = DueKind.FORWARDING
    else:
        _initial_due(petition)


@transaction.atomic
def classify_petition(
    petition: Petition,
    *,
    actor,
    kind: str | None = None,
    sector: Sector | None = None,
    is_eligible: bool,
    within_competence: bool,
    has_originals: bool | None = None,
    signers: int | None = None,
    complexity: str | None = None,
    several_sites: bool | None = None,
    note: str = "",
    refer_for_inspection: bool = False,
    decision_known_on: date | None = None,
    obstacle_days: int = 0,
) -> Petition:
    """Classify per TT 05/2021/TT-TTCP (as TT 07/2014 Art. 6): content, eligibility, competence, signers,
    originals. The deadline becomes the acceptance period of the kind (or 5 working days to forward a
    petition outside our competence).

    A petition reclassified as a denunciation has its identity moved to the encrypted table at once (Luật
    Tố cáo Art. 9.1.b). An anonymous denunciation is not processed as one (Art. 25): classifying it closes it
    as not processed, noting whether its content goes on to inspection.
    """
    petition = _locked(petition)
    _check_transition(petition, "classify")
    from_state, note = petition.state, normalize_text(note)
    _apply_classification(
        petition,
        kind=kind,
        sector=sector,
        is_eligible=is_eligible,
        within_competence=within_competence,
        has_originals=has_originals,
        signers=signers,
        complexity=complexity,
        several_sites=several_sites,
    )
    _apply_filing_limit(petition, decision_known_on=decision_known_on, obstacle_days=obstacle_days)
    if petition.kind == Kind.DENUNCIATION and petition.is_anonymous:
        return _not_process_anonymous_denunciation(
            petition, actor=actor, from_state=from_state, note=note, refer=refer_for_inspection
        )
    protect = petition.kind == Kind.DENUNCIATION and not petition.is_confidential
    if protect:
        _move_identity_to_protected(petition)
    petition.state = State.CLASSIFIED
    _due_after_classification(petition)
    _step(
        petition,
        "classify",
        actor=actor,
        from_state=from_state,
        reason=note,
        data={
            "kind": petition.kind,
            "sector": petition.sector_id,
            "eligible": is_eligible,
            "within_competence": within_competence,
            "has_originals": has_originals,
            "signers": petition.signers,
            "many_signers": petition.signers >= legal.MANY_SIGNERS,
            "complexity": petition.complexity,
            "several_sites": petition.several_sites,
            "identity_protected": protect,
            **_filing_limit_data(petition),
        },
        payload={"kind": petition.kind, "identity_protected": protect},
    )
    return petition


def _check_part(part: dict) -> None:
    kind = part.get("kind")
    _require(kind in KINDS and kind != Kind.MIXED, _("Each part needs its kind."), "parts")


def _split_part(petition: Petition, part: dict, *, is_confidential: bool) -> Petition:
    kind = part["kind"]
    title = normalize_text(part.get("title") or "")
    _require(bool(title), _("Each part needs a summary."), "parts")
    _require(not _too_long(title, "title"), _length_message(MAX_LENGTHS["title"]), "parts")
    content = normalize_text(part.get("content") or "") or title
    child = Petition(
        unit=petition.unit,
        kind=kind,
        channel=petition.channel,
        sector=part.get("sector") or petition.sector,
        title=title,
        content=content,
        search_key=search_key(f"{title} {content}"),
        location_text=petition.location_text,
        latitude=petition.latitude,
        longitude=petition.longitude,
        is_anonymous=petition.is_anonymous,
        is_confidential=is_confidential,
        phone_digest=petition.phone_digest,
        email_digest=petition.email_digest,
        signers=petition.signers,
        received_on=petition.received_on,
        transferred_from=petition.transferred_from,
        split_from=petition,
        handler=petition.handler,
    )
    if not child.is_confidential:
        child.petitioner_name = petition.petitioner_name
        child.petitioner_address = petition.petitioner_address
        child.petitioner_phone = petition.petitioner_phone
        child.petitioner_email = petition.petitioner_email
    _initial_due(child)
    return child


@transaction.atomic
def split_petition(petition: Petition, *, actor, parts: list[dict]) -> list[Petition]:
    """Split a letter with several contents into parts, each handled by its own rule (Luật Tiếp công dân
    Art. 25.3; TT 05/2021 "nhiều nội dung"). Each part keeps the letter's dates, petitioner and channel and
    gets its own tracking code. The letter itself is no longer counted: its parts are.

    When one part is a denunciation, the letter and all its parts keep the identity encrypted: the parts
    point to the same letter, so a name left on a sibling would reveal the denouncer (Luật Tố cáo Art. 9.1.b).
    """
    petition = _locked(petition)
    _check_transition(petition, "split")
    _require(len(parts) >= 2, _("A letter is split into at least two parts."), "parts")
    for part in parts:
        _check_part(part)
    has_denunciation = any(part["kind"] == Kind.DENUNCIATION for part in parts)
    protect_all = petition.is_confidential or (has_denunciation and not petition.is_anonymous)
    identity = _petitioner_of(petition)
    children = [_split_part(petition, part, is_confidential=protect_all) for part in parts]
    for child in children:
        _save_with_tracking_code(child)
        if child.is_confidential:
            _protect(child, identity)
        _event(
            child,
            "received",
            actor=actor,
            from_state="",
            on=child.received_on,
            data={"split_from": petition.pk},
        )
        _record(
            child, "received", actor=actor, payload={"kind": child.kind, "split_from": petition.tracking_code}
        )
    codes = [child.tracking_code for child in children]
    if protect_all and not petition.is_confidential:
        _move_identity_to_protected(petition)
    from_state = petition.state
    petition.state = State.SPLIT
    petition.due_on, petition.due_kind = None, ""
    _step(
        petition, "split", actor=actor, from_state=from_state, data={"parts": codes}, payload={"parts": codes}
    )
    return children


def _petitioner_of(petition: Petition) -> Petitioner:
    """The petitioner, decrypted if protected. Only for copying it to a derived case, never for display."""
    if petition.is_confidential:
        protected = ProtectedIdentity.objects.filter(petition=petition).first()
        return (
            Petitioner()
            if protected is None
            else Petitioner.from_dict(confidential.decrypt_identity(protected.ciphertext))
        )
    return _identity_on_row(petition)


@transaction.atomic
def link_repeat(petition: Petition, *, actor, earlier: Petition, note: str = "") -> Petition:
    """Follow a repeated petition through the earlier one of the same unit: it is counted once (TT 05/2021 on
    repeated letters)."""
    petition = _locked(petition)
    _check_transition(petition, "link_repeat")
    earlier = Petition.objects.select_for_update().get(pk=earlier.pk)
    _require(earlier.pk != petition.pk, _("A petition cannot repeat itself."), "earlier")
    _require(
        earlier.state not in (State.SPLIT, State.LINKED),
        _("Link to the petition that is being followed, not to a split letter or another repeat."),
        "earlier",
    )
    _require(
        earlier.unit_id == petition.unit_id,
        _("A repeat is linked to an earlier petition of the same unit."),
        "earlier",
    )
    _require(
        earlier.received_on <= petition.received_on,
        _("The earlier petition must have been received first."),
        "earlier",
    )
    from_state = petition.state
    petition.linked_to = earlier
    petition.state = State.LINKED
    petition.due_on, petition.due_kind = None, ""
    _step(
        petition,
        "link_repeat",
        actor=actor,
        from_state=from_state,
        reason=normalize_text(note),
        data={"earlier": earlier.tracking_code},
        payload={"earlier": earlier.tracking_code},
    )
    _event(
        earlier,
        "repeat_received",
        actor=actor,
        from_state=earlier.state,
        data={"repeat": petition.tracking_code},
        is_public=False,
    )
    return petition


@transaction.atomic
def accept_petition(
    petition: Petition, *, actor, accepted_on: date | None = None, note: str = ""
) -> Petition:
    """Thụ lý: from then on the resolution period runs (Luật Khiếu nại Art. 27–28, 36–37; Luật Tố cáo Art. 24,
    30). Only a classified, eligible petition within our competence, with a named petitioner for complaints
    and denunciations (TT 05/2021: name, address, signature), is accepted."""
    petition = _locked(petition)
    _check_transition(petition, "accept")
    _require(
        petition.kind != Kind.MIXED, _("Split a letter with several contents before accepting its parts.")
    )
    _require(petition.is_eligible is True, _("Only an eligible petition can be accepted."))
    _require(
        petition.within_competence is True,
        _("This petition is outside our competence: transfer it or guide the petitioner instead."),
    )
    _require(
        not (petition.is_anonymous and petition.kind in (Kind.COMPLAINT, Kind.DENUNCIATION)),
        _("A complaint or denunciation without the sender's name cannot be accepted."),
    )
    accepted_on = _date_not_in_future(accepted_on or _today(), "accepted_on")
    _date_not_before(
        accepted_on, petition.received_on, _("It cannot be accepted before it was received."), "accepted_on"
    )
    late = petition.due_on is not None and accepted_on > petition.due_on
    from_state = petition.state
    petition.state = State.ACCEPTED
    petition.accepted_on = accepted_on
    petition.resolution_due = legal.resolution_due(
        petition.kind, accepted_on, petition.unit, instance=petition.instance, complexity=petition.complexity
    )
    petition.due_on, petition.due_kind = petition.resolution_due, DueKind.RESOLUTION
    _step(
        petition,
        "accept",
        actor=actor,
        from_state=from_state,
        on=accepted_on,
        reason=normalize_text(note),
        data={"late": late},
        payload={"resolution_due": petition.resolution_due.isoformat(), "late": late},
    )
    return petition


def _conclude_intake(petition, action, *, actor, state, reason, data, on=None, payload=None) -> Petition:
    from_state = petition.state
    petition.state = state
    petition.state_reason = reason
    petition.due_on, petition.due_kind = None, ""
    _step(
        petition, action, actor=actor, from_state=from_state, on=on, reason=reason, data=data, payload=payload
    )
    return petition


def _require_outside_competence(petition: Petition) -> None:
    _require(
        petition.within_competence is not True,
        _("This petition was classified as within our competence: accept it, or classify it again."),
    )


def _to_body(value: str, message: str) -> str:
    value = normalize_text(value)
    _require(bool(value), message, "to_body")
    _require(not _too_long(value, "to_body"), _length_message(MAX_LENGTHS["to_body"]), "to_body")
    return value


@transaction.atomic
def transfer_petition(
    petition: Petition,
    *,
    actor,
    to_body: str,
    letter_number: str = "",
    letter=None,
    note: str = "",
    transferred_on: date | None = None,
) -> Petition:
    """Forward a petition outside our competence to the named competent body, with the transfer letter,
    within 5 working days of receipt (Luật Tố cáo Art. 24; NĐ 20/2008 Art. 9.1.d). A later transfer is
    still recorded, marked late."""
    petition = _locked(petition)
    _check_transition(petition, "transfer")
    _require_outside_competence(petition)
    to_body = _to_body(to_body, _("Name the competent body it is transferred to."))
    letter_number = normalize_text(letter_number)
    _require(
        bool(letter_number or letter), _("Give the transfer letter's number or attach it."), "letter_number"
    )
    transferred_on = _date_not_in_future(transferred_on or _today(), "transferred_on")
    _date_not_before(
        transferred_on,
        petition.received_on,
        _("It cannot be transferred before it was received."),
        "transferred_on",
    )
    if letter is not None:
        _store_attachments(petition, [letter], actor=actor)
    late = transferred_on > legal.forwarding_due(petition.received_on, petition.unit)
    petition.transferred_to = to_body
    return _conclude_intake(
        petition,
        "transfer",
        actor=actor,
        state=State.TRANSFERRED,
        reason=normalize_text(note),
        on=transferred_on,
        data={"to_body": to_body, "letter_number": letter_number, "late": late},
        payload={"to_body": to_body, "late": late},
    )


@transaction.atomic
def guide_petitioner(petition: Petition, *, actor, to_body: str, guidance: str) -> Petition:
    """Tell the petitioner in writing which body is competent (hướng dẫn), e.g. for a complaint outside
    our competence (TT 05/2021)."""
    petition = _locked(petition)
    _check_transition(petition, "guide")
    _require_outside_competence(petition)
    to_body = _to_body(to_body, _("Name the competent body."))
    guidance = normalize_text(guidance)
    _require(bool(guidance), _("Write the guidance given to the petitioner."), "guidance")
    petition.transferred_to = to_body
    return _conclude_intake(
        petition,
        "guide",
        actor=actor,
        state=State.GUIDED,
        reason=guidance,
        data={"to_body": to_body},
        payload={"to_body": to_body},
    )


@transaction.atomic
def not_process_petition(
    petition: Petition, *, actor, reason: str, refer_for_inspection: bool = False
) -> Petition:
    """Keep without processing (lưu đơn): ineligible, already sent to the competent body, guided before…"""
    petition = _locked(petition)
    _check_transition(petition, "not_process")
    reason = normalize_text(reason)
    _require(bool(reason), _("Give the reason it is not processed."), "reason")
    return _conclude_intake(
        petition,
        "not_process",
        actor=actor,
        state=State.NOT_PROCESSED,
        reason=reason,
        data={"refer_for_inspection": refer_for_inspection},
        payload={"refer_for_inspection": refer_for_inspection},
    )


@transaction.atomic
def start_verification(petition: Petition, *, actor, note: str = "") -> Petition:
    """The handler starts verifying (xác minh) an accepted petition; the deadline does not change."""
    petition = _locked(petition)
    _check_transition(petition, "start_verification")
    from_state = petition.state
    petition.state = State.VERIFYING
    _step(petition, "start_verification", actor=actor, from_state=from_state, reason=normalize_text(note))
    return petition


def _extend_denunciation(petition: Petition, complexity: str, decision_number: str) -> None:
    """Luật Tố cáo Art. 30.1: complex once, particularly complex twice, each by up to 30 days, decided in
    writing. The case never becomes simpler than it was found to be."""
    if petition.complexity == Complexity.VERY_COMPLEX:
        complexity = Complexity.VERY_COMPLEX
    allowed = legal.max_extensions(petition.kind, complexity)
    _require(
        petition.extensions < allowed,
        _("The law allows no further extension for this denunciation (at most %(n)d).") % {"n": allowed},
    )
    _require(
        bool(decision_number),
        _("An extension is decided in writing: give the decision's number."),
        "decision_number",
    )
    petition.complexity = complexity
    petition.resolution_due = legal.extended_due(
        petition.resolution_due, petition.unit, rule_date=petition.accepted_on
    )


def _extend_complaint(petition: Petition, complexity: str) -> None:
    """Luật Khiếu nại Art. 28, 37: a complex case has the longer period, counted from acceptance."""
    _require(
        petition.complexity == Complexity.NORMAL,
        _("This complaint already has the period for complex cases; it cannot be extended again."),
    )
    petition.complexity = complexity
    petition.resolution_due = legal.resolution_due(
        petition.kind,
        petition.accepted_on,
        petition.unit,
        instance=petition.instance,
        complexity=complexity,
    )


@transaction.atomic
def extend_deadline(
    petition: Petition, *, actor, reason: str, complexity: str, decision_number: str = ""
) -> Petition:
    """Extend where the law allows: a denunciation once if complex, twice if particularly complex, each by up
    to 30 days (Luật Tố cáo Art. 30.1); a complaint found complex gets the longer period (Luật Khiếu nại
    Art. 28, 37). Recommendations and reports have no statutory extension."""
    petition = _locked(petition)
    _check_transition(petition, "extend")
    reason, decision_number = normalize_text(reason), normalize_text(decision_number)
    _require(bool(reason), _("Give the reason for the extension."), "reason")
    _require(
        complexity in (Complexity.COMPLEX, Complexity.VERY_COMPLEX),
        _("Say how complex the case is."),
        "complexity",
    )
    _require(
        not _too_long(decision_number, "decision_number"),
        _length_message(MAX_LENGTHS["decision_number"]),
        "decision_number",
    )
    if petition.kind == Kind.DENUNCIATION:
        _extend_denunciation(petition, complexity, decision_number)
    elif petition.kind == Kind.COMPLAINT:
        _extend_complaint(petition, complexity)
    else:
        raise ValidationError(_("The law provides no extension for recommendations and reports."))
    from_state = petition.state
    petition.extensions += 1
    petition.due_on = petition.resolution_due
    _step(
        petition,
        "extend",
        actor=actor,
        from_state=from_state,
        reason=reason,
        data={"decision_number": decision_number, "extension": petition.extensions},
        payload={"resolution_due": petition.resolution_due.isoformat(), "extension": petition.extensions},
    )
    return petition


@transaction.atomic
def resolve_petition(
    petition: Petition,
    *,
    actor,
    outcome: str,
    decision_number: str = "",
    resolved_on: date | None = None,
    document=None,
) -> Petition:
    """Record the decision (complaints: quyết định giải quyết; denunciations: kết luận nội dung tố cáo) or the
    answer (recommendations, reports). Resolved after the deadline is recorded as late."""
    petition = _locked(petition)
    _check_transition(petition, "resolve")
    outcome, decision_number = normalize_text(outcome), normalize_text(decision_number)
    _require(bool(outcome), _("Write the answer or the decision's conclusion."), "outcome")
    if petition.kind in (Kind.COMPLAINT, Kind.DENUNCIATION):
        _require(
            bool(decision_number), _("Give the number of the decision or conclusion."), "decision_number"
        )
    _require(
        not _too_long(decision_number, "decision_number"),
        _length_message(MAX_LENGTHS["decision_number"]),
        "decision_number",
    )
    resolved_on = _date_not_in_future(resolved_on or _today(), "resolved_on")
    _date_not_before(
        resolved_on, petition.accepted_on, _("It cannot be resolved before it was accepted."), "resolved_on"
    )
    if document is not None:
        _store_attachments(petition, [document], actor=actor)
    from_state = petition.state
    petition.state = State.RESOLVED
    petition.outcome = outcome
    petition.decision_number = decision_number
    petition.resolved_on = resolved_on
    petition.resolved_late = petition.resolution_due is not None and resolved_on > petition.resolution_due
    petition.due_on, petition.due_kind = None, ""
    _step(
        petition,
        "resolve",
        actor=actor,
        from_state=from_state,
        on=resolved_on,
        data={"decision_number": decision_number, "late": petition.resolved_late},
        payload={"late": petition.resolved_late},
    )
    return petition


@transaction.atomic
def close_petition(petition: Petition, *, actor, note: str = "") -> Petition:
    """File a resolved case (lập, quản lý hồ sơ): nothing is left to do."""
    petition = _locked(petition)
    _check_transition(petition, "close")
    from_state = petition.state
    petition.state = State.CLOSED
    petition.closed_on = _today()
    _step(petition, "close", actor=actor, from_state=from_state, reason=normalize_text(note))
    return petition


@transaction.atomic
def withdraw_petition(
    petition: Petition, *, actor, reason: str, withdrawn_on: date | None = None
) -> Petition:
    """The petitioner withdraws (Luật Khiếu nại Art. 10; Luật Tố cáo Art. 33; Luật 136/2025), from any open
    state. (A denunciation showing signs of a violation is still looked into, Luật Tố cáo Art. 33: the
    handler opens that as a new case.)"""
    petition = _locked(petition)
    _check_transition(petition, "withdraw")
    reason = normalize_text(reason)
    _require(bool(reason), _("Note how the petitioner withdrew (letter, statement)."), "reason")
    withdrawn_on = _date_not_in_future(withdrawn_on or _today(), "withdrawn_on")
    _date_not_before(
        withdrawn_on,
        petition.received_on,
        _("It cannot be withdrawn before it was received."),
        "withdrawn_on",
    )
    return _conclude_intake(
        petition, "withdraw", actor=actor, state=State.WITHDRAWN, reason=reason, on=withdrawn_on, data={}
    )


def eligible_handlers(petition: Petition):
    """Active users holding a role that may handle petitions in the petition's unit: the choice offered when
    assigning (limiting it also keeps the refusal, which names the user, from revealing other accounts)."""
    unit = petition.unit
    memberships = (
        Membership.objects.current()
        .filter(role__in=sorted(roles_with("petitions.handle_petition")))
        .filter(Q(unit=unit) | Q(covers_subtree=True, unit__path__in=[*unit.ancestor_paths(), unit.path]))
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=memberships.values("user_id"))
        .order_by("full_name", "username")
    )


@transaction.atomic
def assign_handler(petition: Petition, *, actor, handler) -> Petition:
    """Give an open petition to an officer who may handle petitions of its unit."""
    petition = _locked(petition)
    _check_transition(petition, "assign")
    _require(
        handler is not None and handler.is_active and handler.has_perm("petitions.handle_petition", petition),
        _("%(name)s cannot handle petitions of this unit.")
        % {"name": (handler.get_full_name() or handler.get_username()) if handler is not None else "—"},
        "handler",
    )
    petition.handler = handler
    _step(
        petition,
        "assign",
        actor=actor,
        from_state=petition.state,
        data={"handler": handler.pk},
        payload={"handler": handler.pk},
    )
    return petition


# ------------------------------------------------------------------------------------------------ appeals


def appeal_deadline_for(original: Petition) -> date | None:
    """Last day for a second complaint: counted from the first decision, or from the day the first-instance
    deadline lapsed without one (Luật Khiếu nại Art. 33: 30 days, 45 in remote areas)."""
    if original.kind != Kind.COMPLAINT or original.instance != 1:
        return None
    if original.resolved_on is not None:
        return legal.appeal_deadline(original.resolved_on, original.unit)
    if original.state in OPEN_STATES and original.resolution_due is not None:
        return legal.appeal_deadline(original.resolution_due, original.unit)
    return None


def _check_appeal(original: Petition, *, unit, received_on: date) -> None:
    _require(
        original.kind == Kind.COMPLAINT and original.instance == 1,
        _("Only a first-instance complaint can be appealed."),
    )
    _require(
        not original.appeals.exclude(state=State.WITHDRAWN).exists(),
        _("A second complaint about this case has already been received."),
    )
    lapsed = (
        original.state in OPEN_STATES
        and original.resolution_due is not None
        and received_on > original.resolution_due
    )
    _require(
        original.state in (State.RESOLVED, State.CLOSED) or lapsed,
        _("A second complaint can be brought after the first decision or once its deadline has passed."),
    )
    window_end = appeal_deadline_for(original)
    _require(
        window_end is not None and received_on <= window_end,
        _("The time to bring a second complaint ended on %(date)s (Luật Khiếu nại Art. 33).")
        % {"date": f"{window_end:%d/%m/%Y}" if window_end else "—"},
        "received_on",
    )
    _require(
        unit is not None and unit.pk != original.unit_id,
        _("The second complaint goes to the next level, not to the same body."),
        "unit",
    )
    _require(
        is_superior_body(unit, original.unit),
        _(
            "The second complaint goes to the body above the one that decided first (Luật Khiếu nại Art. 33): "
            "%(unit)s is not above %(first)s."
        )
        % {"unit": unit.name, "first": original.unit.name},
        "unit",
    )


def is_superior_body(unit, first_instance_unit) -> bool:
    """Whether `unit` stands above the first-instance body in the tree (its parent or a higher level)."""
    return first_instance_unit.path.startswith(unit.path) and unit.pk != first_instance_unit.pk


@transaction.atomic
def file_second_complaint(
    original: Petition,
    *,
    actor,
    unit,
    content: str,
    channel: str = Channel.PAPER,
    received_on: date | None = None,
    title: str = "",
) -> Petition:
    """A second-instance complaint (khiếu nại lần hai): a new case at the next level, linked to the first, within
    the appeal window (Luật Khiếu nại Art. 33); it is resolved in 45 days (60 complex; remote 60/70, Art. 37).
    The complainant's identity is copied, and stays protected if it was."""
    original = _locked(original)
    received_on = _date_not_in_future(received_on or _today(), "received_on")
    _check_appeal(original, unit=unit, received_on=received_on)
    appeal = submit_petition(
        unit=unit,
        kind=Kind.COMPLAINT,
        channel=channel,
        title=normalize_text(title)
        or _("Second complaint about %(code)s") % {"code": original.tracking_code},
        content=content,
        actor=actor,
        petitioner=_petitioner_of(original),
        confidential_identity=original.is_confidential,
        sector=original.sector,
        received_on=received_on,
    )
    appeal.instance = 2
    appeal.appeal_of = original
    appeal.save(update_fields=["instance", "appeal_of", "updated_at"])
    _event(
        original,
        "appealed",
        actor=actor,
        from_state=original.state,
        on=received_on,
        data={"appeal": appeal.tracking_code},
        is_public=True,
    )
    _record(original, "appealed", actor=actor, payload={"appeal": appeal.tracking_code})
    return appeal


# ------------------------------------------------------------------------------------------------ identity


def may_reveal_identity(user, target: Petition | Visit) -> bool:
    """Whether `user` may read a protected identity of `target`: the permission held through a role in the
    target's unit (commune leader, province officer). Being a superuser is not enough: only those who resolve
    may know a denouncer (Luật Tố cáo Art. 9.1.b, 47.2, 56)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not user.has_perm("petitions.reveal_identity", target):
        return False
    roles, unit = roles_with("petitions.reveal_identity"), target.unit
    return any(
        membership.role in roles
        and (
            membership.unit_id == unit.pk
            or (membership.covers_subtree and unit.path.startswith(membership.unit.path))
        )
        for membership in current_memberships(user)
    )


@transaction.atomic
def reveal_identity(target: Petition | Visit, *, actor, reason: str) -> dict:
    """Read a protected identity: needs the permission and a reason, and the reading is written to the ledger."""
    if not may_reveal_identity(actor, target):
        raise PermissionDenied(_("You may not see this petitioner's identity."))
    reason = normalize_text(reason)
    _require(bool(reason), _("Give the reason you need to see the identity."), "reason")
    identity = ProtectedIdentity.objects.filter(**{target._meta.model_name: target}).first()
    if identity is None:
        raise ValidationError(_("No protected identity is kept for this record."))
    ledger.record(
        action="petitions.identity_revealed",
        actor=actor,
        obj=target,
        unit=target.unit_id,
        payload={"reason": reason},
    )
    return confidential.decrypt_identity(identity.ciphertext)


@transaction.atomic
def protect_identity(petition: Petition, *, actor, reason: str = "") -> Petition:
    """Move a petitioner's identity into the encrypted table (the petitioner asked for it): the petition's
    columns are cleared and earlier messages to the petitioner no longer show the contact."""
    petition = _locked(petition)
    if petition.is_confidential or petition.is_anonymous:
        return petition
    _move_identity_to_protected(petition)
    _step(petition, "protect_identity", actor=actor, from_state=petition.state, reason=normalize_text(reason))
    return petition


def _rotate_rows(rows, field_name: str, label: str, batch_size: int) -> int:
    model = rows.model
    batch, count = [], 0
    for row in rows.select_for_update().only("pk", field_name).order_by("pk").iterator(chunk_size=batch_size):
        try:
            setattr(row, field_name, confidential.rotate(getattr(row, field_name)))
        except RuntimeError as exc:
            raise RuntimeError(f"{label} #{row.pk} cannot be decrypted with the configured keys.") from exc
        batch.append(row)
        if len(batch) >= batch_size:
            count += model.objects.bulk_update(batch, [field_name])
            batch = []
    if batch:
        count += model.objects.bulk_update(batch, [field_name])
    return count


@transaction.atomic
def rotate_identity_keys(*, actor=None, batch_size: int = 500) -> int:
    """Re-encrypt every protected identity (and every queued petition not yet registered) with the newest key
    of FIELD_ENCRYPTION_KEYS (put the new key in front, run this, then drop the old key). All rows or none;
    one ledger entry with the count."""
    count = _rotate_rows(ProtectedIdentity.objects.all(), "ciphertext", "Protected identity", batch_size)
    pending = QueuedPetition.objects.filter(status=QueuedPetition.Status.PENDING)
    count += _rotate_rows(pending, "payload", "Queued petition", batch_size)
    ledger.record(action="petitions.rotate_identity_keys", actor=_user(actor), payload={"rows": count})
    return count


# ------------------------------------------------------------------------------------------------ deadlines


def _reminder_kind(petition: Petition, today: date, horizons: dict) -> str | None:
    """ "overdue" once the deadline has passed, "reminder" from 3 working days before it (in the unit's own
    calendar), else None."""
    if petition.due_on < today:
        return "overdue"
    if petition.unit_id not in horizons:
        horizons[petition.unit_id] = calendar.add_working_days(today, REMINDER_WORKING_DAYS, petition.unit)
    return "reminder" if petition.due_on <= horizons[petition.unit_id] else None


def _reminder_text(petition: Petition, kind: str) -> tuple[str, str]:
    with override("vi"):
        subject = (
            _("Overdue: petition %(code)s was due on %(date)s")
            if kind == "overdue"
            else _("Due soon: petition %(code)s is due on %(date)s")
        ) % {"code": petition.tracking_code, "date": f"{petition.due_on:%d/%m/%Y}"}
        body = _("%(title)s\nDeadline: %(what)s.\n%(unit)s") % {
            "title": petition.title,
            "what": petition.get_due_kind_display(),
            "unit": petition.unit.name,
        }
    return subject, body


# ------------------------------------------------------------------------------------ recomputed deadlines


def expected_deadlines(petition: Petition) -> tuple[date | None, date | None]:
    """(due_on, resolution_due) as the rules and the unit's calendar give them today, from the case's own
    dates: what a petition's stored deadlines should be after an administrator corrects a rule or a holiday
    is added or moved."""
    if petition.due_kind == DueKind.CLASSIFICATION:
        due = legal.acceptance_due(
            petition.kind, petition.received_on, petition.unit, several_sites=petition.several_sites
        )
        return due, petition.resolution_due
    if petition.due_kind == DueKind.FORWARDING:
        return legal.forwarding_due(petition.received_on, petition.unit), petition.resolution_due
    if petition.due_kind != DueKind.RESOLUTION or petition.accepted_on is None:
        return petition.due_on, petition.resolution_due
    complexity = Complexity.NORMAL if petition.kind == Kind.DENUNCIATION else petition.complexity
    resolution = legal.resolution_due(
        petition.kind, petition.accepted_on, petition.unit, instance=petition.instance, complexity=complexity
    )
    if petition.kind == Kind.DENUNCIATION:
        for _extension in range(petition.extensions):
            resolution = legal.extended_due(resolution, petition.unit, rule_date=petition.accepted_on)
    return resolution, resolution


def _recompute_one(petition: Petition, *, actor, reason: str) -> bool:
    if expected_deadlines(petition) == (petition.due_on, petition.resolution_due):
        return False  # the common case: no lock, no write
    with transaction.atomic():
        petition = _locked(petition)
        if petition.state not in OPEN_STATES or petition.due_on is None:
            return False
        due_on, resolution_due = expected_deadlines(petition)
        if (due_on, resolution_due) == (petition.due_on, petition.resolution_due):
            return False
        before = petition.due_on
        petition.due_on, petition.resolution_due = due_on, resolution_due
        _step(
            petition,
            "deadline_recomputed",
            actor=actor,
            from_state=petition.state,
            reason=reason,
            data={"due_before": before.isoformat(), "due_after": due_on.isoformat()},
            payload={"due_before": before.isoformat(), "due_after": due_on.isoformat()},
        )
        return True


def recompute_open_deadlines(*, actor=None, reason: str, units=None) -> int:
    """Bring the deadlines of open petitions in line with the rules and calendars in force (after a rule is
    corrected or a holiday added or moved). Each changed petition keeps an event with the old and new date
    and a ledger entry; one petition per transaction, so a long run never holds many locks. Returns how
    many changed."""
    petitions = Petition.objects.filter(state__in=OPEN_STATES, due_on__isnull=False).select_related("unit")
    if units is not None:
        petitions = petitions.filter(unit__in=units)
    changed = 0
    for petition in petitions.order_by("pk").iterator(chunk_size=500):
        changed += _recompute_one(petition, actor=actor, reason=reason)
    return changed


def send_deadline_reminders(today: date | None = None) -> dict[str, int]:
    """Daily: tell each handler 3 working days before a deadline and once after it was missed (the first day
    after the last day). Deduplicated per petition, deadline and person, so a rerun or a missed day sends
    nothing twice, and a new deadline (an extension) or a new handler is told again. Returns how many
    messages were queued."""
    today = today or _today()
    # A generous bound (3 working days can span the 9 days of Tết); each unit's calendar then decides.
    bound = calendar.add_working_days(today, REMINDER_WORKING_DAYS) + timedelta(days=14)
    petitions = (
        Petition.objects.open()
        .filter(due_on__isnull=False, due_on__lte=bound)
        .select_related("unit", "handler")
        .order_by("pk")
    )
    counts = {"reminders": 0, "overdue": 0}
    horizons: dict[int, date] = {}
    recipients_of_unit: dict[int, list] = {}
    for petition in petitions.iterator(chunk_size=500):
        kind = _reminder_kind(petition, today, horizons)
        if kind is None:
            continue
        subject, body = _reminder_text(petition, kind)
        for user in _handlers_to_tell(petition, recipients_of_unit):
            key = f"petition-{kind}:{petition.pk}:{petition.due_on.isoformat()}:{user.pk}"
            if Notification.objects.filter(dedupe_key=key).exists():
                continue
            channel, recipient = ("email", user.email) if user.email else ("console", user.get_username())
            notify(
                channel=channel,
                recipient=recipient,
                subject=subject,
                body=body,
                unit=petition.unit_id,
                dedupe_key=key,
            )
            counts["overdue" if kind == "overdue" else "reminders"] += 1
    return counts


def _handlers_to_tell(petition: Petition, cache: dict[int, list]) -> list:
    """The handler; when none is assigned, the officers who may handle petitions in the unit (or, if the unit
    has none, those of the nearest unit above whose role covers it)."""
    if petition.handler is not None and petition.handler.is_active:
        return [petition.handler]
    if petition.unit_id not in cache:
        cache[petition.unit_id] = _unit_handlers(petition.unit)
    return cache[petition.unit_id]


def _unit_handlers(unit) -> list:
    memberships = (
        Membership.objects.current()
        .filter(
            unit__path__in=[*unit.ancestor_paths(), unit.path],
            role__in=roles_with("petitions.handle_petition"),
            user__is_active=True,
        )
        .select_related("user", "unit")
    )
    by_depth: dict[int, dict] = {}
    for membership in memberships:
        if membership.unit_id == unit.pk or membership.covers_subtree:
            by_depth.setdefault(membership.unit.depth, {})[membership.user_id] = membership.user
    if not by_depth:
        return []
    nearest = max(by_depth)
    return sorted(by_depth[nearest].values(), key=lambda user: user.pk)


# ------------------------------------------------------------------------------------------------ settings


@transaction.atomic
def save_sector(sector: Sector, *, actor, changed: Iterable[str] = ()) -> Sector:
    """Save a field (lĩnh vực) an administrator added or edited; written to the ledger."""
    sector.name = normalize_text(sector.name)
    sector.name_en = normalize_text(sector.name_en)
    _require(bool(sector.name), _("Give the field's name."), "name")
    sector.save()
    ledger.record(
        action="petitions.sector_saved",
        actor=_user(actor),
        obj=sector,
        payload={"code": sector.code, "changed": sorted(changed)},
    )
    return sector


@transaction.atomic
def save_deadline_setting(setting, *, actor, changed: Iterable[str] = ()):
    """Save an administrator's value of a deadline rule from a date (a `DeadlineSetting` row). It applies to
    cases whose own date (received, accepted, decided) is on or after `valid_from`; once it commits, a job
    brings the deadlines of open petitions in line (`recompute_open_deadlines`). Written to the ledger with
    the old and new figures' fields."""
    setting.article, setting.note = normalize_text(setting.article), normalize_text(setting.note)
    errors = {}
    if setting.rule not in legal.RULE_KEYS:
        errors["rule"] = _("Unknown deadline rule.")
    if setting.day_type not in (legal.WORKING, legal.CALENDAR):
        errors["day_type"] = _("Choose working days or days.")
    if not isinstance(setting.days, int) or not 1 <= setting.days <= 365:
        errors["days"] = _("Between 1 and 365 days.")
    if not setting.article:
        errors["article"] = _("Give the legal basis (article, decree) of this value.")
    if setting.valid_from is None:
        errors["valid_from"] = _("Give the date from which this value applies.")
    if errors:
        raise ValidationError(errors)
    setting.save()
    ledger.record(
        action="petitions.deadline_setting_saved",
        actor=_user(actor),
        obj=setting,
        payload={
            "rule": setting.rule,
            "valid_from": setting.valid_from.isoformat(),
            "days": setting.days,
            "day_type": setting.day_type,
            "article": setting.article,
            "changed": sorted(changed),
        },
    )
    from dancoso.petitions.tasks import recompute_deadlines_after_commit  # tasks import this module

    recompute_deadlines_after_commit(f"Quy định thời hạn “{setting.rule}” được sửa")
    return setting
