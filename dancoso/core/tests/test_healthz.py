"""/healthz: 200 {"status": "ok"} when the database and the job backend answer, 503 naming what is down."""

import pytest
from django.db import DatabaseError

from dancoso.core import views
from dancoso.core.views import CheckFailed

pytestmark = pytest.mark.django_db


def get_health(client):
    response = client.get("/healthz")
    return response, response.json()


def test_ok_when_database_and_jobs_answer(client, settings):
    settings.REDIS_URL = ""
    response, body = get_health(client)
    assert response.status_code == 200
    assert body == {"status": "ok", "checks": {"database": "ok", "jobs": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_needs_no_login_and_answers_head(client):
    assert client.head("/healthz").status_code == 200


def test_post_is_not_allowed(client):
    assert client.post("/healthz").status_code == 405


def test_database_down(client, monkeypatch):
    def database_refuses():
        raise DatabaseError("connection refused to db.internal:5432 as dancoso")

    monkeypatch.setattr(views, "check_database", database_refuses)
    response, body = get_health(client)
    assert response.status_code == 503
    assert body["status"] == "down"
    assert body["down"] == ["database"]
    assert body["checks"]["database"] == "down"
    assert body["checks"]["jobs"] == "ok"
    assert "db.internal" not in response.content.decode()  # details go to the log, not to the public


def test_jobs_down(client, monkeypatch, settings):
    settings.REDIS_URL = ""

    def jobs_refuse():
        raise CheckFailed("the task backend did not answer ping")

    monkeypatch.setattr(views, "check_jobs", jobs_refuse)
    response, body = get_health(client)
    assert response.status_code == 503
    assert body["down"] == ["jobs"]
    assert body["checks"] == {"database": "ok", "jobs": "down"}


def test_database_check_runs_a_real_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        views.check_database()


def test_jobs_check_queries_the_task_table_of_the_database_backend(settings, django_assert_num_queries):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_assert_num_queries(1) as captured:
        views.check_jobs()
    assert "django_tasks_database_dbtaskresult" in captured.captured_queries[0]["sql"]


def test_jobs_check_pings_a_backend_that_offers_it(monkeypatch):
    class Backend:
        def __init__(self, answer):
            self.answer = answer

        def ping(self):
            return self.answer

    monkeypatch.setattr(views, "_default_task_backend", lambda: Backend(True))
    views.check_jobs()
    monkeypatch.setattr(views, "_default_task_backend", lambda: Backend(False))
    with pytest.raises(CheckFailed):
        views.check_jobs()


def test_redis_is_checked_only_when_configured(client, settings, monkeypatch):
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"

    def redis_refuses():
        raise ConnectionError("redis unreachable")

    monkeypatch.setattr(views, "check_redis", redis_refuses)
    response, body = get_health(client)
    assert response.status_code == 503
    assert body["down"] == ["redis"]
    assert body["checks"] == {"database": "ok", "jobs": "ok", "redis": "down"}


def test_cache_round_trip_check_with_the_configured_cache():
    views.check_redis()  # locmem in the default test run, Redis when REDIS_URL is set (CI's PostgreSQL pass)
