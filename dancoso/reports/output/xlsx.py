"""The .xlsx annex of a report: every table of the body on a sheet of its own, numbers stored as numbers."""

import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from dancoso.reports import legal
from dancoso.reports.output.model import ReportDocument, Table
from dancoso.reports.output.text import format_number, is_number, short_date

THIN = Side(style="thin", color="000000")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _font(**kwargs) -> Font:
    return Font(name=legal.FONT_NAME, size=kwargs.pop("size", legal.TABLE_TEXT_SIZE), **kwargs)


def _number_format(value) -> str:
    if isinstance(value, int):
        return "#,##0"
    if isinstance(value, Decimal):
        places = max(-value.as_tuple().exponent, 0) if isinstance(value.as_tuple().exponent, int) else 0
    else:
        places = 0 if float(value).is_integer() else 2
    return "#,##0" + ("." + "0" * places if places else "")


def _cell_value(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and value.as_tuple().exponent >= 0 else value
    return value


def _annex_line(document: ReportDocument) -> str:
    number = f"{document.number:0{legal.NUMBER_MIN_DIGITS}d}" if document.number else "     "
    return (
        f"(Kèm theo {document.title.strip().capitalize()} số {number}/{document.symbol} "
        f"ngày {short_date(document.issued_on, document.year)})"
    )


def _write_sheet(sheet, table: Table, annex_line: str) -> None:
    columns = max(len(table.headers), 1)
    sheet.append([" ".join(table.title.split())])
    sheet.append([annex_line])
    for row_index, font in ((1, _font(bold=True, size=13)), (2, _font(italic=True))):
        cell = sheet.cell(row=row_index, column=1)
        cell.font = font
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if columns > 1:
            sheet.merge_cells(start_row=row_index, start_column=1, end_row=row_index, end_column=columns)
    sheet.row_dimensions[1].height = 36
    sheet.append([])
    header_row = 4
    sheet.append([str(header) for header in table.headers])
    for cell in sheet[header_row]:
        cell.font = _font(bold=True)
        cell.border = GRID
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for values in table.rows:
        values = list(values) + [None] * (len(table.headers) - len(values))
        sheet.append([_cell_value(value) for value in values])
        for cell, value in zip(sheet[sheet.max_row], values, strict=False):
            cell.font = _font()
            cell.border = GRID
            if is_number(value):
                cell.number_format = _number_format(value)
                cell.alignment = Alignment(horizontal="center", vertical="center")
            else:
                cell.alignment = Alignment(vertical="center", wrap_text=True)
    if table.note.strip():
        sheet.append([])
        sheet.append([" ".join(table.note.split())])
        note = sheet.cell(row=sheet.max_row, column=1)
        note.font = _font(italic=True)
        note.alignment = Alignment(wrap_text=True, vertical="top")
        if columns > 1:
            sheet.merge_cells(
                start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=columns
            )
    for index, header in enumerate(table.headers, start=1):
        texts = [str(header)] + [format_number(row[index - 1]) for row in table.rows if index - 1 < len(row)]
        width = min(max((len(text) for text in texts), default=8) + 2, 60)
        sheet.column_dimensions[get_column_letter(index)].width = max(width, 6)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if len(table.headers) > 6 else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def render_xlsx(document: ReportDocument) -> bytes:
    """The annex: a sheet per table ("Bảng 1", "Bảng 2", …) with its title, the report it belongs to, the
    headers, the rows and the note, in Times New Roman; a report without tables gives a sheet saying so."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    annex_line = _annex_line(document)
    tables = document.tables()
    for index, table in enumerate(tables, start=1):
        _write_sheet(workbook.create_sheet(f"Bảng {index}"), table, annex_line)
    if not tables:
        sheet = workbook.create_sheet("Bảng")
        sheet.append([" ".join(document.summary.split())])
        sheet.append([annex_line])
        sheet.append([_("This report has no tables.")])
        for row in sheet.iter_rows():
            for cell in row:
                cell.font = _font()
    workbook.properties.creator = document.issuing_body
    workbook.properties.title = " ".join(document.summary.split())[:255]
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
