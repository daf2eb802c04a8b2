import json
import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.test import RequestFactory
from django.test.client import encode_multipart
from django.utils import timezone
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from dancoso.accounts.tests.factories import UserFactory
from dancoso.core import idempotency
from dancoso.core.idempotency import IdempotentMixin, idempotent
from dancoso.core.models import IdempotencyRecord, Notification

pytestmark = pytest.mark.django_db

calls: list[dict] = []


@idempotent
def submit(request):
    """Stands for a public submission: every real run creates something new."""
    calls.append(
        dict(request.POST.items()) if request.content_type != "application/json" else json.loads(request.body)
    )
    response = JsonResponse({"tracking_code": f"KN-{len(calls):04d}"}, status=201)
    response["Location"] = f"/petitions/KN-{len(calls):04d}"
    response["X-Debug"] = "not stored"
    return response


@idempotent
def answer_with(request, status):
    calls.append({})
    return HttpResponse(f"run {len(calls)}", status=status)


@idempotent
def explode(request):
    calls.append({})
    raise RuntimeError("database went away")


class SubmitApi(IdempotentMixin, APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def post(self, request):
        calls.append(request.data)
        return Response({"tracking_code": f"KN-{len(calls):04d}"}, status=201)


@pytest.fixture(autouse=True)
def _fresh_calls():
    calls.clear()


def post(body=None, key="key-1", user=None, ip="203.0.113.7", path="/petitions/"):
    headers = {"Idempotency-Key": key} if key is not None else {}
    request = RequestFactory().post(
        path,
        data=json.dumps(body or {"title": "Đường hỏng"}),
        content_type="application/json",
        headers=headers,
    )
    request.META["REMOTE_ADDR"] = ip
    request.user = user or AnonymousUser()
    return request


def test_a_retry_replays_the_first_response():
    first = submit(post())
    retry = submit(post())
    assert len(calls) == 1
    assert first.status_code == retry.status_code == 201
    assert retry.content == first.content
    assert retry["Location"] == first["Location"] and retry["Content-Type"] == "application/json"
    assert retry["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed") and not retry.has_header("X-Debug")


def test_the_same_key_with_another_body_is_rejected():
    submit(post({"title": "Đường hỏng"}))
    response = submit(post({"title": "Cống tắc"}))
    assert response.status_code == 422
    body = json.loads(response.content)
    assert body["code"] == "idempotency_key_reused" and body["fields"] == {} and body["message"]
    assert len(calls) == 1


def test_requests_without_a_key_or_other_methods_run_every_time():
    submit(post(key=None))
    submit(post(key=None))
    get = RequestFactory().get("/petitions/", headers={"Idempotency-Key": "key-1"})
    get.user = AnonymousUser()
    submit(get)
    assert len(calls) == 3
    assert not IdempotencyRecord.objects.exists()


def test_keys_are_scoped_to_the_caller_and_the_path():
    alice, bob = UserFactory(), UserFactory()
    submit(post(user=alice))
    submit(post(user=bob))
    submit(post(ip="198.51.100.1"))
    submit(post(ip="198.51.100.2"))
    submit(post(ip="198.51.100.2", path="/other/"))
    assert len(calls) == 5
    assert submit(post(user=alice))["Idempotent-Replayed"] == "true"
    assert len(calls) == 5


def test_a_duplicate_arriving_while_the_first_runs_gets_409():
    request = post()
    IdempotencyRecord.objects.create(
        key="key-1",
        scope=idempotency.request_scope(request),
        request_digest=idempotency.request_digest(request),
    )
    response = submit(request)
    assert response.status_code == 409
    assert json.loads(response.content)["code"] == "idempotency_request_in_progress"
    assert response["Retry-After"] == "1"
    assert calls == []


def test_a_request_that_died_in_flight_is_taken_over_after_a_while():
    request = post()
    IdempotencyRecord.objects.create(
        key="key-1",
        scope=idempotency.request_scope(request),
        request_digest=idempotency.request_digest(request),
        created_at=timezone.now() - idempotency.IN_FLIGHT_TIMEOUT - timedelta(seconds=1),
    )
    assert submit(request).status_code == 201
    assert len(calls) == 1


@pytest.mark.parametrize("status", [500, 503, 429])
def test_server_errors_and_retry_later_answers_are_not_stored(status):
    assert answer_with(post(), status).status_code == status
    assert answer_with(post(), status).content == b"run 2"
    assert not IdempotencyRecord.objects.exists()


def test_client_errors_are_stored():
    answer_with(post(), 400)
    replay = answer_with(post(), 400)
    assert (replay.status_code, replay.content, replay["Idempotent-Replayed"]) == (400, b"run 1", "true")


def test_an_exception_frees_the_key_for_a_retry():
    with pytest.raises(RuntimeError):
        explode(post())
    assert not IdempotencyRecord.objects.exists()
    with pytest.raises(RuntimeError):
        explode(post())
    assert len(calls) == 2


@pytest.mark.parametrize("key", ["", "x" * 201, "khóa-có-dấu", "two words"])
def test_malformed_keys_are_rejected(key):
    response = submit(post(key=key))
    assert response.status_code == 400
    assert json.loads(response.content)["code"] == "idempotency_key_invalid"
    assert calls == []


def test_multipart_retries_match_despite_a_new_boundary():
    def multipart(boundary, title="Đèn đường hỏng", photo=b"\x89PNG fake"):
        data = {"title": title, "photo": SimpleUploadedFile("anh.png", photo, content_type="image/png")}
        request = RequestFactory().post(
            "/petitions/",
            data=encode_multipart(boundary, data),
            content_type=f"multipart/form-data; boundary={boundary}",
            headers={"Idempotency-Key": "upload-1"},
        )
        request.user = AnonymousUser()
        return request

    assert submit(multipart("first-boundary")).status_code == 201
    assert submit(multipart("second-boundary"))["Idempotent-Replayed"] == "true"
    assert submit(multipart("third-boundary", photo=b"\x89PNG other")).status_code == 422
    assert len(calls) == 1


def test_drf_views_replay_through_the_mixin():
    view = SubmitApi.as_view()
    factory = APIRequestFactory()

    def request(title):
        return factory.post(
            "/api/v1/petitions/", {"title": title}, format="json", HTTP_IDEMPOTENCY_KEY="api-1"
        )

    first = view(request("Ngập nước"))
    retry = view(request("Ngập nước"))
    assert first.status_code == retry.status_code == 201
    assert json.loads(retry.content) == {"tracking_code": "KN-0001"} == json.loads(first.content)
    assert retry["Idempotent-Replayed"] == "true"
    assert view(request("Sạt lở")).status_code == 422
    assert len(calls) == 1
    assert getattr(view, "csrf_exempt", False) and view.cls is SubmitApi


def test_expired_records_are_purged_and_the_key_reusable():
    submit(post())
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert submit(post()).status_code == 201
    assert len(calls) == 2
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    fresh = submit(post(key="key-2"))
    assert fresh.status_code == 201
    assert idempotency.purge_expired() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["key-2"]
    assert idempotency.purge_idempotency_records.call() == 0


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="concurrent requests need a server database",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_file_once_and_get_the_same_answer():
    """Both requests run; the second waits at the unique key, its row is rolled back, it replays the first."""
    started = threading.Barrier(2)

    @idempotent
    def file_slowly(request):
        started.wait(timeout=10)
        note = Notification.objects.create(channel="email", recipient="a@example.vn", subject="s", body="b")
        return JsonResponse({"id": note.pk}, status=201)

    answers = []

    def client():
        try:
            answers.append(file_slowly(post()))
        finally:
            connection.close()

    threads = [threading.Thread(target=client) for _n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(answer.status_code for answer in answers) == [201, 201]
    assert answers[0].content == answers[1].content
    assert Notification.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1
    assert sorted(answer.get("Idempotent-Replayed", "") for answer in answers) == ["", "true"]
