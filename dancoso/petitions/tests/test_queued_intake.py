"""Queued intake through the API (`Prefer: respond-async`): the acknowledgement is a committed row, a worker
registers it as a petition with the same tracking code and the day received; nothing acknowledged is lost,
nothing bad is acknowledged, the filing is encrypted while it waits, and the resident can follow it at once."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dancoso.accounts.roles import Role
from dancoso.core.models import LedgerEntry
from dancoso.petitions import confidential, services, tasks
from dancoso.petitions.models import Channel, Kind, Petition, PetitionEvent, ProtectedIdentity, QueuedPetition
from dancoso.petitions.tests.test_api import PETITIONS, filing, signed_in
from dancoso.petitions.tests.test_api import tree as tree  # the fixture

pytestmark = pytest.mark.django_db

ASYNC = {"Prefer": "respond-async"}
PLANTED_NAME = "Hoàng Thị Bí Mật"
PLANTED_PHONE = "0987654321"


def post_async(client, data, **headers):
    return client.post(PETITIONS, data, content_type="application/json", headers={**ASYNC, **headers})


def queued_status(client, code: str):
    return client.get(reverse("api:queued-petition-detail", args=[code]))


def test_async_post_is_acknowledged_with_a_tracking_code_before_registration(client, tree):
    client = signed_in(client, tree.a)
    response = post_async(client, filing(tree.a))
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "pending" and body["petition"] is None
    assert body["unit"] == tree.a.pk and body["kind"] == Kind.PROPOSAL and body["channel"] == Channel.API
    assert response["Preference-Applied"] == "respond-async"
    assert response["Location"].endswith(reverse("api:queued-petition-detail", args=[body["tracking_code"]]))
    assert not Petition.objects.exists()
    queued = QueuedPetition.objects.get()
    assert queued.tracking_code == body["tracking_code"] and queued.received_on == timezone.localdate()
    assert queued_status(client, body["tracking_code"]).json()["status"] == "pending"


def test_registration_creates_the_petition_with_the_same_code_and_day(client, tree):
    client = signed_in(client, tree.a)
    code = post_async(client, filing(tree.a, received_on="2026-11-02")).json()["tracking_code"]
    assert services.register_queued_petitions() == {"registered": 1, "failed": 0}
    petition = Petition.objects.get()
    assert petition.tracking_code == code and petition.channel == Channel.API
    assert petition.received_on == date(2026, 11, 2)
    assert petition.due_on is not None  # counted from 02/11, not from the day the worker ran
    assert petition.petitioner_name == "Lê Thị Hoa" and petition.sector.code == "moi-truong"
    event = PetitionEvent.objects.get(petition=petition)
    assert event.action == "received" and "queued_at" in event.data
    assert LedgerEntry.objects.filter(action="petitions.received", object_id=str(petition.pk)).exists()
    queued = QueuedPetition.objects.get()
    assert queued.status == "registered" and queued.petition == petition and bytes(queued.payload) == b""
    answer = queued_status(client, code).json()
    assert answer["status"] == "registered" and answer["petition"] == petition.pk
    assert services.register_queued_petitions() == {"registered": 0, "failed": 0}


def test_bad_input_is_refused_in_vietnamese_and_nothing_is_queued(client, tree):
    client = signed_in(client, tree.a)
    response = post_async(
        client,
        filing(tree.a, petitioner_phone="12", petitioner_name=""),
        **{"Accept-Language": "vi"},
    )
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert set(fields) == {"petitioner_phone", "petitioner_name"}
    assert "số điện thoại" in fields["petitioner_phone"][0]
    assert not QueuedPetition.objects.exists()


def test_the_services_checks_apply_before_acknowledging(client, tree):
    client = signed_in(client, tree.a)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = post_async(client, filing(tree.a, received_on=tomorrow))
    assert response.status_code == 400 and "received_on" in response.json()["fields"]
    assert not QueuedPetition.objects.exists()


def test_a_user_without_the_right_in_the_unit_is_refused(client, tree):
    client = signed_in(client, tree.b)
    assert post_async(client, filing(tree.a)).status_code == 403
    resident = signed_in(client, tree.a, Role.RESIDENT)
    assert post_async(resident, filing(tree.a)).status_code == 403
    assert not QueuedPetition.objects.exists()


def test_queue_status_is_scoped_to_the_unit(client, tree):
    code = post_async(signed_in(client, tree.a), filing(tree.a)).json()["tracking_code"]
    assert queued_status(signed_in(client, tree.b), code).status_code == 404
    assert queued_status(signed_in(client, tree.province, Role.PROVINCE_OFFICER), code).status_code == 200
    client.logout()
    assert queued_status(client, code).status_code in (401, 403)


def test_a_retry_with_the_same_key_is_acknowledged_once(client, tree):
    client = signed_in(client, tree.a)
    first = post_async(client, filing(tree.a), **{"Idempotency-Key": "k-1"})
    again = post_async(client, filing(tree.a), **{"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 202
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert QueuedPetition.objects.count() == 1


def test_a_queued_denunciation_keeps_the_identity_encrypted_all_the_way(client, tree):
    client = signed_in(client, tree.a)
    data = filing(
        tree.a, kind=Kind.DENUNCIATION, petitioner_name=PLANTED_NAME, petitioner_phone=PLANTED_PHONE
    )
    response = post_async(client, data)
    assert PLANTED_NAME not in response.content.decode() and PLANTED_PHONE not in response.content.decode()
    queued = QueuedPetition.objects.get()
    assert PLANTED_NAME.encode() not in bytes(queued.payload)
    assert PLANTED_NAME in confidential.decrypt_payload(queued.payload)["petitioner"]["name"]
    services.register_queued_petitions()
    petition = Petition.objects.get()
    assert petition.is_confidential and petition.petitioner_name == "" and petition.petitioner_phone == ""
    identity = confidential.decrypt_identity(ProtectedIdentity.objects.get(petition=petition).ciphertext)
    assert identity["name"] == PLANTED_NAME
    detail = client.get(reverse("api:petition-detail", args=[petition.pk])).content.decode()
    assert PLANTED_NAME not in detail and PLANTED_PHONE not in detail


def test_a_row_that_cannot_be_registered_stays_pending_and_the_others_go_on(client, tree):
    client = signed_in(client, tree.a)
    codes = [
        post_async(client, filing(tree.a, title=f"Đề nghị {n}")).json()["tracking_code"] for n in range(3)
    ]
    QueuedPetition.objects.filter(tracking_code=codes[1]).update(payload=b"not a fernet token")
    assert services.register_queued_petitions() == {"registered": 2, "failed": 1}
    broken = QueuedPetition.objects.get(tracking_code=codes[1])
    assert broken.status == "pending" and broken.attempts == 1 and broken.last_error == "RuntimeError"
    assert set(Petition.objects.values_list("tracking_code", flat=True)) == {codes[0], codes[2]}
    assert services.register_queued_petitions() == {"registered": 0, "failed": 1}
    assert QueuedPetition.objects.get(tracking_code=codes[1]).attempts == 2


def test_a_field_made_inactive_after_receipt_does_not_block_registration(client, tree):
    from dancoso.petitions.models import Sector

    client = signed_in(client, tree.a)
    post_async(client, filing(tree.a))
    Sector.objects.filter(code="moi-truong").update(is_active=False)
    assert services.register_queued_petitions()["registered"] == 1
    assert Petition.objects.get().sector.code == "moi-truong"


def test_the_worker_is_woken_after_commit(
    client, tree, settings, django_capture_on_commit_callbacks, monkeypatch
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    from django.core.cache import cache

    cache.delete(tasks.WAKE_KEY)
    monkeypatch.setattr(tasks, "_last_wake", [float("-inf")])  # no wake-up from this process lately
    client = signed_in(client, tree.a)
    with django_capture_on_commit_callbacks(execute=True):
        code = post_async(client, filing(tree.a)).json()["tracking_code"]
    assert Petition.objects.get().tracking_code == code
    assert QueuedPetition.objects.get().status == "registered"


def test_the_resident_follows_a_pending_petition_with_code_and_phone(client, tree):
    staff = signed_in(client, tree.a)
    code = post_async(staff, filing(tree.a)).json()["tracking_code"]
    staff.logout()
    track = reverse("petitions_public:track", args=[tree.a.slug])
    page = client.post(track, {"code": code.lower().replace("-", " "), "contact": "0912 000 111"})
    text = page.content.decode()
    assert page.status_code == 200 and code in text and "Xã An Khánh" in text
    assert "Đề nghị lắp thêm thùng rác" not in text  # the filing stays encrypted until registered
    wrong = client.post(track, {"code": code, "contact": "0912 999 999"}).content.decode()
    assert code not in wrong.replace(f'value="{code}"', "")


def test_queued_and_direct_codes_never_meet():
    from dancoso.petitions.services import TRACKING_ALPHABET, new_tracking_code

    queued = {new_tracking_code(queued=True) for _ in range(300)}
    direct = {new_tracking_code() for _ in range(300)}
    assert all(code[0].isdigit() for code in queued) and all(code[0].isalpha() for code in direct)
    for code in queued | direct:
        assert len(code) == 9 and code[4] == "-"
        assert set(code.replace("-", "")) <= set(TRACKING_ALPHABET)


def test_key_rotation_reencrypts_pending_rows(client, tree, settings):
    from cryptography.fernet import Fernet

    post_async(signed_in(client, tree.a), filing(tree.a))
    before = bytes(QueuedPetition.objects.get().payload)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *settings.FIELD_ENCRYPTION_KEYS]
    assert services.rotate_identity_keys() >= 1
    after = bytes(QueuedPetition.objects.get().payload)
    assert after != before
    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[:1]
    assert services.register_queued_petitions()["registered"] == 1
