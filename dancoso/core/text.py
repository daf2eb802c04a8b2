"""Vietnamese text: NFC normalisation, search keys, phone numbers, legacy encodings (TCVN3, VNI).

Legacy text reaches us in two shapes:

- bytes of a CSV file written by an old program or by Excel on a Vietnamese Windows: `decode_bytes()`;
- a `str` that was typed in a legacy font (.VnTime for TCVN3, VNI-Times for VNI) and stored as if it were
  Windows-1252, e.g. an .xlsx cell: "Céng hßa x· héi chñ nghÜa ViÖt Nam". `detect_legacy_encoding()` then
  `convert_legacy()`.

TCVN3 (TCVN 5712:1993, the "ABC" VN3 table used by .VnTime/.VnTimeH) puts each Vietnamese letter in one byte
from 0xA1 to 0xFE. The lower-case font only has the lower-case toned letters; upper-case words were typed in
.VnTimeH, which draws the same bytes as capitals, so the case of a toned letter is lost and is guessed back
from the ASCII letters around it (see `_restore_tcvn3_case`).

VNI (VNI-Windows) writes a base letter followed by a mark byte: "aø" = à, "eä" = ệ, "ôù" = ớ; a few letters are
single bytes: "ñ" = đ, "ô" = ơ, "ö" = ư, "í ì æ ó ò" = í ì ỉ ĩ ị, "î" = ỵ.

Detection never guesses from single characters: it converts under each hypothesis and counts the words that are
well-formed Vietnamese syllables. A legacy encoding is reported only when it gives clearly more such words than
the text as it stands, so ordinary Unicode (even "Hoà Bình", which a VNI reading would turn into "Hồ Bình") and
ASCII are left alone.
"""

import codecs
import contextlib
import re
import unicodedata

_PHONE_STRIP = re.compile(r"[\s.\-()]")
_VN_MOBILE = re.compile(r"^0\d{9,10}$")


def normalize_phone(value: str) -> str:
    """Phone numbers: "+84 912 345 678", "0912.345.678" → "0912345678"; "" when it is not a Vietnamese phone number."""
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


# "ð" (eth) is what a Western keyboard or font gives for "đ" in many typed documents.
_LETTERS_WITHOUT_DECOMPOSITION = str.maketrans({"đ": "d", "ð": "d", "ł": "l", "ø": "o"})


def search_key(value: str | None) -> str:
    """Lower-case, unaccented key: "Giải phóng mặt bằng" → "giai phong mat bang"; đ/Đ → d."""
    text = normalize_text(value).casefold().translate(_LETTERS_WITHOUT_DECOMPOSITION)
    stripped = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return _SPACES.sub(" ", unicodedata.normalize("NFC", stripped)).strip()


# ------------------------------------------------------------------------------------------------ TCVN3

# Aligned strings: the TCVN3 byte (shown as its Windows-1252 character) and the Unicode letter it stands for.
_TCVN3_CHARS = (
    "µ¸¶·¹"  # a
    "¨»¾¼½Æ"  # ă
    "©ÇÊÈÉË"  # â
    "®"  # đ
    "ÌÐÎÏÑ"  # e
    "ªÒÕÓÔÖ"  # ê
    "×ÝØÜÞ"  # i
    "ßãáâä"  # o
    "«åèæçé"  # ô
    "¬êíëìî"  # ơ
    "ïóñòô"  # u
    "\xadõøö÷ù"  # ư (0xAD is the soft hyphen in Windows-1252)
    "úýûüþ"  # y
    "¡¢§£¤¥¦"  # capitals that exist in the lower-case font
)
_TCVN3_LETTERS = (
    "àáảãạ"  # a
    "ăằắẳẵặ"  # ă
    "âầấẩẫậ"  # â
    "đ"  # đ
    "èéẻẽẹ"  # e
    "êềếểễệ"  # ê
    "ìíỉĩị"  # i
    "òóỏõọ"  # o
    "ôồốổỗộ"  # ô
    "ơờớởỡợ"  # ơ
    "ùúủũụ"  # u
    "ưừứửữự"  # ư
    "ỳýỷỹỵ"  # y
    "ĂÂĐÊÔƠƯ"  # capitals
)
assert len(_TCVN3_CHARS) == len(_TCVN3_LETTERS)
TCVN3_TO_UNICODE: dict[str, str] = dict(zip(_TCVN3_CHARS, _TCVN3_LETTERS, strict=True))
_TCVN3_TABLE = str.maketrans(TCVN3_TO_UNICODE)
_TCVN3_CAPITALS = frozenset("¡¢§£¤¥¦")
_TCVN3_WORD = re.compile("(?:[A-Za-z]|[" + re.escape(_TCVN3_CHARS) + "])+")


