"""The fast lane of queued filings (petitions.fast_intake): an integration's `Prefer: respond-async` POST with an
API token is acknowledged with one INSERT and the same answer as the REST view; anything else, and every refusal,
is the REST view's; a revoked token, a deactivated user or a withdrawn membership stop the lane within
RECHECK_SECONDS; the per-user rate limit is shared with the REST view."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.throttling import UserRateThrottle

from dancoso.accounts import services as account_services
from dancoso.accounts.roles import Role
from dancoso.accounts.tests.factories import MembershipFactory, UserFactory
from dancoso.core.models import IdempotencyRecord
from dancoso.petitions import confidential, fast_intake
from dancoso.petitions.api import QueuedPetitionSerializer
from dancoso.petitions.models import Channel, Kind, QueuedPetition, Sector
from dancoso.petitions.tests.test_api import PETITIONS, filing
from dancoso.petitions.tests.test_api import tree as tree  # the fixture

# The tests commit: inside a test's transaction every change would bypass the caches (core.versioned_cache),
# and the point is what the lane sees after a change is committed.
pytestmark = pytest.mark.django_db(transaction=True)

PLANTED_NAME = "Hoàng Thị Bí Mật"


@pytest.fixture(autouse=True)
def fresh_lane():
    fast_intake.forget()
    yield
    fast_intake.forget()


@pytest.fixture
def integration(tree):
    # A flush after an earlier committing test removes the fields the migrations install.
    Sector.objects.get_or_create(code="moi-truong", defaults={"name": "Môi trường"})
    user = UserFactory(username="tong-dai-1022")
    membership = MembershipFactory(user=user, unit=tree.a, role=Role.COMMUNE_OFFICER)
    token = account_services.issue_api_token(actor=None, user=user)
    return type("Integration", (), {"user": user, "membership": membership, "token": token})


def lane_filing(unit, **overrides) -> dict:
    """A filing the lane takes as it is (no coordinates: those go through the REST view)."""
    return filing(unit, latitude=None, longitude=None, **overrides)


def post(client, token, data, **headers):
    return client.post(
        PETITIONS,
        json.dumps(data) if not isinstance(data, str) else data,
        content_type="application/json",
        headers={"Prefer": "respond-async", "Authorization": f"Token {token}", **headers},
    )


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "WITH", "UPDATE"))]


def later(monkeypatch):
    """Move this process's clock past the lane's next check of the caches' versions."""
    now = fast_intake.time.monotonic() + fast_intake.RECHECK_SECONDS + 1
    monkeypatch.setattr(fast_intake.time, "monotonic", lambda: now)


