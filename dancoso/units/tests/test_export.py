import io

import pytest
from openpyxl import load_workbook

from dancoso.units import services
from dancoso.units.importing import ImportMode
from dancoso.units.models import Household
from dancoso.units.tests.conftest import HEADERS
from dancoso.units.tests.factories import HouseholdFactory, VillageFactory

pytestmark = pytest.mark.django_db


def test_export_has_the_import_headers_and_one_row_per_household(commune, villages):
    HouseholdFactory(unit=villages.tay, code="B2", representative_phone="0912345678", member_count=3)
    HouseholdFactory(unit=villages.dong, code="A1", representative_phone="")
    sheet = load_workbook(io.BytesIO(services.export_households(Household.objects.all()))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert [(r[0], r[2]) for r in rows[1:]] == [("A1", "Thôn Đông"), ("B2", "Thôn Tây")]
    assert rows[2][4] == "0912345678"  # text, so the leading zero survives
    assert rows[2][6] == 3


def test_round_trip_reimports_in_update_mode_without_errors_or_changes(commune, villages):
    for n in range(5):
        HouseholdFactory(
            unit=[villages.dong, villages.tay][n % 2],
            member_count=n + 1,
            representative_email=f"ho{n}@example.vn" if n % 2 else "",
        )
    before = {
        h.pk: (h.code, h.address, h.representative_name, h.representative_phone, h.member_count)
        for h in Household.objects.all()
    }
    data = services.export_households(Household.objects.all())
    result = services.import_households(
        actor=None, commune=commune, file=io.BytesIO(data), filename="xuat.xlsx", mode=ImportMode.UPSERT
    )
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, 5)
    after = {
        h.pk: (h.code, h.address, h.representative_name, h.representative_phone, h.member_count)
        for h in Household.objects.all()
    }
    assert after == before


def test_round_trip_into_an_empty_commune_recreates_the_households(commune, villages):
    HouseholdFactory(unit=villages.dong, code="A1")
    data = services.export_households(Household.objects.all())
    Household.objects.all().delete()
    result = services.import_households(
        actor=None, commune=commune, file=io.BytesIO(data), filename="xuat.xlsx"
    )
    assert result.ok, result.errors
    assert Household.objects.get().code == "A1"


def test_villages_sharing_a_name_are_exported_by_code(commune):
    first = VillageFactory(parent=commune, name="Thôn 1", code="T1-A")
    second = VillageFactory(parent=commune, name="Thôn 1", code="T1-B")
    HouseholdFactory(unit=first, code="X")
    HouseholdFactory(unit=second, code="X")
    data = services.export_households(Household.objects.all())
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))[1:]
    assert sorted(r[2] for r in rows) == ["T1-A", "T1-B"]
    result = services.import_households(
        actor=None, commune=commune, file=io.BytesIO(data), filename="x.xlsx", mode=ImportMode.UPSERT
    )
    assert result.ok, result.errors
