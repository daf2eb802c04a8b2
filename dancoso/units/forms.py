"""Forms of the staff pages. They only collect and check input; services do the writing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dancoso.units.importing import MAX_FILE_BYTES, ImportMode
from dancoso.units.models import Household, Unit


class HouseholdFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    village = forms.ModelChoiceField(
        label=_("Village / residential group"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("All villages"),
    )
    inactive = forms.BooleanField(label=_("Include deactivated households"), required=False)

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages


class HouseholdForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Village / residential group"), queryset=Unit.objects.none())
    code = forms.CharField(label=_("Household code"), max_length=Household._meta.get_field("code").max_length)
    address = forms.CharField(label=_("Address"), max_length=Household._meta.get_field("address").max_length)
    representative_name = forms.CharField(
        label=_("Head of household"), max_length=Household._meta.get_field("representative_name").max_length
    )
    representative_phone = forms.CharField(label=_("Phone number"), required=False, max_length=30)
    representative_email = forms.EmailField(label=_("Email"), required=False)
    member_count = forms.IntegerField(
        label=_("Number of members"), required=False, min_value=1, max_value=999
    )

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = villages

    @classmethod
    def initial_from(cls, household: Household) -> dict:
        return {name: getattr(household, name) for name in cls.base_fields}


class DeactivateHouseholdForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)


class HouseholdImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (.xlsx or .csv)"),
        help_text=_(
            "The first row names the columns: Mã hộ, Địa chỉ, Thôn/Tổ dân phố, Chủ hộ, Số điện thoại, "
            "Email, Số nhân khẩu."
        ),
    )
    mode = forms.ChoiceField(
        label=_("Households that already exist"),
        choices=ImportMode.choices,
        initial=ImportMode.ADD_ONLY,
        widget=forms.RadioSelect,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Only .xlsx and .csv files can be imported."))
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB.") % {"size": MAX_FILE_BYTES // (1024 * 1024)}
            )
        return upload
