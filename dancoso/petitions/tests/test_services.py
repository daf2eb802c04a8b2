"""Petition services: intake validation, tracking codes, digests, notifications, transfers, extensions.

Also holds the small builders the other test files of the petitions core import (`submit`, `staff`,
`in_state`), so every test builds petitions through the services themselves.
"""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from dancoso.accounts.roles import Role
from dancoso.accounts.tests.factories import MembershipFactory, UserFactory
from dancoso.core.models import LedgerEntry, Notification
from dancoso.petitions import confidential, services
from dancoso.petitions.models import Channel, Complexity, DueKind, Kind, Petition, Sector, State
from dancoso.units.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

D = date
TODAY = D(2026, 11, 20)  # "today" for every test here: services never read the real clock in tests
TRACKING_CODE = re.compile(r"^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$")


# ------------------------------------------------------------------------------------------- builders


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(services, "_today", lambda: TODAY)
    return TODAY


def staff(unit, role=Role.COMMUNE_OFFICER, **user_fields):
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, unit=unit, role=role)
    return user


def petitioner(**fields) -> services.Petitioner:
    values = {"name": "Nguyễn Văn An", "address": "Thôn Đông, xã Thử", "phone": "0912 345 678"}
    return services.Petitioner(**{**values, **fields})


def submit(unit, *, kind=Kind.COMPLAINT, channel=Channel.PAPER, sender=None, **kwargs) -> Petition:
    values = {
        "title": "Khiếu nại quyết định thu hồi đất",
        "content": "Tôi không đồng ý với quyết định thu hồi đất số 12/QĐ-UBND.",
        "received_on": D(2026, 3, 2),
    }
    values.update(kwargs)
    sender = petitioner() if sender is None else sender
    return services.submit_petition(unit=unit, kind=kind, channel=channel, petitioner=sender, **values)


def in_state(petition: Petition, state: str, **fields) -> Petition:
    """Put a petition in `state` with the dates that state implies (test set-up only)."""
    values = {"state": state, **fields}
    if state in (State.ACCEPTED, State.VERIFYING, State.RESOLVED, State.CLOSED):
        values.setdefault("is_eligible", True)
        values.setdefault("within_competence", True)
        values.setdefault("accepted_on", petition.received_on)
        values.setdefault("resolution_due", D(2026, 4, 1))
        values.setdefault(
            "due_on", values["resolution_due"] if state in (State.ACCEPTED, State.VERIFYING) else None
        )
        values.setdefault("due_kind", DueKind.RESOLUTION if values["due_on"] else "")
    if state in (State.RESOLVED, State.CLOSED):
        values.setdefault("resolved_on", D(2026, 3, 20))
    Petition.objects.filter(pk=petition.pk).update(**values)
    return Petition.objects.select_related("unit").get(pk=petition.pk)


@pytest.fixture
def commune():
    return UnitFactory()


@pytest.fixture
def officer(commune):
    return staff(commune)


def ledger_count() -> int:
    return LedgerEntry.objects.count()


# ------------------------------------------------------------------------------------------- intake


