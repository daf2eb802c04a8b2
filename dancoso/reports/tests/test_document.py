"""The report writer: .docx read back with python-docx against NĐ 30/2020 (LEGAL.md §8), .pdf through
LibreOffice, the .xlsx annex, uploaded templates."""

import io
import zipfile
from dataclasses import replace
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.test import override_settings
from django.utils import translation
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from dancoso.reports import legal
from dancoso.reports.document import (
    TEMPLATE_VARIABLES,
    Block,
    PdfUnavailable,
    ReportDocument,
    Signer,
    Table,
    TemplateProblem,
    default_template,
    format_number,
    number_line,
    render_docx,
    render_pdf,
    render_xlsx,
    template_problems,
    vietnamese_date_line,
)
from dancoso.reports.output import docx as docx_writer
from dancoso.reports.output.pdf import soffice_path

BODY_SENTENCE = (
    "Người dân được tham gia ý kiến, giám sát việc thực hiện; Ủy ban nhân dân phường đã ban hành "
    "các văn bản chỉ đạo nhằm cụ thể hóa các nội dung của Luật phù hợp với tình hình thực tế của địa phương."
)

PROCEDURES = Table(
    title="Kết quả giải quyết thủ tục hành chính năm 2025",
    headers=["STT", "Nội dung", "Số hồ sơ", "Tỷ lệ (%)"],
    rows=[
        [1, "Tổng số hồ sơ tiếp nhận", 4410, None],
        [2, "Giải quyết trước và đúng hạn", 4305, Decimal("97.61")],
        [3, "Giải quyết quá hạn", 105, 2.39],
    ],
    note="Số liệu tính đến ngày 31/12/2025, từ Hệ thống thông tin giải quyết thủ tục hành chính.",
)

RECEPTIONS = Table(
    title="Tiếp công dân, xử lý đơn",
    headers=["Nội dung", "Số lượt", "Ghi chú"],
    rows=[["Tiếp công dân định kỳ", 48, "01 buổi/tuần"], ["Đơn kiến nghị, phản ánh", 12, None]],
)


