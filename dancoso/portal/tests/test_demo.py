from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from conftest import FAST_PASSWORD_HASHERS
from dancoso.accounts.models import Membership, User
from dancoso.accounts.roles import Role
from dancoso.core.ledger import first_problem
from dancoso.portal import demo
from dancoso.units.models import Household, Unit, UnitKind

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded_twice(django_db_setup, django_db_blocker):
    """seed_demo run twice, once for the module, in a transaction rolled back after its last test (each test
    runs in a savepoint inside it); its printed output."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS),
        transaction.atomic(),
    ):
        out = StringIO()
        call_command("seed_demo", stdout=out)
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def seed_output(db, seeded_twice) -> str:
    return seeded_twice


def test_seed_demo_builds_the_seed_units_and_is_idempotent(seed_output):
    output = seed_output

    an_khanh = Unit.objects.get(slug="an-khanh")
    villages = Unit.objects.subtree(an_khanh, include_self=False)
    assert villages.count() == 19
    assert set(villages.values_list("kind", flat=True)) == {UnitKind.VILLAGE}
    assert an_khanh.population == 34_000
    households = Household.objects.filter(unit__in=villages).count()
    assert 8_500 <= households <= 9_500  # ~34,000 people at 3.8 per household
    assert Unit.objects.get(slug="phu-lien").parent.slug == "hai-phong"
    assert Unit.objects.get(slug="hai-duong").kind == UnitKind.WARD
    assert Unit.objects.get(code="37-VPUBND").parent.slug == "ninh-binh"

    # Second run created nothing.
    assert (
        "0 units, 0 households, 0 users, 0 petitions, 0 reception sessions and 0 reception book entries created"
        in output
    )
    assert Unit.objects.filter(code="31-AK").count() == 1
    assert first_problem() is None


def test_every_role_has_a_demo_login_printed(seed_output):
    output = seed_output
    granted = set(Membership.objects.values_list("role", flat=True))
    assert granted == set(Role) - {Role.SYSTEM_ADMIN}
    assert User.objects.get(username="admin").is_superuser
    for login in demo.DEMO_LOGINS:
        assert login.username in output
        assert User.objects.get(username=login.username).check_password(demo.DEMO_PASSWORD)


def test_phu_lien_officer_sees_no_household_of_an_khanh(seed_output):
    officer = User.objects.get(username="canbo.phulien")
    visible = Household.objects.visible_to(officer, "units.view_household")
    assert visible.exists()
    assert not visible.filter(unit__path__startswith=Unit.objects.get(slug="an-khanh").path).exists()
