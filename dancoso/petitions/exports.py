"""The staff inbox as an .xlsx file (openpyxl, streamed row by row in write-only mode).

Only a non-confidential petitioner's name is written; a confidential one shows "Bảo mật", an anonymous one
"Ẩn danh". No phone, e-mail or address is exported. Every text cell is written as text so a summary such
as "=HYPERLINK(…)" typed by a resident is never run as a formula.
"""

import io
from datetime import date

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

EXPORT_CHUNK = 2000


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


def export_inbox(petitions, *, today: date) -> bytes:
    """`petitions`: the filtered, ordered inbox queryset (any size: rows are streamed in chunks)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(_("Petitions"))[:31])
    sheet.append([_cell(sheet, title, bold=True) for title in _columns()])
    rows = petitions.select_related("unit", "sector", "handler").only(*EXPORTED_FIELDS)
    for petition in rows.iterator(chunk_size=EXPORT_CHUNK):
        sheet.append(_row(sheet, petition, today))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


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
