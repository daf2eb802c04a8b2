"""Staff pages of disclosure compliance under /staff/disclosure/compliance/ (namespace "disclosure_compliance").

- A commune, ward, special zone, agency or enterprise sees what is wrong for a period, item by item, with a link
  to put it right (the item's page, the plan, the quarterly list, a new item).
- A unit that does not disclose by itself (a province) sees the roll-up: every disclosing unit below it that the
  user may see (the scope of their memberships for `disclosure.view_compliance`), worst first, with its score
  and counts, each opening that unit's page.

Charts are server-rendered inline SVG (no script, no style attribute: CSP) beside their figures in text: a bar
never says anything its label and value do not. Internal items (Art. 46, 64) are named only to members of their
own unit; others see the code and the category. Figures come from `compliance` and `stats`."""

from dataclasses import dataclass
from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from dancoso.accounts.middleware import resolve_current_unit
from dancoso.accounts.scoping import current_memberships
from dancoso.core.scoping import scope_for
from dancoso.disclosure import compliance, legal, stats
from dancoso.disclosure.models import Audience
from dancoso.units.models import SETTLEMENT_KINDS, Unit

VIEW = "disclosure.view_compliance"
PUBLISH = "disclosure.publish"

# ------------------------------------------------------------------------------------------------ periods

PERIODS = (
    ("q1", gettext_lazy("Quarter 1")),
    ("q2", gettext_lazy("Quarter 2")),
    ("q3", gettext_lazy("Quarter 3")),
    ("q4", gettext_lazy("Quarter 4")),
    ("h1", gettext_lazy("First six months")),
    ("h2", gettext_lazy("Last six months")),
    ("year", gettext_lazy("Whole year")),
)
FIRST_YEAR = legal.LAW_IN_FORCE.year


def period_bounds(year: int, period: str) -> tuple[date, date]:
    if period.startswith("q"):
        quarter = int(period[1])
        first = date(year, 3 * quarter - 2, 1)
        last = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
        return first, date.fromordinal(last.toordinal() - 1)
    if period == "h1":
        return date(year, 1, 1), date(year, 6, 30)
    if period == "h2":
        return date(year, 7, 1), date(year, 12, 31)
    return date(year, 1, 1), date(year, 12, 31)


def period_label(year: int, period: str) -> str:
    if period.startswith("q"):
        return _("Quarter %(quarter)s/%(year)s") % {"quarter": period[1], "year": year}
    if period == "h1":
        return _("First six months of %(year)s") % {"year": year}
    if period == "h2":
        return _("Last six months of %(year)s") % {"year": year}
    return _("Year %(year)s") % {"year": year}


class PeriodForm(forms.Form):
    year = forms.TypedChoiceField(label=pgettext_lazy("disclosure compliance", "Year"), coerce=int)
    period = forms.ChoiceField(label=pgettext_lazy("disclosure compliance", "Period"), choices=PERIODS)

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        years = range(today.year, FIRST_YEAR - 1, -1)
        self.fields["year"].choices = [(year, str(year)) for year in years]
        self.fields["year"].error_messages["invalid_choice"] = gettext_lazy("Choose a year from the list.")
        self.fields["period"].error_messages["invalid_choice"] = gettext_lazy(
            "Choose a quarter, a half-year or the whole year."
        )
        self.default = (today.year, f"q{(today.month - 1) // 3 + 1}")
        if not self.is_bound:
            self.initial = {"year": self.default[0], "period": self.default[1]}

    def chosen(self) -> tuple[int, str]:
        if self.is_bound and self.is_valid():
            return self.cleaned_data["year"], self.cleaned_data["period"]
        return self.default


# ------------------------------------------------------------------------------------------------ charts