def sample_document(**changes) -> ReportDocument:
    """A report shaped like seeds/001 (Phù Liễn, the Law on grassroots democracy), long enough for two pages."""
    blocks = [
        Block(
            "paragraph",
            "Thực hiện Công văn số 2011/SNV-XDCQ&CTTN ngày 21/4/2026 của Sở Nội vụ thành phố về việc báo cáo "
            "kết quả triển khai thi hành Luật Thực hiện dân chủ ở cơ sở, Ủy ban nhân dân phường Phù Liễn báo "
            "cáo kết quả như sau:",
        ),
        Block("heading1", "I. Công tác lãnh đạo, chỉ đạo"),
        Block("heading2", "1. Công tác phổ biến, quán triệt, triển khai Luật Thực hiện dân chủ ở cơ sở"),
        Block("paragraph", BODY_SENTENCE),
        Block(
            "paragraph",
            "Công tác tuyên truyền, phổ biến, quán triệt Luật được triển khai bằng nhiều hình thức phong phú, "
            "đa dạng như: tổ chức hội nghị quán triệt; lồng ghép trong các hội nghị, sinh hoạt chi bộ, sinh "
            "hoạt cơ quan; tuyên truyền trên hệ thống loa truyền thanh, bảng tin tổ dân phố.\n"
            "Qua đó góp phần nâng cao nhận thức, trách nhiệm của cán bộ, công chức, viên chức, người lao động "
            "và Nhân dân về quyền và nghĩa vụ trong thực hiện dân chủ ở cơ sở.",
        ),
        Block("heading2", "2. Ban hành văn bản và triển khai"),
        Block("bullet", "Văn bản chỉ đạo, triển khai:"),
        Block(
            "subbullet",
            "Kế hoạch số 79/KH-UBND ngày 12/02/2026 về thực hiện dân chủ ở cơ sở năm 2026.\n"
            "Quyết định số 125/QĐ-UBND ngày 14/7/2025 ban hành Quy chế tiếp công dân.",
        ),
        Block("heading1", "II. Kết quả thi hành Luật Thực hiện dân chủ ở cơ sở"),
        Block("heading2", "1. Thực hiện dân chủ"),
        Block("heading3", "a) Cải cách hành chính và chỉ số hài lòng của người dân"),
        Block(
            "paragraph",
            "Công tác cải cách hành chính được đẩy mạnh, trọng tâm là cải cách thủ tục hành chính theo hướng "
            "đơn giản, công khai, minh bạch, rút ngắn thời gian giải quyết. Tổng số hồ sơ tiếp nhận 4.410 hồ "
            "sơ, giải quyết trước và đúng hạn 4.305 hồ sơ, đạt tỷ lệ 97,61%.",
        ),
        Block("table", table=PROCEDURES),
        Block("heading3", "b) Tiếp công dân, xử lý đơn"),
        Block(
            "paragraph",
            "Công tác tiếp công dân được tổ chức định kỳ (01 buổi/tuần) và đột xuất khi có phát sinh; các ý "
            "kiến, kiến nghị, phản ánh của Nhân dân được tiếp nhận, phân loại, xử lý kịp thời.",
        ),
        Block("table", table=RECEPTIONS),
        Block("heading1", "III. Nhiệm vụ, giải pháp trong thời gian tới"),
        *[
            Block(
                "paragraph",
                "Tiếp tục đẩy mạnh công tác tuyên truyền, phổ biến Luật Thực hiện dân chủ ở cơ sở và các văn "
                "bản hướng dẫn thi hành bằng nhiều hình thức phù hợp, đa dạng, thiết thực; chú trọng tuyên "
                "truyền sâu rộng đến cán bộ, công chức, viên chức, người lao động và Nhân dân.",
            )
            for _ in range(6)
        ],
        Block(
            "paragraph",
            "Ủy ban nhân dân phường Phù Liễn báo cáo kết quả triển khai thi hành Luật Thực hiện dân chủ ở cơ sở, "
            "đề nghị Sở Nội vụ thành phố tổng hợp./.",
        ),
    ]
    values = {
        "parent_body": "UBND thành phố Hải Phòng",
        "issuing_body": "Ủy ban nhân dân phường Phù Liễn",
        "number": 5,
        "symbol": "BC-UBND",
        "place": "Phù Liễn",
        "issued_on": date(2026, 1, 5),
        "year": 2026,
        "summary": "Kết quả triển khai thi hành Luật Thực hiện dân chủ ở cơ sở",
        "blocks": blocks,
        "signer": Signer("TM", "Ủy ban nhân dân", "Chủ tịch", "Phạm Văn Diện"),
        "recipients": [
            "Sở Nội vụ thành phố",
            "CT, các PCT UBND phường",
            "UBMTTQVN, các tổ chức CT-XH phường",
        ],
        "archive": "VP",
    }
    values.update(changes)
    return ReportDocument(**values)


def read(data: bytes):
    return Document(io.BytesIO(data))


@pytest.fixture(scope="module")
def output():
    return read(render_docx(sample_document()))


def all_paragraphs(doc):
    yield from doc.paragraphs
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def style_value(style, getter):
    while style is not None:
        value = getter(style)
        if value is not None:
            return value
        style = style.base_style
    return None


def effective(run, paragraph, attribute):
    value = getattr(run.font, attribute)
    if value is None:
        value = style_value(paragraph.style, lambda style: getattr(style.font, attribute))
    return value


def para_format(paragraph, attribute):
    value = getattr(paragraph.paragraph_format, attribute)
    if value is None:
        value = style_value(paragraph.style, lambda style: getattr(style.paragraph_format, attribute))
    return value


def find(doc, text):
    matches = [paragraph for paragraph in all_paragraphs(doc) if paragraph.text.strip() == text]
    assert matches, f"no paragraph {text!r}"
    return matches[0]


def text_runs(paragraph):
    return [run for run in paragraph.runs if run.text.strip()]


def header_table(doc):
    return doc.tables[0]


def signature_table(doc):
    return doc.tables[-1]


# Page and font ------------------------------------------------------------------------------------------


def test_page_is_a4_portrait_with_margins_in_the_decree_ranges(output):
    section = output.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.5)
    assert abs(section.page_height - Mm(297)) < Mm(0.5)
    for margin, (low, high) in (
        (section.top_margin, legal.MARGIN_TOP_MM_RANGE),
        (section.bottom_margin, legal.MARGIN_BOTTOM_MM_RANGE),
        (section.left_margin, legal.MARGIN_LEFT_MM_RANGE),
        (section.right_margin, legal.MARGIN_RIGHT_MM_RANGE),
    ):
        assert Mm(low) - Mm(0.1) <= margin <= Mm(high) + Mm(0.1)


