"""Province-wide generation (issue 5 point 8): the reports of every unit below one unit, and that unit's own
consolidated report, written out in one format and packed as one .zip, as a background job
(`tasks.generate_reports_job`).

Each unit's file is its current report, or a draft made from today's data and thrown away (`exports.render_live`:
nothing is saved). A unit whose file cannot be made (LibreOffice missing for a .pdf, a broken template) does not
stop the others: the .zip then holds `khong-tao-duoc.txt`, listing each such unit and why.

The .zip goes to private storage under `exports/reports/<job id>.zip` (never under a public URL: only
`views.generate_download` serves it, after checking the permission). While the job runs it writes its progress
next to it (`<job id>.progress.json`), which every app node and the worker can read whatever the cache. Files
are deleted `KEEP` after they were written (`tasks.purge_generated_reports`, hourly).
"""

from __future__ import annotations

import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError

from dancoso.core.job_files import JobFiles
from dancoso.reports import exports, services
from dancoso.reports.document import PdfUnavailable, TemplateProblem
from dancoso.reports.models import ReportType
from dancoso.units.models import Unit

EXPORT_DIR = "exports/reports"
KEEP = timedelta(days=7)
FAILURES_NAME = "khong-tao-duoc.txt"


@dataclass
class Outcome:
    files: int = 0
    failures: list[str] = field(default_factory=list)


FILES = JobFiles(EXPORT_DIR, ".zip", KEEP)
zip_path = FILES.path
write_progress = FILES.write_progress
read_progress = FILES.read_progress
open_zip = FILES.open
zip_exists = FILES.exists
purge_old = FILES.purge_old


def units_of(unit: Unit) -> list[Unit]:
    """Whose files the .zip holds: every unit expected to report to `unit`, then `unit` itself."""
    return [*services.reporting_units(unit).order_by("kind", "name"), unit]


def zip_filename(unit: Unit, report_type: ReportType, period: str, file_format: str) -> str:
    return f"bao-cao-{report_type.slug}-{unit.slug}-{period}-{file_format}.zip"


def write_zip(
    target, unit: Unit, report_type: ReportType, period: str, file_format: str, progress=None
) -> Outcome:
    """Write the .zip of `unit`'s units to the binary file `target`; `progress(done, total)` after each unit."""
    outcome = Outcome()
    units = units_of(unit)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for done, each in enumerate(units, start=1):
            try:
                content = exports.render_live(
                    unit=each, report_type=report_type, period=period, file_format=file_format
                )
            except (PdfUnavailable, TemplateProblem) as error:
                outcome.failures.append(f"{each.name}: {error}")
            except ValidationError as error:
                outcome.failures.append(f"{each.name}: {' '.join(error.messages)}")
            else:
                archive.writestr(exports.filename(each, report_type, period, file_format), content)
                outcome.files += 1
            if progress is not None:
                progress(done, len(units))
        if outcome.failures:
            lines = [
                "Không tạo được tệp báo cáo của các đơn vị sau:",
                *(f"- {line}" for line in outcome.failures),
            ]
            archive.writestr(FAILURES_NAME, "\n".join(lines) + "\n")
    return outcome


def build_zip(
    job_id: str, unit: Unit, report_type: ReportType, period: str, file_format: str
) -> tuple[str, Outcome]:
    """Write the .zip to private storage as `zip_path(job_id)`, reporting progress; the stored name and what
    was written."""
    write_progress(job_id, 0, len(units_of(unit)))
    try:
        with tempfile.TemporaryFile(suffix=".zip") as handle:
            outcome = write_zip(
                handle,
                unit,
                report_type,
                period,
                file_format,
                progress=lambda done, total: write_progress(job_id, done, total),
            )
            handle.seek(0)
            name = FILES.save(job_id, handle)
    finally:
        FILES.forget_progress(job_id)
    return name, outcome
