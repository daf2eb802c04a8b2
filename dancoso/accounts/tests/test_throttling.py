import pytest
from django.conf import settings

from dancoso.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_lockout_after_the_failure_limit(client, login):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(user, "wrong password").status_code == 200
    locked = login(user, "wrong password")
    assert locked.status_code == 429

    response = login(user, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    content = response.content.decode()
    assert "Đăng nhập sai quá nhiều lần" in content
    assert f"{settings.AXES_FAILURE_LIMIT} lần" in content
    assert "accounts/locked_out.html" in [template.name for template in response.templates]


def test_failures_below_the_limit_do_not_lock(client, login):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(user, "wrong password")
    response = login(user, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_failed_login_shows_a_vietnamese_error(login):
    response = login(UserFactory(), "wrong password")
    assert "Thông tin đăng nhập không đúng" in response.content.decode()


def test_every_identifier_of_an_account_shares_one_counter(client, settings):
    settings.AXES_USERNAME_CALLABLE = "dancoso.accounts.backends.lockout_username"
    user = UserFactory(phone="0912345678", email="an@example.vn")
    typed = ["0912 345 678", "AN@example.vn", user.username.upper(), "+84912345678", user.username]
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        identifier = typed[attempt % len(typed)]
        client.post("/accounts/login/", {"username": identifier, "password": "wrong password"})
    response = client.post("/accounts/login/", {"username": "an@example.vn", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