def test_every_run_and_style_is_times_new_roman(output):
    defaults = output.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    default_font = defaults.find(qn("w:rFonts")).get(qn("w:ascii"))
    assert default_font == "Times New Roman"
    paragraphs = list(all_paragraphs(output))
    for part in (output.sections[0].header, output.sections[0].first_page_header):
        paragraphs += part.paragraphs
    checked = 0
    for paragraph in paragraphs:
        for run in text_runs(paragraph):
            assert (effective(run, paragraph, "name") or default_font) == "Times New Roman", run.text
            checked += 1
    assert checked > 60
    used = {paragraph.style.name for paragraph in paragraphs}
    for name in used:
        style = output.styles[name]
        assert (style_value(style, lambda s: s.font.name) or default_font) == "Times New Roman", name
    # No theme font (Calibri, Cambria) can take over anywhere.
    for part in ("word/document.xml", "word/styles.xml"):
        xml = zipfile.ZipFile(io.BytesIO(render_docx(sample_document()))).read(part).decode()
        assert "asciiTheme" not in xml and "hAnsiTheme" not in xml


# Header ------------------------------------------------------------------------------------------------


def test_header_table_left_column(output):
    left = header_table(output).rows[0].cells[0]
    texts = [paragraph.text for paragraph in left.paragraphs if paragraph.text.strip()]
    assert texts == ["UBND THÀNH PHỐ HẢI PHÒNG", "ỦY BAN NHÂN DÂN PHƯỜNG PHÙ LIỄN", "Số: 05/BC-UBND"]
    parent, issuing, number = (paragraph for paragraph in left.paragraphs if paragraph.text.strip())
    assert all(not effective(run, parent, "bold") for run in text_runs(parent))
    assert all(effective(run, issuing, "bold") for run in text_runs(issuing))
    for paragraph, (low, high) in (
        (parent, legal.PARENT_BODY_SIZE_RANGE),
        (issuing, legal.ISSUING_BODY_SIZE_RANGE),
    ):
        assert all(Pt(low) <= effective(run, paragraph, "size") <= Pt(high) for run in text_runs(paragraph))
    assert effective(text_runs(number)[0], number, "size") == Pt(13)
    # The short rule under the issuing body: a bottom border between the body's name and the number.
    rules = [
        paragraph for paragraph in left.paragraphs if paragraph._p.find(".//" + qn("w:pBdr")) is not None
    ]
    assert len(rules) == 1 and not rules[0].text


def test_header_table_right_column(output):
    right = header_table(output).rows[0].cells[1]
    lines = [paragraph for paragraph in right.paragraphs if paragraph.text.strip()]
    assert [paragraph.text for paragraph in lines] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Phù Liễn, ngày 05 tháng 01 năm 2026",
    ]
    national, motto, date_line = lines
    assert all(effective(run, national, "bold") for run in text_runs(national))
    assert all(Pt(12) <= effective(run, national, "size") <= Pt(13) for run in text_runs(national))
    assert all(effective(run, motto, "bold") for run in text_runs(motto))
    assert all(Pt(13) <= effective(run, motto, "size") <= Pt(14) for run in text_runs(motto))
    assert all(effective(run, date_line, "italic") for run in text_runs(date_line))
    assert not any(effective(run, date_line, "bold") for run in text_runs(date_line))
    assert any(paragraph._p.find(".//" + qn("w:pBdr")) is not None for paragraph in right.paragraphs)
    for paragraph in lines:
        assert paragraph.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_layout_tables_have_no_borders(output):
    for table in (header_table(output), signature_table(output)):
        borders = table._tbl.tblPr.find(qn("w:tblBorders"))
        assert borders is not None
        assert {edge.get(qn("w:val")) for edge in borders} == {"nil"}
        assert not table._tbl.findall(".//" + qn("w:tcBorders"))


def test_draft_leaves_room_for_number_and_day(output):
    doc = read(render_docx(sample_document(number=None, issued_on=None)))
    cells = header_table(doc).rows[0].cells
    assert "Số:      /BC-UBND" in [paragraph.text for paragraph in cells[0].paragraphs]
    assert "Phù Liễn, ngày      tháng      năm 2026" in [paragraph.text for paragraph in cells[1].paragraphs]


# Title and body ---------------------------------------------------------------------------------------


def test_title_and_summary_bold_centred(output):
    title = find(output, "BÁO CÁO")
    summary = find(output, "Kết quả triển khai thi hành Luật Thực hiện dân chủ ở cơ sở")
    for paragraph in (title, summary):
        assert paragraph.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert all(effective(run, paragraph, "bold") for run in text_runs(paragraph))
        assert all(Pt(13) <= effective(run, paragraph, "size") <= Pt(14) for run in text_runs(paragraph))
    paragraphs = output.paragraphs
    rule = paragraphs[paragraphs.index(next(p for p in paragraphs if p._p is summary._p)) + 1]
    assert rule._p.find(".//" + qn("w:pBdr")) is not None


