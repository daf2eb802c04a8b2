"""Checks a report's figures before it is submitted (issue 5 point 3). Errors block submission; warnings must be
acknowledged one by one. Each finding names its section and figure so the page can show it next to the figure.

- identities: a whole equals the sum of its parts (received = resolved + in progress + transferred + …);
- a rate is between 0 and 100 %, a score not above its maximum, a count not negative;
- a part is never larger than its whole;
- dates: the events the figures count lie inside the period (error); a date in the text after the period
  ends is a warning (a report may cite what happened while it was written), one after today an error;
- the text states a figure with another number than the one computed ("tiếp nhận 25 đơn" when 24 were).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone

from dancoso.core.figures import COUNT, RATE, SCORE, Figure, Identity
from dancoso.core.numbers import number_vi, parse_number_vi
from dancoso.reports import snapshot
from dancoso.reports.models import Report, SectionKind
from dancoso.reports.periods import Period

ERROR, WARNING = "error", "warning"
_NUMBER = r"(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?"
_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")


@dataclass(frozen=True)
class Finding:
    level: str
    code: str  # stable: what a warning's acknowledgement refers to
    message: str
    section: str = ""
    figure: str = ""

    @property
    def is_error(self) -> bool:
        return self.level == ERROR


def _written(figure: Figure, value=None) -> str:
    value = figure.value if value is None else value
    if figure.kind == RATE:
        return f"{number_vi(Decimal(str(value)) * 100, 1)}%"
    text = number_vi(value, figure.decimals)
    return f"{text} {figure.unit_word}".strip()


def _identity_findings(section: str, figures: dict[str, Figure], identity: Identity) -> list[Finding]:
    whole = figures.get(identity.whole)
    parts = [figures.get(key) for key in identity.parts]
    if whole is None or whole.value is None or any(p is None or p.value is None for p in parts):
        return []
    total = sum(Decimal(str(p.value)) for p in parts)
    if Decimal(str(whole.value)) == total:
        return []
    labels = " + ".join(p.label.lower() for p in parts)
    message = f"{whole.label} ({_written(whole)}) không bằng tổng {labels} ({_written(whole, total)})." + (
        f" Căn cứ: {identity.article}." if identity.article else ""
    )
    return [Finding(ERROR, f"identity:{identity.whole}", message, section, identity.whole)]


def _range_findings(section: str, figures: dict[str, Figure]) -> list[Finding]:
    findings = []
    for figure in figures.values():
        if figure.value is None:
            continue
        value = Decimal(str(figure.value))
        if figure.kind == RATE and not 0 <= value <= 1:
            findings.append(
                Finding(
                    ERROR,
                    f"rate:{figure.key}",
                    f"{figure.label} là {_written(figure)}: tỷ lệ phải từ 0% đến 100%.",
                    section,
                    figure.key,
                )
            )
        elif figure.kind == SCORE and figure.maximum is not None and not 0 <= value <= figure.maximum:
            findings.append(
                Finding(
                    ERROR,
                    f"score:{figure.key}",
                    f"{figure.label} là {number_vi(value, figure.decimals)}: điểm phải từ 0 đến {figure.maximum}.",
                    section,
                    figure.key,
                )
            )
        elif figure.kind == COUNT and value < 0:
            findings.append(
                Finding(
                    ERROR,
                    f"negative:{figure.key}",
                    f"{figure.label} không thể là số âm.",
                    section,
                    figure.key,
                )
            )
        whole = figures.get(figure.part_of) if figure.part_of else None
        if whole is not None and whole.value is not None and value > Decimal(str(whole.value)):
            findings.append(
                Finding(
                    ERROR,
                    f"part:{figure.key}",
                    f"{figure.label} ({_written(figure)}) lớn hơn {whole.label.lower()} ({_written(whole)}).",
                    section,
                    figure.key,
                )
            )
    return findings


def _mention_pattern(template: str) -> re.Pattern:
    before, _n, after = template.partition("{n}")
    return re.compile(rf"(?<!\w){re.escape(before)}{_NUMBER}{re.escape(after)}(?!\w)", re.IGNORECASE)


def _narrative_findings(section: str, text: str, figures: dict[str, Figure]) -> list[Finding]:
    findings = []
    for figure in figures.values():
        if figure.value is None:
            continue
        for template in figure.mentions:
            for match in _mention_pattern(template).finditer(text):
                stated = parse_number_vi(match.group(1) + (f",{match.group(2)}" if match.group(2) else ""))
                if stated != Decimal(str(figure.value)).quantize(Decimal(1).scaleb(-figure.decimals)):
                    findings.append(
                        Finding(
                            ERROR,
                            f"text:{section}:{figure.key}:{match.group(0)}",
                            f"Phần lời viết “{match.group(0)}” nhưng số liệu là {_written(figure)} ({figure.label.lower()}).",
                            section,
                            figure.key,
                        )
                    )
    return findings


def _date_findings(section: str, text: str, period_end: date, today: date) -> list[Finding]:
    findings = []
    for match in _DATE.finditer(text):
        try:
            day = date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        except ValueError:
            findings.append(
                Finding(
                    ERROR,
                    f"baddate:{section}:{match.group(0)}",
                    f"Ngày “{match.group(0)}” không có thật.",
                    section,
                )
            )
            continue
        if day > today:
            findings.append(
                Finding(
                    ERROR,
                    f"future:{section}:{match.group(0)}",
                    f"Ngày {match.group(0)} ở sau ngày hôm nay: kiểm tra lại.",
                    section,
                )
            )
        elif day > period_end:
            findings.append(
                Finding(
                    WARNING,
                    f"after:{section}:{match.group(0)}",
                    f"Ngày {match.group(0)} ở sau kỳ báo cáo (kết thúc {period_end:%d/%m/%Y}).",
                    section,
                )
            )
    return findings


def _counted_date_findings(section: str, dates, start: date, end: date) -> list[Finding]:
    return [
        Finding(
            ERROR,
            f"outside:{section}:{label}:{day.isoformat()}",
            f"{label} ngày {day:%d/%m/%Y} nằm ngoài kỳ báo cáo ({start:%d/%m/%Y} – {end:%d/%m/%Y}).",
            section,
        )
        for label, day in dates
        if not start <= day <= end
    ]


def _today() -> date:
    return timezone.localdate()


def validate(report: Report, *, today: date | None = None) -> list[Finding]:
    today = today or _today()
    start, end = snapshot.period_dates(report.report_type, Period.parse(report.period))
    all_figures: dict[str, Figure] = {}
    findings: list[Finding] = []
    sections = list(report.sections.all())
    for section in sections:
        if section.kind == SectionKind.NARRATIVE:
            continue
        for bundle in snapshot.figure_sets(section):
            figures = {figure.key: figure for figure in bundle.figures}
            all_figures.update(figures)
            for identity in bundle.identities:
                findings += _identity_findings(section.key, figures, identity)
            findings += _range_findings(section.key, figures)
            findings += _counted_date_findings(section.key, bundle.dates, start, end)
    for section in sections:
        texts = [section.text] + [bundle.sentence for bundle in snapshot.figure_sets(section)]
        text = "\n".join(t for t in texts if t)
        findings += _narrative_findings(section.key, section.text, all_figures)
        findings += _date_findings(section.key, text, end, today)
    return findings


def blocking(findings: list[Finding], acknowledged) -> list[Finding]:
    """What still stops submission: every error, and the warnings not acknowledged."""
    acknowledged = set(acknowledged)
    return [f for f in findings if f.is_error or f.code not in acknowledged]