BAD_FIELDS = [
    # (keyword arguments, field, the Vietnamese message shown next to the field)
    pytest.param({"kind": "thu"}, "kind", "Chọn loại đơn.", id="kind"),
    pytest.param({"channel": "fax"}, "channel", "Kênh tiếp nhận không hợp lệ.", id="channel"),
    pytest.param({"title": "   "}, "title", "Ghi tóm tắt nội dung đơn.", id="title-blank"),
    pytest.param({"title": "x" * 301}, "title", "Tối đa 300 ký tự.", id="title-too-long"),
    pytest.param({"content": ""}, "content", "Ghi nội dung đơn.", id="content"),
    pytest.param({"signers": 0}, "signers", "Đơn phải có ít nhất một người ký.", id="signers"),
    pytest.param(
        {"received_on": D(2026, 11, 21)},
        "received_on",
        "Ngày không được sau ngày hôm nay.",
        id="received-tomorrow",
    ),
    pytest.param(
        {"channel": Channel.TRANSFERRED_IN},
        "transferred_from",
        "Ghi tên cơ quan đã chuyển đơn đến.",
        id="transferred-in-without-source",
    ),
    pytest.param({"sender": petitioner(phone="12345")}, "phone", "Nhập số điện thoại Việt Nam", id="phone"),
    pytest.param(
        {"sender": petitioner(email="khong-phai-email")},
        "email",
        "Nhập địa chỉ thư điện tử hợp lệ",
        id="email",
    ),
    pytest.param({"sender": petitioner(name="")}, "name", "Ghi họ và tên", id="name-missing"),
    pytest.param({"sender": petitioner(name="A" * 151)}, "name", "Tối đa 150 ký tự.", id="name-too-long"),
    pytest.param({"sender": petitioner(address="Đ" * 301)}, "address", "Tối đa 300 ký tự.", id="address"),
    pytest.param(
        {"channel": Channel.WEB, "sender": petitioner(phone="", email="")},
        "phone",
        "số điện thoại hoặc địa chỉ thư điện tử",
        id="web-needs-a-contact",
    ),
    pytest.param(
        {"latitude": 95, "longitude": 105}, "latitude", "Vị trí trên bản đồ không hợp lệ.", id="lat"
    ),
    pytest.param({"latitude": "abc", "longitude": 105}, "latitude", "Vị trí trên bản đồ", id="lat-text"),
    pytest.param({"latitude": 20.25}, "latitude", "cả vĩ độ và kinh độ", id="only-latitude"),
    pytest.param({"location_text": "x" * 301}, "location_text", "Tối đa 300 ký tự.", id="location"),
]


@pytest.mark.parametrize(("kwargs", "field", "message"), BAD_FIELDS)
def test_intake_refuses_a_bad_field_with_a_vietnamese_message_and_writes_nothing(
    commune, kwargs, field, message
):
    entries = ledger_count()
    with translation.override("vi"), pytest.raises(ValidationError) as caught:
        submit(commune, **kwargs)
    assert field in caught.value.message_dict
    assert message in " ".join(caught.value.message_dict[field])
    assert Petition.objects.count() == 0
    assert ledger_count() == entries
    assert not Notification.objects.exists()


def test_intake_reports_every_bad_field_at_once(commune):
    with translation.override("vi"), pytest.raises(ValidationError) as caught:
        submit(
            commune, title="", content="", received_on=D(2027, 1, 1), sender=petitioner(phone="1", name="")
        )
    assert set(caught.value.message_dict) == {"title", "content", "received_on", "phone", "name"}


def test_inactive_field_and_inactive_unit_are_refused(commune):
    old = Sector.objects.create(code="cu", name="Lĩnh vực cũ", is_active=False)
    with translation.override("vi"), pytest.raises(ValidationError) as caught:
        submit(commune, sector=old)
    assert "Lĩnh vực này không còn sử dụng" in caught.value.message_dict["sector"][0]
    with pytest.raises(ValidationError) as caught:
        submit(None)
    assert "unit" in caught.value.message_dict


def test_transferred_in_keeps_the_source_body(commune):
    petition = submit(commune, channel=Channel.TRANSFERRED_IN, transferred_from="  Ban Dân nguyện  ")
    assert petition.transferred_from == "Ban Dân nguyện"


def test_received_today_is_accepted_and_the_default(commune):
    petition = submit(commune, received_on=None)
    assert petition.received_on == TODAY


def test_intake_normalises_text_phone_email_and_position(commune):
    petition = submit(
        commune,
        title="  Khiếu  nại\u0301  ",
        sender=petitioner(phone="+84 912.345.678", email=" An@Example.VN "),
        latitude="20.2506123",
        longitude=105.9744,
    )
    assert petition.petitioner_phone == "0912345678"
    assert petition.petitioner_email == "an@example.vn"
    assert petition.latitude == Decimal("20.250612")
    assert petition.longitude == Decimal("105.974400")
    assert petition.search_key  # unaccented search key of title and content
    assert petition.state == State.RECEIVED
    assert petition.due_kind == DueKind.CLASSIFICATION


def test_anonymous_intake_keeps_no_identity(commune):
    petition = submit(commune, kind=Kind.REPORT, anonymous=True, channel=Channel.WEB)
    assert petition.is_anonymous and not petition.is_confidential
    assert (petition.petitioner_name, petition.petitioner_phone, petition.phone_digest) == ("", "", "")


def test_open311_intake_needs_no_name(commune):
    petition = submit(commune, kind=Kind.REPORT, channel=Channel.OPEN311, sender=petitioner(name=""))
    assert petition.channel == Channel.OPEN311


