import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from dancoso.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def log_in(identifier: str, password: str = PASSWORD):
    return authenticate(RequestFactory().post("/accounts/login/"), username=identifier, password=password)


def test_username():
    user = UserFactory(username="nguyenvana")
    assert log_in("nguyenvana") == user


def test_username_is_case_insensitive_and_trimmed():
    user = UserFactory(username="NguyenVanA")
    assert log_in("  nguyenvana ") == user


@pytest.mark.parametrize(
    "typed", ["0912345678", "0912 345 678", "0912.345.678", "+84912345678", "+84 912 345 678"]
)
def test_phone_in_any_usual_format(typed):
    user = UserFactory(phone="0912345678")
    assert log_in(typed) == user


def test_email_is_case_insensitive():
    user = UserFactory(email="chi.tran@example.vn")
    assert log_in("Chi.Tran@Example.VN") == user


def test_wrong_password():
    user = UserFactory()
    assert log_in(user.username, "not-the-password") is None


def test_unknown_identifier():
    UserFactory()
    assert log_in("nobody@example.vn") is None


def test_identifier_matching_two_accounts_logs_in_neither():
    # services.create_user refuses such a pair; older or imported rows might still have one.
    UserFactory(phone="0912345678")
    UserFactory(username="0912345678")
    assert log_in("0912345678") is None


def test_email_equal_to_another_username_is_ambiguous():
    UserFactory(username="an@example.vn", email="other@example.vn")
    UserFactory(email="an@example.vn")
    assert log_in("an@example.vn") is None


def test_inactive_user_cannot_log_in():
    user = UserFactory(phone="0912345678", is_active=False)
    assert log_in(user.username) is None
    assert log_in("0912345678") is None


def test_user_without_usable_password_cannot_log_in():
    user = UserFactory()
    user.set_unusable_password()
    user.save()
    assert log_in(user.username, "") is None