# Not colour alone: each bar sits beside its label and value, and a score also says its band in words.
FILLS = {"ok": "#1a7f37", "warn": "#9a6700", "bad": "#b42318", "info": "#0b5cad"}
TRACK = "#e4e7ec"
# Presentation only, not the law: how a score is worded.
GOOD, FAIR = 0.9, 0.7


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    percent: str  # "0.0" … "100.0", a plain decimal for the SVG attribute (never localised)
    tone: str
    note: str = ""
    url: str = ""

    @property
    def fill(self) -> str:
        return FILLS[self.tone]


def _percent(value: float) -> str:
    return f"{max(0.0, min(1.0, value)) * 100:.1f}"


def score_band(score: float | None) -> tuple[str, str]:
    """(tone, words) for a score."""
    if score is None:
        return "info", _("Nothing to judge")
    if score >= GOOD:
        return "ok", pgettext("disclosure compliance", "Good")
    if score >= FAIR:
        return "warn", pgettext("disclosure compliance", "Needs improvement")
    return "bad", pgettext("disclosure compliance", "Poor")


def score_text(score: float | None) -> str:
    """95.2% in the active language's notation ("95,2%" in Vietnamese)."""
    if score is None:
        return "—"
    text = number_format(round(score * 100, 1), decimal_pos=1)
    return text[:-2] + "%" if text[-2:] in (",0", ".0") else text + "%"


def score_bar(label: str, score: float | None, url: str = "") -> Bar:
    tone, words = score_band(score)
    return Bar(label, score_text(score), _percent(score or 0.0), tone, note=words, url=url)


def issue_bars(counts: dict[str, int], judged: int) -> list[Bar]:
    """Items with each kind of problem (missing: obligations not met), as a share of what was judged."""
    bars = []
    for kind in compliance.ISSUE_KINDS:
        count = counts.get(kind, 0)
        tone = "warn" if kind in compliance.WARNING_KINDS else "bad"
        share = count / judged if judged else 0.0
        bars.append(Bar(str(compliance.ISSUE_LABELS[kind]), str(count), _percent(share), tone))
    return bars


def channel_bars(figures: stats.DisclosureStats) -> list[Bar]:
    total = figures.disclosed
    return [
        Bar(line.label, str(line.count), _percent(line.count / total if total else 0.0), "info")
        for line in figures.by_channel
        if line.count
    ]


# ------------------------------------------------------------------------------------------------ links


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _query(year: int, period: str) -> str:
    return f"?year={year}&period={period}"


@dataclass(frozen=True)
class ItemRow:
    item: compliance.ItemCompliance
    title: str  # "" for an internal item the user may not read
    url: str


@dataclass(frozen=True)
class MissingRow:
    missing: compliance.Missing
    url: str
    action: str


def _item_rows(items, readable_units: set[int]) -> list[ItemRow]:
    rows = []
    for item in items:
        readable = item.audience != Audience.INTERNAL or item.unit_id in readable_units
        rows.append(
            ItemRow(item, item.title if readable else "", _url("disclosure:detail", item.publication_id))
        )
    return rows


def _missing_rows(result: compliance.UnitCompliance, *, here: bool, can_publish: bool) -> list[MissingRow]:
    """Where to put each missing obligation right. The staff pages that create an item, or the quarterly list,
    work in the current unit: they are offered only when the page is the current unit's."""
    rows = []
    for missing in result.missing:
        url, action = "", ""
        if missing.kind == compliance.MISSING_PLAN and missing.plan_id:
            url, action = _url("disclosure:plan_detail", missing.plan_id), _("Open the plan")
        elif here and can_publish and missing.kind == compliance.MISSING_QUARTERLY:
            url, action = _url("disclosure:quarterly"), _("Publish the list")
        elif here and can_publish:
            url, action = _url("disclosure:create"), _("Disclose it")
        rows.append(MissingRow(missing, url, action))
    return rows


def _breadcrumbs(user, unit: Unit, query: str) -> list[tuple[str, str]]:
    """(name, link) of the units above `unit` whose compliance the user may see."""
    scope = scope_for(user, VIEW)
    above = Unit.objects.filter(path__in=unit.ancestor_paths()).order_by("depth")
    return [
        (ancestor.name, reverse("disclosure_compliance:unit", args=[ancestor.pk]) + query)
        for ancestor in above
        if scope.covers(ancestor.pk, ancestor.path)
    ]


