"""Reporting periods: "2026-H1" (6 tháng đầu năm), "2026-H2" (6 tháng cuối năm), "2026" (năm), "2026-Q3" (quý)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

HALF, YEAR, QUARTER = "half", "year", "quarter"
_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?P<part>[HhQq])(?P<n>\d))?$")


@dataclass(frozen=True, order=True)
class Period:
    year: int
    kind: str = YEAR
    number: int = 1  # the half (1–2) or the quarter (1–4); 1 for a year

    @classmethod
    def current_half(cls, today: date | None = None) -> Period:
        """The half-year `today` (default: the local date) falls in."""
        from django.utils import timezone

        today = today or timezone.localdate()
        return cls(today.year, HALF, 1 if today.month <= 6 else 2)

    @classmethod
    def parse(cls, text: str) -> Period:
        """ "2026-H1", "2026", "2026-Q3"; raises ValueError with a Vietnamese message."""
        match = _PATTERN.match((text or "").strip())
        if not match:
            raise ValueError(_("Write the period as 2026-H1, 2026-H2, 2026 or 2026-Q3."))
        year = int(match["year"])
        if not 2000 <= year <= 2100:
            raise ValueError(_("The year %(year)s is outside 2000–2100.") % {"year": year})
        if match["part"] is None:
            return cls(year)
        kind = HALF if match["part"] in "Hh" else QUARTER
        number = int(match["n"])
        if not 1 <= number <= (2 if kind == HALF else 4):
            raise ValueError(_("Write the period as 2026-H1, 2026-H2, 2026 or 2026-Q3."))
        return cls(year, kind, number)

    def __str__(self) -> str:
        if self.kind == YEAR:
            return str(self.year)
        return f"{self.year}-{'H' if self.kind == HALF else 'Q'}{self.number}"

    @property
    def months(self) -> int:
        return {YEAR: 12, HALF: 6, QUARTER: 3}[self.kind]

    @property
    def start(self) -> date:
        return date(self.year, (self.number - 1) * self.months + 1, 1)

    @property
    def end(self) -> date:
        last_month = self.number * self.months
        if last_month == 12:
            return date(self.year, 12, 31)
        return date(self.year, last_month + 1, 1) - timedelta(days=1)

    def previous(self) -> Period:
        if self.kind == YEAR:
            return Period(self.year - 1)
        count = 2 if self.kind == HALF else 4
        if self.number == 1:
            return Period(self.year - 1, self.kind, count)
        return Period(self.year, self.kind, self.number - 1)

    def next(self) -> Period:
        if self.kind == YEAR:
            return Period(self.year + 1)
        count = 2 if self.kind == HALF else 4
        if self.number == count:
            return Period(self.year + 1, self.kind, 1)
        return Period(self.year, self.kind, self.number + 1)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def label_vi(self) -> str:
        """As reports write it: "6 tháng đầu năm 2026", "6 tháng cuối năm 2026", "năm 2026", "quý III năm 2026"."""
        if self.kind == YEAR:
            return f"năm {self.year}"
        if self.kind == HALF:
            return f"6 tháng {'đầu' if self.number == 1 else 'cuối'} năm {self.year}"
        return f"quý {('I', 'II', 'III', 'IV')[self.number - 1]} năm {self.year}"

    @property
    def lead_vi(self) -> str:
        """The opening of a report's sentence: "Trong 6 tháng đầu năm 2026"."""
        return f"Trong {self.label_vi}"
