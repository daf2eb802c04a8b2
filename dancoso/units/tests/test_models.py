import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dancoso.core.models import LedgerEntry
from dancoso.units import services
from dancoso.units.models import PATH_SEGMENT_WIDTH, Unit, UnitKind
from dancoso.units.tests.factories import ProvinceFactory, UnitFactory, VillageFactory

pytestmark = pytest.mark.django_db


def test_path_is_the_chain_of_ancestor_ids():
    province = ProvinceFactory()
    commune = UnitFactory(parent=province)
    village = VillageFactory(parent=commune)
    assert village.path == f"{province.pk:08x}/{commune.pk:08x}/{village.pk:08x}/"
    assert (province.depth, commune.depth, village.depth) == (0, 1, 2)
    assert len(village.path) == 3 * (PATH_SEGMENT_WIDTH + 1)


def test_subtree_is_one_query_and_excludes_neighbours():
    province = ProvinceFactory()
    commune = UnitFactory(parent=province)
    villages = [VillageFactory(parent=commune) for _ in range(3)]
    neighbour = UnitFactory(parent=province)
    VillageFactory(parent=neighbour)
    with CaptureQueriesContext(connection) as queries:
        subtree = list(Unit.objects.subtree(commune))
    assert len(queries) == 1
    assert "LIKE" in queries[0]["sql"].upper()
    assert [u.pk for u in subtree] == [commune.pk, *(v.pk for v in villages)]
    assert commune not in Unit.objects.subtree(commune, include_self=False)


def test_subtree_does_not_confuse_ids_sharing_a_prefix():
    """Fixed-width hex segments: unit 1's subtree never contains unit 16's ("1" vs "10" in decimal)."""
    province = ProvinceFactory()
    communes = [UnitFactory(parent=province) for _ in range(17)]
    first = communes[0]
    assert list(Unit.objects.subtree(first)) == [first]


def test_ancestors_in_order():
    province = ProvinceFactory()
    commune = UnitFactory(parent=province)
    village = VillageFactory(parent=commune)
    assert list(Unit.objects.ancestors_of(village)) == [province, commune]


@pytest.mark.parametrize(
    ("kind", "parent_kind"),
    [
        (UnitKind.VILLAGE, UnitKind.PROVINCE),
        (UnitKind.COMMUNE, UnitKind.COMMUNE),
        (UnitKind.PROVINCE, UnitKind.PROVINCE),
    ],
)
def test_kinds_sit_only_under_allowed_parents(kind, parent_kind):
    parent = ProvinceFactory() if parent_kind == UnitKind.PROVINCE else UnitFactory(kind=parent_kind)
    with pytest.raises(ValidationError):
        services.create_unit(actor=None, kind=kind, code="X1", name="Sai chỗ", parent=parent)


def test_create_unit_normalises_and_records_to_the_ledger():
    province = ProvinceFactory()
    unit = services.create_unit(
        actor=None, kind=UnitKind.WARD, code="11140", name="  Phường   Phù Liễn ", parent=province
    )
    assert unit.name == "Phường Phù Liễn"
    assert unit.search_key == "phuong phu lien"
    assert unit.slug == "phuong-phu-lien"
    assert LedgerEntry.objects.filter(action="units.create_unit", object_id=str(unit.pk)).exists()


def test_update_unit_remote_area_flag_and_search_key():
    unit = UnitFactory()
    services.update_unit(unit, actor=None, is_remote_area=True, name="Xã Đồng Văn")
    unit.refresh_from_db()
    assert unit.is_remote_area is True
    assert unit.search_key == "xa dong van"
    with pytest.raises(ValueError):
        services.update_unit(unit, actor=None, path="x/")


def test_units_never_take_a_top_level_path_of_the_site():
    with pytest.raises(ValidationError) as excinfo:
        services.create_unit(actor=None, kind=UnitKind.PROVINCE, code="R1", name="Tỉnh Thử", slug="api")
    assert "do chính trang web sử dụng" in excinfo.value.message_dict["slug"][0]
    assert services.create_unit(actor=None, kind=UnitKind.PROVINCE, code="R2", name="Staff").slug == "staff-2"
