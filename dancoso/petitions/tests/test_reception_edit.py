"""Correcting an entry of the reception book (`reception.update_visit`, the staff page "Correct this entry"):
what changes and what does not, the reason, the ledger (field names and keyed digests, never a confidential
identity), validation as when writing (Luật Tiếp công dân Art. 25.2, 29–30), permissions by role and unit."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from dancoso.accounts.roles import Role
from dancoso.core import ledger
from dancoso.core.models import LedgerEntry
from dancoso.petitions import confidential, reception
from dancoso.petitions.models import Kind, Petition, ProtectedIdentity, Sector, Visit
from dancoso.petitions.tests.test_reception_services import (
    PLANTED_NAME,
    PLANTED_PHONE,
    officer_of,
    session_of,
    visit_in,
)
from dancoso.units.tests.factories import ProvinceFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _vietnamese():
    """The services answer in the active language; another test may have left English active."""
    with translation.override("vi"):
        yield


D = date
TODAY = D(2026, 11, 20)
PLANTED_ADDRESS = "Xóm Kín Đáo"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(reception, "_today", lambda: TODAY)


@pytest.fixture
def province(db):
    return ProvinceFactory(name="Tỉnh Ninh Bình")


@pytest.fixture
def commune(province):
    return UnitFactory(name="Xã An Khánh", parent=province)


@pytest.fixture
def other_commune(province):
    return UnitFactory(name="Xã Bình Minh", parent=province)


@pytest.fixture
def officer(commune):
    return officer_of(commune)


@pytest.fixture
def session(commune, officer):
    return session_of(commune, on=D(2026, 11, 17), actor=officer)


@pytest.fixture
def visit(session, officer):
    return visit_in(session, actor=officer)


@pytest.fixture
def secret(session, officer):
    return visit_in(
        session,
        actor=officer,
        visitor={"name": PLANTED_NAME, "address": PLANTED_ADDRESS, "phone": PLANTED_PHONE},
        confidential=True,
    )


def corrections() -> list[LedgerEntry]:
    return list(LedgerEntry.objects.filter(action="petitions.visit_corrected").order_by("seq"))


def snapshot(visit: Visit) -> dict:
    return Visit.objects.values().get(pk=visit.pk)


def identity_of(visit: Visit) -> dict:
    return confidential.decrypt_identity(ProtectedIdentity.objects.get(visit=visit).ciphertext)


def messages_of(error: ValidationError, field: str) -> str:
    return " ".join(error.message_dict.get(field, []))


# ------------------------------------------------------------------------------------------- the service


def test_a_correction_changes_the_fields_and_keeps_the_number_date_and_deadline(visit, officer):
    before = snapshot(visit)
    reception.update_visit(
        visit,
        actor=officer,
        reason="Ghi nhầm địa chỉ khi vào sổ",
        visitor={"name": "Trần Văn Đến", "address": "Thôn Tây", "phone": "0912 345 678"},
        content=visit.content,
        handling="Đã hướng dẫn công dân nộp đơn tại bộ phận một cửa.",
    )
    after = snapshot(visit)
    assert after["visitor_address"] == "Thôn Tây"
    assert after["handling"] == "Đã hướng dẫn công dân nộp đơn tại bộ phận một cửa."
    for name in ("number", "year", "date", "session_id", "unit_id", "answer_due", "case_key", "visitor_name"):
        assert after[name] == before[name], name
    assert after["corrected_by_id"] == officer.pk and after["corrected_at"] is not None
    assert after["correction_reason"] == "Ghi nhầm địa chỉ khi vào sổ"

    (entry,) = corrections()
    assert entry.payload["fields"] == ["handling", "visitor_address"]
    assert entry.payload["reason"] == "Ghi nhầm địa chỉ khi vào sổ"
    assert entry.payload["number"] == visit.number and entry.object_id == str(visit.pk)
    assert entry.payload["before"] != entry.payload["after"] and len(entry.payload["after"]) == 64
    # The ledger holds digests, not the values; and the digests are keyed, not a plain sha256.
    assert "Thôn Tây" not in str(entry.payload) and "Thôn Đông" not in str(entry.payload)
    plain = ledger.sha256_hex(
        ledger.canonical_json({"handling": after["handling"], "visitor_address": "Thôn Tây"})
    )
    assert entry.payload["after"] != plain
    assert ledger.verify().intact


def test_every_correction_is_kept_in_the_history(visit, officer):
    reception.update_visit(visit, actor=officer, reason="Sửa nội dung", content="Đề nghị sửa đường liên xã.")
    leader = officer_of(visit.unit, role=Role.COMMUNE_LEADER)
    reception.update_visit(visit, actor=leader, reason="Bổ sung yêu cầu", request="Sửa trước 31/12.")
    history = reception.corrections_of(visit)
    assert [c["reason"] for c in history] == ["Bổ sung yêu cầu", "Sửa nội dung"]
    assert history[0]["fields"] == ["yêu cầu của người đến"]  # the field's name, in the user's language
    visit.refresh_from_db()
    assert visit.corrected_by == leader and visit.correction_reason == "Bổ sung yêu cầu"


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"reason": ""}, "reason", "lý do"),
        ({"content": "  "}, "content", ""),
        ({"kind": "weekly"}, "kind", ""),
        ({"visitor": {"name": ""}}, "visitor_name", ""),
        ({"visitor": {"name": "Trần Văn Đến", "phone": "12"}}, "visitor_phone", ""),
        ({"persons": 5}, "is_group", "đoàn đông người"),  # 5 people about one matter are a group (Art. 29)
        (
            {"persons": 11, "is_group": True, "representatives": [f"Đại Diện {i}" for i in range(6)]},
            "representatives",
            "tối đa 5 người đại diện",
        ),
        ({"persons": 8, "is_group": True, "representatives": []}, "representatives", ""),
        ({"representatives": ["Lê Văn Một"]}, "representatives", "đoàn đông người"),
        ({"sector": Sector(code="x", name="X", is_active=False)}, "sector", ""),
    ],
)
def test_an_invalid_correction_is_refused_and_changes_nothing(visit, officer, changes, field, text):
    before = snapshot(visit)
    arguments = {"reason": "Sửa sai sót", **changes}
    with pytest.raises(ValidationError) as caught:
        reception.update_visit(visit, actor=officer, **arguments)
    assert field in caught.value.message_dict, caught.value.message_dict
    assert text in messages_of(caught.value, field)
    assert snapshot(visit) == before and corrections() == []


def test_all_problems_are_reported_at_once_in_vietnamese(visit, officer):
    with pytest.raises(ValidationError) as caught:
        reception.update_visit(visit, actor=officer, reason=" ", content="", persons=0)
    assert set(caught.value.message_dict) >= {"reason", "content", "persons"}
    assert messages_of(caught.value, "reason") == "Hãy ghi lý do sửa."


def test_a_correction_that_changes_nothing_is_refused(visit, officer):
    with pytest.raises(ValidationError) as caught:
        reception.update_visit(visit, actor=officer, reason="Không sửa gì", content=visit.content)
    assert "Không có gì thay đổi" in " ".join(caught.value.messages)
    assert corrections() == []


def test_the_number_date_and_case_cannot_be_corrected_here(visit, officer):
    for name, value in (("number", 9), ("date", D(2026, 11, 18)), ("case_key", "X"), ("session", None)):
        with pytest.raises(TypeError):
            reception.update_visit(visit, actor=officer, reason="x", **{name: value})


def test_a_group_is_corrected_within_the_representative_rules(session, officer):
    group = visit_in(session, actor=officer, persons=8, is_group=True, representatives=["Lê Văn Một"])
    reception.update_visit(
        group,
        actor=officer,
        reason="Đoàn đông hơn ghi nhận ban đầu",
        persons=12,
        representatives=["Lê Văn Một", "Hà Thị Hai, Thôn Tây", "Vũ Văn Ba"],
    )
    group.refresh_from_db()
    assert group.persons == 12 and [r["name"] for r in group.representatives] == [
        "Lê Văn Một",
        "Hà Thị Hai",
        "Vũ Văn Ba",
    ]
    assert corrections()[-1].payload["fields"] == ["persons", "representatives"]


def test_an_unchanged_field_that_was_deactivated_does_not_block_a_correction(session, officer):
    sector = Sector.objects.create(code="cu", name="Lĩnh vực cũ", is_active=True)
    visit = visit_in(session, actor=officer, sector=sector)
    Sector.objects.filter(pk=sector.pk).update(is_active=False)
    reception.update_visit(
        visit, actor=officer, reason="Sửa nội dung", content="Nội dung đã sửa", sector=sector
    )
    visit.refresh_from_db()
    assert visit.content == "Nội dung đã sửa" and visit.sector == sector


# ------------------------------------------------------------------------------------------- permissions


@pytest.mark.parametrize("role", [Role.FRONT_OFFICER, Role.INSPECTION_BOARD_MEMBER, Role.RESIDENT])
def test_a_role_without_manage_reception_cannot_correct(visit, role):
    user = officer_of(visit.unit, role=role)
    before = snapshot(visit)
    with pytest.raises(PermissionDenied):
        reception.update_visit(visit, actor=user, reason="Sửa", content="Sửa ngang")
    assert snapshot(visit) == before and corrections() == []


def test_an_officer_of_another_commune_cannot_correct(visit, other_commune):
    stranger = officer_of(other_commune)
    before = snapshot(visit)
    with pytest.raises(PermissionDenied) as caught:
        reception.update_visit(visit, actor=stranger, reason="Sửa", content="Sửa ngang")
    assert "Xã An Khánh" in str(caught.value)
    assert snapshot(visit) == before and corrections() == []
    with pytest.raises(PermissionDenied):
        reception.update_visit(visit, actor=None, reason="Sửa", content="Sửa ngang")


def test_a_province_officer_may_correct_a_commune_below(visit, province):
    reception.update_visit(
        visit, actor=officer_of(province, role=Role.PROVINCE_OFFICER), reason="Sửa", handling="X"
    )
    assert Visit.objects.get(pk=visit.pk).handling == "X"


# ------------------------------------------------------------------------------------------- confidentiality


def test_a_confidential_identity_is_corrected_encrypted_and_never_reaches_the_ledger(secret, officer):
    reception.update_visit(
        secret, actor=officer, reason="Ghi sai địa chỉ", visitor={"address": "Xóm Mới Sửa"}
    )
    secret.refresh_from_db()
    assert secret.is_confidential
    assert secret.visitor_name == secret.visitor_address == secret.visitor_phone == ""
    identity = identity_of(secret)
    # Blank name and phone kept the protected ones; the typed address replaced the old one.
    assert (identity["name"], identity["address"], identity["phone"]) == (
        PLANTED_NAME,
        "Xóm Mới Sửa",
        PLANTED_PHONE,
    )
    (entry,) = corrections()
    assert entry.payload["fields"] == ["visitor_address"] and entry.payload["confidential"] is True
    for entry in LedgerEntry.objects.all():
        text = str(entry.payload)
        for value in (PLANTED_NAME, PLANTED_PHONE, PLANTED_ADDRESS, "Xóm Mới Sửa"):
            assert value not in text


def test_a_confidential_visit_cannot_be_unprotected(secret, officer):
    reception.update_visit(secret, actor=officer, reason="Sửa nội dung", confidential=False, content="Sửa")
    secret.refresh_from_db()
    assert secret.is_confidential and secret.visitor_name == ""
    assert identity_of(secret)["name"] == PLANTED_NAME


@pytest.mark.parametrize("reason", [f"Sửa tên {PLANTED_NAME}", "Số đúng là 0987 654 321", "Sửa Xóm Kín Đáo"])
def test_the_reason_may_not_repeat_a_protected_identity(secret, officer, reason):
    before = snapshot(secret)
    with pytest.raises(ValidationError) as caught:
        reception.update_visit(secret, actor=officer, reason=reason, content="Sửa")
    assert "Không ghi họ tên" in messages_of(caught.value, "reason")
    assert snapshot(secret) == before and corrections() == []


def test_protecting_a_visit_moves_the_identity_and_protects_its_petition(session, officer):
    visit = visit_in(
        session,
        actor=officer,
        visitor={"name": PLANTED_NAME, "address": PLANTED_ADDRESS, "phone": PLANTED_PHONE},
        persons=6,
        is_group=True,
        representatives=[PLANTED_NAME, "Vũ Văn Kín"],
        create_petition=True,
    )
    reception.update_visit(
        visit,
        actor=officer,
        reason="Công dân đề nghị giữ bí mật",
        confidential=True,
        visitor={"name": PLANTED_NAME, "address": PLANTED_ADDRESS, "phone": PLANTED_PHONE},
    )
    visit.refresh_from_db()
    assert visit.is_confidential and visit.visitor_name == "" and visit.representatives == [{"name": ""}] * 2
    identity = identity_of(visit)
    assert identity["name"] == PLANTED_NAME and "Vũ Văn Kín" in identity["note"]
    petition = Petition.objects.get()
    assert petition.is_confidential and petition.petitioner_name == ""
    (entry,) = corrections()
    assert entry.payload["fields"] == ["is_confidential"]
    for entry in LedgerEntry.objects.all():
        assert PLANTED_NAME not in str(entry.payload) and "Vũ Văn Kín" not in str(entry.payload)


def test_a_visit_reclassified_as_a_denunciation_becomes_confidential(visit, officer):
    reception.update_visit(visit, actor=officer, reason="Phân loại lại", kind=Kind.DENUNCIATION)
    visit.refresh_from_db()
    assert visit.is_confidential and visit.visitor_name == ""
    assert identity_of(visit)["name"] == "Trần Văn Đến"
    assert set(corrections()[0].payload["fields"]) == {"is_confidential", "kind"}


def test_a_confidential_groups_representatives_are_kept_or_replaced(session, officer):
    group = visit_in(
        session,
        actor=officer,
        kind=Kind.DENUNCIATION,
        visitor={"name": PLANTED_NAME},
        persons=12,
        is_group=True,
        representatives=["Vũ Văn Kín", "Hà Thị Kín"],
    )
    reception.update_visit(group, actor=officer, reason="Đếm lại số người", persons=15, representatives=[])
    group.refresh_from_db()
    assert group.persons == 15 and group.representatives == [{"name": ""}] * 2
    assert "Vũ Văn Kín" in identity_of(group)["note"]
    reception.update_visit(group, actor=officer, reason="Đổi người đại diện", representatives=["Lý Văn Mới"])
    group.refresh_from_db()
    assert group.representatives == [{"name": ""}]
    note = identity_of(group)["note"]
    assert "Lý Văn Mới" in note and "Vũ Văn Kín" not in note
    assert identity_of(group)["name"] == PLANTED_NAME
    assert [e.payload["fields"] for e in corrections()] == [["persons"], ["representatives"]]


# ------------------------------------------------------------------------------------------- the pages


def edit_url(visit) -> str:
    return reverse("petitions:reception_visit_edit", args=[visit.pk])


def form_data(visit, **overrides) -> dict:
    data = {
        "visitor_name": visit.visitor_name,
        "visitor_address": visit.visitor_address,
        "visitor_phone": visit.visitor_phone,
        "kind": visit.kind,
        "content": visit.content,
        "prior_handling": visit.prior_handling,
        "request": visit.request,
        "handling": visit.handling,
        "persons": visit.persons,
        "reason": "Ghi nhầm địa chỉ",
    }
    return {**data, **overrides}


def test_the_edit_page_is_prefilled_and_saves_with_the_reason(client, visit, officer):
    client.force_login(officer)
    page = client.get(edit_url(visit))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Thôn Đông" in html and visit.content in html and 'name="reason"' in html
    response = client.post(edit_url(visit), form_data(visit, visitor_address="Thôn Tây"))
    assert response.status_code == 302
    assert response.url == reverse("petitions:reception_visit_detail", args=[visit.pk])
    visit.refresh_from_db()
    assert visit.visitor_address == "Thôn Tây" and visit.correction_reason == "Ghi nhầm địa chỉ"
    detail = client.get(response.url).content.decode()
    assert "Sửa lần cuối" in detail and "Ghi nhầm địa chỉ" in detail
    assert edit_url(visit) in detail
    book = client.get(reverse("petitions:reception_book")).content.decode()
    assert "đã sửa" in book


def test_the_edit_page_shows_errors_and_changes_nothing(client, visit, officer):
    client.force_login(officer)
    before = snapshot(visit)
    response = client.post(edit_url(visit), form_data(visit, reason="", persons=11, is_group="on"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_reason_error"' in html and 'id="id_representatives_error"' in html
    assert snapshot(visit) == before and corrections() == []


@pytest.mark.parametrize(
    ("role", "statuses"),
    [
        (Role.COMMUNE_OFFICER, (200,)),
        (Role.COMMUNE_LEADER, (200,)),
        (Role.FRONT_OFFICER, (403,)),
        (Role.INSPECTION_BOARD_MEMBER, (403,)),
        (Role.RESIDENT, (404,)),
    ],
)
def test_who_may_open_the_edit_page(client, visit, role, statuses):
    client.force_login(officer_of(visit.unit, role=role))
    assert client.get(edit_url(visit)).status_code in statuses
    detail = client.get(reverse("petitions:reception_visit_detail", args=[visit.pk]))
    if detail.status_code == 200:
        assert (edit_url(visit) in detail.content.decode()) == (statuses == (200,))


@pytest.mark.parametrize(
    "role", [Role.COMMUNE_OFFICER, Role.COMMUNE_LEADER, Role.FRONT_OFFICER, Role.WORKPLACE_OFFICER]
)
def test_another_communes_staff_cannot_open_or_post_the_edit_page(client, secret, other_commune, role):
    client.force_login(officer_of(other_commune, role=role))
    before = snapshot(secret)
    assert client.get(edit_url(secret)).status_code in (403, 404)
    response = client.post(edit_url(secret), form_data(secret, content="Sửa ngang", visitor_name="X"))
    assert response.status_code in (403, 404)
    assert PLANTED_NAME not in response.content.decode()
    assert snapshot(secret) == before and corrections() == []


def test_a_front_officer_cannot_post_a_correction(client, visit):
    client.force_login(officer_of(visit.unit, role=Role.FRONT_OFFICER))
    before = snapshot(visit)
    assert client.post(edit_url(visit), form_data(visit, content="Sửa ngang")).status_code == 403
    assert snapshot(visit) == before


def test_the_edit_page_of_a_confidential_visit_never_shows_the_identity(client, secret, officer):
    client.force_login(officer)
    page = client.get(edit_url(secret))
    html = page.content.decode()
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    for value in (PLANTED_NAME, PLANTED_PHONE, PLANTED_ADDRESS):
        assert value not in html
    assert "giữ bí mật" in html
    data = form_data(secret, handling="Đã chuyển Thanh tra xã", reason="Bổ sung kết quả xử lý")
    response = client.post(edit_url(secret), data)
    assert response.status_code == 302
    secret.refresh_from_db()
    assert secret.handling == "Đã chuyển Thanh tra xã" and identity_of(secret)["name"] == PLANTED_NAME
    detail = client.get(response.url).content.decode()
    assert PLANTED_NAME not in detail and "Bổ sung kết quả xử lý" in detail
    for entry in LedgerEntry.objects.all():
        assert PLANTED_NAME not in str(entry.payload) and PLANTED_PHONE not in str(entry.payload)
