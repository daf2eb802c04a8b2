"""Citizen reception (tiếp công dân) and petitions (đơn kiến nghị, phản ánh, khiếu nại, tố cáo).

A `Petition` is one handled matter: a mixed letter is split into parts, each its own `Petition` following its
own rule, and a repeated letter is linked to the one already being followed. The current `state` is kept in
step by `services`; every change is a `PetitionEvent` carrying the state and the deadline in force after it,
so statistics can be computed as of any date. A confidential petitioner's identity is not on these rows: it
lives encrypted in `ProtectedIdentity`.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dancoso.core.scoping import ScopedQuerySet


class Kind(models.TextChoices):
    PROPOSAL = "proposal", _("Recommendation (kiến nghị)")
    REPORT = "report", _("Report (phản ánh)")
    COMPLAINT = "complaint", _("Complaint (khiếu nại)")
    DENUNCIATION = "denunciation", _("Denunciation (tố cáo)")
    MIXED = "mixed", _("Several contents (nhiều nội dung)")


class Channel(models.TextChoices):
    WEB = "web", _("Public web form")
    PAPER = "paper", _("Letter on paper")
    IN_PERSON = "in_person", _("In person at a reception")
    HOTLINE = "hotline", _("Hotline 1022")
    TRANSFERRED_IN = "transferred_in", _("Transferred from another body")
    API = "api", _("API")
    OPEN311 = "open311", _("Open311")


class State(models.TextChoices):
    RECEIVED = "received", _("Received")
    CLASSIFIED = "classified", _("Classified")
    ACCEPTED = "accepted", _("Accepted (thụ lý)")
    VERIFYING = "verifying", _("Verifying")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    TRANSFERRED = "transferred", _("Transferred to the competent body")
    GUIDED = "guided", _("Petitioner guided to the competent body")
    NOT_PROCESSED = "not_processed", _("Not processed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SPLIT = "split", _("Split into parts")
    LINKED = "linked", _("Linked to an earlier petition")


# Every petition that counts is in exactly one of these buckets, which is what makes
# received = resolved + in progress + transferred + not processed + withdrawn hold by construction.
# Split letters and linked repeats are not counted: their parts / the earlier petition are.
BUCKET_OF_STATE: dict[str, str] = {
    State.RECEIVED: "in_progress",
    State.CLASSIFIED: "in_progress",
    State.ACCEPTED: "in_progress",
    State.VERIFYING: "in_progress",
    State.RESOLVED: "resolved",
    State.CLOSED: "resolved",
    State.TRANSFERRED: "transferred",
    State.GUIDED: "transferred",
    State.NOT_PROCESSED: "not_processed",
    State.WITHDRAWN: "withdrawn",
}
UNCOUNTED_STATES = frozenset({State.SPLIT, State.LINKED})
OPEN_STATES = frozenset(s for s, bucket in BUCKET_OF_STATE.items() if bucket == "in_progress")


class DueKind(models.TextChoices):
    """Which deadline `Petition.due_on` currently is."""

    CLASSIFICATION = "classification", _("Classify and decide on acceptance")
    FORWARDING = "forwarding", _("Forward to the competent body")
    RESOLUTION = "resolution", _("Resolve")


class Complexity(models.TextChoices):
    NORMAL = "normal", _("Normal")
    COMPLEX = "complex", _("Complex")
    VERY_COMPLEX = "very_complex", _("Particularly complex")


class Sector(models.Model):
    """Subject area (lĩnh vực): land, site clearance, environment, … Configurable by an administrator."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    open311_service = models.BooleanField(
        _("offered as an Open311 service"),
        default=False,
        help_text=_("Residents' apps may file recommendations and reports in this field through Open311."),
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("field")
        verbose_name_plural = _("fields")

    def __str__(self) -> str:
        return self.name


