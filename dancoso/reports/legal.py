"""The law the reports app applies, as data, each figure with its article (LEGAL.md).

The writer (`document.py`, `output/`) reads its page, font and header figures from here; change a figure here,
not in the writer.
"""

# NĐ 30/2020 layout
# Nghị định 30/2020/NĐ-CP về công tác văn thư (LEGAL.md §8). Art. 8 lists the components of an administrative
# document (thể thức), Art. 9 sends their layout (kỹ thuật trình bày) to Phụ lục I, Art. 13 sets who signs and
# how (TM., KT., Q., TL., TUQ.), Art. 15 the number; Phụ lục III the upper case. Each range is (low, high) as the
# decree allows; the value the default template uses sits next to it and must stay inside the range.

# Page (Art. 9; Phụ lục I, "khổ giấy", "kiểu trình bày", "định lề trang"): A4, portrait.
PAGE_WIDTH_MM = 210
PAGE_HEIGHT_MM = 297
MARGIN_TOP_MM_RANGE = (20, 25)
MARGIN_BOTTOM_MM_RANGE = (20, 25)
MARGIN_LEFT_MM_RANGE = (30, 35)
MARGIN_RIGHT_MM_RANGE = (15, 20)
MARGIN_TOP_MM = 20
MARGIN_BOTTOM_MM = 20
MARGIN_LEFT_MM = 30
MARGIN_RIGHT_MM = 15
HEADER_DISTANCE_MM = 10  # the page number sits in the top margin

# Font (Art. 9; Phụ lục I, "phông chữ"): Times New Roman, Unicode TCVN 6909:2001, black.
FONT_NAME = "Times New Roman"

# Page number (Phụ lục I, "số trang"): Arabic digits, size 13–14, centred in the top margin, not on page 1.
PAGE_NUMBER_SIZE_RANGE = (13, 14)
PAGE_NUMBER_SIZE = 14

# Header, left column (Art. 8.2 and 8.3; Phụ lục I, "tên cơ quan, tổ chức ban hành văn bản", "số, ký hiệu").
PARENT_BODY_SIZE_RANGE = (12, 13)  # upper case, regular
PARENT_BODY_SIZE = 13
ISSUING_BODY_SIZE_RANGE = (12, 13)  # upper case, bold, a short rule (1/3 to 1/2 of the line) below
ISSUING_BODY_SIZE = 13
NUMBER_SIZE = 13  # "Số: 05/BC-UBND"; a number below 10 gets a leading 0 (Art. 15.1)
NUMBER_MIN_DIGITS = 2

# Header, right column (Art. 8.1 and 8.4; Phụ lục I, "quốc hiệu và tiêu ngữ", "địa danh và thời gian").
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_NAME_SIZE_RANGE = (12, 13)  # upper case, bold
NATIONAL_NAME_SIZE = 12
MOTTO = "Độc lập - Tự do - Hạnh phúc"
MOTTO_SIZE_RANGE = (13, 14)  # bold, a rule as wide as the motto below it
MOTTO_SIZE = 13
DATE_LINE_SIZE_RANGE = (13, 14)  # italic; a day below 10 and the months 1 and 2 get a leading 0
DATE_LINE_SIZE = 14
DATE_PADDED_MONTHS = (1, 2)

# Title and summary (Art. 8.5; Phụ lục I, "tên loại và trích yếu nội dung"): the type upper case, bold,
# centred; the summary bold below it, then a short rule.
TITLE_SIZE_RANGE = (13, 14)
TITLE_SIZE = 14
SUMMARY_SIZE = 14
REPORT_TYPE_CODE = "BC"  # Phụ lục III: BC báo cáo

# Body (Art. 8.6; Phụ lục I, "nội dung văn bản"): 13–14, justified, first-line indent 1 cm or 1.27 cm,
# at least 6 pt between paragraphs, line spacing from single to 1.5 lines. Sections "I." upper case bold,
# "1." bold, "a)".
BODY_SIZE_RANGE = (13, 14)
BODY_SIZE = 14
FIRST_LINE_INDENT_CM_RANGE = (1.0, 1.27)
FIRST_LINE_INDENT_CM = 1.27
PARAGRAPH_SPACING_PT_MIN = 6
PARAGRAPH_SPACING_PT = 6
LINE_SPACING_RANGE = (1.0, 1.5)
LINE_SPACING = 1.15
TABLE_TEXT_SIZE = 12  # tables inside the body: the decree leaves the size to the drafter

# Signature (Art. 8.7 and Art. 13; Phụ lục I, "chức vụ, họ tên và chữ ký của người có thẩm quyền"):
# 13–14, upper case, bold; the name bold without academic titles.
SIGNATURE_SIZE_RANGE = (13, 14)
SIGNATURE_SIZE = 14
SIGNATURE_MODES = {
    "TM": "TM.",  # on behalf of a collective (Art. 13.1)
    "KT": "KT.",  # a deputy signs for the head (Art. 13.1, 13.2)
    "Q": "Q.",  # acting head (Art. 13.3)
    "TL": "TL.",  # by order of the head (Art. 13.4)
    "TUQ": "TUQ.",  # by authorisation (Art. 13.5)
    "": "",  # the head signs in his own name
}

# Recipients (Art. 8.9; Phụ lục I, "nơi nhận"): "Nơi nhận:" italic bold 12, flush left, level with the
# signer's authority line; entries 11, each "- …;", the last "- Lưu: VT, <unit>.".
RECIPIENTS_LABEL = "Nơi nhận:"
RECIPIENTS_LABEL_SIZE = 12
RECIPIENT_SIZE = 11
ARCHIVE_PREFIX = "Lưu: VT"

# A report sent to a superior names it (Phụ lục I, "kính gửi"), 13–14.
ADDRESSEE_LABEL = "Kính gửi:"
ADDRESSEE_SIZE = 14


# Reporting periods
# NĐ 09/2019/NĐ-CP (chế độ báo cáo của cơ quan hành chính nhà nước) Art. 12.2: the figures of a periodic report
# run from the 15th of the month before the period to the 14th of its last month (six months: 15/12 of the year
# before – 14/6; a year: 15/12 – 14/12). SECONDARY (not in LEGAL.md): each report type says whether it follows
# it (ReportType.data_cutoff, admin-editable).
DATA_CUTOFF_DAY = 15

# Numbering (NĐ 30/2020 Art. 15.1): a unit's documents are numbered from 01 each 1 January, per kind of
# document (the symbol): services.submit_report takes the next number of (unit, year, symbol) from ReportNumber.
