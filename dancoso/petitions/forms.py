"""Forms of the staff petition pages. They only collect and check input; `services` does every write.

Field names follow the keys of the services' ValidationError dicts where they can, so a service's refusal
lands next to the field it is about (see `views.apply_service_error`).
"""

from dataclasses import dataclass
from functools import lru_cache

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from dancoso.core.files import validate_upload
from dancoso.core.forms import DateInput, MultipleFileField
from dancoso.petitions.models import Channel, Complexity, Kind, Petition, Sector
from dancoso.petitions.services import normalize_tracking_code

MAX_SPLIT_PARTS = 5
MIN_SPLIT_PARTS = 2

STAFF_INTAKE_CHANNELS = (Channel.PAPER, Channel.IN_PERSON, Channel.HOTLINE, Channel.TRANSFERRED_IN)
APPEAL_CHANNELS = (Channel.PAPER, Channel.IN_PERSON, Channel.TRANSFERRED_IN)


def checked_upload(upload):
    """A single optional upload, checked like the attachments (real type and size)."""
    if upload:
        validate_upload(upload)
    return upload


def yes_no_field(label, *, required: bool = True, help_text: str = "") -> forms.TypedChoiceField:
    choices = [("1", _("Yes")), ("0", _("No"))]
    if not required:
        choices = [("", _("Not known")), *choices]
    return forms.TypedChoiceField(
        label=label,
        choices=choices,
        coerce=lambda value: value == "1",
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
        help_text=help_text,
    )


def not_in_future(day):
    if day and day > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."))
    return day


def sector_field(required: bool = False) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Field"),
        queryset=Sector.objects.filter(is_active=True),
        required=required,
        empty_label=_("— choose a field —"),
    )


# ------------------------------------------------------------------------------------------------ inbox


class FixedChoiceField(forms.ChoiceField):
    """A ChoiceField whose choices are fixed when the form class is built. Every form instance deep-copies its
    fields, and a ChoiceField its list of (lazy) labels with them: ~0.05 ms per field, on every inbox request.
    These lists never change, so the copies share them (the widget, validators and messages are still copied)."""

    def __deepcopy__(self, memo):
        return forms.Field.__deepcopy__(self, memo)


