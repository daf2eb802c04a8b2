"""A denouncer's identity (Luật Tố cáo 2018 Art. 9.1.b, 47.2, 56) lives only encrypted in ProtectedIdentity.

A planted identity goes through the whole workflow; it must then be absent from the petition's columns,
events, ledger payloads, notifications, attachments' names, log output and str/repr. Reading it needs the
permission held through a role in the unit, a reason, and leaves a ledger entry.
"""

import io
import json
import logging
from datetime import date

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from dancoso.accounts.roles import Role
from dancoso.accounts.tests.factories import UserFactory
from dancoso.core.models import Attachment, LedgerEntry, Notification
from dancoso.petitions import confidential, services
from dancoso.petitions.models import (
    Channel,
    Complexity,
    Kind,
    Petition,
    PetitionEvent,
    ProtectedIdentity,
    State,
)
from dancoso.petitions.tests.test_services import staff, submit
from dancoso.units.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

D = date
PLANTED = {
    "name": "Trịnh Thị Bí Mật",
    "address": "Số 7 ngõ Kín, thôn Ẩn Danh",
    "phone": "0987 654 321",
    "email": "tri.bimat@example.vn",
    "id_number": "001234567890",
}
NEEDLES = ("Trịnh Thị Bí Mật", "Bí Mật", "ngõ Kín", "0987654321", "0987 654 321", "tri.bimat", "001234567890")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(services, "_today", lambda: D(2026, 11, 20))


@pytest.fixture
def commune():
    return UnitFactory()


@pytest.fixture
def officer(commune):
    return staff(commune)


@pytest.fixture
def leader(commune):
    return staff(commune, Role.COMMUNE_LEADER)


def denunciation(commune, **kwargs) -> Petition:
    return submit(
        commune,
        kind=Kind.DENUNCIATION,
        channel=Channel.WEB,
        sender=services.Petitioner(**PLANTED),
        title="Tố cáo cán bộ địa chính nhận tiền",
        content="Cán bộ địa chính xã nhận tiền khi làm hồ sơ đất.",
        received_on=D(2026, 7, 30),
        **kwargs,
    )


def assert_absent(text: str, where: str) -> None:
    for needle in NEEDLES:
        assert needle not in text, f"{needle!r} found in {where}"


def everything_stored_as_text() -> dict[str, str]:
    def dump(rows):
        return json.dumps(list(rows), ensure_ascii=False, default=str)

    return {
        "petitions": dump(Petition.objects.values()),
        "events": dump(PetitionEvent.objects.values()),
        "ledger": dump(
            LedgerEntry.objects.values("action", "actor_label", "object_type", "object_id", "payload")
        ),
        "notifications": dump(Notification.objects.values("recipient", "subject", "body", "dedupe_key")),
        "attachments": dump(Attachment.objects.values("original_name", "object_id")),
    }


def test_a_denouncers_identity_appears_nowhere(commune, officer, leader, caplog):
    caplog.set_level(logging.DEBUG)
    photo = SimpleUploadedFile("Trịnh Thị Bí Mật - 0987654321.png", PNG, content_type="image/png")
    petition = denunciation(commune, attachments=[photo])
    petition = services.classify_petition(petition, actor=officer, is_eligible=True, within_competence=True)
    petition = services.assign_handler(petition, actor=officer, handler=officer)
    petition = services.accept_petition(petition, actor=officer, accepted_on=D(2026, 8, 3))
    petition = services.start_verification(petition, actor=officer)
    petition = services.extend_deadline(
        petition, actor=officer, reason="Phức tạp", complexity=Complexity.COMPLEX, decision_number="1/QĐ-GH"
    )
    assert services.send_deadline_reminders(D(2026, 10, 1)) == {"reminders": 1, "overdue": 0}
    petition = services.resolve_petition(
        petition, actor=officer, outcome="Tố cáo đúng một phần", decision_number="2/KL-UBND"
    )
    services.close_petition(petition, actor=officer)
    revealed = services.reveal_identity(petition, actor=leader, reason="Mời người tố cáo đến làm việc")

    assert revealed["name"] == PLANTED["name"] and revealed["phone"] == "0987654321"
    for where, text in everything_stored_as_text().items():
        assert_absent(text, where)
    assert_absent(caplog.text, "log output")
    identity = ProtectedIdentity.objects.get(petition=petition)
    for shown in (
        str(petition),
        repr(petition),
        str(identity),
        repr(identity),
        repr(services.Petitioner(**PLANTED)),
    ):
        assert_absent(shown, "str/repr")
    assert PLANTED["name"].encode() not in bytes(identity.ciphertext)
    assert Attachment.objects.get().original_name == "tep-dinh-kem-1.png"
    assert petition.phone_digest == confidential.phone_digest(
        PLANTED["phone"]
    )  # the resident can still track it


