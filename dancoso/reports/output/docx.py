"""The .docx writer: an NĐ 30/2020 template (built here with python-docx) filled in by docxtpl (LEGAL.md §8).

The template holds the header table, the title and summary, `{{p body }}` where the body goes, the signature
block and "Nơi nhận". The body is a subdocument written with python-docx in the template's own "Report …"
paragraph styles, so an administrator who changes a style in an uploaded template changes every report. An
uploaded template is rendered in a sandboxed Jinja environment: it can read the context, nothing else.
"""

import io
import re
import zipfile
from datetime import datetime
from functools import lru_cache

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docxtpl import DocxTemplate, Listing
from jinja2 import TemplateError as JinjaTemplateError
from jinja2 import TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from dancoso.reports import legal
from dancoso.reports.output.model import Block, ReportDocument, Signer, Table
from dancoso.reports.output.text import (
    format_number,
    is_number,
    number_line,
    short_date,
    vietnamese_date_line,
)

# The names a template may use. Lists are meant for `{%p for line in … %}` loops.
TEMPLATE_VARIABLES: frozenset[str] = frozenset(
    {
        "parent_body",  # upper case: "UBND THÀNH PHỐ HẢI PHÒNG"; line breaks kept
        "issuing_body",  # upper case: "ỦY BAN NHÂN DÂN PHƯỜNG PHÙ LIỄN"; line breaks kept
        "number_line",  # "Số: 05/BC-UBND" / "Số:      /BC-UBND"
        "number",  # "05", empty for a draft
        "symbol",  # "BC-UBND"
        "place",  # "Phù Liễn"
        "date_line",  # "Phù Liễn, ngày 05 tháng 01 năm 2026"
        "issued_on",  # "05/01/2026"
        "year",  # 2026
        "title",  # upper case: "BÁO CÁO"
        "summary",  # the trích yếu; line breaks kept
        "addressees",  # list: the superiors the report is sent to
        "addressee_lines",  # list: "Kính gửi: Sở Nội vụ." or "Kính gửi:", "- A;", "- B."
        "body",  # the body: only as {{p body }}, a paragraph of its own
        "signer_authority_lines",  # list: "TM. ỦY BAN NHÂN DÂN", or "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"
        "signer_title",  # upper case: "PHÓ CHỦ TỊCH"
        "signer_name",  # "Nguyễn Văn A"
        "recipients",  # list: "- Sở Nội vụ;", …, "- Lưu: VT, VP."
    }
)
REQUIRED_VARIABLES = frozenset({"issuing_body", "number_line", "date_line", "summary", "body", "signer_name"})
TEMPLATE_MAX_UNPACKED_BYTES = 50 * 1024 * 1024

# The paragraph styles of the body, installed in a template that lacks them.
STYLE_BODY = "Report Body"
STYLE_HEADING = {
    "heading1": "Report Heading 1",
    "heading2": "Report Heading 2",
    "heading3": "Report Heading 3",
}
STYLE_BULLET = "Report Bullet"
STYLE_SUBBULLET = "Report Sub-bullet"
STYLE_TABLE_TITLE = "Report Table Title"
STYLE_TABLE_HEADER = "Report Table Header"
STYLE_TABLE_TEXT = "Report Table Text"
STYLE_TABLE_NOTE = "Report Table Note"

BULLET_MARKS = {"bullet": "- ", "subbullet": "+ "}
FIXED_TIMESTAMP = (2020, 1, 1, 0, 0, 0)


class TemplateProblem(ValueError):
    """An uploaded template that cannot be used; `problems` lists why, in the user's language."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


# ---------------------------------------------------------------------------------------------------------
# Low-level formatting


def _set_fonts(element, name: str = legal.FONT_NAME) -> None:
    """Times New Roman for every script of an rPr holder (a run, a style, the document defaults)."""
    rpr = element if element.tag == qn("w:rPr") else element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        rfonts.attrib.pop(qn(f"w:{attribute}"), None)
    for attribute in ("ascii", "hAnsi", "eastAsia", "cs"):
        rfonts.set(qn(f"w:{attribute}"), name)


def _set_size(rpr, size: float) -> None:
    for tag in ("w:sz", "w:szCs"):
        element = rpr.find(qn(tag))
        if element is None:
            element = OxmlElement(tag)
            rpr.append(element)
        element.set(qn("w:val"), str(int(size * 2)))


def _mark_size(paragraph, size: float) -> None:
    """The paragraph mark's size: the height of an empty paragraph, and what Word gives new text typed there."""
    ppr = paragraph._p.get_or_add_pPr()
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        ppr.append(rpr)
    _set_fonts(rpr)
    _set_size(rpr, size)