def test_line_breaks_in_summary_and_issuing_body_are_kept():
    document = sample_document(
        summary="Kết quả thực hiện dân chủ ở cơ sở\nnăm 2025", issuing_body="Ủy ban nhân dân\nphường Phù Liễn"
    )
    doc = read(render_docx(document))
    paragraph = find(doc, "Kết quả thực hiện dân chủ ở cơ sở\nnăm 2025")
    assert paragraph._p.findall(".//" + qn("w:br"))
    issuing = find(doc, "ỦY BAN NHÂN DÂN\nPHƯỜNG PHÙ LIỄN")
    assert all(effective(run, issuing, "bold") for run in text_runs(issuing))


def test_body_paragraphs_justified_with_first_line_indent_and_spacing(output):
    paragraph = find(output, BODY_SENTENCE)
    assert paragraph.style.name == "Report Body"
    assert para_format(paragraph, "alignment") == WD_ALIGN_PARAGRAPH.JUSTIFY
    low, high = legal.FIRST_LINE_INDENT_CM_RANGE
    indent_cm = para_format(paragraph, "first_line_indent").cm
    assert low - 0.01 <= indent_cm <= high + 0.01
    assert para_format(paragraph, "space_after") >= Pt(6)
    assert 1.0 <= para_format(paragraph, "line_spacing") <= 1.5
    assert all(Pt(13) <= effective(run, paragraph, "size") <= Pt(14) for run in text_runs(paragraph))
    # A line break in a paragraph block starts a new paragraph.
    assert find(
        output,
        "Qua đó góp phần nâng cao nhận thức, trách nhiệm của cán bộ, công chức, viên chức, người "
        "lao động và Nhân dân về quyền và nghĩa vụ trong thực hiện dân chủ ở cơ sở.",
    )


def test_heading_styles(output):
    heading1 = find(output, "I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO")  # upper-cased by the writer
    heading2 = find(output, "2. Ban hành văn bản và triển khai")
    heading3 = find(output, "a) Cải cách hành chính và chỉ số hài lòng của người dân")
    assert heading1.style.name == "Report Heading 1"
    assert heading2.style.name == "Report Heading 2"
    assert heading3.style.name == "Report Heading 3"
    for paragraph in (heading1, heading2):
        assert all(effective(run, paragraph, "bold") for run in text_runs(paragraph))
        assert para_format(paragraph, "keep_with_next")
    assert all(effective(run, heading3, "italic") for run in text_runs(heading3))
    assert find(output, "II. KẾT QUẢ THI HÀNH LUẬT THỰC HIỆN DÂN CHỦ Ở CƠ SỞ")


def test_bullets_get_their_marks(output):
    assert find(output, "- Văn bản chỉ đạo, triển khai:").style.name == "Report Bullet"
    sub = find(output, "+ Quyết định số 125/QĐ-UBND ngày 14/7/2025 ban hành Quy chế tiếp công dân.")
    assert sub.style.name == "Report Sub-bullet"
    assert para_format(sub, "alignment") == WD_ALIGN_PARAGRAPH.JUSTIFY


def test_body_table_with_headers_and_vietnamese_numbers(output):
    tables = [table for table in output.tables if table.rows[0].cells[0].text == "STT"]
    assert len(tables) == 1
    table = tables[0]
    assert [cell.text for cell in table.rows[0].cells] == PROCEDURES.headers
    assert [cell.text for cell in table.rows[1].cells] == ["1", "Tổng số hồ sơ tiếp nhận", "4.410", ""]
    assert [cell.text for cell in table.rows[2].cells] == [
        "2",
        "Giải quyết trước và đúng hạn",
        "4.305",
        "97,61",
    ]
    assert table.rows[3].cells[3].text == "2,39"
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {edge.get(qn("w:val")) for edge in borders} == {"single"}
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeats on every page
    header_cell = table.rows[0].cells[0].paragraphs[0]
    assert all(effective(run, header_cell, "bold") for run in text_runs(header_cell))
    assert find(output, PROCEDURES.title).style.name == "Report Table Title"
    assert find(output, PROCEDURES.note).style.name == "Report Table Note"
    widths = [column.width for column in table.columns]
    assert widths[1] > widths[0]  # the text column is wider than the STT column


