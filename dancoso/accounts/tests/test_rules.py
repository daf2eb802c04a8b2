"""One test per permission of the matrix, tried with every role (docs/roles.md)."""

import pytest
import rules

from dancoso.accounts.roles import PERMISSIONS, ROLE_COVERS_SUBTREE, Role, permissions_of
from dancoso.accounts.rules import unit_permission
from dancoso.accounts.tests.factories import MembershipFactory, UserFactory
from dancoso.units.tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db

MATRIX_PREDICATE_NAMES = {unit_permission(p).name for p in PERMISSIONS}


def object_in(unit, permission: str):
    """Something belonging to `unit` that `permission` is about (the unit itself when nothing closer)."""
    model = permission.split(".", 1)[1].split("_", 1)[-1]
    if model == "household" and unit.is_settlement:  # households live in villages and residential groups
        return HouseholdFactory(unit=unit)
    if model == "membership":
        return MembershipFactory(unit=unit, role=Role.RESIDENT)
    return unit


def skip_unless_matrix_rule(permission: str) -> None:
    rule = rules.permissions.permissions.get(permission)
    if rule is None or rule.name not in MATRIX_PREDICATE_NAMES:
        pytest.skip(f"{permission} has its own predicate; its app tests it")


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("permission", list(PERMISSIONS))
def test_permission(permission, role, tree):
    skip_unless_matrix_rule(permission)
    user = MembershipFactory(unit=tree.a, role=role).user
    expected = permission in permissions_of(role)

    assert user.has_perm(permission, object_in(tree.a, permission)) is expected
    assert user.has_perm(permission, object_in(tree.village_a, permission)) is (
        expected and ROLE_COVERS_SUBTREE[role]
    )
    assert user.has_perm(permission, object_in(tree.b, permission)) is False
    assert user.has_perm(permission, object_in(tree.village_b, permission)) is False
    assert user.has_perm(permission, object_in(tree.province, permission)) is False, (
        "roles never reach upward"
    )
    assert user.has_perm(permission) is expected, "without an object: held in at least one unit"


@pytest.mark.parametrize("permission", list(PERMISSIONS))
def test_superuser_has_every_permission_everywhere(permission, tree):
    superuser = UserFactory(is_superuser=True)
    assert superuser.has_perm(permission, object_in(tree.b, permission))


@pytest.mark.parametrize("permission", list(PERMISSIONS))
def test_anonymous_and_inactive_users_have_none(permission, tree):
    from django.contrib.auth.models import AnonymousUser

    inactive = MembershipFactory(unit=tree.a, role=Role.SYSTEM_ADMIN, user__is_active=False).user
    assert not AnonymousUser().has_perm(permission, tree.a)
    assert not inactive.has_perm(permission, tree.a)


def test_every_permission_is_granted_to_someone():
    ungranted = [p for p in PERMISSIONS if not any(p in permissions_of(role) for role in Role)]
    assert ungranted == []


@pytest.mark.django_db
def test_register_permission_adds_a_pillar_permission_to_the_matrix_and_checks_it_by_unit():
    from dancoso.accounts import roles
    from dancoso.accounts.rules import register_permission
    from dancoso.units.tests.factories import UnitFactory

    register_permission("demo.view_thing", "See demo things", Role.COMMUNE_OFFICER)
    try:
        assert "demo.view_thing" in roles.PERMISSIONS
        assert "demo.view_thing" in roles.permissions_of(Role.COMMUNE_OFFICER)
        assert "demo.view_thing" not in roles.permissions_of(Role.RESIDENT)
        officer = MembershipFactory(role=Role.COMMUNE_OFFICER)
        other = UnitFactory()
        assert officer.user.has_perm("demo.view_thing", officer.unit)
        assert not officer.user.has_perm("demo.view_thing", other)
    finally:
        roles.PERMISSIONS.pop("demo.view_thing")
        roles._GRANTS[Role.COMMUNE_OFFICER].discard("demo.view_thing")
        rules.remove_perm("demo.view_thing")
