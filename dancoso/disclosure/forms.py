"""Forms of the staff disclosure pages. They collect and check input; `services` does every write.

Field names follow the keys of the services' ValidationError dicts, so a service's refusal lands next to the
field it is about (`views.apply_service_error`). The channel rows of a publication are a formset
(`PostingFormSet`): each row is checked with `services.posting_errors` so that a bad date or a village of another
commune is reported on its own row.
"""

from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dancoso.core.files import IMAGE_TYPES, validate_upload
from dancoso.core.forms import DateInput, MultipleFileField
from dancoso.core.text import normalize_text, vietnamese_sort_key
from dancoso.disclosure import legal, services
from dancoso.disclosure.models import (
    VILLAGE_CHANNELS,
    Audience,
    Category,
    Channel,
    PlanItem,
    Publication,
    Regime,
)
from dancoso.units.models import SETTLEMENT_KINDS, Unit

MAX_POSTING_ROWS = 200  # a commune with 60 villages: a board and the village head in each, and the seat
EMPTY_POSTING_ROWS = 3


def date_field(
    label, *, required: bool = True, help_text: str = "", required_message=None
) -> forms.DateField:
    field = forms.DateField(label=label, required=required, widget=DateInput(), help_text=help_text)
    if required_message:
        field.error_messages["required"] = required_message
    return field


def regime_categories(regime: str | None):
    """The categories a unit of `regime` publishes in (all of them for a unit without a regime, e.g. to filter
    a province's list); the quarterly list is made by the system."""
    categories = Category.objects.filter(is_active=True)
    if regime is not None:
        categories = categories.filter(regime=regime)
    return categories.order_by("regime", "position", "number")


def allowed_channels(regime: str | None) -> list[tuple[str, str]]:
    if regime == Regime.COMMUNE:
        return list(Channel.choices)
    return [(value, label) for value, label in Channel.choices if value in services.WORKPLACE_CHANNELS]


def villages_of(unit: Unit) -> list[Unit]:
    """The active villages (thôn, tổ dân phố) of a commune, in Vietnamese dictionary order."""
    villages = Unit.objects.filter(parent=unit, kind__in=SETTLEMENT_KINDS, is_active=True)
    return sorted(villages, key=lambda village: vietnamese_sort_key(village.name))


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return f"{obj.number}. {obj.label}" if obj.number else obj.label


class PlanItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PlanItem) -> str:
        return f"{obj.plan.year} · {obj.due_on:%d/%m/%Y} · {obj.content}"


def plan_item_field(unit: Unit) -> PlanItemChoiceField:
    items = PlanItem.objects.filter(unit=unit).select_related("plan").order_by("-plan__year", "due_on", "pk")
    return PlanItemChoiceField(
        label=_("Plan item it fulfils"),
        queryset=items,
        required=False,
        empty_label=_("— none —"),
        help_text=_("The line of the yearly disclosure plan this item carries out (Art. 14)."),
    )


# ------------------------------------------------------------------------------------------------ list


class PublicationFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Words of the title, number or content (accents optional), or a code CK-…."),
    )
    category = CategoryChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False, empty_label=_("All categories")
    )
    state = forms.ChoiceField(
        label=_("State"), choices=[("", _("All states")), *Publication.State.choices], required=False
    )
    audience = forms.ChoiceField(
        label=_("Audience"), choices=[("", _("Public and internal")), *Audience.choices], required=False
    )

    def __init__(self, *args, regime: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(
            **({"regime": regime} if regime else {})
        ).order_by("regime", "position", "number")

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            "q": data.get("q", ""),
            "category": data.get("category"),
            "state": data.get("state", ""),
            "audience": data.get("audience", ""),
        }


# ------------------------------------------------------------------------------------------------ publication


