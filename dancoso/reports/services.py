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
from django.urls import reverse
from django.utils import timezone, translation
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
    ReportTypeSection,
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


# ------------------------------------------------------------------------------------------- report types (admin)

SECTION_FIELDS = ("position", "key", "heading", "level", "kind", "providers", "manual_table", "default_text")


def check_type_section(section: ReportTypeSection) -> None:
    """A figures section names known providers; a manual section a known table; ValidationError by field."""
    from dancoso.reports import registry

    errors = {}
    providers = section.providers or []
    if not isinstance(providers, list) or not all(isinstance(key, str) for key in providers):
        errors["providers"] = _('Give the providers as a list of names, e.g. ["petitions"].')
    else:
        unknown = sorted(set(providers) - set(registry.providers()))
        if unknown:
            errors["providers"] = _("Unknown providers: %(names)s. Known: %(known)s.") % {
                "names": ", ".join(unknown),
                "known": ", ".join(sorted(registry.providers())),
            }
        elif section.kind == SectionKind.FIGURES and not providers:
            errors["providers"] = _("A figures section needs at least one provider.")
    if section.kind == SectionKind.MANUAL and section.manual_table not in manual.TABLES:
        errors["manual_table"] = _("Choose one of the tables: %(names)s.") % {
            "names": ", ".join(sorted(manual.TABLES))
        }
    if errors:
        raise ValidationError(errors)


def check_deadlines(deadlines) -> None:
    """{"1": "20/06", "2": "20/12"}: a real day/month for period 1 or 2; ValidationError on "deadlines"."""
    if not isinstance(deadlines, dict):
        raise ValidationError({"deadlines": _('Write each deadline as day/month, e.g. {"1": "20/06"}.')})
    for key, text in deadlines.items():
        try:
            day, month = (int(part) for part in str(text).split("/"))
            date(2024, month, day)
        except ValueError:
            raise ValidationError(
                {"deadlines": _('Write each deadline as day/month, e.g. {"1": "20/06"}.')}
            ) from None
        if key not in ("1", "2"):
            raise ValidationError({"deadlines": _("Deadlines are given for period 1 or 2.")})


@transaction.atomic
def save_report_type(report_type: ReportType, *, actor, changed: Iterable[str] = ()) -> ReportType:
    """Save a report type an administrator added or changed (not its template: `upload_template`)."""
    report_type.full_clean(exclude=["template"])
    check_deadlines(report_type.deadlines)
    report_type.save()
    ledger.record(
        action="reports.save_report_type",
        actor=actor,
        obj=report_type,
        payload={"slug": report_type.slug, "changed": sorted(changed)},
    )
    return report_type


@transaction.atomic
def save_type_section(section: ReportTypeSection, *, actor) -> ReportTypeSection:
    check_type_section(section)
    section.save()
    ledger.record(
        action="reports.save_type_section",
        actor=actor,
        obj=section.report_type,
        payload={"section": section.key, "kind": section.kind, "providers": section.providers},
    )
    return section


@transaction.atomic
def delete_type_section(section: ReportTypeSection, *, actor) -> None:
    """Reports already written keep their own copy of the section; only new drafts lose it."""
    report_type, key = section.report_type, section.key
    section.delete()
    ledger.record(
        action="reports.delete_type_section", actor=actor, obj=report_type, payload={"section": key}
    )


@transaction.atomic
def upload_template(report_type: ReportType, data: bytes, *, filename: str, actor) -> ReportType:
    """Use an administrator's Word template for the type after checking it (reports.document.template_problems):
    a template with problems is refused with them all listed, and nothing changes."""
    from django.core.files.base import ContentFile

    from dancoso.reports.document import template_problems

    problems = template_problems(data)
    if problems:
        raise ValidationError(problems)
    report_type = ReportType.objects.select_for_update().get(pk=report_type.pk)
    old = report_type.template.name if report_type.template else ""
    report_type.template.save(f"{report_type.slug}.docx", ContentFile(data), save=False)
    report_type.template_uploaded_at = timezone.now()
    report_type.save(update_fields=["template", "template_uploaded_at"])
    if old and old != report_type.template.name:
        transaction.on_commit(lambda: report_type.template.storage.delete(old))
    ledger.record(
        action="reports.upload_template",
        actor=actor,
        obj=report_type,
        payload={"slug": report_type.slug, "filename": filename, "size": len(data)},
    )
    return report_type


@transaction.atomic
def reset_template(report_type: ReportType, *, actor) -> ReportType:
    """Go back to the default NĐ 30 template (the uploaded file is deleted once this is committed)."""
    report_type = ReportType.objects.select_for_update().get(pk=report_type.pk)
    old = report_type.template.name if report_type.template else ""
    report_type.template = ""
    report_type.template_uploaded_at = None
    report_type.save(update_fields=["template", "template_uploaded_at"])
    if old:
        storage = ReportType._meta.get_field("template").storage
        transaction.on_commit(lambda: storage.delete(old))
    ledger.record(
        action="reports.reset_template", actor=actor, obj=report_type, payload={"slug": report_type.slug}
    )
    return report_type


