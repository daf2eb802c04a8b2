"""The report writer (DESIGN.md §4, LEGAL.md §8): a `ReportDocument` written out as .docx in the NĐ 30/2020
layout, as .pdf through LibreOffice, and as the .xlsx annex of its tables. See docs/reports.md, "Documents".

    render_docx(document, template=None) -> bytes     the default template or an uploaded one
    render_pdf(docx_bytes) -> bytes                     raises PdfUnavailable
    render_xlsx(document) -> bytes
    default_template() -> bytes; template_problems(template) -> list[str]; TEMPLATE_VARIABLES
    vietnamese_date_line(place, day, year); number_line(number, symbol); format_number(value)
"""

from dancoso.reports.output.docx import (
    REQUIRED_VARIABLES,
    TEMPLATE_VARIABLES,
    TemplateProblem,
    default_template,
    render_docx,
    template_context,
    template_problems,
)
from dancoso.reports.output.model import BLOCK_KINDS, Block, Cell, ReportDocument, Signer, Table
from dancoso.reports.output.pdf import PdfUnavailable, render_pdf
from dancoso.reports.output.text import format_number, number_line, short_date, vietnamese_date_line
from dancoso.reports.output.xlsx import render_xlsx

__all__ = [
    "BLOCK_KINDS",
    "REQUIRED_VARIABLES",
    "TEMPLATE_VARIABLES",
    "Block",
    "Cell",
    "PdfUnavailable",
    "ReportDocument",
    "Signer",
    "Table",
    "TemplateProblem",
    "default_template",
    "format_number",
    "number_line",
    "render_docx",
    "render_pdf",
    "render_xlsx",
    "short_date",
    "template_context",
    "template_problems",
    "vietnamese_date_line",
]
