"""Vietnamese text: normalisation, search keys, phone numbers and the legacy encodings TCVN3 and VNI."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dancoso.core.text import (
    TCVN3_TO_UNICODE,
    VNI_TO_UNICODE,
    convert_legacy,
    decode_bytes,
    detect_legacy_encoding,
    normalize_phone,
    normalize_text,
    search_key,
)

MOTTO = "Cộng hòa xã hội chủ nghĩa Việt Nam"
# The bytes below are written out from the published code tables, not produced by the converter under test.
# TCVN3 (ABC, .VnTime): ộ=0xE9, ò=0xDF, ã=0xB7, ủ=0xF1, ĩ=0xDC, ệ=0xD6.
MOTTO_TCVN3 = b"C\xe9ng h\xdfa x\xb7 h\xe9i ch\xf1 ngh\xdca Vi\xd6t Nam"
# VNI-Windows: ộ = o+0xE4, ò = o+0xF8, ã = a+0xF5, ủ = u+0xFB, ĩ = 0xF3, ệ = e+0xE4.
MOTTO_VNI = b"Co\xe4ng ho\xf8a xa\xf5 ho\xe4i chu\xfb ngh\xf3a Vie\xe4t Nam"
# Đ=0xA7 in TCVN3, Ñ (0xD1) in VNI; ậ = 0xCB / a+0xE4; ự = 0xF9 / 0xF6+0xEF; ạ = 0xB9 / a+0xEF; ú = 0xF3 / u+0xF9.
INDEPENDENCE = "Độc lập - Tự do - Hạnh phúc"
INDEPENDENCE_TCVN3 = b"\xa7\xe9c l\xcbp - T\xf9 do - H\xb9nh ph\xf3c"
INDEPENDENCE_VNI = b"\xd1o\xe4c la\xe4p - T\xf6\xef do - Ha\xefnh phu\xf9c"

VIETNAMESE_LOWER = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
VIETNAMESE_LETTERS = VIETNAMESE_LOWER + VIETNAMESE_LOWER.upper()


# ------------------------------------------------------------------------------------------- normalisation


def test_nfd_input_becomes_nfc():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hường")
    assert decomposed != "Nguyễn Thị Hường"
    assert normalize_text(decomposed) == "Nguyễn Thị Hường"
    assert unicodedata.is_normalized("NFC", normalize_text(decomposed))


def test_normalize_text_trims_and_collapses_spaces_but_keeps_lines():
    assert normalize_text("  Thôn   Đông \t\n  Xã  Tây ") == "Thôn Đông\nXã Tây"
    assert normalize_text(None) == ""


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("Giải phóng mặt bằng", "giai phong mat bang"),
        ("ĐƯỜNG Đinh Tiên Hoàng", "duong dinh tien hoang"),
        ("Nghĩa vụ   quân sự", "nghia vu quan su"),
        (unicodedata.normalize("NFD", "Bà Rịa – Vũng Tàu"), "ba ria – vung tau"),
        ("Hoà  Bình\nHòa Bình", "hoa binh hoa binh"),
        ("", ""),
        (None, ""),
    ],
)
def test_search_key(value, key):
    assert search_key(value) == key


def test_search_key_finds_accented_text_from_an_unaccented_query():
    assert search_key("giai phong mat bang") in search_key("Kế hoạch Giải phóng mặt bằng năm 2026")


@given(st.text())
def test_search_key_is_idempotent(value):
    assert search_key(search_key(value)) == search_key(value)


@given(st.text(alphabet=VIETNAMESE_LETTERS + " 0123456789", max_size=60))
def test_search_key_of_vietnamese_is_ascii(value):
    assert search_key(value).isascii()


@pytest.mark.parametrize(
    ("raw", "phone"),
    [
        ("+84 912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("84912345678", "0912345678"),
        ("(024) 3825-3536", "02438253536"),
        ("0912 345", ""),
        ("tel: 0912345678", ""),
        ("", ""),
    ],
)
def test_normalize_phone(raw, phone):
    assert normalize_phone(raw) == phone


# ------------------------------------------------------------------------------------------- legacy str


def test_tcvn3_read_as_windows_1252_is_detected_and_converted():
    text = MOTTO_TCVN3.decode("cp1252")
    assert text == "Céng hßa x· héi chñ nghÜa ViÖt Nam"
    assert detect_legacy_encoding(text) == "tcvn3"
    assert convert_legacy(text) == MOTTO
    assert convert_legacy(INDEPENDENCE_TCVN3.decode("cp1252"), "tcvn3") == INDEPENDENCE


def test_tcvn3_capitals_typed_in_vntimeh_come_back_in_capitals():
    heading = "CéNG HßA X· HéI CHñ NGHÜA VIÖT NAM"
    assert convert_legacy(heading) == MOTTO.upper()
    assert convert_legacy("Hä vµ tªn: NGUYÔN V¡N AN") == "Họ và tên: NGUYỄN VĂN AN"


def test_vni_read_as_windows_1252_is_detected_and_converted():
    text = MOTTO_VNI.decode("cp1252")
    assert text == "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam"
    assert detect_legacy_encoding(text) == "vni"
    assert convert_legacy(text) == MOTTO
    assert convert_legacy(INDEPENDENCE_VNI.decode("cp1252"), "vni") == INDEPENDENCE
    assert convert_legacy("NGÖÔØI DAÂN", "vni") == "NGƯỜI DÂN"


@pytest.mark.parametrize(
    ("cell", "encoding", "expected"),
    [
        ("NguyÔn V¨n A", "tcvn3", "Nguyễn Văn A"),
        ("Ninh B×nh", "tcvn3", "Ninh Bình"),
        ("Hµ Néi", "tcvn3", "Hà Nội"),
        ("Nguyeãn Vaên A", "vni", "Nguyễn Văn A"),
        ("Thoân Ñoâng", "vni", "Thôn Đông"),
    ],
)
def test_short_legacy_cells(cell, encoding, expected):
    assert detect_legacy_encoding(cell) == encoding
    assert convert_legacy(cell) == expected


@pytest.mark.parametrize(
    "text",
    [
        MOTTO,
        unicodedata.normalize("NFD", MOTTO),
        "Hoà Bình",  # a VNI reading would give "Hồ Bình": both readings are Vietnamese, so nothing changes
        "Thanh Hoà",
        "Hà Nam",
        "Tây Ninh",
        "Cà Mau",
        "Bình Dương",
        "Café crème, Müller, Straße",
        "Plain ASCII text, 123 - ok",
        "",
    ],
)
def test_detection_leaves_unicode_and_ascii_alone(text):
    assert detect_legacy_encoding(text) is None
    assert convert_legacy(text) == unicodedata.normalize("NFC", text)


def test_unknown_legacy_encoding_is_refused():
    with pytest.raises(ValueError):
        convert_legacy("abc", "viqr")


UNICODE_TO_TCVN3 = {letter: code for code, letter in TCVN3_TO_UNICODE.items()}


def _marks_match_base_case(sequence: str) -> bool:
    base, marks = sequence[0], sequence[1:]
    return marks == (marks.upper() if base.isupper() else marks.lower())


# One spelling per letter: the mark byte in the case of its base letter ("aø", "AØ").
UNICODE_TO_VNI = {letter: seq for seq, letter in VNI_TO_UNICODE.items() if _marks_match_base_case(seq)}


def to_tcvn3(text: str) -> str:
    return "".join(UNICODE_TO_TCVN3.get(ch, ch) for ch in text)


def to_vni(text: str) -> str:
    return "".join(UNICODE_TO_VNI.get(ch, ch) for ch in text)


def test_inverse_tables_cover_every_vietnamese_letter():
    assert set(VIETNAMESE_LOWER) - set("bcdghklmnpqrstvxaeiouy") <= set(UNICODE_TO_TCVN3)
    assert set(VIETNAMESE_LETTERS) - set("bcdghklmnpqrstvxaeiouyBCDGHKLMNPQRSTVXAEIOUY") <= set(
        UNICODE_TO_VNI
    )
    assert to_tcvn3(MOTTO).encode("cp1252") == MOTTO_TCVN3
    assert to_vni(MOTTO).encode("cp1252") == MOTTO_VNI


@given(st.text(alphabet=VIETNAMESE_LOWER + " .,0123456789", max_size=80))
def test_tcvn3_round_trip(text):
    assert convert_legacy(to_tcvn3(text), "tcvn3") == text


@given(st.text(alphabet=VIETNAMESE_LETTERS + " .,0123456789", max_size=80))
def test_vni_round_trip(text):
    assert convert_legacy(to_vni(text), "vni") == text


# ------------------------------------------------------------------------------------------- bytes


def to_cp1258(text: str) -> bytes:
    """Windows-1258 keeps ă â ê ô ơ ư đ precomposed and writes tone marks as separate combining bytes."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in tones))
        out.append(base + "".join(p for p in parts if p in tones))
    return "".join(out).encode("cp1258")


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        pytest.param(MOTTO.encode(), MOTTO, "utf-8", id="utf-8"),
        pytest.param(b"\xef\xbb\xbf" + MOTTO.encode(), MOTTO, "utf-8", id="utf-8-bom"),
        pytest.param(unicodedata.normalize("NFD", MOTTO).encode(), MOTTO, "utf-8", id="utf-8-nfd"),
        pytest.param(MOTTO.encode("utf-16"), MOTTO, "utf-16", id="utf-16-bom"),
        pytest.param(MOTTO.encode("utf-16-le"), MOTTO, "utf-16", id="utf-16-le"),
        pytest.param(
            MOTTO_TCVN3 + b"\r\n" + INDEPENDENCE_TCVN3, f"{MOTTO}\r\n{INDEPENDENCE}", "tcvn3", id="tcvn3"
        ),
        pytest.param(MOTTO_VNI + b"\n" + INDEPENDENCE_VNI, f"{MOTTO}\n{INDEPENDENCE}", "vni", id="vni"),
        pytest.param(to_cp1258(f"{MOTTO}; người dân"), f"{MOTTO}; người dân", "cp1258", id="cp1258"),
        pytest.param(MOTTO_TCVN3.decode("cp1252").encode(), MOTTO, "tcvn3", id="utf-8-file-typed-in-vntime"),
        pytest.param(b"ma,ten\n1,Nguyen Van A\n", "ma,ten\n1,Nguyen Van A\n", "utf-8", id="ascii"),
        pytest.param("Café crème".encode("cp1252"), "Café crème", "cp1252", id="western"),
    ],
)
def test_decode_bytes(data, text, encoding):
    assert decode_bytes(data) == (text, encoding)


def test_vietnamese_sort_key_follows_the_alphabet_then_the_tones():
    from dancoso.core.text import vietnamese_sort_key

    names = [
        "Thôn Đông Hải",
        "Thôn Đa Ngư",
        "Thôn Dương Xá",
        "Thôn Ân Thi",
        "Thôn Ăn Khê",
        "Thôn An Lạc",
        "Thôn Bà",
    ]
    assert sorted(names, key=vietnamese_sort_key) == [
        "Thôn An Lạc",
        "Thôn Ăn Khê",
        "Thôn Ân Thi",
        "Thôn Bà",
        "Thôn Dương Xá",
        "Thôn Đa Ngư",
        "Thôn Đông Hải",
    ]
    tones = ["ma", "mà", "mả", "mã", "má", "mạ"]
    shuffled = ["mạ", "má", "mã", "mả", "mà", "ma"]
    assert sorted(shuffled, key=vietnamese_sort_key) == tones
