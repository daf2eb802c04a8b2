"""Login (password, then TOTP when the user has it), logout, two-factor setup, unit switcher and profile."""

from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import devices_for_user, user_has_device, verify_token
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from dancoso.accounts import services
from dancoso.accounts.forms import LanguageForm, LoginForm, PasswordConfirmForm, SetupTokenForm, TokenForm
from dancoso.accounts.middleware import (
    SESSION_OTP_PENDING_KEY,
    SESSION_UNIT_KEY,
    staff_units,
    two_factor_exempt,
    two_factor_required,
)
from dancoso.accounts.models import Membership


def safe_next(request, fallback: str | None = None) -> str:
    """The `next` URL of the request if it stays on this site, else `fallback` (LOGIN_REDIRECT_URL)."""
    candidate = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback or resolve_url(settings.LOGIN_REDIRECT_URL)


def with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({REDIRECT_FIELD_NAME: next_url})}"


def remember_language(response: HttpResponse, language: str) -> HttpResponse:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"

    def form_valid(self, form):
        user = form.get_user()
        auth_login(self.request, user)
        next_url = self.get_success_url()
        if user_has_device(user):
            # Logged in, but every page stays closed (RequireTwoFactorMiddleware) until the code is given.
            self.request.session[SESSION_OTP_PENDING_KEY] = True
            response = redirect(with_next("accounts:two_factor_verify", next_url))
        else:
            response = HttpResponseRedirect(next_url)
        return remember_language(response, user.preferred_language)


login_view = two_factor_exempt(LoginView.as_view())
logout_view = two_factor_exempt(auth_views.LogoutView.as_view())


def _login_redirect(request):
    return redirect(
        f"{resolve_url(settings.LOGIN_URL)}?{urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})}"
    )


@two_factor_exempt
@sensitive_post_parameters("token")
@never_cache
def two_factor_verify(request):
    """Second step of login: a code from the authenticator app or a backup code."""
    if not request.user.is_authenticated:
        return _login_redirect(request)
    next_url = safe_next(request)
    if request.user.is_verified():
        return redirect(next_url)
    if not user_has_device(request.user):
        request.session.pop(SESSION_OTP_PENDING_KEY, None)
        target = "accounts:two_factor_setup" if two_factor_required(request.user) else None
        return redirect(with_next(target, next_url) if target else next_url)
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        device = _device_accepting(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            request.session.pop(SESSION_OTP_PENDING_KEY, None)
            return redirect(next_url)
        form.add_error("token", _("The code is not correct or has expired. Try the newest code."))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url})


def _device_accepting(user, token: str):
    for device in devices_for_user(user, confirmed=True):
        verified = verify_token(user, device.persistent_id, token)
        if verified is not None:
            return verified
    return None


def qr_code_svg(data: str) -> str:
    """An inline SVG (no script, no style attribute) so the page works under the strict CSP."""
    return segno.make(data, error="m").svg_inline(scale=5, border=2, dark="#000", light="#fff")


def base32_secret(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@two_factor_exempt
@login_required
@sensitive_post_parameters("token")
@never_cache
def two_factor_setup(request):
    user = request.user
    next_url = safe_next(request, reverse("accounts:profile"))
    if services.confirmed_totp_device(user) is not None:
        if not user.is_verified():
            return redirect(with_next("accounts:two_factor_verify", request.get_full_path()))
        return render(request, "accounts/two_factor_enabled.html", {"next": next_url})
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first() or services.start_totp_setup(
        user
    )
    form = SetupTokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if services.confirm_totp(user, device, form.cleaned_data["token"]):
            otp_login(request, device)
            request.session.pop(SESSION_OTP_PENDING_KEY, None)
            messages.success(request, _("Two-factor login is on. Keep your backup codes somewhere safe."))
            return redirect(with_next("accounts:backup_codes", next_url))
        form.add_error("token", _("The code is not correct. Check the time on your phone and try again."))
    context = {
        "form": form,
        "qr_svg": qr_code_svg(device.config_url),
        "secret": base32_secret(device),
        "next": next_url,
        "required": two_factor_required(user),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
@never_cache
def backup_codes(request):
    user = request.user
    if services.confirmed_totp_device(user) is None:
        return redirect("accounts:two_factor_setup")
    if request.method == "POST":
        services.regenerate_backup_codes(user)
        messages.success(request, _("New backup codes were created; the old ones no longer work."))
        return redirect("accounts:backup_codes")
    device = services.backup_device(user)
    codes = list(device.token_set.values_list("token", flat=True)) if device else []
    context = {"codes": codes, "next": safe_next(request, reverse("accounts:profile"))}
    return render(request, "accounts/backup_codes.html", context)


@login_required
@sensitive_post_parameters("password")
@never_cache
def two_factor_disable(request):
    user = request.user
    if services.confirmed_totp_device(user) is None:
        return redirect("accounts:profile")
    required = two_factor_required(user)
    form = PasswordConfirmForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and not required and form.is_valid():
        services.disable_totp(actor=user, user=user)
        messages.success(request, _("Two-factor login is off."))
        return redirect("accounts:profile")
    return render(request, "accounts/two_factor_disable.html", {"form": form, "required": required})


@require_POST
@login_required
def switch_unit(request):
    """Work in another of the user's units. htmx requests get an HX-Redirect instead of a 302."""
    try:
        unit_id = int(request.POST.get("unit", ""))
    except ValueError:
        raise PermissionDenied(_("Choose one of your units.")) from None
    if unit_id not in {unit.pk for unit in staff_units(request.user)}:
        raise PermissionDenied(_("You have no role in this unit."))
    request.session[SESSION_UNIT_KEY] = unit_id
    next_url = safe_next(request, _referer_on_site(request) or resolve_url(settings.LOGIN_REDIRECT_URL))
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = next_url
        return response
    return redirect(next_url)


def _referer_on_site(request) -> str | None:
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return None


@login_required
@never_cache
def profile(request):
    user = request.user
    data = request.POST if request.method == "POST" else None
    form = LanguageForm(data, initial={"preferred_language": user.preferred_language})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_user(user, actor=user, preferred_language=form.cleaned_data["preferred_language"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your language preference was saved."))
            return remember_language(redirect("accounts:profile"), user.preferred_language)
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("unit")
        .order_by("-is_active", "unit__path", "role")
    )
    current_ids = {m.pk for m in Membership.objects.current().filter(user=user)}
    context = {
        "form": form,
        "memberships": [(m, m.pk in current_ids) for m in memberships],
        "two_factor_on": services.confirmed_totp_device(user) is not None,
        "two_factor_required": two_factor_required(user),
        "switchable_units": staff_units(user),
    }
    return render(request, "accounts/profile.html", context)