# ------------------------------------------------------------------------------------------------ pages


def _render(request, unit: Unit):
    today = timezone.localdate()
    form = PeriodForm(request.GET or None, today=today)
    year, period = form.chosen()
    start, end = period_bounds(year, period)
    query = _query(year, period)
    context = {
        "unit": unit,
        "form": form,
        "year": year,
        "period": period,
        "period_label": period_label(year, period),
        "start": start,
        "end": end,
        "breadcrumbs": _breadcrumbs(request.user, unit, query),
    }
    if legal.regime_of_unit(unit):
        return _render_unit(request, unit, context, today)
    return _render_rollup(request, unit, context, today, query)


def _render_unit(request, unit: Unit, context: dict, today: date):
    result = compliance.unit_compliance(unit, context["start"], context["end"], today=today)
    figures = stats.summarize([result], context["start"], context["end"])
    readable_units = {membership.unit_id for membership in current_memberships(request.user)}
    here = getattr(resolve_current_unit(request), "pk", None) == unit.pk
    context.update(
        {
            "result": result,
            "figures": figures,
            "sentence": stats.sentence_vi(figures),
            "score_bars": [score_bar(pgettext("disclosure compliance", "Score"), result.score)],
            "issue_bars": issue_bars(result.issue_counts, result.judged),
            "channel_bars": channel_bars(figures),
            "problem_rows": _item_rows(result.items_with_problems, readable_units),
            "good_rows": _item_rows([i for i in result.items if not i.issues], readable_units),
            "missing_rows": _missing_rows(
                result, here=here, can_publish=request.user.has_perm(PUBLISH, unit)
            ),
        }
    )
    return render(request, "disclosure/compliance/unit.html", context)


@dataclass(frozen=True)
class RollupRow:
    result: compliance.UnitCompliance
    bar: Bar


def _render_rollup(request, unit: Unit, context: dict, today: date, query: str):
    result = compliance.rollup(
        unit, context["start"], context["end"], scope=scope_for(request.user, VIEW), today=today
    )
    figures = stats.summarize(result.rows, context["start"], context["end"])
    rows = [
        RollupRow(
            row,
            score_bar(
                row.unit.name, row.score, reverse("disclosure_compliance:unit", args=[row.unit.pk]) + query
            ),
        )
        for row in result.rows
    ]
    judged = sum(row.judged for row in result.rows)
    context.update(
        {
            "rollup": result,
            "rows": rows,
            "figures": figures,
            "sentence": stats.sentence_vi(figures) if result.rows else "",
            "score_bars": [score_bar(_("Score of all units"), result.score)],
            "issue_bars": issue_bars(result.totals, judged),
            "unit_bars": [row.bar for row in rows],
        }
    )
    return render(request, "disclosure/compliance/rollup.html", context)


@login_required
@never_cache
@require_safe
def overview(request):
    """The current unit's compliance (a commune's list, or a province's roll-up)."""
    unit = resolve_current_unit(request)
    if unit is None:
        raise PermissionDenied
    if unit.kind in SETTLEMENT_KINDS and unit.parent_id:
        unit = Unit.objects.get(pk=unit.parent_id)
    if not request.user.has_perm(VIEW, unit):
        raise PermissionDenied
    return _render(request, unit)


@login_required
@never_cache
@require_safe
def unit_page(request, pk: int):
    """One unit's compliance, for a unit within the user's scope (404 otherwise: its existence is not told)."""
    unit = get_object_or_404(Unit.objects.visible_to(request.user, VIEW).filter(is_active=True), pk=pk)
    if unit.kind in SETTLEMENT_KINDS:
        raise Http404
    if not request.user.has_perm(VIEW, unit):
        raise PermissionDenied
    return _render(request, unit)
