"""The admin saves through accounts.services, so its changes reach the ledger and the validations."""

import pytest

from dancoso.accounts.models import Membership, RolePolicy, User
from dancoso.accounts.roles import Role
from dancoso.accounts.tests.factories import MembershipFactory, UserFactory
from dancoso.core.models import LedgerEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def actions() -> list[str]:
    return list(LedgerEntry.objects.values_list("action", flat=True))


def inline_management(prefix="memberships", total=0):
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": 0,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


def test_add_user(admin_client, tree):
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "canbo",
            "full_name": "Lê Văn Cán",
            "phone": "+84 912 000 111",
            "email": "CanBo@Example.VN",
            "usable_password": "true",
            "password1": "Đồng-lúa-2026-xanh",
            "password2": "Đồng-lúa-2026-xanh",
            **inline_management(total=1),
            "memberships-0-unit": tree.a.pk,
            "memberships-0-role": Role.COMMUNE_OFFICER,
            "memberships-0-covers_subtree": "on",
            "memberships-0-is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    user = User.objects.get(username="canbo")
    assert user.phone == "0912000111" and user.email == "canbo@example.vn"
    assert user.check_password("Đồng-lúa-2026-xanh")
    assert Membership.objects.get(user=user).role == Role.COMMUNE_OFFICER
    assert {"accounts.create_user", "accounts.grant_membership"} <= set(actions())


def test_membership_admin_revokes_instead_of_deleting(admin_client, tree):
    membership = MembershipFactory(unit=tree.a)
    response = admin_client.post(f"/admin/accounts/membership/{membership.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active
    assert "accounts.revoke_membership" in actions()


def test_role_policy_list_editable(admin_client):
    policy = RolePolicy.objects.create(role=Role.COMMUNE_LEADER)
    response = admin_client.post(
        "/admin/accounts/rolepolicy/",
        {
            "form-TOTAL_FORMS": 1,
            "form-INITIAL_FORMS": 1,
            "form-MIN_NUM_FORMS": 0,
            "form-MAX_NUM_FORMS": 1000,
            "form-0-id": policy.pk,
            "form-0-require_two_factor": "on",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.require_two_factor
    assert "accounts.set_role_policy" in actions()


def test_admin_password_change(admin_client):
    user = UserFactory()
    response = admin_client.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"usable_password": "true", "password1": "Sông-Hồng-2026-đỏ", "password2": "Sông-Hồng-2026-đỏ"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Sông-Hồng-2026-đỏ")
    assert "accounts.set_password" in actions()
