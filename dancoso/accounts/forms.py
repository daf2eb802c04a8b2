from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

TOKEN_MAX_LENGTH = 16  # backup codes are up to 16 characters, TOTP codes 6 digits


class LoginForm(AuthenticationForm):
    """Username, phone number or email, and password (accounts.backends.IdentifierBackend)."""

    error_messages = {
        "invalid_login": _(
            "The login details are not correct. Check them and try again; the password is case-sensitive."
        ),
        "inactive": _("This account is deactivated."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Username, phone number or email")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autocapitalize": "none"})
        self.fields["password"].label = _("Password")


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=TOKEN_MAX_LENGTH + 4,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autocapitalize": "none"}
        ),
        help_text=_("The 6-digit code from your authenticator app, or one of your backup codes."),
    )

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split()).lower()
        if not token.isalnum() or len(token) > TOKEN_MAX_LENGTH:
            raise forms.ValidationError(_("Enter the code exactly as shown."))
        return token


class SetupTokenForm(TokenForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["token"].help_text = _("The 6-digit code your authenticator app shows after scanning.")


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."))
        return password


class LanguageForm(forms.Form):
    preferred_language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class SwitchUnitForm(forms.Form):
    unit = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
