"""Report types (a template plus ordered sections), the reports units write from them, their sections, events and
numbering (NĐ 30/2020 Art. 15: numbers restart at 01 each 1 January)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dancoso.core.scoping import ScopedQuerySet
from dancoso.units.models import Unit


class PeriodKind(models.TextChoices):
    HALF = "half", _("Six months")
    YEAR = "year", _("Year")


class SectionKind(models.TextChoices):
    NARRATIVE = "narrative", _("Narrative text")
    FIGURES = "figures", _("Figures and sentences from the platform")
    MANUAL = "manual", _("Figures entered by hand")


class SignerMode(models.TextChoices):
    HEAD = "", _("The head signs")
    TM = "TM", _("TM. (on behalf of the collective)")
    KT = "KT", _("KT. (a deputy signs for the head)")
    Q = "Q", _("Q. (acting head)")
    TL = "TL", _("TL. (by order)")
    TUQ = "TUQ", _("TUQ. (by authorisation)")


class ReportType(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=300)
    summary = models.CharField(
        _("summary (trích yếu)"),
        max_length=500,
        help_text=_("May use {period} and {next_period}, e.g. “Kết quả thực hiện dân chủ ở cơ sở {period}”."),
    )
    period_kind = models.CharField(_("period"), max_length=10, choices=PeriodKind.choices)
    data_cutoff = models.BooleanField(
        _("count from the 15th of the month before the period"),
        default=False,
        help_text=_(
            "NĐ 09/2019/NĐ-CP Art. 12: six-month figures from 15/12 of the previous year to 14/6, yearly "
            "figures from 15/12 to 14/12. Off: the calendar half or year."
        ),
    )
    deadlines = models.JSONField(
        _("deadlines"),
        default=dict,
        blank=True,
        help_text=_('Day and month each period is due, by period number: {"1": "20/06", "2": "20/12"}.'),
    )
    reminder_days = models.PositiveSmallIntegerField(_("remind this many days before"), default=5)
    template = models.FileField(_("Word template"), upload_to="reports/templates/", blank=True)
    template_uploaded_at = models.DateTimeField(_("template uploaded at"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("report type")
        verbose_name_plural = _("report types")

    def __str__(self) -> str:
        return self.name


class ReportTypeSection(models.Model):
    report_type = models.ForeignKey(ReportType, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(_("position"))
    key = models.SlugField(_("key"), max_length=60)
    heading = models.CharField(_("heading"), max_length=300, blank=True)
    level = models.PositiveSmallIntegerField(
        _("level"), default=1, help_text=_("1: “I. …”, 2: “1. …”, 3: “a) …”")
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=SectionKind.choices, default=SectionKind.NARRATIVE
    )
    providers = models.JSONField(_("figure providers"), default=list, blank=True)
    manual_table = models.CharField(_("table entered by hand"), max_length=60, blank=True)
    default_text = models.TextField(_("starting text"), blank=True)
    guidance = models.TextField(_("guidance for staff"), blank=True)

    class Meta:
        ordering = ["report_type", "position"]
        constraints = [
            models.UniqueConstraint(fields=["report_type", "key"], name="reports_type_section_key"),
            models.UniqueConstraint(fields=["report_type", "position"], name="reports_type_section_position"),
        ]
        verbose_name = _("report type section")
        verbose_name_plural = _("report type sections")

    def __str__(self) -> str:
        return self.heading or self.key


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned with comments")
    SUPERSEDED = "superseded", _("Replaced by a new version")


class ReportQuerySet(ScopedQuerySet):
    def current(self):
        return self.exclude(state=ReportState.SUPERSEDED)


class Report(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reports")
    report_type = models.ForeignKey(ReportType, on_delete=models.PROTECT, related_name="reports")
    period = models.CharField(_("period"), max_length=10)  # reports.periods.Period as text: "2026-H1"
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous_version = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_version"
    )
    state = models.CharField(
        _("state"), max_length=12, choices=ReportState.choices, default=ReportState.DRAFT
    )
    # NĐ 30/2020 document fields
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    symbol = models.CharField(_("symbol"), max_length=40, default="BC-UBND")
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=100)
    parent_body = models.CharField(_("parent body"), max_length=200, blank=True)
    issuing_body = models.CharField(_("issuing body"), max_length=200)
    signer_mode = models.CharField(_("signs as"), max_length=4, choices=SignerMode.choices, blank=True)
    signer_collective = models.CharField(_("on behalf of"), max_length=120, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=120, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=120, blank=True)
    addressees = models.TextField(_("to (Kính gửi)"), blank=True, help_text=_("One per line."))
    recipients = models.TextField(_("recipients (Nơi nhận)"), blank=True, help_text=_("One per line."))
    archive = models.CharField(_("archive (Lưu: VT, …)"), max_length=40, default="VP")
    acknowledged = models.JSONField(_("warnings acknowledged"), default=list, blank=True)
    return_comment = models.TextField(_("comments when returned"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "unit", "report_type", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "report_type", "period", "version"], name="reports_report_version"
            ),
            models.UniqueConstraint(
                fields=["unit", "report_type", "period"],
                condition=~models.Q(state="superseded"),
                name="reports_one_current_report",
            ),
        ]
        indexes = [models.Index(fields=["report_type", "period", "state"], name="reports_tracker_idx")]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return f"{self.report_type} {self.period} – {self.unit}"


class ReportSection(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField()
    key = models.SlugField(max_length=60)
    heading = models.CharField(max_length=300, blank=True)
    level = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(max_length=12, choices=SectionKind.choices)
    text = models.TextField(_("text"), blank=True)
    # FIGURES: the providers' figures and sentences as computed (refreshed until submission);
    # MANUAL: the values typed or imported ({"received": 4410, …}).
    data = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["report", "position"]
        constraints = [models.UniqueConstraint(fields=["report", "key"], name="reports_section_key")]

    def __str__(self) -> str:
        return self.heading or self.key


class ReportEvent(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["report", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"


class ReportNumber(models.Model):
    """The last number given to a unit's documents of one symbol in one year (NĐ 30/2020 Art. 15)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    symbol = models.CharField(max_length=40)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "symbol"], name="reports_number_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.last:02d}/{self.symbol} ({self.year})"
