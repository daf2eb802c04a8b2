"""Admin for work calendars: each calendar with its overrides inline, a list of all overrides filtered by year
and kind, and a page previewing one year's holidays. Writes go through the actions in core.calendar, which
record them in the ledger."""

from datetime import date

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template import engines
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dancoso.core import calendar as work_calendar
from dancoso.core.models import CalendarOverride, WorkCalendar

# Kept here rather than in a template file: the page is small and only the admin uses it. Labels come from
# gettext in `preview_view` so that makemessages sees them.
_PREVIEW_TEMPLATE = """{% extends "admin/base_site.html" %}
{% block breadcrumbs %}<div class="breadcrumbs">
<a href="{% url 'admin:index' %}">{{ labels.home }}</a> &rsaquo;
<a href="{% url 'admin:core_workcalendar_changelist' %}">{{ opts.verbose_name_plural|capfirst }}</a> &rsaquo;
<a href="{% url 'admin:core_workcalendar_change' calendar.pk %}">{{ calendar }}</a> &rsaquo; {{ year }}
</div>{% endblock %}
{% block content %}
<p>
  <a class="button" href="?year={{ previous_year }}">&lsaquo; {{ previous_year }}</a>
  <a class="button" href="?year={{ next_year }}">{{ next_year }} &rsaquo;</a>
</p>
<p>{{ summary }}</p>
<table>
  <thead><tr>
    <th scope="col">{{ labels.date }}</th><th scope="col">{{ labels.weekday }}</th>
    <th scope="col">{{ labels.name }}</th><th scope="col">{{ labels.status }}</th>
    <th scope="col">{{ labels.set_by }}</th><th scope="col">{{ labels.source }}</th>
  </tr></thead>
  <tbody>
  {% for day in days %}
    <tr>
      <td>{{ day.date|date:"d/m/Y" }}</td><td>{{ day.date|date:"l" }}</td><td>{{ day.name }}</td>
      <td>{% if day.is_working_day %}{{ labels.working_day }}{% else %}{{ labels.day_off }}{% endif %}</td>
      <td>{{ day.calendar_code|default:labels.statutory }}</td><td>{{ day.source }}</td>
    </tr>
  {% empty %}
    <tr><td colspan="6">{{ labels.nothing }}</td></tr>
  {% endfor %}
  </tbody>
</table>
{% endblock %}
"""


class YearListFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = CalendarOverride.objects.dates("date", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(date__year=int(value))
        return queryset


class WorkCalendarForm(forms.ModelForm):
    class Meta:
        model = WorkCalendar
        fields = ("code", "name", "parent", "include_statutory_holidays")

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        try:
            work_calendar.validate_parent(self.instance, parent)
        except ValidationError as error:
            raise ValidationError(error.messages) from error
        return parent


class CalendarOverrideInline(admin.TabularInline):
    model = CalendarOverride
    fields = ("date", "kind", "name", "source")
    ordering = ("-date",)
    extra = 1


def _preview_url(calendar_pk: int, year: int) -> str:
    return reverse("admin:core_workcalendar_preview", args=[calendar_pk]) + f"?year={year}"


@admin.register(WorkCalendar)
class WorkCalendarAdmin(admin.ModelAdmin):
    form = WorkCalendarForm
    list_display = ("name", "code", "parent", "include_statutory_holidays", "override_count", "preview_link")
    search_fields = ("name", "code")
    list_filter = ("include_statutory_holidays",)
    readonly_fields = ("preview_link",)
    inlines = (CalendarOverrideInline,)
    actions = ("preview_holidays",)

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("parent").annotate(override_total=Count("overrides"))
        )

    @admin.display(description=_("overrides"), ordering="override_total")
    def override_count(self, obj: WorkCalendar) -> int:
        return getattr(obj, "override_total", 0)

    @admin.display(description=_("holidays of the year"))
    def preview_link(self, obj: WorkCalendar) -> str:
        if obj is None or obj.pk is None:
            return "—"
        year = timezone.localdate().year
        return format_html(
            '<a class="button" href="{}">{}</a>',
            _preview_url(obj.pk, year),
            gettext("Preview %(year)s") % {"year": year},
        )

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.code == work_calendar.NATIONAL_CODE:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        work_calendar.save_calendar(obj, actor=request.user)

    def save_formset(self, request, form, formset, change):
        overrides = formset.save(commit=False)
        for override in formset.deleted_objects:
            work_calendar.delete_override(override, actor=request.user)
        for override in overrides:
            work_calendar.save_override(override, actor=request.user)

    def delete_model(self, request, obj):
        work_calendar.delete_calendar(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for calendar in queryset:
            work_calendar.delete_calendar(calendar, actor=request.user)

    @admin.action(description=_("Preview this year's holidays"), permissions=["view"])
    def preview_holidays(self, request, queryset):
        calendar = queryset.order_by("pk").first()
        if calendar is None:
            return None
        if queryset.count() > 1:
            self.message_user(
                request, gettext("Only the first selected calendar is shown."), messages.WARNING
            )
        return HttpResponseRedirect(_preview_url(calendar.pk, timezone.localdate().year))

    def get_urls(self):
        preview = path(
            "<path:object_id>/preview/",
            self.admin_site.admin_view(self.preview_view),
            name="core_workcalendar_preview",
        )
        return [preview, *super().get_urls()]

    def preview_view(self, request, object_id):
        calendar = get_object_or_404(WorkCalendar, pk=object_id)
        if not self.has_view_permission(request, calendar):
            raise PermissionDenied
        year_text = request.GET.get("year", "")
        year = (
            int(year_text)
            if year_text.isdigit() and 1995 <= int(year_text) <= 2100
            else timezone.localdate().year
        )
        first, last = date(year, 1, 1), date(year, 12, 31)
        working_days = work_calendar.working_days_between(date(year - 1, 12, 31), last, calendar)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("%(calendar)s: holidays of %(year)s") % {"calendar": calendar, "year": year},
            "calendar": calendar,
            "year": year,
            "previous_year": year - 1,
            "next_year": year + 1,
            "days": work_calendar.holidays_between(first, last, calendar),
            "summary": gettext("%(count)d working days in %(year)s.") % {"count": working_days, "year": year},
            "labels": {
                "home": gettext("Home"),
                "date": gettext("Date"),
                "weekday": gettext("Day of the week"),
                "name": gettext("Name"),
                "status": gettext("Status"),
                "set_by": gettext("Set by"),
                "source": gettext("Source"),
                "working_day": gettext("Working day"),
                "day_off": gettext("Day off"),
                "statutory": gettext("statutory list"),
                "nothing": gettext("No holidays or overrides in this year."),
            },
        }
        template = engines["django"].from_string(_PREVIEW_TEMPLATE)
        return TemplateResponse(request, template, context)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name", "calendar", "source")
    list_filter = (YearListFilter, "kind", "calendar")
    search_fields = ("name", "source")
    date_hierarchy = "date"
    list_select_related = ("calendar",)
    ordering = ("-date",)

    def save_model(self, request, obj, form, change):
        work_calendar.save_override(obj, actor=request.user)

    def delete_model(self, request, obj):
        work_calendar.delete_override(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for override in queryset.select_related("calendar"):
            work_calendar.delete_override(override, actor=request.user)