def test_a_denunciation_is_always_confidential_and_its_columns_blank(commune):
    petition = denunciation(commune)
    assert petition.is_confidential
    assert (petition.petitioner_name, petition.petitioner_address) == ("", "")
    assert (petition.petitioner_phone, petition.petitioner_email) == ("", "")
    assert not Notification.objects.exists()


# ------------------------------------------------------------------------------------------- reveal


@pytest.mark.parametrize(
    ("role", "where", "allowed"),
    [
        pytest.param(Role.COMMUNE_LEADER, "commune", True, id="commune-leader"),
        pytest.param(Role.PROVINCE_OFFICER, "province", True, id="province-officer-above"),
        pytest.param(Role.COMMUNE_OFFICER, "commune", False, id="commune-officer"),
        pytest.param(Role.FRONT_OFFICER, "commune", False, id="front-officer"),
        pytest.param(Role.SYSTEM_ADMIN, "province", False, id="system-admin-role"),
        pytest.param(Role.INSPECTION_BOARD_MEMBER, "commune", False, id="inspection-board"),
        pytest.param(Role.COMMUNE_LEADER, "other", False, id="leader-of-another-commune"),
    ],
)
def test_who_may_reveal(commune, role, where, allowed):
    petition = denunciation(commune)
    unit = {"commune": commune, "province": commune.parent, "other": UnitFactory()}[where]
    user = staff(unit, role)
    assert services.may_reveal_identity(user, petition) is allowed
    if allowed:
        assert services.reveal_identity(petition, actor=user, reason="Xác minh")["name"] == PLANTED["name"]
        entry = LedgerEntry.objects.get(action="petitions.identity_revealed")
        assert (entry.actor_id, entry.object_id, entry.payload) == (
            user.pk,
            str(petition.pk),
            {"reason": "Xác minh"},
        )
    else:
        with pytest.raises(PermissionDenied):
            services.reveal_identity(petition, actor=user, reason="Xác minh")
        assert not LedgerEntry.objects.filter(action="petitions.identity_revealed").exists()


def test_a_superuser_without_a_role_may_not_reveal(commune):
    petition = denunciation(commune)
    root = UserFactory(is_superuser=True, is_staff=True)
    assert root.has_perm("petitions.reveal_identity", petition)  # Django grants superusers everything…
    with pytest.raises(PermissionDenied):  # … but the law does not
        services.reveal_identity(petition, actor=root, reason="Xem")


def test_anonymous_user_may_not_reveal(commune):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.reveal_identity(denunciation(commune), actor=AnonymousUser(), reason="Xem")


def test_reveal_needs_a_reason(commune, leader):
    petition = denunciation(commune)
    with pytest.raises(ValidationError) as caught:
        services.reveal_identity(petition, actor=leader, reason="   ")
    assert "reason" in caught.value.message_dict
    assert not LedgerEntry.objects.filter(action="petitions.identity_revealed").exists()


def test_reveal_of_a_petition_without_a_protected_identity(commune, leader):
    with pytest.raises(ValidationError):
        services.reveal_identity(submit(commune), actor=leader, reason="Xem")


# ------------------------------------------------------------------------------------------- keys


@pytest.fixture
def keys():
    return Fernet.generate_key().decode(), Fernet.generate_key().decode()


