"""Staff pages of reports, under /staff/reports/ (namespace "reports").

- The unit's reports and a new draft (type and period).
- A report: its document fields, each section with its text, its figures (each finding of the validation next
  to the figure it concerns) or its table typed or imported from .xlsx; refresh the figures; submit (warnings
  acknowledged one by one); download as .docx, .pdf or .xlsx; accept or return (the body above); new version.
- The tracker of the units below: who has submitted, on time or late, and their figures side by side.
- A figure by unit (drill-down), each unit opening its report.
- The reports of every unit below as one .zip, written by a background job (progress page, kept file).

Rows are fetched through `Report.objects.visible_to(user, permission)` (404 out of scope), then checked with
`user.has_perm` (403). Every write is a call to `services`; a refusal is shown and nothing changes.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_tasks import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist

from dancoso.core.access import current_unit, require_perm
from dancoso.reports import exports, forms, jobs, manual, services, snapshot, tasks, validation
from dancoso.reports.document import PdfUnavailable
from dancoso.reports.models import Report, ReportState, ReportType, SectionKind
from dancoso.reports.periods import Period
from dancoso.units.models import Unit

VIEW = "reports.view_report"
WRITE = "reports.write_report"
SUBMIT = "reports.submit_report"
DECIDE = "reports.decide_report"
POLL_SECONDS = 2


def _report(request, pk: int, permission: str = VIEW) -> Report:
    report = get_object_or_404(
        Report.objects.visible_to(request.user, VIEW).select_related("unit", "unit__parent", "report_type"),
        pk=pk,
    )
    require_perm(request, permission, report)
    return report


def _errors(error: ValidationError) -> list[str]:
    return list(error.messages)


# ------------------------------------------------------------------------------------------------ list


@login_required
@require_http_methods(["GET", "POST"])
def report_list(request):
    unit = current_unit(request)
    require_perm(request, VIEW, unit)
    can_write = request.user.has_perm(WRITE, unit)
    form = forms.NewReportForm(request.POST or None, initial={"period": _suggested_period()})
    if request.method == "POST":
        require_perm(request, WRITE, unit)
        if form.is_valid():
            try:
                report = services.create_report(
                    unit=unit,
                    report_type=form.cleaned_data["report_type"],
                    period=form.cleaned_data["period"],
                    actor=request.user,
                )
            except ValidationError as error:
                for message in _errors(error):
                    form.add_error(None, message)
            else:
                messages.success(request, _("The draft is ready: the figures come from the platform's data."))
                return redirect("reports:detail", pk=report.pk)
    reports = (
        Report.objects.visible_to(request.user, VIEW)
        .filter(unit=unit)
        .select_related("report_type")
        .order_by("-period", "report_type__position", "-version")
    )
    context = {"unit": unit, "reports": reports, "form": form, "can_write": can_write}
    return render(request, "reports/list.html", context)


def _suggested_period() -> str:
    return str(Period.current_half())


# ------------------------------------------------------------------------------------------------ a report


def _section_rows(report: Report, findings: list[validation.Finding]) -> list[dict]:
    by_section = defaultdict(list)
    for finding in findings:
        by_section[finding.section].append(finding)
    rows = []
    for section in report.sections.all():
        bundles = snapshot.figure_sets(section)
        section_findings = by_section.get(section.key, [])
        by_figure = defaultdict(list)
        for finding in section_findings:
            by_figure[finding.figure].append(finding)
        figure_rows = [
            {"figure": figure, "findings": by_figure.get(figure.key, [])}
            for bundle in bundles
            for figure in bundle.figures
        ]
        manual_fields = []
        if section.kind == SectionKind.MANUAL:
            table = section.data["table"]
            values = {
                name: manual.written_value(table, name, value)
                for name, value in (section.data.get("values") or {}).items()
            }
            manual_form = forms.manual_form_class(table)(initial=values, prefix=section.key)
            manual_fields = [(field, by_figure.get(f"{table}.{field.name}", [])) for field in manual_form]
        rows.append(
            {
                "section": section,
                "sentences": [bundle.sentence for bundle in bundles if bundle.sentence],
                "figures": figure_rows,
                "findings": [f for f in section_findings if not f.figure],
                "text_form": forms.SectionTextForm(initial={"text": section.text}, prefix=section.key),
                "manual_fields": manual_fields,
            }
        )
    return rows


@login_required
def detail(request, pk: int):
    report = _report(request, pk)
    findings = validation.validate(report)
    warnings = [f for f in findings if not f.is_error]
    editable = report.state in services.EDITABLE_STATES
    start, end = snapshot.period_dates(report.report_type, Period.parse(report.period))
    context = {
        "report": report,
        "unit": report.unit,
        "sections": _section_rows(report, findings),
        "errors": [f for f in findings if f.is_error],
        "warnings": warnings,
        "start": start,
        "end": end,
        "due": snapshot.due_date(report.report_type, Period.parse(report.period)),
        "editable": editable,
        "has_units": services.reporting_units(report.unit).exists(),
        "can_write": editable and request.user.has_perm(WRITE, report),
        "can_submit": editable and request.user.has_perm(SUBMIT, report),
        "can_decide": report.state == ReportState.SUBMITTED and request.user.has_perm(DECIDE, report),
        "can_revise": report.state in (ReportState.SUBMITTED, ReportState.ACCEPTED)
        and request.user.has_perm(SUBMIT, report),
        "document_form": forms.DocumentForm(
            initial={name: getattr(report, name) for name in services.DOCUMENT_FIELDS}
        ),
        "submit_form": forms.SubmitForm(warnings=warnings),
        "decide_form": forms.DecideForm(),
        "revise_form": forms.ReviseForm(),
        "import_form": forms.ManualImportForm(),
        "events": report.events.select_related("actor"),
        "versions": Report.objects.filter(
            unit=report.unit, report_type=report.report_type, period=report.period
        )
        .exclude(pk=report.pk)
        .order_by("-version"),
    }
    return render(request, "reports/detail.html", context)


def _back(report: Report, anchor: str = ""):
    response = redirect("reports:detail", pk=report.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _refused(request, report: Report, error: ValidationError, anchor: str = ""):
    for message in _errors(error):
        messages.error(request, message)
    return _back(report, anchor)


@login_required
@require_POST
def save_text(request, pk: int, key: str):
    report = _report(request, pk, WRITE)
    form = forms.SectionTextForm(request.POST, prefix=key)
    form.is_valid()
    try:
        services.save_section_text(report, key, form.cleaned_data.get("text", ""), actor=request.user)
    except ValidationError as error:
        return _refused(request, report, error, f"section-{key}")
    messages.success(request, _("Saved."))
    return _back(report, f"section-{key}")


@login_required
@require_POST
def save_manual(request, pk: int, key: str):
    report = _report(request, pk, WRITE)
    section = get_object_or_404(report.sections, key=key, kind=SectionKind.MANUAL)
    form = forms.manual_form_class(section.data["table"])(request.POST, prefix=key)
    form.is_valid()
    try:
        services.save_manual_values(report, key, form.cleaned_data, actor=request.user)
    except ValidationError as error:
        details = error.message_dict if hasattr(error, "error_dict") else {}
        table = manual.TABLES[section.data["table"]]
        for name, problems in details.items():
            messages.error(request, f"{table.field(name).label}: {' '.join(problems)}")
        if not details:
            return _refused(request, report, error, f"section-{key}")
        return _back(report, f"section-{key}")
    messages.success(request, _("Saved."))
    return _back(report, f"section-{key}")


@login_required
@require_POST
def import_manual(request, pk: int, key: str):
    report = _report(request, pk, WRITE)
    form = forms.ManualImportForm(request.POST, request.FILES)
    if not form.is_valid():
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, problem)
        return _back(report, f"section-{key}")
    try:
        services.import_manual_values(report, key, form.cleaned_data["file"], actor=request.user)
    except ValidationError as error:
        messages.error(request, _("Nothing was imported:"))
        return _refused(request, report, error, f"section-{key}")
    messages.success(request, _("The figures were imported."))
    return _back(report, f"section-{key}")


@login_required
@require_POST
def save_document(request, pk: int):
    report = _report(request, pk, WRITE)
    form = forms.DocumentForm(request.POST)
    if not form.is_valid():
        for name, problems in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            messages.error(request, f"{label}: {' '.join(problems)}")
        return _back(report, "document")
    try:
        services.save_document_fields(report, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        return _refused(request, report, error, "document")
    messages.success(request, _("Saved."))
    return _back(report, "document")


@login_required
@require_POST
def refresh(request, pk: int):
    report = _report(request, pk, WRITE)
    try:
        services.refresh_figures(report, actor=request.user)
    except ValidationError as error:
        return _refused(request, report, error)
    messages.success(request, _("The figures were computed again from today's data."))
    return _back(report)


@login_required
@require_POST
def submit(request, pk: int):
    report = _report(request, pk, SUBMIT)
    warnings = [f for f in validation.validate(report) if not f.is_error]
    form = forms.SubmitForm(request.POST, warnings=warnings)
    form.is_valid()
    try:
        services.submit_report(
            report, actor=request.user, acknowledge=form.cleaned_data.get("acknowledge", [])
        )
    except ValidationError as error:
        messages.error(request, _("The report was not submitted:"))
        return _refused(request, report, error, "submit")
    report.refresh_from_db()
    messages.success(
        request,
        _("Submitted as no. %(number)02d/%(symbol)s.") % {"number": report.number, "symbol": report.symbol},
    )
    return _back(report)


@login_required
@require_POST
def decide(request, pk: int):
    report = _report(request, pk, DECIDE)
    form = forms.DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose accept or return."))
        return _back(report, "decide")
    try:
        if form.cleaned_data["decision"] == "accept":
            services.accept_report(report, actor=request.user, note=form.cleaned_data["comment"])
            messages.success(request, _("The report was accepted."))
        else:
            services.return_report(report, actor=request.user, comment=form.cleaned_data["comment"])
            messages.success(request, _("The report was returned with your comments."))
    except ValidationError as error:
        return _refused(request, report, error, "decide")
    return _back(report)


@login_required
@require_POST
def revise(request, pk: int):
    report = _report(request, pk, SUBMIT)
    form = forms.ReviseForm(request.POST)
    form.is_valid()
    try:
        new = services.revise_report(report, actor=request.user, reason=form.cleaned_data.get("reason", ""))
    except ValidationError as error:
        return _refused(request, report, error, "revise")
    messages.success(request, _("A new version was made; the submitted one is kept."))
    return redirect("reports:detail", pk=new.pk)


@login_required
def download(request, pk: int, file_format: str):
    if file_format not in exports.FORMATS:
        raise Http404
    report = _report(request, pk)
    try:
        content = exports.render(report, file_format)
    except PdfUnavailable as error:
        messages.error(request, str(error))
        return _back(report)
    response = HttpResponse(content, content_type=exports.FORMATS[file_format])
    name = exports.filename(report, report.report_type, report.period, file_format)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# ------------------------------------------------------------------------------------------------ tracker


@login_required
def tracker(request):
    """The units below the current one: who has submitted this report for this period, on time or late, with
    their key figures side by side; each row opens the unit's report."""
    unit = current_unit(request)
    require_perm(request, VIEW, unit)
    initial = {
        "report_type": ReportType.objects.filter(is_active=True).first(),
        "period": _suggested_period(),
    }
    form = forms.TrackerForm(request.GET or None, initial=initial)
    report_type, period = initial["report_type"], initial["period"]
    if request.GET and form.is_valid():
        report_type, period = form.cleaned_data["report_type"], form.cleaned_data["period"]
    rows = services.tracker_rows(unit, report_type, period) if report_type else []
    due = snapshot.due_date(report_type, Period.parse(period)) if report_type else None
    context = {
        "unit": unit,
        "can_write": request.user.has_perm(WRITE, unit),
        "form": form,
        "report_type": report_type,
        "period": period,
        "rows": rows,
        "due": due,
        "submitted": sum(1 for row in rows if row.report is not None and row.report.submitted_at),
    }
    return render(request, "reports/tracker.html", context)


