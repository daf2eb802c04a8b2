"""Staff pages of a large inbox export run as a job (tasks.export_inbox_job): the offer to start it, its
progress page (refreshed by htmx, or by the browser without JavaScript) and the download of the file.

A job is known only by its task result (the task backend's row): its keyword arguments say who asked and for
which unit, its return value where the file is. Only users holding `petitions.export_petition` on that unit
see the job or download its file: the one who asked (while they still hold it) and their colleagues who
may export the same unit's petitions. Anyone else gets a 404, as for a job that does not exist.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist

from dancoso.petitions import exports, forms, tasks
from dancoso.units.models import Unit

EXPORT = tasks.EXPORT_PERMISSION
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
POLL_SECONDS = 2
# A request to export the same rows again while the first job is still waiting or running opens that job.
RUNNING_KEY_TTL = 60 * 60
RUNNING = (TaskResultStatus.READY, TaskResultStatus.RUNNING)


def jobs_supported() -> bool:
    """A job can be followed only when the task backend keeps results (the database backend does; the
    immediate and dummy ones do not: then every export is answered in the request)."""
    return tasks.export_inbox_job.get_backend().supports_get_result


def runs_as_job(petitions) -> bool:
    return jobs_supported() and exports.exceeds_direct_export(petitions)


def _query(request) -> dict[str, str]:
    """The inbox filters of the request, as the job's JSON argument."""
    return {name: request.GET[name] for name in forms.InboxFilterForm.base_fields if name in request.GET}


def _running_key(user_id: int, unit_id: int, query: dict, language: str, today: str) -> str:
    digest = hashlib.sha256(
        json.dumps([user_id, unit_id, sorted(query.items()), language, today]).encode()
    ).hexdigest()
    return f"petitions:export:{digest[:32]}"


def start_export(request, unit: Unit) -> str:
    """Enqueue the export of `unit`'s inbox as filtered in the request; the id of its job. The same export
    asked again while its job waits or runs is not enqueued twice."""
    arguments = {
        "user_id": request.user.pk,
        "unit_id": unit.pk,
        "query": _query(request),
        "language": translation.get_language() or "vi",
        "today": timezone.localdate().isoformat(),
    }
    key = _running_key(**arguments)
    earlier = cache.get(key)
    if earlier and _status(earlier) in RUNNING:
        return earlier
    result = tasks.export_inbox_job.enqueue(**arguments)
    cache.set(key, str(result.id), RUNNING_KEY_TTL)
    return str(result.id)


def _status(job_id: str) -> str | None:
    try:
        return tasks.export_inbox_job.get_result(job_id).status
    except (TaskResultDoesNotExist, ValidationError, ValueError):
        return None


def offer_page(request, unit: Unit):
    """What views.export shows for a large export: the job starts only when the user confirms (a POST)."""
    context = {
        "unit": unit,
        "limit": exports.DIRECT_EXPORT_MAX_ROWS,
        "query": request.GET.urlencode(),
    }
    return render(request, "petitions/staff/export_offer.html", context)


@dataclass(frozen=True)
class ExportJob:
    id: str
    status: str
    unit: Unit
    requested_by: object
    enqueued_at: datetime | None
    finished_at: datetime | None
    result: dict
    progress: dict | None

    @property
    def waiting(self) -> bool:
        return self.status == TaskResultStatus.READY

    @property
    def running(self) -> bool:
        return self.status == TaskResultStatus.RUNNING

    @property
    def failed(self) -> bool:
        return self.status == TaskResultStatus.FAILED

    @property
    def succeeded(self) -> bool:
        return self.status == TaskResultStatus.SUCCESSFUL

    @property
    def file_name(self) -> str:
        return str(self.result.get("file") or "")

    @property
    def ready(self) -> bool:
        return self.succeeded and exports.export_exists(self.file_name)

    @property
    def expired(self) -> bool:
        return self.succeeded and not self.ready

    @property
    def finished(self) -> bool:
        return self.failed or self.succeeded

    @property
    def kept_until(self) -> datetime | None:
        return self.finished_at + exports.EXPORT_KEEP if self.finished_at else None

    @property
    def percent(self) -> int | None:
        if not self.progress or not self.progress.get("total"):
            return None
        return min(100, int(100 * self.progress["done"] / self.progress["total"]))


def _job_or_404(request, job_id) -> ExportJob:
    """The export job `job_id`, if the user may export the petitions of its unit; else 404."""
    try:
        result = tasks.export_inbox_job.get_result(str(job_id))
    except (TaskResultDoesNotExist, ValidationError, ValueError) as error:
        raise Http404 from error
    if result.task.module_path != tasks.export_inbox_job.module_path:
        raise Http404
    unit = Unit.objects.filter(pk=result.kwargs.get("unit_id")).first()
    if unit is None or not request.user.has_perm(EXPORT, unit):
        raise Http404
    succeeded = result.status == TaskResultStatus.SUCCESSFUL
    return ExportJob(
        id=str(result.id),
        status=result.status,
        unit=unit,
        requested_by=get_user_model().objects.filter(pk=result.kwargs.get("user_id")).first(),
        enqueued_at=result.enqueued_at,
        finished_at=result.finished_at,
        result=(result.return_value or {}) if succeeded else {},
        progress=exports.read_progress(str(result.id)) if result.status == TaskResultStatus.RUNNING else None,
    )


@login_required
@never_cache
@require_safe
def job(request, job_id):
    """The progress of an export job; htmx asks again every POLL_SECONDS until it has finished."""
    export_job = _job_or_404(request, job_id)
    context = {
        "job": export_job,
        "unit": export_job.unit,
        "poll_seconds": POLL_SECONDS,
        "status_url": reverse("petitions:export_job", args=[export_job.id]),
        "download_url": reverse("petitions:export_download", args=[export_job.id]),
    }
    template = "petitions/staff/_export_progress.html" if request.htmx else "petitions/staff/export_job.html"
    return render(request, template, context)


@login_required
@never_cache
@require_safe
def download(request, job_id):
    export_job = _job_or_404(request, job_id)
    if not export_job.ready:
        raise Http404
    response = FileResponse(
        exports.open_export(export_job.file_name),
        as_attachment=True,
        filename=export_job.result.get("filename") or "don-thu.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
