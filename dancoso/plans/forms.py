"""Forms of the staff plan pages. They only read input: the services check and write."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dancoso.core.forms import DateInput
from dancoso.plans import measures
from dancoso.plans.models import REPORTED_STATUSES, Measurement, Plan, TargetUnit, ValueKind
from dancoso.units.models import SETTLEMENT_KINDS, Unit


def _year_field(label):
    return forms.IntegerField(label=label, min_value=2000, max_value=2100)


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    number = forms.CharField(label=_("Number and symbol"), max_length=60, required=False)
    issued_on = forms.DateField(
        label=_("Issued on"), required=False, widget=DateInput(), help_text=_("Leave empty while a draft.")
    )
    parent = forms.ModelChoiceField(
        label=_("Implements the plan"), queryset=Plan.objects.none(), required=False
    )
    implements = forms.CharField(
        label=_("Implements (document)"),
        max_length=500,
        required=False,
        help_text=_("For example: Nghị quyết số 36/NQ-HĐND ngày 29/4/2026 của HĐND tỉnh."),
    )
    start_year = _year_field(_("From year"))
    end_year = _year_field(_("To year"))
    report_due = forms.CharField(
        label=_("Yearly report due (day/month)"),
        max_length=5,
        required=False,
        help_text=_("For example 25/11."),
    )

    def __init__(self, *args, parents=None, **kwargs):
        super().__init__(*args, **kwargs)
        year = timezone.localdate().year
        self.fields["start_year"].initial = year
        self.fields["end_year"].initial = year
        if parents is not None:
            self.fields["parent"].queryset = parents
        else:
            del self.fields["parent"]


class IssueForm(forms.Form):
    number = forms.CharField(label=_("Number and symbol"), max_length=60, required=False)
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=DateInput())


class IndicatorForm(forms.Form):
    text = forms.CharField(label=_("Indicator"), widget=forms.Textarea(attrs={"rows": 3}))
    phrase = forms.CharField(
        label=_("As a report states it"),
        max_length=300,
        help_text=_("After “35/37 đơn vị (94,6%)”: for example “đã ban hành kế hoạch triển khai”."),
    )
    target = forms.DecimalField(label=_("Target"), max_digits=12, decimal_places=2, initial=100)
    target_unit = forms.ChoiceField(label=_("Target unit"), choices=TargetUnit.choices)
    measurement = forms.ChoiceField(label=_("Measured"), choices=Measurement.choices)
    measure = forms.ChoiceField(label=_("Computed measure"), required=False)
    value_kind = forms.ChoiceField(label=_("What units enter"), choices=ValueKind.choices)
    unit_word = forms.CharField(label=_("What is counted"), max_length=60, initial="đơn vị")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [("", "—"), *measures.choices()]


class TaskForm(forms.Form):
    section = forms.CharField(label=_("Section of the plan"), max_length=200, required=False)
    text = forms.CharField(label=_("Task"), widget=forms.Textarea(attrs={"rows": 3}))
    assignees = forms.ModelMultipleChoiceField(
        label=_("Assigned to"), queryset=Unit.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DateInput())

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignees"].queryset = (
            Unit.objects.subtree(plan.unit)
            .filter(is_active=True)
            .exclude(kind__in=SETTLEMENT_KINDS)
            .filter(depth__lte=plan.unit.depth + 1)
            .order_by("path")
        )


class ValueForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    value = forms.DecimalField(label=_("Value"), min_value=0, max_digits=12, decimal_places=2)
    whole = forms.DecimalField(
        label=_("Out of"), min_value=0, max_digits=12, decimal_places=2, required=False
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        if indicator.value_kind == ValueKind.YES_NO:
            self.fields["value"] = forms.TypedChoiceField(
                label=_("Done"),
                choices=[("1", _("Yes")), ("0", _("No"))],
                coerce=int,
                widget=forms.RadioSelect,
            )
        if indicator.value_kind != ValueKind.RATIO:
            del self.fields["whole"]
        else:
            self.fields["value"].label = _("Number")
            self.fields["whole"].required = True


class TaskReportForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=REPORTED_STATUSES)
    text = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    reported_on = forms.DateField(label=_("Date"), widget=DateInput())


class SnapshotForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