# ------------------------------------------------------------------------------------------- tracking codes


def test_tracking_code_format_and_normalisation(commune):
    petition = submit(commune)
    assert TRACKING_CODE.match(petition.tracking_code)
    raw = petition.tracking_code.replace("-", "").lower()
    assert services.normalize_tracking_code(f" {raw[:3]} {raw[3:]} ") == petition.tracking_code
    assert services.normalize_tracking_code("abc") == "ABC"
    assert all(TRACKING_CODE.match(services.new_tracking_code()) for _ in range(200))


def test_tracking_code_collision_draws_again(commune, monkeypatch):
    first = submit(commune)
    codes = iter([first.tracking_code, "ABCD-2345"])
    monkeypatch.setattr(services, "new_tracking_code", lambda: next(codes))
    second = submit(commune)
    assert second.tracking_code == "ABCD-2345"
    assert Petition.objects.count() == 2


def test_tracking_code_gives_up_after_five_collisions(commune, monkeypatch):
    first = submit(commune)
    monkeypatch.setattr(services, "new_tracking_code", lambda: first.tracking_code)
    with pytest.raises(RuntimeError):
        submit(commune)
    assert Petition.objects.count() == 1


# ------------------------------------------------------------------------------------------- digests


def test_phone_and_email_digests_match_whatever_the_spelling(commune):
    petition = submit(commune, sender=petitioner(phone="0912 345 678", email="an@example.vn"))
    assert petition.phone_digest == confidential.phone_digest("+84 912-345-678")
    assert petition.email_digest == confidential.email_digest("  AN@EXAMPLE.VN ")
    assert petition.phone_digest != confidential.phone_digest("0912 345 679")
    assert confidential.phone_digest("") == "" and confidential.email_digest("") == ""
    assert "0912345678" not in petition.phone_digest and len(petition.phone_digest) == 64


def test_digests_are_keyed(settings):
    before = confidential.phone_digest("0912345678")
    settings.LOOKUP_DIGEST_KEY = "another key"
    assert confidential.phone_digest("0912345678") != before


# ------------------------------------------------------------------------------------------- notifications


def messages_to(recipient: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=recipient).order_by("pk"))


def test_petitioner_hears_of_every_public_step_in_vietnamese(commune, officer):
    petition = submit(commune, sender=petitioner(email="an@example.vn"))
    petition = services.classify_petition(petition, actor=officer, is_eligible=True, within_competence=True)
    petition = services.assign_handler(petition, actor=officer, handler=officer)
    petition = services.accept_petition(petition, actor=officer, accepted_on=D(2026, 3, 5))
    petition = services.start_verification(petition, actor=officer)
    petition = services.resolve_petition(
        petition, actor=officer, outcome="Giữ nguyên quyết định", decision_number="15/QĐ-UBND"
    )
    services.close_petition(petition, actor=officer)
    sent = messages_to("an@example.vn")
    # received, accept, resolve, close: classification, assignment and verification are internal
    assert len(sent) == 4
    assert all(message.channel == "email" and petition.tracking_code in message.subject for message in sent)
    assert "Đã thụ lý" in sent[1].subject
    assert "mã theo dõi" in sent[0].body


def test_petitioner_without_email_hears_by_sms(commune, officer):
    petition = submit(commune, kind=Kind.REPORT)
    (message,) = messages_to("0912345678")
    assert message.channel == "sms"
    services.not_process_petition(petition, actor=officer, reason="Đơn trùng lặp")
    assert len(messages_to("0912345678")) == 2


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({"kind": Kind.DENUNCIATION}, id="denunciation"),
        pytest.param({"kind": Kind.COMPLAINT, "confidential_identity": True}, id="confidential-complaint"),
    ],
)
def test_confidential_petitioners_get_no_messages(commune, officer, options):
    petition = submit(commune, sender=petitioner(email="bi.mat@example.vn"), **options)
    petition = services.classify_petition(petition, actor=officer, is_eligible=True, within_competence=True)
    services.accept_petition(petition, actor=officer, accepted_on=D(2026, 3, 5))
    assert not Notification.objects.exists()


# ------------------------------------------------------------------------------------------- deadlines set by steps


