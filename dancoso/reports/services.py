"""Every write to reports: drafting from a type (narrative carried over from the last period, figures from the
providers), editing, manual tables (typed or imported), validation before submission, numbering (NĐ 30/2020
Art. 15), submission, acceptance or return, new versions. Each step keeps an event and a ledger entry."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dancoso.core import ledger
from dancoso.core.numbers import parse_number_vi
from dancoso.core.text import search_key
from dancoso.reports import manual, snapshot, validation
from dancoso.reports.models import (
    Report,
    ReportEvent,
    ReportNumber,
    ReportSection,
    ReportState,
    ReportType,
    SectionKind,
)
from dancoso.reports.periods import Period
from dancoso.units.models import COMMUNE_LEVEL_KINDS, Unit, UnitKind

EDITABLE_STATES = frozenset({ReportState.DRAFT, ReportState.RETURNED})
DOCUMENT_FIELDS = frozenset(
    {
        "symbol",
        "place",
        "parent_body",
        "issuing_body",
        "signer_mode",
        "signer_collective",
        "signer_title",
        "signer_name",
        "addressees",
        "recipients",
        "archive",
    }
)


def _today() -> date:
    return timezone.localdate()


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _event(report: Report, action: str, *, actor, note: str = "", data: dict | None = None) -> None:
    ReportEvent.objects.create(report=report, action=action, actor=_user(actor), note=note, data=data or {})
    ledger.record(
        action=f"reports.{action}",
        actor=actor,
        obj=report,
        unit=report.unit,
        payload={"period": report.period, "version": report.version, "state": report.state, **(data or {})},
    )


def _require_editable(report: Report) -> None:
    if report.state not in EDITABLE_STATES:
        raise ValidationError(
            _("This report was submitted and can no longer be changed; make a new version to change it.")
        )


def _locked(report: Report) -> Report:
    return Report.objects.select_for_update().select_related("report_type", "unit").get(pk=report.pk)


# ------------------------------------------------------------------------------------------- drafting


def _body_name(unit: Unit) -> str:
    names = {
        UnitKind.COMMUNE: "ỦY BAN NHÂN DÂN XÃ",
        UnitKind.WARD: "ỦY BAN NHÂN DÂN PHƯỜNG",
        UnitKind.SPECIAL_ZONE: "ỦY BAN NHÂN DÂN ĐẶC KHU",
        UnitKind.PROVINCE: "ỦY BAN NHÂN DÂN",
    }
    prefix = names.get(unit.kind)
    if prefix is None:
        return unit.name.upper()
    bare = unit.name
    for word in ("Xã ", "Phường ", "Đặc khu "):
        bare = bare.removeprefix(word)
    return f"{prefix} {bare.upper()}" if unit.kind != UnitKind.PROVINCE else f"{prefix} {unit.name.upper()}"


def _body_phrase(unit: Unit) -> str:
    """As the opening sentence names the issuing body: "Ủy ban nhân dân xã An Khánh"."""
    if unit.kind in COMMUNE_LEVEL_KINDS or unit.kind == UnitKind.PROVINCE:
        return f"Ủy ban nhân dân {unit.name[:1].lower()}{unit.name[1:]}"
    return unit.name


def _parent_body(unit: Unit) -> str:
    parent = unit.parent
    if parent is None:
        return ""
    return f"UBND {parent.name.upper()}"


def _place(unit: Unit) -> str:
    name = unit.name
    for word in ("Xã ", "Phường ", "Đặc khu ", "Tỉnh ", "Thành phố "):
        name = name.removeprefix(word)
    return name


def _document_defaults(unit: Unit) -> dict:
    collective = (
        "ỦY BAN NHÂN DÂN" if unit.kind in COMMUNE_LEVEL_KINDS or unit.kind == UnitKind.PROVINCE else ""
    )
    return {
        "symbol": "BC-UBND" if collective else "BC",
        "place": _place(unit),
        "parent_body": _parent_body(unit),
        "issuing_body": _body_name(unit),
        "signer_mode": "TM" if collective else "",
        "signer_collective": collective,
        "signer_title": "CHỦ TỊCH" if collective else "",
        "recipients": "\n".join(
            line for line in (f"UBND {unit.parent.name}" if unit.parent else "", "Lãnh đạo UBND") if line
        ),
    }


def _previous_text(unit: Unit, report_type: ReportType, period: Period) -> dict[str, str]:
    """The narrative of the last report of the same type and unit, by section key: the starting point."""
    earlier = (
        Report.objects.current()
        .filter(unit=unit, report_type=report_type, period__lt=str(period))
        .order_by("-period")
        .first()
    )
    if earlier is None:
        return {}
    return {section.key: section.text for section in earlier.sections.all() if section.text}


def _lead(period: Period) -> str:
    return period.lead_vi


def fill_placeholders(text: str, unit: Unit, period: Period) -> str:
    """The type's {period}, {next_period}, {next_period_upper} and {body} in headings and starting texts."""
    values = {
        "{period}": period.label_vi,
        "{next_period}": period.next().label_vi,
        "{next_period_upper}": period.next().label_vi.upper(),
        "{body}": _body_phrase(unit),
    }
    for token, value in values.items():
        text = text.replace(token, value)
    return text


