import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from dancoso.accounts import services
from dancoso.accounts.models import Membership, RolePolicy, User
from dancoso.accounts.roles import Role
from dancoso.accounts.tests.factories import MembershipFactory, UserFactory
from dancoso.core.ledger import first_problem
from dancoso.core.models import LedgerEntry

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Lúa-chín-vàng-2026"


def messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


def test_create_user_normalises_identifiers():
    user = services.create_user(
        actor=None,
        username=" tranthib ",
        password=GOOD_PASSWORD,
        full_name="  Trần   Thị B ",
        phone="+84 912 345 678",
        email="Tran.B@Example.VN",
    )
    assert (user.username, user.full_name, user.phone, user.email) == (
        "tranthib",
        "Trần Thị B",
        "0912345678",
        "tran.b@example.vn",
    )
    assert user.check_password(GOOD_PASSWORD)
    entry = LedgerEntry.objects.get(action="accounts.create_user")
    assert entry.object_id == str(user.pk)
    assert GOOD_PASSWORD not in str(entry.payload)
    assert first_problem() is None


def test_create_user_without_password_cannot_log_in():
    user = services.create_user(actor=None, username="khongmatkhau")
    assert not user.has_usable_password()
    assert user.email is None and user.phone is None


def test_two_users_without_email_or_phone():
    services.create_user(actor=None, username="mot")
    services.create_user(actor=None, username="hai", email="", phone="")
    assert User.objects.filter(email__isnull=True, phone__isnull=True).count() == 2


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"phone": "12345"}, "phone", "không phải là số điện thoại Việt Nam"),
        ({"email": "not-an-email"}, "email", "không phải là địa chỉ email hợp lệ"),
        ({"username": "có dấu cách"}, "username", "không được chứa dấu cách"),
        ({"username": "  "}, "username", "Hãy nhập tên đăng nhập"),
    ],
)
def test_invalid_input_is_refused_in_vietnamese(fields, field, message):
    with pytest.raises(ValidationError) as caught:
        services.create_user(actor=None, **{"username": "hople", **fields})
    assert field in caught.value.message_dict
    assert message in messages_of(caught.value)


def test_weak_password_is_refused_by_the_django_validators():
    with pytest.raises(ValidationError):
        services.create_user(actor=None, username="yeu", password="12345678")
    assert not User.objects.filter(username="yeu").exists()


def test_identifiers_stay_unambiguous_across_fields():
    UserFactory(username="nguoicu", phone="0912345678", email="cu@example.vn")
    attempts = [
        ({"username": "NGUOICU"}, "username"),
        ({"username": "0912345678"}, "username"),
        ({"phone": "0912.345.678"}, "phone"),
        ({"email": "CU@example.vn"}, "email"),
        ({"username": "cu@example.vn"}, "username"),
    ]
    for fields, field in attempts:
        with pytest.raises(ValidationError) as caught:
            services.create_user(actor=None, **{"username": "moi", **fields})
        assert field in caught.value.message_dict, fields


def test_only_superusers_create_staff():
    clerk = UserFactory()
    with pytest.raises(PermissionDenied):
        services.create_user(actor=clerk, username="quantri", is_superuser=True)
    admin = UserFactory(is_superuser=True)
    assert services.create_user(actor=admin, username="quantri", is_staff=True).is_staff


def test_update_user_records_field_names_not_values():
    user = UserFactory()
    services.update_user(user, actor=None, phone="0987 654 321", preferred_language="en")
    user.refresh_from_db()
    assert user.phone == "0987654321" and user.preferred_language == "en"
    entry = LedgerEntry.objects.get(action="accounts.update_user")
    assert entry.payload == {"changed": ["phone", "preferred_language"]}