class PublicationForm(forms.Form):
    """What an item says. The channels are the `PostingFormSet` shown with it."""

    category = CategoryChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        empty_label=_("— choose the category —"),
        error_messages={"required": _("Choose the category of the item.")},
        help_text=_("The item of the legal list it discloses; it decides the channels and periods required."),
    )
    decision_date = date_field(
        _("Date of the decision"),
        help_text=_("The day the decision or document was signed: the time to disclose runs from it."),
        required_message=_("Give the date of the decision or document disclosed."),
    )
    title = forms.CharField(
        label=_("Title of the item"),
        max_length=300,
        error_messages={"required": _("Give the title of what is disclosed.")},
    )
    document_number = forms.CharField(
        label=_("Number and symbol"),
        max_length=60,
        required=False,
        help_text=_("E.g. 15/NQ-HĐND, 120/QĐ-UBND."),
    )
    body = forms.CharField(
        label=_("Content"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What residents or staff must know; the full document can be attached below."),
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        help_text=_("The signed document, tables, lists (PDF, Word, Excel, images), at most 10 files."),
    )
    audience = forms.ChoiceField(
        label=_("Who may read it"),
        required=False,
        choices=[("", _("As usual for the category")), *Audience.choices],
        help_text=_("Internal items are read only by the unit's own staff or workers (Art. 46, 64)."),
    )
    period_label = forms.CharField(
        label=_("Period"),
        max_length=20,
        required=False,
        help_text=_("E.g. 2026, 2026-Q3, 2026-H1 for periodic items."),
    )

    def __init__(self, *args, unit: Unit, suggest_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.regime = legal.regime_of_unit(unit)
        self.fields["category"].queryset = regime_categories(self.regime).exclude(is_quarterly_list=True)
        if suggest_url:
            # htmx: a new category or decision date refills the channel rows (`action=suggest` writes nothing).
            refill = {
                "hx-post": suggest_url,
                "hx-trigger": "change",
                "hx-include": "[name=category],[name=decision_date]",
                "hx-vals": '{"action": "suggest"}',
                "hx-target": "#postings",
                "hx-select": "#postings",
                "hx-swap": "outerHTML",
            }
            self.fields["category"].widget.attrs.update(refill)
            self.fields["decision_date"].widget.attrs.update(refill)
        self.fields["plan_item"] = plan_item_field(unit)
        if self.regime == Regime.COMMUNE:
            del self.fields["audience"]  # a commune discloses to the public (Art. 11–13)

    def clean_title(self):
        return normalize_text(self.cleaned_data["title"])

    def clean_body(self):
        return normalize_text(self.cleaned_data["body"])

    def clean_audience(self):
        return self.cleaned_data.get("audience") or None


class PostingForm(forms.Form):
    """One channel row: where and from when to when it is made known."""

    channel = forms.ChoiceField(label=_("Channel"), choices=(), required=False)
    place = forms.ChoiceField(
        label=_("Village"),
        choices=(),
        required=False,
        help_text=_("For a village notice board or the village head."),
    )
    place_text = forms.CharField(
        label=_("Place or group"),
        max_length=200,
        required=False,
        help_text=_("E.g. the name of the Zalo group or the board's place."),
    )
    start_on = date_field(_("First day"), required=False)
    end_on = date_field(
        _("Last day"), required=False, help_text=_("Leave empty for an item posted until further notice.")
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, unit: Unit, villages=None, channel_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.regime = legal.regime_of_unit(unit)
        self.decision_date = None  # set by the view before validation, for the checks against the decision
        channels = allowed_channels(self.regime)
        if channel_required:
            self.fields["channel"].required = True
            self.fields["channel"].choices = [("", _("— choose the channel —")), *channels]
            self.fields["channel"].error_messages["required"] = _("Choose the channel.")
        else:
            self.fields["channel"].choices = [("", _("— no channel on this row —")), *channels]
        if self.regime == Regime.COMMUNE:
            villages = villages_of(unit) if villages is None else villages
            self.villages = {str(village.pk): village for village in villages}
            self.fields["place"].choices = [
                ("", _("— for a village channel —")),
                *((str(village.pk), village.name) for village in villages),
            ]
        else:
            self.villages = {}
            del self.fields["place"]

    def clean_place(self):
        return self.villages.get(self.cleaned_data.get("place") or "")

    def clean(self):
        data = super().clean()
        channel = data.get("channel")
        if not channel:
            if any(data.get(name) for name in ("place", "place_text", "start_on", "end_on", "note")):
                self.add_error("channel", _("Choose the channel."))
            return data
        if data.get("start_on") is None and "start_on" not in self.errors:
            self.add_error("start_on", _("Give the first day."))
        if channel not in VILLAGE_CHANNELS:
            data["place"] = None
        if not self.errors:
            problems = services.posting_errors(self.spec(), unit=self.unit, decision_date=self.decision_date)
            for name, message in problems.items():
                self.add_error(name if name in self.fields else None, message)
        return data

    def spec(self) -> services.PostingSpec:
        data = self.cleaned_data
        return services.PostingSpec(
            channel=data["channel"],
            start_on=data["start_on"],
            end_on=data.get("end_on"),
            place=data.get("place"),
            place_text=data.get("place_text", ""),
            note=data.get("note", ""),
        )


class BasePostingFormSet(forms.BaseFormSet):
    def __init__(self, *args, unit: Unit, decision_date=None, **kwargs):
        self.unit = unit
        self.decision_date = decision_date
        self._villages = villages_of(unit) if legal.regime_of_unit(unit) == Regime.COMMUNE else []
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"unit": self.unit, "villages": self._villages}

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.decision_date = self.decision_date
        return form

    @property
    def empty_form(self):
        form = super().empty_form
        form.decision_date = self.decision_date
        return form

    def specs(self) -> list[services.PostingSpec]:
        return [form.spec() for form in self.forms if form.cleaned_data.get("channel")]


PostingFormSet = forms.formset_factory(
    PostingForm,
    formset=BasePostingFormSet,
    extra=0,
    max_num=MAX_POSTING_ROWS,
    validate_max=True,
    absolute_max=MAX_POSTING_ROWS,
)


def suggested_postings(category: Category | None, unit: Unit, decision_date: date | None) -> list[dict]:
    """The rows the law asks for an item of `category` (legal.requirements): the seat's notice board, each
    village's board, the loudspeaker, each village head, with the minimum periods (both ends counted). The portal
    is not listed: publishing puts the item there."""
    if category is None:
        return [{} for _row in range(EMPTY_POSTING_ROWS)]
    regime = legal.regime_of_unit(unit)
    start = timezone.localdate()
    if decision_date is not None and decision_date > start:
        start = decision_date
    rows = []
    villages = villages_of(unit) if regime == Regime.COMMUNE else []
    for requirement in legal.requirements(category, regime, decision_date or start):
        if requirement.channel == Channel.PORTAL:
            continue
        end = start + timedelta(days=requirement.min_days - 1) if requirement.min_days else None
        row = {"channel": requirement.channel, "start_on": start, "end_on": end}
        if requirement.each_village:
            rows.extend({**row, "place": village.pk} for village in villages)
        else:
            rows.append(row)
    return [*rows, {}] if rows else [{} for _row in range(EMPTY_POSTING_ROWS)]


# ------------------------------------------------------------------------------------------------ detail steps


class PublishForm(forms.Form):
    on = date_field(
        _("On the portal from"),
        help_text=_("Today unless it went up earlier; not before the decision."),
        required_message=_("Give the first day."),
    )

    def clean_on(self):
        day = self.cleaned_data["on"]
        if day and day > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return day


class ReviseForm(forms.Form):
    title = forms.CharField(
        label=_("Title of the item"),
        max_length=300,
        error_messages={"required": _("Give the title of what is disclosed.")},
    )
    decision_date = date_field(
        _("Date of the decision"), required_message=_("Give the date of the decision or document disclosed.")
    )
    document_number = forms.CharField(label=_("Number and symbol"), max_length=60, required=False)
    body = forms.CharField(label=_("Content"), required=False, widget=forms.Textarea(attrs={"rows": 8}))
    change_note = forms.CharField(
        label=_("What changed"),
        max_length=300,
        error_messages={"required": _("Say what changed.")},
        help_text=_("Shown with the new version, e.g. “Bổ sung danh sách hộ được hỗ trợ đợt 2”."),
    )
    attachments = MultipleFileField(label=_("New attachments"))
    keep_attachments = forms.BooleanField(
        label=_("Keep the current attachments in the new version"), required=False, initial=True
    )

    @staticmethod
    def initial_from(publication: Publication) -> dict:
        version = publication.current_version
        return {
            "title": publication.title,
            "decision_date": publication.decision_date,
            "document_number": publication.document_number,
            "body": version.body if version else "",
            "keep_attachments": True,
        }


class ConfirmPostingForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo of the notice board"),
        required=False,
        help_text=_(
            "Required for a notice board: a photo showing the notice posted (JPEG, PNG, WebP, HEIC)."
        ),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo:
            validate_upload(photo, allowed=IMAGE_TYPES)
        return photo


class EndPostingForm(forms.Form):
    taken_down_on = date_field(
        _("Taken down on"),
        required_message=_("The day it was taken down cannot be before the first day."),
    )
    reason = forms.CharField(label=_("Why"), max_length=300, required=False)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawal"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for withdrawing it.")},
        help_text=_("Shown with the item; its history stays readable."),
    )


