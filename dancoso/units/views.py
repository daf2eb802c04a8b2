"""Staff pages: the unit tree, the household list, household forms, import and export.

Every list and export goes through `visible_to(user, permission)`; single objects are fetched through it too
(404 when out of scope) and then checked with `user.has_perm(permission, obj)` (403 when the role lacks it).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Func, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dancoso.core.access import current_unit as _current_unit
from dancoso.core.access import require_perm as _require
from dancoso.core.text import search_key
from dancoso.units import services
from dancoso.units.forms import (
    DeactivateHouseholdForm,
    HouseholdFilterForm,
    HouseholdForm,
    HouseholdImportForm,
)
from dancoso.units.models import SETTLEMENT_KINDS, Household, Unit

HOUSEHOLDS_PER_PAGE = 50
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _villages(user, permission: str, within: Unit):
    return (
        Unit.objects.visible_to(user, permission)
        .subtree(within)
        .filter(kind__in=SETTLEMENT_KINDS, is_active=True)
        .order_by("path")
    )


def _filtered_households(request, permission: str, unit: Unit) -> tuple[HouseholdFilterForm, object]:
    """The households of `unit` the user may see for `permission`, narrowed by the filter form."""
    form = HouseholdFilterForm(request.GET or None, villages=_villages(request.user, permission, unit))
    households = Household.objects.visible_to(request.user, permission).in_subtree(unit)
    if form.is_valid():
        if form.cleaned_data["q"]:
            households = households.filter(search_key__contains=search_key(form.cleaned_data["q"]))
        if form.cleaned_data["village"]:
            households = households.filter(unit=form.cleaned_data["village"])
        if not form.cleaned_data["inactive"]:
            households = households.filter(is_active=True)
    else:
        households = households.filter(is_active=True)
    return form, households


def _household_counts():
    """Active households in the subtree of each unit of the outer query, as one correlated subquery."""
    counted = (
        Household.objects.filter(unit__path__startswith=OuterRef("path"), is_active=True)
        .order_by()
        .annotate(n=Func("pk", function="COUNT"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@login_required
def unit_tree(request, pk: int | None = None):
    if pk is None:
        unit = _current_unit(request)
        _require(request, "units.view_unit", unit)
    else:
        unit = get_object_or_404(Unit.objects.visible_to(request.user, "units.view_unit"), pk=pk)
    visible = Unit.objects.visible_to(request.user, "units.view_unit")
    children = (
        visible.filter(parent=unit)
        .annotate(active_households=_household_counts())
        .order_by("kind", "search_key")
    )
    context = {
        "unit": unit,
        "ancestors": visible.ancestors_of(unit),
        "children": children,
        "unit_households": Unit.objects.filter(pk=unit.pk)
        .annotate(n=_household_counts())
        .values_list("n", flat=True)[0],
    }
    return render(request, "units/unit_tree.html", context)


@login_required
def household_list(request):
    unit = _current_unit(request)
    _require(request, "units.view_household", unit)
    form, households = _filtered_households(request, "units.view_household", unit)
    page = Paginator(households.select_related("unit").order_by("unit__path", "code"), HOUSEHOLDS_PER_PAGE)
    filters = urlencode({k: v for k, v in request.GET.items() if k != "page"})
    context = {
        "unit": unit,
        "form": form,
        "page_obj": page.get_page(request.GET.get("page")),
        "filters": filters,
        "can_change": request.user.has_perm("units.change_household", unit),
        "can_import": unit.is_commune_level and request.user.has_perm("units.import_household", unit),
        "can_export": request.user.has_perm("units.export_household", unit),
    }
    return render(request, "units/household_list.html", context)


@login_required
def household_export(request):
    unit = _current_unit(request)
    _require(request, "units.export_household", unit)
    _form, households = _filtered_households(request, "units.export_household", unit)
    content = services.export_households(households)
    filename = f"ho-gia-dinh-{slugify(search_key(unit.name))}-{timezone.localdate():%Y%m%d}.xlsx"
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def household_import(request):
    unit = _current_unit(request)
    if not unit.is_commune_level:
        return render(request, "units/household_import.html", {"unit": unit, "needs_commune": True})
    _require(request, "units.import_household", unit)
    result = None
    form = HouseholdImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = services.import_households(
            actor=request.user,
            commune=unit,
            file=upload,
            filename=upload.name,
            mode=form.cleaned_data["mode"],
        )
        if result.ok:
            messages.success(
                request,
                _(
                    "Imported “%(file)s”: %(created)d households added, %(updated)d updated, %(unchanged)d unchanged."
                )
                % {
                    "file": upload.name,
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                },
            )
            return redirect("units:household_list")
    return render(request, "units/household_import.html", {"unit": unit, "form": form, "result": result})


def _apply_form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


@login_required
@require_http_methods(["GET", "POST"])
def household_create(request):
    unit = _current_unit(request)
    _require(request, "units.change_household", unit)
    villages = _villages(request.user, "units.change_household", unit)
    form = HouseholdForm(request.POST or None, villages=villages)
    if request.method == "POST" and form.is_valid():
        try:
            household = services.create_household(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_form_errors(form, error)
        else:
            messages.success(request, _("Household %(code)s was added.") % {"code": household.code})
            return redirect("units:household_list")
    return render(request, "units/household_form.html", {"unit": unit, "form": form, "household": None})


@login_required
@require_http_methods(["GET", "POST"])
def household_edit(request, pk: int):
    household = get_object_or_404(
        Household.objects.visible_to(request.user, "units.view_household").select_related("unit"), pk=pk
    )
    _require(request, "units.change_household", household)
    commune = household.unit.parent
    villages = _villages(request.user, "units.change_household", commune)
    form = HouseholdForm(
        request.POST or None, villages=villages, initial=HouseholdForm.initial_from(household)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_household(household, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_form_errors(form, error)
        else:
            messages.success(request, _("Household %(code)s was updated.") % {"code": household.code})
            return redirect("units:household_list")
    context = {
        "unit": household.unit,
        "form": form,
        "household": household,
        "deactivate_form": DeactivateHouseholdForm(),
    }
    return render(request, "units/household_form.html", context)


@login_required
@require_POST
def household_deactivate(request, pk: int):
    household = get_object_or_404(Household.objects.visible_to(request.user, "units.view_household"), pk=pk)
    _require(request, "units.change_household", household)
    form = DeactivateHouseholdForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.deactivate_household(household, actor=request.user, reason=reason)
    messages.success(request, _("Household %(code)s was deactivated.") % {"code": household.code})
    return redirect("units:household_list")


@login_required
@require_POST
def household_reactivate(request, pk: int):
    household = get_object_or_404(Household.objects.visible_to(request.user, "units.view_household"), pk=pk)
    _require(request, "units.change_household", household)
    services.reactivate_household(household, actor=request.user)
    messages.success(request, _("Household %(code)s is active again.") % {"code": household.code})
    return redirect("units:household_list")