# ------------------------------------------------------------------------------------------------ drill-down


@login_required
def breakdown(request, pk: int, key: str):
    """One figure of a report by the units that report to its unit, each unit's value opening its report and,
    where the pillar has a list of them, the rows behind it."""
    report = _report(request, pk)
    try:
        result = services.figure_breakdown(report, key)
    except LookupError as error:
        raise Http404 from error
    context = {"report": report, "unit": report.unit, "breakdown": result, "figure": result.figure}
    return render(request, "reports/breakdown.html", context)


@login_required
def figure_rows(request, pk: int, key: str, unit_pk: int):
    """The rows behind one unit's value of a figure (the petitions it counts), those the user may see."""
    report = _report(request, pk)
    unit = get_object_or_404(Unit.objects.visible_to(request.user, VIEW), pk=unit_pk)
    try:
        result = services.figure_rows(report, key, unit, user=request.user, own=request.GET.get("own") == "1")
    except LookupError as error:
        raise Http404 from error
    return render(request, "reports/rows.html", {"report": report, "unit": report.unit, "result": result})


# ------------------------------------------------------------------------------------------------ generation


def _job_status(job_id: str) -> str | None:
    try:
        return tasks.generate_reports_job.get_result(job_id).status
    except (TaskResultDoesNotExist, ValidationError, ValueError):
        return None