# Signature and recipients -----------------------------------------------------------------------------


def signer_lines(doc):
    cell = signature_table(doc).rows[0].cells[1]
    return [paragraph for paragraph in cell.paragraphs if paragraph.text.strip()]


def test_signature_on_behalf_of_the_committee(output):
    lines = signer_lines(output)
    assert [paragraph.text for paragraph in lines] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Phạm Văn Diện"]
    for paragraph in lines:
        assert all(effective(run, paragraph, "bold") for run in text_runs(paragraph))
        assert all(Pt(13) <= effective(run, paragraph, "size") <= Pt(14) for run in text_runs(paragraph))
    cell = signature_table(output).rows[0].cells[1]
    texts = [paragraph.text for paragraph in cell.paragraphs]
    # Room for the signature and the seal between the title and the name.
    assert texts.index("Phạm Văn Diện") - texts.index("CHỦ TỊCH") >= 4


def test_signature_for_the_head():
    doc = read(render_docx(sample_document(signer=Signer("KT", "Chủ tịch", "Phó Chủ tịch", "Nguyễn Văn An"))))
    assert [paragraph.text for paragraph in signer_lines(doc)] == [
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Nguyễn Văn An",
    ]
    both = Signer("KT", "CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn An", on_behalf_of="ỦY BAN NHÂN DÂN")
    doc = read(render_docx(sample_document(signer=both)))
    assert [paragraph.text for paragraph in signer_lines(doc)] == [
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Nguyễn Văn An",
    ]
    doc = read(render_docx(sample_document(signer=Signer("", "", "Chủ tịch", "Phạm Văn Diện"))))
    assert [paragraph.text for paragraph in signer_lines(doc)] == ["CHỦ TỊCH", "Phạm Văn Diện"]
    with pytest.raises(ValueError, match="signature mode"):
        render_docx(sample_document(signer=Signer("XX", "", "", "A")))


def test_recipients(output):
    cell = signature_table(output).rows[0].cells[0]
    lines = [paragraph for paragraph in cell.paragraphs if paragraph.text.strip()]
    label, *entries = lines
    assert label.text == "Nơi nhận:"
    assert label.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.LEFT
    for run in text_runs(label):
        assert effective(run, label, "italic") and effective(run, label, "bold")
        assert effective(run, label, "size") == Pt(12)
    assert [paragraph.text for paragraph in entries] == [
        "- Sở Nội vụ thành phố;",
        "- CT, các PCT UBND phường;",
        "- UBMTTQVN, các tổ chức CT-XH phường;",
        "- Lưu: VT, VP.",
    ]
    for paragraph in entries:
        assert all(effective(run, paragraph, "size") == Pt(11) for run in text_runs(paragraph))
    # "Nơi nhận:" starts level with the first line of the signature block.
    first_signer = signature_table(output).rows[0].cells[1].paragraphs
    first_with_text = next(paragraph for paragraph in first_signer if paragraph.text.strip())
    assert first_with_text.paragraph_format.space_before == label.paragraph_format.space_before


def test_addressees_of_a_report_to_a_superior():
    doc = read(render_docx(sample_document()))
    assert not [paragraph for paragraph in doc.paragraphs if paragraph.text.startswith("Kính gửi")]
    doc = read(render_docx(sample_document(addressees=["Sở Nội vụ thành phố Hải Phòng"])))
    assert find(doc, "Kính gửi: Sở Nội vụ thành phố Hải Phòng.")
    doc = read(render_docx(sample_document(addressees=["Sở Nội vụ", "Thanh tra thành phố"])))
    texts = [paragraph.text for paragraph in doc.paragraphs]
    start = texts.index("Kính gửi:")
    assert texts[start : start + 3] == ["Kính gửi:", "- Sở Nội vụ;", "- Thanh tra thành phố."]


# Page numbers ----------------------------------------------------------------------------------------------


def test_page_number_centred_in_the_header_but_not_on_page_one(output):
    section = output.sections[0]
    assert section.different_first_page_header_footer
    header = section.header._element
    instructions = [element.text.strip() for element in header.iter(qn("w:instrText"))]
    assert instructions == ["PAGE"]
    paragraph = section.header.paragraphs[0]
    assert paragraph.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    first = section.first_page_header
    assert not first.is_linked_to_previous
    assert not list(first._element.iter(qn("w:instrText")))
    assert not list(first._element.iter(qn("w:fldSimple")))
    assert "".join(paragraph.text for paragraph in first.paragraphs).strip() == ""


