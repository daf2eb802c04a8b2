"""Permissions of the staff disclosure pages, one test per permission (adhocracy4 style): each role tried on an
item of commune A (or, for the workplace roles, of an agency), a province officer above it, and an officer of
another unit. Then the pages: the allowed role passes, a refused role gets 403, and every route that names
another unit's item, posting, file, plan or plan line answers 403/404 and changes nothing. Internal items are
read by every member of the unit itself, residents and workers included, through pages that need no staff
permission."""

from types import SimpleNamespace

import pytest
from django.urls import resolve, reverse

from dancoso.accounts.roles import Role
from dancoso.disclosure import services
from dancoso.disclosure.models import Channel, DisclosurePlan, PlanItem, Posting, Publication
from dancoso.disclosure.services import PostingSpec
from dancoso.disclosure.tests import test_views as shared
from dancoso.disclosure.tests.test_views import (
    PlanItemValues,
    internal,
    pdf,
    png,
    publish,
    snapshot,
    today,
    user_with,
)

pytestmark = pytest.mark.django_db

tree = shared.tree  # the fixture of the staff test files
_plan_item_category = shared._plan_item_category

ROLES = [
    "commune_officer",
    "commune_leader",
    "front_officer",
    "inspection_board_member",
    "investment_board_member",
    "province_officer",
    "resident",
    "system_admin",
    "workplace_officer",
    "union_representative",
    "agency_resident",
    "other_commune_officer",
    "other_workplace_officer",
]
WORKPLACE = {"workplace_officer", "union_representative", "agency_resident", "other_workplace_officer"}


def member(tree, who):
    if who == "province_officer":
        return user_with(tree.province, Role.PROVINCE_OFFICER)
    if who == "system_admin":
        return user_with(tree.province, Role.SYSTEM_ADMIN)
    if who == "other_commune_officer":
        return user_with(tree.other, Role.COMMUNE_OFFICER)
    if who == "other_workplace_officer":
        return user_with(tree.other_agency, Role.WORKPLACE_OFFICER)
    if who == "agency_resident":
        return user_with(tree.agency, Role.RESIDENT)
    if who in ("workplace_officer", "union_representative"):
        return user_with(tree.agency, who)
    return user_with(tree.commune, who)


def target(tree, who):
    """The item a role is tried on: the agency's for the workplace roles, commune A's for the others."""
    return internal(tree.agency) if who in WORKPLACE else publish(tree.commune)


def expected(granted: set[str]) -> list:
    return [pytest.param(who, who in granted, id=who) for who in ROLES]


COMMUNE_PUBLISHERS = {"commune_officer", "commune_leader", "system_admin", "workplace_officer"}


@pytest.mark.parametrize(
    ("who", "allowed"),
    expected(
        {
            *COMMUNE_PUBLISHERS,
            "front_officer",
            "inspection_board_member",
            "province_officer",
            "union_representative",
        }
    ),
)
def test_view_publication(tree, who, allowed):
    publication = target(tree, who)
    user = member(tree, who)
    assert user.has_perm("disclosure.view_publication", publication) is allowed
    visible = Publication.objects.visible_to(user, "disclosure.view_publication").filter(pk=publication.pk)
    assert visible.exists() is allowed


@pytest.mark.parametrize(("who", "allowed"), expected(COMMUNE_PUBLISHERS))
def test_publish(tree, who, allowed):
    assert member(tree, who).has_perm("disclosure.publish", target(tree, who)) is allowed


@pytest.mark.parametrize(("who", "allowed"), expected(COMMUNE_PUBLISHERS))
def test_confirm_posting(tree, who, allowed):
    publication = target(tree, who)
    posting = Posting.objects.filter(publication=publication).first()
    assert member(tree, who).has_perm("disclosure.confirm_posting", posting) is allowed


@pytest.mark.parametrize(("who", "allowed"), expected(COMMUNE_PUBLISHERS))
def test_manage_plan(tree, who, allowed):
    unit = tree.agency if who in WORKPLACE else tree.commune
    plan = services.create_plan(unit, today().year, actor=None)
    assert member(tree, who).has_perm("disclosure.manage_plan", plan) is allowed


@pytest.mark.parametrize(
    ("who", "allowed"), expected({"commune_leader", "system_admin", "workplace_officer"})
)
def test_approve_plan(tree, who, allowed):
    unit = tree.agency if who in WORKPLACE else tree.commune
    plan = services.create_plan(unit, today().year, actor=None)
    assert member(tree, who).has_perm("disclosure.approve_plan", plan) is allowed


