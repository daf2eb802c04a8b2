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
