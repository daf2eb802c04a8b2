"""One test per reports permission, by role, scoped to units (docs/roles.md)."""

import pytest

from dancoso.accounts.models import Role
from dancoso.petitions.tests.test_services import staff
from dancoso.reports import services
from dancoso.reports.models import ReportType
from dancoso.units.tests.factories import ProvinceFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    province = ProvinceFactory(name="Tỉnh Ninh Bình")
    commune = UnitFactory(name="Xã Gia Viễn", parent=province)
    other = UnitFactory(name="Xã Khác", parent=ProvinceFactory(name="Tỉnh Khác"))
    return province, commune, other


@pytest.fixture
def report(tree):
    _province, commune, _other = tree
    report_type = ReportType.objects.get(slug="dan-chu-co-so-6-thang")
    return services.create_report(unit=commune, report_type=report_type, period="2026-H1", actor=None)


def can(role, unit, permission, report):
    return staff(unit, role=role).has_perm(permission, report)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.COMMUNE_OFFICER, True),
        (Role.COMMUNE_LEADER, True),
        (Role.FRONT_OFFICER, True),
        (Role.RESIDENT, False),
        (Role.INSPECTION_BOARD_MEMBER, False),
    ],
)
def test_view_report(tree, report, role, allowed):
    _province, commune, other = tree
    assert can(role, commune, "reports.view_report", report) is allowed
    assert can(role, other, "reports.view_report", report) is False  # another province's unit


def test_province_officers_see_the_reports_below_them(tree, report):
    province, _commune, other = tree
    assert can(Role.PROVINCE_OFFICER, province, "reports.view_report", report)
    assert not can(Role.PROVINCE_OFFICER, other.parent, "reports.view_report", report)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.COMMUNE_OFFICER, True),
        (Role.COMMUNE_LEADER, True),
        (Role.FRONT_OFFICER, False),
        (Role.RESIDENT, False),
    ],
)
def test_write_report(tree, report, role, allowed):
    assert can(role, tree[1], "reports.write_report", report) is allowed


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.COMMUNE_LEADER, True), (Role.COMMUNE_OFFICER, False), (Role.FRONT_OFFICER, False)],
)
def test_submit_report_is_for_the_leader_who_signs(tree, report, role, allowed):
    assert can(role, tree[1], "reports.submit_report", report) is allowed


def test_decide_report_needs_the_permission_in_the_unit_it_is_sent_to(tree, report):
    province, commune, other = tree
    assert can(Role.PROVINCE_OFFICER, province, "reports.decide_report", report)
    assert not can(Role.COMMUNE_LEADER, commune, "reports.decide_report", report)  # not its own report
    assert not can(Role.PROVINCE_OFFICER, other.parent, "reports.decide_report", report)
    assert not can(Role.COMMUNE_OFFICER, province, "reports.decide_report", report)


def test_manage_report_types_is_for_administrators(tree, report):
    province, _commune, _other = tree
    assert staff(province, role=Role.SYSTEM_ADMIN).has_perm("reports.manage_report_types")
    assert not staff(province, role=Role.PROVINCE_OFFICER).has_perm("reports.manage_report_types")


def test_decide_report_on_a_unit_means_the_reports_sent_to_it(tree):
    province, commune, _other = tree
    assert staff(province, role=Role.PROVINCE_OFFICER).has_perm("reports.decide_report", province)
    assert not staff(commune, role=Role.COMMUNE_OFFICER).has_perm("reports.decide_report", commune)
