import pytest

from dancoso.accounts.middleware import SESSION_UNIT_KEY
from dancoso.accounts.roles import Role
from dancoso.accounts.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

SWITCH = "/accounts/switch-unit/"


@pytest.fixture
def two_unit_user(tree):
    membership = MembershipFactory(unit=tree.a, role=Role.COMMUNE_OFFICER)
    MembershipFactory(user=membership.user, unit=tree.b, role=Role.COMMUNE_LEADER)
    return membership.user


def test_switch_to_a_unit_with_membership(client, tree, two_unit_user):
    client.force_login(two_unit_user)
    response = client.post(SWITCH, {"unit": tree.b.pk, "next": "/accounts/profile/"})
    assert response.status_code == 302 and response.url == "/accounts/profile/"
    assert client.session[SESSION_UNIT_KEY] == tree.b.pk
    assert client.get("/accounts/profile/").context["current_unit"] == tree.b


def test_cannot_switch_to_a_unit_without_membership(client, tree, two_unit_user):
    client.force_login(two_unit_user)
    client.post(SWITCH, {"unit": tree.a.pk})
    for foreign in (tree.province.pk, tree.village_b.pk, 999999, "x"):
        response = client.post(SWITCH, {"unit": foreign})
        assert response.status_code == 403
        assert client.session[SESSION_UNIT_KEY] == tree.a.pk


def test_expired_membership_does_not_allow_switching(client, tree):
    import datetime

    membership = MembershipFactory(unit=tree.a)
    MembershipFactory(user=membership.user, unit=tree.b, valid_until=datetime.date(2020, 1, 1))
    client.force_login(membership.user)
    assert client.post(SWITCH, {"unit": tree.b.pk}).status_code == 403
    assert SESSION_UNIT_KEY not in client.session


def test_switch_is_post_only_and_needs_login(client, tree, two_unit_user):
    assert client.post(SWITCH, {"unit": tree.b.pk}).status_code == 302  # to login
    client.force_login(two_unit_user)
    assert client.get(SWITCH, {"unit": tree.b.pk}).status_code == 405


def test_offsite_next_falls_back(client, tree, two_unit_user):
    client.force_login(two_unit_user)
    response = client.post(SWITCH, {"unit": tree.b.pk, "next": "https://evil.example/x"})
    assert response.url == "/accounts/profile/"


def test_htmx_request_gets_hx_redirect(client, tree, two_unit_user):
    client.force_login(two_unit_user)
    response = client.post(SWITCH, {"unit": tree.b.pk, "next": "/staff/"}, headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/staff/"
    assert client.session[SESSION_UNIT_KEY] == tree.b.pk