def _section_data(type_section, unit: Unit, report_type: ReportType, period: Period) -> dict:
    start, end = snapshot.period_dates(report_type, period)
    if type_section.kind == SectionKind.FIGURES:
        return snapshot.compute(type_section.providers, unit, start, end, _lead(period))
    if type_section.kind == SectionKind.MANUAL:
        values = consolidated_manual_values(unit, report_type, period, type_section.manual_table)
        return {"table": type_section.manual_table, "values": values}
    return {}


@transaction.atomic
def create_report(*, unit: Unit, report_type: ReportType, period: Period | str, actor) -> Report:
    """A draft of `report_type` for `unit` and `period`: its sections in the type's order, narrative carried over
    from the last period (or the type's starting text), figures computed now, manual tables summed from the
    units below when they have reported."""
    period = Period.parse(str(period))
    if report_type.period_kind == "half" and period.kind != "half":
        raise ValidationError(
            {"period": _("This report is written for six months: write the period as 2026-H1.")}
        )
    if report_type.period_kind == "year" and period.kind != "year":
        raise ValidationError({"period": _("This report is written for a year: write the period as 2026.")})
    if Report.objects.current().filter(unit=unit, report_type=report_type, period=str(period)).exists():
        raise ValidationError(_("This unit already has this report for this period: open it instead."))
    report = Report.objects.create(
        unit=unit,
        report_type=report_type,
        period=str(period),
        created_by=_user(actor),
        **_document_defaults(unit),
    )
    carried = _previous_text(unit, report_type, period)
    now = timezone.now()
    ReportSection.objects.bulk_create(
        ReportSection(
            report=report,
            position=type_section.position,
            key=type_section.key,
            heading=fill_placeholders(type_section.heading, unit, period),
            level=type_section.level,
            kind=type_section.kind,
            text=carried.get(type_section.key) or fill_placeholders(type_section.default_text, unit, period),
            data=_section_data(type_section, unit, report_type, period),
            computed_at=now if type_section.kind == SectionKind.FIGURES else None,
        )
        for type_section in report_type.sections.all()
    )
    _event(report, "create_report", actor=actor, data={"carried_sections": sorted(carried)})
    return report


@transaction.atomic
def refresh_figures(report: Report, *, actor) -> Report:
    """Compute the providers' figures again (the data changed since the draft was made)."""
    report = _locked(report)
    _require_editable(report)
    period = Period.parse(report.period)
    start, end = snapshot.period_dates(report.report_type, period)
    now = timezone.now()
    for section in report.sections.filter(kind=SectionKind.FIGURES):
        type_section = report.report_type.sections.get(key=section.key)
        section.data = snapshot.compute(type_section.providers, report.unit, start, end, _lead(period))
        section.computed_at = now
        section.save(update_fields=["data", "computed_at"])
    _event(report, "refresh_figures", actor=actor)
    return report


