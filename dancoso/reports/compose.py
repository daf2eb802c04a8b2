"""A report as the document officials sign: its sections become the blocks of reports.document.ReportDocument
(headings, paragraphs, "- " and "+ " lines, the providers' sentences and their tables)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from dancoso.core.figures import RATE, Figure, Figures
from dancoso.reports import snapshot
from dancoso.reports.document import Block, ReportDocument, Signer, Table
from dancoso.reports.models import Report
from dancoso.reports.periods import Period
from dancoso.reports.services import fill_placeholders

HEADING_KINDS = {1: "heading1", 2: "heading2", 3: "heading3"}


def text_blocks(text: str) -> list[Block]:
    """Staff text: paragraphs split on blank lines (or lines); "- " and "+ " lines are bullets; a line like
    "1. …" or "a) …" on its own is a heading of the next level."""
    blocks = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith(("- ", "– ")):
            blocks.append(Block("bullet", line[2:].strip()))
        elif line.startswith("+ "):
            blocks.append(Block("subbullet", line[2:].strip()))
        else:
            blocks.append(Block("paragraph", line))
    return blocks


def _cell(figure: Figure):
    """A number, not text, so the annex keeps numeric cells (the writer formats them: 4.410; 97,61)."""
    if figure.value is None:
        return None
    value = Decimal(str(figure.value))
    if figure.kind == RATE:
        return (value * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if figure.decimals:
        return value.quantize(Decimal(1).scaleb(-figure.decimals), rounding=ROUND_HALF_UP)
    return int(value)


def figure_table(figures: Figures, title: str) -> Table:
    rows = [
        [position, figure.label, _cell(figure), "%" if figure.kind == RATE else figure.unit_word]
        for position, figure in enumerate(figures.figures, start=1)
    ]
    return Table(title=title, headers=["TT", "Nội dung", "Số liệu", "Đơn vị tính"], rows=rows)


def section_blocks(section) -> list[Block]:
    blocks = []
    if section.heading and section.level in HEADING_KINDS:
        blocks.append(Block(HEADING_KINDS[section.level], section.heading))
    for bundle in snapshot.figure_sets(section):
        if bundle.sentence:
            blocks.append(Block("paragraph", bundle.sentence))
    blocks += text_blocks(section.text)
    for bundle in snapshot.figure_sets(section):
        title = section.heading.split(". ", 1)[-1] if section.heading else bundle.provider
        blocks.append(Block("table", table=figure_table(bundle, title)))
    return blocks


def _lines(text: str) -> list[str]:
    return [
        line.strip().removeprefix("- ").rstrip(";.") for line in (text or "").splitlines() if line.strip()
    ]


def document_of(report: Report) -> ReportDocument:
    period = Period.parse(report.period)
    blocks = []
    for section in report.sections.all():
        blocks += section_blocks(section)
    return ReportDocument(
        parent_body=report.parent_body,
        issuing_body=report.issuing_body,
        number=report.number,
        symbol=report.symbol,
        place=report.place,
        issued_on=report.issued_on,
        year=report.issued_on.year if report.issued_on else period.end.year,
        summary=fill_placeholders(report.report_type.summary, report.unit, period),
        blocks=blocks,
        signer=Signer(report.signer_mode, report.signer_collective, report.signer_title, report.signer_name),
        recipients=_lines(report.recipients),
        archive=report.archive,
        addressees=_lines(report.addressees),
    )
