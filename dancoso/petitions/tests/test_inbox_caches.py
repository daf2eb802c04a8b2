"""What the inbox caches (session 3 of issue 3) must not change.

- The user's memberships, the subtree's units and the fields (sectors) are cached between requests: a revoked or
  narrowed membership, a new or renamed unit and a renamed field show at the next request, and the inbox still
  lists exactly `visible_to() ∩ in_subtree()`. These tests commit (transaction=True): inside a test's
  transaction the caches are bypassed.
- On PostgreSQL the page and the counts come from SQL kept per shape (core.sql_shapes) and the "all" list from
  each unit's newest rows: the same rows, in the same order, as the ORM's queries, for every filter and page.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dancoso.accounts import services as accounts
from dancoso.accounts.roles import Role
from dancoso.accounts.tests.factories import UserFactory
from dancoso.petitions import forms, services, views
from dancoso.petitions.models import Kind, Petition, Sector
from dancoso.petitions.tests.test_views import INBOX, make_petition, today
from dancoso.units import services as unit_services
from dancoso.units.models import UnitKind
from dancoso.units.tests.factories import ProvinceFactory, UnitFactory, VillageFactory


@pytest.fixture
def tree(transactional_db):
    province = ProvinceFactory(name="Tỉnh Thử")
    commune = UnitFactory(parent=province, name="Xã An Khánh")
    return type(
        "Tree",
        (),
        {
            "province": province,
            "commune": commune,
            "village": VillageFactory(parent=commune, name="Thôn Đông"),
            "other": UnitFactory(parent=province, name="Xã Bình Minh"),
        },
    )


def officer(unit, role=Role.COMMUNE_OFFICER, **extra):
    user = UserFactory()
    membership = accounts.grant_membership(actor=None, user=user, unit=unit, role=role, **extra)
    return user, membership


def listed(response) -> set[int]:
    assert response.status_code == 200
    return {row.item.pk for row in response.context["page"].rows}


def expected(user, unit) -> set[int]:
    return set(Petition.objects.visible_to(user, views.VIEW).in_subtree(unit).values_list("pk", flat=True))


# ------------------------------------------------------------------------------------------------ caches


@pytest.mark.django_db(transaction=True)
def test_a_revoked_membership_closes_the_inbox_at_the_next_request(client, tree):
    user, membership = officer(tree.commune)
    make_petition(tree.commune)
    client.force_login(user)
    assert client.get(INBOX).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(INBOX).status_code == 200  # memberships from the cache
    assert not [q for q in captured.captured_queries if "accounts_membership" in q["sql"]]
    accounts.revoke_membership(membership, actor=None)
    assert client.get(INBOX).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_a_narrowed_membership_narrows_the_inbox_at_the_next_request(client, tree):
    in_commune, in_village, in_other = (make_petition(u) for u in (tree.commune, tree.village, tree.other))
    user, province_membership = officer(tree.province, Role.PROVINCE_OFFICER)
    client.force_login(user)
    assert listed(client.get(INBOX, {"bucket": "all"})) == {in_commune.pk, in_village.pk, in_other.pk}
    accounts.grant_membership(
        actor=None, user=user, unit=tree.commune, role=Role.COMMUNE_OFFICER, covers_subtree=False
    )
    accounts.revoke_membership(province_membership, actor=None)
    response = client.get(INBOX, {"bucket": "all"})
    assert response.context["unit"] == tree.commune
    assert listed(response) == {in_commune.pk} == expected(user, tree.commune)


@pytest.mark.django_db(transaction=True)
def test_a_new_unit_in_the_subtree_shows_at_the_next_request(client, tree):
    user, _membership = officer(tree.commune)
    client.force_login(user)
    first = make_petition(tree.village)
    assert listed(client.get(INBOX)) == {first.pk}  # the subtree's units are cached now
    hamlet = unit_services.create_unit(
        actor=None, kind=UnitKind.VILLAGE, code="AK-MOI", name="Thôn Mới", parent=tree.commune
    )
    second = make_petition(hamlet)
    response = client.get(INBOX)
    assert listed(response) == {first.pk, second.pk} == expected(user, tree.commune)
    assert "<small>Thôn Mới</small>" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_renamed_unit_shows_at_the_next_request(client, tree):
    user, _membership = officer(tree.commune)
    client.force_login(user)
    make_petition(tree.village)
    assert "<small>Thôn Đông</small>" in client.get(INBOX).content.decode()
    unit_services.update_unit(tree.village, actor=None, name="Thôn Đông Mới")
    unit_services.update_unit(tree.commune, actor=None, name="Xã An Khánh Mới")
    page = client.get(INBOX).content.decode()
    assert "<small>Thôn Đông Mới</small>" in page and "Thôn Đông<" not in page
    assert "Xã An Khánh Mới" in page  # the heading and the staff header


@pytest.mark.django_db(transaction=True)
def test_a_renamed_field_shows_at_the_next_request(client, tree):
    sector = Sector.objects.create(code="thu-nghiem", name="Lĩnh vực thử")
    user, _membership = officer(tree.commune)
    client.force_login(user)
    make_petition(tree.commune, sector=sector)
    page = client.get(INBOX).content.decode()
    assert "<td>Lĩnh vực thử</td>" in page and f'<option value="{sector.pk}">Lĩnh vực thử</option>' in page
    sector.name = "Lĩnh vực đã đổi tên"
    sector.save()
    page = client.get(INBOX).content.decode()
    assert "<td>Lĩnh vực đã đổi tên</td>" in page
    assert f'<option value="{sector.pk}">Lĩnh vực đã đổi tên</option>' in page
    assert "Lĩnh vực thử" not in page
    added = Sector.objects.create(code="moi", name="Lĩnh vực mới")
    assert f'<option value="{added.pk}">Lĩnh vực mới</option>' in client.get(INBOX).content.decode()


# ------------------------------------------------------------------------------------------------ shaped SQL

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the SQL kept per shape and the per-unit lists are PostgreSQL's"
)


@pytest.fixture
def many(db):
    """A province with a commune, its two villages and another commune; 130 petitions with handlers, fields,
    kinds, channels, deadlines and states mixed."""
    province = ProvinceFactory(name="Tỉnh Nhiều Đơn")
    commune = UnitFactory(parent=province, name="Xã Một")
    units = [
        commune,
        VillageFactory(parent=commune),
        VillageFactory(parent=commune),
        UnitFactory(parent=province),
    ]
    user = officer_db(province, Role.PROVINCE_OFFICER)
    sectors = list(Sector.objects.all()[:3]) or [Sector.objects.create(code="s", name="S")]
    kinds = [Kind.PROPOSAL, Kind.REPORT, Kind.COMPLAINT]
    for i in range(130):
        petition = make_petition(
            units[i % 4],
            kind=kinds[i % 3],
            sector=sectors[i % len(sectors)],
            title=f"Đường thôn số {i}" if i % 5 else f"Đèn chiếu sáng số {i}",
            received_on=today() - timedelta(days=i % 40),
        )
        if i % 3 == 0:
            services.assign_handler(petition, actor=user, handler=user)
        if i % 7 == 0:
            services.classify_petition(petition, actor=user, is_eligible=True, within_competence=True)
    return province, commune, user, sectors


def officer_db(unit, role):
    from dancoso.accounts.tests.factories import MembershipFactory

    return MembershipFactory(unit=unit, role=role).user


FILTERS = [
    {},
    {"bucket": "all"},
    {"bucket": "all", "kind": Kind.REPORT},
    {"bucket": "open", "mine": True},
    {"bucket": "all", "q": "chiếu sáng"},
    {"q": "đường thôn", "kind": Kind.PROPOSAL},
    {"bucket": "all", "channel": "paper", "mine": True},
    {"bucket": "transferred"},
    {"bucket": "resolved"},
]


@needs_postgresql
@pytest.mark.parametrize("data", FILTERS, ids=range(len(FILTERS)))
@pytest.mark.parametrize("number", [1, 2, 3])
def test_shaped_pages_are_the_orms(many, data, number):
    province, commune, user, sectors = many
    data = {**data, "sector": sectors[0].pk} if data.get("kind") == Kind.REPORT else data
    for unit in (province, commune):
        form = forms.InboxFilterForm(dict(data) or None)
        filters = form.filters()
        scope = views.inbox_scope(user, unit)
        orm = views.inbox_queryset(user, unit, filters, scope=scope)
        offset = (number - 1) * views.PER_PAGE
        columns = (*views.INBOX_COLUMNS, *views.HANDLER_NAME_COLUMNS)
        wanted = [tuple(row) for row in orm.values_list(*columns)[offset : offset + views.PER_PAGE + 1]]
        for _twice in range(2):  # compiled, then from the shape cache
            got = views._page_rows(orm, scope, filters["bucket"], views._filter_values(filters, user), offset)
            assert [tuple(row) for row in got] == wanted, (unit, data, number)


@needs_postgresql
def test_the_all_list_reads_each_units_newest_rows(many):
    province, _commune, user, _sectors = many
    scope = views.inbox_scope(user, province)
    filters = forms.InboxFilterForm({"bucket": "all"}).filters()
    assert views._latest_by_unit(scope, "all", views._filter_values(filters, user), 0) is not None
    with CaptureQueriesContext(connection) as captured:
        views._page_rows(None, scope, "all", views._filter_values(filters, user), 0)
    assert "LATERAL" in captured.captured_queries[0]["sql"]
    # a filter, or a page too deep for the per-unit lists: the plain query
    assert (
        views._latest_by_unit(scope, "all", {**views._filter_values(filters, user), "kind": "report"}, 0)
        is None
    )
    assert views._latest_by_unit(scope, "all", views._filter_values(filters, user), 10**6) is None


@needs_postgresql
def test_shaped_counts_are_the_orms(many):
    province, commune, user, _sectors = many
    for unit in (province, commune):
        scope = views.inbox_scope(user, unit)
        for urgency in (
            views._urgency_for(unit),
            views.Urgency(today() + timedelta(days=20), today() + timedelta(days=40)),
        ):
            wanted = views._urgency_counts(scope.petitions(), urgency)
            assert views._inbox_counts(scope, urgency) == wanted
            assert views._inbox_counts(scope, urgency) == wanted  # from the shape cache