class InboxFilterForm(forms.Form):
    BUCKETS = (
        ("open", _("Open")),
        ("resolved", _("Resolved")),
        ("transferred", _("Transferred or guided")),
        ("not_processed", _("Not processed")),
        ("withdrawn", _("Withdrawn")),
        ("all", _("All")),
    )

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Words of the summary or content (accents optional), or a tracking code."),
    )
    bucket = FixedChoiceField(label=_("Status"), choices=BUCKETS, required=False, initial="open")
    kind = FixedChoiceField(label=_("Kind"), choices=[("", _("All kinds")), *Kind.choices], required=False)
    sector = forms.ModelChoiceField(
        label=_("Field"), queryset=Sector.objects.all(), required=False, empty_label=_("All fields")
    )
    channel = FixedChoiceField(
        label=_("Received through"), choices=[("", _("All channels")), *Channel.choices], required=False
    )
    mine = forms.BooleanField(label=_("Only petitions I handle"), required=False)

    SELECTS = ("bucket", "kind", "sector", "channel")
    FIXED_CHOICES = ("bucket", "kind", "channel")  # choices that do not come from the database

    def __init__(self, *args, sectors=None, **kwargs):
        """`sectors`: the (pk, name) pairs of every field in display order, when the view has them already
        (it shows their names in the rows), so that rendering the form costs no query."""
        super().__init__(*args, **kwargs)
        self.sectors = sectors

    def filters(self) -> dict:
        """The cleaned filters, with defaults when the form is empty or invalid."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            "q": data.get("q", ""),
            "bucket": data.get("bucket") or "open",
            "kind": data.get("kind", ""),
            "sector": data.get("sector"),
            "channel": data.get("channel", ""),
            "mine": data.get("mine", False),
        }

    def fields_html(self) -> SafeString:
        """The fields, as `petitions/staff/_form.html` renders them (label, help text, control: the same
        markup), for the inbox, which shows this form on every request. Django renders each of the ~40 options
        through its widget templates (~7 ms a page); here the labels and options are escaped once per language
        and process, and only `selected`, `checked` and the search text change per request. A form with errors
        is rendered by Django itself, errors included."""
        if self.is_bound and self.errors:
            return self.render(template_name="petitions/staff/_form.html")
        fixed = _filter_form_strings(get_language())
        sectors = self.sectors
        if sectors is None:
            sectors = [(s.pk, str(s)) for s in self.fields["sector"].queryset]
        options = {**fixed.options, "sector": _sector_options(fixed.sector_empty, tuple(sectors))}
        parts = []
        for name in self.fields:
            bound = self[name]
            value = bound.value()
            if name in self.SELECTS:
                control = _select(name, options[name], escape("" if value is None else value))
            elif name == "mine":
                checked = " checked" if self.fields[name].widget.check_test(value) else ""
                control = f'<input type="checkbox" name="{name}" id="id_{name}"{checked}>'
            else:
                shown = "" if value in (None, "") else f' value="{escape(value)}"'
                control = (
                    f'<input type="text" name="{name}"{shown} maxlength="{self.fields[name].max_length}"'
                    f' aria-describedby="id_{name}_helptext" id="id_{name}">'
                )
            parts.append(f'<div class="field">{fixed.labels[name]}\n{control}</div>')
        return mark_safe("\n".join(parts))  # every value above is escaped or a fixed string


@dataclass(frozen=True)
class _FilterFormStrings:
    labels: dict  # field name → its <label> (and help text), escaped
    options: dict  # field name → ((value, label), …), escaped
    sector_empty: tuple


@lru_cache(maxsize=16)
def _filter_form_strings(language: str | None) -> _FilterFormStrings:
    """The inbox filter form's labels and fixed options in the active language (the cache key)."""
    form = InboxFilterForm()
    labels = {}
    for name, field in form.fields.items():
        label = form[name].label_tag()
        if field.help_text:
            label += f'\n<div class="helptext" id="id_{name}_helptext">{field.help_text}</div>'
        labels[name] = label
    options = {
        name: tuple((escape(str(value)), escape(str(label))) for value, label in form.fields[name].choices)
        for name in InboxFilterForm.FIXED_CHOICES
    }
    return _FilterFormStrings(
        labels=labels, options=options, sector_empty=("", escape(str(form.fields["sector"].empty_label)))
    )


@lru_cache(maxsize=16)
def _sector_options(empty: tuple, sectors: tuple) -> tuple:
    """The field select's options, escaped: per language (`empty`) and set of fields (from the sector cache)."""
    return (empty, *((str(pk), escape(name)) for pk, name in sectors))


@lru_cache(maxsize=256)
def _select(name: str, options: tuple, selected: str) -> str:
    """A <select> as Django's Select widget renders it; `options` and `selected` are escaped already. Kept per
    options and selected value: a page shows the same few selects over and over."""
    rows = [f'<select name="{name}" id="id_{name}">']
    for value, label in options:
        rows.append(f'  <option value="{value}"{" selected" if value == selected else ""}>{label}</option>')
    rows.append("</select>")
    return "\n".join(rows)


# ------------------------------------------------------------------------------------------------ intake


class IntakeForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Received through"),
        choices=[(c.value, c.label) for c in STAFF_INTAKE_CHANNELS],
        initial=Channel.PAPER,
    )
    transferred_from = forms.CharField(
        label=_("Transferred from"),
        required=False,
        max_length=300,
        help_text=_("Only for petitions transferred to us by another body."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    sector = sector_field()
    received_on = forms.DateField(
        label=_("Received on"), widget=DateInput, initial=timezone.localdate, validators=[not_in_future]
    )
    title = forms.CharField(label=_("Summary"), max_length=300)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 6}))
    location_text = forms.CharField(label=_("Place concerned"), required=False, max_length=300)
    name = forms.CharField(label=_("Petitioner's full name"), required=False, max_length=150)
    address = forms.CharField(label=_("Petitioner's address"), required=False, max_length=300)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=20)
    email = forms.EmailField(label=_("Email"), required=False)
    confidential = forms.BooleanField(
        label=_("Keep the petitioner's identity confidential"),
        required=False,
        help_text=_("Always so for a denunciation (Luật Tố cáo Art. 47)."),
    )
    anonymous = forms.BooleanField(label=_("Anonymous (no name given)"), required=False)
    signers = forms.IntegerField(label=_("Number of signers"), min_value=1, max_value=100000, initial=1)
    attachments = MultipleFileField(label=_("Attachments (photos, scans, documents)"))

    def clean(self):
        data = super().clean()
        if data.get("channel") == Channel.TRANSFERRED_IN and not data.get("transferred_from"):
            self.add_error("transferred_from", _("Name the body that transferred it."))
        if not data.get("anonymous") and not data.get("name"):
            self.add_error("name", _("Give the petitioner's full name, or mark the petition anonymous."))
        return data

    def petitioner(self) -> dict:
        data = self.cleaned_data
        return {key: data.get(key, "") for key in ("name", "address", "phone", "email")}


