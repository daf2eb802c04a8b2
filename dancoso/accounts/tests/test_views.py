import pytest
from django.conf import settings

from dancoso.accounts.roles import Role
from dancoso.accounts.tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PROFILE = "/accounts/profile/"


def test_login_page_in_vietnamese(client):
    content = client.get(LOGIN).content.decode()
    assert "Tên đăng nhập, số điện thoại hoặc email" in content
    assert 'name="username"' in content and 'name="password"' in content


def test_login_by_phone_and_honours_a_safe_next(client, login):
    user = UserFactory(phone="0912345678", preferred_language="en")
    response = client.post(
        LOGIN, {"username": "0912 345 678", "password": "Mật-khẩu-thử-2026", "next": "/staff/"}
    )
    assert response.status_code == 302 and response.url == "/staff/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_login_ignores_an_offsite_next(client, login):
    response = login(UserFactory(), next="https://evil.example/")
    assert response.status_code == 302 and response.url == PROFILE


def test_logout_is_post_only(client):
    client.force_login(UserFactory())
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_profile_needs_login(client):
    response = client.get(PROFILE)
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_profile_lists_memberships(client, tree):
    membership = MembershipFactory(unit=tree.a, role=Role.COMMUNE_LEADER, title="Chủ tịch UBND xã")
    client.force_login(membership.user)
    content = client.get(PROFILE).content.decode()
    assert "Lãnh đạo cấp xã" in content and "Chủ tịch UBND xã" in content and tree.a.name in content


def test_profile_saves_the_language(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(PROFILE, {"preferred_language": "en"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.preferred_language == "en"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert client.post(PROFILE, {"preferred_language": "fr"}).status_code == 200