def test_the_lane_answers_like_the_rest_view_with_one_write(client, tree, integration):
    post(client, integration.token, lane_filing(tree.a))  # fills this process's caches
    with CaptureQueriesContext(connection) as captured:
        response = post(client, integration.token, lane_filing(tree.a), **{"Idempotency-Key": "k-1"})
    assert response.status_code == 202, response.content
    selects = [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    assert selects == [] and len(writes(captured.captured_queries)) in (1, 2)  # 1 on PostgreSQL
    queued = QueuedPetition.objects.get(tracking_code=response.json()["tracking_code"])
    assert response.json() == json.loads(json.dumps(QueuedPetitionSerializer(queued).data))
    assert response["Location"].endswith(f"/api/v1/petitions/queued/{queued.tracking_code}/")
    assert response["Preference-Applied"] == "respond-async"
    assert queued.channel == Channel.API and queued.actor == integration.user and queued.unit == tree.a
    assert confidential.decrypt_payload(queued.payload)["title"] == "Đề nghị lắp thêm thùng rác"


def test_the_rest_view_gives_the_same_fields(client, tree, integration, settings):
    fast = post(client, integration.token, lane_filing(tree.a)).json()
    settings.PETITIONS_FAST_INTAKE = False
    rest = post(client, integration.token, lane_filing(tree.a)).json()
    assert list(fast) == list(rest)
    different = {"tracking_code", "received_at"}
    assert {k: v for k, v in fast.items() if k not in different} == {
        k: v for k, v in rest.items() if k not in different
    }


def test_a_retry_with_the_same_key_is_acknowledged_once(client, tree, integration):
    first = post(client, integration.token, lane_filing(tree.a), **{"Idempotency-Key": "k-2"})
    again = post(client, integration.token, lane_filing(tree.a), **{"Idempotency-Key": "k-2"})
    assert first.status_code == again.status_code == 202
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert QueuedPetition.objects.count() == 1 and IdempotencyRecord.objects.count() == 1
    reused = post(client, integration.token, lane_filing(tree.a, title="Khác"), **{"Idempotency-Key": "k-2"})
    assert reused.status_code == 422 and QueuedPetition.objects.count() == 1


def test_bad_input_gets_the_rest_views_message_in_vietnamese(client, tree, integration):
    response = post(client, integration.token, lane_filing(tree.a, title="   "))
    assert response.status_code == 400 and "title" in response.json()["fields"]
    assert "Trường này" in json.dumps(response.json(), ensure_ascii=False)
    broken = post(client, integration.token, "{not json")
    assert broken.status_code == 400 and broken.json()["code"] == "parse_error"
    no_date = post(client, integration.token, {**lane_filing(tree.a), "received_on": None})
    assert no_date.status_code == 400 and "received_on" in no_date.json()["fields"]
    long_name = post(client, integration.token, lane_filing(tree.a, petitioner_name="x" * 151))
    assert long_name.status_code == 400 and "petitioner_name" in long_name.json()["fields"]
    assert QueuedPetition.objects.count() == 0


def test_fields_the_lane_does_not_check_go_to_the_rest_view(client, tree, integration):
    with_position = post(client, integration.token, filing(tree.a))
    assert with_position.status_code == 202
    bad_position = post(client, integration.token, filing(tree.a, latitude="91"))
    assert bad_position.status_code == 400 and "latitude" in bad_position.json()["fields"]
    assert QueuedPetition.objects.count() == 1


def test_an_unknown_token_or_a_unit_without_the_right_is_refused(client, tree, integration):
    assert post(client, "0" * 40, lane_filing(tree.a)).status_code == 401
    assert post(client, integration.token, lane_filing(tree.b)).status_code == 403
    assert QueuedPetition.objects.count() == 0


def test_a_new_token_stops_the_old_one_at_the_next_check(client, tree, integration, monkeypatch):
    assert post(client, integration.token, lane_filing(tree.a)).status_code == 202
    account_services.issue_api_token(actor=None, user=integration.user)
    later(monkeypatch)
    assert post(client, integration.token, lane_filing(tree.a)).status_code == 401


def test_a_deactivated_user_is_refused_at_the_next_check(client, tree, integration, monkeypatch):
    assert post(client, integration.token, lane_filing(tree.a)).status_code == 202
    account_services.update_user(integration.user, actor=None, is_active=False)
    later(monkeypatch)
    assert post(client, integration.token, lane_filing(tree.a)).status_code == 401
    assert QueuedPetition.objects.count() == 1


def test_a_revoked_membership_is_refused_at_the_next_check(client, tree, integration, monkeypatch):
    assert post(client, integration.token, lane_filing(tree.a)).status_code == 202
    account_services.revoke_membership(integration.membership, actor=None)
    later(monkeypatch)
    assert post(client, integration.token, lane_filing(tree.a)).status_code == 403


def test_a_deactivated_unit_is_refused_at_the_next_check(client, tree, integration, monkeypatch):
    assert post(client, integration.token, lane_filing(tree.a)).status_code == 202
    tree.a.is_active = False
    tree.a.save()
    later(monkeypatch)
    response = post(client, integration.token, lane_filing(tree.a))
    assert response.status_code in (400, 403) and QueuedPetition.objects.count() == 1


def test_the_rate_limit_is_shared_with_the_rest_view(client, tree, integration, monkeypatch, settings):
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/min", "anon": "3/min"})
    statuses = [post(client, integration.token, lane_filing(tree.a)).status_code for _n in range(4)]
    assert statuses == [202, 202, 202, 429]
    refused = post(client, integration.token, lane_filing(tree.a))
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert refused.json()["code"] == "throttled" and "Quá nhiều" in refused.json()["message"]
    settings.PETITIONS_FAST_INTAKE = False
    assert post(client, integration.token, lane_filing(tree.a)).status_code == 429
    assert QueuedPetition.objects.count() == 3


def test_a_denunciation_keeps_the_identity_out_of_the_answer_and_the_row(client, tree, integration):
    data = lane_filing(tree.a, kind=Kind.DENUNCIATION, petitioner_name=PLANTED_NAME)
    response = post(client, integration.token, data, **{"Idempotency-Key": "k-3"})
    assert response.status_code == 202 and PLANTED_NAME not in response.content.decode()
    queued = QueuedPetition.objects.get()
    assert PLANTED_NAME.encode() not in bytes(queued.payload)
    assert PLANTED_NAME.encode() not in bytes(IdempotencyRecord.objects.get().response_body)
    assert confidential.decrypt_payload(queued.payload)["confidential"] is True