def test_decrypt_with_a_rotated_key_list(settings, keys):
    old, new = keys
    settings.FIELD_ENCRYPTION_KEYS = [old]
    token = confidential.encrypt_identity(PLANTED)
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    assert confidential.decrypt_identity(token)["name"] == PLANTED["name"]
    rotated = confidential.rotate(token)
    settings.FIELD_ENCRYPTION_KEYS = [new]
    assert confidential.decrypt_identity(rotated)["email"] == PLANTED["email"]
    with pytest.raises(RuntimeError):
        confidential.decrypt_identity(token)
    settings.FIELD_ENCRYPTION_KEYS = []
    with pytest.raises(RuntimeError):
        confidential.encrypt_identity(PLANTED)


def test_rotate_identity_keys_command(settings, keys, commune, leader):
    old, new = keys
    settings.FIELD_ENCRYPTION_KEYS = [old]
    petitions = [denunciation(commune), denunciation(commune)]
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    out = io.StringIO()
    call_command("rotate_identity_keys", batch_size=1, stdout=out)
    assert "2" in out.getvalue()
    settings.FIELD_ENCRYPTION_KEYS = [new]
    for petition in petitions:
        assert services.reveal_identity(petition, actor=leader, reason="Kiểm tra")["name"] == PLANTED["name"]
    entry = LedgerEntry.objects.get(action="petitions.rotate_identity_keys")
    assert entry.payload == {"rows": 2}


def test_rotate_changes_nothing_when_a_row_cannot_be_read(settings, keys, commune):
    old, new = keys
    settings.FIELD_ENCRYPTION_KEYS = [old]
    denunciation(commune)
    before = bytes(ProtectedIdentity.objects.get().ciphertext)
    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key was dropped too early
    with pytest.raises(CommandError):
        call_command("rotate_identity_keys")
    assert bytes(ProtectedIdentity.objects.get().ciphertext) == before
    assert not LedgerEntry.objects.filter(action="petitions.rotate_identity_keys").exists()


# ------------------------------------------------------------------------------------------- protecting later


def test_protect_identity_moves_a_petitioners_identity(commune, officer, leader):
    petition = submit(commune, sender=services.Petitioner(**PLANTED))
    first_message = Notification.objects.get()
    assert first_message.recipient == PLANTED["email"]
    protected = services.protect_identity(
        petition, actor=officer, reason="Người khiếu nại đề nghị giữ bí mật"
    )
    assert protected.is_confidential
    for where, text in everything_stored_as_text().items():
        assert_absent(text, where)
    first_message.refresh_from_db()
    assert (first_message.recipient, first_message.status) == ("•••", Notification.Status.FAILED)
    event = protected.events.latest("pk")
    assert (event.action, event.is_public) == ("protect_identity", False)
    assert (
        LedgerEntry.objects.filter(action="petitions.protect_identity", object_id=str(petition.pk)).count()
        == 1
    )
    assert (
        services.reveal_identity(protected, actor=leader, reason="Giải quyết")["address"]
        == PLANTED["address"]
    )
    # no more messages, and protecting twice changes nothing
    services.protect_identity(protected, actor=officer)
    services.not_process_petition(protected, actor=officer, reason="Đơn trùng")
    assert Notification.objects.count() == 1
    assert protected.events.filter(action="protect_identity").count() == 1


def test_reclassifying_as_a_denunciation_protects_the_identity(commune, officer):
    petition = submit(commune, kind=Kind.REPORT, sender=services.Petitioner(**PLANTED))
    classified = services.classify_petition(
        petition, actor=officer, kind=Kind.DENUNCIATION, is_eligible=True, within_competence=True
    )
    assert classified.is_confidential and classified.state == State.CLASSIFIED
    for where, text in everything_stored_as_text().items():
        assert_absent(text, where)
    assert LedgerEntry.objects.get(action="petitions.classify").payload["identity_protected"] is True
    assert confidential.decrypt_identity(classified.protected_identity.ciphertext)["name"] == PLANTED["name"]
