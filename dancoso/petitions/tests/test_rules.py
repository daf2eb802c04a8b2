"""Permissions of the staff petition pages, one test per permission and role (adhocracy4 style), checked on a
petition of commune A: each role in commune A, a province officer above it, a resident, and an officer of
another commune. Then the pages themselves: another commune's petition is 403/404 on every route."""

import pytest
from django.urls import reverse

from dancoso.accounts.roles import Role
from dancoso.core.models import Attachment
from dancoso.petitions import services
from dancoso.petitions.models import Petition
from dancoso.petitions.tests import test_views as shared
from dancoso.petitions.tests.test_views import (
    EXPORT,
    INBOX,
    make_petition,
    pdf,
    snapshot,
    user_with,
)
from dancoso.petitions.views import ACTIONS

pytestmark = pytest.mark.django_db

tree = shared.tree  # the fixture of the staff test files

ROLES = [
    "commune_officer",
    "commune_leader",
    "front_officer",
    "inspection_board_member",
    "province_officer",
    "resident",
    "other_commune_officer",
]


def member(tree, who):
    if who == "province_officer":
        return user_with(tree.province, Role.PROVINCE_OFFICER)
    if who == "other_commune_officer":
        return user_with(tree.other, Role.COMMUNE_OFFICER)
    return user_with(tree.commune, who)


def expected(granted: set[str]) -> list:
    return [pytest.param(who, who in granted, id=who) for who in ROLES]


@pytest.mark.parametrize(
    ("who", "allowed"),
    expected(
        {"commune_officer", "commune_leader", "front_officer", "inspection_board_member", "province_officer"}
    ),
)
def test_view_petition(tree, who, allowed):
    petition = make_petition(tree.commune)
    user = member(tree, who)
    assert user.has_perm("petitions.view_petition", petition) is allowed
    assert (
        Petition.objects.visible_to(user, "petitions.view_petition").filter(pk=petition.pk).exists()
        is allowed
    )


@pytest.mark.parametrize(
    ("who", "allowed"), expected({"commune_officer", "commune_leader", "province_officer"})
)
def test_handle_petition(tree, who, allowed):
    petition = make_petition(tree.commune)
    assert member(tree, who).has_perm("petitions.handle_petition", petition) is allowed


@pytest.mark.parametrize(
    ("who", "allowed"), expected({"commune_officer", "commune_leader", "province_officer"})
)
def test_export_petition(tree, who, allowed):
    petition = make_petition(tree.commune)
    assert member(tree, who).has_perm("petitions.export_petition", petition) is allowed


@pytest.mark.parametrize(("who", "allowed"), expected({"commune_leader", "province_officer"}))
def test_reveal_identity(tree, who, allowed):
    petition = make_petition(tree.commune, kind="denunciation")
    user = member(tree, who)
    assert user.has_perm("petitions.reveal_identity", petition) is allowed
    assert services.may_reveal_identity(user, petition) is allowed


# ------------------------------------------------------------------------------------------------ pages

PAGE_ROLES = [
    Role.COMMUNE_OFFICER,
    Role.COMMUNE_LEADER,
    Role.FRONT_OFFICER,
    Role.INSPECTION_BOARD_MEMBER,
    Role.RESIDENT,
]


def foreign_routes(petition, attachment):
    """Every staff route that names a petition (or its attachment), with its method."""
    routes = [
        ("get", reverse("petitions:detail", kwargs={"pk": petition.pk})),
        ("post", reverse("petitions:reveal", kwargs={"pk": petition.pk})),
        ("get", reverse("petitions:attachment", kwargs={"pk": attachment.pk})),
    ]
    routes += [("post", reverse(f"petitions:{name}", kwargs={"pk": petition.pk})) for name in ACTIONS]
    return routes


@pytest.mark.parametrize("role", PAGE_ROLES)
def test_another_communes_petition_is_closed_on_every_route(client, tree, role):
    foreign = make_petition(tree.other, kind="denunciation", attachments=[pdf()])
    attachment = Attachment.objects.get(object_id=str(foreign.pk))
    client.force_login(user_with(tree.commune, role))
    before = snapshot(foreign)
    for method, url in foreign_routes(foreign, attachment):
        data = {"reveal-reason": "Kiểm tra"} if method == "post" else None
        response = getattr(client, method)(url, data)
        assert response.status_code in (403, 404), url
    assert snapshot(foreign) == before
    for url in (INBOX, EXPORT):
        response = client.get(url, {"bucket": "all"})
        assert response.status_code in (200, 403)
        assert foreign.tracking_code.encode() not in response.content


@pytest.mark.parametrize(
    ("role", "inbox", "export", "create"),
    [
        (Role.COMMUNE_OFFICER, 200, 200, 200),
        (Role.COMMUNE_LEADER, 200, 200, 200),
        (Role.FRONT_OFFICER, 200, 403, 403),
        (Role.INSPECTION_BOARD_MEMBER, 200, 403, 403),
        (Role.RESIDENT, 403, 403, 403),
    ],
)
def test_list_pages_by_role(client, tree, role, inbox, export, create):
    client.force_login(user_with(tree.commune, role))
    assert client.get(INBOX).status_code == inbox
    assert client.get(EXPORT).status_code == export
    assert client.get(reverse("petitions:create")).status_code == create


def test_anonymous_visitors_are_sent_to_login(client, tree):
    petition = make_petition(tree.commune)
    for url in (INBOX, EXPORT, reverse("petitions:detail", kwargs={"pk": petition.pk})):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_a_superuser_without_a_role_may_not_reveal(client, tree, django_user_model):
    petition = make_petition(tree.commune, kind="denunciation")
    admin = django_user_model.objects.create_superuser(username="quantri", password="x-1234567890")
    client.force_login(admin)
    url = reverse("petitions:reveal", kwargs={"pk": petition.pk})
    assert client.post(url, {"reveal-reason": "Xem thử"}).status_code == 403
