"""Admin for plans: read-only lists. Plans, indicators, values, tasks and reports change only through the staff
pages (services.py), which check the input and write the ledger."""

from django.contrib import admin

from dancoso.core.admin import ReadOnlyAdmin
from dancoso.plans.models import Indicator, IndicatorValue, Plan, Task, TaskReport


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ("title", "number", "unit", "issued_on", "start_year", "end_year", "parent")
    list_filter = ("start_year",)
    search_fields = ("title", "number", "unit__name")


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ("plan", "position", "text", "target", "target_unit", "measurement", "measure")
    list_filter = ("measurement",)


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReadOnlyAdmin):
    list_display = ("indicator", "unit", "year", "value", "whole", "source", "entered_by", "entered_at")
    list_filter = ("year", "source")


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ("plan", "position", "section", "due_on")


@admin.register(TaskReport)
class TaskReportAdmin(ReadOnlyAdmin):
    list_display = ("task", "unit", "status", "reported_on", "reported_by")
    list_filter = ("status",)
