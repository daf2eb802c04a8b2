import io

import pytest

from dancoso.core.models import LedgerEntry
from dancoso.core.text import TCVN3_TO_UNICODE
from dancoso.units import importing, services
from dancoso.units.importing import ImportMode
from dancoso.units.models import Household
from dancoso.units.tests.conftest import HEADERS, csv_bytes, xlsx_bytes
from dancoso.units.tests.factories import HouseholdFactory, VillageFactory

pytestmark = pytest.mark.django_db

GOOD_ROWS = [
    ["HGD001", "Số 1, ngõ 2", "Thôn Đông", "Nguyễn Văn An", "0912345678", "an@example.vn", 4],
    ["HGD002", "Số 3, ngõ 2", "thon tay", "Trần Thị Bình", "", "", ""],
    ["HGD003", "Xóm Giữa", "AK-TAY", "Lê Văn Cường", "+84 98 765 4321", "", "2"],
]


def run_import(commune, data: bytes, filename: str, mode=ImportMode.ADD_ONLY):
    return services.import_households(
        actor=None, commune=commune, file=io.BytesIO(data), filename=filename, mode=mode
    )


def errors_by_line(result) -> dict:
    found: dict = {}
    for error in result.errors:
        found.setdefault(error.line, []).append((error.column, error.message))
    return found


def test_good_xlsx_imports_every_row_with_one_ledger_entry(commune, villages):
    result = run_import(commune, xlsx_bytes([HEADERS, *GOOD_ROWS]), "ho.xlsx")
    assert result.ok, result.errors
    assert result.created == 3
    an = Household.objects.get(code="HGD001")
    assert (an.unit, an.member_count, an.representative_email) == (villages.dong, 4, "an@example.vn")
    assert Household.objects.get(code="HGD002").unit == villages.tay
    assert Household.objects.get(code="HGD003").representative_phone == "0987654321"
    assert Household.objects.get(code="HGD003").search_key == "hgd003 le van cuong xom giua"
    entry = LedgerEntry.objects.get(action="units.import_households")
    assert entry.payload["created"] == 3
    assert entry.payload["sha256"] == result.sha256
    assert entry.unit_id == commune.pk


def test_good_csv_with_bom_and_english_headers(commune, villages):
    headers = ["Code", "ADDRESS", "Village", "Representative", "Phone", "E-mail", "Members"]
    data = b"\xef\xbb\xbf" + csv_bytes([headers, *GOOD_ROWS])
    result = run_import(commune, data, "HO.CSV")
    assert result.ok, result.errors
    assert Household.objects.count() == 3


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_csv(commune, villages, delimiter):
    result = run_import(commune, csv_bytes([HEADERS, *GOOD_ROWS], delimiter=delimiter), "ho.csv")
    assert result.ok, result.errors
    assert Household.objects.count() == 3


def test_headers_ignore_case_diacritics_spacing_and_extra_columns(commune, villages):
    headers = ["STT", "MÃ HỘ", "dia chi", "Thôn / Tổ dân phố", "Người đại diện", "Ghi chú"]
    rows = [[1, "HGD9", "Số 9", "Thôn Đông", "Đỗ Văn Hải", "bỏ qua"]]
    result = run_import(commune, xlsx_bytes([headers, *rows]), "ho.xlsx")
    assert result.ok, result.errors
    assert Household.objects.get().representative_name == "Đỗ Văn Hải"


def test_title_rows_above_the_header_keep_excel_line_numbers(commune, villages):
    title = [["DANH SÁCH HỘ GIA ĐÌNH XÃ AN KHÁNH"], []]
    rows = [GOOD_ROWS[0], ["HGD002", "", "Thôn Đông", "Trần Thị Bình"]]
    result = run_import(commune, xlsx_bytes([HEADERS, *rows], title_rows=title), "ho.xlsx")
    assert [(e.line, e.column, e.message) for e in result.errors] == [
        (5, "Địa chỉ", "Trường này là bắt buộc.")
    ]


def test_excel_number_phone_gets_its_leading_zero_back(commune, villages):
    rows = [["HGD1", "Số 1", "Thôn Đông", "Vũ Văn Tâm", 912345678, None, 3.0]]
    result = run_import(commune, xlsx_bytes([HEADERS, *rows]), "ho.xlsx")
    assert result.ok, result.errors
    household = Household.objects.get()
    assert (household.representative_phone, household.member_count) == ("0912345678", 3)


