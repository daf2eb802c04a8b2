import pytest
from django.urls import reverse

from dancoso.accounts.roles import Role
from dancoso.accounts.tests.factories import MembershipFactory
from dancoso.units.models import Household, UnitKind
from dancoso.units.tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db

UNITS = reverse("api:unit-list")
HOUSEHOLDS = reverse("api:household-list")


def api_client(client, unit, role=Role.COMMUNE_OFFICER):
    client.force_login(MembershipFactory(unit=unit, role=role).user)
    return client


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_anonymous_is_refused(client):
    assert client.get(UNITS).status_code in (401, 403)
    assert client.get(HOUSEHOLDS).status_code in (401, 403)


def test_units_list_filters_by_kind_parent_and_unaccented_search(client, commune, villages):
    client = api_client(client, commune)
    names = {u["name"] for u in results(client.get(UNITS))}
    assert names == {"Xã An Khánh", "Thôn Đông", "Thôn Tây"}
    assert {u["name"] for u in results(client.get(UNITS, {"kind": UnitKind.VILLAGE}))} == {
        "Thôn Đông",
        "Thôn Tây",
    }
    assert {u["id"] for u in results(client.get(UNITS, {"parent": commune.pk}))} == {
        villages.dong.pk,
        villages.tay.pk,
    }
    assert [u["name"] for u in results(client.get(UNITS, {"search": "thon dong"}))] == ["Thôn Đông"]
    detail = client.get(reverse("api:unit-detail", args=[villages.tay.pk])).json()
    assert (detail["code"], detail["parent"], detail["kind"]) == ("AK-TAY", commune.pk, "village")


def test_households_list_retrieve_and_search(client, commune, villages):
    an = HouseholdFactory(
        unit=villages.dong, representative_name="Nguyễn Văn An", representative_phone="0912345678"
    )
    HouseholdFactory(unit=villages.tay, representative_name="Trần Thị Bình")
    client = api_client(client, commune)
    assert len(results(client.get(HOUSEHOLDS))) == 2
    assert [h["id"] for h in results(client.get(HOUSEHOLDS, {"search": "nguyen van"}))] == [an.pk]
    assert [h["id"] for h in results(client.get(HOUSEHOLDS, {"unit": villages.dong.pk}))] == [an.pk]
    detail = client.get(reverse("api:household-detail", args=[an.pk])).json()
    assert detail["representative_phone"] == "0912345678"


def test_households_list_query_count_is_constant(client, commune, villages, django_assert_max_num_queries):
    client = api_client(client, commune)
    HouseholdFactory(unit=villages.dong)
    with django_assert_max_num_queries(10) as few:
        client.get(HOUSEHOLDS)
    for _ in range(20):
        HouseholdFactory(unit=villages.tay)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(results(client.get(HOUSEHOLDS))) == 21


def test_create_and_update_household(client, commune, villages):
    client = api_client(client, commune)
    response = client.post(
        HOUSEHOLDS,
        {
            "unit": villages.dong.pk,
            "code": "API1",
            "address": "Số 1",
            "representative_name": "Đặng Văn Api",
            "representative_phone": "+84912345678",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    household = Household.objects.get(code="API1")
    assert household.representative_phone == "0912345678"
    response = client.patch(
        reverse("api:household-detail", args=[household.pk]),
        {"member_count": 5},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    household.refresh_from_db()
    assert household.member_count == 5


def test_create_reports_errors_in_vietnamese(client, commune, villages):
    HouseholdFactory(unit=villages.dong, code="DUP")
    client = api_client(client, commune)
    response = client.post(
        HOUSEHOLDS,
        {
            "unit": villages.dong.pk,
            "code": "DUP",
            "address": "Số 1",
            "representative_name": "Trùng",
            "representative_phone": "123",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "đã có trong Thôn Đông" in body["fields"]["code"][0]
    assert "không phải là số điện thoại Việt Nam hợp lệ" in body["fields"]["representative_phone"][0]


def test_viewer_may_read_but_not_write(client, commune, villages):
    household = HouseholdFactory(unit=villages.dong)
    client = api_client(client, commune, Role.INSPECTION_BOARD_MEMBER)
    assert client.get(reverse("api:household-detail", args=[household.pk])).status_code == 200
    response = client.patch(
        reverse("api:household-detail", args=[household.pk]),
        {"member_count": 9},
        content_type="application/json",
    )
    assert response.status_code == 403
    response = client.post(
        HOUSEHOLDS,
        {"unit": villages.dong.pk, "code": "N", "address": "a", "representative_name": "b"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not Household.objects.filter(code="N").exists()


def test_households_cannot_be_deleted(client, commune, villages):
    household = HouseholdFactory(unit=villages.dong)
    response = api_client(client, commune).delete(reverse("api:household-detail", args=[household.pk]))
    assert response.status_code == 405
