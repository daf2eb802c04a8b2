"""What a pillar offers the reports: named figures of a unit (and its subtree) over a period, the sentence officials
write about them, and the relations between them that a report's validation checks.

Each pillar lists its providers in `REPORT_PROVIDERS` in its `stats.py`; the reports app finds them there
(`reports.registry`), so a new pillar adds its figures without touching `reports`, and no pillar imports it
(DESIGN.md §2: dependencies point one way)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

COUNT, RATE, SCORE, AMOUNT = "count", "rate", "score", "amount"
KINDS = (COUNT, RATE, SCORE, AMOUNT)


@dataclass(frozen=True)
class Figure:
    key: str  # unique across providers: "<provider>.<name>", e.g. "petitions.received"
    label: str  # Vietnamese, as a report's table writes it: "Số đơn tiếp nhận"
    value: int | Decimal | float | None
    unit_word: str = ""  # what is counted, as written after the number: "đơn", "lượt", "buổi"
    kind: str = COUNT  # COUNT (whole, ≥ 0), RATE (0..1), SCORE (0..max), AMOUNT
    part_of: str = ""  # the key of the whole this figure is a part of: never larger than it
    maximum: int | None = None  # for SCORE: the highest possible value (e.g. 100)
    decimals: int = 0  # how many decimals a report writes (97,61 → 2)
    # How a narrative sentence states this figure, {n} standing for the number: "tiếp nhận {n} đơn". A report
    # whose text states it with another number contradicts its own figures (reports.validation).
    mentions: tuple[str, ...] = ()

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown figure kind {self.kind!r}")


@dataclass(frozen=True)
class Identity:
    """whole = sum(parts), true by construction in the data; a report's figures typed by hand must keep it."""

    whole: str
    parts: tuple[str, ...]
    article: str = ""  # where the rule comes from, when it is a legal one


@dataclass(frozen=True)
class Figures:
    provider: str
    start: date
    end: date
    figures: tuple[Figure, ...] = ()
    sentence: str = ""  # the sentence of the report, without the lead ("Trong 6 tháng đầu năm 2026, …")
    identities: tuple[Identity, ...] = ()
    dates: tuple[tuple[str, date], ...] = ()  # (label, day) of events the figures count: inside the period

    _by_key: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self):
        self._by_key.update({figure.key: figure for figure in self.figures})

    def __getitem__(self, key: str) -> Figure:
        return self._by_key[key]

    def get(self, key: str) -> Figure | None:
        return self._by_key.get(key)


@dataclass(frozen=True)
class Row:
    """One of the rows a figure counts, as a drill-down lists it: what it is and where it opens."""

    label: str
    url: str = ""
    detail: str = ""


@dataclass(frozen=True)
class Provider:
    """`compute(unit, start, end, lead)` gives the figures of `unit` and its subtree from `start` to `end`
    inclusive; `lead` opens the sentence ("Trong 6 tháng đầu năm 2026").

    `rows(user, unit, start, end, key, exclude_paths)` gives the rows behind one figure that `user` may see:
    (how many there are in all, the first of them as `Row`s), leaving out the subtrees at `exclude_paths`; or
    None when that figure has no list of rows."""

    key: str
    label: str
    compute: Callable[..., Figures]
    drilldown: Callable[..., str] | None = None  # (unit, start, end) → URL of the rows behind the figures
    rows: Callable[..., tuple[int, list[Row]] | None] | None = None
