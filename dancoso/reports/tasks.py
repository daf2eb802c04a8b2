"""Jobs of the reports app: the province-wide generation of the units' reports as one .zip (enqueued by
views.generate), the hourly purge of those files and the daily deadline reminders (periodic, picked up by
core.jobs.autodiscover)."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils import translation
from django_tasks import task

from dancoso.core.jobs import periodic
from dancoso.reports import jobs, services
from dancoso.reports.models import ReportType
from dancoso.units.models import Unit

GENERATE_PERMISSION = "reports.write_report"
VIEW_PERMISSION = "reports.view_report"


@task(takes_context=True, queue_name="reports")
def generate_reports_job(
    context, *, user_id: int, unit_id: int, report_type_id: int, period: str, file_format: str, language: str
) -> dict:
    """Write the reports of every unit expected to report to `unit_id`, and its own, as one .zip in private
    storage (jobs.build_zip). The permission is checked again here: a role withdrawn since the request stops
    the job. Returns where the file is, its name for the download, how many files it holds and the units whose
    file could not be made; the progress page reads it from the task's result."""
    with translation.override(language):
        user = get_user_model().objects.get(pk=user_id)
        unit = Unit.objects.get(pk=unit_id)
        if not (user.is_active and user.has_perm(GENERATE_PERMISSION, unit)):
            raise PermissionDenied("The user may no longer generate the reports of this unit.")
        report_type = ReportType.objects.get(pk=report_type_id)
        name, outcome = jobs.build_zip(str(context.task_result.id), unit, report_type, period, file_format)
    return {
        "file": name,
        "filename": jobs.zip_filename(unit, report_type, period, file_format),
        "files": outcome.files,
        "failures": outcome.failures,
    }


@periodic(every=timedelta(hours=1), name="reports.purge_generated_reports")
@task()
def purge_generated_reports() -> int:
    """Delete the generated .zip files older than jobs.KEEP."""
    return jobs.purge_old()


@periodic(every=timedelta(days=1), name="reports.deadline_reminders")
@task()
def report_deadline_reminders() -> dict[str, int]:
    """The units that have not submitted hear `reminder_days` before each deadline and once it has passed;
    deduplicated, so a second run (or a catch-up after a missed day) sends nothing twice."""
    return services.send_report_reminders()
