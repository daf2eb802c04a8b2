"""Forms of the public petition pages: sending a petition, following it, choosing a year of statistics."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dancoso.core.files import DEFAULT_ALLOWED_TYPES, EXTENSIONS, validate_upload
from dancoso.core.text import normalize_phone, normalize_text
from dancoso.petitions.models import Kind, Sector
from dancoso.petitions.services import Petitioner

MAX_ATTACHMENTS = 5
ACCEPTED_FILES = ",".join(
    ["image/*", *sorted({f".{ext}" for media in DEFAULT_ALLOWED_TYPES for ext in EXTENSIONS[media]})]
)

PUBLIC_KINDS = [
    (Kind.PROPOSAL, _("Recommendation (kiến nghị): a proposal to the authorities")),
    (Kind.REPORT, _("Report (phản ánh): something wrong you have seen, e.g. a broken road or waste")),
    (Kind.COMPLAINT, _("Complaint (khiếu nại): you disagree with a decision or act that affects you")),
    (Kind.DENUNCIATION, _("Denunciation (tố cáo): an official or a body broke the law")),
]
# Which form field shows an error the intake service raises about a given argument.
SERVICE_FIELDS = {"kind": "kind", "title": "title", "content": "content", "phone": "phone", "name": "name"}


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one `<input type="file" multiple>`; cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items if item]


class PetitionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What kind of petition is it?"),
        choices=PUBLIC_KINDS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the kind of petition.")},
    )
    sector = forms.ModelChoiceField(
        label=_("Field"),
        queryset=Sector.objects.none(),
        required=False,
        empty_label=_("I do not know"),
    )
    title = forms.CharField(
        label=_("Summary"),
        max_length=300,
        help_text=_("One line, e.g. “The street light in Đông village is broken”."),
        error_messages={"required": _("Write a short summary of the petition.")},
    )
    content = forms.CharField(
        label=_("Content"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happened, where and when, and what you ask for."),
        error_messages={"required": _("Write the content of the petition.")},
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        help_text=_(
            "To tell you about each step and to follow the petition. Or give an e-mail address below."
        ),
    )
    email = forms.EmailField(
        label=_("E-mail (if you have no phone)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Enter a valid e-mail address, e.g. ten@example.vn.")},
    )
    name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    address = forms.CharField(
        label=_("Address"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
        help_text=_("A petition with your name and address can be handled in full."),
    )
    keep_confidential = forms.BooleanField(
        label=_("Keep my identity confidential"),
        required=False,
        help_text=_(
            "Your name and contact are stored encrypted, apart from the petition; only the person who resolves it "
            "may read them. A denunciation is always kept confidential (Luật Tố cáo 2018 Art. 9, 47)."
        ),
    )
    anonymous = forms.BooleanField(
        label=_("Send anonymously"),
        required=False,
        help_text=_(
            "Nothing about you is kept, and you follow the petition with its tracking code alone. An anonymous "
            "denunciation is not processed as a denunciation (Luật Tố cáo 2018 Art. 25): it may only be passed on "
            "for inspection if it is specific and evidenced."
        ),
    )
    photo = forms.FileField(
        label=_("Take a photo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    attachments = MultipleFileField(
        label=_("Attach photos or documents"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPTED_FILES}),
        help_text=_("Up to 5 files in all: photos, PDF, Word, Excel or text."),
    )
    location_text = forms.CharField(
        label=_("Place concerned"),
        max_length=300,
        required=False,
        help_text=_("e.g. “Village road no. 3, near the cultural house”."),
    )
    latitude = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"invalid": _("Enter a number such as 21.028511.")},
    )
    longitude = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"invalid": _("Enter a number such as 105.804817.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = Sector.objects.filter(is_active=True).order_by("position", "name")

    # -------------------------------------------------------------------------------------------- cleaning

    def clean_phone(self) -> str:
        value = normalize_text(self.cleaned_data.get("phone"))
        if value and not normalize_phone(value):
            raise ValidationError(_("Enter a Vietnamese phone number of 10 or 11 digits, e.g. 0912 345 678."))
        return normalize_phone(value)

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo:
            validate_upload(photo)  # the checks `core.files` makes when storing, before anything is stored
        return photo

    def clean_attachments(self) -> list:
        files = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(_("Attach at most 5 files."))
        for uploaded in files:
            try:
                validate_upload(uploaded)
            except ValidationError as error:
                raise ValidationError(
                    _("“%(name)s”: %(reason)s"),
                    params={"name": uploaded.name, "reason": " ".join(error.messages)},
                ) from error
        return files

    def clean(self):
        data = super().clean()
        if not data.get("anonymous"):
            self._require_identity(data)
        self._check_file_count(data)
        self._check_location(data)
        return data

    def _require_identity(self, data) -> None:
        if "phone" in data and "email" in data and not (data["phone"] or data["email"]):
            self.add_error(
                "phone", _("Give a phone number (or an e-mail address), or choose to send anonymously.")
            )
        if not normalize_text(data.get("name")):
            self.add_error("name", _("Give your full name, or choose to send anonymously."))

    def _check_file_count(self, data) -> None:
        photo = 1 if data.get("photo") else 0
        if photo + len(data.get("attachments") or []) > MAX_ATTACHMENTS and "attachments" not in self.errors:
            self.add_error("attachments", _("Attach at most 5 files."))

    def _check_location(self, data) -> None:
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if (latitude is None) != (longitude is None) and not ({"latitude", "longitude"} & set(self.errors)):
            field = "longitude" if longitude is None else "latitude"
            self.add_error(field, _("Give both the latitude and the longitude, or neither."))

    # -------------------------------------------------------------------------------------------- service

    def uploads(self) -> list:
        photo = self.cleaned_data.get("photo")
        return [*([photo] if photo else []), *self.cleaned_data.get("attachments", [])]

    def service_arguments(self) -> dict:
        """Keyword arguments for `services.submit_petition`."""
        data = self.cleaned_data
        anonymous = bool(data.get("anonymous"))
        return {
            "kind": data["kind"],
            "title": data["title"],
            "content": data["content"],
            "petitioner": None
            if anonymous
            else Petitioner(
                name=data["name"], address=data["address"], phone=data["phone"], email=data["email"]
            ),
            "confidential_identity": bool(data.get("keep_confidential")),
            "anonymous": anonymous,
            "sector": data.get("sector"),
            "location_text": data.get("location_text", ""),
            "latitude": _coordinate(data.get("latitude")),
            "longitude": _coordinate(data.get("longitude")),
            "attachments": self.uploads(),
        }

    def add_service_errors(self, error: ValidationError) -> None:
        """Show what the intake service refused next to the field it concerns."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.message_dict.items():
            self.add_error(SERVICE_FIELDS.get(name), errors)


def _coordinate(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 6)))


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        help_text=_("Eight letters and digits, e.g. ABCD-2345."),
        error_messages={"required": _("Enter the tracking code.")},
    )
    contact = forms.CharField(
        label=_("Phone number or e-mail you gave"),
        max_length=254,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel"}),
        help_text=_("Leave it empty for a petition sent anonymously."),
    )


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in years]
