import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dancoso.accounts.roles import Role
from dancoso.accounts.tests.factories import MembershipFactory
from dancoso.core.models import LedgerEntry
from dancoso.units import services
from dancoso.units.models import Household
from dancoso.units.tests.conftest import HEADERS, csv_bytes, xlsx_bytes
from dancoso.units.tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db

LIST = reverse("units:household_list")
IMPORT = reverse("units:household_import")
EXPORT = reverse("units:household_export")


def staff_client(client, unit, role=Role.COMMUNE_OFFICER):
    membership = MembershipFactory(unit=unit, role=role)
    client.force_login(membership.user)
    return client


def upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_list_shows_households_of_the_current_unit(client, commune, villages):
    HouseholdFactory(unit=villages.dong, representative_name="Nguyễn Văn An")
    HouseholdFactory(unit=villages.tay, representative_name="Trần Thị Bình")
    response = staff_client(client, commune).get(LIST)
    assert response.status_code == 200
    assert "Nguyễn Văn An" in response.text and "Trần Thị Bình" in response.text


def test_list_searches_without_diacritics_and_filters_by_village(client, commune, villages):
    HouseholdFactory(unit=villages.dong, representative_name="Nguyễn Văn An")
    HouseholdFactory(unit=villages.tay, representative_name="Trần Thị Bình")
    client = staff_client(client, commune)
    response = client.get(LIST, {"q": "tran thi"})
    assert "Trần Thị Bình" in response.text and "Nguyễn Văn An" not in response.text
    response = client.get(LIST, {"village": villages.dong.pk})
    assert "Nguyễn Văn An" in response.text and "Trần Thị Bình" not in response.text


def test_list_hides_deactivated_households_unless_asked(client, commune, villages):
    household = HouseholdFactory(unit=villages.dong, representative_name="Lê Văn Cũ")
    services.deactivate_household(household, actor=None)
    client = staff_client(client, commune)
    assert "Lê Văn Cũ" not in client.get(LIST).text
    assert "Lê Văn Cũ" in client.get(LIST, {"inactive": "on"}).text


def test_list_query_count_does_not_grow_with_rows(client, commune, villages, django_assert_max_num_queries):
    client = staff_client(client, commune)
    HouseholdFactory(unit=villages.dong)
    with django_assert_max_num_queries(12) as few:
        client.get(LIST)
    for _ in range(30):
        HouseholdFactory(unit=villages.tay)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert response.context["page_obj"].paginator.count == 31


def test_list_is_paginated(client, commune, villages):
    for _ in range(51):
        HouseholdFactory(unit=villages.dong)
    client = staff_client(client, commune)
    assert len(client.get(LIST).context["page_obj"]) == 50
    assert len(client.get(LIST, {"page": 2}).context["page_obj"]) == 1


@pytest.mark.parametrize(
    ("role", "list_status", "export_status", "import_status"),
    [
        (Role.COMMUNE_OFFICER, 200, 200, 200),
        (Role.COMMUNE_LEADER, 200, 200, 200),
        (Role.INSPECTION_BOARD_MEMBER, 200, 403, 403),
        (Role.FRONT_OFFICER, 200, 403, 403),
        (Role.RESIDENT, 403, 403, 403),
        (Role.WORKPLACE_OFFICER, 403, 403, 403),
    ],
)
def test_permissions_by_role(client, commune, villages, role, list_status, export_status, import_status):
    client = staff_client(client, commune, role)
    assert client.get(LIST).status_code == list_status
    assert client.get(EXPORT).status_code == export_status
    assert client.get(IMPORT).status_code == import_status
    response = client.post(IMPORT, {"mode": "add", "file": upload("ho.csv", csv_bytes([HEADERS]))})
    assert response.status_code == import_status


def test_user_without_membership_gets_403(client, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="khach", password="x-1234567890"))
    assert client.get(LIST).status_code == 403


