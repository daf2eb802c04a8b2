"""A report keeps the figures it was written with: each figures section stores its providers' results as JSON
(refreshed while it is a draft, frozen once submitted), each manual section the values typed. This module turns
both into core.figures objects again, for validation, the page and the document."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import translation

from dancoso.core.figures import Figure, Figures, Identity
from dancoso.core.numbers import number_vi
from dancoso.reports import legal, manual, registry
from dancoso.reports.models import ReportType, SectionKind
from dancoso.reports.periods import HALF, QUARTER, Period


def period_dates(report_type: ReportType, period: Period) -> tuple[date, date]:
    """The days a report's figures count: the calendar period, or with the NĐ 09/2019 cut-off (six months:
    15/12 of the year before to 14/6; a year: 15/12 to 14/12)."""
    if not report_type.data_cutoff:
        return period.start, period.end
    start = period.start
    previous_month = (
        date(start.year - 1, 12, legal.DATA_CUTOFF_DAY)
        if start.month == 1
        else date(start.year, start.month - 1, legal.DATA_CUTOFF_DAY)
    )
    end_month_start = date(period.end.year, period.end.month, 1)
    return previous_month, end_month_start + timedelta(days=legal.DATA_CUTOFF_DAY - 2)


def due_date(report_type: ReportType, period: Period) -> date | None:
    """The day the report is due, from the type's deadlines ({"1": "20/06"}), in the period's year."""
    key = str(period.number if period.kind in (HALF, QUARTER) else 1)
    text = (report_type.deadlines or {}).get(key)
    if not text:
        return None
    day, month = (int(part) for part in text.split("/"))
    return date(period.year, month, day)


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    return value


def _number(value):
    if isinstance(value, str):
        return Decimal(value)
    return value


def dump(figures: Figures) -> dict:
    return {
        "provider": figures.provider,
        "sentence": figures.sentence,
        "figures": [
            {
                "key": f.key,
                "label": f.label,
                "value": _plain(f.value),
                "unit_word": f.unit_word,
                "kind": f.kind,
                "part_of": f.part_of,
                "maximum": f.maximum,
                "decimals": f.decimals,
                "mentions": list(f.mentions),
            }
            for f in figures.figures
        ],
        "identities": [
            {"whole": i.whole, "parts": list(i.parts), "article": i.article} for i in figures.identities
        ],
        "dates": [[label, day.isoformat()] for label, day in figures.dates],
        "start": figures.start.isoformat(),
        "end": figures.end.isoformat(),
    }


def load(data: dict) -> Figures:
    return Figures(
        provider=data["provider"],
        start=date.fromisoformat(data["start"]),
        end=date.fromisoformat(data["end"]),
        figures=tuple(
            Figure(**{**f, "value": _number(f["value"]), "mentions": tuple(f.get("mentions", ()))})
            for f in data["figures"]
        ),
        sentence=data.get("sentence", ""),
        identities=tuple(
            Identity(i["whole"], tuple(i["parts"]), i.get("article", "")) for i in data["identities"]
        ),
        dates=tuple((label, date.fromisoformat(day)) for label, day in data.get("dates", ())),
    )


def compute(provider_keys, unit, start: date, end: date, lead: str) -> dict:
    """The providers' figures, computed now, in Vietnamese (reports are written in Vietnamese)."""
    with translation.override("vi"):
        return {
            "providers": [
                dump(registry.provider(key).compute(unit, start, end, lead=lead)) for key in provider_keys
            ]
        }


def manual_figures(table_key: str, values: dict, start: date, end: date) -> Figures:
    table = manual.TABLES[table_key]
    figures = table.figures({name: _number(value) for name, value in values.items()})
    return Figures(table.key, start, end, figures, manual_sentence(table, figures), table.identity_checks())


def _manual_phrase(figure: Figure) -> str:
    number = number_vi(figure.value, figure.decimals)
    if figure.maximum:
        return f"{figure.label.lower()} đạt {number}/{figure.maximum} điểm"
    return f"{figure.label.lower()} {number} {figure.unit_word}".rstrip()


def manual_sentence(table: manual.ManualTable, figures: tuple[Figure, ...]) -> str:
    """ "Kết quả giải quyết thủ tục hành chính: tổng số hồ sơ tiếp nhận 4.410 hồ sơ; …; điểm chỉ số phục vụ
    người dân, doanh nghiệp đạt 97,61/100 điểm." """
    parts = [_manual_phrase(figure) for figure in figures if figure.value is not None]
    return f"{table.title}: {'; '.join(parts)}." if parts else ""


def figure_sets(section) -> list[Figures]:
    """The figures a section holds: its providers' (FIGURES) or its typed table (MANUAL)."""
    if section.kind == SectionKind.FIGURES:
        return [load(data) for data in (section.data or {}).get("providers", [])]
    if section.kind == SectionKind.MANUAL and section.data.get("values"):
        report = section.report
        start, end = period_dates(report.report_type, Period.parse(report.period))
        return [manual_figures(section.data["table"], section.data["values"], start, end)]
    return []
