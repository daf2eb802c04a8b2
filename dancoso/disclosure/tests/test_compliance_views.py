"""The compliance pages: a commune's list with links to put things right, the province's roll-up and drill-down
within the user's scope only, internal items unnamed to outsiders, accessible server-rendered charts, Vietnamese
by default and English complete, and a number of queries that does not grow with communes or items."""

import re
from datetime import date as D
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dancoso.accounts.roles import Role
from dancoso.accounts.tests.factories import MembershipFactory
from dancoso.disclosure import services
from dancoso.disclosure.models import Category, Channel
from dancoso.disclosure.services import PostingSpec
from dancoso.disclosure.tests.test_compliance import (
    BUDGET,
    as_if_committed,
    boards,
    make_commune,
    on_platform_since,
    publish,
)
from dancoso.units.models import UnitKind
from dancoso.units.tests.factories import ProvinceFactory, UnitFactory, VillageFactory

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("disclosure_compliance:overview")
Q2 = "?year=2026&period=q2"


def page(unit) -> str:
    return reverse("disclosure_compliance:unit", args=[unit.pk])


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(services, "_today", lambda: D(2026, 11, 20))


@pytest.fixture
def world():
    ninh_binh = ProvinceFactory(name="Tỉnh Ninh Bình")
    hai_phong = ProvinceFactory(name="Thành phố Hải Phòng")
    commune = on_platform_since(
        UnitFactory(kind=UnitKind.COMMUNE, parent=ninh_binh, name="Xã An Khánh"), D(2025, 7, 1)
    )
    east, _west = (VillageFactory(parent=commune, name=name) for name in ("Thôn Đông", "Thôn Tây"))
    neighbour = UnitFactory(kind=UnitKind.WARD, parent=ninh_binh, name="Phường Hoa Lư")
    elsewhere = UnitFactory(kind=UnitKind.COMMUNE, parent=hai_phong, name="Xã Cát Hải")
    # Thôn Tây has no notice (Art. 13.2).
    start = D(2026, 5, 4)
    item = publish(
        commune, decided=start, on=start, title="Dự toán ngân sách xã năm 2026",
        postings=boards(start, start + timedelta(days=29), [east]),
    )  # fmt: skip
    publish(elsewhere, decided=start, on=start, title="Bí mật của Hải Phòng")
    return {
        "ninh_binh": ninh_binh,
        "hai_phong": hai_phong,
        "commune": commune,
        "neighbour": neighbour,
        "elsewhere": elsewhere,
        "item": item,
    }


def login(client, role, unit):
    user = MembershipFactory(unit=unit, role=role).user
    client.force_login(user)
    return user


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_commune_sees_what_is_wrong_with_links_to_put_it_right(client, world):
    login(client, Role.COMMUNE_OFFICER, world["commune"])
    response = client.get(OVERVIEW + Q2)
    assert response.status_code == 200
    body = text(response)
    assert "Tình hình thực hiện công khai của Xã An Khánh" in body
    assert "Quý 2/2026" in body
    assert "Dự toán ngân sách xã năm 2026" in body
    assert "chưa niêm yết tại Thôn Tây" in body
    assert reverse("disclosure:detail", args=[world["item"].pk]) in body
    # Missing: items 4 and 13 (Art. 13.1), the list of Q1 (Art. 13.2), each with where to put it right.
    assert (
        "Khoản 1 Điều 13 Luật 10/2022/QH15" in body and "Danh mục thông tin đã công khai quý 1/2026" in body
    )
    assert reverse("disclosure:quarterly") in body and reverse("disclosure:create") in body
    # The report's sentence, from stats.py.
    assert "đã thực hiện công khai 01 nội dung" in body
    assert "Bí mật của Hải Phòng" not in body


def test_charts_are_accessible_svg_without_inline_style_or_script(client, world):
    login(client, Role.COMMUNE_LEADER, world["commune"])
    response = client.get(page(world["commune"]) + Q2)
    html = response.content.decode()
    svgs = re.findall(r"<svg[^>]*>", html)
    assert svgs and all('aria-hidden="true"' in svg for svg in svgs)
    assert "style=" not in html and "<script>" not in html.replace('<script src="', "")
    # Each bar's value is text beside it, and a score says its band in words, not only in colour.
    assert re.search(r'<rect x="0" y="0" width="\d+\.\d%"', html)
    # Items 4 and 13 and the Q1 list missing, the item not posted in Thôn Tây: nothing met, 0%.
    assert "<strong>0%</strong> · Chưa đạt" in html
    assert "Content-Security-Policy" in response.headers


def test_english_is_complete(client, world):
    login(client, Role.COMMUNE_OFFICER, world["commune"])
    client.post(reverse("set_language"), {"language": "en", "next": OVERVIEW})
    body = text(client.get(OVERVIEW + Q2))
    assert "Disclosure compliance of Xã An Khánh" in body
    assert "Quarter 2/2026" in body and "nothing posted in Thôn Tây" in body
    assert "Items to put right" in body


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.UNION_REPRESENTATIVE, Role.INVESTMENT_BOARD_MEMBER])
def test_roles_without_the_permission_are_refused(client, world, role):
    login(client, role, world["commune"])
    assert client.get(OVERVIEW).status_code == 403
    assert client.get(page(world["commune"])).status_code in (403, 404)