def test_grant_membership_uses_the_role_default_and_is_idempotent(tree):
    user = UserFactory()
    first = services.grant_membership(actor=None, user=user, unit=tree.a, role=Role.INVESTMENT_BOARD_MEMBER)
    assert first.covers_subtree is False
    again = services.grant_membership(actor=None, user=user, unit=tree.a, role=Role.INVESTMENT_BOARD_MEMBER)
    assert again.pk == first.pk
    assert LedgerEntry.objects.filter(action="accounts.grant_membership").count() == 1
    officer = services.grant_membership(actor=None, user=user, unit=tree.a, role=Role.COMMUNE_OFFICER)
    assert officer.covers_subtree is True


def test_grant_refuses_an_end_before_the_start(tree):
    import datetime

    with pytest.raises(ValidationError):
        services.grant_membership(
            actor=None,
            user=UserFactory(),
            unit=tree.a,
            role=Role.COMMUNE_OFFICER,
            valid_from=datetime.date(2026, 5, 1),
            valid_until=datetime.date(2026, 4, 1),
        )


def test_revoke_then_grant_again_restores_the_same_row(tree):
    membership = MembershipFactory(unit=tree.a)
    services.revoke_membership(membership, actor=None)
    assert not Membership.objects.current().filter(pk=membership.pk).exists()
    restored = services.grant_membership(actor=None, user=membership.user, unit=tree.a, role=membership.role)
    assert restored.pk == membership.pk
    assert Membership.objects.current().filter(pk=membership.pk).exists()
    assert restored.valid_until is None


def test_granting_needs_manage_membership_in_the_unit(tree):
    admin_of_a = MembershipFactory(unit=tree.a, role=Role.SYSTEM_ADMIN).user
    leader_of_a = MembershipFactory(unit=tree.a, role=Role.COMMUNE_LEADER).user
    target = UserFactory()
    services.grant_membership(actor=admin_of_a, user=target, unit=tree.village_a, role=Role.RESIDENT)
    with pytest.raises(PermissionDenied):
        services.grant_membership(actor=admin_of_a, user=target, unit=tree.b, role=Role.RESIDENT)
    with pytest.raises(PermissionDenied):
        services.grant_membership(actor=leader_of_a, user=target, unit=tree.a, role=Role.RESIDENT)


def test_set_role_policy(tree):
    with pytest.raises(PermissionDenied):
        services.set_role_policy(actor=UserFactory(), role=Role.COMMUNE_LEADER, require_two_factor=True)
    policy = services.set_role_policy(actor=None, role=Role.COMMUNE_LEADER, require_two_factor=True)
    assert RolePolicy.objects.get(role=Role.COMMUNE_LEADER).require_two_factor
    services.set_role_policy(actor=None, role=Role.COMMUNE_LEADER, require_two_factor=True)
    assert (
        LedgerEntry.objects.filter(action="accounts.set_role_policy", object_id=str(policy.pk)).count() == 1
    )
    with pytest.raises(ValidationError):
        services.set_role_policy(actor=None, role="mayor", require_two_factor=True)


def test_api_tokens_are_issued_by_administrators_only():
    user = UserFactory()
    with pytest.raises(PermissionDenied):
        services.issue_api_token(actor=user, user=user)
    key = services.issue_api_token(actor=UserFactory(is_superuser=True), user=user)
    assert key not in str(list(LedgerEntry.objects.values_list("payload", flat=True)))


def test_issue_api_token_command(capsys):
    user = UserFactory(username="tichhop")
    call_command("issue_api_token", "tichhop")
    key = capsys.readouterr().out.strip()
    from rest_framework.authtoken.models import Token

    assert Token.objects.get(user=user).key == key


def test_createsuperuser_works_with_the_custom_user(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", GOOD_PASSWORD)
    call_command("createsuperuser", "--noinput", "--username", "quantri", "--email", "QuanTri@Example.VN")
    admin = User.objects.get(username="quantri")
    assert admin.is_superuser and admin.is_staff and admin.email == "quantri@example.vn"
    assert admin.check_password(GOOD_PASSWORD)
    call_command("createsuperuser", "--noinput", "--username", "quantri2", "--email", "")
    assert User.objects.get(username="quantri2").email is None