VIETNAMESE_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
# Dictionary order of the tones: ngang, huyền, hỏi, ngã, sắc, nặng.
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def _letter_and_tone(char: str) -> tuple[int, int]:
    decomposed = unicodedata.normalize("NFD", char)
    tone = next((_TONE_RANK[mark] for mark in decomposed if mark in _TONE_RANK), 0)
    letter = unicodedata.normalize("NFC", "".join(mark for mark in decomposed if mark not in _TONE_RANK))
    rank = VIETNAMESE_ALPHABET.find(letter)
    return (rank if rank >= 0 else len(VIETNAMESE_ALPHABET) + ord(letter[:1] or " ")), tone


def vietnamese_sort_key(value: str | None) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Sort key in Vietnamese dictionary order: letters first (a ă â b … d đ e ê …), then tones.

    Python's default order puts "Đ" after "Z"; this puts "Đa Ngư" between "Dương" and "Giang"."""
    pairs = [_letter_and_tone(char) for char in normalize_text(value).casefold()]
    return tuple(letter for letter, _ in pairs), tuple(tone for _, tone in pairs)


def _restore_tcvn3_case(original: str, converted: str) -> str:
    """Upper-case what was typed in .VnTimeH: a line whose ASCII letters are all capitals, or a word with at
    least two capitals and no small ASCII letter ("CéNG" → "CỘNG"; "Céng" stays "Cộng")."""
    out_lines = []
    for source_line, line in zip(original.split("\n"), converted.split("\n"), strict=True):
        ascii_letters = [ch for ch in source_line if ch.isascii() and ch.isalpha()]
        if len(ascii_letters) >= 3 and all(ch.isupper() for ch in ascii_letters):
            out_lines.append(line.upper())
            continue
        pieces, last = [], 0
        for match in _TCVN3_WORD.finditer(source_line):
            word = match.group()
            capitals = sum(1 for ch in word if (ch.isascii() and ch.isupper()) or ch in _TCVN3_CAPITALS)
            small = any(ch.isascii() and ch.islower() for ch in word)
            if capitals >= 2 and not small:
                pieces.append(line[last : match.start()])
                pieces.append(line[match.start() : match.end()].upper())
                last = match.end()
        pieces.append(line[last:])
        out_lines.append("".join(pieces))
    return "\n".join(out_lines)


def _tcvn3_to_unicode(text: str) -> str:
    # One character in, one character out, so positions line up for the case restoration.
    return _restore_tcvn3_case(text, text.translate(_TCVN3_TABLE))


# ------------------------------------------------------------------------------------------------ VNI

_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"

