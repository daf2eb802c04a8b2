"""Plans (kế hoạch) with their indicators (chỉ tiêu) and tasks (nhiệm vụ), the values units enter for the
indicators and the reports they make on their tasks (docs/plans.md).

A province's plan (seeds/004: the Ninh Bình plan implementing Nghị quyết 36/NQ-HĐND) is implemented by its
units, each with a plan of its own that names the province's as its `parent`. Its indicators are measured over
its target units (`target_units`): computed from the platform's data (`measures.py`) or entered by each unit."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dancoso.core.scoping import ScopedQuerySet, scope_for
from dancoso.units.models import PATH_SEGMENT_WIDTH, PATH_SEPARATOR, SETTLEMENT_KINDS, Unit, UnitKind

# The units a plan's indicators are measured over: the plan's unit's direct children that are communes, wards,
# special zones, state agencies or public service units ("cơ quan, đơn vị, địa phương"); villages and
# enterprises are not.
TARGET_KINDS = frozenset(
    {
        UnitKind.COMMUNE,
        UnitKind.WARD,
        UnitKind.SPECIAL_ZONE,
        UnitKind.AGENCY,
        UnitKind.PUBLIC_SERVICE_UNIT,
    }
)
assert not TARGET_KINDS & SETTLEMENT_KINDS


def ancestor_paths_of(path: str) -> list[str]:
    """ "a/b/c/" → ["a/", "a/b/", "a/b/c/"]."""
    width = PATH_SEGMENT_WIDTH + len(PATH_SEPARATOR)
    return [path[: width * (i + 1)] for i in range(len(path) // width)]


class PlanQuerySet(ScopedQuerySet):
    scope_unit_field = "unit"

    def for_user(self, user, permission: str = "plans.view_plan") -> "PlanQuerySet":
        """Plans of the units where `user` holds `permission`, and the plans of the units above them (a commune
        reads the province's plan it implements)."""
        scope = scope_for(user, permission)
        if scope.is_empty:
            return self.none()
        if scope.everywhere:
            return self.all()
        paths = set()
        for prefix in scope.subtree_paths:
            paths.update(ancestor_paths_of(prefix))
        if scope.unit_ids:
            for path in Unit.objects.filter(pk__in=scope.unit_ids).values_list("path", flat=True):
                paths.update(ancestor_paths_of(path))
        return self.filter(Q(unit__path__in=sorted(paths)) | Q(pk__in=self.visible_to(user, permission)))


class Plan(models.Model):
    unit = models.ForeignKey(
        Unit, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="plans"
    )
    title = models.CharField(_("title"), max_length=500)
    number = models.CharField(
        _("number and symbol"), max_length=60, blank=True, help_text=_("For example 156/KH-UBND.")
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    implements = models.CharField(
        _("implements"),
        max_length=500,
        blank=True,
        help_text=_("The resolution or document the plan implements, as the plan names it."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("plan it implements"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="implementations",
    )
    start_year = models.PositiveSmallIntegerField(_("from year"))
    end_year = models.PositiveSmallIntegerField(_("to year"))
    report_due = models.CharField(
        _("yearly report due (day/month)"),
        max_length=5,
        blank=True,
        help_text=_("The day each year the units report on the plan, for example 25/11."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-start_year", "-issued_on", "-pk"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")), name="plans_plan_years_in_order"
            ),
            # A unit implements a plan once.
            models.UniqueConstraint(
                fields=["unit", "parent"], condition=Q(parent__isnull=False), name="plans_one_implementation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    @property
    def is_issued(self) -> bool:
        return self.issued_on is not None

    def target_units(self):
        return Unit.objects.filter(parent=self.unit, kind__in=TARGET_KINDS, is_active=True).order_by("path")


class Measurement(models.TextChoices):
    COMPUTED = "computed", _("Computed from the platform's data")
    ENTERED = "entered", _("Entered by each unit")


class ValueKind(models.TextChoices):
    YES_NO = "yes_no", _("Done or not (each unit answers yes or no)")
    RATIO = "ratio", _("A number out of a total (e.g. 5 of 6 officers trained)")
    NUMBER = "number", _("A number")


class TargetUnit(models.TextChoices):
    PERCENT = "percent", _("percent")
    COUNT = "count", pgettext_lazy("measure", "count")


class Indicator(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("indicator"))
    phrase = models.CharField(
        _("as a report states it"),
        max_length=300,
        help_text=_(
            "What the counted units did, as the report's sentence writes it after "
            "“35/37 đơn vị (94,6%)”: for example “đã ban hành kế hoạch triển khai”."
        ),
    )
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    target_unit = models.CharField(
        _("target unit"), max_length=10, choices=TargetUnit.choices, default=TargetUnit.PERCENT
    )
    measurement = models.CharField(_("measured"), max_length=10, choices=Measurement.choices)
    measure = models.CharField(_("measure"), max_length=80, blank=True)
    value_kind = models.CharField(
        _("what units enter"), max_length=10, choices=ValueKind.choices, default=ValueKind.YES_NO
    )
    unit_word = models.CharField(
        _("what is counted"),
        max_length=60,
        default="đơn vị",
        help_text=_("As written after the number: “đơn vị”, “cán bộ, công chức”."),
    )

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="plans_indicator_position"),
            models.CheckConstraint(
                condition=(Q(measurement="computed") & ~Q(measure=""))
                | (Q(measurement="entered") & Q(measure="")),
                name="plans_indicator_measure_iff_computed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"

    @property
    def is_computed(self) -> bool:
        return self.measurement == Measurement.COMPUTED


class IndicatorValueQuerySet(ScopedQuerySet):
    scope_unit_field = "unit"


class IndicatorValue(models.Model):
    """A unit's value of an indicator for a year: entered by the unit, or a snapshot of the computed value."""

    class Source(models.TextChoices):
        ENTERED = "entered", _("entered")
        SNAPSHOT = "snapshot", _("computed snapshot")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    whole = models.DecimalField(_("out of"), max_digits=12, decimal_places=2, null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ENTERED)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        ordering = ["indicator", "unit__path", "year"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "unit", "year"], name="plans_value_per_unit_year"),
            models.CheckConstraint(condition=Q(value__gte=0), name="plans_value_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.unit_id} {self.year}: {self.value}"


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    OVERDUE = "overdue", _("Overdue")


# What a unit reports on its part of a task; OVERDUE is never reported, it is computed.
REPORTED_STATUSES = (
    (TaskStatus.NOT_STARTED.value, TaskStatus.NOT_STARTED.label),
    (TaskStatus.IN_PROGRESS.value, TaskStatus.IN_PROGRESS.label),
    (TaskStatus.DONE.value, TaskStatus.DONE.label),
)


class TaskQuerySet(ScopedQuerySet):
    scope_unit_field = "plan__unit"


class Task(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    position = models.PositiveSmallIntegerField(_("number"))
    section = models.CharField(
        _("section of the plan"), max_length=200, blank=True, help_text=_("For example “IV.2. Sở Nội vụ”.")
    )
    text = models.TextField(_("task"))
    assignees = models.ManyToManyField(Unit, verbose_name=_("assigned to"), related_name="plan_tasks")
    due_on = models.DateField(_("due on"), null=True, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [models.UniqueConstraint(fields=["plan", "position"], name="plans_task_position")]

    def __str__(self) -> str:
        return f"{self.position}. {self.text[:80]}"


class TaskReportQuerySet(ScopedQuerySet):
    scope_unit_field = "unit"


class TaskReport(models.Model):
    """A unit's update on its part of a task: its status and what it did."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=REPORTED_STATUSES)
    text = models.TextField(_("what was done"))
    reported_on = models.DateField(_("date"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TaskReportQuerySet.as_manager()

    class Meta:
        ordering = ["task", "-reported_on", "-pk"]
        verbose_name = _("task report")
        verbose_name_plural = _("task reports")
        indexes = [models.Index(fields=["task", "unit", "reported_on"], name="plans_report_task_unit")]

    def __str__(self) -> str:
        return f"{self.task_id} {self.unit_id} {self.status}"
