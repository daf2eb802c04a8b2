"""Staff pages of citizen reception (tiếp công dân): the schedule, sessions, the reception book, answers,
import and export.

Lists and exports go through `visible_to(user, permission)` within the current unit's subtree; single objects
are fetched through it too (404 when out of scope) and then checked with `user.has_perm(permission, obj)`
(403 when the role lacks it). Every write calls `reception`. A confidential visitor is shown as “Kept confidential” (Bảo mật);
the identity is read only through `services.reveal_identity`, shown once and never cached.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dancoso.core import calendar
from dancoso.core.access import current_unit as _current_unit
from dancoso.core.access import require_perm as _require
from dancoso.core.text import search_key
from dancoso.petitions import reception, services
from dancoso.petitions.models import ReceptionSchedule, ReceptionSession, Visit
from dancoso.petitions.reception_forms import (
    AnswerForm,
    BookFilterForm,
    EndScheduleForm,
    PetitionFromVisitForm,
    ReceptionImportForm,
    RevealForm,
    ScheduleForm,
    SessionForm,
    VisitCorrectionForm,
    VisitForm,
    apply_service_errors,
)
from dancoso.units.models import Unit

VIEW = "petitions.view_reception"
MANAGE = "petitions.manage_reception"
IMPORT = "petitions.import_reception"
EXPORT = "petitions.export_reception"
REVEAL = "petitions.reveal_identity"
PER_PAGE = 50
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _page(request, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


def _soon(today):
    """Answers due by this day are flagged “due soon” (the reminders go out 3 working days before)."""
    return calendar.add_working_days(today, reception.REMINDER_WORKING_DAYS)


def _filters(request) -> str:
    return urlencode({key: value for key, value in request.GET.items() if key != "page"})


# ------------------------------------------------------------------------------------------------ schedule


def _schedule_of(request, pk: int) -> ReceptionSchedule:
    schedule = get_object_or_404(
        ReceptionSchedule.objects.visible_to(request.user, VIEW).select_related("unit"), pk=pk
    )
    _require(request, MANAGE, schedule)
    return schedule


@login_required
@require_GET
def schedule_list(request):
    unit = _current_unit(request)
    _require(request, VIEW, unit)
    today = timezone.localdate()
    schedules = (
        ReceptionSchedule.objects.visible_to(request.user, VIEW)
        .in_subtree(unit)
        .select_related("unit", "host")
        .order_by("unit__path", "weekday", "start_time")
    )
    context = {
        "unit": unit,
        "current": [s for s in schedules if s.valid_until is None or s.valid_until >= today],
        "ended": [s for s in schedules if s.valid_until is not None and s.valid_until < today],
        "head_ok": reception.weekly_head_reception_ok(unit, today),
        "can_manage": request.user.has_perm(MANAGE, unit),
    }
    return render(request, "petitions/reception/schedule_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def schedule_add(request):
    unit = _current_unit(request)
    _require(request, MANAGE, unit)
    form = ScheduleForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        try:
            reception.add_schedule(unit, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The reception day was added."))
            return redirect("petitions:reception_schedules")
    return render(request, "petitions/reception/schedule_form.html", {"unit": unit, "form": form})


def _render_schedule_edit(request, schedule, form, end_form):
    context = {"unit": schedule.unit, "schedule": schedule, "form": form, "end_form": end_form}
    return render(request, "petitions/reception/schedule_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def schedule_edit(request, pk: int):
    schedule = _schedule_of(request, pk)
    form = ScheduleForm(request.POST or None, unit=schedule.unit, initial=ScheduleForm.initial_from(schedule))
    if request.method == "POST" and form.is_valid():
        try:
            reception.update_schedule(schedule, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The reception day was updated."))
            return redirect("petitions:reception_schedules")
    return _render_schedule_edit(request, schedule, form, EndScheduleForm())


@login_required
@require_POST
def schedule_end(request, pk: int):
    schedule = _schedule_of(request, pk)
    end_form = EndScheduleForm(request.POST)
    if end_form.is_valid():
        try:
            reception.end_schedule(
                schedule, actor=request.user, valid_until=end_form.cleaned_data["valid_until"]
            )
        except ValidationError as error:
            apply_service_errors(end_form, error)
        else:
            messages.success(request, _("The reception day was ended."))
            return redirect("petitions:reception_schedules")
    form = ScheduleForm(unit=schedule.unit, initial=ScheduleForm.initial_from(schedule))
    return _render_schedule_edit(request, schedule, form, end_form)


# ------------------------------------------------------------------------------------------------ sessions


def _session_of(request, pk: int) -> ReceptionSession:
    return get_object_or_404(
        ReceptionSession.objects.visible_to(request.user, VIEW).select_related("unit", "schedule"), pk=pk
    )


@login_required
@require_GET
def session_list(request):
    unit = _current_unit(request)
    _require(request, VIEW, unit)
    sessions = (
        ReceptionSession.objects.visible_to(request.user, VIEW)
        .in_subtree(unit)
        .select_related("unit")
        .annotate(visit_count=Count("visits"), person_count=Sum("visits__persons"))
        .order_by("-date", "-start_time", "-pk")
    )
    context = {
        "unit": unit,
        "page_obj": _page(request, sessions),
        "can_manage": request.user.has_perm(MANAGE, unit),
    }
    return render(request, "petitions/reception/session_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def session_add(request):
    unit = _current_unit(request)
    _require(request, MANAGE, unit)
    initial = {
        "date": timezone.localdate(),
        "kind": ReceptionSession.Kind.REGULAR,
        "mode": ReceptionSession.Mode.IN_PERSON,
    }
    form = SessionForm(request.POST or None, unit=unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            session = reception.open_session(unit, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The reception session was recorded."))
            return redirect("petitions:reception_session_detail", pk=session.pk)
    return render(request, "petitions/reception/session_form.html", {"unit": unit, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request, pk: int):
    session = _session_of(request, pk)
    _require(request, MANAGE, session)
    form = SessionForm(request.POST or None, unit=session.unit, initial=SessionForm.initial_from(session))
    if request.method == "POST" and form.is_valid():
        try:
            reception.update_session(session, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The reception session was updated."))
            return redirect("petitions:reception_session_detail", pk=session.pk)
    context = {"unit": session.unit, "form": form, "session": session}
    return render(request, "petitions/reception/session_form.html", context)


def _book_rows(queryset):
    return queryset.select_related("sector", "petition", "unit").order_by("-date", "-number", "-pk")


@login_required
@require_GET
def session_detail(request, pk: int):
    session = _session_of(request, pk)
    visits = _book_rows(session.visits.all())
    today = timezone.localdate()
    context = {
        "unit": session.unit,
        "session": session,
        "visits": visits,
        "totals": _totals(session.visits.all()),
        "today": today,
        "soon": _soon(today),
        "can_manage": request.user.has_perm(MANAGE, session),
        "notice_shortfall": reception.notice_shortfall(session),
    }
    return render(request, "petitions/reception/session_detail.html", context)


# ------------------------------------------------------------------------------------------------ visits


def _visit_of(request, pk: int) -> Visit:
    return get_object_or_404(
        Visit.objects.visible_to(request.user, VIEW).select_related(
            "unit", "session", "sector", "petition", "created_by", "corrected_by"
        ),
        pk=pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def visit_add(request, session_pk: int):
    session = _session_of(request, session_pk)
    _require(request, MANAGE, session)
    form = VisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            visit = reception.record_visit(session, actor=request.user, **form.service_arguments())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Visit %(ref)s was written in the book; the answer is due by %(date)s.")
                % {"ref": f"{visit.number}/{visit.year}", "date": f"{visit.answer_due:%d/%m/%Y}"},
            )
            return redirect("petitions:reception_visit_detail", pk=visit.pk)
    context = {"unit": session.unit, "session": session, "form": form}
    return render(request, "petitions/reception/visit_form.html", context)


def _render_visit(request, visit: Visit, *, identity=None, **forms):
    user = request.user
    can_manage = user.has_perm(MANAGE, visit)
    can_open_petition = (
        can_manage and visit.petition_id is None and user.has_perm("petitions.handle_petition", visit.unit)
    )
    context = {
        "unit": visit.unit,
        "visit": visit,
        "today": timezone.localdate(),
        "late": reception.is_answer_late(visit),
        "overdue": reception.is_answer_overdue(visit),
        "can_manage": can_manage,
        "answer_form": forms.get("answer_form")
        or (AnswerForm(initial=_answer_initial(visit)) if can_manage else None),
        "petition_form": forms.get("petition_form")
        or (PetitionFromVisitForm() if can_open_petition else None),
        "reveal_form": forms.get("reveal_form")
        or (RevealForm() if visit.is_confidential and user.has_perm(REVEAL, visit) else None),
        "identity": identity,
        "corrections": reception.corrections_of(visit) if visit.corrected_at else [],
    }
    response = render(request, "petitions/reception/visit_detail.html", context)
    if visit.is_confidential:
        add_never_cache_headers(response)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def visit_edit(request, pk: int):
    """Correct an entry of the book, with the reason (`reception.update_visit`). A confidential visitor's
    identity is not put in the form: blank keeps it."""
    visit = _visit_of(request, pk)
    _require(request, MANAGE, visit)
    form = VisitCorrectionForm(
        request.POST or None, visit=visit, initial=VisitCorrectionForm.initial_from(visit)
    )
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        try:
            reception.update_visit(visit, actor=request.user, **arguments)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("Visit %(ref)s was corrected.") % {"ref": f"{visit.number}/{visit.year}"}
            )
            return redirect("petitions:reception_visit_detail", pk=visit.pk)
    context = {"unit": visit.unit, "visit": visit, "session": visit.session, "form": form}
    response = render(request, "petitions/reception/visit_edit.html", context)
    add_never_cache_headers(response)
    return response


def _answer_initial(visit: Visit) -> dict:
    if not visit.answer:
        return {"answered_on": timezone.localdate()}
    return {"answer": visit.answer, "reason": visit.answer_reason, "answered_on": visit.answered_on}


@login_required
@require_GET
def visit_detail(request, pk: int):
    return _render_visit(request, _visit_of(request, pk))


@login_required
@require_POST
def visit_answer(request, pk: int):
    visit = _visit_of(request, pk)
    _require(request, MANAGE, visit)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            reception.answer_visit(visit, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The answer to the visitor was recorded."))
            return redirect("petitions:reception_visit_detail", pk=visit.pk)
    return _render_visit(request, visit, answer_form=form)


@login_required
@require_POST
def visit_petition(request, pk: int):
    visit = _visit_of(request, pk)
    _require(request, MANAGE, visit)
    _require(request, "petitions.handle_petition", visit.unit)
    form = PetitionFromVisitForm(request.POST)
    if form.is_valid():
        try:
            petition = reception.petition_from_visit(
                visit, actor=request.user, title=form.cleaned_data["title"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("Petition %(code)s was opened for this visit.") % {"code": petition.tracking_code}
            )
            return redirect("petitions:reception_visit_detail", pk=visit.pk)
    return _render_visit(request, visit, petition_form=form)


@login_required
@require_POST
def visit_reveal(request, pk: int):
    visit = _visit_of(request, pk)
    _require(request, REVEAL, visit)
    form = RevealForm(request.POST)
    identity = None
    if form.is_valid():
        try:
            identity = services.reveal_identity(visit, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_service_errors(form, error)
    return _render_visit(request, visit, identity=identity, reveal_form=form)


# ------------------------------------------------------------------------------------------------ book


def _filtered_visits(request, permission: str, unit: Unit) -> tuple[BookFilterForm, object]:
    form = BookFilterForm(request.GET or None)
    visits = Visit.objects.visible_to(request.user, permission).in_subtree(unit)
    if not form.is_valid():
        return form, visits
    data = form.cleaned_data
    if data["date_from"]:
        visits = visits.filter(date__gte=data["date_from"])
    if data["date_to"]:
        visits = visits.filter(date__lte=data["date_to"])
    if data["kind"]:
        visits = visits.filter(kind=data["kind"])
    status = data["status"]
    if status in ("pending", "overdue"):
        visits = visits.filter(answer=Visit.Answer.PENDING)
    if status == "overdue":
        visits = visits.filter(answer_due__lt=timezone.localdate())
    if status == "answered":
        visits = visits.exclude(answer=Visit.Answer.PENDING)
    if status == "late":
        visits = visits.filter(answered_on__gt=F("answer_due"))
    return form, visits


def _totals(visits) -> dict:
    """Visits (lượt), persons (người), cases (vụ việc) and groups (đoàn), counted apart as reports do."""
    totals = visits.order_by().aggregate(
        visits=Count("pk"),
        persons=Sum("persons"),
        cases=Count("case_key", distinct=True),
        groups=Count("pk", filter=Q(is_group=True)),
        overdue=Count("pk", filter=Q(answer=Visit.Answer.PENDING, answer_due__lt=timezone.localdate())),
    )
    totals["persons"] = totals["persons"] or 0
    return totals


@login_required
@require_GET
def book(request):
    unit = _current_unit(request)
    _require(request, VIEW, unit)
    form, visits = _filtered_visits(request, VIEW, unit)
    today = timezone.localdate()
    context = {
        "unit": unit,
        "form": form,
        "totals": _totals(visits),
        "page_obj": _page(request, _book_rows(visits)),
        "filters": _filters(request),
        "today": today,
        "soon": _soon(today),
        "can_manage": request.user.has_perm(MANAGE, unit),
        "can_import": request.user.has_perm(IMPORT, unit),
        "can_export": request.user.has_perm(EXPORT, unit),
    }
    return render(request, "petitions/reception/book.html", context)


@login_required
@require_GET
def book_export(request):
    unit = _current_unit(request)
    _require(request, EXPORT, unit)
    _form, visits = _filtered_visits(request, EXPORT, unit)
    content = reception.export_reception_book(visits)
    filename = f"so-tiep-cong-dan-{slugify(search_key(unit.name))}-{timezone.localdate():%Y%m%d}.xlsx"
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def book_import(request):
    unit = _current_unit(request)
    _require(request, IMPORT, unit)
    result = None
    form = ReceptionImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = reception.import_reception_book(unit, upload, actor=request.user, filename=upload.name)
        if result.ok:
            messages.success(
                request,
                _("Imported “%(file)s”: %(visits)d visits in %(sessions)d reception sessions.")
                % {"file": upload.name, "visits": result.visits, "sessions": result.sessions},
            )
            return redirect("petitions:reception_book")
    context = {"unit": unit, "form": form, "result": result}
    return render(request, "petitions/reception/import.html", context)