class LinkPlanForm(forms.Form):
    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_item"] = plan_item_field(unit)


# ------------------------------------------------------------------------------------------------ plan


class PlanItemForm(forms.Form):
    category = CategoryChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        empty_label=_("— choose the category —"),
        error_messages={"required": _("Choose the category of the item.")},
    )
    content = forms.CharField(
        label=_("What"), max_length=300, error_messages={"required": _("Say what is disclosed.")}
    )
    channels = forms.MultipleChoiceField(
        label=_("How"),
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose how it is disclosed.")},
    )
    due_on = date_field(_("By when"), required_message=_("Give a day within the plan's year."))
    duration_days = forms.IntegerField(
        label=_("For how long (days)"),
        required=False,
        min_value=1,
        max_value=3650,
        help_text=_("Empty for an item posted permanently."),
    )
    responsible = forms.CharField(
        label=_("Responsible"),
        max_length=200,
        error_messages={"required": _("Say who is responsible.")},
        help_text=_("E.g. Văn phòng - Thống kê; Công chức Tài chính - Kế toán."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, regime: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = regime_categories(regime).exclude(is_quarterly_list=True)
        self.fields["channels"].choices = allowed_channels(regime)

    @staticmethod
    def initial_from(item: PlanItem) -> dict:
        return {
            "category": item.category_id,
            "content": item.content,
            "channels": item.channels,
            "due_on": item.due_on,
            "duration_days": item.duration_days,
            "responsible": item.responsible,
            "note": item.note,
        }


class CreatePlanForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2023, max_value=2100)


class ApprovePlanForm(forms.Form):
    document_number = forms.CharField(
        label=_("Number and symbol of the approving document"),
        max_length=60,
        error_messages={"required": _("Give the number and symbol of the approving document.")},
        help_text=_("E.g. 25/KH-UBND."),
    )
    approved_on = date_field(_("Approved on"), required_message=_("The date cannot be in the future."))


def past_quarters(today: date, count: int = 8) -> list[tuple[str, str]]:
    """The last `count` quarters that have ended, newest first, from the law's entry into force."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    choices = []
    while len(choices) < count:
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
        if (year, quarter) < (2023, 3):
            break
        choices.append(
            (f"{year}-{quarter}", _("Quarter %(quarter)d/%(year)d") % {"quarter": quarter, "year": year})
        )
    return choices


class QuarterlyListForm(forms.Form):
    quarter = forms.ChoiceField(label=_("Quarter"), choices=())

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = past_quarters(today)
        self.fields["quarter"].error_messages["invalid_choice"] = _("Choose a quarter that has ended.")

    def year_and_quarter(self) -> tuple[int, int]:
        year, quarter = self.cleaned_data["quarter"].split("-")
        return int(year), int(quarter)
