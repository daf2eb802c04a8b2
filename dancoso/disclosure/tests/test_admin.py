"""Admin of the disclosure app: every page opens for a superuser; categories and timing rules are saved through
the services with a ledger entry (and a new rule is the law applied from its date); publications are read-only."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from dancoso.accounts.tests.factories import UserFactory
from dancoso.core.models import LedgerEntry
from dancoso.disclosure import legal, services
from dancoso.disclosure.models import Category, DisclosureRule, Publication
from dancoso.units.models import UnitKind
from dancoso.units.tests.factories import ProvinceFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


@pytest.fixture
def publication(db):
    commune = UnitFactory(kind=UnitKind.COMMUNE, name="Xã An Khánh", parent=ProvinceFactory())
    return services.create_publication(
        unit=commune,
        category=Category.objects.get(code="xa-02-ngan-sach"),
        title="Dự toán ngân sách xã năm 2026",
        decision_date=date(2026, 1, 5),
        actor=None,
        on=date(2026, 1, 7),
    )


def ledger_actions() -> list[str]:
    return list(LedgerEntry.objects.filter(action__startswith="disclosure.").values_list("action", flat=True))


def test_every_admin_page_opens(admin_client, publication):
    category = Category.objects.get(code="xa-07-an-sinh")
    rule = DisclosureRule.objects.first()
    pages = [
        "/admin/disclosure/",
        "/admin/disclosure/category/",
        "/admin/disclosure/category/add/",
        f"/admin/disclosure/category/{category.pk}/change/",
        "/admin/disclosure/disclosurerule/",
        "/admin/disclosure/disclosurerule/add/",
        f"/admin/disclosure/disclosurerule/{rule.pk}/change/",
        "/admin/disclosure/publication/",
        f"/admin/disclosure/publication/{publication.pk}/change/",
    ]
    for url in pages:
        assert admin_client.get(url).status_code == 200, url


def test_a_category_change_goes_through_the_service_and_the_ledger(admin_client):
    category = Category.objects.get(code="xa-14-khac")
    data = {
        "number": 14,
        "name": "Nội dung khác theo quy định của pháp luật",
        "name_en": "Other",
        "article": "Điều 11, 13 Luật 10/2022/QH15",
        "needs_notice_boards": "on",
        "default_audience": "public",
        "position": 14,
        "is_active": "on",
    }
    response = admin_client.post(f"/admin/disclosure/category/{category.pk}/change/", data)
    assert response.status_code == 302
    category.refresh_from_db()
    assert category.needs_notice_boards is True and category.code == "xa-14-khac"
    entry = LedgerEntry.objects.get(action="disclosure.category_saved")
    assert entry.payload["code"] == "xa-14-khac"


def test_the_category_list_is_editable_through_the_service(admin_client):
    categories = list(Category.objects.order_by("regime", "position", "number"))
    data = {"form-TOTAL_FORMS": len(categories), "form-INITIAL_FORMS": len(categories), "_save": "Lưu"}
    for index, category in enumerate(categories):
        data[f"form-{index}-id"] = category.pk
        data[f"form-{index}-position"] = category.position
        if category.is_active and category.code != "doanh-nghiep-06-khac":
            data[f"form-{index}-is_active"] = "on"
    assert admin_client.post("/admin/disclosure/category/", data).status_code == 302
    assert Category.objects.get(code="doanh-nghiep-06-khac").is_active is False
    assert ledger_actions() == ["disclosure.category_saved"]


def test_categories_and_rules_cannot_be_deleted(admin_client):
    category = Category.objects.get(code="xa-14-khac")
    rule = DisclosureRule.objects.first()
    assert (
        admin_client.post(f"/admin/disclosure/category/{category.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert (
        admin_client.post(f"/admin/disclosure/disclosurerule/{rule.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )


def test_a_rule_added_in_the_admin_is_the_law_applied_from_its_date(admin_client):
    assert legal.rule("commune.boards", date(2027, 2, 1)).days == 30
    data = {
        "rule": "commune.boards",
        "valid_from": "2027-01-01",
        "days": 45,
        "day_type": "calendar",
        "article": "Khoản 2 Điều 13 Luật 10/2022/QH15 (sửa đổi)",
        "note": "Thử nghiệm",
    }
    response = admin_client.post("/admin/disclosure/disclosurerule/add/", data)
    assert response.status_code == 302
    assert legal.rule("commune.boards", date(2027, 2, 1)).days == 45
    assert legal.rule("commune.boards", date(2026, 12, 31)).days == 30
    entry = LedgerEntry.objects.get(action="disclosure.rule_saved")
    assert entry.payload["rule"] == "commune.boards" and entry.payload["days"] == 45


def test_an_unknown_rule_is_refused(admin_client):
    before = DisclosureRule.objects.count()
    data = {
        "rule": "commune.fax",
        "valid_from": "2027-01-01",
        "days": 5,
        "day_type": "working",
        "article": "X",
    }
    response = admin_client.post("/admin/disclosure/disclosurerule/add/", data)
    assert response.status_code == 200 and "rule" in response.context["adminform"].form.errors
    assert DisclosureRule.objects.count() == before


def test_publications_are_read_only(admin_client, publication):
    assert admin_client.get("/admin/disclosure/publication/add/").status_code == 403
    url = f"/admin/disclosure/publication/{publication.pk}/change/"
    assert admin_client.post(url, {"title": "Khác"}).status_code == 403
    assert (
        admin_client.post(
            f"/admin/disclosure/publication/{publication.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert Publication.objects.get(pk=publication.pk).title == "Dự toán ngân sách xã năm 2026"


def test_staff_without_superuser_rights_do_not_open_the_admin(client):
    client.force_login(
        get_user_model().objects.create_user(username="nhanvien", password="x", is_staff=False)
    )
    assert client.get("/admin/disclosure/category/").status_code == 302
