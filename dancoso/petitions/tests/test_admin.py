"""Admin of the petitions app: every page opens for a superuser; fields and deadline settings are saved with
a ledger entry; Open311 keys are issued (admin and command) and revoked through `open311_keys`, the plain
key shown once and never stored; petitions are read-only and show no petitioner identity."""

import hashlib
from datetime import date

import pytest
from django.contrib import admin
from django.core.management import CommandError, call_command

from dancoso.accounts.tests.factories import UserFactory
from dancoso.core.models import LedgerEntry
from dancoso.petitions import legal, open311_keys, services
from dancoso.petitions.models import (
    Channel,
    DeadlineSetting,
    Kind,
    Open311Key,
    Petition,
    ProtectedIdentity,
    ReceptionSession,
    Sector,
    Visit,
)
from dancoso.units.models import UnitKind
from dancoso.units.tests.factories import ProvinceFactory, UnitFactory

pytestmark = pytest.mark.django_db

PLANTED_NAME = "Hoàng Thị Bí Mật"
PLANTED_PHONE = "0987654321"
PLANTED_EMAIL = "bimat@example.vn"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


@pytest.fixture
def commune(db):
    province = ProvinceFactory(name="Thành phố Hải Phòng", code="31")
    return UnitFactory(kind=UnitKind.COMMUNE, name="Xã An Khánh", code="11311", parent=province)


@pytest.fixture
def petitions(commune):
    identity = {
        "name": PLANTED_NAME,
        "phone": PLANTED_PHONE,
        "email": PLANTED_EMAIL,
        "address": "Số 9 ngõ Bí",
    }
    common = {"unit": commune, "channel": Channel.WEB, "petitioner": identity}
    return [
        services.submit_petition(
            kind=Kind.DENUNCIATION, title="Tố cáo cán bộ", content="Nội dung tố cáo", **common
        ),
        services.submit_petition(
            kind=Kind.REPORT, title="Rác ven sông", content="Rác thải ven sông", **common
        ),
    ]


@pytest.fixture
def session(commune):
    return ReceptionSession.objects.create(
        unit=commune,
        date=date(2026, 3, 3),
        host_name="Nguyễn Văn Chủ",
        host_title="Chủ tịch UBND xã",
        location="Trụ sở",
    )


def ledger_actions() -> list[str]:
    return list(LedgerEntry.objects.values_list("action", flat=True))


def test_every_admin_page_opens(admin_client, petitions, session, commune):
    key = open311_keys.issue_key(name="Zalo mini app", unit=commune).key
    sector = Sector.objects.get(code="moi-truong")
    setting = DeadlineSetting.objects.first()
    pages = [
        "/admin/",
        "/admin/petitions/",
        "/admin/petitions/sector/",
        "/admin/petitions/sector/add/",
        f"/admin/petitions/sector/{sector.pk}/change/",
        "/admin/petitions/deadlinesetting/",
        "/admin/petitions/deadlinesetting/add/",
        f"/admin/petitions/deadlinesetting/{setting.pk}/change/",
        "/admin/petitions/deadlinesetting/?rule__exact=complaint.acceptance",
        "/admin/petitions/open311key/",
        "/admin/petitions/open311key/add/",
        f"/admin/petitions/open311key/{key.pk}/change/",
        "/admin/petitions/petition/",
        f"/admin/petitions/petition/{petitions[0].pk}/change/",
        "/admin/petitions/receptionsession/",
        f"/admin/petitions/receptionsession/{session.pk}/change/",
    ]
    for url in pages:
        assert admin_client.get(url).status_code == 200, url


def test_protected_identities_and_visits_are_not_in_the_admin(admin_client):
    assert not admin.site.is_registered(ProtectedIdentity)
    assert not admin.site.is_registered(Visit)
    assert admin_client.get("/admin/petitions/protectedidentity/").status_code == 404


