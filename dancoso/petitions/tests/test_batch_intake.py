"""Batches of filings through the API (`POST /api/v1/petitions/batch/`): up to 100 petitions queued by one
request, each checked as a single filing is, all or nothing, acknowledged in order with their tracking codes,
registered by the worker, counted one by one in the rate limit, and a denouncer's identity kept out."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.throttling import UserRateThrottle

from dancoso.core.models import IdempotencyRecord
from dancoso.petitions import confidential, services
from dancoso.petitions.api import BATCH_MAX_PETITIONS
from dancoso.petitions.models import Channel, Kind, Petition, QueuedPetition
from dancoso.petitions.tests.test_api import filing, signed_in
from dancoso.petitions.tests.test_api import tree as tree  # the fixture

pytestmark = pytest.mark.django_db

BATCH = reverse("api:petition-batch")
PLANTED_NAME = "Hoàng Thị Bí Mật"


def post_batch(client, filings, **headers):
    return client.post(
        BATCH,
        {"petitions": filings},
        content_type="application/json",
        headers={"Accept-Language": "vi", **headers},
    )


def filings_for(unit, count: int) -> list[dict]:
    return [filing(unit, title=f"Đề nghị số {n}", latitude=None, longitude=None) for n in range(count)]


def test_a_batch_is_queued_in_order_and_registered_by_the_worker(client, tree):
    client = signed_in(client, tree.a)
    response = post_batch(client, filings_for(tree.a, 3))
    assert response.status_code == 202, response.content
    answers = response.json()["petitions"]
    assert [a["status"] for a in answers] == ["pending"] * 3
    assert all(a["unit"] == tree.a.pk and a["channel"] == Channel.API for a in answers)
    codes = [a["tracking_code"] for a in answers]
    assert len(set(codes)) == 3 and QueuedPetition.objects.count() == 3
    assert services.register_queued_petitions() == {"registered": 3, "failed": 0}
    titles = dict(Petition.objects.values_list("tracking_code", "title"))
    assert [titles[code] for code in codes] == ["Đề nghị số 0", "Đề nghị số 1", "Đề nghị số 2"]
    followed = client.get(reverse("api:queued-petition-detail", args=[codes[1]])).json()
    assert followed["status"] == "registered"


def test_one_bad_filing_refuses_the_batch_by_position_in_vietnamese(client, tree):
    client = signed_in(client, tree.a)
    filings = filings_for(tree.a, 3)
    filings[1]["title"] = ""
    filings[2]["petitioner_phone"] = "12"
    response = post_batch(client, filings)
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert set(fields) == {"petitions.1.title"}  # the serializer's check runs first, for every filing
    assert "không được bỏ trống" in fields["petitions.1.title"][0]
    filings[1]["title"] = "Đã sửa"
    response = post_batch(client, filings)
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"petitions.2.petitioner_phone"}  # the service's check
    assert "số điện thoại" in response.json()["fields"]["petitions.2.petitioner_phone"][0]
    assert not QueuedPetition.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"petitions": []}, "petitions"),
        ({}, "petitions"),
        ({"petitions": "nhiều"}, "petitions"),
        ({"petitions": [{"unit": "không phải số"}]}, "petitions.0.unit"),
        ({"petitions": [{"unit": 999_999}]}, "petitions.0.unit"),
    ],
)
def test_malformed_batches_are_refused(client, tree, body, field):
    client = signed_in(client, tree.a)
    response = client.post(BATCH, body, content_type="application/json", headers={"Accept-Language": "vi"})
    assert response.status_code == 400 and field in response.json()["fields"]
    assert not QueuedPetition.objects.exists()


def test_an_unknown_field_code_is_refused(client, tree):
    client = signed_in(client, tree.a)
    response = post_batch(client, [filing(tree.a, sector="khong-co")])
    assert response.status_code == 400 and "petitions.0.sector" in response.json()["fields"]


def test_more_than_the_limit_is_refused(client, tree):
    client = signed_in(client, tree.a)
    response = post_batch(client, filings_for(tree.a, BATCH_MAX_PETITIONS + 1))
    assert response.status_code == 400 and "petitions" in response.json()["fields"]
    assert not QueuedPetition.objects.exists()


def test_a_filing_for_a_unit_without_the_right_refuses_the_batch(client, tree):
    client = signed_in(client, tree.a)
    response = post_batch(client, [*filings_for(tree.a, 2), filing(tree.b, latitude=None, longitude=None)])
    assert response.status_code == 403
    assert not QueuedPetition.objects.exists()


def test_the_units_and_fields_are_read_once_per_batch(client, tree, django_assert_max_num_queries):
    client = signed_in(client, tree.a)
    post_batch(client, filings_for(tree.a, 2))  # warm the caches (memberships, session)
    with django_assert_max_num_queries(12) as few:
        assert post_batch(client, filings_for(tree.a, 2)).status_code == 202
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert post_batch(client, filings_for(tree.a, 40)).status_code == 202


def test_a_retried_batch_is_queued_once(client, tree):
    client = signed_in(client, tree.a)
    first = post_batch(client, filings_for(tree.a, 2), **{"Idempotency-Key": "lo-1"})
    again = post_batch(client, filings_for(tree.a, 2), **{"Idempotency-Key": "lo-1"})
    assert first.status_code == again.status_code == 202
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert QueuedPetition.objects.count() == 2
    other = post_batch(client, filings_for(tree.a, 3), **{"Idempotency-Key": "lo-1"})
    assert other.status_code == 422 and QueuedPetition.objects.count() == 2


def test_each_petition_of_a_batch_counts_in_the_rate_limit(client, tree, monkeypatch):
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "5/min", "anon": "5/min"})
    cache.clear()
    client = signed_in(client, tree.a)
    assert post_batch(client, filings_for(tree.a, 3)).status_code == 202
    refused = post_batch(client, filings_for(tree.a, 3))
    assert refused.status_code == 429 and "Quá nhiều" in refused.json()["message"]
    assert int(refused["Retry-After"]) >= 1
    assert post_batch(client, filings_for(tree.a, 2)).status_code == 202
    assert client.get(reverse("api:petition-list")).status_code == 429  # the same count as every request
    assert QueuedPetition.objects.count() == 5


def test_a_denouncers_identity_stays_out_of_the_answer_and_the_stored_answer(client, tree):
    client = signed_in(client, tree.a)
    denunciation = filing(
        tree.a, kind=Kind.DENUNCIATION, petitioner_name=PLANTED_NAME, latitude=None, longitude=None
    )
    response = post_batch(client, [denunciation, *filings_for(tree.a, 1)], **{"Idempotency-Key": "lo-2"})
    assert response.status_code == 202 and PLANTED_NAME not in response.content.decode()
    assert PLANTED_NAME.encode() not in bytes(IdempotencyRecord.objects.get().response_body)
    code = response.json()["petitions"][0]["tracking_code"]
    queued = QueuedPetition.objects.get(tracking_code=code)
    assert PLANTED_NAME.encode() not in bytes(queued.payload)
    assert confidential.decrypt_payload(queued.payload)["confidential"] is True
    services.register_queued_petitions()
    petition = Petition.objects.get(tracking_code=code)
    assert petition.is_confidential and PLANTED_NAME not in (petition.petitioner_name or "")


def test_an_anonymous_session_is_refused(client, tree):
    assert post_batch(client, filings_for(tree.a, 1)).status_code in (401, 403)
    assert not QueuedPetition.objects.exists()
