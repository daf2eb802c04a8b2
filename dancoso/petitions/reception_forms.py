"""Forms of the reception pages. They only collect and check input; `reception` does the writing and its
`ValidationError`s are shown next to the fields they name (`apply_service_errors`)."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dancoso.accounts.models import Membership
from dancoso.petitions.models import Kind, ReceptionSchedule, ReceptionSession, Sector, Visit
from dancoso.petitions.reception import format_representatives, online_notice_rule, parse_representatives
from dancoso.units.importing import MAX_FILE_BYTES

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
SHORT_TEXT = forms.Textarea(attrs={"rows": 3})


def _date_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, widget=DATE_WIDGET, input_formats=["%Y-%m-%d", "%d/%m/%Y"], **kwargs)


def _time_field(label, **kwargs) -> forms.TimeField:
    return forms.TimeField(label=label, widget=TIME_WIDGET, **kwargs)


class HostChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


def hosts_of(unit):
    """The people who may be named as hosts: current members of the unit."""
    members = Membership.objects.current().filter(unit=unit).values("user_id")
    return get_user_model().objects.filter(pk__in=members, is_active=True).order_by("full_name")


class FocusFirstErrorMixin:
    """Put the keyboard focus on the first field with an error when the form comes back."""

    def full_clean(self):
        super().full_clean()
        self._focus_first_error()

    def add_error(self, field, error):
        super().add_error(field, error)
        self._focus_first_error()

    def _focus_first_error(self) -> None:
        errors = getattr(self, "_errors", None) or {}
        for form_field in self.fields.values():
            form_field.widget.attrs.pop("autofocus", None)
        for name, form_field in self.fields.items():
            if name in errors:
                form_field.widget.attrs["autofocus"] = True
                return


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's messages next to the fields they name; others at the top of the form."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class ScheduleForm(FocusFirstErrorMixin, forms.Form):
    weekday = forms.TypedChoiceField(
        label=_("Day of the week"), choices=ReceptionSchedule.Weekday.choices, coerce=int
    )
    start_time = _time_field(_("From"))
    end_time = _time_field(_("To"))
    host_title = forms.CharField(
        label=_("Received by (title)"), max_length=150, help_text=_("e.g. Chủ tịch UBND xã")
    )
    host = HostChoiceField(
        label=_("Host"), queryset=get_user_model().objects.none(), required=False, empty_label=_("Not named")
    )
    host_is_head = forms.BooleanField(
        label=_("The head of the unit receives in person"),
        required=False,
        help_text=_("The chairman receives citizens in person at least one day a week (Art. 15.2.d)."),
    )
    location = forms.CharField(label=_("Place"), max_length=300)
    is_online = forms.BooleanField(label=_("Online"), required=False)
    valid_from = _date_field(_("Valid from"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = hosts_of(unit)

    @classmethod
    def initial_from(cls, schedule: ReceptionSchedule) -> dict:
        return {name: getattr(schedule, name) for name in cls.base_fields}


class EndScheduleForm(FocusFirstErrorMixin, forms.Form):
    valid_until = _date_field(
        _("Last day it applies"), required=False, help_text=_("Leave blank to end it today.")
    )


class SessionForm(FocusFirstErrorMixin, forms.Form):
    schedule = forms.ModelChoiceField(
        label=_("Regular reception day"),
        queryset=ReceptionSchedule.objects.none(),
        required=False,
        empty_label=_("None (ad hoc)"),
        help_text=_("Host, place and times left blank are taken from it."),
    )
    kind = forms.ChoiceField(
        label=_("Kind of reception"), choices=ReceptionSession.Kind.choices, widget=forms.RadioSelect
    )
    mode = forms.ChoiceField(label=_("Form"), choices=ReceptionSession.Mode.choices, widget=forms.RadioSelect)
    date = _date_field(_("Date"))
    start_time = _time_field(_("From"), required=False)
    end_time = _time_field(_("To"), required=False)
    host = HostChoiceField(
        label=_("Host"), queryset=get_user_model().objects.none(), required=False, empty_label=_("Not named")
    )
    host_name = forms.CharField(label=_("Received by (name)"), max_length=150, required=False)
    host_title = forms.CharField(label=_("Title"), max_length=150, required=False)
    host_is_head = forms.BooleanField(label=_("The head of the unit received"), required=False)
    location = forms.CharField(
        label=_("Place"),
        max_length=300,
        required=False,
        help_text=_("For an online reception, the meeting room or link."),
    )
    notes = forms.CharField(label=_("Notes"), widget=SHORT_TEXT, required=False)
    notice_on = _date_field(_("Announced on"), required=False)
    notice_channel = forms.CharField(
        label=_("Announced through"),
        max_length=200,
        required=False,
        help_text=_("e.g. the commune's web portal, loudspeakers, the notice board at the commune hall."),
    )
    notice_link = forms.URLField(
        label=_("Link to the announcement"), max_length=500, required=False, assume_scheme="https"
    )

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = hosts_of(unit)
        self.fields["schedule"].queryset = ReceptionSchedule.objects.current().filter(unit=unit)
        rule = online_notice_rule(timezone.localdate())
        if rule is not None:
            self.fields["notice_on"].help_text = _(
                "Required for an online reception: it is announced at least %(n)d working days before it "
                "takes place (NĐ 154/2026/NĐ-CP)."
            ) % {"n": rule.days}

    @classmethod
    def initial_from(cls, session: ReceptionSession) -> dict:
        return {name: getattr(session, name) for name in cls.base_fields}


class VisitForm(FocusFirstErrorMixin, forms.Form):
    visitor_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        required=False,
        help_text=_("For a group, blank means its first representative."),
    )
    visitor_address = forms.CharField(label=_("Address"), max_length=300, required=False)
    visitor_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    confidential = forms.BooleanField(
        label=_("Keep the visitor's identity confidential"),
        required=False,
        help_text=_(
            "Always for a denunciation: the identity is stored encrypted and shown as “Kept confidential”."
        ),
    )
    kind = forms.ChoiceField(label=_("Kind of matter"), choices=Kind.choices)
    sector = forms.ModelChoiceField(
        label=_("Field"), queryset=Sector.objects.filter(is_active=True), required=False, empty_label="—"
    )
    content = forms.CharField(label=_("Content presented"), widget=forms.Textarea(attrs={"rows": 5}))
    prior_handling = forms.CharField(
        label=_("Already handled by (body, result)"), widget=SHORT_TEXT, required=False
    )
    request = forms.CharField(label=_("The visitor's request"), widget=SHORT_TEXT, required=False)
    handling = forms.CharField(label=_("How it was handled"), widget=SHORT_TEXT, required=False)
    persons = forms.IntegerField(label=_("Number of persons"), min_value=1, max_value=100_000, initial=1)
    is_group = forms.BooleanField(
        label=_("A group (đoàn đông người)"),
        required=False,
        help_text=_("5 persons or more: 5–10 choose 1–2 representatives, more than 10 up to 5 (Art. 30)."),
    )
    representatives = forms.CharField(
        label=_("Representatives of the group"),
        widget=SHORT_TEXT,
        required=False,
        help_text=_("One per line: full name, then after a comma the address or phone."),
    )
    case_key = forms.CharField(
        label=_("Same case as"),
        max_length=40,
        required=False,
        help_text=_(
            "Blank for a new case. To count this visit with an earlier one as one case, give that visit's "
            "case code or its number in the book, e.g. 12/2026."
        ),
    )
    create_petition = forms.BooleanField(label=_("Also open a petition for this matter"), required=False)

    def clean_representatives(self):
        return parse_representatives(self.cleaned_data["representatives"])

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["visitor"] = {
            "name": data.pop("visitor_name"),
            "address": data.pop("visitor_address"),
            "phone": data.pop("visitor_phone"),
        }
        return data

    @staticmethod
    def representatives_text(visit: Visit) -> str:
        return format_representatives(visit.representatives)


class VisitCorrectionForm(VisitForm):
    """Correct an entry of the book: the same fields as writing it, less the case and the petition, plus the
    reason. For a confidential visit the identity fields start blank and blank keeps the protected identity."""

    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=500,
        required=False,  # checked by `reception.update_visit`, so every problem is shown at once
        widget=SHORT_TEXT,
        help_text=_("Written to the ledger and shown with the entry, e.g. “address misspelt when written”."),
    )

    def __init__(self, *args, visit: Visit, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["case_key"], self.fields["create_petition"]
        # The field written with the visit stays choosable even if it has been deactivated since.
        self.fields["sector"].queryset = Sector.objects.filter(Q(is_active=True) | Q(pk=visit.sector_id))
        if visit.is_confidential:
            self.fields["confidential"].disabled = True
            self.fields["confidential"].help_text = _("A confidential identity stays confidential.")
            kept = _("Kept confidential: leave blank to keep it, or type the corrected value.")
            for name in ("visitor_name", "visitor_address", "visitor_phone"):
                self.fields[name].help_text = kept
                self.fields[name].widget.attrs["autocomplete"] = "off"
            self.fields["representatives"].help_text = _(
                "Kept confidential: leave blank to keep them, or type every representative again, one per "
                "line."
            )
            self.fields["reason"].help_text = _(
                "Written to the ledger and shown with the entry. Do not write the visitor's name, address or "
                "phone here."
            )

    @classmethod
    def initial_from(cls, visit: Visit) -> dict:
        initial = {
            name: getattr(visit, name)
            for name in ("kind", "content", "prior_handling", "request", "handling", "persons", "is_group")
        }
        initial["sector"] = visit.sector_id
        initial["confidential"] = visit.is_confidential
        if not visit.is_confidential:
            initial.update(
                visitor_name=visit.visitor_name,
                visitor_address=visit.visitor_address,
                visitor_phone=visit.visitor_phone,
                representatives=format_representatives(visit.representatives),
            )
        return initial

    def service_arguments(self) -> dict:
        data = super().service_arguments()
        data.pop("create_petition", None)
        data.pop("case_key", None)
        return data


class AnswerForm(FocusFirstErrorMixin, forms.Form):
    answer = forms.ChoiceField(
        label=_("Answer given to the visitor"),
        choices=[choice for choice in Visit.Answer.choices if choice[0]],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason, or the body it was transferred to"),
        widget=SHORT_TEXT,
        required=False,
        help_text=_("Required when refused (the reason) or transferred (the competent body)."),
    )
    answered_on = _date_field(_("Answered on"), initial=timezone.localdate)


class PetitionFromVisitForm(FocusFirstErrorMixin, forms.Form):
    title = forms.CharField(
        label=_("Summary of the petition"),
        max_length=300,
        required=False,
        help_text=_("Blank: the first line of the request or content."),
    )


class RevealForm(FocusFirstErrorMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why do you need the identity?"),
        max_length=300,
        help_text=_("The reading is written to the ledger with your name and this reason."),
    )


class BookFilterForm(forms.Form):
    STATUS_CHOICES = (
        ("", _("All")),
        ("pending", _("Answer pending")),
        ("overdue", _("Answer overdue")),
        ("answered", _("Answered")),
        ("late", _("Answered late")),
    )

    date_from = _date_field(_("From"), required=False)
    date_to = _date_field(_("To"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind of matter"), choices=[("", _("All kinds of matter")), *Kind.choices], required=False
    )
    status = forms.ChoiceField(label=_("Answer (Art. 28)"), choices=STATUS_CHOICES, required=False)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period is before its start."))
        return cleaned


class ReceptionImportForm(FocusFirstErrorMixin, forms.Form):
    file = forms.FileField(
        label=_("Reception book (.xlsx)"),
        help_text=_(
            "The header row names the columns: STT, Ngày, Họ tên, Địa chỉ, Nội dung, Đã được giải quyết/cơ quan, "
            "Yêu cầu của người đến, Kết quả xử lý, Số người; optionally Người đại diện, Loại, Lĩnh vực, Điện "
            "thoại, Mã vụ việc, Bảo mật, Người tiếp, Trả lời, Lý do / cơ quan, Ngày trả lời."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Only .xlsx files can be imported."))
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB.") % {"size": MAX_FILE_BYTES // (1024 * 1024)}
            )
        return upload