def _paragraph(
    container,
    text: str = "",
    *,
    size: float = legal.BODY_SIZE,
    bold: bool = False,
    italic: bool = False,
    align=WD_ALIGN_PARAGRAPH.CENTER,
    before: float = 0,
    after: float = 0,
    style: str | None = None,
    existing=None,
):
    paragraph = existing if existing is not None else container.add_paragraph(style=style)
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.line_spacing = 1.0
    fmt.first_line_indent = Cm(0)
    if text:
        run = paragraph.add_run(text)
        _set_fonts(run._r)
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.italic = italic
    _mark_size(paragraph, size)
    return paragraph


_PBDR_SUCCESSORS = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def _rule(container, width_cm: float, available_cm: float):
    """A centred horizontal rule `width_cm` long: the bottom border of an empty 1 pt paragraph."""
    paragraph = _paragraph(container, size=1)
    indent = max((available_cm - width_cm) / 2, 0)
    paragraph.paragraph_format.left_indent = Cm(indent)
    paragraph.paragraph_format.right_indent = Cm(indent)
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{key}"), value)
    border.append(bottom)
    ppr.insert_element_before(border, *_PBDR_SUCCESSORS)
    return paragraph


_TBLBORDERS_SUCCESSORS = (
    "w:shd",
    "w:tblLayout",
    "w:tblCellMar",
    "w:tblLook",
    "w:tblCaption",
    "w:tblDescription",
)


def _table_borders(table, value: str) -> None:
    """All borders of a table: "nil" for the borderless layout tables, "single" for body tables."""
    tbl_pr = table._tbl.tblPr
    old = tbl_pr.find(qn("w:tblBorders"))
    if old is not None:
        tbl_pr.remove(old)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), value)
        if value != "nil":
            element.set(qn("w:sz"), "4")
            element.set(qn("w:space"), "0")
            element.set(qn("w:color"), "000000")
        borders.append(element)
    tbl_pr.insert_element_before(borders, *_TBLBORDERS_SUCCESSORS)


def _column_widths(table, widths_cm: list[float]) -> None:
    table.autofit = False
    tbl_w = table._tbl.tblPr.find(qn("w:tblW"))  # python-docx writes one with every table
    tbl_w.set(qn("w:w"), str(round(sum(widths_cm) * 567)))
    tbl_w.set(qn("w:type"), "dxa")
    for index, width in enumerate(widths_cm):
        table.columns[index].width = Cm(width)
        for cell in table.columns[index].cells:
            cell.width = Cm(width)


def _page_field(paragraph, size: float) -> None:
    """A PAGE field (Word and LibreOffice fill in the page number)."""

    def run_with(*children):
        run = paragraph.add_run()
        _set_fonts(run._r)
        run.font.size = Pt(size)
        for child in children:
            run._r.append(child)
        return run

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(begin)
    run_with(instruction)
    run_with(separate)
    run_with().add_text("2")
    run_with(end)


def _text_width_cm(docx_document) -> float:
    section = docx_document.sections[-1]
    return (section.page_width - section.left_margin - section.right_margin) / 360000


# ---------------------------------------------------------------------------------------------------------
# Styles


def _paragraph_style(styles, name: str, *, replace: bool):
    """The paragraph style `name`: created when missing; an existing one is reset only when `replace`."""
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        return style, True
    return style, replace