# Lines and numbers -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 1, 5), "Ninh Bình, ngày 05 tháng 01 năm 2026"),
        (date(2026, 4, 15), "Ninh Bình, ngày 15 tháng 4 năm 2026"),
        (date(2026, 12, 3), "Ninh Bình, ngày 03 tháng 12 năm 2026"),
        (date(2026, 2, 28), "Ninh Bình, ngày 28 tháng 02 năm 2026"),
        (date(2026, 3, 9), "Ninh Bình, ngày 09 tháng 3 năm 2026"),
        (date(2026, 10, 10), "Ninh Bình, ngày 10 tháng 10 năm 2026"),
    ],
)
def test_date_line(day, expected):
    assert vietnamese_date_line("Ninh Bình", day, 2026) == expected


def test_draft_date_line_keeps_the_year():
    assert vietnamese_date_line("Phù Liễn", None, 2026) == "Phù Liễn, ngày      tháng      năm 2026"


@pytest.mark.parametrize(
    ("number", "expected"),
    [(5, "Số: 05/BC-UBND"), (12, "Số: 12/BC-UBND"), (1, "Số: 01/BC-UBND"), (105, "Số: 105/BC-UBND")],
)
def test_number_line(number, expected):
    assert number_line(number, "BC-UBND") == expected


def test_number_line_draft_and_zero():
    assert number_line(None, "BC-UBND") == "Số:      /BC-UBND"
    with pytest.raises(ValueError):
        number_line(0, "BC-UBND")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (4410, "4.410"),
        (1234567, "1.234.567"),
        (-1234, "-1.234"),
        (0, "0"),
        (97.61, "97,61"),
        (5.0, "5"),
        (0.1 + 0.2, "0,3"),
        (1234.5678, "1.234,57"),
        (Decimal("97.61"), "97,61"),
        (Decimal("12.50"), "12,50"),
        (Decimal("4410"), "4.410"),
        (None, ""),
        ("01 buổi/tuần", "01 buổi/tuần"),
    ],
)
def test_format_number(value, expected):
    assert format_number(value) == expected


# Templates -------------------------------------------------------------------------------------------------