def test_every_bad_row_is_reported_with_its_line_column_and_vietnamese_reason(commune, villages):
    HouseholdFactory(unit=villages.dong, code="CO-SAN")
    other_commune_village = VillageFactory(name="Thôn Bắc")
    rows = [
        GOOD_ROWS[0],  # 2 fine
        ["", "Số 2", "Thôn Đông", ""],  # 3 missing code, name
        ["HGD010", "Số 3", "Thôn Bắc", "Hoàng Văn Em"],  # 4 village elsewhere
        ["HGD001", "Số 4", "Thôn Đông", "Ngô Thị Gấm"],  # 5 repeats line 2
        ["CO-SAN", "Số 5", "Thôn Đông", "Phan Văn Hùng"],  # 6 exists already
        ["HGD011", "Số 6", "Thôn Tây", "Đinh Văn Ích", "12345", "không-phải-email", "0"],  # 7 three problems
        ["HGD012", "Số 7", "Thôn Tây", "Lý Thị Kim", "", "", "hai"],  # 8 not a number
        ["HGD013", "x" * 301, "Thôn Tây", "Tạ Văn Long"],  # 9 too long
    ]
    result = run_import(commune, xlsx_bytes([HEADERS, *rows]), "ho.xlsx")
    assert not result.ok
    found = errors_by_line(result)
    assert set(found) == {3, 4, 5, 6, 7, 8, 9}
    assert found[3] == [("Mã hộ", "Trường này là bắt buộc."), ("Chủ hộ", "Trường này là bắt buộc.")]
    assert found[4] == [("Thôn/Tổ dân phố", "“Thôn Bắc” không phải là thôn hoặc tổ dân phố của Xã An Khánh.")]
    assert found[5] == [("Mã hộ", "Mã hộ “HGD001” của Thôn Đông bị trùng: đã có ở dòng 2.")]
    assert found[6][0][0] == "Mã hộ" and "đã có trong Thôn Đông" in found[6][0][1]
    assert [column for column, _ in found[7]] == ["Số điện thoại", "Email", "Số nhân khẩu"]
    assert "không phải là số điện thoại Việt Nam hợp lệ" in found[7][0][1]
    assert "không phải là địa chỉ email hợp lệ" in found[7][1][1]
    assert found[8] == [("Số nhân khẩu", "Phải là số nguyên từ 1 đến 999.")]
    assert found[9] == [("Địa chỉ", "Quá dài: tối đa 300 ký tự.")]
    assert other_commune_village.households.count() == 0


def test_one_bad_row_among_good_ones_imports_nothing(commune, villages):
    rows = [*GOOD_ROWS, ["HGD004", "Số 4", "Thôn Không Có", "Bùi Văn Minh"]]
    before = LedgerEntry.objects.count()
    result = run_import(commune, xlsx_bytes([HEADERS, *rows]), "ho.xlsx")
    assert [e.line for e in result.errors] == [5]
    assert result.created == 0
    assert not Household.objects.exists()
    assert LedgerEntry.objects.count() == before


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "ho.csv", "Tệp không có nội dung."),
        (b"PK\x03\x04 not really a workbook", "ho.xlsx", "Tệp không phải là sổ tính Excel (.xlsx) hợp lệ."),
        (b"whatever", "ho.pdf", "Chỉ nhập được tệp .xlsx và .csv."),
    ],
)
def test_unreadable_files(commune, villages, data, filename, message):
    result = run_import(commune, data, filename)
    assert [(e.line, e.message) for e in result.errors] == [(None, message)]


def test_wrong_headers(commune, villages):
    result = run_import(commune, csv_bytes([["Họ tên", "Tuổi"], ["A", "3"]]), "ho.csv")
    assert len(result.errors) == 1
    assert result.errors[0].message.startswith("Không tìm thấy dòng tiêu đề")


def test_repeated_column(commune, villages):
    result = run_import(
        commune, csv_bytes([[*HEADERS, "Chủ hộ"], ["1", "a", "Thôn Đông", "b", "", "", "", "c"]]), "ho.csv"
    )
    assert [(e.line, e.column, e.message) for e in result.errors] == [
        (1, "Chủ hộ", "Cột này xuất hiện nhiều hơn một lần.")
    ]


