"""A report written out as a file: .docx (NĐ 30/2020 layout, the type's uploaded template or the default), .pdf
(LibreOffice) or .xlsx (the annex of its tables)."""

from __future__ import annotations

from django.db import transaction

from dancoso.reports import compose, services
from dancoso.reports.document import render_docx, render_pdf, render_xlsx
from dancoso.reports.models import Report, ReportType

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def template_of(report_type: ReportType) -> bytes | None:
    if not report_type.template:
        return None
    with report_type.template.open("rb") as handle:
        return handle.read()


def render(report: Report, file_format: str) -> bytes:
    """The report as `file_format` ("docx", "pdf" or "xlsx"); PdfUnavailable when no PDF can be made here."""
    if file_format not in FORMATS:
        raise ValueError(f"unknown format {file_format!r}")
    document = compose.document_of(report)
    if file_format == "xlsx":
        return render_xlsx(document)
    docx = render_docx(document, template=template_of(report.report_type))
    return docx if file_format == "docx" else render_pdf(docx)


class _Preview(Exception):
    pass


def render_live(*, unit, report_type: ReportType, period: str, file_format: str) -> bytes:
    """The unit's current report for the period when it has one, else a draft made from today's data and thrown
    away (nothing is saved): what a scheduler or an administrator asks for."""
    report = Report.objects.current().filter(unit=unit, report_type=report_type, period=period).first()
    if report is not None:
        return render(report, file_format)
    output = b""
    try:
        with transaction.atomic():
            draft = services.create_report(unit=unit, report_type=report_type, period=period, actor=None)
            output = render(draft, file_format)
            raise _Preview
    except _Preview:
        pass
    return output


def filename(report_or_unit, report_type: ReportType, period: str, file_format: str) -> str:
    unit = getattr(report_or_unit, "unit", report_or_unit)
    return f"bao-cao-{report_type.slug}-{unit.slug}-{period}.{file_format}"
