"""The reception book as a spreadsheet: reading and validating a legacy book, and writing the export.

Nothing here writes to the database. `validate_reception_book` reads a whole .xlsx file (cells typed in the
legacy fonts .VnTime/VNI-Times are converted from TCVN3/VNI) and returns either clean rows or every problem,
each with the line the user sees in Excel, the column and a reason in the active language (Vietnamese by
default); `reception.import_reception_book` writes the rows. `write_reception_book` writes the columns of Luật
Tiếp công dân Art. 25.2 followed by the other columns the import reads, so an export imports again.
"""

import datetime
import io
import re
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils.datetime import from_excel

from dancoso.core.text import normalize_phone, normalize_text, search_key
from dancoso.petitions import legal
from dancoso.petitions.models import Kind, Sector, Visit
from dancoso.petitions.reception import (
    Representative,
    format_representatives,
    group_problems,
    parse_representatives,
)
from dancoso.units.importing import ImportFileError, RowError, find_header, header_key, is_blank, read_table
from dancoso.units.models import Unit

MAX_ROWS = 20_000
HEADER_SEARCH_ROWS = 10  # a title such as "SỔ TIẾP CÔNG DÂN NĂM 2025" often sits above the header row
MAX_PERSONS = 10_000
EARLIEST_YEAR = 1975
DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%y")
YES = frozenset({"co", "x", "yes", "1", "true", "bao mat", "mat", "confidential"})
NO = frozenset({"", "khong", "no", "0", "false"})


@dataclass(frozen=True)
class Column:
    field: str
    label: object  # lazy translation: the export's header in the active language
    aliases: tuple[str, ...]
    required: bool = False
    max_length: int | None = None
    imported: bool = True  # False: written by the export only (computed again on import)


def _max_length(name: str) -> int:
    return Visit._meta.get_field(name).max_length


# The file format: first the fields of Art. 25.2 in the law's order, then what the import reads besides.
# Aliases are matched without case, diacritics or punctuation, in Vietnamese or English.
COLUMNS: tuple[Column, ...] = (
    Column("number", gettext_lazy("No."), ("STT", "Số thứ tự", "Số TT", "TT", "No", "Number")),
    Column(
        "date",
        gettext_lazy("Date of visit"),
        ("Ngày", "Ngày tiếp", "Ngày tháng năm", "Ngày, tháng, năm", "Ngày đến", "Date"),
        True,
    ),
    Column(
        "name",
        gettext_lazy("Visitor's full name"),
        ("Họ tên", "Họ và tên", "Họ tên người đến", "Họ và tên người đến", "Name", "Full name"),
        True,
        _max_length("visitor_name"),
    ),
    Column(
        "address",
        gettext_lazy("Visitor's address"),
        ("Địa chỉ", "Nơi cư trú", "Địa chỉ người đến", "Address"),
        False,
        _max_length("visitor_address"),
    ),
    Column(
        "content",
        gettext_lazy("Content of the visit"),
        ("Nội dung", "Nội dung vụ việc", "Nội dung trình bày", "Nội dung sự việc", "Content"),
        True,
    ),
    Column(
        "prior_handling",
        gettext_lazy("Already handled by (body)"),
        (
            "Đã được giải quyết/cơ quan",
            "Đã được giải quyết",
            "Đã được cơ quan nào giải quyết",
            "Cơ quan đã giải quyết",
            "Cơ quan đã giải quyết, kết quả",
            "Prior handling",
        ),
    ),
    Column(
        "request",
        gettext_lazy("The visitor's request"),
        ("Yêu cầu của người đến", "Yêu cầu", "Yêu cầu của công dân", "Request"),
    ),
    Column(
        "handling",
        gettext_lazy("Result of handling"),
        ("Kết quả xử lý", "Hướng xử lý", "Kết quả tiếp", "Xử lý", "Handling"),
    ),
    Column(
        "persons",
        gettext_lazy("Number of persons"),
        ("Số người", "Số lượng người", "Số người đến", "Persons"),
    ),
    Column(
        "representatives",
        gettext_lazy("Representatives of the group"),
        ("Người đại diện", "Đại diện", "Người đại diện đoàn", "Đại diện đoàn", "Representatives"),
    ),
    Column("kind", gettext_lazy("Kind of matter"), ("Loại", "Phân loại", "Loại vụ việc", "Loại đơn", "Kind")),
    Column("sector", gettext_lazy("Field"), ("Lĩnh vực", "Sector")),
    Column("phone", gettext_lazy("Visitor's phone"), ("Điện thoại", "Số điện thoại", "SĐT", "Phone")),
    Column(
        "case_key",
        gettext_lazy("Case code"),
        ("Mã vụ việc", "Vụ việc", "Case"),
        False,
        _max_length("case_key"),
    ),
    Column("confidential", gettext_lazy("Identity confidential"), ("Bảo mật", "Confidential")),
    Column(
        "host",
        gettext_lazy("Received by"),
        ("Người tiếp", "Người chủ trì", "Lãnh đạo tiếp", "Người tiếp công dân", "Host"),
        False,
        150,
    ),
    Column("answer", gettext_lazy("Answer (Art. 28)"), ("Trả lời", "Trả lời Điều 28", "Thông báo", "Answer")),
    Column(
        "answer_reason",
        gettext_lazy("Reason or body transferred to"),
        ("Lý do / cơ quan", "Lý do", "Cơ quan chuyển đến", "Reason"),
    ),
    Column("answer_due", gettext_lazy("Answer due"), ("Hạn trả lời", "Due"), imported=False),
    Column("answered_on", gettext_lazy("Answered on"), ("Ngày trả lời", "Answered")),
    Column("unit", gettext_lazy("Unit"), ("Đơn vị", "Unit"), imported=False),
)
COLUMN_BY_FIELD = {column.field: column for column in COLUMNS}