def _configure(
    style,
    *,
    size: float,
    bold: bool = False,
    italic: bool = False,
    align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: float | None = legal.FIRST_LINE_INDENT_CM,
    before: float = 0,
    after: float = legal.PARAGRAPH_SPACING_PT,
    line_spacing: float = legal.LINE_SPACING,
    keep_with_next: bool = False,
    outline_level: int | None = None,
) -> None:
    style.quick_style = True
    _set_fonts(style.element)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = italic
    style.font.color.rgb = RGBColor(0, 0, 0)
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.first_line_indent = Cm(indent) if indent is not None else Cm(0)
    fmt.left_indent = Cm(0)
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.line_spacing = line_spacing
    fmt.keep_with_next = keep_with_next
    fmt.widow_control = True
    if outline_level is not None:
        ppr = style.element.get_or_add_pPr()
        level = ppr.find(qn("w:outlineLvl"))
        if level is None:
            level = OxmlElement("w:outlineLvl")
            ppr.insert_element_before(level, "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
        level.set(qn("w:val"), str(outline_level))


def install_styles(docx_document, *, replace: bool = False) -> None:
    """Add the body's paragraph styles to a document; `replace` resets the ones it already has."""
    styles = docx_document.styles
    body_specs = {
        STYLE_BODY: {"size": legal.BODY_SIZE},
        STYLE_HEADING["heading1"]: {
            "size": legal.BODY_SIZE,
            "bold": True,
            "keep_with_next": True,
            "outline_level": 0,
        },
        STYLE_HEADING["heading2"]: {
            "size": legal.BODY_SIZE,
            "bold": True,
            "keep_with_next": True,
            "outline_level": 1,
        },
        STYLE_HEADING["heading3"]: {
            "size": legal.BODY_SIZE,
            "italic": True,
            "keep_with_next": True,
            "outline_level": 2,
        },
        STYLE_BULLET: {"size": legal.BODY_SIZE},
        STYLE_SUBBULLET: {"size": legal.BODY_SIZE},
        STYLE_TABLE_TITLE: {
            "size": legal.BODY_SIZE,
            "bold": True,
            "align": WD_ALIGN_PARAGRAPH.CENTER,
            "indent": None,
            "before": legal.PARAGRAPH_SPACING_PT,
            "keep_with_next": True,
        },
        STYLE_TABLE_HEADER: {
            "size": legal.TABLE_TEXT_SIZE,
            "bold": True,
            "align": WD_ALIGN_PARAGRAPH.CENTER,
            "indent": None,
            "before": 2,
            "after": 2,
            "line_spacing": 1.0,
        },
        STYLE_TABLE_TEXT: {
            "size": legal.TABLE_TEXT_SIZE,
            "align": WD_ALIGN_PARAGRAPH.LEFT,
            "indent": None,
            "before": 2,
            "after": 2,
            "line_spacing": 1.0,
        },
        STYLE_TABLE_NOTE: {"size": legal.TABLE_TEXT_SIZE, "italic": True, "indent": None, "before": 3},
    }
    for name, spec in body_specs.items():
        style, configure = _paragraph_style(styles, name, replace=replace)
        if configure:
            _configure(style, **spec)


def _document_defaults(docx_document) -> None:
    """Times New Roman 14 and Vietnamese for everything that names no font (Normal, tables, headers)."""
    styles_element = docx_document.styles.element
    defaults = styles_element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr)
    _set_size(rpr, legal.BODY_SIZE)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "vi-VN")
    lang.set(qn("w:eastAsia"), "vi-VN")
    normal = docx_document.styles["Normal"]
    _set_fonts(normal.element)
    normal.font.size = Pt(legal.BODY_SIZE)
    # The theme fonts (Calibri, Cambria) of the stock styles, table styles included, would win over the defaults.
    for rfonts in list(styles_element.iter(qn("w:rFonts"))):
        _set_fonts(rfonts.getparent())


# ---------------------------------------------------------------------------------------------------------
# The default template


