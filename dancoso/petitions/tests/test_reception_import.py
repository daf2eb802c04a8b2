"""Import of a legacy reception book (.xlsx) and export of the book: whole-file validation with every bad row
reported and nothing written, legacy fonts, sessions per date, confidentiality and the round trip."""

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from dancoso.core.models import LedgerEntry
from dancoso.petitions import confidential, reception, reception_importing
from dancoso.petitions.models import Kind, ProtectedIdentity, ReceptionSession, Visit
from dancoso.petitions.tests.test_reception_services import (
    PLANTED_NAME,
    PLANTED_PHONE,
    officer_of,
    session_of,
    visit_in,
)
from dancoso.units.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

D = date
HEADER = [
    "STT",
    "Ngày",
    "Họ tên",
    "Địa chỉ",
    "Nội dung",
    "Đã được giải quyết/cơ quan",
    "Yêu cầu của người đến",
    "Kết quả xử lý",
    "Số người",
    "Người đại diện",
    "Loại",
    "Điện thoại",
]
TITLE = [["SỔ TIẾP CÔNG DÂN NĂM 2025"], []]


def xlsx(rows, header=HEADER, title=TITLE) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in [*title, header, *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def good_rows():
    return [
        [
            1,
            datetime(2025, 3, 4),
            "Nguyễn Văn An",
            "Thôn Đông",
            "Đề nghị sửa đường",
            "",
            "Sửa đường",
            "Ghi nhận",
            1,
            "",
            "Kiến nghị",
            912345678,
        ],
        [
            2,
            "04/03/2025",
            "NguyÔn V¨n B×nh",
            "Th«n T©y",
            "§Ò nghÞ söa ®­êng liªn th«n",
            "UBND xã đã trả lời",
            "",
            "",
            12,
            "Lê Văn Một; Hà Thị Hai, 0911 222 333",
            "Khiếu nại",
            "",
        ],
        [
            3,
            datetime(2025, 3, 11),
            PLANTED_NAME,
            "Xóm Kín",
            "Tố cáo cán bộ nhận tiền",
            "",
            "",
            "",
            1,
            "",
            "Tố cáo",
            PLANTED_PHONE,
        ],
    ]


@pytest.fixture
def commune(db):
    return UnitFactory(name="Xã An Khánh")


@pytest.fixture
def officer(commune):
    return officer_of(commune)


def test_a_good_book_is_imported_into_one_session_per_date(commune, officer):
    result = reception.import_reception_book(
        commune, xlsx(good_rows()), actor=officer, filename="so-2025.xlsx"
    )
    assert result.ok, result.errors
    assert (result.visits, result.sessions) == (3, 2)
    sessions = ReceptionSession.objects.filter(unit=commune).order_by("date")
    assert [(s.date, s.kind) for s in sessions] == [(D(2025, 3, 4), "regular"), (D(2025, 3, 11), "regular")]
    visits = list(Visit.objects.filter(unit=commune).order_by("number"))
    assert [(v.number, v.year, v.date) for v in visits] == [
        (1, 2025, D(2025, 3, 4)),
        (2, 2025, D(2025, 3, 4)),
        (3, 2025, D(2025, 3, 11)),
    ]
    first, group, denunciation = visits
    assert first.visitor_phone == "0912345678" and first.kind == Kind.PROPOSAL  # Excel dropped the 0
    assert group.visitor_name == "Nguyễn Văn Bình"  # typed in .VnTime (TCVN3)
    assert group.content == "Đề nghị sửa đường liên thôn" and group.kind == Kind.COMPLAINT
    assert group.is_group and group.persons == 12
    assert [r["name"] for r in group.representatives] == ["Lê Văn Một", "Hà Thị Hai"]
    assert group.answer_due == reception.legal.visit_answer_due(D(2025, 3, 4), commune)
    assert len({v.case_key for v in visits}) == 3
    assert denunciation.is_confidential and denunciation.visitor_name == denunciation.visitor_phone == ""
    identity = ProtectedIdentity.objects.get(visit=denunciation)
    assert confidential.decrypt_identity(identity.ciphertext)["name"] == PLANTED_NAME
    entry = LedgerEntry.objects.get(action="petitions.reception_book_imported")
    assert entry.payload["visits"] == 3 and PLANTED_NAME not in str(entry.payload)


def test_imported_numbers_follow_the_existing_book(commune, officer):
    visit_in(session_of(commune, on=D(2025, 2, 3), actor=officer), actor=officer)
    result = reception.import_reception_book(commune, xlsx(good_rows()), actor=officer, filename="so.xlsx")
    assert result.ok
    assert sorted(Visit.objects.filter(unit=commune, year=2025).values_list("number", flat=True)) == [
        1,
        2,
        3,
        4,
    ]


def test_every_bad_row_is_reported_and_nothing_is_written(commune, officer):
    rows = [
        [1, "", "Nguyễn Văn An", "Thôn Đông", "Đề nghị", "", "", "", 1, "", "", ""],  # no date
        [2, "31/02/2025", "Trần Thị Bé", "", "Hỏi chế độ", "", "", "", 1, "", "", ""],  # no such date
        [3, datetime(2030, 1, 2), "Lê Văn Cường", "", "Phản ánh", "", "", "", 1, "", "", ""],  # future
        [4, datetime(2025, 3, 4), "", "", "", "", "", "", 1, "", "", "12345"],  # name, content, phone
        [5, datetime(2025, 3, 4), "Đoàn hộ dân", "", "Đất đai", "", "", "", 12, "", "", ""],  # group, no reps
        [6, datetime(2025, 3, 4), "Hà Văn Dũng", "", "Khác", "", "", "", 7, "A; B; C", "Kêu ca", ""],
        [7, datetime(2025, 3, 4), "Vũ Thị Em", "", "Đúng", "", "", "", 1, "", "Phản ánh", ""],  # a good row
    ]
    result = reception.import_reception_book(commune, xlsx(rows), actor=officer, filename="so.xlsx")
    assert not result.ok
    found = {(error.line, error.column) for error in result.errors}
    assert found == {
        (4, "Ngày"),
        (5, "Ngày"),
        (6, "Ngày"),
        (7, "Họ tên"),
        (7, "Nội dung"),
        (7, "Điện thoại"),
        (8, "Người đại diện của đoàn"),
        (9, "Người đại diện của đoàn"),
        (9, "Loại vụ việc"),
    }
    messages = {(error.line, error.column): error.message for error in result.errors}
    assert messages[(6, "Ngày")].startswith("Ngày không được")  # in the future
    assert "tối đa 2 người đại diện" in messages[(9, "Người đại diện của đoàn")]
    assert "“Kêu ca” không phải là loại vụ việc" in messages[(9, "Loại vụ việc")]
    assert not Visit.objects.exists() and not ReceptionSession.objects.exists()
    assert not LedgerEntry.objects.filter(action="petitions.reception_book_imported").exists()


def test_answers_in_the_file_are_checked(commune, officer):
    header = [*HEADER, "Trả lời", "Lý do / cơ quan", "Ngày trả lời"]
    base = [1, datetime(2025, 3, 4), "Nguyễn Văn An", "", "Đề nghị", "", "", "", 1, "", "", ""]
    rows = [
        [*base, "Từ chối", "", datetime(2025, 3, 10)],  # a refusal needs its reason
        [*base, "Thụ lý", "", ""],  # an answer needs its date
        [*base, "", "", datetime(2025, 3, 10)],  # a date needs its answer
        [*base, "Chuyển", "Thanh tra tỉnh", datetime(2025, 3, 1)],  # before the visit
        [*base, "Chuyển", "Thanh tra tỉnh", datetime(2025, 3, 20)],
    ]
    result = reception.import_reception_book(
        commune, xlsx(rows, header=header), actor=None, filename="a.xlsx"
    )
    assert {(e.line, e.column) for e in result.errors} == {
        (4, "Lý do / cơ quan"),
        (5, "Ngày trả lời"),
        (6, "Trả lời (Điều 28)"),
        (7, "Ngày trả lời"),
    }
    result = reception.import_reception_book(
        commune, xlsx(rows[4:], header=header), actor=None, filename="a.xlsx"
    )
    assert result.ok
    visit = Visit.objects.get()
    assert (visit.answer, visit.answer_reason, visit.answered_on) == (
        "transferred",
        "Thanh tra tỉnh",
        D(2025, 3, 20),
    )


def test_a_missing_required_column_or_a_wrong_file_is_reported(commune, officer):
    no_content = [c for c in HEADER if c != "Nội dung"]
    result = reception.import_reception_book(
        commune, xlsx([[1, datetime(2025, 3, 4), "An"]], header=no_content), actor=None, filename="a.xlsx"
    )
    assert [e.message for e in result.errors] == ["Thiếu cột bắt buộc “Nội dung”."]
    result = reception.import_reception_book(commune, b"not a workbook", actor=None, filename="a.xlsx")
    assert result.errors[0].line is None and not result.ok
    result = reception.import_reception_book(commune, b"a;b", actor=None, filename="a.csv")
    assert result.errors[0].message == "Chỉ nhập được tệp .xlsx."


# ------------------------------------------------------------------------------------------- export


def _cells(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def book(commune, officer):
    session = session_of(commune, on=D(2026, 3, 3), actor=officer)
    plain = visit_in(session, actor=officer)
    group = visit_in(
        session,
        actor=officer,
        visitor={"name": "Lê Văn Một", "address": "Thôn Tây"},
        kind=Kind.COMPLAINT,
        persons=11,
        is_group=True,
        representatives=["Lê Văn Một, Thôn Tây", "Hà Thị Hai, 0911 222 333"],
        case_key="",
    )
    again = visit_in(session, actor=officer, case_key=plain.case_key)
    secret = visit_in(
        session,
        actor=officer,
        kind=Kind.DENUNCIATION,
        visitor={"name": PLANTED_NAME, "address": "Xóm Kín", "phone": PLANTED_PHONE},
        persons=6,
        is_group=True,
        representatives=[PLANTED_NAME, "Vũ Văn Kín"],
    )
    reception.answer_visit(
        plain, actor=officer, answer="refused", reason="Không thuộc thẩm quyền", answered_on=D(2026, 3, 5)
    )
    return [plain, group, again, secret]


def test_the_export_has_the_art_25_columns_and_never_a_confidential_identity(commune, book):
    rows = _cells(reception.export_reception_book(Visit.objects.filter(unit=commune)))
    assert rows[0][:9] == [
        "STT",
        "Ngày",
        "Họ tên",
        "Địa chỉ",
        "Nội dung",
        "Đã được giải quyết/cơ quan",
        "Yêu cầu của người đến",
        "Kết quả xử lý",
        "Số người",
    ]
    text = " ".join(str(cell) for row in rows for cell in row if cell is not None)
    for secret in (PLANTED_NAME, PLANTED_PHONE, "Xóm Kín", "Vũ Văn Kín"):
        assert secret not in text
    confidential_row = next(row for row in rows[1:] if row[0] == 4)
    assert confidential_row[2:4] == ["Bảo mật", "Bảo mật"] and confidential_row[12] == "Bảo mật"
    assert rows[1][1] == datetime(2026, 3, 3)


def test_an_export_imports_again_with_the_same_book(commune, book):
    content = reception.export_reception_book(Visit.objects.filter(unit=commune))
    other = UnitFactory(name="Xã Bình Minh")
    result = reception.import_reception_book(other, content, actor=None, filename="export.xlsx")
    assert result.ok, result.errors
    fields = ("number", "date", "visitor_name", "visitor_address", "visitor_phone", "is_confidential", "kind")
    more = ("content", "request", "persons", "is_group", "answer", "answer_reason", "answered_on")

    def snapshot(unit):
        visits = Visit.objects.filter(unit=unit).order_by("number")
        return [
            (
                *(getattr(v, f) for f in fields + more),
                [r["name"] for r in v.representatives] if not v.is_confidential else None,
            )
            for v in visits
        ]

    assert snapshot(other) == snapshot(commune)
    original_cases = Visit.objects.filter(unit=commune).values("case_key").distinct().count()
    assert Visit.objects.filter(unit=other).values("case_key").distinct().count() == original_cases == 3
    assert not ProtectedIdentity.objects.filter(unit=other).exists()  # the identity was never in the file

    # Into the same unit, the case codes are the book's own: the visits join their cases.
    result = reception.import_reception_book(commune, content, actor=None, filename="export.xlsx")
    assert result.ok
    assert Visit.objects.filter(unit=commune).values("case_key").distinct().count() == 3


def test_the_format_module_offers_the_import_service_too(commune):
    result = reception_importing.import_reception_book(
        commune, xlsx(good_rows()[:1]), actor=None, filename="x.xlsx"
    )
    assert result.ok and Visit.objects.count() == 1