@pytest.mark.parametrize(
    ("who", "allowed"),
    expected({*COMMUNE_PUBLISHERS, "front_officer", "inspection_board_member", "province_officer"}),
)
def test_view_compliance(tree, who, allowed):
    unit = tree.agency if who in WORKPLACE else tree.commune
    assert member(tree, who).has_perm("disclosure.view_compliance", unit) is allowed


@pytest.mark.parametrize(("who", "allowed"), expected({"system_admin"}))
def test_change_rules(tree, who, allowed):
    unit = tree.agency if who in WORKPLACE else tree.commune
    assert member(tree, who).has_perm("disclosure.change_rules", unit) is allowed


@pytest.mark.parametrize(
    ("who", "allowed"),
    expected({"workplace_officer", "union_representative", "agency_resident"}),
)
def test_internal_items_are_read_by_the_units_own_members_whatever_the_role(tree, who, allowed):
    item = internal(tree.agency)
    user = member(tree, who)
    assert Publication.objects.readable_by(user).filter(pk=item.pk).exists() is allowed


# ------------------------------------------------------------------------------------------------ pages


def _login(client, tree, who):
    client.force_login(member(tree, who))


def test_view_pages_allow_the_front_and_refuse_a_resident(client, tree):
    publication = publish(tree.commune)
    url = reverse("disclosure:detail", kwargs={"pk": publication.pk})
    _login(client, tree, "front_officer")
    assert client.get(url).status_code == 200
    assert client.get(reverse("disclosure:list")).status_code == 200
    assert client.get(reverse("disclosure:plan")).status_code == 200
    _login(client, tree, "resident")
    assert client.get(url).status_code == 404  # not in the resident's scope at all
    assert client.get(reverse("disclosure:list")).status_code == 403
    assert client.get(reverse("disclosure:plan")).status_code == 403
    _login(client, tree, "other_commune_officer")
    assert client.get(url).status_code == 404


def test_publish_pages_allow_an_officer_and_refuse_the_front(client, tree):
    publication = publish(tree.commune)
    withdraw = reverse("disclosure:withdraw", kwargs={"pk": publication.pk})
    _login(client, tree, "front_officer")
    before = snapshot()
    assert client.get(reverse("disclosure:create")).status_code == 403
    assert client.post(withdraw, {"withdraw-reason": "Thử"}).status_code == 403
    assert snapshot() == before
    _login(client, tree, "other_commune_officer")
    assert client.post(withdraw, {"withdraw-reason": "Thử"}).status_code == 404
    assert snapshot() == before
    _login(client, tree, "commune_officer")
    assert client.get(reverse("disclosure:create")).status_code == 200
    assert client.post(withdraw, {"withdraw-reason": "Thử"}).status_code == 302


def test_confirm_pages_allow_a_workplace_officer_and_refuse_the_union(client, tree):
    item = internal(tree.agency, postings=[PostingSpec(Channel.SEAT_BOARD, today())])
    board = Posting.objects.get(publication=item, channel="seat_board")
    url = reverse("disclosure:confirm_posting", kwargs={"pk": board.pk})
    before = snapshot()
    _login(client, tree, "union_representative")
    assert client.post(url, {f"confirm-{board.pk}-photo": png()}).status_code == 403
    _login(client, tree, "other_workplace_officer")
    assert client.post(url, {f"confirm-{board.pk}-photo": png()}).status_code == 404
    assert snapshot() == before
    _login(client, tree, "workplace_officer")
    assert client.post(url, {f"confirm-{board.pk}-photo": png()}).status_code == 302
    board.refresh_from_db()
    assert board.is_confirmed


def test_plan_pages_allow_an_officer_to_draft_and_only_the_leader_to_approve(client, tree):
    plan = services.create_plan(tree.commune, today().year, actor=None)
    services.save_plan_item(plan, actor=None, **{**PlanItemValues, "due_on": today()})
    add = reverse("disclosure:plan_item_add", kwargs={"pk": plan.pk})
    approve = reverse("disclosure:plan_approve", kwargs={"pk": plan.pk})
    line = {
        "item-category": PlanItemValues["category"].pk,
        "item-content": "Quyết toán",
        "item-channels": ["portal"],
        "item-due_on": today().isoformat(),
        "item-responsible": "Kế toán",
    }
    approval = {"approve-document_number": "25/KH-UBND", "approve-approved_on": today().isoformat()}
    before = snapshot()
    _login(client, tree, "inspection_board_member")
    assert client.post(add, line).status_code == 403
    _login(client, tree, "commune_officer")
    assert client.post(approve, approval).status_code == 403
    _login(client, tree, "other_commune_officer")
    assert client.post(add, line).status_code == 404
    assert client.post(approve, approval).status_code == 404
    assert snapshot() == before
    _login(client, tree, "commune_officer")
    assert client.post(add, line).status_code == 302
    _login(client, tree, "commune_leader")
    assert client.post(approve, approval).status_code == 302
    assert DisclosurePlan.objects.get(pk=plan.pk).state == "approved"


