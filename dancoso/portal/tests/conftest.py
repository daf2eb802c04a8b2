import pytest

from dancoso.accounts.roles import Role
from dancoso.accounts.tests.factories import MembershipFactory, UserFactory
from dancoso.units.models import UnitKind
from dancoso.units.tests.factories import ProvinceFactory, UnitFactory, VillageFactory

LOGIN_BACKEND = "dancoso.accounts.backends.IdentifierBackend"


@pytest.fixture
def province(db):
    return ProvinceFactory(name="Thành phố Hải Phòng", slug="hai-phong")


@pytest.fixture
def commune(province):
    return UnitFactory(
        name="Xã An Khánh", slug="an-khanh", parent=province, population=34000, household_count=8900
    )


@pytest.fixture
def villages(commune):
    return [
        VillageFactory(name=f"Thôn {name}", parent=commune, household_count=270 + i, population=1000 + i)
        for i, name in enumerate(["Tân Viên", "Mỹ Đức", "Thái Sơn"])
    ]


@pytest.fixture
def residential_group(commune):
    return UnitFactory(kind=UnitKind.RESIDENTIAL_GROUP, name="Tổ dân phố Số 1", parent=commune)


@pytest.fixture
def officer(commune):
    return MembershipFactory(
        unit=commune, role=Role.COMMUNE_OFFICER, user=UserFactory(full_name="Trần Thị Lan")
    ).user


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer, backend=LOGIN_BACKEND)
    return client