def test_missing_required_column(commune, villages):
    result = run_import(commune, csv_bytes([["Mã hộ", "Chủ hộ"], ["1", "A"]]), "ho.csv")
    assert [(e.line, e.column) for e in result.errors] == [(1, "Địa chỉ"), (1, "Thôn/Tổ dân phố")]
    assert result.errors[0].message == "Thiếu cột bắt buộc “Địa chỉ”."


def test_header_without_rows(commune, villages):
    result = run_import(commune, csv_bytes([HEADERS, [], []]), "ho.csv")
    assert [(e.line, e.message) for e in result.errors] == [(2, "Tệp có dòng tiêu đề nhưng không có hộ nào.")]


def test_too_many_rows(commune, villages, monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 2)
    result = run_import(commune, csv_bytes([HEADERS, *GOOD_ROWS]), "ho.csv")
    assert [(e.line, e.message) for e in result.errors] == [(4, "Tệp có hơn 2 hộ; hãy chia thành nhiều tệp.")]
    assert not Household.objects.exists()


def test_utf16_tab_separated_file_from_excel_unicode_text(commune, villages):
    data = csv_bytes([HEADERS, *GOOD_ROWS], delimiter="\t", encoding="utf-16")
    result = run_import(commune, data, "ho.csv")
    assert result.ok, result.errors
    assert Household.objects.get(code="HGD001").representative_name == "Nguyễn Văn An"


def test_import_only_into_a_commune_level_unit(villages):
    result = run_import(villages.dong, xlsx_bytes([HEADERS, *GOOD_ROWS]), "ho.xlsx")
    assert result.errors[0].message == "Chỉ nhập hộ gia đình vào xã, phường hoặc đặc khu."


def test_update_mode_updates_existing_and_adds_new(commune, villages):
    HouseholdFactory(unit=villages.dong, code="HGD001", representative_name="Tên Cũ", member_count=1)
    result = run_import(commune, xlsx_bytes([HEADERS, *GOOD_ROWS]), "ho.xlsx", mode=ImportMode.UPSERT)
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (2, 1, 0)
    updated = Household.objects.get(code="HGD001")
    assert (updated.representative_name, updated.member_count) == ("Nguyễn Văn An", 4)
    assert "nguyen van an" in updated.search_key


def test_update_mode_leaves_columns_absent_from_the_file_alone(commune, villages):
    HouseholdFactory(unit=villages.dong, code="HGD001", representative_phone="0912000111", member_count=5)
    headers = ["Mã hộ", "Địa chỉ", "Thôn/Tổ dân phố", "Chủ hộ"]
    result = run_import(
        commune,
        csv_bytes([headers, ["HGD001", "Số mới", "Thôn Đông", "Chủ Mới"]]),
        "ho.csv",
        mode=ImportMode.UPSERT,
    )
    assert result.ok, result.errors
    household = Household.objects.get(code="HGD001")
    assert (household.address, household.representative_phone, household.member_count) == (
        "Số mới",
        "0912000111",
        5,
    )


UNICODE_TO_TCVN3 = {letter: byte for byte, letter in TCVN3_TO_UNICODE.items()}


def tcvn3(text: str) -> str:
    """Text as typed in a .VnTime font: TCVN3 bytes, shown as their Windows-1252 characters."""
    return "".join(UNICODE_TO_TCVN3.get(ch, ch) for ch in text)


TCVN3_ROW = ["HGD001", "Số 1, đường Lê Lợi", "Thôn Đông", "Nguyễn Văn Hưởng", "", "", "4"]


def test_tcvn3_encoded_csv_is_converted(commune, villages):
    data = csv_bytes([[tcvn3(cell) for cell in row] for row in (HEADERS, TCVN3_ROW)], encoding="cp1252")
    result = run_import(commune, data, "ho.csv")
    assert result.ok, result.errors
    household = Household.objects.get()
    assert (household.address, household.representative_name) == ("Số 1, đường Lê Lợi", "Nguyễn Văn Hưởng")
    assert household.unit == villages.dong


def test_tcvn3_cells_in_xlsx_are_converted(commune, villages):
    result = run_import(commune, xlsx_bytes([HEADERS, [tcvn3(cell) for cell in TCVN3_ROW]]), "ho.xlsx")
    assert result.ok, result.errors
    assert Household.objects.get().representative_name == "Nguyễn Văn Hưởng"