def test_classification_sets_the_deadline_of_the_kind(commune, officer):
    petition = submit(commune, kind=Kind.PROPOSAL, received_on=D(2026, 2, 12))
    assert petition.due_on == D(2026, 3, 5)  # 10 working days, Tết skipped
    classified = services.classify_petition(
        petition, actor=officer, kind=Kind.COMPLAINT, is_eligible=True, within_competence=False
    )
    assert (classified.due_kind, classified.due_on) == (DueKind.FORWARDING, D(2026, 2, 26))
    again = services.classify_petition(
        classified, actor=officer, kind=Kind.COMPLAINT, is_eligible=True, within_competence=True
    )
    assert (again.due_kind, again.due_on) == (DueKind.CLASSIFICATION, D(2026, 3, 5))


def test_acceptance_computes_the_resolution_deadline_and_marks_late_acceptance(commune, officer):
    petition = submit(commune, received_on=D(2026, 2, 12))
    petition = services.classify_petition(petition, actor=officer, is_eligible=True, within_competence=True)
    accepted = services.accept_petition(petition, actor=officer, accepted_on=D(2026, 3, 6))
    assert accepted.resolution_due == D(2026, 4, 6)  # 30 days from 06/03 end on Sun 05/04 → Mon 06/04
    assert (accepted.due_on, accepted.due_kind) == (accepted.resolution_due, DueKind.RESOLUTION)
    assert accepted.events.get(action="accept").data == {"late": True}  # acceptance was due on 05/03


def test_transfer_needs_the_body_and_the_letter_and_marks_late_forwarding(commune, officer):
    petition = submit(commune, kind=Kind.REPORT, received_on=D(2026, 8, 28))
    petition = services.classify_petition(petition, actor=officer, is_eligible=True, within_competence=False)
    with translation.override("vi"), pytest.raises(ValidationError) as caught:
        services.transfer_petition(petition, actor=officer, to_body="", letter_number="")
    assert "to_body" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.transfer_petition(petition, actor=officer, to_body="Sở Xây dựng")
    assert "letter_number" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.transfer_petition(
            petition, actor=officer, to_body="Sở Xây dựng", letter_number="1", transferred_on=D(2026, 8, 27)
        )
    on_time = services.transfer_petition(
        petition,
        actor=officer,
        to_body="Sở Xây dựng",
        letter_number="20/CV-UBND",
        transferred_on=D(2026, 9, 9),
    )
    assert on_time.state == State.TRANSFERRED and on_time.transferred_to == "Sở Xây dựng"
    assert on_time.events.get(action="transfer").data["late"] is False  # due 09/09 (31/08–02/09 off)
    late = submit(commune, kind=Kind.REPORT, received_on=D(2026, 8, 28))
    late = services.transfer_petition(
        late, actor=officer, to_body="Sở Xây dựng", letter_number="21/CV-UBND", transferred_on=D(2026, 9, 10)
    )
    assert late.events.get(action="transfer").data["late"] is True