class DeadlineSetting(models.Model):
    """An administrator's value for one deadline rule from a given date (the law in force on the case's
    dates decides). Rows are seeded with the figures of LEGAL.md; `legal.py` falls back to the same figures."""

    class DayType(models.TextChoices):
        WORKING = "working", _("working days")
        CALENDAR = "calendar", _("days (Civil Code end rule)")

    rule = models.CharField(_("rule"), max_length=60, db_index=True)
    valid_from = models.DateField(_("applies to cases from"))
    days = models.PositiveSmallIntegerField(
        _("days"), validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    day_type = models.CharField(_("counted in"), max_length=10, choices=DayType.choices)
    article = models.CharField(_("legal basis"), max_length=200)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["rule", "valid_from"]
        verbose_name = _("deadline setting")
        verbose_name_plural = _("deadline settings")
        constraints = [
            models.UniqueConstraint(fields=["rule", "valid_from"], name="petitions_deadline_once_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.rule} ≥ {self.valid_from:%d/%m/%Y}: {self.days} {self.get_day_type_display()}"


# ---------------------------------------------------------------------------------------------------------
# Reception (tiếp công dân)


class ReceptionScheduleQuerySet(ScopedQuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=on), valid_from__lte=on
        )


class ReceptionSchedule(models.Model):
    """A regular reception day, e.g. every Tuesday morning with the chairman (Luật Tiếp công dân Art. 15.2.d)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    unit = models.ForeignKey("units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT)
    weekday = models.PositiveSmallIntegerField(_("day of the week"), choices=Weekday.choices)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("to"))
    host_title = models.CharField(
        _("received by (title)"), max_length=150, help_text=_("e.g. Chủ tịch UBND xã")
    )
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("host"), null=True, blank=True, on_delete=models.SET_NULL
    )
    host_is_head = models.BooleanField(
        _("the head of the unit receives"),
        default=False,
        help_text=_("The chairman must receive citizens in person at least one day a week (Art. 15.2.d)."),
    )
    location = models.CharField(_("place"), max_length=300)
    is_online = models.BooleanField(_("online"), default=False)
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ReceptionScheduleQuerySet.as_manager()

    class Meta:
        ordering = ["unit", "weekday", "start_time"]
        verbose_name = _("reception schedule")
        verbose_name_plural = _("reception schedules")

    def __str__(self) -> str:
        return (
            f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}: {self.host_title}"
        )


class ReceptionSession(models.Model):
    """One reception (buổi tiếp công dân), regular or ad hoc, in person or online (Luật 136/2025 Art. 3a)."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular")
        AD_HOC = "ad_hoc", _("Ad hoc")

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")

    unit = models.ForeignKey("units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT)
    schedule = models.ForeignKey(
        ReceptionSchedule, verbose_name=_("schedule"), null=True, blank=True, on_delete=models.SET_NULL
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REGULAR)
    mode = models.CharField(_("form"), max_length=10, choices=Mode.choices, default=Mode.IN_PERSON)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("from"), null=True, blank=True)
    end_time = models.TimeField(_("to"), null=True, blank=True)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("host"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    host_name = models.CharField(_("received by"), max_length=150)
    host_title = models.CharField(_("title"), max_length=150, blank=True)
    host_is_head = models.BooleanField(_("the head of the unit received"), default=False)
    location = models.CharField(_("place"), max_length=300)
    notes = models.TextField(_("notes"), blank=True)
    # NĐ 154/2026 (SECONDARY): an online reception is announced at least 05 working days before; the
    # announcement is recorded here (rule "reception.online_notice", checked by `reception.open_session`).
    notice_on = models.DateField(_("announced on"), null=True, blank=True)
    notice_channel = models.CharField(_("announced through"), max_length=200, blank=True)
    notice_link = models.URLField(_("link to the announcement"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-start_time"]
        verbose_name = _("reception session")
        verbose_name_plural = _("reception sessions")
        indexes = [models.Index(fields=["unit", "date"], name="petitions_session_unit_date")]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} – {self.host_name}"


class Visit(models.Model):
    """An entry of the reception book (sổ tiếp công dân, Luật Tiếp công dân Art. 25.2): one visit (lượt) by a
    person or a group. Persons (người) are `persons`; cases (vụ việc) are distinct `case_key`s."""

    class Answer(models.TextChoices):
        """What the visitor is told within 10 working days (Art. 28)."""

        PENDING = "", _("Not yet answered")
        ACCEPTED = "accepted", _("Accepted for resolution")
        NEEDS_VERIFICATION = "needs_verification", _("More time needed to verify")
        REFUSED = "refused", _("Refused, with the reason")
        TRANSFERRED = "transferred", _("Transferred to the competent body")
        GUIDED = "guided", _("Guided on the spot")

    unit = models.ForeignKey("units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT)
    session = models.ForeignKey(
        ReceptionSession, verbose_name=_("reception session"), on_delete=models.PROTECT, related_name="visits"
    )
    number = models.PositiveIntegerField(_("no. in the book"))
    year = models.PositiveSmallIntegerField(_("year of the book"))
    date = models.DateField(_("date"))
    visitor_name = models.CharField(_("full name"), max_length=150, blank=True)
    visitor_address = models.CharField(_("address"), max_length=300, blank=True)
    visitor_phone = models.CharField(_("phone"), max_length=20, blank=True)
    is_confidential = models.BooleanField(
        _("identity kept confidential"),
        default=False,
        help_text=_("A denouncer, or a visitor who asks for it."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    sector = models.ForeignKey(
        Sector, verbose_name=_("field"), null=True, blank=True, on_delete=models.PROTECT
    )
    content = models.TextField(_("content"))
    prior_handling = models.TextField(_("already handled by"), blank=True)
    request = models.TextField(_("the visitor's request"), blank=True)
    handling = models.TextField(_("how it was handled"), blank=True)
    persons = models.PositiveIntegerField(
        _("number of persons"), default=1, validators=[MinValueValidator(1)]
    )
    is_group = models.BooleanField(_("group (đoàn đông người)"), default=False)
    representatives = models.JSONField(_("representatives"), default=list, blank=True)
    case_key = models.CharField(
        _("case"),
        max_length=40,
        help_text=_("Visits about the same matter share one case and are counted as one case."),
    )
    answer = models.CharField(_("answer (Art. 28)"), max_length=20, choices=Answer.choices, blank=True)
    answer_reason = models.TextField(_("reason / body answered to"), blank=True)
    answer_due = models.DateField(_("answer due"))
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    petition = models.ForeignKey(
        "Petition",
        verbose_name=_("petition"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The last correction (`reception.update_visit`); every correction is also a ledger entry.
    corrected_at = models.DateTimeField(_("last corrected"), null=True, blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("corrected by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-number"]
        verbose_name = _("reception book entry")
        verbose_name_plural = _("reception book")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "number"], name="petitions_visit_number_unique")
        ]
        indexes = [
            models.Index(fields=["unit", "date"], name="petitions_visit_unit_date"),
            models.Index(fields=["unit", "answer_due"], name="petitions_visit_answer_due"),
        ]

    def __str__(self) -> str:
        return f"{self.number}/{self.year}"


# ---------------------------------------------------------------------------------------------------------
# Petitions (đơn)


class PetitionQuerySet(ScopedQuerySet):
    def counted(self):
        return self.exclude(state__in=UNCOUNTED_STATES)

    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def overdue(self, today=None):
        return self.open().filter(due_on__lt=today or timezone.localdate())


class Petition(models.Model):
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("handled by"), on_delete=models.PROTECT, related_name="petitions"
    )
    tracking_code = models.CharField(_("tracking code"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("received through"), max_length=20, choices=Channel.choices)
    sector = models.ForeignKey(
        Sector, verbose_name=_("field"), null=True, blank=True, on_delete=models.PROTECT
    )
    title = models.CharField(_("summary"), max_length=300)
    content = models.TextField(_("content"))
    search_key = models.TextField(editable=False, default="")
    location_text = models.CharField(_("place concerned"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    # Petitioner. Blank when `is_confidential`: then the identity is only in ProtectedIdentity.
    is_confidential = models.BooleanField(_("identity kept confidential"), default=False)
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    petitioner_name = models.CharField(_("petitioner"), max_length=150, blank=True)
    petitioner_address = models.CharField(_("address"), max_length=300, blank=True)
    petitioner_phone = models.CharField(_("phone"), max_length=20, blank=True)
    petitioner_email = models.EmailField(_("email"), blank=True)
    # Keyed digests of the normalised phone and email: tracking and same-person matching without the identity.
    phone_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    email_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    signers = models.PositiveIntegerField(_("number of signers"), default=1)
    # Classification (TT 05/2021/TT-TTCP; TT 07/2014 Art. 6)
    is_eligible = models.BooleanField(_("eligible for processing"), null=True, blank=True)
    within_competence = models.BooleanField(_("within our competence"), null=True, blank=True)
    has_originals = models.BooleanField(_("originals attached"), null=True, blank=True)
    complexity = models.CharField(
        _("complexity"), max_length=15, choices=Complexity.choices, default=Complexity.NORMAL
    )
    several_sites = models.BooleanField(
        _("several places to check"),
        default=False,
        help_text=_("Luật Tố cáo Art. 24: 10 instead of 7 working days."),
    )
    # Thời hiệu khiếu nại (Luật Khiếu nại Art. 9): checked when a complaint is classified.
    decision_known_on = models.DateField(
        _("decision received or known on"),
        null=True,
        blank=True,
        help_text=_("When the complainant received or learned of the decision or act complained about."),
    )
    obstacle_days = models.PositiveSmallIntegerField(
        _("days of obstacles"),
        default=0,
        help_text=_(
            "Illness, natural disaster, travel…: not counted in the 90 days (Luật Khiếu nại Art. 9)."
        ),
    )
    instance = models.PositiveSmallIntegerField(_("instance"), default=1)
    appeal_of = models.ForeignKey(
        "self",
        verbose_name=_("appeal of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    split_from = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parts",
    )
    linked_to = models.ForeignKey(
        "self",
        verbose_name=_("repeat of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repeats",
    )
    transferred_from = models.CharField(_("transferred from"), max_length=300, blank=True)
    # Workflow
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.RECEIVED)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handled_petitions",
    )
    received_on = models.DateField(_("received on"))
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    due_kind = models.CharField(_("deadline for"), max_length=20, choices=DueKind.choices, blank=True)
    resolution_due = models.DateField(_("resolution due"), null=True, blank=True)
    extensions = models.PositiveSmallIntegerField(_("extensions"), default=0)
    resolved_late = models.BooleanField(_("resolved after the deadline"), null=True, blank=True)
    transferred_to = models.CharField(_("transferred to"), max_length=300, blank=True)
    outcome = models.TextField(_("answer / decision"), blank=True)
    decision_number = models.CharField(_("decision or answer no."), max_length=60, blank=True)
    state_reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PetitionQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        indexes = [
            # The inbox: open petitions of a unit by urgency.
            models.Index(fields=["unit", "state", "due_on"], name="petitions_inbox_idx"),
            models.Index(fields=["unit", "received_on"], name="petitions_unit_received_idx"),
            models.Index(fields=["due_on"], name="petitions_due_idx"),
            # The inbox's "all" list, latest first: each unit's newest rows (views._latest_by_unit).
            models.Index(fields=["unit", "id"], name="petitions_unit_id_idx"),
            # The inbox's overdue and due-soon counts: open rows only, a few % of the table (migration 0007).
            models.Index(
                fields=["unit", "due_on"],
                condition=models.Q(state__in=sorted(OPEN_STATES)),
                name="petitions_open_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} – {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("petitions:detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def is_overdue(self, today=None) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < (today or timezone.localdate())


class PetitionEvent(models.Model):
    """One step of a petition's history: who did what, when and why, and the state and deadline after it."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="events")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=40)
    at = models.DateTimeField(_("when"), default=timezone.now)
    on = models.DateField(_("date"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    from_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=State.choices)
    due_after = models.DateField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    is_public = models.BooleanField(
        _("shown to the petitioner"), default=False, help_text=_("Public steps appear on the tracking page.")
    )
    data = models.JSONField(default=dict, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("petition event")
        verbose_name_plural = _("petition events")
        indexes = [models.Index(fields=["petition", "on"], name="petitions_event_on_idx")]

    def __str__(self) -> str:
        return f"{self.petition_id}: {self.action} → {self.to_state}"


class ProtectedIdentity(models.Model):
    """A confidential petitioner's or visitor's identity (Luật Tố cáo Art. 9.1.b, 47.2, 56), encrypted with a
    key from the environment. Read only through `services.reveal_identity`, which checks permission and
    writes the ledger."""

    petition = models.OneToOneField(
        Petition, null=True, blank=True, on_delete=models.CASCADE, related_name="protected_identity"
    )
    visit = models.OneToOneField(
        Visit, null=True, blank=True, on_delete=models.CASCADE, related_name="protected_identity"
    )
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    ciphertext = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("protected identity")
        verbose_name_plural = _("protected identities")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(petition__isnull=False) | models.Q(visit__isnull=False),
                name="petitions_identity_has_owner",
            )
        ]

    def __str__(self) -> str:
        return str(_("Protected identity"))

    def __repr__(self) -> str:
        return f"<ProtectedIdentity {self.pk}>"


class Open311Key(models.Model):
    """An API key an administrator issues to an integration (Open311 GeoReport v2 `api_key`)."""

    name = models.CharField(_("integration"), max_length=150)
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("units covered"),
        on_delete=models.PROTECT,
        help_text=_("Requests may be filed for this unit and the units below it."),
    )
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("key starts with"), max_length=8, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class QueuedPetition(models.Model):
    """A petition the API acknowledged without waiting for it to be registered (`Prefer: respond-async`).

    The row is written and committed before the client hears 202 with the tracking code, so nothing
    acknowledged is lost; a job (`tasks.register_queued_petitions`) then registers it as a `Petition` with the
    same tracking code and the day it was received, which is the day the deadlines count from. What was
    filed, identity included, is kept encrypted in `payload` until then and erased once registered."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being registered")
        REGISTERED = "registered", _("Registered")

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("sent to"), on_delete=models.PROTECT, related_name="+"
    )
    tracking_code = models.CharField(_("tracking code"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    received_on = models.DateField(_("received on"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    payload = models.BinaryField(editable=False)
    phone_digest = models.CharField(max_length=64, blank=True, editable=False)
    email_digest = models.CharField(max_length=64, blank=True, editable=False)
    is_anonymous = models.BooleanField(default=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    petition = models.OneToOneField(
        Petition, null=True, blank=True, on_delete=models.SET_NULL, related_name="queued_as"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    registered_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("queued petition")
        verbose_name_plural = _("queued petitions")
        indexes = [
            models.Index(
                fields=["id"], condition=models.Q(status="pending"), name="petitions_queued_pending_idx"
            )
        ]

    def __str__(self) -> str:
        return self.tracking_code

    def __repr__(self) -> str:
        return f"<QueuedPetition {self.tracking_code} {self.status}>"
