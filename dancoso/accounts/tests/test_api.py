import pytest
from rest_framework.test import APIClient

from dancoso.accounts import services
from dancoso.accounts.roles import Role, permissions_of
from dancoso.accounts.tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"
MEMBERSHIPS = "/api/v1/memberships/"


@pytest.fixture
def api():
    return APIClient()


def test_me_lists_current_memberships_and_permissions_per_unit(api, tree):
    membership = MembershipFactory(
        unit=tree.a, role=Role.COMMUNE_OFFICER, title="Công chức Văn phòng - Thống kê"
    )
    MembershipFactory(user=membership.user, unit=tree.b, role=Role.RESIDENT, is_active=False)
    api.force_authenticate(membership.user)
    body = api.get(ME).json()
    assert body["username"] == membership.user.username
    assert body["two_factor_enabled"] is False
    assert [(m["unit"]["id"], m["role"], m["title"]) for m in body["memberships"]] == [
        (tree.a.pk, "commune_officer", "Công chức Văn phòng - Thống kê")
    ]
    assert body["permissions"] == {str(tree.a.pk): sorted(permissions_of(Role.COMMUNE_OFFICER))}


def test_me_needs_authentication(api):
    assert api.get(ME).status_code in (401, 403)


def test_token_authentication(api, tree):
    user = MembershipFactory(unit=tree.a).user
    key = services.issue_api_token(actor=None, user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.get(ME)
    assert response.status_code == 200
    assert response.json()["id"] == user.pk


def test_issuing_a_new_token_revokes_the_old_one(api):
    user = UserFactory()
    old = services.issue_api_token(actor=None, user=user)
    new = services.issue_api_token(actor=None, user=user)
    assert old != new
    api.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert api.get(ME).status_code in (401, 403)  # 401 once TokenAuthentication is listed first
    api.credentials(HTTP_AUTHORIZATION=f"Token {new}")
    assert api.get(ME).status_code == 200


def test_token_of_a_deactivated_user_stops_working(api):
    user = UserFactory()
    key = services.issue_api_token(actor=None, user=user)
    services.update_user(user, actor=None, is_active=False)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get(ME).status_code in (401, 403)  # 401 once TokenAuthentication is listed first


def test_memberships_are_scoped_to_the_manager(api, tree):
    in_a = MembershipFactory(unit=tree.a, role=Role.COMMUNE_OFFICER)
    in_village_a = MembershipFactory(unit=tree.village_a, role=Role.RESIDENT)
    MembershipFactory(unit=tree.b, role=Role.COMMUNE_OFFICER)
    leader = MembershipFactory(unit=tree.a, role=Role.COMMUNE_LEADER)
    api.force_authenticate(leader.user)
    body = api.get(MEMBERSHIPS).json()
    assert {row["id"] for row in body["results"]} == {in_a.pk, in_village_a.pk, leader.pk}
    assert "phone" not in body["results"][0]["user"]
    filtered = api.get(MEMBERSHIPS, {"unit": tree.village_a.pk}).json()
    assert [row["id"] for row in filtered["results"]] == [in_village_a.pk]


def test_memberships_empty_for_a_role_without_the_permission(api, tree):
    MembershipFactory(unit=tree.a, role=Role.COMMUNE_OFFICER)
    officer = MembershipFactory(unit=tree.a, role=Role.COMMUNE_OFFICER)
    api.force_authenticate(officer.user)
    assert api.get(MEMBERSHIPS).json()["results"] == []


def test_membership_list_query_count_is_constant(api, tree, django_assert_max_num_queries):
    leader = MembershipFactory(unit=tree.a, role=Role.COMMUNE_LEADER)
    api.force_authenticate(leader.user)
    for _ in range(15):
        MembershipFactory(unit=tree.village_a, role=Role.RESIDENT)
    with django_assert_max_num_queries(4):
        response = api.get(MEMBERSHIPS)
    assert len(response.json()["results"]) == 16
