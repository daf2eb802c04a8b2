"""One test per permission, by role, scoped to units (docs/roles.md)."""

import pytest

from dancoso.accounts.roles import Role
from dancoso.plans import services
from dancoso.plans.models import Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def ward_plan(tree, plan):
    return services.create_plan(
        tree.hoa_lu, actor=None, parent=plan, title="KH phường", start_year=2026, end_year=2030
    )


def test_view_plan(tree, plan, ward_plan, officer_of):
    ward_officer = officer_of(tree.hoa_lu)
    # A ward's staff read their own plan and the province's plan they carry out, not a sibling ward's.
    assert ward_officer.has_perm("plans.view_plan", plan)
    assert ward_officer.has_perm("plans.view_plan", ward_plan)
    sibling = officer_of(tree.tam_diep)
    assert sibling.has_perm("plans.view_plan", plan) and not sibling.has_perm("plans.view_plan", ward_plan)
    assert set(Plan.objects.for_user(sibling)) == {plan}
    assert set(Plan.objects.for_user(ward_officer)) == {plan, ward_plan}
    province = officer_of(tree.province, Role.PROVINCE_OFFICER)
    assert province.has_perm("plans.view_plan", ward_plan)
    assert set(Plan.objects.for_user(province)) == {plan, ward_plan}
    for role in (Role.FRONT_OFFICER, Role.INSPECTION_BOARD_MEMBER, Role.COMMUNE_LEADER):
        assert officer_of(tree.hoa_lu, role).has_perm("plans.view_plan", plan)
    resident = officer_of(tree.hoa_lu, Role.RESIDENT)
    assert not resident.has_perm("plans.view_plan", plan) and not Plan.objects.for_user(resident).exists()
    # An investment board member has no plan pages.
    board = officer_of(tree.hoa_lu, Role.INVESTMENT_BOARD_MEMBER)
    assert not board.has_perm("plans.view_plan", plan)


def test_view_plan_from_a_unit_only_membership(tree, plan, officer_of):
    from dancoso.accounts.tests.factories import MembershipFactory

    user = MembershipFactory(unit=tree.hoa_lu, role=Role.COMMUNE_OFFICER, covers_subtree=False).user
    assert user.has_perm("plans.view_plan", plan)
    assert set(Plan.objects.for_user(user)) == {plan}


def test_manage_plan(tree, plan, ward_plan, officer_of):
    province = officer_of(tree.province, Role.PROVINCE_OFFICER)
    assert province.has_perm("plans.manage_plan", plan)
    ward_officer = officer_of(tree.hoa_lu)
    assert ward_officer.has_perm("plans.manage_plan", ward_plan)
    assert not ward_officer.has_perm("plans.manage_plan", plan)  # the province's plan is the province's
    assert not officer_of(tree.tam_diep).has_perm("plans.manage_plan", ward_plan)
    for role in (Role.FRONT_OFFICER, Role.INSPECTION_BOARD_MEMBER, Role.RESIDENT, Role.UNION_REPRESENTATIVE):
        assert not officer_of(tree.hoa_lu, role).has_perm("plans.manage_plan", ward_plan)


def test_enter_value(tree, officer_of):
    assert officer_of(tree.hoa_lu).has_perm("plans.enter_value", tree.hoa_lu)
    assert officer_of(tree.hoa_lu, Role.COMMUNE_LEADER).has_perm("plans.enter_value", tree.hoa_lu)
    assert officer_of(tree.agency, Role.WORKPLACE_OFFICER).has_perm("plans.enter_value", tree.agency)
    assert not officer_of(tree.tam_diep).has_perm("plans.enter_value", tree.hoa_lu)
    assert officer_of(tree.province, Role.PROVINCE_OFFICER).has_perm("plans.enter_value", tree.hoa_lu)
    for role in (Role.FRONT_OFFICER, Role.INSPECTION_BOARD_MEMBER, Role.RESIDENT):
        assert not officer_of(tree.hoa_lu, role).has_perm("plans.enter_value", tree.hoa_lu)


def test_report_task(tree, officer_of):
    assert officer_of(tree.hoa_lu).has_perm("plans.report_task", tree.hoa_lu)
    assert officer_of(tree.agency, Role.WORKPLACE_OFFICER).has_perm("plans.report_task", tree.agency)
    assert not officer_of(tree.tam_diep).has_perm("plans.report_task", tree.hoa_lu)
    assert not officer_of(tree.agency, Role.WORKPLACE_OFFICER).has_perm("plans.report_task", tree.hoa_lu)
    for role in (Role.FRONT_OFFICER, Role.INVESTMENT_BOARD_MEMBER, Role.RESIDENT):
        assert not officer_of(tree.hoa_lu, role).has_perm("plans.report_task", tree.hoa_lu)
