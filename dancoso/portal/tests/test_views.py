from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from dancoso.accounts.roles import Role
from dancoso.accounts.tests.factories import MembershipFactory, UserFactory
from dancoso.units.models import UnitKind
from dancoso.units.tests.factories import HouseholdFactory, ProvinceFactory, UnitFactory, VillageFactory

from .conftest import LOGIN_BACKEND


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_home_lists_provinces_with_their_communes_and_wards(client, commune):
    ward = UnitFactory(kind=UnitKind.WARD, name="Phường Phù Liễn", parent=commune.parent)
    VillageFactory(parent=commune, name="Thôn Không Hiện")

    response = client.get(reverse("portal:home"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Thành phố Hải Phòng" in html
    assert f'href="{commune.get_absolute_url()}"' in html
    assert f'href="{ward.get_absolute_url()}"' in html
    assert "Thôn Không Hiện" not in html


def test_home_hides_inactive_units(client, province):
    UnitFactory(name="Xã Đã Sáp Nhập", parent=province, is_active=False)

    assert "Xã Đã Sáp Nhập" not in client.get(reverse("portal:home")).content.decode()


def test_home_query_count_does_not_grow_with_units(client, commune):
    few = count_queries(client, reverse("portal:home"))
    for _ in range(3):
        province = ProvinceFactory()
        UnitFactory.create_batch(4, parent=province)
        UnitFactory(kind=UnitKind.WARD, parent=province)

    assert count_queries(client, reverse("portal:home")) == few


def test_unit_home_is_at_a_readable_url(commune):
    assert commune.get_absolute_url() == "/an-khanh/"


def test_unit_home_shows_name_kind_figures_breadcrumb_and_villages(
    client, commune, villages, residential_group
):
    response = client.get(commune.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Xã An Khánh</h1>" in html
    assert commune.get_kind_display() in html
    assert f'href="{commune.parent.get_absolute_url()}">Thành phố Hải Phòng</a>' in html
    assert 'aria-current="page">Xã An Khánh</a>' in html
    assert "34.000" in html  # population, Vietnamese grouping
    for settlement in [*villages, residential_group]:
        assert f'href="{settlement.get_absolute_url()}">{settlement.name}</a>' in html


def test_unit_home_of_a_province_lists_its_communes(client, commune):
    html = client.get(commune.parent.get_absolute_url()).content.decode()

    assert f'href="{commune.get_absolute_url()}">Xã An Khánh</a>' in html


def test_unit_home_of_a_village_shows_the_whole_breadcrumb(client, villages):
    village = villages[0]

    html = client.get(village.get_absolute_url()).content.decode()

    assert 'href="/hai-phong/">Thành phố Hải Phòng</a>' in html
    assert 'href="/an-khanh/">Xã An Khánh</a>' in html


def test_unit_home_shows_no_empty_sections(client, province):
    bare = UnitFactory(name="Xã Trống", parent=province)

    html = client.get(bare.get_absolute_url()).content.decode()

    assert 'id="figures-heading"' not in html
    assert 'id="settlements-heading"' not in html
    assert 'id="contact-heading"' not in html


def test_unknown_unit_is_404_with_the_site_frame(client, db):
    response = client.get("/khong-co-don-vi-nay/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang" in html
    assert 'id="main"' in html


def test_inactive_unit_is_404(client, province):
    merged = UnitFactory(name="Xã Cũ", parent=province, is_active=False)

    assert client.get(merged.get_absolute_url()).status_code == 404


def test_unit_home_query_count_does_not_grow_with_villages(client, commune, villages):
    few = count_queries(client, commune.get_absolute_url())
    VillageFactory.create_batch(10, parent=commune, household_count=300, population=1100)
    UnitFactory.create_batch(3, kind=UnitKind.RESIDENTIAL_GROUP, parent=commune)

    assert count_queries(client, commune.get_absolute_url()) == few


def test_dashboard_sends_anonymous_visitors_to_login(client, db):
    response = client.get(reverse("portal:dashboard"))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_dashboard_is_denied_without_a_staff_membership(client, commune):
    resident = MembershipFactory(unit=commune, role=Role.RESIDENT).user
    client.force_login(resident, backend=LOGIN_BACKEND)

    response = client.get(reverse("portal:dashboard"))

    assert response.status_code == 403
    assert "Không có quyền truy cập" in response.content.decode()


def test_dashboard_is_denied_to_a_user_with_no_unit(client, db):
    client.force_login(UserFactory(), backend=LOGIN_BACKEND)

    assert client.get(reverse("portal:dashboard")).status_code == 403


def test_dashboard_shows_unit_counts_and_memberships(
    officer_client, officer, commune, villages, residential_group
):
    HouseholdFactory.create_batch(2, unit=villages[0])
    HouseholdFactory(unit=villages[1])
    HouseholdFactory(unit=VillageFactory())  # another commune: not counted

    response = officer_client.get(reverse("portal:dashboard"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Tổng quan</h1>" in html
    assert 'id="unit-heading">Xã An Khánh</h2>' in html
    assert '<span class="stat-value">3</span> <span class="stat-label">thôn</span>' in html
    assert '<span class="stat-value">1</span> <span class="stat-label">tổ dân phố</span>' in html
    assert '<span class="stat-value">3</span> <span class="stat-label">hộ gia đình đã nhập</span>' in html
    assert "Trần Thị Lan" in html
    with translation.override("vi"):
        assert str(Role.COMMUNE_OFFICER.label) in html


def test_dashboard_hides_household_figures_from_roles_that_may_not_see_households(client, commune, villages):
    HouseholdFactory(unit=villages[0])
    union_rep = MembershipFactory(unit=commune, role=Role.UNION_REPRESENTATIVE).user
    client.force_login(union_rep, backend=LOGIN_BACKEND)

    html = client.get(reverse("portal:dashboard")).content.decode()

    assert "hộ gia đình đã nhập" not in html


def test_dashboard_for_a_superuser_without_a_unit(client, db):
    client.force_login(UserFactory(is_superuser=True, is_staff=True), backend=LOGIN_BACKEND)

    response = client.get(reverse("portal:dashboard"))

    assert response.status_code == 200
    assert 'id="unit-heading"' not in response.content.decode()


def test_unit_switcher_shows_only_with_several_units(client, officer, commune, province):
    client.force_login(officer, backend=LOGIN_BACKEND)
    assert 'name="unit"' not in client.get(reverse("portal:dashboard")).content.decode()

    MembershipFactory(user=officer, unit=UnitFactory(name="Xã Thứ Hai", parent=province))
    html = client.get(reverse("portal:dashboard")).content.decode()

    assert f'action="{reverse("accounts:switch_unit")}"' in html
    assert 'name="unit"' in html
    assert "Xã Thứ Hai" in html
    assert f'<option value="{commune.pk}" selected>' in html
