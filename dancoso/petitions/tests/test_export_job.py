"""A large inbox export runs as a job: the threshold decides, the job writes the same rows as the direct export
(no contact, no confidential identity), the progress page follows it, and only those who may export the
unit's petitions see the job or download its file, which is deleted after a few days."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from dancoso.accounts import services as account_services
from dancoso.accounts.roles import Role
from dancoso.petitions import export_views, exports, services
from dancoso.petitions.models import Kind, Sector
from dancoso.petitions.tests import test_views as shared
from dancoso.petitions.tests.test_views import EXPORT, PERSON, login, make_petition, user_with

pytestmark = pytest.mark.django_db

tree = shared.tree  # the fixture of the staff test files
TASK_PATH = "dancoso.petitions.tasks.export_inbox_job"
SECRET_NAME = "Đỗ Văn Kín"
SECRET_PHONE = "0977111222"


@pytest.fixture
def small_limit(monkeypatch):
    """Two rows are answered at once; a third makes the export a job."""
    monkeypatch.setattr(exports, "DIRECT_EXPORT_MAX_ROWS", 2)


def job_url(job_id) -> str:
    return reverse("petitions:export_job", args=[job_id])


def download_url(job_id) -> str:
    return reverse("petitions:export_download", args=[job_id])


def export_jobs():
    return DBTaskResult.objects.filter(task_path=TASK_PATH)


def run_jobs() -> None:
    """What `manage.py run_jobs` does with each waiting export job."""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    for waiting in export_jobs().filter(status="READY"):
        waiting.claim(worker.worker_id)
        worker.run_task(waiting)


def start_job(client, query: dict | None = None) -> str:
    url = EXPORT + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    response = client.post(url)
    assert response.status_code == 302, response.content[:300]
    job_id = response["Location"].rstrip("/").split("/")[-1]
    assert response["Location"] == job_url(job_id)
    return job_id


def rows_of(content: bytes) -> list[list]:
    return [list(row) for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]


def downloaded(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content)


# ------------------------------------------------------------------------------------------ threshold


def test_a_small_export_is_still_the_file_itself(client, tree, small_limit):
    login(client, tree.commune)
    make_petition(tree.commune)
    make_petition(tree.commune)
    response = client.get(EXPORT)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert len(rows_of(response.content)) == 3
    assert not export_jobs().exists()


def test_a_large_export_offers_a_job_and_starts_it_only_on_post(client, tree, small_limit):
    user = login(client, tree.commune)
    for _ in range(3):
        make_petition(tree.commune)
    response = client.get(EXPORT, {"kind": Kind.PROPOSAL})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "Chuẩn bị tệp" in page and 'method="post"' in page and "?kind=proposal" in page
    assert not export_jobs().exists()

    job_id = start_job(client, {"kind": Kind.PROPOSAL})
    job = export_jobs().get()
    assert str(job.id) == job_id and job.queue_name == "reports" and job.status == "READY"
    kwargs = job.args_kwargs["kwargs"]
    assert kwargs["user_id"] == user.pk and kwargs["unit_id"] == tree.commune.pk
    assert kwargs["query"] == {"kind": Kind.PROPOSAL}
    assert start_job(client, {"kind": Kind.PROPOSAL}) == job_id, "the same export is not queued twice"
    assert export_jobs().count() == 1
    start_job(client, {"kind": Kind.PROPOSAL, "bucket": "all"})
    assert export_jobs().count() == 2, "other filters are another export"


def test_the_inbox_filters_decide_whether_it_is_large(client, tree, small_limit):
    login(client, tree.commune)
    for _ in range(3):
        make_petition(tree.commune)
    make_petition(tree.commune, kind=Kind.COMPLAINT)
    response = client.get(EXPORT, {"kind": Kind.COMPLAINT})
    assert response["Content-Type"].startswith("application/vnd.openxml")
    assert len(rows_of(response.content)) == 2


def test_without_a_backend_that_keeps_results_every_export_is_direct(client, tree, small_limit, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    login(client, tree.commune)
    for _ in range(3):
        make_petition(tree.commune)
    assert not export_views.jobs_supported()
    response = client.get(EXPORT)
    assert response["Content-Type"].startswith("application/vnd.openxml")
    assert len(rows_of(response.content)) == 4


# ------------------------------------------------------------------------------------------ the job


def test_the_job_writes_the_same_rows_as_the_direct_export(client, tree, small_limit, monkeypatch):
    user = login(client, tree.commune)
    land = Sector.objects.get(code="dat-dai")
    make_petition(tree.commune, kind=Kind.COMPLAINT, sector=land)
    for _ in range(3):
        services.assign_handler(make_petition(tree.commune), actor=user, handler=user)
    make_petition(tree.village)
    make_petition(tree.other)
    job_id = start_job(client)
    run_jobs()
    job = export_jobs().get()
    assert job.status == "SUCCESSFUL", job.traceback
    assert job.return_value["rows"] == 5
    assert job.return_value["file"] == exports.export_path(job_id)

    response = client.get(download_url(job_id))
    content = downloaded(response)
    assert response["Content-Disposition"].startswith('attachment; filename="don-thu-xa-an-khanh-')
    assert response["X-Content-Type-Options"] == "nosniff" and "no-store" in response["Cache-Control"]
    from_job = rows_of(content)

    monkeypatch.setattr(exports, "DIRECT_EXPORT_MAX_ROWS", 5_000)
    direct = rows_of(client.get(EXPORT).content)
    assert from_job == direct
    assert len(from_job) == 6  # header + the commune's and its village's five; the other commune's left out
    assert [row[5] for row in from_job[1:]].count(land.name) == 1
    assert [row[13] for row in from_job[1:]].count(user.get_full_name()) == 3


def test_the_job_never_writes_contacts_or_confidential_identities(client, tree, small_limit):
    login(client, tree.commune)
    make_petition(tree.commune, petitioner={**PERSON, "email": "khanh@example.vn"})
    secret = make_petition(
        tree.commune, kind=Kind.DENUNCIATION, petitioner={"name": SECRET_NAME, "phone": SECRET_PHONE}
    )
    make_petition(tree.commune, anonymous=True, petitioner=None)
    job_id = start_job(client, {"bucket": "all"})
    run_jobs()
    rows = rows_of(downloaded(client.get(download_url(job_id))))
    flat = " ".join(str(value) for row in rows for value in row if value is not None)
    for contact in (PERSON["phone"], PERSON["address"], "khanh@example.vn", SECRET_NAME, SECRET_PHONE):
        assert contact not in flat
    petitioners = {row[0]: row[14] for row in rows[1:]}
    assert petitioners[secret.tracking_code] == exports.petitioner_label(secret) == "Bảo mật"


def test_the_job_reports_its_progress_while_it_writes(tree, monkeypatch):
    for _ in range(5):
        make_petition(tree.commune)
    reports = []
    write = exports._write_progress

    def recorded(job_id, done, total):
        write(job_id, done, total)
        reports.append((done, total, exports.read_progress(job_id)))

    monkeypatch.setattr(exports, "_write_progress", recorded)
    monkeypatch.setattr(exports, "EXPORT_CHUNK", 2)
    monkeypatch.setattr(exports, "PROGRESS_INTERVAL_SECONDS", 0)
    from dancoso.petitions.models import Petition

    name, rows = exports.build_export_file(
        "job-1", Petition.objects.order_by("pk"), today=timezone.localdate()
    )
    assert rows == 5 and name == exports.export_path("job-1")
    assert [(done, total) for done, total, _read in reports] == [(0, 5), (2, 5), (4, 5)]
    assert all(read == {"done": done, "total": total} for done, total, read in reports)
    assert exports.read_progress("job-1") is None, "the progress file goes when the file is written"


def test_the_progress_page_follows_the_job(client, tree, small_limit):
    login(client, tree.commune)
    for _ in range(3):
        make_petition(tree.commune)
    job_id = start_job(client)

    page = client.get(job_url(job_id))
    assert page.status_code == 200 and page["Cache-Control"].startswith("max-age=0")
    text = page.content.decode()
    assert "Đang chờ" in text and f'hx-get="{job_url(job_id)}"' in text and 'http-equiv="refresh"' in text

    job = export_jobs().get()
    job.claim("test-worker")
    exports._write_progress(job_id, 1, 3)
    fragment = client.get(job_url(job_id), headers={"HX-Request": "true"})
    text = fragment.content.decode()
    assert text.lstrip().startswith('<section id="export-progress"'), "htmx gets the fragment only"
    assert 'value="33"' in text and "hx-trigger" in text

    job.status = "READY"
    job.save(update_fields=["status"])
    run_jobs()
    text = client.get(job_url(job_id), headers={"HX-Request": "true"}).content.decode()
    assert "hx-get" not in text, "a finished job is no longer polled"
    assert download_url(job_id) in text


def test_a_job_whose_requester_lost_the_permission_fails_without_a_file(client, tree, small_limit):
    user = login(client, tree.commune)
    for _ in range(3):
        make_petition(tree.commune)
    job_id = start_job(client)
    account_services.revoke_membership(user.memberships.get(), actor=None)
    run_jobs()
    assert export_jobs().get().status == "FAILED"
    assert not exports.export_exists(exports.export_path(job_id))
    colleague = user_with(tree.commune)
    client.force_login(colleague)
    text = client.get(job_url(job_id)).content.decode()
    assert 'role="alert"' in text and "hx-get" not in text
    assert client.get(download_url(job_id)).status_code == 404


# ------------------------------------------------------------------------------------------ who may


@pytest.fixture
def finished_job(client, tree, small_limit):
    requester = login(client, tree.commune)
    for _ in range(3):
        make_petition(tree.commune)
    job_id = start_job(client)
    run_jobs()
    client.logout()
    return type("Finished", (), {"id": job_id, "requester": requester})


@pytest.mark.parametrize(
    ("unit", "role"),
    [
        ("commune", Role.COMMUNE_OFFICER),  # a colleague who may export the same unit
        ("commune", Role.COMMUNE_LEADER),
        ("province", Role.PROVINCE_OFFICER),  # covers the commune
    ],
)
def test_those_who_may_export_the_unit_download_it(client, tree, finished_job, unit, role):
    client.force_login(user_with(getattr(tree, unit), role))
    assert client.get(job_url(finished_job.id)).status_code == 200
    assert len(rows_of(downloaded(client.get(download_url(finished_job.id))))) == 4


def test_the_requester_downloads_it(client, finished_job):
    client.force_login(finished_job.requester)
    assert len(rows_of(downloaded(client.get(download_url(finished_job.id))))) == 4


@pytest.mark.parametrize(
    ("unit", "role"),
    [
        ("other", Role.COMMUNE_OFFICER),  # another commune's officer
        ("other", Role.COMMUNE_LEADER),
        ("commune", Role.FRONT_OFFICER),  # sees the petitions, may not export them
        ("commune", Role.INSPECTION_BOARD_MEMBER),
        ("commune", Role.RESIDENT),
    ],
)
def test_anyone_else_is_refused_as_if_there_were_no_job(client, tree, finished_job, unit, role):
    client.force_login(user_with(getattr(tree, unit), role))
    for url in (job_url(finished_job.id), download_url(finished_job.id)):
        response = client.get(url)
        assert response.status_code == 404
        assert SECRET_NAME not in response.content.decode(errors="ignore")


def test_anonymous_is_sent_to_log_in(client, finished_job):
    for url in (job_url(finished_job.id), download_url(finished_job.id)):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_an_unknown_or_foreign_job_id_is_404(client, tree, finished_job):
    client.force_login(finished_job.requester)
    assert client.get(job_url("00000000-0000-4000-8000-000000000000")).status_code == 404
    other = DBTaskResult.objects.exclude(task_path=TASK_PATH).first()
    if other is not None:  # e.g. a notification's delivery job: not an export
        assert client.get(job_url(other.id)).status_code == 404


def test_pages_of_a_job_refuse_writes(client, finished_job):
    client.force_login(finished_job.requester)
    assert client.post(job_url(finished_job.id)).status_code == 405
    assert client.post(download_url(finished_job.id)).status_code == 405


# ------------------------------------------------------------------------------------------ retention


def test_files_are_deleted_after_a_few_days(client, finished_job):
    name = exports.export_path(finished_job.id)
    assert exports.export_exists(name)
    assert exports.purge_old_exports() == 0
    later = timezone.now() + exports.EXPORT_KEEP + timedelta(minutes=1)
    assert exports.purge_old_exports(now=later) == 1
    assert not exports.export_exists(name)
    client.force_login(finished_job.requester)
    assert client.get(download_url(finished_job.id)).status_code == 404
    text = client.get(job_url(finished_job.id)).content.decode()
    assert "đã bị xoá" in text or "đã bị xóa" in text


def test_the_purge_is_an_hourly_job():
    from dancoso.core import jobs
    from dancoso.petitions import tasks

    registered = {job.name: job for job in jobs.registered_jobs()}
    assert registered["petitions.purge_inbox_exports"].task is tasks.purge_inbox_exports
    assert registered["petitions.purge_inbox_exports"].every == timedelta(hours=1)
    assert tasks.purge_inbox_exports.call() == 0
