"""Forms of the staff report pages. They only read input: the services check and write."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dancoso.reports import manual
from dancoso.reports.models import ReportType, SignerMode
from dancoso.reports.periods import Period


class NewReportForm(forms.Form):
    report_type = forms.ModelChoiceField(
        label=_("Report"), queryset=ReportType.objects.filter(is_active=True), empty_label=None
    )
    period = forms.CharField(
        label=_("Period"),
        max_length=10,
        help_text=_("2026-H1 (six months), 2026-H2 or 2026 (a year)."),
    )

    def clean_period(self):
        try:
            return str(Period.parse(self.cleaned_data["period"]))
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error


class SectionTextForm(forms.Form):
    text = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One paragraph per line; start a line with “- ” or “+ ” for a list."),
    )


def manual_form_class(table_key: str) -> type[forms.Form]:
    """A form with one text field per figure of the table (numbers typed the Vietnamese way: 4.410; 97,61)."""
    table = manual.TABLES[table_key]
    fields = {
        field.name: forms.CharField(
            label=field.label,
            required=False,
            max_length=20,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        )
        for field in table.fields
    }
    return type(f"ManualForm_{table_key}", (forms.Form,), fields)


class ManualImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_(
            "Two columns: the figure (as in the table) and its value; the first row may be a header."
        ),
    )


class DocumentForm(forms.Form):
    parent_body = forms.CharField(label=_("Parent body"), max_length=200, required=False)
    issuing_body = forms.CharField(label=_("Issuing body"), max_length=200)
    symbol = forms.CharField(label=_("Symbol"), max_length=40, help_text=_("For example BC-UBND."))
    place = forms.CharField(label=_("Place"), max_length=100)
    signer_mode = forms.ChoiceField(label=_("Signs as"), choices=SignerMode.choices, required=False)
    signer_collective = forms.CharField(label=_("On behalf of"), max_length=120, required=False)
    signer_title = forms.CharField(label=_("Signer's title"), max_length=120, required=False)
    signer_name = forms.CharField(label=_("Signer's name"), max_length=120, required=False)
    addressees = forms.CharField(
        label=_("To (Kính gửi)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    recipients = forms.CharField(
        label=_("Recipients (Nơi nhận)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    archive = forms.CharField(label=_("Archive (Lưu: VT, …)"), max_length=40)


class SubmitForm(forms.Form):
    acknowledge = forms.MultipleChoiceField(
        label=_("I have checked these warnings"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, warnings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["acknowledge"].choices = [(w.code, w.message) for w in warnings]


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accept", _("Accept")), ("return", _("Return with comments"))]
    )
    comment = forms.CharField(label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReviseForm(forms.Form):
    reason = forms.CharField(label=_("Why it must change"), widget=forms.Textarea(attrs={"rows": 2}))


class TrackerForm(forms.Form):
    report_type = forms.ModelChoiceField(
        label=_("Report"), queryset=ReportType.objects.filter(is_active=True), empty_label=None
    )
    period = forms.CharField(label=_("Period"), max_length=10)

    def clean_period(self):
        try:
            return str(Period.parse(self.cleaned_data["period"]))
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error


class GenerateForm(NewReportForm):
    """The reports of every unit below, and the unit's own, as one .zip (a background job)."""

    file_format = forms.ChoiceField(
        label=pgettext_lazy("reports", "Format"),
        choices=[("docx", _("Word (.docx)")), ("pdf", _("PDF (.pdf)")), ("xlsx", _("Excel annex (.xlsx)"))],
        initial="docx",
    )

    def clean(self):
        data = super().clean()
        report_type, period = data.get("report_type"), data.get("period")
        if report_type and period:
            kind = Period.parse(period).kind
            if report_type.period_kind == "half" and kind != "half":
                self.add_error(
                    "period", _("This report is written for six months: write the period as 2026-H1.")
                )
            if report_type.period_kind == "year" and kind != "year":
                self.add_error("period", _("This report is written for a year: write the period as 2026."))
        return data