def _normalised_zip(data: bytes) -> bytes:
    """The same bytes for the same content: fixed timestamps and order in the zip."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIMESTAMP)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def _build_default_template() -> bytes:
    doc = Document()
    for paragraph in list(doc.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)
    _document_defaults(doc)
    install_styles(doc, replace=True)
    core = doc.core_properties
    core.author = ""
    core.last_modified_by = ""
    core.title = ""
    core.comments = ""
    core.created = core.modified = datetime(2020, 1, 1)  # a fixed stamp: the same bytes every build
    core.revision = 1

    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Mm(legal.PAGE_WIDTH_MM)
    section.page_height = Mm(legal.PAGE_HEIGHT_MM)
    section.top_margin = Mm(legal.MARGIN_TOP_MM)
    section.bottom_margin = Mm(legal.MARGIN_BOTTOM_MM)
    section.left_margin = Mm(legal.MARGIN_LEFT_MM)
    section.right_margin = Mm(legal.MARGIN_RIGHT_MM)
    section.header_distance = Mm(legal.HEADER_DISTANCE_MM)
    section.footer_distance = Mm(legal.HEADER_DISTANCE_MM)
    # Page numbers centred in the top margin from page 2; page 1 has a header of its own, empty.
    section.different_first_page_header_footer = True
    header = section.header
    header.is_linked_to_previous = False
    _page_field(
        _paragraph(header, existing=header.paragraphs[0], size=legal.PAGE_NUMBER_SIZE), legal.PAGE_NUMBER_SIZE
    )
    first = section.first_page_header
    first.is_linked_to_previous = False
    _paragraph(first, existing=first.paragraphs[0], size=legal.PAGE_NUMBER_SIZE)

    text_width = _text_width_cm(doc)
    left_width, right_width = 7.2, text_width - 7.2  # the national name in 12 pt bold needs 8.8 cm
    cell_margin = 0.38  # Word's default left + right cell margins

    # Header: issuing body on the left, national name and date on the right, no borders.
    head = doc.add_table(rows=1, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    _table_borders(head, "nil")
    _column_widths(head, [left_width, right_width])
    left, right = head.rows[0].cells
    _paragraph(left, "{{ parent_body }}", size=legal.PARENT_BODY_SIZE, existing=left.paragraphs[0])
    _paragraph(left, "{{ issuing_body }}", size=legal.ISSUING_BODY_SIZE, bold=True)
    _rule(left, (left_width - cell_margin) / 3, left_width - cell_margin)
    _paragraph(left, "{{ number_line }}", size=legal.NUMBER_SIZE, before=6)
    _paragraph(
        right, legal.NATIONAL_NAME, size=legal.NATIONAL_NAME_SIZE, bold=True, existing=right.paragraphs[0]
    )
    _paragraph(right, legal.MOTTO, size=legal.MOTTO_SIZE, bold=True)
    _rule(right, 6.3, right_width - cell_margin)  # as wide as the motto in 13 pt bold
    _paragraph(right, "{{ date_line }}", size=legal.DATE_LINE_SIZE, italic=True, before=6)
    for cell in (left, right):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP

    # Title, summary, a short rule; the addressees of a report to a superior.
    _paragraph(doc, "{{ title }}", size=legal.TITLE_SIZE, bold=True, before=18)
    _paragraph(doc, "{{ summary }}", size=legal.SUMMARY_SIZE, bold=True)
    _rule(doc, 3.5, text_width)
    _paragraph(doc, "{%p for line in addressee_lines %}", size=legal.ADDRESSEE_SIZE)
    _paragraph(doc, "{{ line }}", size=legal.ADDRESSEE_SIZE, before=6)
    _paragraph(doc, "{%p endfor %}", size=legal.ADDRESSEE_SIZE)
    _paragraph(doc, "", size=legal.BODY_SIZE, after=6)
    _paragraph(doc, "{{p body }}", size=legal.BODY_SIZE, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _paragraph(doc, "", size=legal.BODY_SIZE)  # keeps a body ending in a table apart from the signature table

    # Signature block on the right; "Nơi nhận" flush left, level with the authority line.
    sign = doc.add_table(rows=1, cols=2)
    sign.alignment = WD_TABLE_ALIGNMENT.CENTER
    _table_borders(sign, "nil")
    _column_widths(sign, [text_width - 8.5, 8.5])
    recipients, signer = sign.rows[0].cells
    _paragraph(
        recipients,
        legal.RECIPIENTS_LABEL,
        size=legal.RECIPIENTS_LABEL_SIZE,
        bold=True,
        italic=True,
        align=WD_ALIGN_PARAGRAPH.LEFT,
        before=12,
        existing=recipients.paragraphs[0],
    )
    _paragraph(
        recipients, "{%p for line in recipients %}", size=legal.RECIPIENT_SIZE, align=WD_ALIGN_PARAGRAPH.LEFT
    )
    _paragraph(recipients, "{{ line }}", size=legal.RECIPIENT_SIZE, align=WD_ALIGN_PARAGRAPH.LEFT)
    _paragraph(recipients, "{%p endfor %}", size=legal.RECIPIENT_SIZE, align=WD_ALIGN_PARAGRAPH.LEFT)
    _paragraph(
        signer,
        "{%p for line in signer_authority_lines %}",
        size=legal.SIGNATURE_SIZE,
        existing=signer.paragraphs[0],
    )
    _paragraph(signer, "{{ line }}", size=legal.SIGNATURE_SIZE, bold=True, before=12)
    _paragraph(signer, "{%p endfor %}", size=legal.SIGNATURE_SIZE)
    _paragraph(signer, "{%p if signer_title %}", size=legal.SIGNATURE_SIZE)
    _paragraph(signer, "{{ signer_title }}", size=legal.SIGNATURE_SIZE, bold=True)
    _paragraph(signer, "{%p endif %}", size=legal.SIGNATURE_SIZE)
    for _line in range(4):  # room for the signature and the seal
        _paragraph(signer, "", size=legal.SIGNATURE_SIZE)
    _paragraph(signer, "{{ signer_name }}", size=legal.SIGNATURE_SIZE, bold=True)
    for cell in (recipients, signer):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP

    out = io.BytesIO()
    doc.save(out)
    return _normalised_zip(out.getvalue())


@lru_cache(maxsize=1)
def default_template() -> bytes:
    """The NĐ 30/2020 report template (.docx with docxtpl placeholders), the same bytes on every call."""
    return _build_default_template()


# ---------------------------------------------------------------------------------------------------------
# Filling in


def _signer_lines(signer: Signer) -> list[str]:
    if signer.mode not in legal.SIGNATURE_MODES:
        raise ValueError(f"unknown signature mode {signer.mode!r}")
    lines = []
    if signer.on_behalf_of:
        lines.append(f"{legal.SIGNATURE_MODES['TM']} {signer.on_behalf_of}".upper())
    if signer.mode:
        lines.append(f"{legal.SIGNATURE_MODES[signer.mode]} {signer.collective}".upper())
    return lines


def _recipient_lines(recipients, archive: str) -> list[str]:
    lines = []
    for entry in recipients:
        entry = entry.strip().removeprefix("-").strip().rstrip(";.").strip()
        if entry:
            lines.append(f"- {entry};")
    archive = archive.strip()
    lines.append(f"- {legal.ARCHIVE_PREFIX}, {archive}." if archive else f"- {legal.ARCHIVE_PREFIX}.")
    return lines


def _addressee_lines(addressees) -> list[str]:
    names = [name.strip().removeprefix("-").strip().rstrip(";.").strip() for name in addressees]
    names = [name for name in names if name]
    if not names:
        return []
    if len(names) == 1:
        return [f"{legal.ADDRESSEE_LABEL} {names[0]}."]
    return [legal.ADDRESSEE_LABEL, *[f"- {name};" for name in names[:-1]], f"- {names[-1]}."]


def template_context(document: ReportDocument) -> dict:
    """Everything a template may use except `body` (see TEMPLATE_VARIABLES)."""
    return {
        "parent_body": Listing(document.parent_body.strip().upper()),  # a "\n" breaks the line there
        "issuing_body": Listing(document.issuing_body.strip().upper()),
        "number_line": number_line(document.number, document.symbol),
        "number": f"{document.number:0{legal.NUMBER_MIN_DIGITS}d}" if document.number else "",
        "symbol": document.symbol,
        "place": document.place,
        "date_line": vietnamese_date_line(document.place, document.issued_on, document.year),
        "issued_on": short_date(document.issued_on, document.year),
        "year": document.year,
        "title": document.title.upper(),
        "summary": Listing(document.summary.strip()),
        "addressees": list(document.addressees),
        "addressee_lines": _addressee_lines(document.addressees),
        "signer_authority_lines": _signer_lines(document.signer),
        "signer_title": document.signer.title.upper(),
        "signer_name": document.signer.name,
        "recipients": _recipient_lines(document.recipients, document.archive),
    }


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def _column_weights(table: Table) -> list[float]:
    columns = len(table.headers)
    weights = []
    for index in range(columns):
        texts = [table.headers[index]] + [
            format_number(row[index]) for row in table.rows if index < len(row) and row[index] is not None
        ]
        longest_word = max((len(word) for text in texts for word in str(text).split()), default=1)
        weights.append(max(min(max(len(str(text)) for text in texts), 60), longest_word, 4))
    return weights


def _write_table(container, table: Table, text_width: float) -> None:
    if table.title.strip():
        container.add_paragraph(" ".join(_lines(table.title)), style=STYLE_TABLE_TITLE)
    columns = len(table.headers)
    if columns == 0:
        raise ValueError("a table needs headers")
    grid = container.add_table(rows=1 + len(table.rows), cols=columns)
    _table_borders(grid, "single")
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    weights = _column_weights(table)
    _column_widths(grid, [text_width * weight / sum(weights) for weight in weights])
    header_row = grid.rows[0]
    tr_pr = header_row._tr.get_or_add_trPr()
    for tag in ("w:tblHeader", "w:cantSplit"):  # the header row repeats on every page
        tr_pr.append(OxmlElement(tag))
    for cell, text in zip(header_row.cells, table.headers, strict=True):
        cell.paragraphs[0].style = container.part.document.styles[STYLE_TABLE_HEADER]
        cell.paragraphs[0].add_run(str(text))
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    for row, values in zip(grid.rows[1:], table.rows, strict=True):
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        if len(values) > columns:
            raise ValueError(f"a row of table {table.title!r} has more cells than headers")
        values = list(values) + [None] * (columns - len(values))
        for cell, value in zip(row.cells, values, strict=True):
            paragraph = cell.paragraphs[0]
            paragraph.style = container.part.document.styles[STYLE_TABLE_TEXT]
            if is_number(value):
                paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.add_run(format_number(value))
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    if table.note.strip():
        for line in _lines(table.note):
            container.add_paragraph(line, style=STYLE_TABLE_NOTE)


def write_body(container, blocks: list[Block], text_width: float) -> None:
    """The body blocks as paragraphs and tables of `container` (a python-docx Document)."""
    previous = None
    for block in blocks:
        if block.kind == "table" and previous == "table" and block.table and not block.table.title.strip():
            # Two tables with nothing between them would become one.
            container.add_paragraph("", style=STYLE_BODY)
        previous = (
            block.kind if block.kind != "table" or not (block.table and block.table.note.strip()) else "note"
        )
        if block.kind in STYLE_HEADING:
            text = " ".join(_lines(block.text))
            if block.kind == "heading1":
                text = text.upper()
            container.add_paragraph(text, style=STYLE_HEADING[block.kind])
        elif block.kind == "paragraph":
            for line in _lines(block.text):
                container.add_paragraph(line, style=STYLE_BODY)
        elif block.kind in BULLET_MARKS:
            mark = BULLET_MARKS[block.kind]
            style = STYLE_BULLET if block.kind == "bullet" else STYLE_SUBBULLET
            for line in _lines(block.text):
                line = line.removeprefix(mark.strip()).strip()
                container.add_paragraph(mark + line, style=style)
        elif block.kind == "table":
            if block.table is None:
                raise ValueError("a table block needs a table")
            _write_table(container, block.table, text_width)
        else:
            raise ValueError(f"unknown block kind {block.kind!r}")


class _Body:
    """The body as a docxtpl subdocument: a python-docx document that shares the template's part, so it
    writes with the template's styles; `{{p body }}` puts its paragraphs and tables in place. (docxtpl's own
    Subdoc does the same but imports docxcompose, which only a subdocument from a file needs.)"""

    def __init__(self, template_docx):
        # Private: the sandbox hides names starting with "_", so a template cannot reach the document's save().
        self._document = Document()
        self._document._part = template_docx._part

    def __html__(self) -> str:
        body = self._document.element.body
        if body.sectPr is not None:
            body.remove(body.sectPr)
        return re.sub(r"</?w:body[^>]*>", "", etree.tostring(body, encoding="unicode"))

    __str__ = __html__


def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=True)


def _fill(document: ReportDocument, source: bytes) -> bytes:
    template = DocxTemplate(io.BytesIO(source))
    docx_document = template.get_docx()
    install_styles(docx_document)
    body = _Body(docx_document)
    write_body(body._document, document.blocks, _text_width_cm(docx_document))
    context = template_context(document)
    context["body"] = body
    template.render(context, jinja_env=_environment(), autoescape=True)
    core = template.docx.core_properties
    core.title = " ".join(_lines(document.summary))[:255]
    core.subject = document.title
    core.author = document.issuing_body
    core.last_modified_by = ""
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def render_docx(document: ReportDocument, template: bytes | None = None) -> bytes:
    """The report as .docx, from the default NĐ 30 template or an uploaded one (raises TemplateProblem when
    the uploaded template cannot be used)."""
    if template is None:
        return _fill(document, default_template())
    problems = _static_problems(template)
    if problems:
        raise TemplateProblem(problems)
    try:
        return _fill(document, template)
    except JinjaTemplateError as error:
        raise TemplateProblem(
            [_("The template could not be filled in: %(error)s") % {"error": str(error)}]
        ) from error


# ---------------------------------------------------------------------------------------------------------
# Checking an uploaded template


def _visible_text(xml: str) -> str:
    return re.sub(r"<[^>]+>", "", xml)


def _static_problems(template: bytes) -> list[str]:
    not_docx = _("The file is not a Word document (.docx).")
    try:
        archive = zipfile.ZipFile(io.BytesIO(template))
        names = set(archive.namelist())
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return [not_docx]
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        return [not_docx]
    if unpacked > TEMPLATE_MAX_UNPACKED_BYTES:
        return [_("The template is too large once unpacked (more than %(mb)d MB).") % {"mb": 50}]
    try:
        tpl = DocxTemplate(io.BytesIO(template))
        tpl.init_docx()
        variables = tpl.get_undeclared_template_variables(jinja_env=_environment())
        xml = tpl.get_xml()
    except TemplateSyntaxError as error:
        return [_("Template syntax error: %(error)s") % {"error": error.message}]
    except JinjaTemplateError as error:
        return [_("Template error: %(error)s") % {"error": str(error)}]
    except Exception:  # python-docx raises several kinds on a damaged package
        return [not_docx]
    problems = [
        _(
            "Unknown placeholder {{ %(name)s }}: a template may only use the names listed in the documentation."
        )
        % {"name": name}
        for name in sorted(variables - TEMPLATE_VARIABLES)
    ]
    problems += [
        _("Required placeholder {{ %(name)s }} is missing.") % {"name": name}
        for name in sorted(REQUIRED_VARIABLES - variables)
    ]
    if "body" in variables and not re.search(r"\{\{\s*p\s+body\s*\}\}", _visible_text(xml)):
        problems.append(_("The body must be a paragraph of its own written {{p body }}, not {{ body }}."))
    return problems


_TRIAL = ReportDocument(
    parent_body="UBND TỈNH MẪU",
    issuing_body="ỦY BAN NHÂN DÂN XÃ MẪU",
    number=1,
    symbol="BC-UBND",
    place="Mẫu",
    issued_on=None,
    year=2026,
    summary="Kiểm tra mẫu báo cáo",
    blocks=[
        Block("heading1", "I. Mục"),
        Block("paragraph", "Đoạn văn."),
        Block(
            "table", table=Table("Bảng", ["STT", "Nội dung", "Số lượng"], [[1, "Hồ sơ", 4410]], "Ghi chú.")
        ),
    ],
    signer=Signer("KT", "CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Người Ký", on_behalf_of="ỦY BAN NHÂN DÂN"),
    recipients=["Nơi nhận"],
    archive="VP",
    addressees=["Cơ quan cấp trên"],
)


def template_problems(template: bytes) -> list[str]:
    """What stops an uploaded template from being used, in the user's language; empty when it can be used.

    Checks that it is a .docx, that its Jinja parses, that it only uses TEMPLATE_VARIABLES and has the
    required ones, that the body is a paragraph of its own, and that a sample report fills it in.
    """
    problems = _static_problems(template)
    if problems:
        return problems
    try:
        filled = _fill(_TRIAL, template)
        Document(io.BytesIO(filled))
    except JinjaTemplateError as error:
        return [_("The template could not be filled in: %(error)s") % {"error": str(error)}]
    except Exception as error:
        return [_("The template could not be filled in: %(error)s") % {"error": type(error).__name__}]
    return []
