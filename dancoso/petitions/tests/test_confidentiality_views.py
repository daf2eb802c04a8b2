"""A planted confidential denouncer, "Nguyễn Văn Bí Mật" with phone 0912000111, appears on no staff page:
not in the inbox, not in a search for the name, not on the case page before a reveal, not in the export,
not in duplicate suggestions, not on the 404 and 500 pages, not in the ledger. A commune leader who gives a
reason sees the identity in that one response (not cached), and the reading is written to the ledger."""

import json
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from dancoso.accounts.roles import Role
from dancoso.core.models import LedgerEntry
from dancoso.petitions import confidential
from dancoso.petitions.models import Kind, Petition
from dancoso.petitions.tests import test_views as shared
from dancoso.petitions.tests.test_views import (
    EXPORT,
    INBOX,
    make_petition,
    pdf,
    user_with,
)

pytestmark = pytest.mark.django_db

tree = shared.tree  # the fixture of the staff test files

NAME = "Nguyễn Văn Bí Mật"
PHONE = "0912000111"
SECRETS = (NAME, "Nguyen Van Bi Mat", "nguyen van bi mat", "Bí Mật", PHONE, "0912 000 111", "912000111")
CONTENT = "Tố cáo cán bộ địa chính xã nhận tiền để hợp thức hóa đất lấn chiếm ven sông."
READERS = [Role.COMMUNE_OFFICER, Role.COMMUNE_LEADER, Role.FRONT_OFFICER, Role.INSPECTION_BOARD_MEMBER]


@pytest.fixture
def secret(tree):
    return make_petition(
        tree.commune,
        kind=Kind.DENUNCIATION,
        title="Tố cáo cán bộ địa chính",
        content=CONTENT,
        petitioner={"name": NAME, "phone": PHONE, "address": "Số 9, thôn Đông", "email": "bimat@example.vn"},
        attachments=[pdf(f"{NAME}.pdf")],
    )


def leaks(content: bytes | str) -> list[str]:
    text = content.decode() if isinstance(content, bytes) else content
    return [value for value in SECRETS if value in text]


def detail(petition):
    return reverse("petitions:detail", kwargs={"pk": petition.pk})


def reveal(petition):
    return reverse("petitions:reveal", kwargs={"pk": petition.pk})


@pytest.mark.parametrize("role", [*READERS, Role.PROVINCE_OFFICER])
def test_inbox_and_case_page_are_redacted_for_every_role(client, tree, secret, role):
    unit = tree.province if role == Role.PROVINCE_OFFICER else tree.commune
    client.force_login(user_with(unit, role))
    inbox = client.get(INBOX, {"bucket": "all"})
    assert secret.tracking_code in inbox.content.decode() and leaks(inbox.content) == []
    page = client.get(detail(secret))
    assert page.status_code == 200 and leaks(page.content) == []
    assert page.context["petitioner_label"] in page.content.decode()


@pytest.mark.parametrize("query", [NAME, "nguyen van bi mat", "Bí Mật", PHONE, "bimat@example.vn"])
def test_searching_for_the_identity_finds_nothing(client, tree, secret, query):
    client.force_login(user_with(tree.commune, Role.COMMUNE_LEADER))
    response = client.get(INBOX, {"q": query, "bucket": "all"})
    assert response.context["page"].rows == []
    # The officer's own query is echoed in the search box and in the links that keep the filters.
    echoes = (f'value="{query}"', urlencode({"q": query}))
    text = response.content.decode()
    for echo in echoes:
        text = text.replace(echo, "")
    assert leaks(text) == []
    assert client.get(INBOX, {"q": "dia chinh"}).context["page"].rows[0].petition == secret


def test_export_is_redacted(client, tree, secret):
    client.force_login(user_with(tree.commune, Role.COMMUNE_LEADER))
    response = client.get(EXPORT, {"bucket": "all"})
    assert response.status_code == 200
    import io

    from openpyxl import load_workbook

    rows = load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    assert leaks(" ".join(str(v) for row in rows for v in row if v is not None)) == []


def test_duplicate_suggestions_are_redacted(client, tree, secret):
    again = make_petition(
        tree.commune,
        kind=Kind.DENUNCIATION,
        title="Tố cáo cán bộ địa chính",
        content=CONTENT,
        petitioner={"name": NAME, "phone": PHONE},
    )
    client.force_login(user_with(tree.commune, Role.COMMUNE_LEADER))
    page = client.get(detail(again))
    assert [s.petition for s in page.context["suggestions"]] == [secret]
    assert leaks(page.content) == []
    assert leaks(" ".join(s.reason for s in page.context["suggestions"])) == []


