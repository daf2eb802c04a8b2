"""Staff pages of plans, under /staff/plans/ (namespace "plans").

- The plans a user may read (the current unit's and those of the units above it) and a new plan.
- A plan: its indicators (target, value now, progress), its tasks (status, due date), the plans implementing it;
  forms for the plan's staff (indicators, tasks, issue) and for the current unit (its values, its reports).
- An indicator: the value of every target unit within the user's scope, and the current unit's entry.
- A task: each assignee's status and reports, and the current unit's report.
- The dashboard: charts of the indicators per unit, petitions resolved on time by month, disclosure on time per
  unit.

Rows are fetched through `Plan.objects.for_user` (404 out of scope), then checked with `user.has_perm` (403).
Every write is a call to `services`; a refusal is shown and nothing changes."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dancoso.core.access import current_unit, require_perm
from dancoso.core.numbers import percent_vi
from dancoso.core.scoping import scope_for
from dancoso.disclosure import compliance
from dancoso.petitions.stats import petition_stats
from dancoso.plans import charts, forms, services, stats
from dancoso.plans.models import TARGET_KINDS, Indicator, Plan, Task
from dancoso.units.models import Unit

VIEW = "plans.view_plan"
MANAGE = "plans.manage_plan"
ENTER = "plans.enter_value"
REPORT = "plans.report_task"
MONTHS = 12


def _plan(request, pk: int, permission: str = VIEW) -> Plan:
    plan = get_object_or_404(
        Plan.objects.for_user(request.user, VIEW).select_related("unit", "parent", "parent__unit"), pk=pk
    )
    require_perm(request, permission, plan)
    return plan


def _indicator(request, pk: int) -> Indicator:
    indicator = get_object_or_404(
        Indicator.objects.select_related("plan", "plan__unit"),
        pk=pk,
        plan__in=Plan.objects.for_user(request.user, VIEW),
    )
    require_perm(request, VIEW, indicator.plan)
    return indicator


def _task(request, pk: int) -> Task:
    task = get_object_or_404(
        Task.objects.select_related("plan", "plan__unit"),
        pk=pk,
        plan__in=Plan.objects.for_user(request.user, VIEW),
    )
    require_perm(request, VIEW, task.plan)
    return task


def _in_scope(user, units):
    scope = scope_for(user, VIEW)
    return [unit for unit in units if scope.covers(unit.pk, unit.path)]


def _year(request, plan: Plan | None) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    if plan is not None:
        year = max(plan.start_year, min(year, plan.end_year, max(today.year, plan.start_year)))
    return year


def _refuse(form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


def _is_target(unit: Unit, plan: Plan) -> bool:
    return unit.parent_id == plan.unit_id and unit.kind in TARGET_KINDS and unit.is_active


# ------------------------------------------------------------------------------------------------ list


@login_required
@require_http_methods(["GET", "POST"])
def plan_list(request):
    unit = current_unit(request)
    require_perm(request, VIEW, unit)
    can_manage = request.user.has_perm(MANAGE, unit)
    parents = Plan.objects.filter(unit_id=unit.parent_id).exclude(implementations__unit=unit)
    form = forms.PlanForm(request.POST or None, parents=parents if unit.parent_id else None)
    if request.method == "POST":
        require_perm(request, MANAGE, unit)
        if form.is_valid():
            data = dict(form.cleaned_data)
            parent = data.pop("parent", None)
            try:
                plan = services.create_plan(unit, actor=request.user, parent=parent, **data)
            except ValidationError as error:
                _refuse(form, error)
            else:
                messages.success(request, _("The plan was saved."))
                return redirect("plans:detail", pk=plan.pk)
    plans = (
        Plan.objects.for_user(request.user, VIEW)
        .filter(unit__path__in=[*unit.ancestor_paths(), unit.path])
        .select_related("unit", "parent")
        .order_by("unit__depth", "-start_year", "pk")
    )
    context = {"unit": unit, "plans": plans, "form": form, "can_manage": can_manage}
    return render(request, "plans/list.html", context)


# ------------------------------------------------------------------------------------------------ a plan


def _progress_rows(progress):
    return [
        {
            "progress": item,
            "value": stats.value_text(item),
            "target": stats.target_text(item.indicator),
            "percent": round((item.progress or 0) * 100),
            "fill": charts.fill_for(item.progress),
        }
        for item in progress
    ]


@login_required
def detail(request, pk: int):
    plan = _plan(request, pk)
    unit = current_unit(request)
    year = _year(request, plan)
    progress = stats.plan_progress(plan, year)
    tasks = stats.tasks_progress(plan.tasks.all())
    implementations = _in_scope(
        request.user, [p.unit for p in plan.implementations.select_related("unit").order_by("unit__path")]
    )
    implementation_plans = {
        p.unit_id: p
        for p in plan.implementations.select_related("unit").filter(unit__in=[u.pk for u in implementations])
    }
    can_manage = request.user.has_perm(MANAGE, plan)
    context = {
        "plan": plan,
        "unit": unit,
        "year": year,
        "years": range(plan.start_year, plan.end_year + 1),
        "rows": _progress_rows(progress),
        "tasks": tasks,
        "implementations": [implementation_plans[u.pk] for u in implementations],
        "can_manage": can_manage,
        "is_target": _is_target(unit, plan) and request.user.has_perm(ENTER, unit),
        "issue_form": forms.IssueForm(initial={"number": plan.number, "issued_on": plan.issued_on}),
        "indicator_form": forms.IndicatorForm(prefix="indicator"),
        "task_form": forms.TaskForm(prefix="task", plan=plan),
        "target_count": plan.target_units().count(),
    }
    return render(request, "plans/detail.html", context)


@login_required
@require_POST
def issue(request, pk: int):
    plan = _plan(request, pk, MANAGE)
    form = forms.IssueForm(request.POST)
    if form.is_valid():
        try:
            services.update_plan(plan, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The plan was saved."))
    else:
        messages.error(request, _("Check the number and the date."))
    return redirect("plans:detail", pk=plan.pk)


@login_required
@require_POST
def indicator_add(request, pk: int):
    plan = _plan(request, pk, MANAGE)
    form = forms.IndicatorForm(request.POST, prefix="indicator")
    if form.is_valid():
        try:
            services.add_indicator(plan, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The indicator was added."))
    else:
        messages.error(request, _("Check the indicator's fields."))
    return redirect("plans:detail", pk=plan.pk)


@login_required
@require_POST
def task_add(request, pk: int):
    plan = _plan(request, pk, MANAGE)
    form = forms.TaskForm(request.POST, prefix="task", plan=plan)
    if form.is_valid():
        try:
            services.add_task(plan, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The task was added."))
    else:
        messages.error(request, _("Check the task's fields: the text and at least one unit."))
    return redirect("plans:detail", pk=plan.pk)


# ------------------------------------------------------------------------------------------------ an indicator


@login_required
@require_http_methods(["GET", "POST"])
def indicator(request, pk: int):
    indicator = _indicator(request, pk)
    plan = indicator.plan
    unit = current_unit(request)
    year = _year(request, plan)
    can_enter = not indicator.is_computed and _is_target(unit, plan) and request.user.has_perm(ENTER, unit)
    form = None
    if can_enter:
        form = forms.ValueForm(request.POST or None, indicator=indicator, initial={"year": year})
    if request.method == "POST":
        require_perm(request, ENTER, unit)
        if form is None:
            messages.error(request, _("Only the units that carry out the plan enter its indicators."))
            return redirect("plans:indicator", pk=indicator.pk)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.enter_value(
                    indicator,
                    unit,
                    data["year"],
                    actor=request.user,
                    value=data["value"],
                    whole=data.get("whole"),
                    note=data["note"],
                )
            except ValidationError as error:
                _refuse(form, error)
            else:
                messages.success(request, _("The value was saved."))
                return redirect(f"{request.path}?year={data['year']}")
    units = _in_scope(request.user, plan.target_units())
    (progress,) = stats.plan_progress(plan, year, units=units, only=indicator)
    (overall,) = stats.plan_progress(plan, year, only=indicator)
    context = {
        "indicator": indicator,
        "plan": plan,
        "unit": unit,
        "year": year,
        "years": range(plan.start_year, plan.end_year + 1),
        "progress": progress,
        "overall": _progress_rows([overall])[0],
        "form": form,
        "can_snapshot": indicator.is_computed and request.user.has_perm(MANAGE, plan),
    }
    return render(request, "plans/indicator.html", context)


@login_required
@require_POST
def snapshot(request, pk: int):
    indicator = _indicator(request, pk)
    require_perm(request, MANAGE, indicator.plan)
    form = forms.SnapshotForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the year."))
        return redirect("plans:indicator", pk=indicator.pk)
    try:
        kept = services.snapshot_values(indicator, form.cleaned_data["year"], actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The computed values of %(n)s units were kept.") % {"n": kept})
    return redirect(f"{request.path.rsplit('snapshot/', 1)[0]}?year={form.cleaned_data['year']}")


# ------------------------------------------------------------------------------------------------ a task


@login_required
@require_http_methods(["GET", "POST"])
def task(request, pk: int):
    task = _task(request, pk)
    unit = current_unit(request)
    assigned = task.assignees.filter(pk=unit.pk).exists()
    can_report = assigned and request.user.has_perm(REPORT, unit)
    form = None
    if can_report:
        form = forms.TaskReportForm(request.POST or None, initial={"reported_on": timezone.localdate()})
    if request.method == "POST":
        require_perm(request, REPORT, unit)
        if form is None:
            messages.error(request, _("This unit is not assigned this task."))
            return redirect("plans:task", pk=task.pk)
        if form.is_valid():
            try:
                services.report_task(task, unit, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                _refuse(form, error)
            else:
                messages.success(request, _("The report was saved."))
                return redirect("plans:task", pk=task.pk)
    (progress,) = stats.tasks_progress(Task.objects.filter(pk=task.pk))
    scope = scope_for(request.user, VIEW)
    visible = {a.unit.pk for a in progress.assignees if scope.covers(a.unit.pk, a.unit.path)}
    context = {
        "task": task,
        "plan": task.plan,
        "unit": unit,
        "progress": progress,
        "assignees": [a for a in progress.assignees if a.unit.pk in visible],
        "hidden_assignees": len(progress.assignees) - len(visible),
        "reports": [r for r in progress.reports if r.unit_id in visible],
        "form": form,
    }
    return render(request, "plans/task.html", context)


# ------------------------------------------------------------------------------------------------ dashboard


def _month_starts(today: date, count: int) -> list[date]:
    months = []
    year, month = today.year, today.month
    for _i in range(count):
        months.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(months))


def _month_end(start: date) -> date:
    nxt = date(start.year + 1, 1, 1) if start.month == 12 else date(start.year, start.month + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def _petition_chart(unit: Unit, today: date):
    rows = []
    for start in _month_starts(today, MONTHS):
        end = min(_month_end(start), today)
        s = petition_stats(unit, start, end, today=today)
        share = s.resolved_on_time / s.resolved if s.resolved else None
        text = f"{s.resolved_on_time}/{s.resolved} ({percent_vi(share)})" if s.resolved else "—"
        rows.append((f"{start.month}/{start.year % 100:02d}", share, text))
    return charts.column_chart(
        "petitions",
        _("Petitions resolved on time, by month received"),
        _(
            "For each of the last 12 months: of the petitions received that month in %(unit)s and the units "
            "below it and already resolved, the share resolved within the legal time limit."
        )
        % {"unit": unit.name},
        rows,
        _("Resolved on time"),
        _("Month"),
    )


def _dashboard_plan(request, unit: Unit):
    plans = Plan.objects.for_user(request.user, VIEW).filter(
        unit__path__in=[*unit.ancestor_paths(), unit.path], indicators__isnull=False
    )
    plans = list(plans.distinct().select_related("unit").order_by("-unit__depth", "-start_year", "pk"))
    chosen = None
    wanted = request.GET.get("plan")
    if wanted and wanted.isdigit():
        chosen = next((p for p in plans if p.pk == int(wanted)), None)
    return (chosen or (plans[0] if plans else None)), plans


@login_required
def dashboard(request):
    unit = current_unit(request)
    require_perm(request, VIEW, unit)
    today = timezone.localdate()
    plan, plans = _dashboard_plan(request, unit)
    year = _year(request, plan)
    context = {"unit": unit, "plan": plan, "plans": plans, "year": year}
    if plan is not None:
        # The units of the plan this user may see: all of them for the plan's own staff, the unit itself for a
        # unit carrying out the plan of the unit above.
        units = _in_scope(request.user, plan.target_units())
        progress = stats.plan_progress(plan, year, units=units, today=today)
        context["indicator_chart"] = charts.bar_chart(
            "indicators",
            _("Progress of each indicator towards its target"),
            _("For each indicator of the plan in %(year)s: the value reached as a share of its target.")
            % {"year": year},
            [
                (f"{item.indicator.position}. {item.indicator.text}", item.progress, stats.value_text(item))
                for item in progress
            ],
            _("Value"),
        )
        per_unit = stats.by_unit(progress)
        measured = [i for i in progress if not i.is_number]
        rows = []
        for target in units:
            met = sum(1 for v in per_unit.get(target.pk, []) if v.met)
            total = len(measured)
            share = met / total if total else None
            rows.append((target.name, share, f"{met}/{total}"))
        context["unit_chart"] = charts.bar_chart(
            "units",
            _("Indicators met by each unit"),
            _("For each unit carrying out the plan: how many of the plan's indicators it met in %(year)s.")
            % {"year": year},
            rows,
            _("Indicators met"),
        )
        start, end = date(year, 1, 1), min(date(year, 12, 31), today)
        if start <= end:
            results = compliance.compliance_for_units(units, start, end, today=today)
            disclosure_rows = []
            for target in units:
                result = results.get(target.pk)
                if result is None:
                    continue
                judged = len(result.period_items)
                share = result.on_time / judged if judged else None
                text = (
                    f"{result.on_time}/{judged} ({percent_vi(share)})" if judged else _("nothing disclosed")
                )
                disclosure_rows.append((target.name, share, text))
            context["disclosure_chart"] = charts.bar_chart(
                "disclosure",
                _("Disclosure on time, by unit"),
                _(
                    "For each unit: of the items it disclosed in %(year)s, the share disclosed within the legal time."
                )
                % {"year": year},
                disclosure_rows,
                _("On time"),
            )
    context["petition_chart"] = _petition_chart(unit, today)
    return render(request, "plans/dashboard.html", context)
