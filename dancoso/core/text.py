"""Vietnamese text: NFC normalisation, search keys, phone numbers, legacy encodings (TCVN3, VNI)."""

import re
import unicodedata

_PHONE_STRIP = re.compile(r"[\s.\-()]")
_VN_MOBILE = re.compile(r"^0\d{9,10}$")


def normalize_phone(value: str) -> str:
    """"+84 912 345 678", "0912.345.678" → "0912345678"; "" when it is not a Vietnamese phone number."""
    digits = _PHONE_STRIP.sub("", value or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    return digits if _VN_MOBILE.match(digits) else ""

_SPACES = re.compile(r"\s+")


def normalize_text(value: str | None) -> str:
    """Unicode NFC, trimmed, runs of whitespace collapsed to one space (line breaks kept)."""
    if not value:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    return "\n".join(lines).strip()


def search_key(value: str | None) -> str:
    """Lower-case, unaccented key: "Giải phóng mặt bằng" → "giai phong mat bang"."""
    text = unicodedata.normalize("NFD", normalize_text(value).lower()).replace("đ", "d")
    return _SPACES.sub(" ", "".join(ch for ch in text if not unicodedata.combining(ch))).strip()


def detect_legacy_encoding(value: str) -> str | None:
    """"tcvn3", "vni" or None. (Placeholder; replaced by the full detector.)"""
    return None


def convert_legacy(value: str, encoding: str | None = None) -> str:
    """Convert TCVN3/VNI text to Unicode NFC; detect the encoding when not given."""
    return normalize_text(value)
