"""An officer of Phù Liễn sees nothing of An Khánh, through any page or API."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dancoso.accounts.roles import Role
from dancoso.accounts.tests.factories import MembershipFactory
from dancoso.units.models import Household, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client, hai_phong):
    client.force_login(MembershipFactory(unit=hai_phong.phu_lien, role=Role.COMMUNE_OFFICER).user)
    return client


def an_khanh_markers(hai_phong) -> list[str]:
    return [
        "An Khánh",
        "Thôn Đông",
        "Thôn Tây",
        *(h.code for h in hai_phong.an_khanh_households),
        *(h.representative_name for h in hai_phong.an_khanh_households),
    ]


def test_household_list_page(officer_client, hai_phong):
    for params in ({}, {"q": "khanh"}, {"q": "AK001"}, {"village": hai_phong.hamlets[0].pk}):
        response = officer_client.get(reverse("units:household_list"), params)
        assert response.status_code == 200
        assert {h.unit.parent_id for h in response.context["page_obj"]} <= {hai_phong.phu_lien.pk}, params
        echoed = " ".join(map(str, params.values()))  # the search box shows what was typed
        for marker in an_khanh_markers(hai_phong):
            assert marker in echoed or marker not in response.text, (params, marker)
    response = officer_client.get(reverse("units:household_list"))
    assert "Trần Thị Liễn 0" in response.text
    assert response.context["page_obj"].paginator.count == len(hai_phong.phu_lien_households)


def test_export(officer_client, hai_phong):
    response = officer_client.get(reverse("units:household_export"))
    codes = {
        row[0]
        for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True)
    }
    assert codes == {h.code for h in hai_phong.phu_lien_households}


def test_unit_tree_pages(officer_client, hai_phong):
    response = officer_client.get(reverse("units:tree"))
    for marker in an_khanh_markers(hai_phong):
        assert marker not in response.text
    assert officer_client.get(reverse("units:unit_tree", args=[hai_phong.an_khanh.pk])).status_code == 404
    assert officer_client.get(reverse("units:unit_tree", args=[hai_phong.hamlets[0].pk])).status_code == 404
    assert officer_client.get(reverse("units:unit_tree", args=[hai_phong.city.pk])).status_code == 404


def test_household_pages_by_id(officer_client, hai_phong):
    household = hai_phong.an_khanh_households[0]
    assert officer_client.get(reverse("units:household_edit", args=[household.pk])).status_code == 404
    assert officer_client.post(reverse("units:household_deactivate", args=[household.pk])).status_code == 404
    household.refresh_from_db()
    assert household.is_active


def test_units_api(officer_client, hai_phong):
    for params in (
        {},
        {"search": "an khanh"},
        {"parent": hai_phong.an_khanh.pk},
        {"parent": hai_phong.city.pk},
        {"kind": "village"},
    ):
        body = officer_client.get(reverse("api:unit-list"), params).json()
        ids = {u["id"] for u in body["results"]}
        assert ids <= set(Unit.objects.subtree(hai_phong.phu_lien).values_list("pk", flat=True)), params
    for unit in (hai_phong.an_khanh, *hai_phong.hamlets, hai_phong.city):
        assert officer_client.get(reverse("api:unit-detail", args=[unit.pk])).status_code == 404


def test_households_api(officer_client, hai_phong):
    for params in (
        {},
        {"search": "khanh"},
        {"unit": hai_phong.an_khanh.pk},
        {"unit": hai_phong.city.pk},
        {"include_inactive": "1"},
    ):
        body = officer_client.get(reverse("api:household-list"), params).json()
        ids = {h["id"] for h in body["results"]}
        assert ids <= {h.pk for h in hai_phong.phu_lien_households}, params
    assert len(officer_client.get(reverse("api:household-list")).json()["results"]) == 4
    household = hai_phong.an_khanh_households[0]
    detail = reverse("api:household-detail", args=[household.pk])
    assert officer_client.get(detail).status_code == 404
    assert (
        officer_client.patch(detail, {"member_count": 9}, content_type="application/json").status_code == 404
    )


def test_households_api_cannot_create_in_another_commune(officer_client, hai_phong):
    response = officer_client.post(
        reverse("api:household-list"),
        {
            "unit": hai_phong.hamlets[0].pk,
            "code": "XAM",
            "address": "a",
            "representative_name": "Kẻ Lạ",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not Household.objects.filter(code="XAM").exists()


def test_import_cannot_reach_another_commune(officer_client, hai_phong):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dancoso.units.tests.conftest import HEADERS, csv_bytes

    data = csv_bytes([HEADERS, ["XAM", "Số 1", "Thôn Đông", "Kẻ Lạ"]])
    response = officer_client.post(
        reverse("units:household_import"), {"mode": "add", "file": SimpleUploadedFile("ho.csv", data)}
    )
    assert "không phải là thôn hoặc tổ dân phố của Phường Phù Liễn" in response.text
    assert not Household.objects.filter(code="XAM").exists()


def test_province_officer_sees_both(client, hai_phong):
    client.force_login(MembershipFactory(unit=hai_phong.city, role=Role.PROVINCE_OFFICER).user)
    body = client.get(reverse("api:household-list")).json()
    assert len(body["results"]) == 8
