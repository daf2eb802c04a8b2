"""The public site's frame (home, a unit's home page) and the staff dashboard."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from dancoso.accounts.middleware import resolve_current_unit
from dancoso.accounts.scoping import current_memberships
from dancoso.core import calendar
from dancoso.core.text import vietnamese_sort_key
from dancoso.petitions import legal
from dancoso.petitions.models import Petition, Visit
from dancoso.units.models import COMMUNE_LEVEL_KINDS, SETTLEMENT_KINDS, Household, Unit, UnitKind


def optional_url(name: str, *args) -> str:
    """The URL named `name`, or "" while the app that serves it is not installed."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@require_safe
def home(request):
    communes = Unit.objects.filter(kind__in=COMMUNE_LEVEL_KINDS, is_active=True).order_by("name")
    provinces = (
        Unit.objects.filter(kind=UnitKind.PROVINCE, is_active=True)
        .order_by("name")
        .prefetch_related(Prefetch("children", queryset=communes, to_attr="communes"))
    )
    provinces = sorted(provinces, key=lambda province: vietnamese_sort_key(province.name))
    for province in provinces:
        province.communes.sort(key=lambda commune: vietnamese_sort_key(commune.name))
    return render(request, "portal/home.html", {"provinces": provinces})


@require_safe
def unit_home(request, unit_slug: str):
    unit = get_object_or_404(Unit, slug=unit_slug, is_active=True)
    children = sorted(unit.children.filter(is_active=True), key=lambda child: vietnamese_sort_key(child.name))
    context = {
        "unit": unit,
        "settlements": [child for child in children if child.kind in SETTLEMENT_KINDS],
        "communes": [child for child in children if child.kind in COMMUNE_LEVEL_KINDS],
        "workplaces": [child for child in children if child.is_workplace],
        "petition_links": petition_links(unit),
    }
    return render(request, "portal/unit_home.html", context)


def petition_links(unit: Unit) -> dict:
    """Where residents send and follow petitions. A village's petitions go to its commune."""
    target = unit.parent if unit.kind in SETTLEMENT_KINDS and unit.parent_id else unit
    names = ("submit", "track", "stats", "reception", "reception_ics")
    links = {name: optional_url(f"petitions_public:{name}", target.slug) for name in names}
    links["unit"] = target
    return links


def unit_figures(user, unit: Unit) -> dict:
    """Counts for the dashboard: settlements under the unit and household rows the user may see there."""
    settlements = Unit.objects.filter(path__startswith=unit.path, kind__in=SETTLEMENT_KINDS, is_active=True)
    figures = settlements.aggregate(
        villages=Count("pk", filter=Q(kind=UnitKind.VILLAGE)),
        residential_groups=Count("pk", filter=Q(kind=UnitKind.RESIDENTIAL_GROUP)),
    )
    if user.has_perm("units.view_household", unit):
        households = Household.objects.visible_to(user, "units.view_household")
        figures["households"] = households.in_subtree(unit).filter(is_active=True).count()
    return figures


def petition_figures(user, unit: Unit) -> dict | None:
    """Open, overdue and due-soon petitions, and visitors waiting for their answer, in the unit's subtree."""
    if not user.has_perm("petitions.view_petition", unit):
        return None
    today = timezone.localdate()
    soon = calendar.add_working_days(today, legal.DUE_SOON_WORKING_DAYS, unit)
    open_petitions = Petition.objects.visible_to(user, "petitions.view_petition").in_subtree(unit).open()
    figures = open_petitions.aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=Q(due_on__lt=today)),
        due_soon=Count("pk", filter=Q(due_on__gte=today, due_on__lte=soon)),
    )
    if user.has_perm("petitions.view_reception", unit):
        visits = Visit.objects.visible_to(user, "petitions.view_reception").in_subtree(unit)
        figures["visits_unanswered"] = visits.filter(answer="").count()
        figures["visits_overdue"] = visits.filter(answer="", answer_due__lt=today).count()
    return figures


@login_required
@require_safe
def dashboard(request):
    # The plain unit, not the lazy `request.current_unit`: rules look up the object's model through type().
    unit = resolve_current_unit(request)
    if not request.user.has_perm("portal.view_dashboard", unit):
        raise PermissionDenied
    context = {
        "figures": unit_figures(request.user, unit) if unit else {},
        "memberships": current_memberships(request.user),
        "household_list_url": optional_url("units:household_list"),
        "can_view_households": unit is not None and request.user.has_perm("units.view_household", unit),
        "petitions": petition_figures(request.user, unit) if unit else None,
        "inbox_url": optional_url("petitions:inbox"),
        "reception_url": optional_url("petitions:reception_book"),
    }
    return render(request, "portal/dashboard.html", context)