def edited_template(edit) -> bytes:
    doc = read(default_template())
    edit(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def replace_text(doc, old, new):
    for paragraph in all_paragraphs(doc):
        for run in paragraph.runs:
            if old in run.text:
                run.text = run.text.replace(old, new)
                return
    raise AssertionError(old)


def test_default_template_is_valid_deterministic_and_uses_known_names():
    assert template_problems(default_template()) == []
    assert default_template() == docx_writer._build_default_template()
    assert docx_writer.REQUIRED_VARIABLES <= TEMPLATE_VARIABLES


def test_template_problems_unknown_placeholder():
    template = edited_template(lambda doc: doc.add_paragraph("{{ nonexistent }}"))
    problems = template_problems(template)
    assert len(problems) == 1 and "nonexistent" in problems[0]
    with pytest.raises(TemplateProblem) as raised:
        render_docx(sample_document(), template=template)
    assert raised.value.problems == problems


def test_template_problems_syntax_error():
    template = edited_template(lambda doc: doc.add_paragraph("{% if title %}{{ title }"))
    problems = template_problems(template)
    assert len(problems) == 1
    with translation.override("en"):
        assert template_problems(template)[0].startswith("Template syntax error")


def test_template_problems_not_a_docx():
    with translation.override("en"):
        for data in (b"%PDF-1.7 not a word file", b"", _zip({"hello.txt": b"hi"})):
            assert template_problems(data) == ["The file is not a Word document (.docx)."]
    with translation.override("vi"):
        assert template_problems(b"plain text") == ["Tệp không phải là văn bản Word (.docx)."]


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_template_problems_missing_required_and_body_not_a_paragraph():
    template = edited_template(lambda doc: replace_text(doc, "{{ signer_name }}", "Phạm Văn Diện"))
    problems = template_problems(template)
    assert len(problems) == 1 and "signer_name" in problems[0]
    template = edited_template(lambda doc: replace_text(doc, "{{p body }}", "{{ body }}"))
    with translation.override("en"):
        assert template_problems(template) == [
            "The body must be a paragraph of its own written {{p body }}, not {{ body }}."
        ]


def test_uploaded_template_cannot_reach_python_internals(tmp_path):
    template = edited_template(lambda doc: doc.add_paragraph("{{ title.__class__.__mro__ }}"))
    problems = template_problems(template)
    assert len(problems) == 1
    with translation.override("en"):
        assert template_problems(template)[0].startswith("The template could not be filled in")
    target = tmp_path / "written.docx"
    template = edited_template(lambda doc: doc.add_paragraph(f"{{{{ body._document.save('{target}') }}}}"))
    assert len(template_problems(template)) == 1
    with pytest.raises(TemplateProblem, match=r"unsafe|not safely"):
        render_docx(sample_document(), template=template)
    assert not target.exists()


def test_render_with_an_uploaded_modified_template():
    def edit(doc):
        replace_text(doc, "{{ title }}", "{{ title }} TÓM TẮT")
        doc.paragraphs[-1].insert_paragraph_before("Mẫu của phường {{ place }}, năm {{ year }}")
        doc.styles["Report Body"].font.size = Pt(13)

    template = edited_template(edit)
    assert template_problems(template) == []
    doc = read(render_docx(sample_document(), template=template))
    assert find(doc, "BÁO CÁO TÓM TẮT")
    assert find(doc, "Mẫu của phường Phù Liễn, năm 2026")
    paragraph = find(doc, BODY_SENTENCE)
    assert paragraph.style.name == "Report Body"
    assert doc.styles["Report Body"].font.size == Pt(13)  # the administrator's style, not the default


def test_uploaded_template_without_the_report_styles_gets_them():
    def edit(doc):
        styles = doc.styles.element
        for style in list(styles):
            name = style.find(qn("w:name"))
            if name is not None and name.get(qn("w:val")).startswith("Report "):
                styles.remove(style)

    template = edited_template(edit)
    assert "Report Body" not in [style.name for style in read(template).styles]
    doc = read(render_docx(sample_document(), template=template))
    paragraph = find(doc, BODY_SENTENCE)
    assert paragraph.style.name == "Report Body"
    assert para_format(paragraph, "alignment") == WD_ALIGN_PARAGRAPH.JUSTIFY


def test_text_is_escaped_not_interpreted():
    doc = read(
        render_docx(
            sample_document(
                summary="Báo cáo <b>&</b> {{ signer_name }}",
                blocks=[Block("paragraph", "Đoạn có {{ title }} và {% if %} & <w:p>")],
            )
        )
    )
    assert find(doc, "Báo cáo <b>&</b> {{ signer_name }}")
    assert find(doc, "Đoạn có {{ title }} và {% if %} & <w:p>")


def test_unknown_block_kind_and_table_without_headers():
    with pytest.raises(ValueError, match="block kind"):
        render_docx(sample_document(blocks=[Block("chapter", "Chương I")]))
    with pytest.raises(ValueError, match="headers"):
        render_docx(sample_document(blocks=[Block("table", table=Table("T", [], []))]))


# PDF -----------------------------------------------------------------------------------------------------


@pytest.mark.skipif(soffice_path() is None, reason="LibreOffice (soffice) is not installed")
def test_pdf_keeps_vietnamese_text_and_numbers_pages_from_two():
    from pypdf import PdfReader

    pdf = render_pdf(render_docx(sample_document()))
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Phù Liễn, ngày 05 tháng 01 năm 2026",
        "Số: 05/BC-UBND",
        " ".join(BODY_SENTENCE.split()[:8]),  # "Người dân được tham gia ý kiến, giám sát việc": ư ơ ă đ ệ
        "Tổng số hồ sơ tiếp nhận",
        "4.410",
        "97,61",
        "TM. ỦY BAN NHÂN DÂN",
        "- Lưu: VT, VP.",
    ):
        assert expected in text, expected
    page = reader.pages[0].mediabox
    assert abs(float(page.width) - 595.3) < 1 and abs(float(page.height) - 841.9) < 1  # A4 in points

    def top_lines(page_index):
        lines = []

        def visit(text, cm, tm, font, size):
            if text.strip() and tm[5] > float(page.height) - 20 / 25.4 * 72:  # inside the top margin
                lines.append((text.strip(), tm[4]))

        reader.pages[page_index].extract_text(visitor_text=visit)
        return lines

    assert top_lines(0) == []  # no page number on page 1
    ((number, x),) = top_lines(1)
    assert number == "2"
    left, right = legal.MARGIN_LEFT_MM / 25.4 * 72, float(page.width) - legal.MARGIN_RIGHT_MM / 25.4 * 72
    assert abs(x - (left + right) / 2) < 12  # centred over the text


