from datetime import date
from types import SimpleNamespace

import pytest

from dancoso.accounts.roles import Role
from dancoso.accounts.tests.factories import MembershipFactory
from dancoso.plans import services
from dancoso.plans.models import Measurement, ValueKind
from dancoso.units.models import UnitKind
from dancoso.units.tests.factories import ProvinceFactory, UnitFactory, VillageFactory

YEAR = 2026


@pytest.fixture
def tree(db):
    """A province with two wards, a commune (with a village and a school) and an agency."""
    province = ProvinceFactory(name="Tỉnh Ninh Bình")
    hoa_lu = UnitFactory(kind=UnitKind.WARD, parent=province, name="Phường Hoa Lư")
    tam_diep = UnitFactory(kind=UnitKind.WARD, parent=province, name="Phường Tam Điệp")
    gia_vien = UnitFactory(kind=UnitKind.COMMUNE, parent=province, name="Xã Gia Viễn")
    agency = UnitFactory(kind=UnitKind.AGENCY, parent=province, name="Sở Nội vụ tỉnh Ninh Bình")
    village = VillageFactory(parent=gia_vien, name="Thôn Đông")
    school = UnitFactory(kind=UnitKind.PUBLIC_SERVICE_UNIT, parent=gia_vien, name="Trường Tiểu học Gia Viễn")
    return SimpleNamespace(
        province=province,
        hoa_lu=hoa_lu,
        tam_diep=tam_diep,
        gia_vien=gia_vien,
        agency=agency,
        village=village,
        school=school,
        targets=[hoa_lu, tam_diep, gia_vien, agency],
    )


@pytest.fixture
def plan(tree):
    """The province's plan with an indicator of each kind and a task for the wards."""
    plan = services.create_plan(
        tree.province,
        actor=None,
        title="Kế hoạch triển khai thực hiện Nghị quyết số 36/NQ-HĐND",
        implements="Nghị quyết số 36/NQ-HĐND ngày 29/4/2026 của Hội đồng nhân dân tỉnh",
        issued_on=date(2026, 5, 15),
        start_year=YEAR,
        end_year=2030,
        report_due="25/11",
    )
    services.add_indicator(
        plan,
        actor=None,
        text="100% cơ quan, đơn vị, địa phương ban hành kế hoạch thực hiện.",
        phrase="đã ban hành kế hoạch triển khai Nghị quyết số 36/NQ-HĐND",
        target=100,
        measurement=Measurement.COMPUTED,
        measure="plans.implementation_plan_issued",
    )
    services.add_indicator(
        plan,
        actor=None,
        text="100% tổ chức Hội nghị cán bộ, công chức, viên chức, người lao động.",
        phrase="đã tổ chức Hội nghị cán bộ, công chức, viên chức, người lao động",
        target=100,
    )
    services.add_indicator(
        plan,
        actor=None,
        text="100% cán bộ, công chức phụ trách được tập huấn.",
        phrase="được tập huấn, bồi dưỡng nghiệp vụ",
        target=100,
        value_kind=ValueKind.RATIO,
        unit_word="cán bộ, công chức",
    )
    services.add_task(
        plan,
        actor=None,
        section="IV.1",
        text="Báo cáo kết quả thực hiện về Sở Nội vụ chậm nhất ngày 25/11.",
        assignees=[tree.hoa_lu, tree.tam_diep],
        due_on=date(2026, 11, 25),
    )
    return plan


@pytest.fixture
def officer_of():
    def make(unit, role=Role.COMMUNE_OFFICER):
        return MembershipFactory(unit=unit, role=role).user

    return make