def test_a_resident_member_of_an_agency_reaches_its_internal_pages(client, tree):
    item = internal(tree.agency, attachments=[pdf()])
    file = services.version_attachments(item.current_version).get()
    _login(client, tree, "agency_resident")
    assert client.get(reverse("disclosure:internal")).status_code == 200
    assert client.get(reverse("disclosure:internal_detail", kwargs={"pk": item.pk})).status_code == 200
    assert client.get(reverse("disclosure:internal_attachment", kwargs={"pk": file.pk})).status_code == 200
    # …but not the staff pages of its unit's items.
    assert client.get(reverse("disclosure:detail", kwargs={"pk": item.pk})).status_code == 404
    assert client.get(reverse("disclosure:attachment", kwargs={"pk": file.pk})).status_code == 404


# ------------------------------------------------------------------------------------------------ another unit


def foreign_objects(tree):
    """Another commune's item (draft and published), posting with a photo, file, plan and plan line, and another
    enterprise's internal item."""
    item = publish(
        tree.other,
        attachments=[pdf()],
        postings=[PostingSpec(Channel.SEAT_BOARD, today())],
    )
    board = Posting.objects.get(publication=item, channel="seat_board")
    services.confirm_posting(board, actor=None, photo=png())
    board.refresh_from_db()
    draft = publish(tree.other, title="Dự thảo của xã khác", publish=False)
    plan = services.create_plan(tree.other, today().year, actor=None)
    line = services.save_plan_item(plan, actor=None, **{**PlanItemValues, "due_on": today()})
    foreign_internal = internal(tree.other_agency, attachments=[pdf()])
    return {
        "item": item,
        "draft": draft,
        "posting": board,
        "file": services.version_attachments(item.current_version).get(),
        "photo": board.proof,
        "plan": plan,
        "line": line,
        "internal": foreign_internal,
        "internal_file": services.version_attachments(foreign_internal.current_version).get(),
    }


def foreign_routes(objects):
    def url(name, key):
        return reverse(f"disclosure:{name}", kwargs={"pk": objects[key].pk})

    return [
        ("get", url("detail", "item"), {}),
        ("get", url("detail", "draft"), {}),
        ("post", url("publish", "draft"), {"publish-on": today().isoformat()}),
        ("post", url("revise", "item"), {"revise-title": "X", "revise-change_note": "X"}),
        (
            "post",
            url("add_posting", "item"),
            {"posting-channel": "loudspeaker", "posting-start_on": "2026-11-22"},
        ),
        ("post", url("withdraw", "item"), {"withdraw-reason": "Chen ngang"}),
        ("post", url("link_plan", "item"), {"plan-plan_item": ""}),
        ("post", url("confirm_posting", "posting"), {}),
        ("post", url("end_posting", "posting"), {}),
        ("get", url("attachment", "file"), {}),
        ("get", url("attachment", "photo"), {}),
        ("get", url("plan_detail", "plan"), {}),
        ("post", url("plan_item_add", "plan"), {"item-content": "Chen ngang"}),
        ("post", url("plan_approve", "plan"), {"approve-document_number": "1/KH"}),
        ("get", url("plan_item_edit", "line"), {}),
        ("post", url("plan_item_edit", "line"), {"content": "Chen ngang"}),
        ("post", url("plan_item_remove", "line"), {}),
        ("get", url("internal_detail", "internal"), {}),
        ("get", url("internal_attachment", "internal_file"), {}),
    ]


@pytest.mark.parametrize("role", list(Role))
def test_another_units_objects_are_closed_on_every_route(client, tree, role):
    objects = foreign_objects(tree)
    client.force_login(user_with(tree.commune, role))
    before = snapshot()
    for method, url, data in foreign_routes(objects):
        response = getattr(client, method)(url, data)
        assert response.status_code in (403, 404), (role, url, response.status_code)
    assert snapshot() == before
    assert PlanItem.objects.filter(pk=objects["line"].pk).exists()


def test_every_route_of_the_app_is_tried_here():
    """A new route names an object (then it belongs in `foreign_routes`) or works in one's own unit only."""
    from dancoso.disclosure import urls

    keys = ("item", "draft", "posting", "file", "photo", "plan", "line", "internal", "internal_file")
    tried = {
        resolve(url).url_name
        for _method, url, _data in foreign_routes(dict.fromkeys(keys, SimpleNamespace(pk=1)))
    }
    own_unit_only = {"list", "create", "plan", "plan_create", "quarterly", "internal"}
    assert {pattern.name for pattern in urls.urlpatterns} == tried | own_unit_only
