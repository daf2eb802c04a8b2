"""Disclosure (công khai): what a commune, an agency or an enterprise must make known, through which channels and
for how long (Luật 10/2022/QH15 Art. 11–14, 46–48, 64–65; LEGAL.md §1.a, §1.e, §1.f).

A `Publication` is one disclosed item (e.g. "Dự toán ngân sách xã năm 2026") in a legal `Category`. Its content
lives in numbered `PublicationVersion`s: a change is published as a new version and the old ones are kept. Each
version is made known through `Posting`s, one per channel and place (the portal, the notice board at the seat, the
notice board of a named thôn, the loudspeaker, …) with its start and end dates and who confirmed it (a photo for a
notice board). Compliance (published late, posted too briefly, missing, outdated) is computed from these rows.
Every publication, version, posting and withdrawal is written to the ledger, which is what the public proof
page checks.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dancoso.core.scoping import ScopedQuerySet


class Regime(models.TextChoices):
    """Which part of the law a unit discloses under (legal.regime_of_unit)."""

    COMMUNE = "commune", _("Commune, ward, special zone (Art. 11–14)")
    AGENCY = "agency", _("State agency, public service unit (Art. 46–48)")
    ENTERPRISE = "enterprise", _("Enterprise (Art. 64–65)")


class Channel(models.TextChoices):
    """Forms of disclosure (Art. 12.1, 13, 48)."""

    PORTAL = "portal", _("Portal (this website)")
    SEAT_BOARD = "seat_board", _("Notice board at the seat")
    VILLAGE_BOARD = "village_board", _("Notice board in a village (thôn, tổ dân phố)")
    LOUDSPEAKER = "loudspeaker", _("Loudspeaker (truyền thanh)")
    VILLAGE_HEAD = "village_head", _("Through the village head")
    SOCIAL_GROUP = "social_group", _("Zalo or social network group")
    SMS = "sms", _("SMS")


# How documents (the quarterly list, reports) name the forms of disclosure, in Vietnamese whatever the reader's
# language: the labels above are for screens ("Portal (this website)").
CHANNEL_WORDING_VI = {
    Channel.PORTAL: "Đăng trên Cổng thông tin điện tử",
    Channel.SEAT_BOARD: "Niêm yết tại trụ sở",
    Channel.VILLAGE_BOARD: "Niêm yết tại thôn, tổ dân phố",
    Channel.LOUDSPEAKER: "Thông báo trên hệ thống truyền thanh",
    Channel.VILLAGE_HEAD: "Thông qua trưởng thôn, tổ trưởng tổ dân phố",
    Channel.SOCIAL_GROUP: "Nhóm Zalo, mạng xã hội",
    Channel.SMS: "Tin nhắn SMS",
}


# Channels whose posting is proven with a photo of the board.
BOARD_CHANNELS = frozenset({Channel.SEAT_BOARD, Channel.VILLAGE_BOARD})
# Channels that name a village (thôn, tổ dân phố) of the unit.
VILLAGE_CHANNELS = frozenset({Channel.VILLAGE_BOARD, Channel.VILLAGE_HEAD})


class Audience(models.TextChoices):
    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("Internal: the unit's own staff or workers only")


class Category(models.Model):
    """An item of the legal list (Art. 11 for communes, Art. 46 for agencies, Art. 64 for enterprises) with what
    it requires. Seeded by a migration with LEGAL.md's list; an administrator may correct or add rows."""

    regime = models.CharField(_("regime"), max_length=20, choices=Regime.choices)
    number = models.PositiveSmallIntegerField(_("item number"), null=True, blank=True)
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("name in English"), max_length=300, blank=True)
    article = models.CharField(_("legal basis"), max_length=200)
    is_permanent = models.BooleanField(
        _("posted permanently"), default=False, help_text=_("Posted permanently and updated when it changes.")
    )
    needs_notice_boards = models.BooleanField(
        _("needs notice boards"),
        default=False,
        help_text=_("Posted at the seat (and, for a commune, in every village) for the minimum period."),
    )
    needs_loudspeaker = models.BooleanField(_("needs the loudspeaker"), default=False)
    needs_village_head = models.BooleanField(_("needs the village heads"), default=False)
    is_quarterly_list = models.BooleanField(_("quarterly list of disclosures"), default=False, editable=False)
    default_audience = models.CharField(
        _("default audience"), max_length=10, choices=Audience.choices, default=Audience.PUBLIC
    )
    position = models.PositiveSmallIntegerField(pgettext_lazy("disclosure", "position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["regime", "position", "number"]
        verbose_name = _("disclosure category")
        verbose_name_plural = _("disclosure categories")

    def __str__(self) -> str:
        return f"{self.number}. {self.name}" if self.number else self.name

    @property
    def label(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class DisclosureRule(models.Model):
    """An administrator's value for one timing rule from a given date (legal.DEFAULT_RULES are the defaults)."""

    class DayType(models.TextChoices):
        WORKING = "working", _("working days")
        CALENDAR = "calendar", _("days")

    rule = models.CharField(_("rule"), max_length=60, db_index=True)
    valid_from = models.DateField(_("applies from"))
    days = models.PositiveSmallIntegerField(
        _("days"), validators=[MinValueValidator(1), MaxValueValidator(3650)]
    )
    day_type = models.CharField(_("counted in"), max_length=10, choices=DayType.choices)
    article = models.CharField(_("legal basis"), max_length=200)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["rule", "valid_from"]
        verbose_name = _("disclosure rule")
        verbose_name_plural = _("disclosure rules")
        constraints = [
            models.UniqueConstraint(fields=["rule", "valid_from"], name="disclosure_rule_once_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.rule} ≥ {self.valid_from:%d/%m/%Y}: {self.days} {self.get_day_type_display()}"


class DisclosurePlan(models.Model):
    """A unit's yearly disclosure plan (Art. 14: what, how, when, for how long, who is responsible)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")

    unit = models.ForeignKey("units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2023), MaxValueValidator(2100)]
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    document_number = models.CharField(_("number and symbol"), max_length=60, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("disclosure plan")
        verbose_name_plural = _("disclosure plans")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="disclosure_one_plan_per_year")]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}"


class PlanItem(models.Model):
    """One line of a plan: what is disclosed, how (channels), by when, for how long, who is responsible."""

    plan = models.ForeignKey(DisclosurePlan, on_delete=models.CASCADE, related_name="items")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    content = models.CharField(_("what"), max_length=300)
    channels = models.JSONField(_("how"), default=list)
    due_on = models.DateField(_("by when"))
    duration_days = models.PositiveSmallIntegerField(
        _("for how long (days)"), null=True, blank=True, help_text=_("Empty for an item posted permanently.")
    )
    responsible = models.CharField(_("responsible"), max_length=200)
    note = models.CharField(_("note"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "due_on", "position", "pk"]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")

    def __str__(self) -> str:
        return self.content


class PublicationQuerySet(ScopedQuerySet):
    def public(self) -> "PublicationQuerySet":
        """What anyone may read: published, not withdrawn, for the public."""
        return self.filter(state=Publication.State.PUBLISHED, audience=Audience.PUBLIC)

    def readable_by(self, user) -> "PublicationQuerySet":
        """Published items `user` may read on the site: the public ones, and the internal ones of the units
        where `user` holds a membership of their own (Art. 46, 64: the unit's staff or workers)."""
        from dancoso.accounts.scoping import current_memberships

        published = self.filter(state=Publication.State.PUBLISHED)
        own_units = sorted({m.unit_id for m in current_memberships(user)}) if user.is_authenticated else []
        return published.filter(
            models.Q(audience=Audience.PUBLIC) | models.Q(audience=Audience.INTERNAL, unit_id__in=own_units)
        )


class Publication(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", pgettext_lazy("disclosure", "Withdrawn")

    unit = models.ForeignKey("units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("code"), max_length=20, unique=True)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.PUBLIC
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    # The current version's fields, copied here for lists, search and compliance (kept in step by services).
    title = models.CharField(pgettext_lazy("disclosure", "title"), max_length=300)
    decision_date = models.DateField(_("date of the decision"))
    document_number = models.CharField(_("number and symbol"), max_length=60, blank=True)
    search_key = models.TextField(editable=False, default="")
    current_version = models.ForeignKey(
        "PublicationVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version_count = models.PositiveSmallIntegerField(default=0, editable=False)
    # The first day it was made known through any channel (None while a draft).
    disclosed_on = models.DateField(_("disclosed on"), null=True, blank=True, db_index=True)
    period_label = models.CharField(
        _("period"), max_length=20, blank=True, help_text=_("E.g. 2026, 2026-Q3, 2026-H1 for periodic items.")
    )
    plan_item = models.ForeignKey(
        PlanItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="publications"
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["-disclosed_on", "-pk"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        indexes = [
            models.Index(
                fields=["unit", "state", "audience", "-disclosed_on"], name="disclosure_unit_latest_idx"
            ),
            models.Index(fields=["unit", "category", "state"], name="disclosure_unit_category_idx"),
            # The public pages' counts per category (public_views.summary): an index-only scan per unit.
            models.Index(fields=["unit", "state", "audience", "category"], name="disclosure_unit_counts_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.state == self.State.PUBLISHED and self.audience == Audience.PUBLIC


class PublicationVersion(models.Model):
    """What was disclosed, as it was: never changed once published. A change is a new version."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="versions")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(_("version"))
    title = models.CharField(pgettext_lazy("disclosure", "title"), max_length=300)
    body = models.TextField(_("content"), blank=True)
    decision_date = models.DateField(_("date of the decision"))
    document_number = models.CharField(_("number and symbol"), max_length=60, blank=True)
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)
    # SHA-256 of the canonical content (legal.content_digest): title, body, decision, attachments' digests.
    content_digest = models.CharField(_("content digest"), max_length=64, db_index=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["publication", "number"]
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        constraints = [
            models.UniqueConstraint(fields=["publication", "number"], name="disclosure_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.publication.code} v{self.number}"


class Posting(models.Model):
    """A version made known through one channel at one place, from a day to a day (end empty: until further
    notice). `taken_down_on` is the day it actually stopped, when earlier than planned."""

    version = models.ForeignKey(PublicationVersion, on_delete=models.CASCADE, related_name="postings")
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="postings")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    place = models.ForeignKey(
        "units.Unit",
        verbose_name=_("village"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("For a village notice board or the village head."),
    )
    place_text = models.CharField(_("place or group"), max_length=200, blank=True)
    start_on = models.DateField(_("from"))
    end_on = models.DateField(_("until"), null=True, blank=True)
    taken_down_on = models.DateField(_("taken down on"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proof = models.ForeignKey(
        "core.Attachment",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["start_on", "channel", "pk"]
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        indexes = [models.Index(fields=["unit", "channel", "start_on"], name="disclosure_posting_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_on__isnull=True) | models.Q(end_on__gte=models.F("start_on")),
                name="disclosure_posting_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.start_on:%d/%m/%Y}"

    @property
    def last_day(self):
        """The last day it was (or will be) up: the earlier of the planned end and the day taken down."""
        ends = [day for day in (self.end_on, self.taken_down_on) if day is not None]
        return min(ends) if ends else None

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None
