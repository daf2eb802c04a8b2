"""Numbers as Vietnamese officials write them in reports: dots between thousands ("4.410 hồ sơ"), a decimal comma
("97,61/100 điểm"), and a leading zero for counts below ten ("02 cuộc", "05 nội dung")."""

from decimal import ROUND_HALF_UP, Decimal


def number_vi(value: int | float | Decimal, decimals: int = 0) -> str:
    """4410 → "4.410"; 97.613 with 2 decimals → "97,61"; trailing zeros of the decimals are kept."""
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def count_vi(n: int) -> str:
    """A count as officials write it: a leading zero from 1 to 9 ("02 đoàn"), dots between thousands."""
    if 0 < n < 10:
        return f"{n:02d}"
    return number_vi(n)


def percent_vi(rate: float | Decimal | None, decimals: int = 1) -> str:
    """A share (0.857) as a percentage with a decimal comma, without a useless ",0": "85,7%", "100%"."""
    if rate is None:
        return ""
    text = number_vi(Decimal(str(rate)) * 100, decimals)
    if decimals and set(text.rpartition(",")[2]) == {"0"}:
        text = text.rpartition(",")[0]
    return f"{text}%"


def parse_number_vi(text: str) -> Decimal:
    """ "4.410" → 4410, "97,61" → 97.61: numbers typed or written the Vietnamese way. Raises ValueError."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    if cleaned.count(",") > 1:
        raise ValueError(text)
    whole, _comma, fraction = cleaned.partition(",")
    groups = whole.lstrip("-").split(".")
    if len(groups) > 1 and (not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:])):
        raise ValueError(text)
    digits = whole.replace(".", "")
    if not digits.lstrip("-").isdigit() or (fraction and not fraction.isdigit()):
        raise ValueError(text)
    return Decimal(f"{digits}.{fraction}" if fraction else digits)
