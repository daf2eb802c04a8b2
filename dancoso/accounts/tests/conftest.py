import pytest
from django.core.cache import cache

from dancoso.accounts.tests.factories import PASSWORD, MembershipFactory
from dancoso.units.tests.factories import ProvinceFactory, UnitFactory, VillageFactory


@pytest.fixture(autouse=True)
def _independent_redirects(settings):
    """Land on pages of this app so these tests do not depend on the portal's views."""
    settings.LOGIN_REDIRECT_URL = "accounts:profile"
    settings.LOGOUT_REDIRECT_URL = "accounts:login"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is deliberately slow; hundreds of test users do not need it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """The role-policy cache lives in local memory and would leak from one test into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tree(db):
    """A province with two communes; commune A has a village."""
    province = ProvinceFactory()
    commune_a = UnitFactory(parent=province, name="Xã An Khánh")
    commune_b = UnitFactory(parent=province, name="Xã Bình Minh")
    village_a = VillageFactory(parent=commune_a, name="Thôn Đông")
    village_b = VillageFactory(parent=commune_b, name="Thôn Tây")
    return type(
        "Tree",
        (),
        {
            "province": province,
            "a": commune_a,
            "b": commune_b,
            "village_a": village_a,
            "village_b": village_b,
        },
    )


@pytest.fixture
def officer(tree):
    membership = MembershipFactory(unit=tree.a, role="commune_officer")
    return membership.user


@pytest.fixture
def login(client):
    def log_in(user, password=PASSWORD, **extra):
        return client.post("/accounts/login/", {"username": user.username, "password": password, **extra})

    return log_in