@transaction.atomic
def save_section_text(report: Report, key: str, text: str, *, actor) -> ReportSection:
    report = _locked(report)
    _require_editable(report)
    section = report.sections.get(key=key)
    section.text = (text or "").replace("\r\n", "\n").strip()
    section.save(update_fields=["text"])
    report.save(update_fields=["updated_at"])
    _event(report, "save_section_text", actor=actor, data={"section": key})
    return section


def clean_manual_values(table_key: str, raw: dict) -> dict[str, str]:
    """Typed values ("4.410", "97,61", "") → {"received": "4410", …}; ValidationError by field in Vietnamese."""
    table = manual.TABLES[table_key]
    values, errors = {}, {}
    for field in table.fields:
        text = raw.get(field.name)
        if text is None or str(text).strip() == "":
            continue
        try:
            number = text if isinstance(text, int | Decimal) else parse_number_vi(str(text))
            number = Decimal(number)
        except (ValueError, InvalidOperation):
            errors[field.name] = _("Write a number, e.g. 4.410 or 97,61.")
            continue
        if number < 0:
            errors[field.name] = _("A figure cannot be negative.")
        elif field.kind == "count" and number != number.to_integral_value():
            errors[field.name] = _("Write a whole number.")
        else:
            values[field.name] = str(number if field.decimals else number.to_integral_value())
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def save_manual_values(report: Report, key: str, raw: dict, *, actor) -> ReportSection:
    report = _locked(report)
    _require_editable(report)
    section = report.sections.get(key=key, kind=SectionKind.MANUAL)
    values = clean_manual_values(section.data["table"], raw)
    section.data = {**section.data, "values": values}
    section.save(update_fields=["data"])
    report.save(update_fields=["updated_at"])
    _event(report, "save_manual_values", actor=actor, data={"section": key, "values": values})
    return section


@transaction.atomic
def save_document_fields(report: Report, *, actor, **fields) -> Report:
    unknown = set(fields) - DOCUMENT_FIELDS
    if unknown:
        raise ValueError(f"not a document field: {sorted(unknown)}")
    report = _locked(report)
    _require_editable(report)
    for name, value in fields.items():
        setattr(report, name, (value or "").strip())
    report.full_clean(exclude=["unit", "report_type", "created_by", "previous_version"])
    report.save()
    _event(report, "save_document_fields", actor=actor, data={"fields": sorted(fields)})
    return report


# ------------------------------------------------------------------------------------------- lifecycle


