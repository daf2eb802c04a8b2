import csv
import io
from types import SimpleNamespace

import pytest
from openpyxl import Workbook

from dancoso.units.models import UnitKind
from dancoso.units.tests.factories import HouseholdFactory, ProvinceFactory, UnitFactory, VillageFactory

HEADERS = ["Mã hộ", "Địa chỉ", "Thôn/Tổ dân phố", "Chủ hộ", "Số điện thoại", "Email", "Số nhân khẩu"]


def xlsx_bytes(rows: list[list], title_rows: list[list] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in [*(title_rows or []), *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding)


@pytest.fixture
def commune(db):
    return UnitFactory(kind=UnitKind.COMMUNE, name="Xã An Khánh", code="11311")


@pytest.fixture
def villages(commune):
    return SimpleNamespace(
        dong=VillageFactory(parent=commune, name="Thôn Đông", code="AK-DONG"),
        tay=VillageFactory(parent=commune, name="Thôn Tây", code="AK-TAY"),
    )


@pytest.fixture
def hai_phong(db):
    """Hải Phòng with ward Phù Liễn and commune An Khánh, each with two settlements and households."""
    city = ProvinceFactory(name="Thành phố Hải Phòng", code="31")
    phu_lien = UnitFactory(kind=UnitKind.WARD, name="Phường Phù Liễn", code="11140", parent=city)
    an_khanh = UnitFactory(kind=UnitKind.COMMUNE, name="Xã An Khánh", code="11311", parent=city)
    groups = [
        VillageFactory(
            kind=UnitKind.RESIDENTIAL_GROUP, parent=phu_lien, name=f"Tổ dân phố {n}", code=f"PL-{n}"
        )
        for n in (1, 2)
    ]
    hamlets = [
        VillageFactory(parent=an_khanh, name=name, code=f"AK-{i}")
        for i, name in enumerate(["Thôn Đông", "Thôn Tây"])
    ]
    phu_lien_households = [
        HouseholdFactory(unit=group, code=f"PL{n:03d}", representative_name=f"Trần Thị Liễn {n}")
        for n, group in enumerate(groups * 2)
    ]
    an_khanh_households = [
        HouseholdFactory(unit=hamlet, code=f"AK{n:03d}", representative_name=f"Nguyễn Văn Khánh {n}")
        for n, hamlet in enumerate(hamlets * 2)
    ]
    return SimpleNamespace(
        city=city,
        phu_lien=phu_lien,
        an_khanh=an_khanh,
        groups=groups,
        hamlets=hamlets,
        phu_lien_households=phu_lien_households,
        an_khanh_households=an_khanh_households,
    )