# ------------------------------------------------------------------------------------------------ actions


class ClassifyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    sector = sector_field()
    is_eligible = yes_no_field(
        _("Eligible for processing"),
        help_text=_("In Vietnamese, dated, with the sender's name, address and signature or fingerprint."),
    )
    within_competence = yes_no_field(_("Within our competence"))
    has_originals = yes_no_field(_("Originals attached"), required=False)
    signers = forms.IntegerField(label=_("Number of signers"), min_value=1, max_value=100000)
    complexity = forms.ChoiceField(label=_("Complexity"), choices=Complexity.choices)
    several_sites = forms.BooleanField(
        label=_("Several places must be checked"),
        required=False,
        help_text=_("Luật Tố cáo Art. 24: 10 instead of 7 working days."),
    )
    decision_known_on = forms.DateField(
        label=_("Decision received or known on"),
        required=False,
        help_text=_("Complaints: the 90 days to complain run from this day (Luật Khiếu nại Art. 9)."),
    )
    obstacle_days = forms.IntegerField(
        label=_("Days of obstacles"),
        required=False,
        min_value=0,
        max_value=3650,
        help_text=_("Illness, natural disaster, travel…: not counted in the 90 days."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    @classmethod
    def initial_from(cls, petition: Petition) -> dict:
        def as_choice(value):
            return "" if value is None else ("1" if value else "0")

        return {
            "kind": petition.kind,
            "sector": petition.sector_id,
            "is_eligible": as_choice(petition.is_eligible),
            "within_competence": as_choice(petition.within_competence),
            "has_originals": as_choice(petition.has_originals),
            "signers": petition.signers,
            "complexity": petition.complexity,
            "several_sites": petition.several_sites,
            "decision_known_on": petition.decision_known_on,
            "obstacle_days": petition.obstacle_days or None,
        }


class SplitForm(forms.Form):
    """Two to five parts, each with its own kind (a mixed letter, Luật Tiếp công dân Art. 25.3)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        part_kinds = [("", _("— choose —")), *[c for c in Kind.choices if c[0] != Kind.MIXED]]
        for number in range(1, MAX_SPLIT_PARTS + 1):
            required = number <= MIN_SPLIT_PARTS
            self.fields[f"kind_{number}"] = forms.ChoiceField(
                label=_("Part %(n)d: kind") % {"n": number}, choices=part_kinds, required=required
            )
            self.fields[f"title_{number}"] = forms.CharField(
                label=_("Part %(n)d: summary") % {"n": number}, max_length=300, required=required
            )
            self.fields[f"content_{number}"] = forms.CharField(
                label=_("Part %(n)d: content") % {"n": number},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean(self):
        data = super().clean()
        for number in range(MIN_SPLIT_PARTS + 1, MAX_SPLIT_PARTS + 1):
            has_kind, has_title = bool(data.get(f"kind_{number}")), bool(data.get(f"title_{number}"))
            if (has_kind or has_title or data.get(f"content_{number}")) and not (has_kind and has_title):
                field = f"title_{number}" if has_kind else f"kind_{number}"
                self.add_error(
                    field, _("Give both the kind and the summary of this part, or leave it empty.")
                )
        return data

    def parts(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "kind": data[f"kind_{number}"],
                "title": data[f"title_{number}"],
                "content": data.get(f"content_{number}", ""),
            }
            for number in range(1, MAX_SPLIT_PARTS + 1)
            if data.get(f"kind_{number}") and data.get(f"title_{number}")
        ]


class LinkRepeatForm(forms.Form):
    earlier = forms.CharField(
        label=_("Tracking code of the earlier petition"),
        max_length=20,
        help_text=_("The petition already being followed; this one is then counted once with it."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates

    def clean_earlier(self):
        code = normalize_tracking_code(self.cleaned_data["earlier"])
        earlier = self.candidates.filter(tracking_code=code).first()
        if earlier is None:
            raise ValidationError(_("No petition you may see has this tracking code."))
        return earlier


class AcceptForm(forms.Form):
    accepted_on = forms.DateField(
        label=_("Accepted on"), widget=DateInput, initial=timezone.localdate, validators=[not_in_future]
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TransferForm(forms.Form):
    to_body = forms.CharField(label=_("Competent body"), max_length=300)
    letter_number = forms.CharField(label=_("Transfer letter no."), required=False, max_length=60)
    letter = forms.FileField(label=_("Transfer letter (file)"), required=False)
    transferred_on = forms.DateField(
        label=_("Transferred on"), widget=DateInput, initial=timezone.localdate, validators=[not_in_future]
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_letter(self):
        return checked_upload(self.cleaned_data.get("letter"))

    def clean(self):
        data = super().clean()
        if not data.get("letter_number") and not data.get("letter") and "letter" not in self.errors:
            self.add_error("letter_number", _("Give the transfer letter's number or attach it."))
        return data


class GuideForm(forms.Form):
    to_body = forms.CharField(label=_("Competent body"), max_length=300)
    guidance = forms.CharField(
        label=_("Guidance given to the petitioner"), widget=forms.Textarea(attrs={"rows": 3})
    )


class NotProcessForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason it is not processed"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. ineligible, already sent to the competent body, guided once before."),
    )
    refer_for_inspection = forms.BooleanField(label=_("Pass the content on for inspection"), required=False)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ExtendForm(forms.Form):
    complexity = forms.ChoiceField(
        label=_("Complexity"),
        choices=[(c.value, c.label) for c in (Complexity.COMPLEX, Complexity.VERY_COMPLEX)],
    )
    reason = forms.CharField(label=_("Reason for the extension"), widget=forms.Textarea(attrs={"rows": 2}))
    decision_number = forms.CharField(
        label=_("Extension decision no."),
        required=False,
        max_length=60,
        help_text=_("Required for a denunciation: the extension is decided in writing."),
    )


class ResolveForm(forms.Form):
    outcome = forms.CharField(
        label=_("Answer or the decision's conclusion"), widget=forms.Textarea(attrs={"rows": 4})
    )
    decision_number = forms.CharField(
        label=_("Decision or answer no."),
        required=False,
        max_length=60,
        help_text=_("Required for complaints and denunciations."),
    )
    resolved_on = forms.DateField(
        label=_("Resolved on"), widget=DateInput, initial=timezone.localdate, validators=[not_in_future]
    )
    document = forms.FileField(label=_("Decision or answer document"), required=False)

    def clean_document(self):
        return checked_upload(self.cleaned_data.get("document"))


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("How the petitioner withdrew"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E.g. a withdrawal letter dated …, a statement at the reception."),
    )
    withdrawn_on = forms.DateField(
        label=_("Withdrawn on"), widget=DateInput, initial=timezone.localdate, validators=[not_in_future]
    )


class AssignForm(forms.Form):
    handler = forms.ModelChoiceField(label=_("Handler"), queryset=None, empty_label=_("— choose —"))

    def __init__(self, *args, handlers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = handlers
        self.fields["handler"].label_from_instance = lambda user: user.get_full_name() or user.get_username()


class SecondComplaintForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Body resolving the second complaint"), queryset=None, empty_label=_("— choose —")
    )
    channel = forms.ChoiceField(
        label=_("Received through"), choices=[(c.value, c.label) for c in APPEAL_CHANNELS]
    )
    received_on = forms.DateField(
        label=_("Received on"), widget=DateInput, initial=timezone.localdate, validators=[not_in_future]
    )
    title = forms.CharField(label=_("Summary"), required=False, max_length=300)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you need to see the identity"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        help_text=_("Written to the audit ledger with your name (Luật Tố cáo Art. 47, 56)."),
    )
