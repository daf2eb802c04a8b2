"""The workflow steps of the REST API beyond classify/accept/transfer/resolve/close: split, link as a repeat,
guide, do not process, start verification, extend, withdraw, assign, second complaint and protect the
identity. Each one succeeds through its service, refuses an illegal step or bad data in Vietnamese without
changing anything, and is refused to other units' staff, to read-only roles and to anonymous callers."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from dancoso.accounts.roles import Role
from dancoso.accounts.tests.factories import MembershipFactory, UserFactory
from dancoso.core.models import LedgerEntry
from dancoso.petitions import services
from dancoso.petitions.models import (
    Channel,
    Complexity,
    Kind,
    Petition,
    PetitionEvent,
    ProtectedIdentity,
    State,
)
from dancoso.units.models import UnitKind
from dancoso.units.tests.factories import ProvinceFactory, UnitFactory

pytestmark = pytest.mark.django_db

ILLEGAL = "Không thể thực hiện bước này: đơn đang ở trạng thái"
NAME = "Trần Văn Công"
PHONE = "0911111111"


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


@pytest.fixture
def officer(tree):
    return MembershipFactory(unit=tree.a, role=Role.COMMUNE_OFFICER).user


@pytest.fixture
def api(client, officer):
    client.force_login(officer)
    return client


def submit(unit, kind=Kind.REPORT, **extra) -> Petition:
    data = {
        "channel": Channel.PAPER,
        "title": "Đèn đường hỏng và đất bị lấn chiếm",
        "content": "Đèn đường hỏng; hàng xóm lấn chiếm lối đi chung.",
        "petitioner": {"name": NAME, "phone": PHONE},
    }
    data.update(extra)
    return services.submit_petition(unit=unit, kind=kind, **data)


def classified(petition, actor, *, within_competence=True, **extra) -> Petition:
    return services.classify_petition(
        petition, actor=actor, is_eligible=True, within_competence=within_competence, **extra
    )


def accepted(petition, actor, **extra) -> Petition:
    return services.accept_petition(classified(petition, actor, **extra), actor=actor)


def step(petition, name: str) -> str:
    return reverse(f"api:petition-{name}", args=[petition.pk])


def post(client, petition, name: str, data: dict, **headers):
    return client.post(step(petition, name), data, content_type="application/json", headers=headers)


def snapshot() -> tuple:
    """Everything a step may write: petitions, events, ledger entries, protected identities."""
    return (
        list(Petition.objects.order_by("pk").values()),
        PetitionEvent.objects.count(),
        LedgerEntry.objects.count(),
        ProtectedIdentity.objects.count(),
    )


# ------------------------------------------------------------------------------------------ each step


def test_split_makes_one_petition_per_part(api, tree):
    letter = submit(tree.a, kind=Kind.MIXED)
    parts = [
        {"kind": "report", "title": "Đèn đường hỏng"},
        {"kind": "complaint", "title": "Lấn chiếm lối đi", "content": "Hàng xóm xây tường ra lối đi."},
    ]
    response = post(api, letter, "split", {"parts": parts})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["petition"]["id"] == letter.pk and body["petition"]["state"] == State.SPLIT
    assert [(p["kind"], p["title"], p["state"]) for p in body["parts"]] == [
        ("report", "Đèn đường hỏng", State.RECEIVED),
        ("complaint", "Lấn chiếm lối đi", State.RECEIVED),
    ]
    assert all(p["split_from"] == letter.pk and p["tracking_code"] for p in body["parts"])
    assert Petition.objects.filter(split_from=letter).count() == 2
    assert LedgerEntry.objects.filter(action="petitions.split", object_id=str(letter.pk)).exists()


def test_split_with_a_denunciation_keeps_every_part_confidential(api, tree):
    letter = submit(tree.a, kind=Kind.MIXED)
    parts = [{"kind": "report", "title": "Đèn đường hỏng"}, {"kind": "denunciation", "title": "Tố cáo"}]
    response = post(api, letter, "split", {"parts": parts})
    assert response.status_code == 201, response.content
    text = response.content.decode()
    assert NAME not in text and PHONE not in text
    assert all(p["is_confidential"] and p["petitioner"] is None for p in response.json()["parts"])


def test_link_repeat(api, tree, officer):
    earlier = submit(tree.a)
    repeat = submit(tree.a)
    response = post(api, repeat, "link-repeat", {"earlier": earlier.tracking_code.lower(), "note": "Gửi lại"})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == State.LINKED and response.json()["linked_to"] == earlier.pk
    assert earlier.events.filter(action="repeat_received").exists()


def test_guide(api, tree, officer):
    petition = classified(submit(tree.a), officer, within_competence=False)
    data = {"to_body": "Toà án nhân dân khu vực 1", "guidance": "Hướng dẫn gửi đơn đến Toà án."}
    response = post(api, petition, "guide", data)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == State.GUIDED and body["transferred_to"] == "Toà án nhân dân khu vực 1"
    assert body["state_reason"] == "Hướng dẫn gửi đơn đến Toà án."


def test_not_process(api, tree):
    petition = submit(tree.a)
    response = post(api, petition, "not-process", {"reason": "Đơn trùng", "refer_for_inspection": True})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == State.NOT_PROCESSED and response.json()["state_reason"] == "Đơn trùng"
    assert petition.events.get(action="not_process").data["refer_for_inspection"] is True


def test_start_verification(api, tree, officer):
    petition = accepted(submit(tree.a, kind=Kind.COMPLAINT), officer)
    response = post(api, petition, "start-verification", {"note": "Giao tổ xác minh"})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == State.VERIFYING
    assert response.json()["due_on"] == petition.due_on.isoformat()


def test_extend_a_particularly_complex_denunciation(api, tree, officer):
    petition = accepted(submit(tree.a, kind=Kind.DENUNCIATION), officer, complexity=Complexity.VERY_COMPLEX)
    due = petition.resolution_due
    data = {"complexity": "very_complex", "reason": "Nhiều nơi", "decision_number": "12/QĐ-UBND"}
    response = post(api, petition, "extend", data)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["extensions"] == 1 and body["state"] == State.ACCEPTED
    assert body["resolution_due"] == body["due_on"] and body["resolution_due"] > due.isoformat()
    event = petition.events.get(action="extend")
    assert event.data["decision_number"] == "12/QĐ-UBND" and event.reason == "Nhiều nơi"


def test_extend_a_complaint_found_complex(api, tree, officer):
    petition = accepted(submit(tree.a, kind=Kind.COMPLAINT), officer)
    response = post(api, petition, "extend", {"complexity": "complex", "reason": "Phức tạp"})
    assert response.status_code == 200, response.content
    assert response.json()["complexity"] == Complexity.COMPLEX
    assert response.json()["resolution_due"] > petition.resolution_due.isoformat()


def test_withdraw(api, tree):
    petition = submit(tree.a)
    day = timezone.localdate()
    response = post(api, petition, "withdraw", {"reason": "Đơn rút ngày hôm nay", "withdrawn_on": str(day)})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == State.WITHDRAWN
    assert petition.events.get(action="withdraw").on == day


def test_assign(api, tree):
    petition = submit(tree.a)
    colleague = MembershipFactory(unit=tree.a, role=Role.COMMUNE_LEADER).user
    response = post(api, petition, "assign", {"handler": colleague.pk})
    assert response.status_code == 200, response.content
    assert response.json()["handler"] == colleague.pk and response.json()["state"] == State.RECEIVED


def test_second_complaint_is_a_new_case_at_the_next_level(client, tree):
    province_officer = MembershipFactory(unit=tree.province, role=Role.PROVINCE_OFFICER).user
    client.force_login(province_officer)
    first = accepted(submit(tree.a, kind=Kind.COMPLAINT), province_officer)
    first = services.resolve_petition(
        first, actor=province_officer, outcome="Bác đơn", decision_number="5/QĐ"
    )
    data = {"unit": tree.province.pk, "channel": "paper", "content": "Không đồng ý với quyết định 5/QĐ."}
    response = post(client, first, "second-complaint", data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["appeal_of"] == first.pk and body["instance"] == 2 and body["unit"] == tree.province.pk
    assert body["kind"] == Kind.COMPLAINT and body["state"] == State.RECEIVED
    assert first.events.filter(action="appealed").exists()


def test_protect_identity(api, tree):
    petition = submit(tree.a)
    response = post(api, petition, "protect-identity", {"reason": "Người gửi đề nghị giữ bí mật"})
    assert response.status_code == 200, response.content
    assert response.json()["is_confidential"] is True and response.json()["petitioner"] is None
    assert NAME not in response.content.decode()
    petition.refresh_from_db()
    assert petition.petitioner_name == "" and ProtectedIdentity.objects.filter(petition=petition).exists()


# ------------------------------------------------------------------------------------------ refusals

# (step, how to prepare the petition, data): each step from a state it may not start from.
ILLEGAL_STEPS = [
    ("split", "accepted", {"parts": [{"kind": "report", "title": "A"}, {"kind": "report", "title": "B"}]}),
    ("link-repeat", "accepted", {"earlier": "earlier"}),
    ("guide", "accepted", {"to_body": "Sở Xây dựng", "guidance": "Gửi Sở Xây dựng"}),
    ("not-process", "accepted", {"reason": "Trùng"}),
    ("start-verification", "received", {}),
    ("extend", "received", {"complexity": "complex", "reason": "Phức tạp"}),
    ("withdraw", "withdrawn", {"reason": "Rút lần nữa"}),
    ("assign", "withdrawn", {"handler": "officer"}),
]


@pytest.mark.parametrize(("name", "state", "data"), ILLEGAL_STEPS, ids=[s[0] for s in ILLEGAL_STEPS])
def test_an_illegal_step_is_refused_and_changes_nothing(api, tree, officer, name, state, data):
    earlier = submit(tree.a)
    petition = submit(tree.a, kind=Kind.COMPLAINT)
    if state == "accepted":
        petition = accepted(petition, officer)
    elif state == "withdrawn":
        petition = services.withdraw_petition(petition, actor=officer, reason="Đã rút")
    data = {**data}
    if data.get("earlier") == "earlier":
        data["earlier"] = earlier.tracking_code
    if data.get("handler") == "officer":
        data["handler"] = officer.pk
    before = snapshot()
    response = post(api, petition, name, data)
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "illegal_transition" and body["message"].startswith(ILLEGAL)
    assert body["fields"] == {}
    assert snapshot() == before


SERVICE_REFUSALS = [
    # (step, kind, prepare, data, field or None for the whole request, Vietnamese message)
    pytest.param(
        "split",
        Kind.MIXED,
        None,
        {"parts": [{"kind": "report", "title": "Một phần"}]},
        "parts",
        "Đơn có nhiều nội dung phải được tách thành ít nhất hai phần.",
        id="split-one-part",
    ),
    pytest.param(
        "extend",
        Kind.REPORT,
        "accepted",
        {"complexity": "complex", "reason": "Phức tạp"},
        None,
        "Pháp luật không quy định gia hạn đối với kiến nghị, phản ánh.",
        id="extend-a-report",
    ),
    pytest.param(
        "extend",
        Kind.DENUNCIATION,
        "accepted",
        {"complexity": "complex", "reason": "Phức tạp"},
        "decision_number",
        "Việc gia hạn phải bằng văn bản: ghi số quyết định gia hạn.",
        id="extend-without-decision",
    ),
    pytest.param(
        "guide",
        Kind.REPORT,
        "within_competence",
        {"to_body": "Sở Xây dựng", "guidance": "Gửi Sở"},
        None,
        "Đơn đã được phân loại là thuộc thẩm quyền: hãy thụ lý, hoặc phân loại lại.",
        id="guide-within-competence",
    ),
    pytest.param(
        "second-complaint",
        Kind.REPORT,
        None,
        {"unit": "province", "channel": "paper", "content": "Khiếu nại lần hai"},
        None,
        "Chỉ khiếu nại lần hai đối với vụ việc khiếu nại lần đầu.",
        id="appeal-a-report",
    ),
]


@pytest.mark.parametrize(("name", "kind", "prepare", "data", "field", "message"), SERVICE_REFUSALS)
def test_a_service_refusal_is_400_in_vietnamese_and_changes_nothing(
    client, tree, name, kind, prepare, data, field, message
):
    leader = MembershipFactory(unit=tree.province, role=Role.PROVINCE_OFFICER).user
    client.force_login(leader)
    petition = submit(tree.a, kind=kind)
    if prepare == "accepted":
        petition = accepted(petition, leader)
    elif prepare == "within_competence":
        petition = classified(petition, leader)
    if data.get("unit") == "province":
        data = {**data, "unit": tree.province.pk}
    before = snapshot()
    response = post(client, petition, name, data)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    if field is None:
        assert body["message"] == message and body["fields"] == {"non_field_errors": [message]}
    else:
        assert body["fields"] == {field: [message]}
    assert snapshot() == before


def test_input_errors_name_their_fields_in_vietnamese(api, tree):
    petition = submit(tree.a, kind=Kind.MIXED)
    response = post(api, petition, "split", {"parts": [{"kind": "mixed"}, {"title": "x" * 301}]})
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert fields["parts.0.kind"] == ['"mixed" không phải là lựa chọn hợp lệ.']
    assert fields["parts.0.title"] == ["Trường này là bắt buộc."]
    assert fields["parts.1.kind"] == ["Trường này là bắt buộc."]
    response = post(api, petition, "extend", {"complexity": "normal"})
    assert response.status_code == 400
    assert response.json()["fields"]["complexity"] == ["Hãy chọn một trong các loại: complex, very_complex."]
    assert response.json()["fields"]["reason"] == ["Trường này là bắt buộc."]
    assert Petition.objects.count() == 1 and petition.events.count() == 1


def test_link_repeat_only_to_a_petition_the_caller_may_see(api, tree):
    elsewhere = submit(tree.b)
    petition = submit(tree.a)
    before = snapshot()
    response = post(api, petition, "link-repeat", {"earlier": elsewhere.tracking_code})
    assert response.status_code == 400
    assert response.json()["fields"] == {"earlier": ["Không có đơn nào bạn được xem mang mã theo dõi này."]}
    assert snapshot() == before


def test_assign_offers_only_the_units_handlers_and_names_nobody_else(api, tree):
    petition = submit(tree.a)
    stranger = MembershipFactory(
        unit=tree.b, role=Role.COMMUNE_OFFICER, user=UserFactory(full_name="Người Xã Khác")
    ).user
    viewer = MembershipFactory(unit=tree.a, role=Role.FRONT_OFFICER).user
    before = snapshot()
    for user in (stranger, viewer):
        response = post(api, petition, "assign", {"handler": user.pk})
        assert response.status_code == 400
        assert set(response.json()["fields"]) == {"handler"}
        assert "Người Xã Khác" not in response.content.decode()
    assert snapshot() == before


def test_a_second_complaint_goes_only_to_a_unit_the_caller_handles(api, tree, officer):
    first = accepted(submit(tree.a, kind=Kind.COMPLAINT), officer)
    first = services.resolve_petition(first, actor=officer, outcome="Bác đơn", decision_number="5/QĐ")
    before = snapshot()
    data = {"unit": tree.b.pk, "channel": "paper", "content": "Khiếu nại lần hai"}
    response = post(api, first, "second-complaint", data)
    assert response.status_code == 400 and set(response.json()["fields"]) == {"unit"}
    response = post(api, first, "second-complaint", {**data, "unit": tree.a.pk})
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "unit": ["Khiếu nại lần hai gửi đến cấp trên, không gửi lại cơ quan đã giải quyết lần đầu."]
    }
    assert snapshot() == before


# ------------------------------------------------------------------------------------------ who may

STEP_DATA = {
    "split": {"parts": [{"kind": "report", "title": "A"}, {"kind": "complaint", "title": "B"}]},
    "link-repeat": {"earlier": "XXXX-XXXX"},
    "guide": {"to_body": "Sở Xây dựng", "guidance": "Gửi Sở"},
    "not-process": {"reason": "Trùng"},
    "start-verification": {},
    "extend": {"complexity": "complex", "reason": "Phức tạp"},
    "withdraw": {"reason": "Rút đơn"},
    "assign": {"handler": 1},
    "second-complaint": {"unit": 1, "channel": "paper", "content": "Khiếu nại lần hai"},
    "protect-identity": {"reason": "Giữ bí mật"},
}


@pytest.mark.parametrize("name", list(STEP_DATA))
def test_another_units_officer_gets_404(client, tree, name):
    petition = submit(tree.a, kind=Kind.MIXED)
    client.force_login(MembershipFactory(unit=tree.b, role=Role.COMMUNE_OFFICER).user)
    before = snapshot()
    response = post(client, petition, name, STEP_DATA[name])
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert snapshot() == before


@pytest.mark.parametrize("name", list(STEP_DATA))
def test_a_read_only_role_gets_403(client, tree, name):
    petition = submit(tree.a, kind=Kind.MIXED)
    client.force_login(MembershipFactory(unit=tree.a, role=Role.FRONT_OFFICER).user)
    before = snapshot()
    response = post(client, petition, name, STEP_DATA[name])
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert snapshot() == before


@pytest.mark.parametrize("name", list(STEP_DATA))
def test_anonymous_gets_401(client, tree, name):
    petition = submit(tree.a, kind=Kind.MIXED)
    before = snapshot()
    response = post(client, petition, name, STEP_DATA[name])
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"
    assert snapshot() == before


# ------------------------------------------------------------------------------------------ retries, schema


def test_a_retried_step_with_the_same_key_is_answered_once(api, tree):
    letter = submit(tree.a, kind=Kind.MIXED)
    data = {"parts": [{"kind": "report", "title": "A"}, {"kind": "complaint", "title": "B"}]}
    first = post(api, letter, "split", data, **{"Idempotency-Key": "tach-1"})
    again = post(api, letter, "split", data, **{"Idempotency-Key": "tach-1"})
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and json.loads(again.content) == first.json()
    assert Petition.objects.filter(split_from=letter).count() == 2
    other = post(api, letter, "split", {"parts": data["parts"][:1]}, **{"Idempotency-Key": "tach-1"})
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert Petition.objects.filter(split_from=letter).count() == 2


def test_the_new_steps_are_in_a_warning_free_schema():
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", stdout=out)
    paths = json.loads(out.getvalue())["paths"]
    for name in STEP_DATA:
        operation = paths[f"/api/v1/petitions/{{id}}/{name}/"]["post"]
        assert operation["requestBody"] and operation["description"]
    split = paths["/api/v1/petitions/{id}/split/"]["post"]["responses"]
    assert "201" in split and "409" in split


def test_every_step_of_the_staff_pages_is_in_the_api():
    from dancoso.petitions.views import ACTIONS

    api_steps = {"classify", "accept", "transfer", "resolve", "close"} | {
        name.replace("-", "_") for name in STEP_DATA
    }
    assert set(ACTIONS) - api_steps <= {"protect"}  # the staff page's "protect" is `protect-identity` here
    assert "protect_identity" in api_steps


def test_dates_in_the_future_are_refused(api, tree):
    petition = submit(tree.a)
    tomorrow = timezone.localdate() + timedelta(days=1)
    before = snapshot()
    response = post(api, petition, "withdraw", {"reason": "Rút", "withdrawn_on": str(tomorrow)})
    assert response.status_code == 400 and set(response.json()["fields"]) == {"withdrawn_on"}
    assert snapshot() == before
