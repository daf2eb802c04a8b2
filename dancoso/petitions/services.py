"""Every write to petitions, as named actions (reception book writes are in `reception.py`).

Each action validates, refuses an illegal transition with a message in the user's language, changes state,
keeps a `PetitionEvent` (who, when, why, the state and deadline after it), writes the ledger and queues the
notifications — in one transaction. Ledger payloads and notifications never carry a confidential identity.
"""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from dancoso.accounts.models import Membership
from dancoso.accounts.roles import roles_with
from dancoso.core import calendar, ledger
from dancoso.core.files import store_attachment
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
    Sector,
    State,
    Visit,
)

TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: codes are read out over the phone
TRACKING_LENGTH = 8

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


class IllegalTransition(ValidationError):
    pass


@dataclass(frozen=True)
class Petitioner:
    name: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    id_number: str = ""


# ------------------------------------------------------------------------------------------------ helpers


def _today() -> date:
    return timezone.localdate()


def new_tracking_code() -> str:
    raw = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalize_tracking_code(value: str) -> str:
    raw = "".join(ch for ch in (value or "").upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == TRACKING_LENGTH else raw


def _require(condition: bool, message: str, field: str | None = None) -> None:
    if not condition:
        raise ValidationError({field: message} if field else message)


def _check_transition(petition: Petition, action: str) -> None:
    allowed = TRANSITIONS[action]
    if petition.state not in allowed:
        raise IllegalTransition(
            _("This step is not possible: the petition is “%(state)s”.")
            % {"state": petition.get_state_display()}
        )


def _locked(petition: Petition) -> Petition:
    """Re-read the row under a lock so two officers cannot move the same petition at once."""
    return Petition.objects.select_for_update().select_related("unit").get(pk=petition.pk)


def _event(
    petition: Petition,
    action: str,
    *,
    actor,
    from_state: str,
    on: date | None = None,
    reason: str = "",
    data: dict | None = None,
) -> PetitionEvent:
    return PetitionEvent.objects.create(
        petition=petition,
        unit_id=petition.unit_id,
        action=action,
        on=on or _today(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        from_state=from_state,
        to_state=petition.state,
        due_after=petition.due_on,
        reason=reason,
        is_public=action in PUBLIC_ACTIONS,
        data=data or {},
    )


def _record(petition: Petition, action: str, *, actor, payload: dict | None = None) -> None:
    ledger.record(
        action=f"petitions.{action}",
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        obj=petition,
        unit=petition.unit,
        payload={"tracking_code": petition.tracking_code, "state": petition.state, **(payload or {})},
    )


def _tell_petitioner(petition: Petition, action: str) -> None:
    """Tell the petitioner about a public step. Confidential petitioners are not messaged: the outbox would
    hold their contact in clear; they follow their petition with the tracking code."""
    if petition.is_confidential or action not in PUBLIC_ACTIONS:
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
    key = f"petition:{petition.pk}:{action}:{petition.events.count()}"
    if petition.petitioner_email:
        notify(
            channel="email",
            recipient=petition.petitioner_email,
            subject=subject,
            body=body,
            unit=petition.unit_id,
            dedupe_key=f"{key}:email",
        )
    elif petition.petitioner_phone:
        notify(
            channel="sms",
            recipient=petition.petitioner_phone,
            subject=subject,
            body=body,
            unit=petition.unit_id,
            dedupe_key=f"{key}:sms",
        )


def _step(
    petition: Petition, action: str, *, actor, from_state: str, on=None, reason="", data=None, payload=None
):
    petition.save()
    event = _event(petition, action, actor=actor, from_state=from_state, on=on, reason=reason, data=data)
    _record(petition, action, actor=actor, payload=payload)
    _tell_petitioner(petition, action)
    return event


def _not_in_future(day: date, field: str) -> date:
    _require(day <= _today(), _("The date cannot be in the future."), field)
    return day


# ------------------------------------------------------------------------------------------------ intake


def _validate_intake(*, kind, channel, title, content, petitioner: Petitioner, anonymous, signers) -> None:
    errors: dict[str, str] = {}
    if kind not in Kind.values:
        errors["kind"] = _("Choose the kind of petition.")
    if channel not in Channel.values:
        errors["channel"] = _("Unknown channel.")
    if not title:
        errors["title"] = _("Write a short summary of the petition.")
    if not content:
        errors["content"] = _("Write the content of the petition.")
    if petitioner.phone and not normalize_phone(petitioner.phone):
        errors["phone"] = _("Enter a Vietnamese phone number, e.g. 0912 345 678.")
    needs_contact = channel in (Channel.WEB, Channel.API, Channel.OPEN311) and not anonymous
    if needs_contact and not (petitioner.phone or petitioner.email):
        errors["phone"] = _("Give a phone number or an e-mail address so that you can follow the petition.")
    if not anonymous and not petitioner.name and channel != Channel.OPEN311:
        errors["name"] = _("Give your full name, or choose to send anonymously.")
    if signers < 1:
        errors["signers"] = _("At least one person signs a petition.")
    if errors:
        raise ValidationError(errors)


def _clean_petitioner(petitioner: Petitioner | dict | None) -> Petitioner:
    if petitioner is None:
        return Petitioner()
    if isinstance(petitioner, dict):
        petitioner = Petitioner(
            **{k: v for k, v in petitioner.items() if k in Petitioner.__dataclass_fields__}
        )
    return Petitioner(
        name=normalize_text(petitioner.name),
        address=normalize_text(petitioner.address),
        phone=normalize_phone(petitioner.phone) or normalize_text(petitioner.phone),
        email=normalize_text(petitioner.email).lower(),
        id_number=normalize_text(petitioner.id_number),
    )


def _protect(petition: Petition, petitioner: Petitioner, *, visit: Visit | None = None) -> None:
    ProtectedIdentity.objects.create(
        petition=petition,
        visit=visit,
        unit_id=petition.unit_id,
        ciphertext=confidential.encrypt_identity(petitioner.__dict__),
    )


def _set_petitioner(petition: Petition, petitioner: Petitioner) -> None:
    petition.phone_digest = confidential.phone_digest(petitioner.phone)
    petition.email_digest = confidential.email_digest(petitioner.email)
    if not petition.is_confidential:
        petition.petitioner_name = petitioner.name
        petition.petitioner_address = petitioner.address
        petition.petitioner_phone = petitioner.phone
        petition.petitioner_email = petitioner.email


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


@transaction.atomic
def submit_petition(
    *,
    unit,
    kind: str,
    channel: str,
    title: str,
    content: str,
    actor=None,
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
    attachments: Iterable = (),
) -> Petition:
    """Receive a petition from any channel. A denunciation's identity is always kept confidential."""
    petitioner = Petitioner() if anonymous else _clean_petitioner(petitioner)
    title, content = normalize_text(title), normalize_text(content)
    _validate_intake(
        kind=kind,
        channel=channel,
        title=title,
        content=content,
        petitioner=petitioner,
        anonymous=anonymous,
        signers=signers,
    )
    received_on = _not_in_future(received_on or _today(), "received_on")
    if channel == Channel.TRANSFERRED_IN:
        _require(
            bool(normalize_text(transferred_from)),
            _("Name the body that transferred it."),
            "transferred_from",
        )
    petition = Petition(
        unit=unit,
        kind=kind,
        channel=channel,
        sector=sector,
        title=title[:300],
        content=content,
        search_key=search_key(f"{title} {content}"),
        location_text=normalize_text(location_text),
        latitude=latitude,
        longitude=longitude,
        is_anonymous=anonymous,
        is_confidential=not anonymous and (confidential_identity or kind == Kind.DENUNCIATION),
        signers=signers,
        received_on=received_on,
        transferred_from=normalize_text(transferred_from),
    )
    _set_petitioner(petition, petitioner)
    _initial_due(petition)
    _save_with_tracking_code(petition)
    if petition.is_confidential:
        _protect(petition, petitioner)
    for uploaded in attachments:
        store_attachment(uploaded_file=uploaded, target=petition, unit=unit, actor=actor)
    _event(petition, "received", actor=actor, from_state="", on=received_on, data={"channel": channel})
    _record(petition, "received", actor=actor, payload={"kind": kind, "channel": channel})
    _tell_petitioner(petition, "received")
    return petition


# ------------------------------------------------------------------------------------------------ workflow


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
) -> Petition:
    """Classify per TT 05/2021/TT-TTCP: content, eligibility, competence, signers, originals.

    An anonymous denunciation is not processed as one (Luật Tố cáo Art. 25): classifying it closes it as
    not processed, noting whether its content goes on to inspection.
    """
    petition = _locked(petition)
    _check_transition(petition, "classify")
    from_state = petition.state
    if kind is not None:
        _require(kind in Kind.values, _("Choose the kind of petition."), "kind")
        petition.kind = kind
    if petition.kind == Kind.DENUNCIATION and not petition.is_anonymous and not petition.is_confidential:
        raise ValidationError(
            _("A denunciation's identity must be confidential; protect it before classifying.")
        )
    if complexity is not None:
        _require(complexity in Complexity.values, _("Unknown complexity."), "complexity")
        petition.complexity = complexity
    if several_sites is not None:
        petition.several_sites = several_sites
    if signers is not None:
        _require(signers >= 1, _("At least one person signs a petition."), "signers")
        petition.signers = signers
    petition.sector = sector or petition.sector
    petition.is_eligible = is_eligible
    petition.within_competence = within_competence
    petition.has_originals = has_originals
    if petition.kind == Kind.DENUNCIATION and petition.is_anonymous:
        petition.state = State.NOT_PROCESSED
        petition.state_reason = str(legal.ANONYMOUS_DENUNCIATION_REASON)
        petition.due_on, petition.due_kind = None, ""
        _step(
            petition,
            "not_process",
            actor=actor,
            from_state=from_state,
            reason=petition.state_reason,
            data={"anonymous_denunciation": True, "note": normalize_text(note)},
        )
        return petition
    petition.state = State.CLASSIFIED
    if petition.kind == Kind.MIXED:
        pass  # stays on the classification deadline until it is split
    elif not within_competence:
        petition.due_on, petition.due_kind = (
            legal.forwarding_due(petition.received_on, petition.unit),
            DueKind.FORWARDING,
        )
    else:
        _initial_due(petition)
    _step(
        petition,
        "classify",
        actor=actor,
        from_state=from_state,
        reason=normalize_text(note),
        data={
            "kind": petition.kind,
            "sector": petition.sector_id,
            "eligible": is_eligible,
            "within_competence": within_competence,
            "has_originals": has_originals,
            "signers": petition.signers,
            "many_signers": petition.signers >= legal.MANY_SIGNERS,
        },
    )
    return petition


@transaction.atomic
def split_petition(petition: Petition, *, actor, parts: list[dict]) -> list[Petition]:
    """Split a letter with several contents into parts, each handled by its own rule (Luật Tiếp công dân
    Art. 25.3). Each part keeps the letter's dates, petitioner and channel and gets its own tracking code."""
    petition = _locked(petition)
    _check_transition(petition, "split")
    _require(len(parts) >= 2, _("A letter is split into at least two parts."), "parts")
    identity = None
    if petition.is_confidential:
        identity = confidential.decrypt_identity(petition.protected_identity.ciphertext)
    children = []
    for part in parts:
        kind = part.get("kind")
        _require(kind in Kind.values and kind != Kind.MIXED, _("Each part needs its kind."), "parts")
        title = normalize_text(part.get("title") or "")
        content = normalize_text(part.get("content") or "") or title
        _require(bool(title), _("Each part needs a summary."), "parts")
        child = Petition(
            unit=petition.unit,
            kind=kind,
            channel=petition.channel,
            sector=part.get("sector") or petition.sector,
            title=title[:300],
            content=content,
            search_key=search_key(f"{title} {content}"),
            location_text=petition.location_text,
            latitude=petition.latitude,
            longitude=petition.longitude,
            is_anonymous=petition.is_anonymous,
            is_confidential=petition.is_confidential
            or (kind == Kind.DENUNCIATION and not petition.is_anonymous),
            petitioner_name=petition.petitioner_name,
            petitioner_address=petition.petitioner_address,
            petitioner_phone=petition.petitioner_phone,
            petitioner_email=petition.petitioner_email,
            phone_digest=petition.phone_digest,
            email_digest=petition.email_digest,
            signers=petition.signers,
            received_on=petition.received_on,
            transferred_from=petition.transferred_from,
            split_from=petition,
            handler=petition.handler,
        )
        if child.is_confidential and not petition.is_confidential:
            identity = {
                "name": petition.petitioner_name,
                "address": petition.petitioner_address,
                "phone": petition.petitioner_phone,
                "email": petition.petitioner_email,
            }
            child.petitioner_name = child.petitioner_address = child.petitioner_phone = (
                child.petitioner_email
            ) = ""
        _initial_due(child)
        _save_with_tracking_code(child)
        if child.is_confidential:
            _protect(child, Petitioner(**{k: identity.get(k, "") for k in Petitioner.__dataclass_fields__}))
        _event(
            child,
            "received",
            actor=actor,
            from_state="",
            on=child.received_on,
            data={"split_from": petition.pk},
        )
        _record(child, "received", actor=actor, payload={"kind": kind, "split_from": petition.tracking_code})
        children.append(child)
    from_state = petition.state
    petition.state = State.SPLIT
    petition.due_on, petition.due_kind = None, ""
    _step(
        petition,
        "split",
        actor=actor,
        from_state=from_state,
        data={"parts": [child.tracking_code for child in children]},
        payload={"parts": [child.tracking_code for child in children]},
    )
    return children


@transaction.atomic
def link_repeat(petition: Petition, *, actor, earlier: Petition, note: str = "") -> Petition:
    """Follow a repeated petition through the earlier one: it is counted once (TT 05/2021 on repeat letters)."""
    petition = _locked(petition)
    _check_transition(petition, "link_repeat")
    _require(earlier.pk != petition.pk, _("A petition cannot repeat itself."), "earlier")
    _require(
        earlier.state not in (State.SPLIT, State.LINKED),
        _("Link to the petition that is being followed, not to a split letter or another repeat."),
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
    PetitionEvent.objects.create(
        petition=earlier,
        unit_id=earlier.unit_id,
        action="repeat_received",
        on=_today(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        from_state=earlier.state,
        to_state=earlier.state,
        due_after=earlier.due_on,
        data={"repeat": petition.tracking_code},
    )
    return petition


@transaction.atomic
def accept_petition(
    petition: Petition, *, actor, accepted_on: date | None = None, note: str = ""
) -> Petition:
    """Thụ lý: from then on the resolution period runs (Luật Khiếu nại Art. 27–28, 36–37; Luật Tố cáo Art. 30)."""
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
    accepted_on = _not_in_future(accepted_on or _today(), "accepted_on")
    _require(
        accepted_on >= petition.received_on, _("It cannot be accepted before it was received."), "accepted_on"
    )
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
        payload={"resolution_due": petition.resolution_due.isoformat()},
    )
    return petition


def _conclude_intake(petition, action, *, actor, state, reason, data, on=None) -> Petition:
    from_state = petition.state
    petition.state = state
    petition.state_reason = reason
    petition.due_on, petition.due_kind = None, ""
    _step(petition, action, actor=actor, from_state=from_state, on=on, reason=reason, data=data)
    return petition


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
    within 5 working days (Luật Tố cáo Art. 24; NĐ 20/2008 Art. 9.1.d)."""
    petition = _locked(petition)
    _check_transition(petition, "transfer")
    to_body, letter_number = normalize_text(to_body), normalize_text(letter_number)
    _require(bool(to_body), _("Name the competent body it is transferred to."), "to_body")
    _require(
        bool(letter_number or letter), _("Give the transfer letter's number or attach it."), "letter_number"
    )
    transferred_on = _not_in_future(transferred_on or _today(), "transferred_on")
    petition.transferred_to = to_body
    if letter is not None:
        store_attachment(uploaded_file=letter, target=petition, unit=petition.unit, actor=actor)
    late = (
        petition.due_kind == DueKind.FORWARDING
        and petition.due_on is not None
        and transferred_on > petition.due_on
    )
    return _conclude_intake(
        petition,
        "transfer",
        actor=actor,
        state=State.TRANSFERRED,
        reason=normalize_text(note),
        on=transferred_on,
        data={"to_body": to_body, "letter_number": letter_number, "late": late},
    )


@transaction.atomic
def guide_petitioner(petition: Petition, *, actor, to_body: str, guidance: str) -> Petition:
    """Tell the petitioner in writing which body is competent (hướng dẫn), e.g. for a complaint outside
    our competence."""
    petition = _locked(petition)
    _check_transition(petition, "guide")
    to_body, guidance = normalize_text(to_body), normalize_text(guidance)
    _require(bool(to_body), _("Name the competent body."), "to_body")
    _require(bool(guidance), _("Write the guidance given to the petitioner."), "guidance")
    petition.transferred_to = to_body
    return _conclude_intake(
        petition, "guide", actor=actor, state=State.GUIDED, reason=guidance, data={"to_body": to_body}
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
    )


@transaction.atomic
def start_verification(petition: Petition, *, actor, note: str = "") -> Petition:
    petition = _locked(petition)
    _check_transition(petition, "start_verification")
    from_state = petition.state
    petition.state = State.VERIFYING
    _step(petition, "start_verification", actor=actor, from_state=from_state, reason=normalize_text(note))
    return petition


@transaction.atomic
def extend_deadline(
    petition: Petition, *, actor, reason: str, complexity: str, decision_number: str = ""
) -> Petition:
    """Extend where the law allows: a denunciation once if complex, twice if particularly complex, each by up
    to 30 days (Luật Tố cáo Art. 30.1); a complaint found complex gets the longer period (Luật Khiếu nại
    Art. 28, 37)."""
    petition = _locked(petition)
    _check_transition(petition, "extend")
    reason = normalize_text(reason)
    _require(bool(reason), _("Give the reason for the extension."), "reason")
    _require(
        complexity in (Complexity.COMPLEX, Complexity.VERY_COMPLEX),
        _("Say how complex the case is."),
        "complexity",
    )
    from_state = petition.state
    if petition.kind == Kind.DENUNCIATION:
        allowed = legal.max_extensions(petition.kind, complexity)
        _require(
            petition.extensions < allowed,
            _("The law allows no further extension for this denunciation (at most %(n)d).") % {"n": allowed},
        )
        _require(
            bool(normalize_text(decision_number)),
            _("An extension is decided in writing: give the decision's number."),
            "decision_number",
        )
        petition.resolution_due = legal.extended_due(
            petition.resolution_due, petition.unit, rule_date=petition.accepted_on
        )
    elif petition.kind == Kind.COMPLAINT:
        _require(
            petition.complexity == Complexity.NORMAL,
            _("This complaint already has the period for complex cases; it cannot be extended again."),
        )
        petition.resolution_due = legal.resolution_due(
            petition.kind,
            petition.accepted_on,
            petition.unit,
            instance=petition.instance,
            complexity=complexity,
        )
    else:
        raise ValidationError(_("The law provides no extension for recommendations and reports."))
    petition.complexity = complexity
    petition.extensions += 1
    petition.due_on = petition.resolution_due
    _step(
        petition,
        "extend",
        actor=actor,
        from_state=from_state,
        reason=reason,
        data={"decision_number": normalize_text(decision_number), "extension": petition.extensions},
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
    """Record the decision (complaints, denunciations) or the answer (recommendations, reports)."""
    petition = _locked(petition)
    _check_transition(petition, "resolve")
    outcome = normalize_text(outcome)
    _require(bool(outcome), _("Write the answer or the decision's conclusion."), "outcome")
    if petition.kind in (Kind.COMPLAINT, Kind.DENUNCIATION):
        _require(
            bool(normalize_text(decision_number)),
            _("Give the number of the decision or conclusion."),
            "decision_number",
        )
    resolved_on = _not_in_future(resolved_on or _today(), "resolved_on")
    _require(
        resolved_on >= petition.accepted_on, _("It cannot be resolved before it was accepted."), "resolved_on"
    )
    if document is not None:
        store_attachment(uploaded_file=document, target=petition, unit=petition.unit, actor=actor)
    from_state = petition.state
    petition.state = State.RESOLVED
    petition.outcome = outcome
    petition.decision_number = normalize_text(decision_number)
    petition.resolved_on = resolved_on
    petition.resolved_late = resolved_on > petition.resolution_due
    petition.due_on, petition.due_kind = None, ""
    _step(
        petition,
        "resolve",
        actor=actor,
        from_state=from_state,
        on=resolved_on,
        data={"decision_number": petition.decision_number, "late": petition.resolved_late},
        payload={"late": petition.resolved_late},
    )
    return petition


@transaction.atomic
def close_petition(petition: Petition, *, actor, note: str = "") -> Petition:
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
    """The petitioner withdraws (Luật Khiếu nại Art. 10; Luật Tố cáo Art. 33; Luật 136/2025)."""
    petition = _locked(petition)
    _check_transition(petition, "withdraw")
    reason = normalize_text(reason)
    _require(bool(reason), _("Note how the petitioner withdrew (letter, statement)."), "reason")
    return _conclude_intake(
        petition,
        "withdraw",
        actor=actor,
        state=State.WITHDRAWN,
        reason=reason,
        on=_not_in_future(withdrawn_on or _today(), "withdrawn_on"),
        data={},
    )


@transaction.atomic
def assign_handler(petition: Petition, *, actor, handler) -> Petition:
    petition = _locked(petition)
    _check_transition(petition, "assign")
    _require(
        handler.has_perm("petitions.handle_petition", petition),
        _("%(name)s cannot handle petitions of this unit.") % {"name": handler.get_full_name() or handler},
        "handler",
    )
    petition.handler = handler
    _step(petition, "assign", actor=actor, from_state=petition.state, data={"handler": handler.pk})
    return petition


def appeal_deadline_for(original: Petition) -> date | None:
    """Last day for a second complaint: counted from the first decision, or from the day the first-instance
    deadline lapsed without one (Luật Khiếu nại Art. 33)."""
    if original.kind != Kind.COMPLAINT or original.instance != 1:
        return None
    if original.resolved_on is not None:
        return legal.appeal_deadline(original.resolved_on, original.unit)
    if original.state in OPEN_STATES and original.resolution_due is not None:
        return legal.appeal_deadline(original.resolution_due, original.unit)
    return None


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
    """A second-instance complaint: a new case linked to the first, within the appeal window (Art. 33)."""
    _require(
        original.kind == Kind.COMPLAINT and original.instance == 1,
        _("Only a first-instance complaint can be appealed."),
    )
    received_on = received_on or _today()
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
    )
    _require(
        unit.pk != original.unit_id,
        _("The second complaint goes to the next level, not to the same body."),
        "unit",
    )
    if original.is_confidential:
        identity = confidential.decrypt_identity(original.protected_identity.ciphertext)
        petitioner = Petitioner(**{k: identity.get(k, "") for k in Petitioner.__dataclass_fields__})
    else:
        petitioner = Petitioner(
            name=original.petitioner_name,
            address=original.petitioner_address,
            phone=original.petitioner_phone,
            email=original.petitioner_email,
        )
    appeal = submit_petition(
        unit=unit,
        kind=Kind.COMPLAINT,
        channel=channel,
        title=normalize_text(title)
        or _("Second complaint about %(code)s") % {"code": original.tracking_code},
        content=content,
        actor=actor,
        petitioner=petitioner,
        confidential_identity=original.is_confidential,
        sector=original.sector,
        received_on=received_on,
    )
    appeal.instance = 2
    appeal.appeal_of = original
    appeal.save(update_fields=["instance", "appeal_of"])
    PetitionEvent.objects.create(
        petition=original,
        unit_id=original.unit_id,
        action="appealed",
        on=received_on,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        from_state=original.state,
        to_state=original.state,
        due_after=original.due_on,
        is_public=True,
        data={"appeal": appeal.tracking_code},
    )
    _record(original, "appealed", actor=actor, payload={"appeal": appeal.tracking_code})
    return appeal


# ------------------------------------------------------------------------------------------------ identity


@transaction.atomic
def reveal_identity(target: Petition | Visit, *, actor, reason: str) -> dict:
    """Read a protected identity: needs the permission and a reason, and the reading is written to the ledger."""
    reason = normalize_text(reason)
    if not actor.has_perm("petitions.reveal_identity", target):
        raise PermissionDenied(_("You may not see this petitioner's identity."))
    _require(bool(reason), _("Give the reason you need to see the identity."), "reason")
    identity = ProtectedIdentity.objects.filter(**{target._meta.model_name: target}).first()
    if identity is None:
        raise ValidationError(_("No protected identity is kept for this record."))
    ledger.record(
        action="petitions.identity_revealed",
        actor=actor,
        obj=target,
        unit=target.unit,
        payload={"reason": reason},
    )
    return confidential.decrypt_identity(identity.ciphertext)


@transaction.atomic
def protect_identity(petition: Petition, *, actor, reason: str = "") -> Petition:
    """Move a petitioner's identity into the encrypted table (the petitioner asked, or it is a denunciation)."""
    petition = _locked(petition)
    if petition.is_confidential or petition.is_anonymous:
        return petition
    _protect(
        petition,
        Petitioner(
            name=petition.petitioner_name,
            address=petition.petitioner_address,
            phone=petition.petitioner_phone,
            email=petition.petitioner_email,
        ),
    )
    petition.is_confidential = True
    petition.petitioner_name = petition.petitioner_address = ""
    petition.petitioner_phone = petition.petitioner_email = ""
    _step(petition, "protect_identity", actor=actor, from_state=petition.state, reason=normalize_text(reason))
    return petition


# ------------------------------------------------------------------------------------------------ deadlines


def send_deadline_reminders(today: date | None = None) -> dict[str, int]:
    """Daily: tell each handler 3 working days before a deadline and on the day after it was missed.
    Deduplicated per petition and deadline, so a rerun or a missed day sends nothing twice."""
    today = today or _today()
    soon = calendar.add_working_days(today, 3)
    counts = {"reminders": 0, "overdue": 0}
    petitions = (
        Petition.objects.open()
        .filter(due_on__isnull=False, due_on__lte=soon)
        .select_related("unit", "handler")
    )
    for petition in petitions.iterator(chunk_size=500):
        overdue = petition.due_on < today
        key = f"petition-{'overdue' if overdue else 'reminder'}:{petition.pk}:{petition.due_on.isoformat()}"
        with override("vi"):
            subject = (
                _("Overdue: petition %(code)s was due on %(date)s")
                if overdue
                else _("Due soon: petition %(code)s is due on %(date)s")
            ) % {"code": petition.tracking_code, "date": f"{petition.due_on:%d/%m/%Y}"}
            body = _("%(title)s\nDeadline: %(what)s.\n%(unit)s") % {
                "title": petition.title,
                "what": petition.get_due_kind_display(),
                "unit": petition.unit.name,
            }
        for channel, recipient in _handler_recipients(petition):
            notify(
                channel=channel,
                recipient=recipient,
                subject=subject,
                body=body,
                unit=petition.unit_id,
                dedupe_key=f"{key}:{recipient}",
            )
        counts["overdue" if overdue else "reminders"] += 1
    return counts


def _handler_recipients(petition: Petition) -> list[tuple[str, str]]:
    """The handler, or when none is assigned the unit's officers who may handle petitions."""
    if petition.handler is not None:
        users = [petition.handler]
    else:
        users = [
            m.user
            for m in Membership.objects.current()
            .filter(unit_id=petition.unit_id, role__in=roles_with("petitions.handle_petition"))
            .select_related("user")
        ]
    return [("email", u.email) if u.email else ("console", u.get_username()) for u in users if u.is_active]
