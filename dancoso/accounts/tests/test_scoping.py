from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from dancoso.accounts import services
from dancoso.accounts.roles import Role
from dancoso.accounts.tests.factories import MembershipFactory, UserFactory
from dancoso.units import services as unit_services
from dancoso.units.models import Household, Unit
from dancoso.units.tests.factories import HouseholdFactory, UnitFactory, VillageFactory

pytestmark = pytest.mark.django_db


def visible_units(user, permission="units.view_unit") -> set:
    return set(Unit.objects.visible_to(user, permission))


def test_subtree_membership_sees_the_unit_and_everything_below(tree):
    user = MembershipFactory(unit=tree.a, role=Role.COMMUNE_OFFICER, covers_subtree=True).user
    assert visible_units(user) == {tree.a, tree.village_a}


def test_membership_without_subtree_sees_only_its_unit(tree):
    user = MembershipFactory(unit=tree.a, role=Role.COMMUNE_OFFICER, covers_subtree=False).user
    assert visible_units(user) == {tree.a}


def test_permission_not_granted_by_the_role_shows_nothing(tree):
    user = MembershipFactory(unit=tree.a, role=Role.RESIDENT).user
    assert visible_units(user) == set()
    assert not Household.objects.visible_to(user, "units.view_household").exists()


def test_two_memberships_add_up(tree):
    membership = MembershipFactory(unit=tree.a, role=Role.COMMUNE_OFFICER, covers_subtree=False)
    MembershipFactory(user=membership.user, unit=tree.village_b, role=Role.COMMUNE_LEADER)
    assert visible_units(membership.user) == {tree.a, tree.village_b}


def test_expired_membership_grants_nothing(tree):
    yesterday = timezone.localdate() - timedelta(days=1)
    user = MembershipFactory(
        unit=tree.a, valid_from=yesterday - timedelta(days=30), valid_until=yesterday
    ).user
    assert visible_units(user) == set()


def test_membership_ending_today_still_counts(tree):
    user = MembershipFactory(unit=tree.a, valid_until=timezone.localdate()).user
    assert tree.a in visible_units(user)


def test_future_membership_grants_nothing_yet(tree):
    user = MembershipFactory(unit=tree.a, valid_from=timezone.localdate() + timedelta(days=1)).user
    assert visible_units(user) == set()


def test_revoked_membership_grants_nothing(tree):
    membership = MembershipFactory(unit=tree.a)
    services.revoke_membership(membership, actor=None)
    user = type(membership.user).objects.get(pk=membership.user_id)
    assert visible_units(user) == set()


def test_inactive_unit_grants_nothing(tree):
    user = MembershipFactory(unit=tree.a).user
    unit_services.update_unit(tree.a, actor=None, is_active=False)
    assert visible_units(user) == set()


def test_households_follow_the_scope(tree):
    here = HouseholdFactory(unit=tree.village_a)
    HouseholdFactory(unit=tree.village_b)
    leader = MembershipFactory(unit=tree.a, role=Role.COMMUNE_LEADER).user
    assert list(Household.objects.visible_to(leader, "units.view_household")) == [here]


def test_households_of_a_village_role_without_subtree(tree):
    here = HouseholdFactory(unit=tree.village_a)
    HouseholdFactory(unit=VillageFactory(parent=tree.a))
    user = MembershipFactory(unit=tree.village_a, role=Role.FRONT_OFFICER, covers_subtree=False).user
    assert list(Household.objects.visible_to(user, "units.view_household")) == [here]


def test_superuser_sees_everything_and_strangers_nothing(tree):
    HouseholdFactory(unit=tree.village_a)
    assert visible_units(UserFactory(is_superuser=True)) == set(Unit.objects.all())
    assert visible_units(AnonymousUser()) == set()
    assert visible_units(UserFactory()) == set()
    assert visible_units(MembershipFactory(unit=tree.a, user__is_active=False).user) == set()


def user_with_memberships(count: int, province):
    user = UserFactory()
    for _ in range(count):
        commune = UnitFactory(parent=province)
        MembershipFactory(user=user, unit=commune, role=Role.COMMUNE_LEADER)
        HouseholdFactory(unit=VillageFactory(parent=commune))
    return type(user).objects.get(pk=user.pk)


@pytest.mark.parametrize("count", [1, 8])
def test_query_count_does_not_grow_with_memberships(count, tree, django_assert_num_queries):
    user = user_with_memberships(count, tree.province)
    with django_assert_num_queries(2):  # the user's memberships, then the rows
        households = list(Household.objects.visible_to(user, "units.view_household").select_related("unit"))
        units = [household.unit.name for household in households]
    assert len(units) == count
    with django_assert_num_queries(1):  # memberships are loaded once per user object
        assert Unit.objects.visible_to(user, "units.view_unit").count() == 2 * count
