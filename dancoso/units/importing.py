"""Reading and validating household lists from .xlsx and .csv files.

Nothing here writes to the database: `read_table` turns a file into numbered rows of text, and
`validate_households` checks every row against the commune and returns either clean rows or every error,
each with the line the user sees in Excel and a reason in the active language (Vietnamese by default).
`services.import_households` writes the result.
"""

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dancoso.core.text import (
    convert_legacy,
    decode_bytes,
    detect_legacy_encoding,
    normalize_phone,
    normalize_text,
    search_key,
)
from dancoso.units.models import SETTLEMENT_KINDS, Household, Unit

MAX_ROWS = 50_000
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_MEMBER_COUNT = 999
HEADER_SEARCH_ROWS = 10  # a title such as "DANH SÁCH HỘ GIA ĐÌNH" often sits above the header row
CSV_DELIMITERS = (",", ";", "\t")


class ImportMode(models.TextChoices):
    ADD_ONLY = "add", gettext_lazy("Add new households only (reject codes that already exist)")
    UPSERT = "update", gettext_lazy("Add new households and update existing ones with the same code")


@dataclass(frozen=True)
class Column:
    field: str
    label: str
    aliases: tuple[str, ...]
    required: bool = False
    max_length: int | None = None


def header_key(value: str) -> str:
    """ "Thôn / Tổ dân phố" → "thon to dan pho": case, diacritics, punctuation and spacing do not matter."""
    return " ".join(re.findall(r"[a-z0-9]+", search_key(value)))


def _max_length(name: str) -> int:
    return Household._meta.get_field(name).max_length


# The file format. Labels are what the export writes (translated); aliases are matched in any language.
COLUMNS: tuple[Column, ...] = (
    Column(
        "code",
        gettext_lazy("Household code"),
        ("Mã hộ", "Mã hộ gia đình", "Mã", "code"),
        True,
        _max_length("code"),
    ),
    Column("address", gettext_lazy("Address"), ("Địa chỉ", "address"), True, _max_length("address")),
    Column(
        "village",
        gettext_lazy("Village/Residential group"),
        ("Thôn/Tổ dân phố", "Thôn", "Tổ dân phố", "Thôn/Tổ", "village", "residential group"),
        True,
    ),
    Column(
        "representative_name",
        gettext_lazy("Head of household"),
        (
            "Chủ hộ",
            "Người đại diện",
            "Đại diện hộ",
            "Họ và tên chủ hộ",
            "representative",
            "head of household",
        ),
        True,
        _max_length("representative_name"),
    ),
    Column(
        "representative_phone",
        gettext_lazy("Phone number"),
        ("Số điện thoại", "Điện thoại", "SĐT", "phone", "phone number"),
    ),
    Column(
        "representative_email",
        gettext_lazy("Email"),
        ("Email", "Thư điện tử", "e-mail"),
        False,
        _max_length("representative_email"),
    ),
    Column(
        "member_count",
        gettext_lazy("Number of members"),
        ("Số nhân khẩu", "Nhân khẩu", "Số người", "members", "number of members", "member count"),
    ),
)
COLUMN_BY_FIELD = {column.field: column for column in COLUMNS}


def _alias_index() -> dict[str, Column]:
    index: dict[str, Column] = {}
    for column in COLUMNS:
        for alias in (*column.aliases, str(column.label)):
            index[header_key(alias)] = column
    return index


@dataclass(frozen=True)
class RowError:
    line: int | None  # as numbered in Excel; None when the error is about the whole file
    column: str
    message: str


@dataclass
class HouseholdRow:
    line: int
    village: Unit
    code: str
    address: str
    representative_name: str
    representative_phone: str = ""
    representative_email: str = ""
    member_count: int | None = None
    existing: Household | None = None