def test_petition_pages_show_no_identity(admin_client, petitions):
    pages = [
        "/admin/petitions/petition/",
        *(f"/admin/petitions/petition/{petition.pk}/change/" for petition in petitions),
    ]
    for url in pages:
        text = admin_client.get(url).content.decode()
        for secret in (PLANTED_NAME, PLANTED_PHONE, PLANTED_EMAIL, "ngõ Bí", petitions[1].phone_digest):
            assert secret not in text, (url, secret)
    for term in (PLANTED_NAME, PLANTED_PHONE, PLANTED_EMAIL):  # searching cannot tell who sent what
        assert admin_client.get("/admin/petitions/petition/", {"q": term}).context["cl"].result_count == 0
    assert (
        "Rác thải ven sông"
        in admin_client.get(f"/admin/petitions/petition/{petitions[1].pk}/change/").content.decode()
    )


def test_petitions_and_sessions_are_read_only(admin_client, petitions, session):
    petition = petitions[1]
    assert admin_client.get("/admin/petitions/petition/add/").status_code == 403
    assert (
        admin_client.post(f"/admin/petitions/petition/{petition.pk}/change/", {"title": "Khác"}).status_code
        == 403
    )
    assert (
        admin_client.post(f"/admin/petitions/petition/{petition.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert (
        admin_client.post(
            f"/admin/petitions/receptionsession/{session.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert Petition.objects.get(pk=petition.pk).title == "Rác ven sông"


# ------------------------------------------------------------------------------------------ fields


def test_sector_change_form_writes_the_ledger_and_the_open311_services(admin_client, client):
    land = Sector.objects.get(code="dat-dai")
    response = admin_client.post(
        f"/admin/petitions/sector/{land.pk}/change/",
        {"name": "Đất đai", "name_en": "Land", "position": 10, "is_active": "on", "open311_service": "on"},
    )
    assert response.status_code == 302
    assert Sector.objects.get(pk=land.pk).open311_service is True
    entry = LedgerEntry.objects.get(action="petitions.sector_saved")
    assert entry.payload == {"code": "dat-dai", "changed": ["open311_service"]}
    codes = {s["service_code"] for s in client.get("/open311/v2/services.json").json()}
    assert "report-dat-dai" in codes
    assert client.get("/open311/v2/discovery.json").json()["changeset"] != "2026-01-01 00:00"


def test_sector_list_is_editable(admin_client):
    sectors = list(Sector.objects.all())
    data = {"form-TOTAL_FORMS": len(sectors), "form-INITIAL_FORMS": len(sectors), "_save": "Lưu"}
    for index, sector in enumerate(sectors):
        data[f"form-{index}-id"] = sector.pk
        data[f"form-{index}-position"] = sector.position
        if sector.is_active and sector.code != "khac":
            data[f"form-{index}-is_active"] = "on"
        if sector.open311_service:
            data[f"form-{index}-open311_service"] = "on"
    response = admin_client.post("/admin/petitions/sector/", data)
    assert response.status_code == 302
    assert Sector.objects.get(code="khac").is_active is False
    assert ledger_actions() == ["petitions.sector_saved"]


def test_sectors_cannot_be_deleted(admin_client):
    sector = Sector.objects.get(code="khac")
    assert (
        admin_client.post(f"/admin/petitions/sector/{sector.pk}/delete/", {"post": "yes"}).status_code == 403
    )


# ------------------------------------------------------------------------------------------ deadlines


def test_a_deadline_setting_added_in_the_admin_is_the_law_applied(admin_client):
    assert legal.rule_for("proposal.resolution", date(2026, 8, 1)).days == 30
    response = admin_client.post(
        "/admin/petitions/deadlinesetting/add/",
        {
            "rule": "proposal.resolution",
            "valid_from": "2026-08-01",
            "days": 15,
            "day_type": "calendar",
            "article": "Quy chế tiếp nhận của UBND xã",
            "note": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert legal.rule_for("proposal.resolution", date(2026, 8, 1)).days == 15
    assert legal.rule_for("proposal.resolution", date(2026, 7, 31)).days == 30
    entry = LedgerEntry.objects.get(action="petitions.deadline_setting_saved")
    assert entry.payload["rule"] == "proposal.resolution" and entry.payload["days"] == 15


def test_deadline_settings_refuse_unknown_rules_and_deletion(admin_client):
    response = admin_client.post(
        "/admin/petitions/deadlinesetting/add/",
        {"rule": "khong.co", "valid_from": "01/08/2026", "days": 5, "day_type": "working", "article": "x"},
    )
    assert response.status_code == 200
    assert "rule" in response.context["adminform"].form.errors
    setting = DeadlineSetting.objects.first()
    assert (
        admin_client.post(
            f"/admin/petitions/deadlinesetting/{setting.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )


# ------------------------------------------------------------------------------------------ Open311 keys


def test_issuing_a_key_in_the_admin_shows_it_once(admin_client, commune):
    response = admin_client.post(
        "/admin/petitions/open311key/add/", {"name": "Zalo mini app", "unit": commune.pk}
    )
    assert response.status_code == 302
    key = Open311Key.objects.get()
    page = admin_client.get(response["Location"])
    [message] = [str(m) for m in page.context["messages"] if m.level_tag == "warning"]
    plain = message.split(": ", 1)[1].split(" ", 1)[0]
    assert key.key_digest == hashlib.sha256(plain.encode()).hexdigest()
    assert plain.startswith(key.prefix) and key.created_by is not None and key.unit == commune
    assert open311_keys.authenticate(plain) == key
    for url in ("/admin/petitions/open311key/", f"/admin/petitions/open311key/{key.pk}/change/"):
        text = admin_client.get(url).content.decode()
        assert plain not in text and key.key_digest not in text
        assert f"{key.prefix}…" in text
    entry = LedgerEntry.objects.get(action="petitions.open311_key_issued")
    assert plain not in str(entry.payload) and entry.payload["prefix"] == key.prefix


def test_issuing_a_key_needs_a_name(admin_client, commune):
    response = admin_client.post("/admin/petitions/open311key/add/", {"name": "", "unit": commune.pk})
    assert response.status_code == 200
    assert not Open311Key.objects.exists()


def test_keys_are_revoked_not_edited_or_deleted(admin_client, commune):
    issued = open311_keys.issue_key(name="Zalo mini app", unit=commune)
    key = issued.key
    response = admin_client.post(
        "/admin/petitions/open311key/", {"action": "revoke", "_selected_action": [key.pk]}
    )
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.is_active is False
    assert open311_keys.authenticate(issued.plain) is None
    assert "petitions.open311_key_revoked" in ledger_actions()
    change = f"/admin/petitions/open311key/{key.pk}/change/"
    assert admin_client.post(change, {"name": "Đổi tên", "unit": commune.pk}).status_code == 403
    assert (
        admin_client.post(f"/admin/petitions/open311key/{key.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert Open311Key.objects.get().name == "Zalo mini app"


def test_issuing_a_key_needs_the_permission(commune):
    officer = UserFactory()
    with pytest.raises(Exception, match=r"không có quyền|may not"):
        open311_keys.issue_key(name="App", unit=commune, actor=officer)
    assert not Open311Key.objects.exists()


def test_command_prints_the_key_once(commune, capsys):
    call_command("issue_open311_key", "--name", "Zalo mini app", "--unit", commune.code)
    captured = capsys.readouterr()
    plain = captured.out.strip()
    key = Open311Key.objects.get()
    assert key.key_digest == open311_keys.digest(plain) and key.name == "Zalo mini app"
    assert plain not in captured.err and key.prefix in captured.err


def test_command_refuses_an_unknown_unit(db):
    with pytest.raises(CommandError, match="No unit"):
        call_command("issue_open311_key", "--name", "App", "--unit", "khong-co")
    assert not Open311Key.objects.exists()
