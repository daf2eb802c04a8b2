import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from dancoso.accounts import services
from dancoso.accounts.roles import Role
from dancoso.accounts.tests.factories import PASSWORD, MembershipFactory, UserFactory
from dancoso.core.models import LedgerEntry

pytestmark = pytest.mark.django_db

PROFILE = "/accounts/profile/"
VERIFY = "/accounts/two-factor/verify/"
SETUP = "/accounts/two-factor/setup/"


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or `steps_ahead` periods later), from the device key."""
    generator = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    generator.time = time.time() + steps_ahead * device.step
    return f"{generator.token():0{device.digits}d}"


@pytest.fixture
def user_with_totp(db):
    user = UserFactory()
    device = services.start_totp_setup(user)
    assert services.confirm_totp(user, device, code_for(device))
    device.refresh_from_db()
    return user, device


def test_setup_page_shows_an_inline_svg_qr_code_and_the_secret(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get(SETUP)
    assert response.status_code == 200
    content = response.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert "<svg" in content and "<script" not in content.split("<main", 1)[1].split("</main>")[0]
    assert 'style="' not in content
    secret = response.context["secret"].replace(" ", "")
    from base64 import b32decode

    assert b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    # Reloading keeps the same key so a code already scanned stays valid.
    client.get(SETUP)
    assert TOTPDevice.objects.get(user=user, confirmed=False).pk == device.pk


def test_enabling_totp_with_a_real_code(client):
    user = UserFactory()
    client.force_login(user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(SETUP, {"token": code_for(device)})
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:backup_codes"))
    device.refresh_from_db()
    assert device.confirmed
    assert StaticDevice.objects.get(user=user).token_set.count() == services.BACKUP_CODE_COUNT
    # The session that set it up counts as verified.
    assert client.get(PROFILE).status_code == 200
    codes_page = client.get(reverse("accounts:backup_codes"))
    first_code = StaticDevice.objects.get(user=user).token_set.first().token
    assert first_code in codes_page.content.decode()


def test_wrong_code_does_not_enable(client):
    user = UserFactory()
    client.force_login(user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    wrong = f"{(int(code_for(device)) + 1) % 10**6:06d}"
    response = client.post(SETUP, {"token": wrong})
    assert response.status_code == 200
    assert "Mã không đúng" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticDevice.objects.filter(user=user).exists()


def test_login_then_requires_the_code(client, login, user_with_totp):
    user, device = user_with_totp
    response = login(user, next="/accounts/profile/?tab=roles")
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)
    # Password alone does not open anything.
    blocked = client.get(PROFILE)
    assert blocked.status_code == 302 and blocked.url.startswith(VERIFY)
    assert client.get("/api/v1/me/").status_code == 403

    response = client.post(
        VERIFY, {"token": code_for(device, steps_ahead=1), "next": "/accounts/profile/?tab=roles"}
    )
    assert response.status_code == 302
    assert response.url == "/accounts/profile/?tab=roles"
    assert client.get(PROFILE).status_code == 200


def test_wrong_code_is_rejected_at_login(client, login, user_with_totp):
    user, device = user_with_totp
    login(user)
    wrong = f"{(int(code_for(device, steps_ahead=1)) + 1) % 10**6:06d}"
    response = client.post(VERIFY, {"token": wrong})
    assert response.status_code == 200
    assert "Mã không đúng" in response.content.decode()
    assert client.get(PROFILE).status_code == 302


def test_a_backup_code_works_once(client, login, user_with_totp):
    user, _device = user_with_totp
    backup = StaticDevice.objects.get(user=user).token_set.first().token
    login(user)
    assert client.post(VERIFY, {"token": backup.upper()}).status_code == 302
    assert client.get(PROFILE).status_code == 200
    assert not StaticDevice.objects.get(user=user).token_set.filter(token=backup).exists()


def test_verify_refuses_an_offsite_next(client, login, user_with_totp):
    user, device = user_with_totp
    login(user)
    response = client.post(
        VERIFY, {"token": code_for(device, steps_ahead=1), "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response.url == PROFILE


def test_user_without_device_logs_in_with_password_only(client, login):
    user = UserFactory()
    response = login(user)
    assert response.status_code == 302 and response.url == PROFILE
    assert client.get(PROFILE).status_code == 200


def test_role_policy_forces_setup_and_blocks_pages_until_done(client, login, tree):
    services.set_role_policy(actor=None, role=Role.COMMUNE_OFFICER, require_two_factor=True)
    user = MembershipFactory(unit=tree.a, role=Role.COMMUNE_OFFICER).user
    login(user)
    for blocked_path in ("/staff/", PROFILE, "/admin/"):
        response = client.get(blocked_path)
        assert response.status_code == 302, blocked_path
        assert response.url.startswith(SETUP), blocked_path
    assert client.get("/api/v1/me/").status_code == 403

    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post(SETUP, {"token": code_for(device)}).status_code == 302
    assert client.get(PROFILE).status_code == 200
    assert client.get("/api/v1/me/").status_code == 200


def test_role_policy_does_not_touch_other_roles(client, login, tree):
    services.set_role_policy(actor=None, role=Role.COMMUNE_LEADER, require_two_factor=True)
    user = MembershipFactory(unit=tree.a, role=Role.COMMUNE_OFFICER).user
    login(user)
    assert client.get(PROFILE).status_code == 200


def test_required_two_factor_cannot_be_turned_off(client, tree):
    user = MembershipFactory(unit=tree.a, role=Role.COMMUNE_OFFICER).user
    device = services.start_totp_setup(user)
    services.confirm_totp(user, device, code_for(device))
    services.set_role_policy(actor=None, role=Role.COMMUNE_OFFICER, require_two_factor=True)
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    response = client.post("/accounts/two-factor/disable/", {"password": PASSWORD})
    assert response.status_code == 200
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_turning_off_needs_the_password(client, user_with_totp):
    user, device = user_with_totp
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    assert client.post("/accounts/two-factor/disable/", {"password": "wrong"}).status_code == 200
    assert TOTPDevice.objects.filter(user=user).exists()
    response = client.post("/accounts/two-factor/disable/", {"password": PASSWORD})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()


def test_confirming_twice_or_for_someone_else_fails(user_with_totp):
    user, device = user_with_totp
    assert not services.confirm_totp(user, device, code_for(device, steps_ahead=1))
    other = UserFactory()
    fresh = services.start_totp_setup(other)
    assert not services.confirm_totp(user, fresh, code_for(fresh))


def test_ledger_never_holds_the_secrets(user_with_totp):
    user, device = user_with_totp
    codes = list(StaticDevice.objects.get(user=user).token_set.values_list("token", flat=True))
    dumped = " ".join(str(entry.payload) for entry in LedgerEntry.objects.all())
    assert {"accounts.start_totp_setup", "accounts.enable_totp"} <= set(
        LedgerEntry.objects.values_list("action", flat=True)
    )
    assert device.key not in dumped
    assert not any(code in dumped for code in codes)
