import pytest
from django.core.exceptions import ValidationError

from dancoso.core import ledger
from dancoso.core.models import LedgerEntry
from dancoso.units import services
from dancoso.units.models import Household
from dancoso.units.tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


def test_create_household_normalises_and_records(villages):
    household = services.create_household(
        actor=None,
        unit=villages.dong,
        code=" HGD01 ",
        address="Số 5,  đường Lê Lợi",
        representative_name="Nguyễn Văn An",
        representative_phone="+84 912.345.678",
    )
    assert household.code == "HGD01"
    assert household.address == "Số 5, đường Lê Lợi"
    assert household.representative_phone == "0912345678"
    assert household.search_key == "hgd01 nguyen van an so 5, duong le loi"
    assert LedgerEntry.objects.filter(action="units.create_household", object_id=str(household.pk)).exists()
    assert ledger.first_problem() is None


def test_household_must_belong_to_a_settlement(commune):
    with pytest.raises(ValidationError) as excinfo:
        services.create_household(actor=None, unit=commune, code="1", address="a", representative_name="b")
    assert "unit" in excinfo.value.message_dict


def test_duplicate_code_in_the_same_village_is_refused_but_allowed_in_another(villages):
    HouseholdFactory(unit=villages.dong, code="HGD01")
    with pytest.raises(ValidationError) as excinfo:
        HouseholdFactory(unit=villages.dong, code="hgd01")
    assert "code" in excinfo.value.message_dict
    assert HouseholdFactory(unit=villages.tay, code="HGD01").pk


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("representative_phone", "12345"),
        ("representative_email", "khong-phai-email"),
        ("member_count", 0),
        ("representative_name", ""),
    ],
)
def test_invalid_household_fields(villages, field, value):
    fields = {"unit": villages.dong, "code": "X", "address": "Số 1", "representative_name": "Lê Văn Bình"}
    fields[field] = value
    with pytest.raises(ValidationError) as excinfo:
        services.create_household(actor=None, **fields)
    assert field in excinfo.value.message_dict
    assert not Household.objects.exists()


def test_update_household_records_only_real_changes(villages):
    household = HouseholdFactory(unit=villages.dong, representative_name="Phạm Văn Cường")
    before = LedgerEntry.objects.count()
    services.update_household(household, actor=None, representative_name="Phạm Văn Cường")
    assert LedgerEntry.objects.count() == before
    services.update_household(household, actor=None, representative_name="Phạm Thị Dung", unit=villages.tay)
    household.refresh_from_db()
    assert (household.representative_name, household.unit) == ("Phạm Thị Dung", villages.tay)
    assert "pham thi dung" in household.search_key
    entry = LedgerEntry.objects.get(action="units.update_household")
    assert set(entry.payload["changed"]) == {"representative_name", "unit"}
    with pytest.raises(ValueError):
        services.update_household(household, actor=None, is_active=False)


def test_deactivate_and_reactivate(villages):
    household = HouseholdFactory(unit=villages.dong)
    services.deactivate_household(household, actor=None, reason="Chuyển đi")
    household.refresh_from_db()
    assert household.is_active is False
    services.deactivate_household(household, actor=None)
    assert LedgerEntry.objects.filter(action="units.deactivate_household").count() == 1
    services.reactivate_household(household, actor=None)
    household.refresh_from_db()
    assert household.is_active is True


def test_moving_a_household_to_a_commune_is_refused(villages, commune):
    household = HouseholdFactory(unit=villages.dong)
    with pytest.raises(ValidationError):
        services.update_household(household, actor=None, unit=commune)


def test_add_households_all_or_nothing(villages):
    rows = [
        {
            "code": "S1",
            "address": "Số 1",
            "representative_name": "Hà Văn Một",
            "representative_phone": "0912 345 678",
        },
        {"code": "S2", "address": "Số 2", "representative_name": "Hà Thị Hai", "member_count": 3},
    ]
    assert services.add_households(actor=None, unit=villages.dong, rows=rows) == 2
    assert Household.objects.get(code="S1").representative_phone == "0912345678"
    assert Household.objects.get(code="S2").search_key == "s2 ha thi hai so 2"
    assert LedgerEntry.objects.filter(action="units.add_households").count() == 1
    with pytest.raises(ValidationError):
        services.add_households(actor=None, unit=villages.dong, rows=[{**rows[0], "code": "S3"}, rows[1]])
    with pytest.raises(ValidationError):
        services.add_households(actor=None, unit=villages.tay, rows=[rows[0], {**rows[1], "code": "s1"}])
    assert Household.objects.count() == 2