def _next_number(report: Report, year: int) -> int:
    counter, _created = ReportNumber.objects.select_for_update().get_or_create(
        unit=report.unit, year=year, symbol=report.symbol
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


@transaction.atomic
def submit_report(report: Report, *, actor, acknowledge: Iterable[str] = ()) -> Report:
    """Submit after validation: every error blocks; each warning must be in `acknowledge`. The report gets the
    next number of its unit, symbol and year (NĐ 30/2020 Art. 15) and today's date; its figures are frozen."""
    report = _locked(report)
    _require_editable(report)
    findings = validation.validate(report)
    still = validation.blocking(findings, acknowledge)
    if still:
        raise ValidationError([finding.message for finding in still])
    today = _today()
    if report.number is None or report.issued_on is None or report.issued_on.year != today.year:
        report.number = _next_number(report, today.year)
    report.issued_on = today
    report.state = ReportState.SUBMITTED
    report.submitted_at = timezone.now()
    report.acknowledged = sorted({f.code for f in findings if not f.is_error})
    report.return_comment = ""
    report.save()
    _event(
        report,
        "submit_report",
        actor=actor,
        data={"number": report.number, "symbol": report.symbol, "acknowledged": report.acknowledged},
    )
    return report


@transaction.atomic
def accept_report(report: Report, *, actor, note: str = "") -> Report:
    report = _locked(report)
    if report.state != ReportState.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be accepted."))
    report.state = ReportState.ACCEPTED
    report.save(update_fields=["state", "updated_at"])
    _event(report, "accept_report", actor=actor, note=note)
    return report


@transaction.atomic
def return_report(report: Report, *, actor, comment: str) -> Report:
    report = _locked(report)
    if report.state != ReportState.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be returned."))
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what must be corrected.")})
    report.state = ReportState.RETURNED
    report.return_comment = comment
    report.save(update_fields=["state", "return_comment", "updated_at"])
    _event(report, "return_report", actor=actor, note=comment)
    return report


@transaction.atomic
def revise_report(report: Report, *, actor, reason: str) -> Report:
    """A change after submission: a new version (a draft copying the text, the document fields and the manual
    tables) replaces the submitted one, which stays readable with its number."""
    report = _locked(report)
    if report.state not in (ReportState.SUBMITTED, ReportState.ACCEPTED):
        raise ValidationError(_("A draft is changed directly; only a submitted report needs a new version."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the submitted report must change.")})
    report.state = ReportState.SUPERSEDED
    report.save(update_fields=["state", "updated_at"])
    _event(report, "supersede_report", actor=actor, note=reason)
    fields = {name: getattr(report, name) for name in DOCUMENT_FIELDS}
    new = Report.objects.create(
        unit=report.unit,
        report_type=report.report_type,
        period=report.period,
        version=report.version + 1,
        previous_version=report,
        created_by=_user(actor),
        **fields,
    )
    ReportSection.objects.bulk_create(
        ReportSection(
            report=new,
            position=s.position,
            key=s.key,
            heading=s.heading,
            level=s.level,
            kind=s.kind,
            text=s.text,
            data=s.data,
            computed_at=s.computed_at,
        )
        for s in report.sections.all()
    )
    _event(new, "revise_report", actor=actor, note=reason, data={"previous_version": report.version})
    return new


# ------------------------------------------------------------------------------------------- consolidation


def reporting_units(unit: Unit):
    """The units expected to send `unit` this report: its direct children other than villages and residential
    groups (a province's communes, wards and agencies; a commune's agencies)."""
    return Unit.objects.filter(parent=unit, is_active=True).exclude(
        kind__in=(UnitKind.VILLAGE, UnitKind.RESIDENTIAL_GROUP)
    )


def submitted_reports(unit: Unit, report_type: ReportType, period: Period | str):
    return Report.objects.filter(
        unit__in=reporting_units(unit),
        report_type=report_type,
        period=str(period),
        state__in=(ReportState.SUBMITTED, ReportState.ACCEPTED),
    )


def consolidated_manual_values(unit: Unit, report_type: ReportType, period: Period, table_key: str) -> dict:
    """The sums of the units' submitted tables (a score is their average); {} when none has reported."""
    table = manual.TABLES[table_key]
    sums: dict[str, Decimal] = {}
    counts: dict[str, int] = {}
    for section in ReportSection.objects.filter(
        report__in=submitted_reports(unit, report_type, period), kind=SectionKind.MANUAL
    ):
        if section.data.get("table") != table_key:
            continue
        for name, value in (section.data.get("values") or {}).items():
            sums[name] = sums.get(name, Decimal(0)) + Decimal(value)
            counts[name] = counts.get(name, 0) + 1
    values = {}
    for field in table.fields:
        if field.name not in sums:
            continue
        value = sums[field.name] / counts[field.name] if field.kind == "score" else sums[field.name]
        values[field.name] = str(value.quantize(Decimal(1).scaleb(-field.decimals), rounding=ROUND_HALF_UP))
    return values


# ------------------------------------------------------------------------------------------- import


def _read_manual_rows(table: manual.ManualTable, content) -> tuple[dict, list[str]]:
    """(values by field, errors by row) from a sheet of (figure, value) rows; figures named by their label as in
    the table (accents and case ignored) or by their field name."""
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(content, read_only=True, data_only=True).worksheets[0]
    except Exception:  # openpyxl raises many kinds of error for a file that is not a workbook
        return {}, [_("The file is not an Excel workbook (.xlsx).")]
    by_key = {search_key(field.label): field.name for field in table.fields}
    by_key.update({field.name: field.name for field in table.fields})
    values, errors = {}, []
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        label, value = [*row, None, None][:2]
        if label is None and value is None:
            continue
        name = by_key.get(search_key(str(label or "")))
        if name is None:
            if number == 1:
                continue  # a header row
            errors.append(
                _("Row %(row)d: “%(label)s” is not a figure of this table.") % {"row": number, "label": label}
            )
            continue
        if name in values:
            errors.append(_("Row %(row)d: “%(label)s” is given twice.") % {"row": number, "label": label})
            continue
        values[name] = "" if value is None else value
    return values, errors


@transaction.atomic
def import_manual_values(report: Report, key: str, content, *, actor) -> ReportSection:
    """Values of a manual table from .xlsx: every row checked, all or nothing."""
    report = _locked(report)
    _require_editable(report)
    section = report.sections.get(key=key, kind=SectionKind.MANUAL)
    table = manual.TABLES[section.data["table"]]
    raw, errors = _read_manual_rows(table, content)
    # Numeric cells come as int or float; text cells are read the Vietnamese way ("4.410", "97,61").
    raw = {name: Decimal(str(value)) if isinstance(value, float) else value for name, value in raw.items()}
    values = {}
    try:
        values = clean_manual_values(table.key, raw)
    except ValidationError as error:
        errors += [
            f"{table.field(name).label}: {' '.join(messages)}"
            for name, messages in error.message_dict.items()
        ]
    if errors:
        raise ValidationError(errors)
    if not values:
        raise ValidationError(_("The file has no figure of this table."))
    section.data = {**section.data, "values": values}
    section.save(update_fields=["data"])
    _event(report, "import_manual_values", actor=actor, data={"section": key, "values": values})
    return section


# ------------------------------------------------------------------------------------------- tracker

TRACKED_FIGURES = ("petitions.received", "petitions.on_time_rate", "disclosure.disclosed", "tthc.received")


@dataclass(frozen=True)
class TrackerRow:
    unit: Unit
    report: Report | None
    due: date | None
    figures: dict  # key → core.figures.Figure, from the report's own figures

    @property
    def on_time(self) -> bool | None:
        """None while not submitted; else whether it was submitted by the due day."""
        if self.report is None or self.report.submitted_at is None:
            return None
        if self.due is None:
            return True
        return timezone.localdate(self.report.submitted_at) <= self.due

    @property
    def overdue(self) -> bool:
        return self.on_time is None and self.due is not None and _today() > self.due


def tracker_rows(unit: Unit, report_type: ReportType, period: Period | str) -> list[TrackerRow]:
    """One row per unit expected to report to `unit`: its current report (if any), whether it came on time,
    and its key figures as it reported them (the province's figures drill down to these)."""
    period = Period.parse(str(period))
    due = snapshot.due_date(report_type, period)
    reports = {
        report.unit_id: report
        for report in Report.objects.current()
        .filter(unit__in=reporting_units(unit), report_type=report_type, period=str(period))
        .select_related("report_type")
        .prefetch_related("sections")
    }
    rows = []
    for child in reporting_units(unit).order_by("kind", "name"):
        report = reports.get(child.pk)
        figures = {}
        if report is not None:
            for section in report.sections.all():
                for bundle in snapshot.figure_sets(section):
                    figures.update({f.key: f for f in bundle.figures if f.key in TRACKED_FIGURES})
        rows.append(TrackerRow(child, report, due, figures))
    return rows