@login_required
@require_http_methods(["GET", "POST"])
def generate(request):
    """Start writing the reports of every unit below the current one (and its own) as one .zip."""
    unit = current_unit(request)
    require_perm(request, WRITE, unit)
    form = forms.GenerateForm(request.POST or None, initial={"period": _suggested_period()})
    has_units = services.reporting_units(unit).exists()
    supported = tasks.generate_reports_job.get_backend().supports_get_result
    if request.method == "POST" and has_units and supported and form.is_valid():
        arguments = {
            "user_id": request.user.pk,
            "unit_id": unit.pk,
            "report_type_id": form.cleaned_data["report_type"].pk,
            "period": form.cleaned_data["period"],
            "file_format": form.cleaned_data["file_format"],
            "language": translation.get_language() or "vi",
        }
        key = (
            "reports:generate:"
            + hashlib.sha256(json.dumps(sorted(arguments.items())).encode()).hexdigest()[:32]
        )
        earlier = cache.get(key)
        if earlier and _job_status(earlier) in (TaskResultStatus.READY, TaskResultStatus.RUNNING):
            return redirect("reports:generate_job", job_id=earlier)
        result = tasks.generate_reports_job.enqueue(**arguments)
        cache.set(key, str(result.id), 60 * 60)
        return redirect("reports:generate_job", job_id=result.id)
    context = {
        "unit": unit,
        "can_write": True,  # the page itself needs it
        "form": form,
        "has_units": has_units,
        "supported": supported,
        "count": len(jobs.units_of(unit)),
        "keep_days": jobs.KEEP.days,
    }
    return render(request, "reports/generate.html", context)