def test_error_pages_are_redacted(client, tree, secret, monkeypatch, caplog):
    client.force_login(user_with(tree.other, Role.COMMUNE_LEADER))
    for url in (detail(secret), reverse("petitions:detail", kwargs={"pk": 999999})):
        response = client.get(url)
        assert response.status_code == 404 and leaks(response.content) == []
    response = client.post(reveal(secret), {"reveal-reason": f"Tôi muốn biết {PHONE}"})
    assert response.status_code == 404 and leaks(response.content) == []

    def broken(ciphertext):
        raise RuntimeError("The identity cannot be decrypted with the configured keys.")

    monkeypatch.setattr(confidential, "decrypt_identity", broken)
    failing = Client(raise_request_exception=False)
    failing.force_login(user_with(tree.commune, Role.COMMUNE_LEADER))
    response = failing.post(reveal(secret), {"reveal-reason": "Cần xác minh"})
    assert response.status_code == 500
    assert leaks(response.content) == [] and leaks(caplog.text) == []


def test_a_commune_leader_reveals_with_a_reason_once_and_it_is_ledgered(client, tree, secret):
    leader = user_with(tree.commune, Role.COMMUNE_LEADER)
    client.force_login(leader)
    entries = LedgerEntry.objects.count()
    response = client.post(reveal(secret), {"reveal-reason": ""})
    assert response.status_code == 200 and response.context["reveal_form"].errors["reason"]
    assert leaks(response.content) == [] and LedgerEntry.objects.count() == entries

    response = client.post(reveal(secret), {"reveal-reason": "Cần liên hệ để xác minh nội dung tố cáo"})
    assert response.status_code == 200
    assert NAME in response.content.decode() and PHONE in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    entry = LedgerEntry.objects.get(action="petitions.identity_revealed")
    assert entry.actor_id == leader.pk and entry.object_id == str(secret.pk)
    assert entry.payload == {"reason": "Cần liên hệ để xác minh nội dung tố cáo"}
    assert leaks(client.get(detail(secret)).content) == []  # shown once: the next page is redacted again


@pytest.mark.parametrize("role", [Role.COMMUNE_OFFICER, Role.FRONT_OFFICER, Role.INSPECTION_BOARD_MEMBER])
def test_other_roles_cannot_reveal(client, tree, secret, role):
    client.force_login(user_with(tree.commune, role))
    page = client.get(detail(secret))
    assert page.context["reveal_form"] is None and 'name="reveal-reason"' not in page.content.decode()
    response = client.post(reveal(secret), {"reveal-reason": "Xem thử"})
    assert response.status_code == 403 and leaks(response.content) == []
    assert not LedgerEntry.objects.filter(action="petitions.identity_revealed").exists()


def test_a_resident_and_another_communes_leader_cannot_reveal(client, tree, secret):
    for user in (user_with(tree.commune, Role.RESIDENT), user_with(tree.other, Role.COMMUNE_LEADER)):
        client.force_login(user)
        response = client.post(reveal(secret), {"reveal-reason": "Xem thử"})
        assert response.status_code in (403, 404) and leaks(response.content) == []
    assert not LedgerEntry.objects.filter(action="petitions.identity_revealed").exists()


def test_nothing_identifying_in_the_ledger_or_the_rows(tree, secret):
    secret.refresh_from_db()
    row = Petition.objects.filter(pk=secret.pk).values().get()
    assert leaks(json.dumps(row, default=str, ensure_ascii=False)) == []
    payloads = json.dumps(list(LedgerEntry.objects.values_list("payload", flat=True)), ensure_ascii=False)
    assert leaks(payloads) == []


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.COMMUNE_OFFICER, 200),
        (Role.COMMUNE_LEADER, 200),
        (Role.FRONT_OFFICER, 403),
        (Role.INSPECTION_BOARD_MEMBER, 403),
    ],
)
def test_a_confidential_letter_is_downloaded_only_by_its_handlers(client, tree, secret, role, status):
    from dancoso.core.models import Attachment

    file = Attachment.objects.get(object_id=str(secret.pk))
    assert leaks(file.original_name) == []  # the service gave it a neutral name
    client.force_login(user_with(tree.commune, role))
    url = reverse("petitions:attachment", kwargs={"pk": file.pk})
    assert client.get(url).status_code == status
    page = client.get(detail(secret)).content.decode()
    assert (url in page) is (status == 200)