def test_transfer_letter_can_be_attached(commune, officer):
    petition = submit(commune, kind=Kind.REPORT)
    letter = SimpleUploadedFile("cong-van.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    services.transfer_petition(petition, actor=officer, to_body="Sở Tài nguyên và Môi trường", letter=letter)
    assert LedgerEntry.objects.filter(action="core.attachment_stored").exists()


def test_within_competence_is_accepted_not_transferred_or_guided(commune, officer):
    petition = submit(commune)
    petition = services.classify_petition(petition, actor=officer, is_eligible=True, within_competence=True)
    with pytest.raises(ValidationError):
        services.transfer_petition(petition, actor=officer, to_body="UBND tỉnh", letter_number="1")
    with pytest.raises(ValidationError):
        services.guide_petitioner(petition, actor=officer, to_body="UBND tỉnh", guidance="Gửi UBND tỉnh")


def test_guidance_is_required_and_kept(commune, officer):
    petition = submit(commune)
    with pytest.raises(ValidationError):
        services.guide_petitioner(petition, actor=officer, to_body="Tòa án nhân dân", guidance=" ")
    guided = services.guide_petitioner(
        petition, actor=officer, to_body="Tòa án nhân dân", guidance="Vụ việc thuộc thẩm quyền của Tòa án."
    )
    assert (guided.state, guided.state_reason) == (State.GUIDED, "Vụ việc thuộc thẩm quyền của Tòa án.")


def test_complaint_found_complex_gets_the_longer_period_once(commune, officer):
    petition = in_state(
        submit(commune), State.ACCEPTED, accepted_on=D(2026, 3, 2), resolution_due=D(2026, 4, 1)
    )
    extended = services.extend_deadline(
        petition, actor=officer, reason="Nhiều hộ liên quan", complexity=Complexity.COMPLEX
    )
    assert extended.resolution_due == extended.due_on == D(2026, 4, 16)  # Luật Khiếu nại Art. 28: 45 days
    assert extended.extensions == 1
    with pytest.raises(ValidationError):
        services.extend_deadline(extended, actor=officer, reason="Thêm", complexity=Complexity.VERY_COMPLEX)


def test_recommendations_have_no_extension(commune, officer):
    petition = in_state(submit(commune, kind=Kind.PROPOSAL), State.ACCEPTED)
    with pytest.raises(ValidationError):
        services.extend_deadline(
            petition, actor=officer, reason="Cần thêm thời gian", complexity=Complexity.COMPLEX
        )


def test_extension_needs_a_reason_and_a_complexity(commune, officer):
    petition = in_state(submit(commune), State.ACCEPTED)
    with pytest.raises(ValidationError) as caught:
        services.extend_deadline(petition, actor=officer, reason="", complexity=Complexity.COMPLEX)
    assert "reason" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.extend_deadline(petition, actor=officer, reason="Phức tạp", complexity=Complexity.NORMAL)
    assert "complexity" in caught.value.message_dict


def test_resolution_after_the_deadline_is_marked_late(commune, officer):
    petition = in_state(submit(commune, kind=Kind.REPORT), State.ACCEPTED, resolution_due=D(2026, 4, 1))
    resolved = services.resolve_petition(
        petition, actor=officer, outcome="Đã sửa đường", resolved_on=D(2026, 4, 2)
    )
    assert resolved.resolved_late is True
    assert (resolved.due_on, resolved.due_kind) == (None, "")


def test_assign_refuses_someone_who_cannot_handle_petitions_here(commune, officer):
    petition = submit(commune)
    outsider = staff(UnitFactory())
    resident = staff(commune, Role.RESIDENT)
    for user in (outsider, resident):
        with pytest.raises(ValidationError) as caught:
            services.assign_handler(petition, actor=officer, handler=user)
        assert "handler" in caught.value.message_dict
    assigned = services.assign_handler(petition, actor=officer, handler=officer)
    assert assigned.handler == officer


def test_appeal_deadline_for_first_instance_complaints_only(commune, officer):
    complaint = in_state(submit(commune), State.RESOLVED, resolved_on=D(2026, 3, 5))
    assert services.appeal_deadline_for(complaint) == D(2026, 4, 6)  # Art. 33: 30 days, Sat 04/04 → Mon 06/04
    lapsed = in_state(submit(commune), State.ACCEPTED, resolution_due=D(2026, 3, 5))
    assert services.appeal_deadline_for(lapsed) == D(2026, 4, 6)
    report = in_state(submit(commune, kind=Kind.REPORT), State.RESOLVED)
    assert services.appeal_deadline_for(report) is None
    transferred = in_state(submit(commune), State.TRANSFERRED)
    assert services.appeal_deadline_for(transferred) is None


def test_every_step_is_one_transaction(commune, officer, monkeypatch):
    """A failure after the state changed (here: the ledger) leaves the petition as it was."""
    petition = submit(commune)
    events = petition.events.count()

    def broken(**kwargs):
        raise RuntimeError("ledger down")

    monkeypatch.setattr(services.ledger, "record", broken)
    with pytest.raises(RuntimeError):
        services.not_process_petition(petition, actor=officer, reason="Đơn không ký tên")
    petition.refresh_from_db()
    assert petition.state == State.RECEIVED and petition.events.count() == events


def test_save_sector_is_recorded_and_needs_a_name(officer):
    sector = services.save_sector(
        Sector(code="nuoc-sach", name="  Nước  sạch "), actor=officer, changed=["name"]
    )
    assert sector.name == "Nước sạch"
    assert LedgerEntry.objects.get(action="petitions.sector_saved").payload == {
        "code": "nuoc-sach",
        "changed": ["name"],
    }
    with pytest.raises(ValidationError) as caught:
        services.save_sector(Sector(code="trong", name=" "), actor=officer)
    assert "name" in caught.value.message_dict