# ------------------------------------------------------------------------------------------- reminders

OVERDUE_REMINDER_DAYS = 7  # a missed daily run still sends the overdue reminder within this many days


def _reminder_periods(report_type: ReportType, today: date) -> list[tuple[Period, date]]:
    """The periods of the type due within its reminder days, or overdue for at most OVERDUE_REMINDER_DAYS."""
    found = []
    for year in (today.year - 1, today.year, today.year + 1):
        periods = (
            [Period(year, "half", 1), Period(year, "half", 2)]
            if report_type.period_kind == "half"
            else [Period(year)]
        )
        for period in periods:
            due = snapshot.due_date(report_type, period)
            if due is not None and -OVERDUE_REMINDER_DAYS <= (due - today).days <= report_type.reminder_days:
                found.append((period, due))
    return found


def _report_staff(unit: Unit) -> list:
    from dancoso.accounts.models import Membership
    from dancoso.accounts.roles import roles_with

    roles = roles_with("reports.write_report") | roles_with("reports.submit_report")
    memberships = (
        Membership.objects.current()
        .filter(unit=unit, role__in=roles, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    return list({m.user_id: m.user for m in memberships}.values())


def send_report_reminders(today: date | None = None) -> dict[str, int]:
    """Daily: each unit expected to report (the active units below another one, other than villages) whose
    current report of an active type is not submitted hears `reminder_days` before the deadline (once) and
    once after the deadline has passed. Deduplicated per unit, type, period, kind of reminder and person:
    a rerun or a catch-up after a missed day sends nothing twice. Returns the number of messages queued."""
    from dancoso.core.models import Notification
    from dancoso.core.notify import notify

    today = today or _today()
    counts = {"reminders": 0, "overdue": 0}
    units = list(
        Unit.objects.filter(is_active=True, parent__isnull=False, parent__is_active=True)
        .exclude(kind__in=(UnitKind.VILLAGE, UnitKind.RESIDENTIAL_GROUP))
        .order_by("pk")
    )
    staff_of: dict[int, list] = {}
    for report_type in ReportType.objects.filter(is_active=True).exclude(deadlines={}):
        for period, due in _reminder_periods(report_type, today):
            done = set(
                Report.objects.filter(
                    report_type=report_type,
                    period=str(period),
                    state__in=(ReportState.SUBMITTED, ReportState.ACCEPTED),
                ).values_list("unit_id", flat=True)
            )
            kind = "overdue" if today > due else "reminder"
            for unit in units:
                if unit.pk in done:
                    continue
                if unit.pk not in staff_of:
                    staff_of[unit.pk] = _report_staff(unit)
                subject, body = _reminder_text(report_type, period, due, unit, kind)
                for user in staff_of[unit.pk]:
                    key = f"report-{kind}:{report_type.slug}:{period}:{unit.pk}:{user.pk}"
                    if Notification.objects.filter(dedupe_key=key).exists():
                        continue
                    channel, recipient = (
                        ("email", user.email) if user.email else ("console", user.get_username())
                    )
                    notify(
                        channel=channel,
                        recipient=recipient,
                        subject=subject,
                        body=body,
                        unit=unit.pk,
                        dedupe_key=key,
                    )
                    counts["overdue" if kind == "overdue" else "reminders"] += 1
    return counts


def _reminder_text(
    report_type: ReportType, period: Period, due: date, unit: Unit, kind: str
) -> tuple[str, str]:
    """In Vietnamese: the reports and their reminders are written in Vietnamese."""
    if kind == "overdue":
        subject = f"Quá hạn gửi báo cáo: {report_type.name} {period.label_vi}"
        body = (
            f"{unit.name} chưa gửi {report_type.name.lower()} {period.label_vi}; hạn gửi là ngày "
            f"{due:%d/%m/%Y}. Đề nghị hoàn thiện và gửi báo cáo ngay."
        )
    else:
        subject = f"Sắp đến hạn gửi báo cáo: {report_type.name} {period.label_vi}"
        body = (
            f"{unit.name} cần gửi {report_type.name.lower()} {period.label_vi} trước ngày {due:%d/%m/%Y}. "
            "Báo cáo chưa được gửi."
        )
    return subject, body


# ------------------------------------------------------------------------------------------- drill-down


@dataclass(frozen=True)
class BreakdownRow:
    unit: Unit
    value: Decimal | None
    report: Report | None = None
    rows_url: str = ""
    own: bool = False  # the report's unit itself: its own rows and its villages'


@dataclass(frozen=True)
class FigureBreakdown:
    figure: object  # core.figures.Figure, as the report holds it
    start: date
    end: date
    rows: list[BreakdownRow]
    total: Decimal | None  # the sum (counts), the average (scores of typed tables), None otherwise
    live: bool  # computed now from the data (True) or read from the units' submitted tables (False)


def _value(figure) -> Decimal | None:
    return None if figure is None or figure.value is None else Decimal(str(figure.value))


def figure_breakdown(report: Report, key: str) -> FigureBreakdown:
    """One figure of `report` by the units that report to its unit: for the platform's figures, computed by the
    same provider for each unit and the same dates (with the unit's own rows as a last line, so counts add up
    to the report's figure); for a typed table, the values of the units' submitted tables. LookupError when the
    report has no such figure."""
    from dancoso.core.figures import AMOUNT, COUNT, SCORE
    from dancoso.reports import registry

    period = Period.parse(report.period)
    start, end = snapshot.period_dates(report.report_type, period)
    found = None
    for section in report.sections.all():
        for bundle in snapshot.figure_sets(section):
            if bundle.get(key) is not None:
                found = (section, bundle, bundle[key])
    if found is None:
        raise LookupError(key)
    section, bundle, figure = found
    children = list(reporting_units(report.unit).order_by("kind", "name"))
    reports = {
        r.unit_id: r
        for r in Report.objects.current().filter(
            unit__in=children, report_type=report.report_type, period=report.period
        )
    }
    additive = figure.kind in (COUNT, AMOUNT)
    rows = []
    if section.kind == SectionKind.MANUAL:
        table_key = section.data["table"]
        name = key.split(".", 1)[1]
        by_unit = {}
        for child_section in ReportSection.objects.filter(
            report__in=submitted_reports(report.unit, report.report_type, period), kind=SectionKind.MANUAL
        ).select_related("report"):
            if child_section.data.get("table") == table_key:
                value = (child_section.data.get("values") or {}).get(name)
                by_unit[child_section.report.unit_id] = None if value is None else Decimal(value)
        rows = [BreakdownRow(child, by_unit.get(child.pk), reports.get(child.pk)) for child in children]
        values = [row.value for row in rows if row.value is not None]
        total = None
        if values and additive:
            total = sum(values)
        elif values and figure.kind == SCORE:
            decimals = manual.TABLES[table_key].field(name).decimals
            total = (sum(values) / len(values)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        return FigureBreakdown(figure, start, end, rows, total, live=False)
    provider = registry.provider(bundle.provider)
    lead = _lead(period)

    def compute(unit):
        with translation.override("vi"):
            return _value(provider.compute(unit, start, end, lead=lead).get(key))

    def rows_url(unit, own: bool = False) -> str:
        if provider.rows is not None:
            url = reverse("reports:rows", args=[report.pk, key, unit.pk])
            return f"{url}?own=1" if own else url
        return provider.drilldown(unit, start, end) if provider.drilldown else ""

    rows = [BreakdownRow(child, compute(child), reports.get(child.pk), rows_url(child)) for child in children]
    whole = compute(report.unit)
    total = None
    if additive and whole is not None:
        own = whole - sum(row.value or 0 for row in rows)
        rows.append(BreakdownRow(report.unit, own, report, rows_url(report.unit, own=True), own=True))
        total = whole
    return FigureBreakdown(figure, start, end, rows, total, live=True)


@dataclass(frozen=True)
class FigureRows:
    figure: object  # core.figures.Figure, as the report holds it
    unit: Unit
    own: bool  # the unit itself and its villages, without the units that report to it
    start: date
    end: date
    total: int
    rows: list  # core.figures.Row, the first of them


def figure_rows(report: Report, key: str, unit: Unit, *, user, own: bool = False) -> FigureRows:
    """The rows one figure of `report` counts in `unit` (the report's unit or one below it) that `user` may see,
    as the provider lists them. LookupError when the figure has no rows or `unit` is outside the report."""
    from dancoso.reports import registry

    if not unit.path.startswith(report.unit.path):
        raise LookupError(unit.pk)
    period = Period.parse(report.period)
    start, end = snapshot.period_dates(report.report_type, period)
    for section in report.sections.filter(kind=SectionKind.FIGURES):
        for bundle in snapshot.figure_sets(section):
            figure = bundle.get(key)
            if figure is None:
                continue
            provider = registry.provider(bundle.provider)
            excluded = [child.path for child in reporting_units(unit)] if own else []
            found = provider.rows(user, unit, start, end, key, excluded) if provider.rows else None
            if found is None:
                raise LookupError(key)
            total, rows = found
            return FigureRows(figure, unit, own, start, end, total, rows)
    raise LookupError(key)