@pytest.mark.parametrize("role", [Role.FRONT_OFFICER, Role.INSPECTION_BOARD_MEMBER, Role.COMMUNE_LEADER])
def test_the_boards_and_the_front_see_their_commune(client, world, role):
    login(client, role, world["commune"])
    assert client.get(OVERVIEW + Q2).status_code == 200
    assert client.get(page(world["neighbour"])).status_code == 404


def test_a_commune_cannot_open_another(client, world):
    login(client, Role.COMMUNE_OFFICER, world["commune"])
    assert client.get(page(world["neighbour"])).status_code == 404
    assert client.get(page(world["ninh_binh"])).status_code == 404
    assert client.get(page(world["elsewhere"])).status_code == 404


def test_the_province_rolls_up_its_own_communes_and_drills_down(client, world):
    login(client, Role.PROVINCE_OFFICER, world["ninh_binh"])
    response = client.get(OVERVIEW + Q2)
    assert response.status_code == 200
    body = text(response)
    assert "Tình hình thực hiện công khai của các đơn vị thuộc Tỉnh Ninh Bình" in body
    assert "Xã An Khánh" in body and "Phường Hoa Lư" in body
    assert "Xã Cát Hải" not in body and "Bí mật của Hải Phòng" not in body
    assert page(world["commune"]) + Q2.replace("&", "&amp;") in body
    # Drill down: the commune's list, with the way back up.
    drilled = text(client.get(page(world["commune"]) + Q2))
    assert "chưa niêm yết tại Thôn Tây" in drilled
    assert page(world["ninh_binh"]) in drilled
    # Not another province's.
    assert client.get(page(world["elsewhere"])).status_code == 404
    assert client.get(page(world["hai_phong"])).status_code == 404


def test_from_another_unit_creating_is_not_offered(client, world):
    """The pages that create an item or a list work in the current unit: not offered on a drilled-down page."""
    login(client, Role.SYSTEM_ADMIN, world["ninh_binh"])
    body = text(client.get(page(world["commune"]) + Q2))
    assert reverse("disclosure:create") not in body and reverse("disclosure:quarterly") not in body
    assert reverse("disclosure:detail", args=[world["item"].pk]) in body


def test_internal_items_are_named_only_to_their_own_unit(client, world):
    agency = UnitFactory(kind=UnitKind.AGENCY, parent=world["ninh_binh"], name="Sở Nội vụ")
    services.create_publication(
        unit=agency, category=Category.objects.get(code="co-quan-04-nhan-su"), title="Danh sách kỷ luật nội bộ",
        decision_date=D(2026, 5, 4), actor=None, on=D(2026, 5, 20),
    )  # fmt: skip
    login(client, Role.PROVINCE_OFFICER, world["ninh_binh"])
    outsider = text(client.get(page(agency) + Q2))
    assert "Danh sách kỷ luật nội bộ" not in outsider and "Nội dung nội bộ" in outsider
    client.logout()
    login(client, Role.WORKPLACE_OFFICER, agency)
    insider = text(client.get(page(agency) + Q2))
    assert "Danh sách kỷ luật nội bộ" in insider


def test_a_bad_period_is_told_in_vietnamese_and_the_current_quarter_shown(client, world):
    login(client, Role.COMMUNE_OFFICER, world["commune"])
    body = text(client.get(OVERVIEW + "?year=1999&period=q9"))
    assert "Chọn một năm trong danh sách." in body and "Chọn quý, 6 tháng hoặc cả năm." in body
    assert "Quý 4/2026" in body


def test_the_whole_year_and_a_half_year(client, world):
    login(client, Role.COMMUNE_OFFICER, world["commune"])
    assert "Năm 2026" in text(client.get(OVERVIEW + "?year=2026&period=year"))
    assert "6 tháng đầu năm 2026" in text(client.get(OVERVIEW + "?year=2026&period=h1"))


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_rollup_page_does_not_grow_with_communes(client):
    small, large = ProvinceFactory(), ProvinceFactory()
    make_commune(small, 1, 1)
    for _ in range(5):
        make_commune(large, 2, 3)
    admin = MembershipFactory(unit=small, role=Role.SYSTEM_ADMIN).user
    MembershipFactory(unit=large, role=Role.SYSTEM_ADMIN, user=admin)
    as_if_committed()
    client.force_login(admin)
    url = "?year=2026&period=year"
    client.get(page(small) + url)  # warm the caches
    assert count_queries(client, page(small) + url) == count_queries(client, page(large) + url)


def test_the_commune_page_does_not_grow_with_items(client):
    province = ProvinceFactory()
    few, many = make_commune(province, 1, 1), make_commune(province, 3, 8)
    services.create_publication(
        unit=many, category=Category.objects.get(code=BUDGET), title="Thêm", decision_date=D(2026, 6, 1),
        actor=None, on=D(2026, 6, 1), postings=[PostingSpec(Channel.SEAT_BOARD, D(2026, 6, 1), D(2026, 6, 5))],
    )  # fmt: skip
    officer = MembershipFactory(unit=province, role=Role.PROVINCE_OFFICER).user
    as_if_committed()
    client.force_login(officer)
    url = "?year=2026&period=year"
    client.get(page(few) + url)
    assert count_queries(client, page(few) + url) == count_queries(client, page(many) + url)
