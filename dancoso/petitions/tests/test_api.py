"""REST API for petitions: scoping by role, redaction of confidential petitioners, filing through the API
(idempotent), the workflow actions and their errors, and a schema that stays valid."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from dancoso.accounts import services as account_services
from dancoso.accounts.roles import Role
from dancoso.accounts.tests.factories import MembershipFactory, UserFactory
from dancoso.core.models import LedgerEntry
from dancoso.petitions import services
from dancoso.petitions.models import Channel, Kind, Petition, ProtectedIdentity, Sector, State
from dancoso.units.models import UnitKind
from dancoso.units.tests.factories import ProvinceFactory, UnitFactory

pytestmark = pytest.mark.django_db

PETITIONS = reverse("api:petition-list")
PLANTED_NAME = "Hoàng Thị Bí Mật"
PLANTED_PHONE = "0987654321"
PLANTED_EMAIL = "bimat@example.vn"
SECRET_KEYS = ("phone_digest", "email_digest", "search_key", "protected_identity", "ciphertext")


def detail(petition) -> str:
    return reverse("api:petition-detail", args=[petition.pk])


def step(petition, name: str) -> str:
    return reverse(f"api:petition-{name}", args=[petition.pk])


@pytest.fixture
def tree(db):
    province = ProvinceFactory(name="Thành phố Hải Phòng", code="31")
    return type(
        "Tree",
        (),
        {
            "province": province,
            "a": UnitFactory(kind=UnitKind.COMMUNE, name="Xã An Khánh", code="11311", parent=province),
            "b": UnitFactory(kind=UnitKind.COMMUNE, name="Phường Phù Liễn", code="11140", parent=province),
        },
    )


def submit(unit, kind=Kind.REPORT, **extra) -> Petition:
    data = {
        "channel": Channel.WEB,
        "title": "Đèn đường hỏng",
        "content": "Đèn đường trước nhà văn hoá bị hỏng.",
        "petitioner": {"name": "Trần Văn Công", "phone": "0911111111"},
        "sector": Sector.objects.get(code="ha-tang"),
    }
    data.update(extra)
    return services.submit_petition(unit=unit, kind=kind, **data)


@pytest.fixture
def rows(tree):
    return type(
        "Rows",
        (),
        {
            "report": submit(tree.a),
            "denunciation": submit(
                tree.a,
                kind=Kind.DENUNCIATION,
                title="Tố cáo cán bộ địa chính",
                petitioner={"name": PLANTED_NAME, "phone": PLANTED_PHONE, "email": PLANTED_EMAIL},
            ),
            "complaint": submit(tree.b, kind=Kind.COMPLAINT, title="Khiếu nại quyết định thu hồi đất"),
        },
    )


def signed_in(client, unit, role=Role.COMMUNE_OFFICER):
    client.force_login(MembershipFactory(unit=unit, role=role).user)
    return client


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def codes(response) -> set[str]:
    return {row["tracking_code"] for row in results(response)}


def filing(unit, **overrides) -> dict:
    data = {
        "unit": unit.pk,
        "kind": Kind.PROPOSAL,
        "sector": "moi-truong",
        "title": "Đề nghị lắp thêm thùng rác",
        "content": "Khu chợ thiếu thùng rác công cộng.",
        "petitioner_name": "Lê Thị Hoa",
        "petitioner_phone": "+84 912 000 111",
        "location_text": "Chợ An Khánh",
        "latitude": "20.860000",
        "longitude": "106.680000",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def post(client, data, **headers):
    return client.post(PETITIONS, data, content_type="application/json", headers=headers)


# ------------------------------------------------------------------------------------------ reading


def test_anonymous_is_refused(client, rows):
    assert client.get(PETITIONS).status_code in (401, 403)
    assert post(client, {"title": "x"}).status_code in (401, 403)


@pytest.mark.parametrize(
    ("unit", "role", "visible"),
    [
        ("a", Role.COMMUNE_OFFICER, {"report", "denunciation"}),
        ("a", Role.FRONT_OFFICER, {"report", "denunciation"}),
        ("b", Role.COMMUNE_LEADER, {"complaint"}),
        ("province", Role.PROVINCE_OFFICER, {"report", "denunciation", "complaint"}),
        ("a", Role.RESIDENT, set()),
        ("a", Role.INVESTMENT_BOARD_MEMBER, set()),
    ],
)
def test_list_is_scoped_by_role(client, tree, rows, unit, role, visible):
    client = signed_in(client, getattr(tree, unit), role)
    assert codes(client.get(PETITIONS)) == {getattr(rows, name).tracking_code for name in visible}


def test_retrieve_outside_the_scope_is_404(client, tree, rows):
    client = signed_in(client, tree.a)
    assert client.get(detail(rows.report)).status_code == 200
    assert client.get(detail(rows.complaint)).status_code == 404


def test_confidential_petitioner_is_redacted(client, tree, rows):
    client = signed_in(client, tree.a, Role.COMMUNE_LEADER)  # may even reveal identities, elsewhere
    responses = [client.get(PETITIONS), client.get(detail(rows.denunciation))]
    for response in responses:
        text = response.content.decode()
        for secret in (PLANTED_NAME, PLANTED_PHONE, PLANTED_EMAIL, *SECRET_KEYS):
            assert secret not in text
    row = responses[1].json()
    assert row["is_confidential"] is True and row["petitioner"] is None
    assert row["title"] == "Tố cáo cán bộ địa chính"
    assert ProtectedIdentity.objects.filter(petition=rows.denunciation).exists()


def test_ordinary_petitioner_is_shown_to_staff(client, tree, rows):
    row = signed_in(client, tree.a).get(detail(rows.report)).json()
    assert row["petitioner"] == {"name": "Trần Văn Công", "address": "", "phone": "0911111111", "email": ""}
    assert row["unit_name"] == "Xã An Khánh" and row["sector"] == "ha-tang"
    assert row["state"] == State.RECEIVED and row["due_on"]


def test_list_filters(client, tree, rows):
    client = signed_in(client, tree.province, Role.PROVINCE_OFFICER)
    services.not_process_petition(rows.report, actor=None, reason="Đơn trùng")
    assert codes(client.get(PETITIONS, {"state": "not_processed"})) == {rows.report.tracking_code}
    assert codes(client.get(PETITIONS, {"state": "received,classified"})) == {
        rows.denunciation.tracking_code,
        rows.complaint.tracking_code,
    }
    assert codes(client.get(PETITIONS, {"kind": "complaint"})) == {rows.complaint.tracking_code}
    assert codes(client.get(PETITIONS, {"unit": tree.b.pk})) == {rows.complaint.tracking_code}
    assert codes(client.get(PETITIONS, {"unit": "x"})) == set()
    assert len(codes(client.get(PETITIONS, {"sector": "ha-tang", "channel": "web"}))) == 3
    assert codes(client.get(PETITIONS, {"channel": "api"})) == set()


def test_list_uses_cursor_pagination(client, tree, rows):
    client = signed_in(client, tree.province, Role.PROVINCE_OFFICER)
    first = client.get(PETITIONS, {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    rest = client.get(first["next"]).json()
    assert len(rest["results"]) == 1 and rest["next"] is None


def test_list_query_count_does_not_grow(client, tree, django_assert_max_num_queries):
    client = signed_in(client, tree.a)
    submit(tree.a)
    with django_assert_max_num_queries(12) as few:
        client.get(PETITIONS)
    for _ in range(12):
        submit(tree.a, kind=Kind.DENUNCIATION)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(results(client.get(PETITIONS))) == 13


# ------------------------------------------------------------------------------------------ filing


def test_staff_file_a_petition_through_the_api(client, tree):
    response = post(signed_in(client, tree.a), filing(tree.a))
    assert response.status_code == 201, response.content
    body = response.json()
    petition = Petition.objects.get(tracking_code=body["tracking_code"])
    assert (petition.channel, petition.unit, petition.kind) == (Channel.API, tree.a, Kind.PROPOSAL)
    assert petition.petitioner_phone == "0912000111" and petition.sector.code == "moi-truong"
    assert body["channel"] == "api" and body["petitioner"]["name"] == "Lê Thị Hoa"
    assert "petitioner_name" not in body and "confidential" not in body
    assert LedgerEntry.objects.filter(action="petitions.received", object_id=str(petition.pk)).exists()


def test_a_confidential_filing_answers_without_the_identity(client, tree):
    data = filing(
        tree.a, kind=Kind.DENUNCIATION, petitioner_name=PLANTED_NAME, petitioner_email=PLANTED_EMAIL
    )
    response = post(signed_in(client, tree.a), data)
    assert response.status_code == 201, response.content
    assert response.json()["petitioner"] is None and response.json()["is_confidential"] is True
    for secret in (PLANTED_NAME, PLANTED_EMAIL, "0912000111", *SECRET_KEYS):
        assert secret not in response.content.decode()
    assert Petition.objects.get().petitioner_name == ""


@pytest.mark.parametrize(("unit", "role"), [("a", Role.FRONT_OFFICER), ("b", Role.COMMUNE_OFFICER)])
def test_filing_needs_the_right_to_handle_petitions_in_the_unit(client, tree, unit, role):
    response = post(signed_in(client, getattr(tree, unit), role), filing(tree.a))
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Petition.objects.exists()


def test_filing_errors_are_in_vietnamese(client, tree):
    client = signed_in(client, tree.a)
    response = post(client, filing(tree.a, title="", content=None, petitioner_phone="", sector="khong-co"))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert (
        body["message"] == "Một số dữ liệu gửi lên không hợp lệ. Vui lòng kiểm tra các trường được liệt kê."
    )
    assert body["fields"]["content"] == ["Trường này là bắt buộc."]
    assert set(body["fields"]) == {"title", "content", "sector"}
    response = post(client, filing(tree.a, petitioner_phone="", petitioner_email=""))
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"petitioner_phone"}, "the service's error, on the API's field"
    assert not Petition.objects.exists()


def test_filing_is_idempotent(client, tree):
    client = signed_in(client, tree.a)
    first = post(client, filing(tree.a), **{"Idempotency-Key": "may-1"})
    again = post(client, filing(tree.a), **{"Idempotency-Key": "may-1"})
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert json.loads(again.content) == first.json()
    assert Petition.objects.count() == 1
    reused = post(client, filing(tree.a, title="Khác"), **{"Idempotency-Key": "may-1"})
    assert reused.status_code == 422 and Petition.objects.count() == 1


def test_integration_files_with_a_token(client, tree):
    integration = UserFactory(username="zalo")
    MembershipFactory(user=integration, unit=tree.a, role=Role.COMMUNE_OFFICER)
    token = account_services.issue_api_token(actor=None, user=integration)
    response = post(client, filing(tree.a), Authorization=f"Token {token}")
    assert response.status_code == 201, response.content
    assert Petition.objects.get().channel == Channel.API


# ------------------------------------------------------------------------------------------ workflow


def test_classify_accept_resolve_close(client, tree, rows):
    client = signed_in(client, tree.a)
    petition = rows.report
    response = client.post(
        step(petition, "classify"),
        {"is_eligible": True, "within_competence": True, "sector": "moi-truong", "note": "Đủ điều kiện"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == State.CLASSIFIED and response.json()["sector"] == "moi-truong"
    response = client.post(step(petition, "accept"), {}, content_type="application/json")
    assert response.json()["state"] == State.ACCEPTED and response.json()["resolution_due"]
    response = client.post(
        step(petition, "resolve"), {"outcome": "Đã thay bóng đèn."}, content_type="application/json"
    )
    assert response.json()["state"] == State.RESOLVED and response.json()["outcome"] == "Đã thay bóng đèn."
    response = client.post(step(petition, "close"), {}, content_type="application/json")
    assert response.json()["state"] == State.CLOSED
    actions = list(petition.events.values_list("action", flat=True))
    assert actions == ["received", "classify", "accept", "resolve", "close"]
    assert all(event.actor_id for event in petition.events.exclude(action="received"))


def test_transfer(client, tree, rows):
    client = signed_in(client, tree.a)
    client.post(
        step(rows.report, "classify"),
        {"is_eligible": True, "within_competence": False},
        content_type="application/json",
    )
    response = client.post(
        step(rows.report, "transfer"),
        {"to_body": "Công ty Điện lực Hải Phòng", "letter_number": "12/CV-UBND"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == State.TRANSFERRED
    assert response.json()["transferred_to"] == "Công ty Điện lực Hải Phòng"


def test_an_illegal_step_is_a_conflict(client, tree, rows):
    response = signed_in(client, tree.a).post(
        step(rows.report, "resolve"), {"outcome": "Xong"}, content_type="application/json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "illegal_transition" and body["message"] and body["fields"] == {}
    rows.report.refresh_from_db()
    assert rows.report.state == State.RECEIVED


def test_step_errors_name_their_fields(client, tree, rows):
    client = signed_in(client, tree.a)
    response = client.post(
        step(rows.report, "classify"), {"kind": "khac", "is_eligible": True}, content_type="application/json"
    )
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert fields["within_competence"] == ["Trường này là bắt buộc."]
    assert fields["kind"] == [
        "Hãy chọn một trong các loại: proposal, report, complaint, denunciation, mixed."
    ]
    client.post(
        step(rows.report, "classify"),
        {"is_eligible": True, "within_competence": False},
        content_type="application/json",
    )
    response = client.post(
        step(rows.report, "transfer"), {"to_body": "Sở Xây dựng"}, content_type="application/json"
    )
    assert response.status_code == 400 and set(response.json()["fields"]) == {"letter_number"}


def test_steps_need_the_right_to_handle(client, tree, rows):
    viewer = signed_in(client, tree.a, Role.FRONT_OFFICER)
    data = {"is_eligible": True, "within_competence": True}
    assert (
        viewer.post(step(rows.report, "classify"), data, content_type="application/json").status_code == 403
    )
    other = signed_in(client, tree.b)
    assert other.post(step(rows.report, "classify"), data, content_type="application/json").status_code == 404
    rows.report.refresh_from_db()
    assert rows.report.state == State.RECEIVED


STEPS = {
    "classify": {"is_eligible": True, "within_competence": True},
    "accept": {},
    "transfer": {"to_body": "Sở Xây dựng", "letter_number": "1/CV"},
    "resolve": {"outcome": "Xong", "decision_number": "1/QĐ"},
    "close": {},
}


@pytest.mark.parametrize("role", list(Role))
def test_no_role_of_one_commune_touches_anothers_petition(client, tree, rows, role):
    client = signed_in(client, tree.b, role)
    target = rows.report  # in commune a
    assert client.get(detail(target)).status_code in (403, 404)
    for name, data in STEPS.items():
        assert client.post(step(target, name), data, content_type="application/json").status_code in (
            403,
            404,
        )
    assert post(client, filing(tree.a)).status_code == 403
    assert target.tracking_code not in client.get(PETITIONS).content.decode()
    target.refresh_from_db()
    assert target.state == State.RECEIVED and target.events.count() == 1
    assert Petition.objects.filter(channel=Channel.API).count() == 0


def test_petitions_cannot_be_edited_or_deleted(client, tree, rows):
    client = signed_in(client, tree.a)
    assert (
        client.patch(detail(rows.report), {"title": "x"}, content_type="application/json").status_code == 405
    )
    assert client.delete(detail(rows.report)).status_code == 405


# ------------------------------------------------------------------------------------------ schema


def test_openapi_schema_stays_valid_without_warnings():
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", stdout=out)
    schema = json.loads(out.getvalue())
    assert "/api/v1/petitions/" in schema["paths"]
    assert "/api/v1/petitions/{id}/classify/" in schema["paths"]
    petition = schema["components"]["schemas"]["Petition"]["properties"]
    assert not set(SECRET_KEYS) & set(petition)
