"""Admin for report types (their sections inline and their Word template) and a read-only list of reports.

An uploaded template is checked (reports.document.template_problems) before anything is saved: a template with
problems is refused with each problem listed, and the type keeps the template it had. "Use the default
template" goes back to the NĐ 30 template built by code, which can be downloaded here as the starting point of
a new one. Saving goes through reports.services (ledger); reports themselves are changed only on the staff
pages, by their workflow.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from dancoso.core.admin import ReadOnlyAdmin
from dancoso.reports import services
from dancoso.reports.document import default_template, template_problems
from dancoso.reports.exports import FORMATS
from dancoso.reports.models import Report, ReportType, ReportTypeSection

MAX_TEMPLATE_BYTES = 5 * 1024 * 1024


def _adopt(target, saved) -> None:
    """Make the admin's instance the row the service saved, so the admin can log and redirect."""
    for field in target._meta.concrete_fields:
        setattr(target, field.attname, getattr(saved, field.attname))
    target._state.adding = False


class ReportTypeForm(forms.ModelForm):
    upload = forms.FileField(
        label=_("Upload a new Word template (.docx)"),
        required=False,
        help_text=_(
            "It is checked before it is used: unknown or missing placeholders, Jinja errors and a trial fill "
            "with a sample report. A template with problems is refused and the current one is kept."
        ),
    )
    use_default = forms.BooleanField(
        label=_("Use the default NĐ 30 template"),
        required=False,
        help_text=_("The uploaded template is deleted and reports are written with the built-in template."),
    )

    class Meta:
        model = ReportType
        fields = (
            "slug",
            "name",
            "summary",
            "period_kind",
            "data_cutoff",
            "deadlines",
            "reminder_days",
            "position",
            "is_active",
        )

    def clean_deadlines(self):
        deadlines = self.cleaned_data.get("deadlines")
        try:
            services.check_deadlines(deadlines or {})
        except ValidationError as error:
            raise ValidationError(error.message_dict["deadlines"]) from error
        return deadlines or {}

    def clean(self):
        data = super().clean()
        upload = data.get("upload")
        if upload and data.get("use_default"):
            raise ValidationError(_("Upload a template or go back to the default one, not both."))
        if upload:
            if upload.size > MAX_TEMPLATE_BYTES:
                self.add_error("upload", _("The template is larger than 5 MB."))
                return data
            content = upload.read()
            problems = template_problems(content)
            if problems:
                self.add_error("upload", [gettext("The template was not accepted:"), *problems])
            else:
                self.template_bytes = content
        return data


class ReportTypeSectionForm(forms.ModelForm):
    class Meta:
        model = ReportTypeSection
        fields = services.SECTION_FIELDS

    def clean(self):
        data = super().clean()
        if not self.errors:
            probe = ReportTypeSection(
                kind=data.get("kind", ""),
                providers=data.get("providers") or [],
                manual_table=data.get("manual_table", ""),
            )
            try:
                services.check_type_section(probe)
            except ValidationError as error:
                for name, problems in error.message_dict.items():
                    self.add_error(name, problems)
        return data


class ReportTypeSectionInline(admin.StackedInline):
    model = ReportTypeSection
    form = ReportTypeSectionForm
    extra = 0
    ordering = ("position",)


@admin.register(ReportType)
class ReportTypeAdmin(admin.ModelAdmin):
    form = ReportTypeForm
    inlines = [ReportTypeSectionInline]
    list_display = (
        "name",
        "slug",
        "period_kind",
        "deadlines",
        "reminder_days",
        "template_state",
        "is_active",
    )
    list_filter = ("period_kind", "is_active")
    search_fields = ("name", "slug")
    readonly_fields = ("current_template",)

    def get_readonly_fields(self, request, obj=None):
        # Reports refer to their type by slug in files and commands: it is fixed once the type exists.
        return (*self.readonly_fields, "slug") if obj is not None else self.readonly_fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # written reports keep their type; an unused type is made inactive instead

    @admin.display(description=_("template"))
    def template_state(self, obj) -> str:
        if obj.template:
            return gettext("uploaded %(day)s") % {"day": f"{obj.template_uploaded_at:%d/%m/%Y}"}
        return pgettext("reports", "default")

    @admin.display(description=_("current template"))
    def current_template(self, obj):
        default_link = format_html(
            '<a href="{}">{}</a>',
            reverse("admin:reports_reporttype_default_template"),
            pgettext("reports", "download"),
        )
        if obj is None or not obj.template:
            return format_html("{} ({})", gettext("The default NĐ 30 template"), default_link)
        return format_html(
            "{} · {} ({})",
            gettext("Uploaded on %(day)s") % {"day": f"{obj.template_uploaded_at:%d/%m/%Y %H:%M}"},
            gettext("the default NĐ 30 template"),
            default_link,
        )

    def get_urls(self):
        own = [
            path(
                "default-template.docx",
                self.admin_site.admin_view(self.default_template_view),
                name="reports_reporttype_default_template",
            )
        ]
        return own + super().get_urls()

    def default_template_view(self, request):
        """The built-in template, to change in Word and upload again."""
        response = HttpResponse(default_template(), content_type=FORMATS["docx"])
        response["Content-Disposition"] = 'attachment; filename="mau-bao-cao-nd30.docx"'
        return response

    def save_model(self, request, obj, form, change):
        saved = services.save_report_type(obj, actor=request.user, changed=list(form.changed_data))
        template = getattr(form, "template_bytes", None)
        if template is not None:
            saved = services.upload_template(
                saved, template, filename=form.cleaned_data["upload"].name, actor=request.user
            )
            messages.success(request, gettext("The template was checked and will be used from now on."))
        elif form.cleaned_data.get("use_default") and saved.template:
            saved = services.reset_template(saved, actor=request.user)
            messages.success(request, gettext("Reports are written with the default NĐ 30 template again."))
        _adopt(obj, saved)

    def save_formset(self, request, form, formset, change):
        for section in formset.save(commit=False):
            services.save_type_section(section, actor=request.user)
        for section in formset.deleted_objects:
            services.delete_type_section(section, actor=request.user)


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("report_type", "unit", "period", "version", "state", "number_display", "issued_on")
    list_filter = ("state", "report_type", "period")
    search_fields = ("unit__name", "unit__code", "period")
    list_select_related = ("unit", "report_type")
    exclude = ("acknowledged",)

    @admin.display(description=_("number"), ordering="number")
    def number_display(self, obj) -> str:
        return f"{obj.number:02d}/{obj.symbol}" if obj.number else "—"