# Mark bytes (lower-case form; the upper-case form is the same letter upper-cased) → combining marks.
_VNI_TONES = {"ù": _ACUTE, "ø": _GRAVE, "û": _HOOK, "õ": _TILDE, "ï": _DOT}
_VNI_CIRCUMFLEX = {"â": "", "á": _ACUTE, "à": _GRAVE, "å": _HOOK, "ã": _TILDE, "ä": _DOT}
_VNI_BREVE = {"ê": "", "é": _ACUTE, "è": _GRAVE, "ú": _HOOK, "ü": _TILDE, "ë": _DOT}
_VNI_SINGLES = {"ñ": "đ", "ô": "ơ", "ö": "ư", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ"}


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _build_vni_table() -> dict[str, str]:
    table: dict[str, str] = {}

    def add(base: str, mark_char: str, marks: str) -> None:
        for base_form in (base, base.upper()):
            for mark_form in (mark_char, mark_char.upper()):
                table[base_form + mark_form] = _nfc(base_form + marks)

    for base in "aeouy":
        for mark_char, tone in _VNI_TONES.items():
            add(base, mark_char, tone)
    for base in "aeo":
        for mark_char, tone in _VNI_CIRCUMFLEX.items():
            add(base, mark_char, _CIRCUMFLEX + tone)
    for mark_char, tone in _VNI_BREVE.items():
        add("a", mark_char, _BREVE + tone)
    for horn_char, base in (("ô", "o"), ("ö", "u")):  # ơ, ư followed by a tone mark
        for mark_char, tone in _VNI_TONES.items():
            for horn_form, base_form in ((horn_char, base), (horn_char.upper(), base.upper())):
                for mark_form in (mark_char, mark_char.upper()):
                    table[horn_form + mark_form] = _nfc(base_form + _HORN + tone)
    for vni_char, letter in _VNI_SINGLES.items():
        table[vni_char] = letter
        table[vni_char.upper()] = letter.upper()
    return table


VNI_TO_UNICODE: dict[str, str] = _build_vni_table()
_VNI_PATTERN = re.compile("|".join(re.escape(key) for key in sorted(VNI_TO_UNICODE, key=len, reverse=True)))


def _vni_to_unicode(text: str) -> str:
    return _VNI_PATTERN.sub(lambda match: VNI_TO_UNICODE[match.group()], text)


# ------------------------------------------------------------------------------------------------ detection

_LEGACY_CHARS = frozenset(_TCVN3_CHARS) | frozenset(
    ch for key in VNI_TO_UNICODE for ch in key if not ch.isascii()
)
_CONVERTERS = {"tcvn3": _tcvn3_to_unicode, "vni": _vni_to_unicode}
_DETECTION_SAMPLE_WORDS = 2000

_INITIALS = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x"
_NUCLEI = (
    "oai|oao|oay|oeo|uây|uôi|uya|uyê|uyu|ươi|ươu|iêu|yêu|"
    "ai|ao|au|ay|âu|ây|eo|êu|ia|iu|iê|oa|oă|oe|oi|ôi|ơi|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ưu|ươ|yê|"
    "a|ă|â|e|ê|i|o|ô|ơ|u|ư|y"
)
_FINALS = "ch|ng|nh|c|m|n|p|t"
_SYLLABLE = re.compile(f"(?:{_INITIALS})?(?:{_NUCLEI})(?:{_FINALS})?")
_TONE_MARKS = frozenset((_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT))
_WORD = re.compile(r"(?:[^\W\d_]|[" + re.escape("".join(sorted(_LEGACY_CHARS))) + r"])+")


def _is_vietnamese_syllable(word: str) -> bool:
    decomposed = unicodedata.normalize("NFD", word.lower())
    if sum(1 for ch in decomposed if ch in _TONE_MARKS) > 1:
        return False
    toneless = _nfc("".join(ch for ch in decomposed if ch not in _TONE_MARKS))
    return _SYLLABLE.fullmatch(toneless) is not None


def _syllable_counts(text: str) -> tuple[int, int]:
    """(well-formed, malformed) among the words that are not plain ASCII."""
    valid = invalid = 0
    for match in _WORD.finditer(text):
        word = match.group()
        if word.isascii():
            continue
        if _is_vietnamese_syllable(word):
            valid += 1
        else:
            invalid += 1
    return valid, invalid


def _has_unicode_only_letters(text: str) -> bool:
    """Characters Windows-1252 cannot hold (ạ, ơ, ư, đ, combining marks…): the text is real Unicode."""
    for ch in set(text):
        if ord(ch) > 0xFF or unicodedata.combining(ch):
            try:
                ch.encode("cp1252")
            except UnicodeEncodeError:
                return True
    return False


def _detection_sample(text: str) -> str:
    words = [match.group() for match in _WORD.finditer(text) if not match.group().isascii()]
    return " ".join(words[:_DETECTION_SAMPLE_WORDS])


def _best_reading(candidates: dict[str, str], baseline: int) -> str | None:
    """The candidate with the most well-formed syllables, if it beats `baseline` and is mostly well-formed."""
    best, best_score = None, baseline
    for name, text in candidates.items():
        valid, invalid = _syllable_counts(text)
        if valid > invalid and valid - invalid > best_score:
            best, best_score = name, valid - invalid
    return best


def detect_legacy_encoding(value: str) -> str | None:
    """Return "tcvn3" or "vni" when `value` is legacy Vietnamese read as Windows-1252, else None."""
    text = _nfc(value or "")
    if text.isascii() or _has_unicode_only_letters(text) or not _LEGACY_CHARS.intersection(text):
        return None
    sample = _detection_sample(text)
    valid, invalid = _syllable_counts(sample)
    readings = {name: convert(sample) for name, convert in _CONVERTERS.items()}
    return _best_reading(readings, baseline=valid - invalid)


def convert_legacy(value: str, encoding: str | None = None) -> str:
    """Convert TCVN3/VNI text (read as Windows-1252) to Unicode NFC; detect the encoding when not given.

    Text that is not legacy comes back NFC-normalised and otherwise unchanged. Whitespace is not touched (use
    `normalize_text` for that)."""
    text = value or ""
    encoding = encoding or detect_legacy_encoding(text)
    if encoding is None:
        return _nfc(text)
    if encoding not in _CONVERTERS:
        raise ValueError(f"Unknown legacy encoding {encoding!r}; expected one of {sorted(_CONVERTERS)}.")
    return _nfc(_CONVERTERS[encoding](text))


# ------------------------------------------------------------------------------------------------ bytes


def _utf16_byte_order(data: bytes) -> str | None:
    """UTF-16 without a byte-order mark: mostly-Latin text has a zero byte in every other position."""
    pairs = len(data) // 2
    if pairs < 2 or len(data) % 2:
        return None
    zeros_odd = data[1::2].count(0)
    zeros_even = data[0::2].count(0)
    if zeros_odd > pairs * 0.3 and zeros_even == 0:
        return "utf-16-le"
    if zeros_even > pairs * 0.3 and zeros_odd == 0:
        return "utf-16-be"
    return None


def _decode_single_byte(data: bytes) -> tuple[str, str]:
    """Non-UTF-8 bytes: the best of TCVN3, VNI, Windows-1258 (what Excel writes as "CSV" on a Vietnamese
    Windows) and, when no reading looks Vietnamese, Windows-1252."""
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = data.decode("latin-1")  # the five bytes cp1252 leaves undefined; letters are above 0xA0
    candidates = {}
    with contextlib.suppress(UnicodeDecodeError):  # cp1258 leaves a few bytes undefined
        candidates["cp1258"] = _nfc(data.decode("cp1258"))
    sample = _detection_sample(western)
    for name, convert in _CONVERTERS.items():
        candidates[name] = convert(sample)
    if "cp1258" in candidates:
        candidates["cp1258"] = _detection_sample(candidates["cp1258"])
    best = _best_reading(candidates, baseline=0)
    if best is None:
        return _nfc(western), "cp1252"
    if best == "cp1258":
        return _nfc(data.decode("cp1258")), "cp1258"
    return convert_legacy(western, best), best


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode an uploaded text file to Unicode NFC: (text, detected source encoding).

    The encoding is "utf-8", "utf-16", "tcvn3", "vni", "cp1258" or "cp1252". A UTF-8 or UTF-16 file whose text
    is TCVN3 or VNI read as Windows-1252 (saved from a sheet typed in a legacy font) is converted and reported
    as "tcvn3" or "vni". Line breaks and spaces are kept as they are.
    """
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = data.decode("utf-16"), "utf-16"
    elif byte_order := _utf16_byte_order(data):
        text, encoding = data.decode(byte_order), "utf-16"
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            return _decode_single_byte(data)
    legacy = detect_legacy_encoding(text)
    if legacy:
        return convert_legacy(text, legacy), legacy
    return _nfc(text), encoding
