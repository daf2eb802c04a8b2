"""The staff inbox as an .xlsx file (openpyxl, streamed row by row in write-only mode).

Only a non-confidential petitioner's name is written; a confidential one shows "Bảo mật", an anonymous one
"Ẩn danh". No phone, e-mail or address is exported. Every text cell is written as text so a summary such
as "=HYPERLINK(…)" typed by a resident is never run as a formula.

Up to `DIRECT_EXPORT_MAX_ROWS` rows the file is built in the request. A larger export (a province holds
millions of petitions) runs as the job `tasks.export_inbox_job`: the workbook goes to a temporary file, then
to private storage under `exports/petitions/<job id>.xlsx` (never under a public URL: only
`export_views.download` serves it, after checking the permission). While it runs, the job writes its
progress next to it (`<job id>.progress.json`), which every app node and the worker can read whatever the
cache. Files are deleted `EXPORT_KEEP` after they were written (`tasks.purge_inbox_exports`, hourly).
"""

import io
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta

from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from dancoso.core.job_files import JobFiles
from dancoso.core.text import search_key

EXPORT_CHUNK = 2000
# Above this many rows the export runs as a job instead of inside the request (views.export).
DIRECT_EXPORT_MAX_ROWS = 5_000
EXPORT_DIR = "exports/petitions"
# Finished files hold petitioners' names: they are kept only this long (tasks.purge_inbox_exports).
EXPORT_KEEP = timedelta(days=3)
PROGRESS_INTERVAL_SECONDS = 1.0


def petitioner_label(petition) -> str:
    """What lists and exports show for the petitioner: never a protected identity."""
    if petition.is_confidential:
        return _("Confidential")
    if petition.is_anonymous:
        return _("Anonymous")
    return petition.petitioner_name


def _columns() -> list[str]:
    return [
        _("Tracking code"),
        _("Unit"),
        _("Received on"),
        _("Kind"),
        _("Received through"),
        _("Field"),
        _("Summary"),
        _("Status"),
        _("Deadline"),
        _("Deadline for"),
        _("Overdue"),
        _("Accepted on"),
        _("Resolved on"),
        _("Handler"),
        _("Petitioner"),
    ]


def _cell(sheet, value, *, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula
    if bold:
        cell.font = Font(bold=True)
    return cell


def _date_cell(sheet, value: date | None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if value is not None:
        cell.number_format = "DD/MM/YYYY"
    return cell


def _handler_name(petition) -> str:
    handler = petition.handler
    return (handler.get_full_name() or handler.get_username()) if handler else ""


def _row(sheet, petition, today: date) -> list:
    overdue = petition.is_overdue(today)
    return [
        _cell(sheet, petition.tracking_code),
        _cell(sheet, petition.unit.name),
        _date_cell(sheet, petition.received_on),
        _cell(sheet, petition.get_kind_display()),
        _cell(sheet, petition.get_channel_display()),
        _cell(sheet, petition.sector.name if petition.sector else ""),
        _cell(sheet, petition.title),
        _cell(sheet, petition.get_state_display()),
        _date_cell(sheet, petition.due_on),
        _cell(sheet, petition.get_due_kind_display() if petition.due_kind else ""),
        _cell(sheet, _("Yes") if overdue else ""),
        _date_cell(sheet, petition.accepted_on),
        _date_cell(sheet, petition.resolved_on),
        _cell(sheet, _handler_name(petition)),
        _cell(sheet, petitioner_label(petition)),
    ]


def write_inbox(petitions, target, *, today: date, progress: Callable[[int], None] | None = None) -> int:
    """Write the workbook of `petitions` (the filtered, ordered inbox queryset, any size: rows are streamed
    in chunks) to `target`, a path or a binary file; call `progress(rows written)` after each chunk.
    Returns the number of rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(_("Petitions"))[:31])
    sheet.append([_cell(sheet, title, bold=True) for title in _columns()])
    rows = petitions.select_related("unit", "sector", "handler").only(*EXPORTED_FIELDS)
    count = 0
    for count, petition in enumerate(rows.iterator(chunk_size=EXPORT_CHUNK), start=1):
        sheet.append(_row(sheet, petition, today))
        if progress is not None and count % EXPORT_CHUNK == 0:
            progress(count)
    workbook.save(target)
    return count


def export_inbox(petitions, *, today: date) -> bytes:
    """The workbook in memory, for a small export answered in the request."""
    buffer = io.BytesIO()
    write_inbox(petitions, buffer, today=today)
    return buffer.getvalue()


def export_filename(unit, day: date) -> str:
    return f"don-thu-{slugify(search_key(unit.name))}-{day:%Y%m%d}.xlsx"


def exceeds_direct_export(petitions) -> bool:
    """More rows than an export answered in the request may hold: one COUNT over at most
    DIRECT_EXPORT_MAX_ROWS + 1 rows, whatever the size of the province."""
    return petitions.order_by()[: DIRECT_EXPORT_MAX_ROWS + 1].count() > DIRECT_EXPORT_MAX_ROWS


# ------------------------------------------------------------------------------------------ export jobs


FILES = JobFiles(EXPORT_DIR, ".xlsx", EXPORT_KEEP)
export_path = FILES.path
_write_progress = FILES.write_progress
read_progress = FILES.read_progress
open_export = FILES.open
export_exists = FILES.exists
purge_old_exports = FILES.purge_old


def build_export_file(job_id: str, petitions, *, today: date) -> tuple[str, int]:
    """Write the workbook of `petitions` to private storage as `export_path(job_id)`, reporting progress;
    return the stored name and the number of rows."""
    total = petitions.order_by().count()
    last_report = [0.0]

    def progress(done: int) -> None:
        now = time.monotonic()
        if now - last_report[0] >= PROGRESS_INTERVAL_SECONDS:
            last_report[0] = now
            _write_progress(job_id, done, total)

    _write_progress(job_id, 0, total)
    try:
        with tempfile.TemporaryFile(suffix=".xlsx") as workbook_file:
            rows = write_inbox(petitions, workbook_file, today=today, progress=progress)
            workbook_file.seek(0)
            name = FILES.save(job_id, workbook_file)
    finally:
        FILES.forget_progress(job_id)
    return name, rows


# Reading only these columns keeps protected-by-design fields (phone, e-mail, address) out of memory too.
EXPORTED_FIELDS = (
    "tracking_code",
    "unit__name",
    "received_on",
    "kind",
    "channel",
    "sector__name",
    "title",
    "state",
    "due_on",
    "due_kind",
    "accepted_on",
    "resolved_on",
    "handler__full_name",
    "handler__username",
    "handler__first_name",
    "handler__last_name",
    "is_confidential",
    "is_anonymous",
    "petitioner_name",
)