def _generation_or_404(request, job_id):
    """The generation job `job_id` and its task result, if the user may see the reports of its unit; else 404."""
    try:
        result = tasks.generate_reports_job.get_result(str(job_id))
    except (TaskResultDoesNotExist, ValidationError, ValueError) as error:
        raise Http404 from error
    if result.task.module_path != tasks.generate_reports_job.module_path:
        raise Http404
    unit = Unit.objects.filter(pk=result.kwargs.get("unit_id")).first()
    if unit is None or not request.user.has_perm(VIEW, unit):
        raise Http404
    succeeded = result.status == TaskResultStatus.SUCCESSFUL
    outcome = (result.return_value or {}) if succeeded else {}
    running = result.status == TaskResultStatus.RUNNING
    progress = jobs.read_progress(str(result.id)) if running else None
    percent = None
    if progress and progress.get("total"):
        percent = min(100, int(100 * progress["done"] / progress["total"]))
    finished_at = result.finished_at
    job = {
        "id": str(result.id),
        "unit": unit,
        "report_type": ReportType.objects.filter(pk=result.kwargs.get("report_type_id")).first(),
        "period": result.kwargs.get("period"),
        "file_format": result.kwargs.get("file_format"),
        "requested_by": get_user_model().objects.filter(pk=result.kwargs.get("user_id")).first(),
        "enqueued_at": result.enqueued_at,
        "waiting": result.status == TaskResultStatus.READY,
        "running": running,
        "failed": result.status == TaskResultStatus.FAILED,
        "finished": result.status in (TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL),
        "ready": succeeded and jobs.zip_exists(str(outcome.get("file") or "")),
        "expired": succeeded and not jobs.zip_exists(str(outcome.get("file") or "")),
        "result": outcome,
        "progress": progress,
        "percent": percent,
        "kept_until": finished_at + jobs.KEEP if finished_at else None,
    }
    return job


@login_required
@never_cache
@require_safe
def generate_job(request, job_id):
    """The progress of a generation job; htmx asks again every POLL_SECONDS until it has finished."""
    job = _generation_or_404(request, job_id)
    context = {
        "job": job,
        "unit": job["unit"],
        "poll_seconds": POLL_SECONDS,
        "status_url": reverse("reports:generate_job", args=[job["id"]]),
        "download_url": reverse("reports:generate_download", args=[job["id"]]),
    }
    template = "reports/_generate_progress.html" if request.htmx else "reports/generate_job.html"
    return render(request, template, context)


@login_required
@never_cache
@require_safe
def generate_download(request, job_id):
    job = _generation_or_404(request, job_id)
    if not job["ready"]:
        raise Http404
    response = FileResponse(
        jobs.open_zip(job["result"]["file"]),
        as_attachment=True,
        filename=job["result"].get("filename") or "bao-cao.zip",
        content_type="application/zip",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
