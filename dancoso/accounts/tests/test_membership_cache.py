"""The memberships cache (accounts.scoping): read once per user and day, then kept until a membership or a unit
changes. It must stay exactly as strict as reading the database on every request: a revoked role stops working
at the next request, a new one works at once, a renamed, moved or closed unit shows at once.

The tests commit (transaction=True): inside a test's transaction every change would bypass the cache (see
core.versioned_cache), and the point is what other requests see after the change is committed. Each "request"
is a fresh user object, as AuthenticationMiddleware gives one per request.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dancoso.accounts import scoping, services
from dancoso.accounts.models import Membership, User
from dancoso.accounts.roles import Role
from dancoso.accounts.tests.factories import UserFactory
from dancoso.units import services as unit_services
from dancoso.units.models import Unit, path_segment

pytestmark = pytest.mark.django_db(transaction=True)

VIEW_UNIT = "units.view_unit"


def next_request(user) -> User:
    return User.objects.get(pk=user.pk)


def membership_queries(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if 'FROM "accounts_membership"' in q["sql"]]


def units_of(user) -> list[int]:
    return [m.unit_id for m in scoping.current_memberships(next_request(user))]


@pytest.fixture
def officer(tree):
    user = UserFactory()
    services.grant_membership(actor=None, user=user, unit=tree.a, role=Role.COMMUNE_OFFICER)
    return user


def test_read_once_then_from_the_cache(officer, tree):
    with CaptureQueriesContext(connection) as first:
        assert units_of(officer) == [tree.a.pk]
    assert len(membership_queries(first)) == 1
    with CaptureQueriesContext(connection) as second:
        memberships = scoping.current_memberships(next_request(officer))
    assert membership_queries(second) == []
    assert [(m.role, m.unit.name, m.unit.path) for m in memberships] == [
        (Role.COMMUNE_OFFICER, tree.a.name, tree.a.path)
    ]


def test_each_request_gets_its_own_instances(officer, tree):
    """Changing a membership or its unit in one request (a view editing request.current_unit) cannot leak
    into another request's copy."""
    first = scoping.current_memberships(next_request(officer))
    first[0].unit.name = "Đã sửa trong bộ nhớ"
    first[0].role = Role.SYSTEM_ADMIN
    second = scoping.current_memberships(next_request(officer))
    assert second[0].unit.name == tree.a.name and second[0].role == Role.COMMUNE_OFFICER
    assert second[0] is not first[0] and second[0].unit is not first[0].unit


def test_a_revoked_membership_stops_working_at_the_next_request(officer, tree):
    assert next_request(officer).has_perm(VIEW_UNIT, tree.a)  # cached now
    assert next_request(officer).has_perm(VIEW_UNIT, tree.village_a)
    membership = Membership.objects.get(user=officer, unit=tree.a)
    services.revoke_membership(membership, actor=None)
    user = next_request(officer)
    assert scoping.current_memberships(user) == []
    assert not user.has_perm(VIEW_UNIT, tree.a) and not user.has_perm(VIEW_UNIT, tree.village_a)


def test_a_granted_membership_works_at_the_next_request(officer, tree):
    assert not next_request(officer).has_perm(VIEW_UNIT, tree.b)  # cached: commune A only
    services.grant_membership(actor=None, user=officer, unit=tree.b, role=Role.COMMUNE_LEADER)
    assert sorted(units_of(officer)) == sorted([tree.a.pk, tree.b.pk])
    assert next_request(officer).has_perm(VIEW_UNIT, tree.b)


def test_a_changed_membership_applies_at_the_next_request(officer, tree):
    assert next_request(officer).has_perm(VIEW_UNIT, tree.village_a)
    membership = Membership.objects.get(user=officer, unit=tree.a)
    services.update_membership(membership, actor=None, covers_subtree=False)
    user = next_request(officer)
    assert user.has_perm(VIEW_UNIT, tree.a) and not user.has_perm(VIEW_UNIT, tree.village_a)


def test_a_renamed_unit_shows_at_the_next_request(officer, tree):
    assert scoping.current_memberships(next_request(officer))[0].unit.name == tree.a.name
    unit_services.update_unit(tree.a, actor=None, name="Xã An Khánh Mới")
    assert scoping.current_memberships(next_request(officer))[0].unit.name == "Xã An Khánh Mới"


def test_a_closed_unit_ends_its_memberships_at_the_next_request(officer, tree):
    assert units_of(officer) == [tree.a.pk]
    unit_services.update_unit(tree.a, actor=None, is_active=False)
    assert units_of(officer) == []


def test_a_moved_unit_changes_the_scope_at_the_next_request(officer, tree):
    """A village moved from commune A to commune B leaves the scope of A's officer (any save of a unit drops
    the cached memberships and their paths)."""
    leader = UserFactory()
    services.grant_membership(actor=None, user=leader, unit=tree.b, role=Role.COMMUNE_LEADER)
    assert next_request(officer).has_perm(VIEW_UNIT, tree.village_a)
    assert not next_request(leader).has_perm(VIEW_UNIT, tree.village_a)
    village = Unit.objects.get(pk=tree.village_a.pk)
    village.parent, village.path = tree.b, tree.b.path + path_segment(village.pk)
    village.save(update_fields=["parent", "path"])
    moved = Unit.objects.get(pk=village.pk)
    assert not next_request(officer).has_perm(VIEW_UNIT, moved)
    assert next_request(leader).has_perm(VIEW_UNIT, moved)


def test_a_membership_ends_with_its_last_day(officer, tree, monkeypatch):
    """The cache is kept per day: a membership valid until today is gone tomorrow without any write."""
    membership = Membership.objects.get(user=officer, unit=tree.a)
    services.update_membership(membership, actor=None, valid_until=timezone.localdate())
    assert units_of(officer) == [tree.a.pk]
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert units_of(officer) == []


def test_writes_without_signals_need_forget_all_memberships(officer, tree):
    assert units_of(officer) == [tree.a.pk]
    Membership.objects.filter(user=officer).update(is_active=False)  # no signal: the cache cannot know
    assert units_of(officer) == [tree.a.pk]
    scoping.forget_all_memberships()
    assert units_of(officer) == []


def test_inside_a_transaction_that_changed_memberships_the_database_is_read(officer, tree):
    from django.db import transaction

    assert units_of(officer) == [tree.a.pk]
    with transaction.atomic():
        services.grant_membership(actor=None, user=officer, unit=tree.b, role=Role.COMMUNE_OFFICER)
        assert sorted(units_of(officer)) == sorted([tree.a.pk, tree.b.pk])
        transaction.set_rollback(True)
    assert units_of(officer) == [tree.a.pk]
