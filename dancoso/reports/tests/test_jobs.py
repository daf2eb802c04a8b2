"""Province-wide generation as a job: a province officer starts it for a type, period and format; the worker
writes one file per unit below (its current report, or a draft not saved) and the province's own, as a .zip;
the progress page follows it; a unit whose PDF cannot be made is listed in the .zip without losing the others;
only those who may see the province's reports see the job or download its file, which is purged after a few
days."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from docx import Document

from dancoso.accounts.middleware import SESSION_UNIT_KEY
from dancoso.accounts.models import Role
from dancoso.petitions.tests.test_services import staff
from dancoso.reports import exports, jobs, services
from dancoso.reports.document import PdfUnavailable
from dancoso.reports.models import Report, ReportType
from dancoso.units.tests.factories import ProvinceFactory, UnitFactory

pytestmark = pytest.mark.django_db

TASK_PATH = "dancoso.reports.tasks.generate_reports_job"
SIX_MONTHS = "dan-chu-co-so-6-thang"


@pytest.fixture
def second(province):
    return UnitFactory(name="Phường Phù Liễn", parent=province, kind="ward")


@pytest.fixture
def province_officer(province):
    return staff(province, role=Role.PROVINCE_OFFICER)


def login(client, user, unit):
    client.force_login(user)
    session = client.session
    session[SESSION_UNIT_KEY] = unit.pk
    session.save()
    return client


def six_months() -> ReportType:
    return ReportType.objects.get(slug=SIX_MONTHS)


def run_jobs() -> None:
    """What `manage.py run_jobs` does with each waiting generation job."""
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
    for waiting in DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY"):
        waiting.claim(worker.worker_id)
        worker.run_task(waiting)


def start(client, file_format="docx", period="2026-H1") -> str:
    response = client.post(
        reverse("reports:generate"),
        {"report_type": six_months().pk, "period": period, "file_format": file_format},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    job_id = response["Location"].rstrip("/").split("/")[-1]
    assert response["Location"] == reverse("reports:generate_job", args=[job_id])
    return job_id


def downloaded(client, job_id) -> zipfile.ZipFile:
    response = client.get(reverse("reports:generate_download", args=[job_id]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_page_offers_the_job_and_a_post_starts_it_once(
    client, province, commune, second, province_officer
):
    login(client, province_officer, province)
    page = client.get(reverse("reports:generate"))
    assert page.status_code == 200 and "3" in page.content.decode()
    job_id = start(client)
    job = DBTaskResult.objects.get(task_path=TASK_PATH)
    assert str(job.id) == job_id and job.queue_name == "reports" and job.status == "READY"
    kwargs = job.args_kwargs["kwargs"]
    assert (
        kwargs["unit_id"] == province.pk and kwargs["period"] == "2026-H1" and kwargs["file_format"] == "docx"
    )
    assert start(client) == job_id, "the same generation is not queued twice while it waits"
    start(client, "xlsx")
    assert DBTaskResult.objects.filter(task_path=TASK_PATH).count() == 2
    waiting = client.get(reverse("reports:generate_job", args=[job_id])).content.decode()
    assert "hx-trigger" in waiting and "<progress" in waiting


def test_a_wrong_period_is_refused_on_the_form(client, province, commune, province_officer):
    login(client, province_officer, province)
    response = client.post(
        reverse("reports:generate"), {"report_type": six_months().pk, "period": "2026", "file_format": "docx"}
    )
    assert response.status_code == 200 and not DBTaskResult.objects.filter(task_path=TASK_PATH).exists()
    assert "2026-H1" in response.content.decode()


def test_the_zip_holds_each_units_file_and_the_provinces_own(
    client, province, commune, second, officer, province_officer
):
    submitted = services.create_report(
        unit=commune, report_type=six_months(), period="2026-H1", actor=officer
    )
    services.save_section_text(submitted, "khai-quat", "Xã có 19 thôn, 4.210 hộ.", actor=officer)
    services.submit_report(submitted, actor=officer)
    login(client, province_officer, province)
    job_id = start(client)
    run_jobs()
    page = client.get(reverse("reports:generate_job", args=[job_id])).content.decode()
    assert "hx-trigger" not in page, "a finished job stops refreshing"
    assert reverse("reports:generate_download", args=[job_id]) in page
    archive = downloaded(client, job_id)
    names = sorted(archive.namelist())
    assert names == sorted(
        exports.filename(unit, six_months(), "2026-H1", "docx") for unit in (commune, second, province)
    )
    commune_doc = Document(
        io.BytesIO(archive.read(exports.filename(commune, six_months(), "2026-H1", "docx")))
    )
    texts = "\n".join(p.text for p in commune_doc.paragraphs)
    assert "Xã có 19 thôn, 4.210 hộ." in texts, "the unit's submitted report, not a new draft"
    assert "Số: 01/BC-UBND" in "\n".join(
        cell.text for table in commune_doc.tables for row in table.rows for cell in row.cells
    )
    assert Report.objects.count() == 1, "the drafts of the others were not saved"
    result = DBTaskResult.objects.get(id=job_id)
    assert result.return_value["files"] == 3 and result.return_value["failures"] == []


def test_a_unit_whose_pdf_fails_does_not_lose_the_others(
    client, province, commune, second, province_officer, monkeypatch
):
    real = exports.render_live

    def render_live(*, unit, **kwargs):
        if unit == second:
            raise PdfUnavailable("LibreOffice đã dừng khi chuyển sang PDF.")
        return b"%PDF-1.7 " + unit.name.encode()

    monkeypatch.setattr(exports, "render_live", render_live)
    login(client, province_officer, province)
    job_id = start(client, "pdf")
    run_jobs()
    archive = downloaded(client, job_id)
    assert sorted(archive.namelist()) == sorted(
        [
            exports.filename(commune, six_months(), "2026-H1", "pdf"),
            exports.filename(province, six_months(), "2026-H1", "pdf"),
            jobs.FAILURES_NAME,
        ]
    )
    failures = archive.read(jobs.FAILURES_NAME).decode()
    assert "Phường Phù Liễn: LibreOffice đã dừng khi chuyển sang PDF." in failures
    page = client.get(reverse("reports:generate_job", args=[job_id])).content.decode()
    assert "Phường Phù Liễn: LibreOffice đã dừng khi chuyển sang PDF." in page
    assert real is not exports.render_live


def test_progress_is_read_from_the_file_the_job_writes(client, province, commune, province_officer):
    login(client, province_officer, province)
    job_id = start(client)
    DBTaskResult.objects.filter(id=job_id).update(status="RUNNING", started_at=timezone.now())
    jobs.write_progress(job_id, 1, 4)
    page = client.get(reverse("reports:generate_job", args=[job_id]), HTTP_HX_REQUEST="true").content.decode()
    assert 'value="25"' in page and "1" in page and "4" in page
    assert page.lstrip().startswith("<section"), "htmx gets the fragment only"


def test_only_those_who_may_see_the_provinces_reports_see_the_job(
    client, province, commune, officer, province_officer
):
    login(client, province_officer, province)
    job_id = start(client)
    run_jobs()
    colleague = staff(province, role=Role.PROVINCE_OFFICER)
    login(client, colleague, province)
    assert client.get(reverse("reports:generate_job", args=[job_id])).status_code == 200
    for outsider, unit in (
        (officer, commune),
        (staff(ProvinceFactory(name="Tỉnh Ninh Bình"), role=Role.PROVINCE_OFFICER), None),
    ):
        login(client, outsider, unit or outsider.memberships.get().unit)
        for name in ("reports:generate_job", "reports:generate_download"):
            assert client.get(reverse(name, args=[job_id])).status_code == 404
    login(client, officer, commune)
    assert client.post(
        reverse("reports:generate"),
        {"report_type": six_months().pk, "period": "2026-H1", "file_format": "docx"},
    ).status_code in (200, 403)
    assert DBTaskResult.objects.filter(task_path=TASK_PATH).count() == 1


def test_a_commune_without_units_below_is_told_so(client, commune, officer):
    login(client, officer, commune)
    response = client.post(
        reverse("reports:generate"),
        {"report_type": six_months().pk, "period": "2026-H1", "file_format": "docx"},
    )
    assert response.status_code == 200 and not DBTaskResult.objects.filter(task_path=TASK_PATH).exists()
    assert "Không có đơn vị nào báo cáo về đơn vị này." in response.content.decode()


def test_old_files_are_purged(client, province, commune, province_officer, monkeypatch):
    login(client, province_officer, province)
    job_id = start(client)
    run_jobs()
    name = DBTaskResult.objects.get(id=job_id).return_value["file"]
    assert default_storage.exists(name)
    assert jobs.purge_old() == 0
    assert jobs.purge_old(now=timezone.now() + jobs.KEEP + timedelta(minutes=1)) == 1
    assert not default_storage.exists(name)
    page = client.get(reverse("reports:generate_job", args=[job_id])).content.decode()
    assert reverse("reports:generate_download", args=[job_id]) not in page
    assert client.get(reverse("reports:generate_download", args=[job_id])).status_code == 404
