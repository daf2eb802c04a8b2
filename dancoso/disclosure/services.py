"""Every write to disclosure, as named actions. Every other pillar publishes through `create_publication`.

Each action checks its input and reports all bad fields at once (ValidationError keyed by field, in the user's
language), writes in one transaction, and records to the ledger what the public proof page checks: the content
digest of each version and each posting's channel, place and dates. See docs/disclosure.md.
"""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from dancoso.core import ledger
from dancoso.core.files import IMAGE_TYPES, store_attachment
from dancoso.core.models import Attachment
from dancoso.core.text import normalize_text, search_key
from dancoso.disclosure import legal
from dancoso.disclosure.models import (
    BOARD_CHANNELS,
    CHANNEL_WORDING_VI,
    VILLAGE_CHANNELS,
    Audience,
    Category,
    Channel,
    DisclosurePlan,
    DisclosureRule,
    PlanItem,
    Posting,
    Publication,
    PublicationVersion,
    Regime,
)
from dancoso.units.models import SETTLEMENT_KINDS

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: codes are read out and typed from paper
CODE_PREFIX = "CK"
MAX_LENGTHS = {"title": 300, "document_number": 60, "change_note": 300, "place_text": 200, "note": 300}
# Channels a workplace (agency, enterprise) uses: no loudspeaker, no villages.
WORKPLACE_CHANNELS = frozenset({Channel.PORTAL, Channel.SEAT_BOARD, Channel.SOCIAL_GROUP, Channel.SMS})


@dataclass(frozen=True)
class PostingSpec:
    """A channel to publish through, as a form or another pillar gives it."""

    channel: str
    start_on: date
    end_on: date | None = None
    place: object = None  # a village (Unit) for a village notice board or the village head
    place_text: str = ""
    note: str = ""


# ------------------------------------------------------------------------------------------------ helpers