@dataclass
class ValidatedImport:
    rows: list[HouseholdRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    columns: frozenset[str] = frozenset()  # fields present in the file; update mode leaves the others alone


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is for the user."""


# ---------------------------------------------------------------------------------------------- reading


def _sniff_delimiter(text: str) -> str:
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    counts = {delimiter: first_line.count(delimiter) for delimiter in CSV_DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _read_csv(data: bytes) -> Iterator[tuple[int, list[str]]]:
    text, _encoding = decode_bytes(data)  # UTF-8/16, Windows-1258, TCVN3 or VNI → Unicode NFC
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    try:
        for line, cells in enumerate(reader, start=1):
            yield line, [normalize_text(cell) for cell in cells]
    except csv.Error as exc:
        raise ImportFileError(_("The CSV file is damaged: %(reason)s") % {"reason": exc}) from exc


def _xlsx_string(value: str) -> str:
    """A text cell typed in a legacy font (.VnTime, VNI-Times) arrives as TCVN3/VNI bytes: convert it."""
    encoding = detect_legacy_encoding(value)
    return normalize_text(convert_legacy(value, encoding) if encoding else value)


def _cell_text(value) -> str:
    """Cells arrive normalised (strings) or typed (xlsx numbers, dates); validation wants text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    return normalize_text(str(value))


def _read_xlsx(data: bytes) -> Iterator[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportFileError(_("The file is not a valid Excel (.xlsx) workbook.")) from exc
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some programs write a wrong sheet size; read every row there is
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield line, [_xlsx_string(v) if isinstance(v, str) else v for v in values]
    finally:
        workbook.close()


def read_table(data: bytes, filename: str) -> Iterator[tuple[int, list]]:
    """(line, cells) for every row of the file; xlsx cells keep their type until validation."""
    name = filename.lower()
    if not data:
        raise ImportFileError(_("The file is empty."))
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(
            _("The file is larger than %(size)d MB.") % {"size": MAX_FILE_BYTES // (1024 * 1024)}
        )
    if name.endswith(".xlsx"):
        return _read_xlsx(data)
    if name.endswith(".csv"):
        return _read_csv(data)
    raise ImportFileError(_("Only .xlsx and .csv files can be imported."))


# ------------------------------------------------------------------------------------------- validating


def is_blank(cells: Iterable) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _match_header(line: int, cells: list, index: dict) -> tuple[dict[str, int], list[RowError]] | None:
    """Column positions if this row is the header row (it names at least two known columns)."""
    positions: dict[str, int] = {}
    errors: list[RowError] = []
    for position, cell in enumerate(cells):
        column = index.get(header_key(_cell_text(cell)))
        if column is None:
            continue  # extra columns such as "STT" are ignored
        if column.field in positions:
            errors.append(RowError(line, str(column.label), _("This column appears more than once.")))
            continue
        positions[column.field] = position
    if len(positions) < 2:
        return None
    return positions, errors


def find_header(
    rows: Iterator[tuple[int, list]], index: dict, columns: Iterable
) -> tuple[int, dict[str, int], list[RowError]]:
    """The header row among the first rows of a table: its line, each known column's position (`index` maps
    `header_key(alias)` to a column with `field`, `label`, `aliases`, `required`), and its errors."""
    required = [column for column in columns if column.required]
    for line, cells in rows:
        if line > HEADER_SEARCH_ROWS:
            break
        if is_blank(cells):
            continue
        matched = _match_header(line, cells, index)
        if matched is not None:
            positions, errors = matched
            errors += [
                RowError(
                    line,
                    str(column.label),
                    _("The required column “%(column)s” is missing.") % {"column": column.aliases[0]},
                )
                for column in required
                if column.field not in positions
            ]
            return line, positions, errors
    expected = ", ".join(column.aliases[0] for column in required)
    raise ImportFileError(
        _("No header row was found in the first %(rows)d rows. The file needs the columns: %(columns)s.")
        % {"rows": HEADER_SEARCH_ROWS, "columns": expected}
    )


class _VillageIndex:
    """Villages and residential groups of the commune, found by code or by name."""

    def __init__(self, commune: Unit):
        villages = list(Unit.objects.subtree(commune).filter(kind__in=SETTLEMENT_KINDS, is_active=True))
        self.by_code = {v.code.casefold(): v for v in villages}
        self.by_name: dict[str, list[Unit]] = {}
        for village in villages:
            self.by_name.setdefault(search_key(village.name), []).append(village)
        self.commune = commune

    def find(self, value: str) -> tuple[Unit | None, str]:
        if value.casefold() in self.by_code:
            return self.by_code[value.casefold()], ""
        matches = self.by_name.get(search_key(value), [])
        if len(matches) == 1:
            return matches[0], ""
        if matches:
            return None, _("Several villages are named “%(name)s”; write the village code instead.") % {
                "name": value
            }
        return None, _("“%(name)s” is not a village or residential group of %(commune)s.") % {
            "name": value,
            "commune": self.commune.name,
        }


def _phone_text(value) -> str:
    # Excel turns 0912345678 into the number 912345678; put the lost leading zero back.
    if isinstance(value, int | float) and not isinstance(value, bool):
        digits = _cell_text(value)
        return digits if digits.startswith("0") else "0" + digits
    return _cell_text(value)


def _member_count(value) -> tuple[int | None, str]:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _cell_text(value)
    if not text:
        return None, ""
    if not re.fullmatch(r"\d+", text) or not 1 <= int(text) <= MAX_MEMBER_COUNT:
        return None, _("Must be a whole number from 1 to %(max)d.") % {"max": MAX_MEMBER_COUNT}
    return int(text), ""


class _RowChecker:
    def __init__(self, commune: Unit, mode: str, positions: dict[str, int]):
        self.villages = _VillageIndex(commune)
        self.mode = mode
        self.positions = positions
        self.first_line_of: dict[tuple[int, str], int] = {}
        self.existing = {
            (h.unit_id, h.code.casefold()): h
            for h in Household.objects.filter(unit__in=list(self.villages.by_code.values()))
        }

    def cell(self, cells: list, name: str):
        position = self.positions.get(name)
        return cells[position] if position is not None and position < len(cells) else None

    def check(self, line: int, cells: list) -> tuple[HouseholdRow | None, list[RowError]]:
        errors: list[RowError] = []

        def fail(name: str, message: str) -> None:
            errors.append(RowError(line, str(COLUMN_BY_FIELD[name].label), message))

        text = {name: _cell_text(self.cell(cells, name)) for name in self.positions}
        for column in COLUMNS:
            value = text.get(column.field, "")
            if column.required and not value:
                fail(column.field, _("This field is required."))
            elif column.max_length and len(value) > column.max_length:
                fail(column.field, _("Too long: at most %(max)d characters.") % {"max": column.max_length})

        village = None
        if text.get("village"):
            village, problem = self.villages.find(text["village"])
            if problem:
                fail("village", problem)

        raw_phone = _phone_text(self.cell(cells, "representative_phone"))
        phone = normalize_phone(raw_phone)
        if raw_phone and not phone:
            fail(
                "representative_phone",
                _("“%(value)s” is not a valid Vietnamese phone number.") % {"value": raw_phone},
            )

        email = text.get("representative_email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                fail(
                    "representative_email", _("“%(value)s” is not a valid email address.") % {"value": email}
                )

        member_count, problem = _member_count(self.cell(cells, "member_count"))
        if problem:
            fail("member_count", problem)

        existing = None
        code = text.get("code", "")
        if village is not None and code:
            key = (village.pk, code.casefold())
            if key in self.first_line_of:
                fail(
                    "code",
                    _("Code “%(code)s” of %(village)s is repeated: it was already on line %(line)d.")
                    % {"code": code, "village": village.name, "line": self.first_line_of[key]},
                )
            else:
                self.first_line_of[key] = line
            existing = self.existing.get(key)
            if existing is not None and self.mode == ImportMode.ADD_ONLY:
                fail(
                    "code",
                    _(
                        "Household “%(code)s” already exists in %(village)s. To correct existing "
                        "households, import again and choose “update existing”."
                    )
                    % {"code": code, "village": village.name},
                )

        if errors:
            return None, errors
        return HouseholdRow(
            line=line,
            village=village,
            code=code,
            address=text["address"],
            representative_name=text["representative_name"],
            representative_phone=phone,
            representative_email=email,
            member_count=member_count,
            existing=existing,
        ), []


def validate_households(
    data: bytes, filename: str, *, commune: Unit, mode: str = ImportMode.ADD_ONLY
) -> ValidatedImport:
    """Read and check the whole file; the result has either rows to write or every error found."""
    result = ValidatedImport()
    try:
        rows = read_table(data, filename)
        header_line, positions, header_errors = find_header(rows, _alias_index(), COLUMNS)
        result.columns = frozenset(positions)
        if header_errors:
            result.errors = header_errors
            return result
        checker = _RowChecker(commune, mode, positions)
        data_rows = 0
        for line, cells in rows:
            if is_blank(cells):
                continue
            data_rows += 1
            if data_rows > MAX_ROWS:
                result.errors.append(
                    RowError(
                        line,
                        "",
                        _("The file has more than %(max)d households; split it into several files.")
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
        result.errors.append(RowError(header_line + 1, "", _("The file has a header row but no households.")))
    if result.errors:
        result.rows = []
    return result
