"""The fixed lines of a report, written the way NĐ 30/2020 writes them (LEGAL.md §8), and Vietnamese numbers."""

import math
from datetime import date
from decimal import Decimal

from dancoso.core.numbers import number_vi
from dancoso.reports import legal

DRAFT_GAP = "      "  # room left in a draft for the number, the day and the month, written in at signing


def number_line(number: int | None, symbol: str) -> str:
    """ "Số: 05/BC-UBND" (a leading 0 below 10, Art. 15); a draft leaves room: "Số:      /BC-UBND"."""
    if number is None:
        return f"Số:{DRAFT_GAP}/{symbol}"
    if number < 1:
        raise ValueError("a document number starts at 1")
    return f"Số: {number:0{legal.NUMBER_MIN_DIGITS}d}/{symbol}"


def vietnamese_date_line(place: str, day: date | None, year: int) -> str:
    """ "Ninh Bình, ngày 05 tháng 01 năm 2026": a leading 0 for days below 10 and for the months 1 and 2 only
    ("ngày 15 tháng 4"); a draft leaves the day and month blank and keeps `year`."""
    if day is None:
        return f"{place}, ngày{DRAFT_GAP}tháng{DRAFT_GAP}năm {year}"
    month = f"{day.month:02d}" if day.month in legal.DATE_PADDED_MONTHS else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def short_date(day: date | None, year: int) -> str:
    """ "05/01/2026" as used inside sentences ("ngày 05/01/2026"); a draft "     /     /2026"."""
    if day is None:
        return f"{DRAFT_GAP}/{DRAFT_GAP}/{year}"
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def format_number(value) -> str:
    """A table cell the Vietnamese way (core.numbers): 4410 → "4.410", 97.61 → "97,61", Decimal("12.50") →
    "12,50". A Decimal keeps the places it was given; a float shows at most two (trailing zeros dropped).
    None is an empty cell; text is left as it is."""
    if value is None:
        return ""
    if not is_number(value):
        return str(value)
    if isinstance(value, int):
        return number_vi(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        text = number_vi(value, 2)
        return text.rstrip("0").rstrip(",") if "," in text else text
    if not value.is_finite():
        return str(value)
    exponent = value.as_tuple().exponent
    return number_vi(value, max(-exponent, 0))


def is_number(value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)