def _today() -> date:
    return timezone.localdate()


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _fail(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def _too_long(value: str, key: str) -> str | None:
    limit = MAX_LENGTHS[key]
    return _("At most %(n)d characters.") % {"n": limit} if len(value) > limit else None


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{CODE_PREFIX}-{raw[:4]}-{raw[4:]}"


def normalize_code(value: str) -> str:
    """What someone types ("ck 7k3d qxm2", "CK-7K3D-QXM2") → the stored form "CK-7K3D-QXM2"."""
    raw = "".join(ch for ch in (value or "").upper() if ch.isalnum())
    if raw.startswith(CODE_PREFIX) and len(raw) == len(CODE_PREFIX) + 8:
        raw = raw[len(CODE_PREFIX) :]
        return f"{CODE_PREFIX}-{raw[:4]}-{raw[4:]}"
    return raw


def _record(action: str, publication: Publication, *, actor, payload: dict) -> None:
    ledger.record(
        action=f"disclosure.{action}",
        actor=_user(actor),
        obj=publication,
        unit=publication.unit_id,
        payload={"code": publication.code, **payload},
    )


def _locked(publication: Publication) -> Publication:
    return (
        Publication.objects.select_for_update(of=("self",))
        .select_related("unit", "category")
        .get(pk=publication.pk)
    )


def _regime(unit) -> str:
    regime = legal.regime_of_unit(unit)
    if regime is None:
        raise ValidationError(
            {
                "unit": _(
                    "This unit does not disclose by itself: publish from its commune, agency or enterprise."
                )
            }
        )
    return regime


# ------------------------------------------------------------------------------------------------ checks


def _content_errors(*, title: str, decision_date, document_number: str, on: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("Give the title of what is disclosed.")
    elif message := _too_long(title, "title"):
        errors["title"] = message
    if decision_date is None:
        errors["decision_date"] = _("Give the date of the decision or document disclosed.")
    elif decision_date > on:
        errors["decision_date"] = _("The date of the decision cannot be in the future.")
    if message := _too_long(document_number, "document_number"):
        errors["document_number"] = message
    return errors


def _category_errors(category, regime: str, audience: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if category is None or not category.is_active:
        errors["category"] = _("Choose the category of the item.")
    elif category.regime != regime:
        errors["category"] = _("This category is not one of this unit's: choose one of its list.")
    elif category.is_quarterly_list:
        errors["category"] = _("The quarterly list is made by the system.")
    if audience not in Audience.values:
        errors["audience"] = _("Choose who may read it.")
    elif audience == Audience.INTERNAL and regime == Regime.COMMUNE:
        errors["audience"] = _("A commune discloses to the public (Art. 11–13): it cannot be internal.")
    return errors


def _posting_errors(spec: PostingSpec, *, unit, regime: str, decision_date: date | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    allowed = Channel.values if regime == Regime.COMMUNE else WORKPLACE_CHANNELS
    if spec.channel not in allowed:
        return {"channel": _("This unit cannot disclose through this channel.")}
    if spec.start_on is None:
        errors["start_on"] = _("Give the first day.")
    elif decision_date is not None and spec.start_on < decision_date:
        errors["start_on"] = _("It cannot be made known before the decision was taken.")
    elif spec.start_on > _today() + timedelta(days=366):
        errors["start_on"] = _("The first day is more than a year away.")
    if spec.end_on is not None and spec.start_on is not None and spec.end_on < spec.start_on:
        errors["end_on"] = _("The last day cannot be before the first.")
    if spec.channel in VILLAGE_CHANNELS:
        place = spec.place
        if place is None:
            errors["place"] = _("Choose the village (thôn, tổ dân phố).")
        elif place.kind not in SETTLEMENT_KINDS or place.parent_id != unit.pk:
            errors["place"] = _("Choose one of this unit's villages.")
    for key in ("place_text", "note"):
        if message := _too_long(normalize_text(getattr(spec, key)), key):
            errors[key] = message
    return errors


def _check_posting(spec: PostingSpec, **context) -> None:
    _fail(_posting_errors(spec, **context))


# ------------------------------------------------------------------------------------------------ versions


def _attachment_digests(version: PublicationVersion) -> list[str]:
    content_type = ContentType.objects.get_for_model(PublicationVersion)
    return list(
        Attachment.objects.filter(content_type=content_type, object_id=str(version.pk)).values_list(
            "sha256", flat=True
        )
    )


def version_attachments(version: PublicationVersion):
    content_type = ContentType.objects.get_for_model(PublicationVersion)
    return Attachment.objects.filter(content_type=content_type, object_id=str(version.pk)).order_by("pk")


def _copy_attachments(source: PublicationVersion, target: PublicationVersion) -> None:
    for attachment in version_attachments(source):
        attachment.pk = None
        attachment.object_id = str(target.pk)
        attachment.save(force_insert=True)


def _seal(version: PublicationVersion) -> None:
    version.content_digest = legal.content_digest(
        title=version.title,
        body=version.body,
        decision_date=version.decision_date,
        document_number=version.document_number,
        attachment_digests=_attachment_digests(version),
    )
    version.save(update_fields=["content_digest"])


def _new_version(publication, *, actor, title, body, decision_date, document_number, change_note=""):
    number = publication.version_count + 1
    version = PublicationVersion.objects.create(
        publication=publication,
        unit_id=publication.unit_id,
        number=number,
        title=title,
        body=body,
        decision_date=decision_date,
        document_number=document_number,
        change_note=change_note,
        content_digest="",
        created_by=_user(actor),
    )
    publication.version_count = number
    return version


def _make_current(publication: Publication, version: PublicationVersion) -> None:
    publication.current_version = version
    publication.title = version.title
    publication.decision_date = version.decision_date
    publication.document_number = version.document_number
    publication.search_key = search_key(f"{version.title} {version.document_number} {version.body}")


def _store_files(version: PublicationVersion, attachments: Iterable, *, actor) -> None:
    for uploaded in attachments:
        store_attachment(uploaded_file=uploaded, target=version, unit=version.unit_id, actor=actor)


# ------------------------------------------------------------------------------------------------ postings


def _create_posting(
    version: PublicationVersion, spec: PostingSpec, *, actor, confirmed: bool = False
) -> Posting:
    posting = Posting.objects.create(
        version=version,
        publication_id=version.publication_id,
        unit_id=version.unit_id,
        channel=spec.channel,
        place=spec.place,
        place_text=normalize_text(spec.place_text),
        start_on=spec.start_on,
        end_on=spec.end_on,
        note=normalize_text(spec.note),
        confirmed_at=timezone.now() if confirmed else None,
        confirmed_by=_user(actor) if confirmed else None,
    )
    return posting


def _posting_payload(posting: Posting) -> dict:
    return {
        "version": posting.version.number,
        "content_digest": posting.version.content_digest,
        "posting": posting.pk,
        "channel": posting.channel,
        "place": posting.place.code if posting.place_id else posting.place_text,
        "start_on": posting.start_on.isoformat(),
        "end_on": posting.end_on.isoformat() if posting.end_on else None,
    }


def _update_disclosed_on(publication: Publication) -> None:
    first = (
        Posting.objects.filter(publication=publication)
        .order_by("start_on")
        .values_list("start_on", flat=True)
    )
    publication.disclosed_on = first.first()


def _publish_version(publication: Publication, version: PublicationVersion, *, actor, on: date) -> None:
    """The version goes on the portal from `on` (the platform is the unit's portal, Art. 13.1), replacing the
    previous version there."""
    Posting.objects.filter(
        publication=publication, channel=Channel.PORTAL, taken_down_on__isnull=True, end_on__isnull=True
    ).exclude(version=version).update(taken_down_on=on)
    version.published_at = timezone.now()
    version.save(update_fields=["published_at"])
    _create_posting(version, PostingSpec(Channel.PORTAL, on), actor=actor, confirmed=True)
    _record(
        "published",
        publication,
        actor=actor,
        payload={
            "version": version.number,
            "content_digest": version.content_digest,
            "category": publication.category.code,
            "audience": publication.audience,
            "decision_date": version.decision_date.isoformat(),
            "document_number": version.document_number,
            "on": on.isoformat(),
        },
    )


# ------------------------------------------------------------------------------------------------ actions


@transaction.atomic
def create_publication(
    *,
    unit,
    category: Category,
    title: str,
    decision_date: date,
    actor,
    body: str = "",
    document_number: str = "",
    audience: str | None = None,
    attachments: Iterable = (),
    postings: Iterable[PostingSpec] = (),
    period_label: str = "",
    plan_item: PlanItem | None = None,
    publish: bool = True,
    on: date | None = None,
) -> Publication:
    """Disclose an item (or keep it as a draft with `publish=False`). Published, it goes on the portal from `on`
    (today by default) and through each of `postings` (a notice board, the loudspeaker, …), which an officer
    confirms once done (with a photo for a notice board). Every other pillar publishes through this."""
    on = on or _today()
    regime = _regime(unit)
    title, body = normalize_text(title), normalize_text(body)
    document_number, period_label = normalize_text(document_number), normalize_text(period_label)
    audience = audience or (category.default_audience if category else Audience.PUBLIC)
    errors = _category_errors(category, regime, audience)
    errors.update(
        _content_errors(title=title, decision_date=decision_date, document_number=document_number, on=on)
    )
    postings = list(postings)
    for spec in postings:
        for key, message in _posting_errors(
            spec, unit=unit, regime=regime, decision_date=decision_date
        ).items():
            errors.setdefault(f"postings.{key}", message)
    if plan_item is not None and plan_item.unit_id != unit.pk:
        errors["plan_item"] = _("This plan item belongs to another unit.")
    _fail(errors)
    publication = Publication.objects.create(
        unit=unit,
        code=_free_code(),
        category=category,
        audience=audience,
        title=title,
        decision_date=decision_date,
        document_number=document_number,
        period_label=period_label,
        plan_item=plan_item,
        created_by=_user(actor),
    )
    version = _new_version(
        publication,
        actor=actor,
        title=title,
        body=body,
        decision_date=decision_date,
        document_number=document_number,
    )
    _store_files(version, attachments, actor=actor)
    _seal(version)
    _make_current(publication, version)
    publication.save()
    _record("created", publication, actor=actor, payload={"category": category.code, "audience": audience})
    if publish:
        _publish(publication, version, postings, actor=actor, on=on)
    return publication


def _free_code() -> str:
    for _attempt in range(5):
        code = new_code()
        if not Publication.objects.filter(code=code).exists():
            return code
    raise RuntimeError("could not draw a free publication code")


def _publish(publication: Publication, version: PublicationVersion, postings, *, actor, on: date) -> None:
    publication.state = Publication.State.PUBLISHED
    _publish_version(publication, version, actor=actor, on=on)
    for spec in postings:
        posting = _create_posting(version, spec, actor=actor)
        _record("posting_added", publication, actor=actor, payload=_posting_payload(posting))
    _update_disclosed_on(publication)
    publication.save()


@transaction.atomic
def publish_publication(
    publication: Publication, *, actor, postings: Iterable[PostingSpec] = (), on: date | None = None
) -> Publication:
    """Publish a draft: the portal from `on` (today) and the given channels."""
    publication = _locked(publication)
    on = on or _today()
    if publication.state != Publication.State.DRAFT:
        raise ValidationError(_("Only a draft can be published."), code="not_draft")
    postings = list(postings)
    regime = _regime(publication.unit)
    errors: dict[str, str] = {}
    for spec in postings:
        problems = _posting_errors(
            spec, unit=publication.unit, regime=regime, decision_date=publication.decision_date
        )
        for key, message in problems.items():
            errors.setdefault(f"postings.{key}", message)
    if on < publication.decision_date:
        errors["on"] = _("It cannot be made known before the decision was taken.")
    _fail(errors)
    _publish(publication, publication.current_version, postings, actor=actor, on=on)
    return publication


@transaction.atomic
def revise_publication(
    publication: Publication,
    *,
    actor,
    title: str,
    decision_date: date,
    change_note: str,
    body: str = "",
    document_number: str = "",
    attachments: Iterable = (),
    keep_attachments: bool = True,
    on: date | None = None,
) -> PublicationVersion:
    """Re-publish changed information as a new version (Art. 14: changed information is disclosed again). The
    old versions stay readable in the history; the portal shows the new one from `on`. Postings on notice boards
    belong to the version they showed: post the new version again where the law asks for it."""
    publication = _locked(publication)
    on = on or _today()
    if publication.state == Publication.State.WITHDRAWN:
        raise ValidationError(_("A withdrawn item cannot be changed."), code="withdrawn")
    title, body = normalize_text(title), normalize_text(body)
    document_number, change_note = normalize_text(document_number), normalize_text(change_note)
    errors = _content_errors(title=title, decision_date=decision_date, document_number=document_number, on=on)
    if not change_note:
        errors["change_note"] = _("Say what changed.")
    elif message := _too_long(change_note, "change_note"):
        errors["change_note"] = message
    _fail(errors)
    previous = publication.current_version
    version = _new_version(
        publication,
        actor=actor,
        title=title,
        body=body,
        decision_date=decision_date,
        document_number=document_number,
        change_note=change_note,
    )
    if keep_attachments and previous is not None:
        _copy_attachments(previous, version)
    _store_files(version, attachments, actor=actor)
    _seal(version)
    _make_current(publication, version)
    if publication.state == Publication.State.PUBLISHED:
        _publish_version(publication, version, actor=actor, on=on)
    else:
        _record("revised", publication, actor=actor, payload={"version": version.number})
    publication.save()
    return version


@transaction.atomic
def add_posting(publication: Publication, spec: PostingSpec, *, actor) -> Posting:
    """Make the current version known through one more channel or place."""
    publication = _locked(publication)
    if publication.state != Publication.State.PUBLISHED:
        raise ValidationError(_("Publish the item first."), code="not_published")
    _check_posting(
        spec, unit=publication.unit, regime=_regime(publication.unit), decision_date=publication.decision_date
    )
    posting = _create_posting(publication.current_version, spec, actor=actor)
    _record("posting_added", publication, actor=actor, payload=_posting_payload(posting))
    _update_disclosed_on(publication)
    publication.save(update_fields=["disclosed_on", "updated_at"])
    return posting


@transaction.atomic
def confirm_posting(posting: Posting, *, actor, photo=None, note: str = "") -> Posting:
    """An officer confirms a posting was done. A notice board needs a photo of it as proof."""
    posting = (
        Posting.objects.select_for_update(of=("self",))
        .select_related("version", "publication", "place")
        .get(pk=posting.pk)
    )
    if posting.is_confirmed:
        raise ValidationError(_("This posting is already confirmed."), code="confirmed")
    errors: dict[str, str] = {}
    if posting.channel in BOARD_CHANNELS and photo is None:
        errors["photo"] = _("Attach a photo of the notice board as proof.")
    note = normalize_text(note)
    if message := _too_long(note, "note"):
        errors["note"] = message
    _fail(errors)
    if photo is not None:
        posting.proof = store_attachment(
            uploaded_file=photo, target=posting, unit=posting.unit_id, actor=actor, allowed=IMAGE_TYPES
        )
    posting.confirmed_at, posting.confirmed_by = timezone.now(), _user(actor)
    if note:
        posting.note = note
    posting.save()
    payload = _posting_payload(posting)
    payload["photo_sha256"] = posting.proof.sha256 if posting.proof_id else None
    _record("posting_confirmed", posting.publication, actor=actor, payload=payload)
    return posting


@transaction.atomic
def end_posting(posting: Posting, *, actor, taken_down_on: date, reason: str = "") -> Posting:
    """Record the day a notice was taken down (or a broadcast stopped), when it differs from the plan."""
    posting = (
        Posting.objects.select_for_update(of=("self",))
        .select_related("version", "publication", "place")
        .get(pk=posting.pk)
    )
    errors: dict[str, str] = {}
    if taken_down_on is None or taken_down_on < posting.start_on:
        errors["taken_down_on"] = _("The day it was taken down cannot be before the first day.")
    elif taken_down_on > _today():
        errors["taken_down_on"] = _("The date cannot be in the future.")
    reason = normalize_text(reason)
    if message := _too_long(reason, "note"):
        errors["reason"] = message
    _fail(errors)
    posting.taken_down_on = taken_down_on
    posting.save(update_fields=["taken_down_on"])
    payload = {**_posting_payload(posting), "taken_down_on": taken_down_on.isoformat(), "reason": reason}
    _record("posting_ended", posting.publication, actor=actor, payload=payload)
    return posting


@transaction.atomic
def withdraw_publication(
    publication: Publication, *, actor, reason: str, on: date | None = None
) -> Publication:
    """Withdraw an item (e.g. published by mistake). The reason is required and shown; the history stays."""
    publication = _locked(publication)
    on = on or _today()
    reason = normalize_text(reason)
    if publication.state == Publication.State.WITHDRAWN:
        raise ValidationError(_("This item is already withdrawn."), code="withdrawn")
    _fail({"reason": _("Give the reason for withdrawing it.")} if not reason else {})
    publication.state = Publication.State.WITHDRAWN
    publication.withdrawn_on, publication.withdrawal_reason = on, reason
    publication.save()
    Posting.objects.filter(publication=publication, taken_down_on__isnull=True).exclude(end_on__lt=on).update(
        taken_down_on=on
    )
    _record("withdrawn", publication, actor=actor, payload={"reason": reason, "on": on.isoformat()})
    return publication


# ------------------------------------------------------------------------------------------------ plans


@transaction.atomic
def create_plan(unit, year: int, *, actor) -> DisclosurePlan:
    """Start a unit's disclosure plan for a year (Art. 14)."""
    _regime(unit)
    if DisclosurePlan.objects.filter(unit=unit, year=year).exists():
        raise ValidationError({"year": _("This unit already has a plan for that year.")})
    if not 2023 <= year <= 2100:
        raise ValidationError({"year": _("Give a year from 2023.")})
    plan = DisclosurePlan.objects.create(unit=unit, year=year)
    ledger.record(
        action="disclosure.plan_created", actor=_user(actor), obj=plan, unit=unit, payload={"year": year}
    )
    return plan


def _plan_item_errors(plan: DisclosurePlan, values: dict) -> dict[str, str]:
    errors: dict[str, str] = {}
    regime = _regime(plan.unit)
    category = values.get("category")
    if category is None or category.regime != regime:
        errors["category"] = _("Choose the category of the item.")
    if not values.get("content"):
        errors["content"] = _("Say what is disclosed.")
    elif len(values["content"]) > 300:
        errors["content"] = _("At most %(n)d characters.") % {"n": 300}
    allowed = Channel.values if regime == Regime.COMMUNE else WORKPLACE_CHANNELS
    channels = values.get("channels") or []
    if not channels or any(channel not in allowed for channel in channels):
        errors["channels"] = _("Choose how it is disclosed.")
    due_on = values.get("due_on")
    if due_on is None or due_on.year != plan.year:
        errors["due_on"] = _("Give a day within the plan's year.")
    duration = values.get("duration_days")
    if duration is not None and not 1 <= duration <= 3650:
        errors["duration_days"] = _("Give a number of days from 1, or leave it empty for a permanent item.")
    if not values.get("responsible"):
        errors["responsible"] = _("Say who is responsible.")
    return errors


PLAN_ITEM_FIELDS = ("category", "content", "channels", "due_on", "duration_days", "responsible", "note")


def _clean_plan_values(values: dict) -> dict:
    clean = {key: values.get(key) for key in PLAN_ITEM_FIELDS}
    for key in ("content", "responsible", "note"):
        clean[key] = normalize_text(clean[key] or "")
    clean["channels"] = sorted(set(clean["channels"] or []))
    return clean


@transaction.atomic
def save_plan_item(plan: DisclosurePlan, *, actor, item: PlanItem | None = None, **values) -> PlanItem:
    """Add a line to a plan, or change one (`item`)."""
    plan = DisclosurePlan.objects.select_for_update().select_related("unit").get(pk=plan.pk)
    clean = _clean_plan_values(values)
    _fail(_plan_item_errors(plan, clean))
    if item is None:
        item = PlanItem(plan=plan, unit=plan.unit, position=plan.items.count())
    elif item.plan_id != plan.pk:
        raise ValidationError(_("This line belongs to another plan."))
    for key, value in clean.items():
        setattr(item, key, value)
    item.save()
    ledger.record(
        action="disclosure.plan_item_saved",
        actor=_user(actor),
        obj=item,
        unit=plan.unit_id,
        payload={"plan": plan.pk, "category": item.category.code, "due_on": item.due_on.isoformat()},
    )
    return item


@transaction.atomic
def remove_plan_item(item: PlanItem, *, actor) -> None:
    plan_id, unit_id = item.plan_id, item.unit_id
    ledger.record(
        action="disclosure.plan_item_removed",
        actor=_user(actor),
        obj=item,
        unit=unit_id,
        payload={"plan": plan_id, "content": item.content},
    )
    item.delete()


@transaction.atomic
def approve_plan(plan: DisclosurePlan, *, actor, document_number: str, approved_on: date) -> DisclosurePlan:
    plan = DisclosurePlan.objects.select_for_update().get(pk=plan.pk)
    document_number = normalize_text(document_number)
    errors: dict[str, str] = {}
    if not plan.items.exists():
        errors["__all__"] = _("Add at least one line before approving the plan.")
    if not document_number:
        errors["document_number"] = _("Give the number and symbol of the approving document.")
    if approved_on is None or approved_on > _today():
        errors["approved_on"] = _("The date cannot be in the future.")
    _fail(errors)
    plan.state, plan.document_number = DisclosurePlan.State.APPROVED, document_number
    plan.approved_on, plan.approved_by = approved_on, _user(actor)
    plan.save()
    ledger.record(
        action="disclosure.plan_approved",
        actor=_user(actor),
        obj=plan,
        unit=plan.unit_id,
        payload={
            "year": plan.year,
            "document_number": document_number,
            "approved_on": approved_on.isoformat(),
        },
    )
    return plan


# ------------------------------------------------------------------------------------------------ quarterly list


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    first = date(year, 3 * quarter - 2, 1)
    last = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - timedelta(days=1)
    return first, last


def _quarterly_lines(unit, first: date, last: date) -> list[str]:
    items = (
        Publication.objects.filter(unit=unit, disclosed_on__range=(first, last), audience=Audience.PUBLIC)
        .exclude(state=Publication.State.DRAFT)
        .exclude(category__is_quarterly_list=True)
        .select_related("category")
        .prefetch_related("postings")
        .order_by("disclosed_on", "pk")
    )
    lines = []
    with override("vi"):
        for number, item in enumerate(items, start=1):
            channels = sorted({CHANNEL_WORDING_VI[p.channel] for p in item.postings.all()})
            lines.append(
                f"{number}. {item.title} ({item.category.name}) — {item.disclosed_on:%d/%m/%Y} — "
                + ", ".join(channels)
            )
    return lines


@transaction.atomic
def publish_quarterly_list(
    unit, year: int, quarter: int, *, actor=None, on: date | None = None
) -> Publication:
    """The list of everything disclosed in a quarter, with form and date (Art. 13.2), itself published: on the
    portal at once and due at the seat's notice board. Running it again after a late item was added publishes
    the list as a new version; with nothing new it returns the list as it is."""
    on = on or _today()
    if _regime(unit) != Regime.COMMUNE:
        raise ValidationError(_("Only communes post a quarterly list."))
    first, last = quarter_bounds(year, quarter)
    category = Category.objects.get(is_quarterly_list=True, regime=Regime.COMMUNE)
    label = f"{year}-Q{quarter}"
    lines = _quarterly_lines(unit, first, last)
    with override("vi"):
        title = f"Danh mục thông tin đã công khai quý {quarter}/{year}"
        body = "\n".join(lines) if lines else "Không có thông tin công khai trong quý."
    existing = (
        Publication.objects.select_for_update()
        .filter(unit=unit, category=category, period_label=label)
        .exclude(state=Publication.State.WITHDRAWN)
        .first()
    )
    if existing is None:
        publication = Publication.objects.create(
            unit=unit,
            code=_free_code(),
            category=category,
            audience=Audience.PUBLIC,
            title=title,
            decision_date=min(on, last + timedelta(days=1)),
            period_label=label,
            created_by=_user(actor),
        )
        version = _new_version(
            publication,
            actor=actor,
            title=title,
            body=body,
            decision_date=publication.decision_date,
            document_number="",
        )
        _seal(version)
        _make_current(publication, version)
        publication.save()
        _record("created", publication, actor=actor, payload={"category": category.code, "period": label})
        seat = PostingSpec(
            Channel.SEAT_BOARD, on, on + timedelta(days=legal.rule("commune.boards", on).days - 1)
        )
        _publish(publication, version, [seat], actor=actor, on=on)
        return publication
    if existing.current_version.body == body:
        return existing
    revise_publication(
        existing,
        actor=actor,
        title=title,
        body=body,
        decision_date=existing.decision_date,
        change_note="Bổ sung thông tin công khai muộn",
        on=on,
    )
    return Publication.objects.get(pk=existing.pk)


# ------------------------------------------------------------------------------------------------ settings


@transaction.atomic
def save_disclosure_rule(row: DisclosureRule, *, actor) -> DisclosureRule:
    """An administrator's change to a timing rule (admin). Written to the ledger with old and new values."""
    if row.rule not in legal.RULE_LABELS:
        raise ValidationError({"rule": _("Unknown rule.")})
    before = (
        DisclosureRule.objects.filter(pk=row.pk).values("days", "day_type", "valid_from").first()
        if row.pk
        else None
    )
    row.full_clean()
    row.save()
    ledger.record(
        action="disclosure.rule_saved",
        actor=_user(actor),
        obj=row,
        payload={
            "rule": row.rule,
            "valid_from": row.valid_from.isoformat(),
            "days": row.days,
            "day_type": row.day_type,
            "before": {k: str(v) for k, v in before.items()} if before else None,
        },
    )
    return row


@transaction.atomic
def save_category(row: Category, *, actor) -> Category:
    row.full_clean()
    row.save()
    ledger.record(
        action="disclosure.category_saved",
        actor=_user(actor),
        obj=row,
        payload={"code": row.code, "name": row.name, "active": row.is_active},
    )
    return row


# --- added for the staff UI


def posting_errors(spec: PostingSpec, *, unit, decision_date: date | None) -> dict[str, str]:
    """What is wrong with one posting of `unit`'s item decided on `decision_date`, keyed by the spec's fields,
    without writing anything: the staff form checks each channel row with it so that every message lands next
    to its own row before `create_publication`, `publish_publication` or `add_posting` is called."""
    regime = legal.regime_of_unit(unit)
    if regime is None:
        return {"channel": _("This unit cannot disclose through this channel.")}
    return _posting_errors(spec, unit=unit, regime=regime, decision_date=decision_date)


@transaction.atomic
def link_plan_item(publication: Publication, plan_item: PlanItem | None, *, actor) -> Publication:
    """Say which line of the unit's disclosure plan an item fulfils (Art. 14), or that it fulfils none."""
    publication = _locked(publication)
    if plan_item is not None and plan_item.unit_id != publication.unit_id:
        raise ValidationError({"plan_item": _("This plan item belongs to another unit.")})
    before = publication.plan_item_id
    publication.plan_item = plan_item
    publication.save(update_fields=["plan_item", "updated_at"])
    _record(
        "plan_linked",
        publication,
        actor=actor,
        payload={"plan_item": plan_item.pk if plan_item else None, "before": before},
    )
    return publication


# --- added for compliance


def send_posting_reminders(today: date | None = None) -> dict[str, int]:
    """Daily: tell a unit's publishers when a required posting (Art. 13.2, 13.3, 48, 65.2) is planned to end
    before its minimum (at once, and again `compliance.REMIND_DAYS_BEFORE` days before that end) and when one
    ended too early. One message per item and kind, deduplicated per item, kind, postings concerned and person:
    a rerun or a caught-up day sends nothing twice; a new planned end is told again. Returns the messages
    queued per kind, e.g. {"planned": 1, "ending_soon": 0, "ended_early": 2}."""
    import hashlib

    from dancoso.core.models import Notification
    from dancoso.core.notify import notify
    from dancoso.disclosure import compliance

    today = today or _today()
    alerts = compliance.posting_alerts(today=today)
    counts = {compliance.PLANNED: 0, compliance.ENDING_SOON: 0, compliance.ENDED_EARLY: 0}
    publishers = _publishers_of({alert.unit.pk: alert.unit for alert in alerts})
    planned: list[tuple[str, object, compliance.Alert]] = []
    for alert in alerts:
        digest = hashlib.sha256(alert.signature.encode()).hexdigest()[:16]
        for user in publishers.get(alert.unit.pk, []):
            key = f"disclosure-{alert.kind}:{alert.item.publication_id}:{digest}:{user.pk}"
            planned.append((key, user, alert))
    sent = set(
        Notification.objects.filter(dedupe_key__in=[key for key, _user, _alert in planned]).values_list(
            "dedupe_key", flat=True
        )
    )
    for key, user, alert in planned:
        if key in sent:
            continue
        subject, body = _reminder_text(alert)
        channel, recipient = ("email", user.email) if user.email else ("console", user.get_username())
        notify(
            channel=channel,
            recipient=recipient,
            subject=subject,
            body=body,
            unit=alert.unit.pk,
            dedupe_key=key,
        )
        counts[alert.kind] += 1
    return counts


def _publishers_of(units: dict) -> dict[int, list]:
    """Per unit, the active users who may publish there: members of the unit itself or, when it has none, of the
    nearest unit above whose membership covers it. One query for every unit."""
    from dancoso.accounts.models import Membership
    from dancoso.accounts.roles import roles_with

    if not units:
        return {}
    paths = {path for unit in units.values() for path in (*unit.ancestor_paths(), unit.path)}
    memberships = (
        Membership.objects.current()
        .filter(
            unit__path__in=sorted(paths),
            role__in=sorted(roles_with("disclosure.publish")),
            user__is_active=True,
        )
        .select_related("user", "unit")
    )
    by_path: dict[str, list] = {}
    for membership in memberships:
        by_path.setdefault(membership.unit.path, []).append(membership)
    found = {}
    for unit in units.values():
        by_depth: dict[int, dict] = {}
        for path in (*unit.ancestor_paths(), unit.path):
            for membership in by_path.get(path, []):
                if membership.unit_id == unit.pk or membership.covers_subtree:
                    by_depth.setdefault(membership.unit.depth, {})[membership.user_id] = membership.user
        if by_depth:
            nearest = by_depth[max(by_depth)]
            found[unit.pk] = sorted(nearest.values(), key=lambda user: user.pk)
    return found


def _reminder_text(alert) -> tuple[str, str]:
    from django.urls import reverse

    from dancoso.disclosure import compliance

    item = alert.item
    with override("vi"):
        last_day = min(check.last_day for check in alert.checks)
        values = {"code": item.code, "date": f"{last_day:%d/%m/%Y}"}
        if alert.kind == compliance.ENDED_EARLY:
            subject = _("Disclosed too briefly: %(code)s ended on %(date)s") % values
        elif alert.kind == compliance.ENDING_SOON:
            subject = _("Ending too early: %(code)s ends on %(date)s") % values
        else:
            subject = _("Disclosed too briefly: %(code)s is planned to end on %(date)s") % values
        lines = [item.title, alert.unit.name, ""]
        for check in alert.checks:
            where = f"{check.channel_label} – {check.place_name}" if check.place_name else check.channel_label
            lines.append(
                _(
                    "%(where)s: from %(start)s to %(end)s, %(days)d days of the %(min)d required (%(article)s)."
                )
                % {
                    "where": where,
                    "start": f"{check.start:%d/%m/%Y}",
                    "end": f"{check.last_day:%d/%m/%Y}",
                    "days": check.planned_days,
                    "min": check.min_days,
                    "article": check.article,
                }
            )
        lines.append("")
        if alert.kind == compliance.ENDED_EARLY:
            lines.append(_("Post it again for the full period, or record why it could not stay up."))
        else:
            lines.append(_("Keep it up longer: post it again for the days still needed."))
        lines.append(reverse("disclosure:detail", args=[item.publication_id]))
    return subject, "\n".join(lines)