def test_export_downloads_the_visible_households(client, commune, villages):
    HouseholdFactory(unit=villages.dong, code="A1")
    HouseholdFactory(unit=villages.tay, code="B1", representative_name="Trần Thị Bình")
    response = staff_client(client, commune).get(EXPORT, {"q": "binh"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows] == ["Mã hộ", "B1"]


def test_import_page_lists_every_error_and_imports_nothing(client, commune, villages):
    rows = [["A1", "Số 1", "Thôn Đông", "Nguyễn Văn An"], ["A2", "", "Thôn Nam", "Trần Thị Bình"]]
    response = staff_client(client, commune).post(
        IMPORT, {"mode": "add", "file": upload("ho.xlsx", xlsx_bytes([HEADERS, *rows]))}
    )
    assert response.status_code == 200
    assert "Trường này là bắt buộc." in response.text
    assert "“Thôn Nam” không phải là thôn hoặc tổ dân phố của Xã An Khánh." in response.text
    assert "<td>3</td>" in response.text
    assert not Household.objects.exists()


def test_import_success_redirects_with_a_message(client, commune, villages):
    rows = [["A1", "Số 1", "Thôn Đông", "Nguyễn Văn An"]]
    client = staff_client(client, commune)
    response = client.post(
        IMPORT, {"mode": "add", "file": upload("ho.csv", csv_bytes([HEADERS, *rows]))}, follow=True
    )
    assert response.redirect_chain[-1][0] == LIST
    assert "1 hộ được thêm" in response.text
    household = Household.objects.get()
    entry = LedgerEntry.objects.get(action="units.import_households")
    assert entry.actor_id == response.context["user"].pk
    assert household.code == "A1"


def test_import_refuses_other_file_types_in_the_form(client, commune, villages):
    response = staff_client(client, commune).post(IMPORT, {"mode": "add", "file": upload("ho.pdf", b"%PDF")})
    assert "Chỉ nhập được tệp .xlsx và .csv." in response.text


def test_create_edit_deactivate_household(client, commune, villages):
    client = staff_client(client, commune)
    response = client.post(
        reverse("units:household_create"),
        {
            "unit": villages.dong.pk,
            "code": "M1",
            "address": "Số 1",
            "representative_name": "Mai Văn Một",
            "representative_phone": "0912 345 678",
        },
    )
    assert response.status_code == 302
    household = Household.objects.get(code="M1")
    assert household.representative_phone == "0912345678"
    response = client.post(
        reverse("units:household_create"),
        {
            "unit": villages.dong.pk,
            "code": "M1",
            "address": "Số 2",
            "representative_name": "Trùng Mã",
        },
    )
    assert "đã có trong Thôn Đông" in response.text
    edit = reverse("units:household_edit", args=[household.pk])
    assert client.get(edit).status_code == 200
    client.post(
        edit, {"unit": villages.tay.pk, "code": "M1", "address": "Số 9", "representative_name": "Mai Văn Một"}
    )
    household.refresh_from_db()
    assert (household.unit, household.address) == (villages.tay, "Số 9")
    client.post(reverse("units:household_deactivate", args=[household.pk]), {"reason": "Chuyển đi"})
    household.refresh_from_db()
    assert household.is_active is False


def test_viewer_cannot_edit(client, commune, villages):
    household = HouseholdFactory(unit=villages.dong)
    client = staff_client(client, commune, Role.FRONT_OFFICER)
    assert client.get(reverse("units:household_edit", args=[household.pk])).status_code == 403
    assert client.post(reverse("units:household_deactivate", args=[household.pk])).status_code == 403
    assert client.get(reverse("units:household_create")).status_code == 403
    household.refresh_from_db()
    assert household.is_active


def test_unit_tree_shows_children_with_household_counts(client, commune, villages):
    for _ in range(3):
        HouseholdFactory(unit=villages.dong)
    HouseholdFactory(unit=villages.tay)
    response = staff_client(client, commune).get(reverse("units:tree"))
    assert response.status_code == 200
    counts = {child.name: child.active_households for child in response.context["children"]}
    assert counts == {"Thôn Đông": 3, "Thôn Tây": 1}
    assert response.context["unit_households"] == 4


def test_unit_tree_query_count_does_not_grow_with_children(client, commune, django_assert_max_num_queries):
    from dancoso.units.tests.factories import VillageFactory

    client = staff_client(client, commune)
    VillageFactory(parent=commune)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("units:tree"))
    for _ in range(10):
        HouseholdFactory(unit=VillageFactory(parent=commune))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("units:tree"))