def test_pdf_without_libreoffice_says_so():
    with override_settings(REPORTS_SOFFICE="/nonexistent/soffice"), translation.override("en"):
        with pytest.raises(PdfUnavailable) as raised:
            render_pdf(b"not used")
        assert str(raised.value).startswith("LibreOffice is not installed")
        assert isinstance(raised.value, ValueError)
    with override_settings(REPORTS_SOFFICE="/nonexistent/soffice"), translation.override("vi"):
        with pytest.raises(PdfUnavailable) as raised:
            render_pdf(b"not used")
        assert str(raised.value).startswith("Máy chủ chưa cài LibreOffice")


def test_pdf_converter_that_fails_or_hangs(tmp_path):
    failing = tmp_path / "failing"
    failing.write_text("#!/bin/sh\nexit 3\n")
    failing.chmod(0o755)
    with (
        override_settings(REPORTS_SOFFICE=str(failing)),
        translation.override("en"),
        pytest.raises(PdfUnavailable, match="could not convert"),
    ):
        render_pdf(b"x")
    hanging = tmp_path / "hanging"
    hanging.write_text("#!/bin/sh\nsleep 30\n")
    hanging.chmod(0o755)
    with (
        override_settings(REPORTS_SOFFICE=str(hanging), REPORTS_PDF_TIMEOUT=1),
        translation.override("en"),
        pytest.raises(PdfUnavailable, match="longer than 1 seconds"),
    ):
        render_pdf(b"x")


# XLSX ------------------------------------------------------------------------------------------------------


def test_xlsx_annex_has_a_sheet_per_table_with_numbers_as_numbers():
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(sample_document())))
    assert workbook.sheetnames == ["Bảng 1", "Bảng 2"]
    sheet = workbook["Bảng 1"]
    assert sheet["A1"].value == PROCEDURES.title
    assert sheet["A1"].font.bold
    assert sheet["A2"].value == "(Kèm theo Báo cáo số 05/BC-UBND ngày 05/01/2026)"
    assert [cell.value for cell in sheet[4]] == PROCEDURES.headers
    assert [cell.value for cell in sheet[5]] == [1, "Tổng số hồ sơ tiếp nhận", 4410, None]
    assert [cell.value for cell in sheet[6]] == [2, "Giải quyết trước và đúng hạn", 4305, 97.61]
    assert isinstance(sheet["C5"].value, int) and isinstance(sheet["D6"].value, float)
    assert sheet["C5"].number_format == "#,##0" and sheet["D6"].number_format == "#,##0.00"
    assert sheet["A9"].value == PROCEDURES.note
    for row in sheet.iter_rows(min_row=1, max_row=9):
        for cell in row:
            if cell.value is not None:
                assert cell.font.name == "Times New Roman"
    assert workbook["Bảng 2"]["A1"].value == RECEPTIONS.title
    assert [cell.value for cell in workbook["Bảng 2"][6]] == ["Đơn kiến nghị, phản ánh", 12, None]


def test_xlsx_without_tables_and_for_a_draft():
    document = sample_document(number=None, issued_on=None, blocks=[Block("paragraph", "Không có bảng.")])
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(document)))
    assert len(workbook.sheetnames) == 1
    sheet = workbook.active
    assert sheet["A1"].value == document.summary
    assert sheet["A2"].value.startswith("(Kèm theo Báo cáo số ")
    assert sheet["A3"].value


def test_document_is_immutable():
    document = sample_document()
    with pytest.raises(AttributeError):
        document.number = 6  # type: ignore[misc]
    assert replace(document, number=6).number == 6


def test_empty_body_and_no_recipients():
    doc = read(render_docx(sample_document(blocks=[], recipients=[], archive="VHXH")))
    assert find(doc, "BÁO CÁO")
    cell = signature_table(doc).rows[0].cells[0]
    assert [paragraph.text for paragraph in cell.paragraphs if paragraph.text.strip()] == [
        "Nơi nhận:",
        "- Lưu: VT, VHXH.",
    ]


def test_tables_next_to_each_other_or_to_the_signature_stay_apart():
    untitled = Table("", ["Nội dung", "Số lượng"], [["Hồ sơ", 1]])
    doc = read(
        render_docx(sample_document(blocks=[Block("table", table=untitled), Block("table", table=untitled)]))
    )
    assert len(doc.tables) == 4  # header, two body tables, signature
    body = doc.element.body
    for table in body.iter(qn("w:tbl")):
        following = table.getnext()
        assert following is None or following.tag != qn("w:tbl")