def _in_every_language(label) -> list[str]:
    texts = []
    for code, _name in settings.LANGUAGES:
        with override(code):
            texts.append(str(label))
    return texts


@cache
def _alias_index() -> dict[str, Column]:
    index: dict[str, Column] = {}
    for column in COLUMNS:
        if not column.imported:
            continue  # written by the export only: its header is ignored on import
        for alias in (*column.aliases, *_in_every_language(column.label)):
            index.setdefault(header_key(alias), column)
    return index


@dataclass
class BookRow:
    line: int
    date: datetime.date
    name: str
    address: str
    phone: str
    is_confidential: bool
    kind: str
    sector: Sector | None
    content: str
    prior_handling: str
    request: str
    handling: str
    persons: int
    is_group: bool
    representatives: list[Representative]
    case_key: str
    host_name: str
    answer: str
    answer_reason: str
    answered_on: datetime.date | None
    existing_case: bool = False


@dataclass
class ValidatedBook:
    rows: list[BookRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    visits: int = 0
    sessions: int = 0
    sha256: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


# ------------------------------------------------------------------------------------------- cell values


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return normalize_text(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    return normalize_text(str(value))


def _date_value(value) -> tuple[datetime.date | None, str]:
    """A date cell, a day serial number or text such as 05/03/2025; (None, "") when blank."""
    if value is None or value == "":
        return None, ""
    if isinstance(value, datetime.datetime):
        return value.date(), ""
    if isinstance(value, datetime.date):
        return value, ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return from_excel(value).date(), ""
        except (ValueError, OverflowError, TypeError):
            pass
    text = _cell_text(value)
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date(), ""
        except ValueError:
            continue
    return None, _("“%(value)s” is not a date; write it as day/month/year, e.g. 05/03/2025.") % {
        "value": text
    }


def _phone_text(value) -> str:
    # Excel turns 0912345678 into the number 912345678; put the lost leading zero back.
    if isinstance(value, int | float) and not isinstance(value, bool):
        digits = _cell_text(value)
        return digits if digits.startswith("0") else "0" + digits
    return _cell_text(value)


def _is_confidential_mark(text: str) -> bool:
    return search_key(text) in {"bao mat", "confidential", search_key(_("Kept confidential"))}


@cache
def _choice_index(model_choices) -> dict[str, str]:
    """Keys of codes and labels (in every language) → value."""
    index = {}
    for value, label in model_choices.choices:
        if value:
            index[value] = value
            for text in _in_every_language(label):
                index[search_key(text)] = value
    return index


KIND_WORDS = {  # searched inside the cell, most specific first
    "nhieu noi dung": Kind.MIXED,
    "khieu nai": Kind.COMPLAINT,
    "to cao": Kind.DENUNCIATION,
    "phan anh": Kind.REPORT,
    "kien nghi": Kind.PROPOSAL,
}
ANSWER_WORDS = {
    "thu ly": Visit.Answer.ACCEPTED,
    "xac minh": Visit.Answer.NEEDS_VERIFICATION,
    "tu choi": Visit.Answer.REFUSED,
    "khong thu ly": Visit.Answer.REFUSED,
    "chuyen": Visit.Answer.TRANSFERRED,
    "huong dan": Visit.Answer.GUIDED,
}


def _kind_value(text: str) -> tuple[str, str]:
    if not text:
        return Kind.PROPOSAL, ""  # legacy books rarely classify; kiến nghị, phản ánh is the common bucket
    key = search_key(text)
    exact = _choice_index(Kind).get(key)
    if exact:
        return exact, ""
    for words, kind in KIND_WORDS.items():
        if words in key:
            return kind, ""
    return "", _(
        "“%(value)s” is not a kind: write khiếu nại, tố cáo, kiến nghị, phản ánh or nhiều nội dung."
    ) % {"value": text}


def _answer_value(text: str) -> tuple[str, str]:
    if not text:
        return Visit.Answer.PENDING, ""
    key = search_key(text)
    exact = _choice_index(Visit.Answer).get(key)
    if exact:
        return exact, ""
    for words in sorted(ANSWER_WORDS, key=len, reverse=True):
        if words in key:
            return ANSWER_WORDS[words], ""
    return "", _(
        "“%(value)s” is not an answer: write thụ lý, cần xác minh, từ chối, chuyển or hướng dẫn."
    ) % {"value": text}


class _SectorIndex:
    def __init__(self):
        self.by_key: dict[str, Sector] = {}
        for sector in Sector.objects.filter(is_active=True):
            for text in (sector.code, sector.name, sector.name_en):
                if text:
                    self.by_key.setdefault(search_key(text), sector)

    def find(self, text: str) -> tuple[Sector | None, str]:
        if not text:
            return None, ""
        sector = self.by_key.get(search_key(text))
        if sector is None:
            return None, _("“%(value)s” is not a field in the list of fields.") % {"value": text}
        return sector, ""


# ------------------------------------------------------------------------------------------- header


# ------------------------------------------------------------------------------------------- rows


class _RowChecker:
    def __init__(self, positions: dict[str, int]):
        self.positions = positions
        self.sectors = _SectorIndex()
        self.today = timezone.localdate()

    def cell(self, cells: list, name: str):
        position = self.positions.get(name)
        return cells[position] if position is not None and position < len(cells) else None

    def check(self, line: int, cells: list) -> tuple[BookRow | None, list[RowError]]:
        errors: list[RowError] = []

        def fail(name: str, message: str) -> None:
            errors.append(RowError(line, str(COLUMN_BY_FIELD[name].label), message))

        text = {name: _cell_text(self.cell(cells, name)) for name in self.positions}
        for column in COLUMNS:
            value = text.get(column.field, "")
            if column.max_length and len(value) > column.max_length:
                fail(column.field, _("Too long: at most %(max)d characters.") % {"max": column.max_length})

        visit_date = self._date(cells, "date", fail, required=True)
        confidential = self._confidential(text, fail)
        kind, problem = _kind_value(text.get("kind", ""))
        if problem:
            fail("kind", problem)
        confidential = confidential or kind == Kind.DENUNCIATION
        name = "" if _is_confidential_mark(text.get("name", "")) else text.get("name", "")
        if not name and not confidential:
            fail("name", _("This field is required."))
        if not text.get("content"):
            fail("content", _("This field is required."))
        phone = self._phone(cells, text, fail)
        sector, problem = self.sectors.find(text.get("sector", ""))
        if problem:
            fail("sector", problem)
        persons, representatives, is_group = self._group(text, fail)
        answer, reason, answered_on = self._answer(cells, text, visit_date, fail)

        if errors:
            return None, errors
        return BookRow(
            line=line,
            date=visit_date,
            name=name,
            address="" if _is_confidential_mark(text.get("address", "")) else text.get("address", ""),
            phone=phone,
            is_confidential=confidential,
            kind=kind,
            sector=sector,
            content=text["content"],
            prior_handling=text.get("prior_handling", ""),
            request=text.get("request", ""),
            handling=text.get("handling", ""),
            persons=persons,
            is_group=is_group,
            representatives=representatives,
            case_key=text.get("case_key", ""),
            host_name=text.get("host", ""),
            answer=answer,
            answer_reason=reason,
            answered_on=answered_on,
        ), []

    def _date(self, cells, name, fail, *, required: bool) -> datetime.date | None:
        value, problem = _date_value(self.cell(cells, name))
        if problem:
            fail(name, problem)
        elif value is None:
            if required:
                fail(name, _("This field is required."))
        elif value > self.today:
            fail(name, _("The date cannot be in the future."))
        elif value.year < EARLIEST_YEAR:
            fail(name, _("The date is too far in the past."))
        else:
            return value
        return None

    def _confidential(self, text: dict, fail) -> bool:
        mark = search_key(text.get("confidential", ""))
        if mark not in YES | NO:
            fail("confidential", _("Write “Có” for a confidential identity, or leave it blank."))
        return mark in YES or _is_confidential_mark(text.get("name", ""))

    def _phone(self, cells, text: dict, fail) -> str:
        raw = _phone_text(self.cell(cells, "phone"))
        if not raw or _is_confidential_mark(raw):
            return ""
        phone = normalize_phone(raw)
        if not phone:
            fail("phone", _("“%(value)s” is not a valid Vietnamese phone number.") % {"value": raw})
        return phone

    def _group(self, text: dict, fail) -> tuple[int, list[Representative], bool]:
        raw = text.get("persons", "")
        persons = 1
        if raw:
            if not re.fullmatch(r"\d+", raw) or not 1 <= int(raw) <= MAX_PERSONS:
                fail("persons", _("Must be a whole number from 1 to %(max)d.") % {"max": MAX_PERSONS})
                return 1, [], False
            persons = int(raw)
        reps_text = text.get("representatives", "")
        is_group = persons >= legal.GROUP_MIN_SIZE
        if _is_confidential_mark(reps_text):
            return persons, [], is_group  # an exported confidential group: the names are not in the file
        representatives = parse_representatives(reps_text)
        for name, message in group_problems(persons, is_group, representatives).items():
            fail("persons" if name == "persons" else "representatives", message)
        return persons, representatives, is_group

    def _answer(self, cells, text: dict, visit_date, fail) -> tuple[str, str, datetime.date | None]:
        answer, problem = _answer_value(text.get("answer", ""))
        if problem:
            fail("answer", problem)
        reason = text.get("answer_reason", "")
        if answer == Visit.Answer.REFUSED and not reason:
            fail("answer_reason", _("Give the reason for refusing."))
        if answer == Visit.Answer.TRANSFERRED and not reason:
            fail("answer_reason", _("Name the body the matter was transferred to."))
        answered_on = self._date(cells, "answered_on", fail, required=bool(answer))
        if answered_on and visit_date and answered_on < visit_date:
            fail(
                "answered_on",
                _("The answer cannot be before the visit (%(date)s).") % {"date": f"{visit_date:%d/%m/%Y}"},
            )
        if answered_on and not answer:
            fail("answer", _("Write the answer given on that date."))
        return answer, reason, answered_on


def _mark_existing_cases(unit: Unit, rows: list[BookRow]) -> None:
    keys = {row.case_key for row in rows if row.case_key}
    if not keys:
        return
    existing = set(Visit.objects.filter(unit=unit, case_key__in=keys).values_list("case_key", flat=True))
    for row in rows:
        row.existing_case = row.case_key in existing


def validate_reception_book(data: bytes, filename: str, *, unit: Unit) -> ValidatedBook:
    """Read and check the whole file; the result has either rows to write or every error found."""
    result = ValidatedBook()
    data_rows = 0
    try:
        if not filename.lower().endswith(".xlsx"):
            raise ImportFileError(_("Only .xlsx files can be imported."))
        rows = read_table(data, filename)  # converts cells typed in TCVN3 (.VnTime) or VNI fonts
        header_line, positions, header_errors = find_header(rows, _alias_index(), COLUMNS)
        if header_errors:
            result.errors = header_errors
            return result
        checker = _RowChecker(positions)
        for line, cells in rows:
            if is_blank(cells):
                continue
            data_rows += 1
            if data_rows > MAX_ROWS:
                result.errors.append(
                    RowError(
                        line,
                        "",
                        _("The file has more than %(max)d rows; split it into several files.")
                        % {"max": MAX_ROWS},
                    )
                )
                return result
            row, errors = checker.check(line, cells)
            if row is not None:
                result.rows.append(row)
            result.errors += errors
    except ImportFileError as exc:
        result.errors.append(RowError(None, "", str(exc)))
        return result
    if data_rows == 0:
        result.errors.append(RowError(header_line + 1, "", _("The file has a header row but no visits.")))
    if result.errors:
        result.rows = []
    else:
        _mark_existing_cases(unit, result.rows)
    return result


def import_reception_book(unit: Unit, file, *, actor, filename: str | None = None) -> ImportResult:
    """See `reception.import_reception_book` (the service that writes)."""
    from dancoso.petitions import reception

    return reception.import_reception_book(unit, file, actor=actor, filename=filename)


# ------------------------------------------------------------------------------------------- export


def _date_cell(sheet, value: datetime.date | None):
    if value is None:
        return None
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = "DD/MM/YYYY"
    return cell


def _export_row(sheet, visit: Visit) -> list:
    hidden = str(_("Kept confidential")) if visit.is_confidential else None
    representatives = format_representatives(visit.representatives).replace("\n", "; ")
    return [
        visit.number,
        _date_cell(sheet, visit.date),
        hidden or visit.visitor_name,
        hidden or visit.visitor_address,
        visit.content,
        visit.prior_handling,
        visit.request,
        visit.handling,
        visit.persons,
        (hidden if visit.representatives else "") if hidden else representatives,
        visit.get_kind_display(),
        visit.sector.name if visit.sector_id else "",
        hidden or visit.visitor_phone,
        visit.case_key,
        str(_("Yes")) if visit.is_confidential else "",
        visit.session.host_name,
        visit.get_answer_display() if visit.answer else "",
        visit.answer_reason,
        _date_cell(sheet, visit.answer_due),
        _date_cell(sheet, visit.answered_on),
        visit.unit.name,
    ]


def write_reception_book(queryset) -> bytes:
    """An .xlsx of the visits in `queryset`; never a confidential visitor's identity (it is not on the row)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(_("Reception book"))[:31])
    sheet.append([str(column.label) for column in COLUMNS])
    visits = queryset.select_related("sector", "session", "unit").order_by("unit__path", "year", "number")
    for visit in visits.iterator(chunk_size=2000):
        sheet.append(_export_row(sheet, visit))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
