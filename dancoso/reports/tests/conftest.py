"""A province, one of its communes and the commune's staff: the units most report tests need."""

import pytest

from dancoso.accounts.models import Role
from dancoso.petitions.tests.test_services import staff
from dancoso.units.tests.factories import ProvinceFactory, UnitFactory


@pytest.fixture
def province(db):
    return ProvinceFactory(name="Thành phố Hải Phòng")


@pytest.fixture
def commune(province):
    return UnitFactory(name="Xã An Khánh", parent=province)


@pytest.fixture
def officer(commune):
    return staff(commune, role=Role.COMMUNE_OFFICER)


@pytest.fixture
def leader(commune):
    return staff(commune, role=Role.COMMUNE_LEADER)
