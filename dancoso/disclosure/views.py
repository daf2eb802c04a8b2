"""Staff pages of disclosure (công khai), under /staff/disclosure/ (namespace "disclosure").

- Publications: the unit's list (filters, search), a new item (published at once or kept as a draft, with its
  channels), the item's page with every version, its attachments and postings, and the steps: publish a draft,
  revise (a new version, with what changed), add a posting, confirm a posting (a photo for a notice board),
  record the day a notice was taken down, withdraw with a reason, link to a plan item.
- The yearly disclosure plan of the unit (Art. 14): its lines, which are fulfilled or overdue, approval.
- The quarterly list of what was disclosed (Art. 13.2), generated for a quarter that has ended.
- Internal items (Art. 46, 64) for every member of the unit, whatever the role, residents and workers included:
  `Publication.objects.readable_by(user)`; these pages need no staff permission.

Every list goes through `visible_to(user, permission)` (internal items: `readable_by`; staff see another unit's
internal items only as its members, `staff_visible`); a single row is fetched through it too (404 when out of
scope) and then checked with `user.has_perm(permission, row)` (403 when the role lacks it). Every write is a call to `services`; a refusal is shown next to its field and nothing changes.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from dancoso.accounts.scoping import current_memberships
from dancoso.core.access import current_unit as _current_unit
from dancoso.core.access import require_perm as _require
from dancoso.core.files import serve_attachment
from dancoso.core.models import Attachment
from dancoso.core.paging import Page
from dancoso.core.text import search_key
from dancoso.disclosure import forms, legal, services
from dancoso.disclosure.models import (
    BOARD_CHANNELS,
    Audience,
    Category,
    Channel,
    DisclosurePlan,
    PlanItem,
    Posting,
    Publication,
    PublicationVersion,
    Regime,
)
from dancoso.units.models import Unit

VIEW = "disclosure.view_publication"
PUBLISH = "disclosure.publish"
CONFIRM = "disclosure.confirm_posting"
MANAGE_PLAN = "disclosure.manage_plan"
APPROVE_PLAN = "disclosure.approve_plan"

PER_PAGE = 50
MAX_PAGE = 10_000


# ------------------------------------------------------------------------------------------------ helpers


def apply_service_error(form, error: ValidationError) -> None:
    """Put a service's refusal next to the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def _page_number(request) -> int:
    value = request.GET.get("page", "1")
    return min(int(value), MAX_PAGE) if value.isdigit() and int(value) > 0 else 1


def _page(queryset, number: int) -> Page:
    offset = (number - 1) * PER_PAGE
    rows = list(queryset[offset : offset + PER_PAGE + 1])
    return Page(rows=rows[:PER_PAGE], number=number, has_next=len(rows) > PER_PAGE)


def _filter_query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _own_unit_ids(user) -> list[int]:
    return sorted({membership.unit_id for membership in current_memberships(user)})


def staff_visible(user):
    """The items `user` sees as staff: those of the units where a membership grants `view_publication`, less
    the internal items (Art. 46, 64) of units where the user holds no membership of their own: a membership
    higher up the tree (a province officer) does not open an agency's or an enterprise's internal items."""
    return Publication.objects.visible_to(user, VIEW).filter(
        Q(audience=Audience.PUBLIC) | Q(unit_id__in=_own_unit_ids(user))
    )


def _publication_or_404(request, pk: int) -> Publication:
    publications = staff_visible(request.user).select_related(
        "unit", "category", "current_version", "plan_item__plan"
    )
    return get_object_or_404(publications, pk=pk)


def _posting_or_404(request, pk: int) -> Posting:
    own = Q(publication__audience=Audience.PUBLIC) | Q(unit_id__in=_own_unit_ids(request.user))
    postings = Posting.objects.visible_to(request.user, VIEW).filter(own)
    return get_object_or_404(postings.select_related("publication", "version", "unit"), pk=pk)


def _staff_forbidden(request, unit: Unit):
    """403 for someone who may not see the unit's disclosures as staff, with the way to their unit's internal
    items (a worker or a resident member lands here from the menu)."""
    return render(request, "disclosure/staff/forbidden.html", {"unit": unit}, status=403)


# ------------------------------------------------------------------------------------------------ list


def _filtered(publications, filters: dict):
    if filters["category"] is not None:
        publications = publications.filter(category=filters["category"])
    if filters["state"]:
        publications = publications.filter(state=filters["state"])
    if filters["audience"]:
        publications = publications.filter(audience=filters["audience"])
    if filters["q"]:
        key = search_key(filters["q"])
        publications = publications.filter(
            Q(search_key__contains=key) | Q(code=services.normalize_code(filters["q"]))
        )
    # Drafts (no day disclosed yet) first: they are the work to do; then the latest disclosed.
    return publications.order_by(F("disclosed_on").desc(nulls_first=True), "-pk")


@login_required
@never_cache
def publication_list(request):
    """The publications of the current unit's subtree the user may see. Its queries do not depend on the
    number of rows: session and user, memberships, the categories of the filter, the page."""
    unit = _current_unit(request)
    if not request.user.has_perm(VIEW, unit):
        return _staff_forbidden(request, unit)
    regime = legal.regime_of_unit(unit)
    form = forms.PublicationFilterForm(request.GET or None, regime=regime)
    publications = staff_visible(request.user).in_subtree(unit)
    publications = _filtered(publications, form.filters()).select_related("unit", "category")
    context = {
        "unit": unit,
        "regime": regime,
        "form": form,
        "filtered": any(request.GET.get(name) for name in form.fields),
        "page": _page(publications, _page_number(request)),
        "filters": _filter_query(request),
        "can_publish": regime is not None and request.user.has_perm(PUBLISH, unit),
        "today": timezone.localdate(),
    }
    return render(request, "disclosure/staff/list.html", context)


# ------------------------------------------------------------------------------------------------ create


def _posted_initial(data, names) -> dict:
    return {name: data.get(name) for name in names if data.get(name) not in (None, "")}


def _chosen_category(form, data) -> Category | None:
    value = data.get("category", "")
    if not value.isdigit():
        return None
    return form.fields["category"].queryset.filter(pk=int(value)).first()


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def create(request):
    """A new item of the current unit: published at once (the portal and the channel rows) or kept as a draft.
    "Fill in the channels" (`action=suggest`, also sent by htmx when the category changes) refills the channel
    rows with what the law asks for the category and writes nothing."""
    unit = _current_unit(request)
    _require(request, PUBLISH, unit)
    if legal.regime_of_unit(unit) is None:
        return render(request, "disclosure/staff/create.html", {"unit": unit, "no_regime": True})
    action = request.POST.get("action", "")
    if request.method == "POST" and action == "suggest":
        names = ("category", "decision_date", "title", "document_number", "body", "audience", "period_label")
        form = forms.PublicationForm(
            initial=_posted_initial(request.POST, names), unit=unit, suggest_url=request.path
        )
        decision_date = parse_date(request.POST.get("decision_date", "") or "")
        rows = forms.suggested_postings(_chosen_category(form, request.POST), unit, decision_date)
        formset = forms.PostingFormSet(initial=rows, unit=unit, prefix="postings")
    elif request.method == "POST":
        form = forms.PublicationForm(request.POST, request.FILES, unit=unit, suggest_url=request.path)
        form_ok = form.is_valid()
        decision_date = form.cleaned_data.get("decision_date") if form_ok else None
        formset = forms.PostingFormSet(
            request.POST, unit=unit, decision_date=decision_date, prefix="postings"
        )
        publish = action != "draft"
        if form_ok and (not publish or formset.is_valid()):
            data = form.cleaned_data
            try:
                publication = services.create_publication(
                    unit=unit,
                    category=data["category"],
                    title=data["title"],
                    decision_date=data["decision_date"],
                    actor=request.user,
                    body=data["body"],
                    document_number=data["document_number"],
                    audience=data.get("audience"),
                    attachments=data["attachments"],
                    postings=formset.specs() if publish else (),
                    period_label=data["period_label"],
                    plan_item=data["plan_item"],
                    publish=publish,
                )
            except ValidationError as error:
                apply_service_error(form, error)
            else:
                if publish:
                    message = _("%(code)s was published on the portal.") % {"code": publication.code}
                else:
                    message = _("%(code)s was saved as a draft. Choose its channels when you publish it.") % {
                        "code": publication.code
                    }
                messages.success(request, message)
                return redirect("disclosure:detail", pk=publication.pk)
    else:
        form = forms.PublicationForm(unit=unit, suggest_url=request.path)
        formset = forms.PostingFormSet(
            initial=forms.suggested_postings(None, unit, None), unit=unit, prefix="postings"
        )
    return render(request, "disclosure/staff/create.html", {"unit": unit, "form": form, "formset": formset})


# ------------------------------------------------------------------------------------------------ item page


@dataclass(frozen=True)
class RequirementCheck:
    """One channel the law asks for the item, and whether a posting of any of its versions is planned there for
    long enough (a to-do list for the officer; `compliance` judges what was actually done)."""

    requirement: legal.Requirement
    label: str
    covered: bool
    detail: str


def _requirement_checks(publication: Publication, postings: list[Posting], villages: list[Unit]):
    regime = legal.regime_of_unit(publication.unit)
    if regime is None or publication.state == Publication.State.DRAFT:
        return []
    checks = []
    for requirement in legal.requirements(publication.category, regime, publication.decision_date):
        found = [p for p in postings if p.channel == requirement.channel]

        def long_enough(posting, requirement=requirement) -> bool:
            if requirement.permanent or requirement.min_days is None:
                return True
            last = posting.last_day
            return last is None or legal.days_posted(posting.start_on, last) >= requirement.min_days

        good = [p for p in found if long_enough(p)]
        if requirement.each_village:
            covered_ids = {p.place_id for p in good}
            missing = [v.name for v in villages if v.pk not in covered_ids]
            covered, detail = not missing, ", ".join(missing)
        else:
            covered, detail = bool(good), ""
        checks.append(RequirementCheck(requirement, Channel(requirement.channel).label, covered, detail))
    return checks


@dataclass
class VersionView:
    version: PublicationVersion
    attachments: list
    postings: list


def _versions(publication: Publication) -> list[VersionView]:
    postings = Posting.objects.select_related("place", "confirmed_by", "proof").order_by(
        "start_on", "channel", "pk"
    )
    versions = list(
        publication.versions.select_related("created_by")
        .prefetch_related(Prefetch("postings", queryset=postings))
        .order_by("-number")
    )
    files = defaultdict(list)
    content_type = ContentType.objects.get_for_model(PublicationVersion)
    for file in Attachment.objects.filter(
        content_type=content_type, object_id__in=[str(v.pk) for v in versions]
    ).order_by("pk"):
        files[file.object_id].append(file)
    return [VersionView(v, files[str(v.pk)], list(v.postings.all())) for v in versions]


@dataclass(frozen=True)
class PostingForms:
    confirm: object
    end: object


def _render_detail(request, publication: Publication, *, failed: tuple | None = None):
    """The item's page. `failed` = (step name, its bound form, a posting's pk or None[, the formset]) after a
    refused step: that form is shown open, with its errors, and a summary at the top."""
    user = request.user
    unit = publication.unit
    can_publish = user.has_perm(PUBLISH, publication)
    can_confirm = user.has_perm(CONFIRM, publication)
    failed_name, failed_form, failed_posting = failed[:3] if failed else (None, None, None)

    def form_for(name, factory):
        return failed_form if failed_name == name and failed_posting is None else factory()

    versions = _versions(publication)
    current = versions[0] if versions else None
    regime = legal.regime_of_unit(unit)
    villages = forms.villages_of(unit) if regime == Regime.COMMUNE else []
    is_draft = publication.state == Publication.State.DRAFT
    is_withdrawn = publication.state == Publication.State.WITHDRAWN
    if can_confirm:
        for view in versions:
            for posting in view.postings:
                mine = failed_form if failed_posting == posting.pk else None
                posting.step_forms = PostingForms(
                    mine
                    if failed_name == "confirm" and mine
                    else forms.ConfirmPostingForm(prefix=f"confirm-{posting.pk}"),
                    mine
                    if failed_name == "end" and mine
                    else forms.EndPostingForm(prefix=f"end-{posting.pk}"),
                )
    steps = {}
    if can_publish and is_draft:
        steps["publish"] = form_for(
            "publish", lambda: forms.PublishForm(prefix="publish", initial={"on": timezone.localdate()})
        )
        if failed_name == "publish" and len(failed) > 3:
            steps["publish_postings"] = failed[3]
        else:
            steps["publish_postings"] = forms.PostingFormSet(
                initial=forms.suggested_postings(publication.category, unit, publication.decision_date),
                unit=unit,
                prefix="publish-postings",
            )
    if can_publish and not is_withdrawn:
        steps["revise"] = form_for(
            "revise",
            lambda: forms.ReviseForm(prefix="revise", initial=forms.ReviseForm.initial_from(publication)),
        )
        steps["link_plan"] = form_for(
            "link_plan",
            lambda: forms.LinkPlanForm(
                prefix="plan", unit=unit, initial={"plan_item": publication.plan_item_id}
            ),
        )
        steps["withdraw"] = form_for("withdraw", lambda: forms.WithdrawForm(prefix="withdraw"))
    if can_publish and publication.state == Publication.State.PUBLISHED:
        steps["add_posting"] = form_for(
            "add_posting",
            lambda: forms.PostingForm(
                prefix="posting",
                unit=unit,
                villages=villages,
                channel_required=True,
                initial={"start_on": timezone.localdate()},
            ),
        )
    deadline = None
    if regime is not None:
        deadline = legal.disclosure_deadline(regime, publication.decision_date, unit)
    context = {
        "publication": publication,
        "unit": unit,
        "versions": versions,
        "current": current,
        "checks": _requirement_checks(
            publication, [posting for view in versions for posting in view.postings], villages
        ),
        "deadline": deadline,
        "late": deadline is not None
        and publication.disclosed_on is not None
        and publication.disclosed_on > deadline,
        "today": timezone.localdate(),
        "can_publish": can_publish,
        "can_confirm": can_confirm,
        "steps": steps,
        "failed": failed,
        "failed_form": failed_form,
        "board_channels": BOARD_CHANNELS,
    }
    return render(request, "disclosure/staff/detail.html", context)


@login_required
@never_cache
def detail(request, pk: int):
    publication = _publication_or_404(request, pk)
    _require(request, VIEW, publication)
    return _render_detail(request, publication)


def _done(request, publication: Publication, message: str):
    messages.success(request, message)
    return redirect("disclosure:detail", pk=publication.pk)


def _refused(request, publication_pk: int, name: str, form, posting_pk=None, *extra):
    publication = _publication_or_404(request, publication_pk)
    return _render_detail(request, publication, failed=(name, form, posting_pk, *extra))


def _run(form, call):
    """Call a service once the form is valid; a refusal goes onto the form. True when it was done."""
    if not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except ValidationError as error:
        apply_service_error(form, error)
        return False
    return True


@login_required
@never_cache
@require_POST
def publish(request, pk: int):
    publication = _publication_or_404(request, pk)
    _require(request, PUBLISH, publication)
    form = forms.PublishForm(request.POST, prefix="publish")
    formset = forms.PostingFormSet(
        request.POST,
        unit=publication.unit,
        decision_date=publication.decision_date,
        prefix="publish-postings",
    )
    formset_ok = formset.is_valid()
    if formset_ok and _run(
        form,
        lambda d: services.publish_publication(
            publication, actor=request.user, postings=formset.specs(), on=d["on"]
        ),
    ):
        return _done(request, publication, _("%(code)s was published.") % {"code": publication.code})
    if not formset_ok and not form.errors:
        form.add_error(None, _("Check the channel rows below."))
    return _refused(request, pk, "publish", form, None, formset)


@login_required
@never_cache
@require_POST
def revise(request, pk: int):
    publication = _publication_or_404(request, pk)
    _require(request, PUBLISH, publication)
    form = forms.ReviseForm(request.POST, request.FILES, prefix="revise")
    if _run(
        form,
        lambda d: services.revise_publication(
            publication,
            actor=request.user,
            title=d["title"],
            decision_date=d["decision_date"],
            change_note=d["change_note"],
            body=d["body"],
            document_number=d["document_number"],
            attachments=d["attachments"],
            keep_attachments=d["keep_attachments"],
        ),
    ):
        return _done(
            request, publication, _("A new version of %(code)s was published.") % {"code": publication.code}
        )
    return _refused(request, pk, "revise", form)


@login_required
@never_cache
@require_POST
def add_posting(request, pk: int):
    publication = _publication_or_404(request, pk)
    _require(request, PUBLISH, publication)
    form = forms.PostingForm(request.POST, prefix="posting", unit=publication.unit, channel_required=True)
    form.decision_date = publication.decision_date
    if _run(form, lambda d: services.add_posting(publication, form.spec(), actor=request.user)):
        return _done(request, publication, _("The posting was added. Confirm it once it is done."))
    return _refused(request, pk, "add_posting", form)


@login_required
@never_cache
@require_POST
def withdraw(request, pk: int):
    publication = _publication_or_404(request, pk)
    _require(request, PUBLISH, publication)
    form = forms.WithdrawForm(request.POST, prefix="withdraw")
    if _run(
        form, lambda d: services.withdraw_publication(publication, actor=request.user, reason=d["reason"])
    ):
        return _done(request, publication, _("%(code)s was withdrawn.") % {"code": publication.code})
    return _refused(request, pk, "withdraw", form)


@login_required
@never_cache
@require_POST
def link_plan(request, pk: int):
    publication = _publication_or_404(request, pk)
    _require(request, PUBLISH, publication)
    form = forms.LinkPlanForm(request.POST, prefix="plan", unit=publication.unit)
    if _run(form, lambda d: services.link_plan_item(publication, d["plan_item"], actor=request.user)):
        return _done(request, publication, _("The plan item was saved."))
    return _refused(request, pk, "link_plan", form)


@login_required
@never_cache
@require_POST
def confirm_posting(request, pk: int):
    posting = _posting_or_404(request, pk)
    _require(request, CONFIRM, posting)
    form = forms.ConfirmPostingForm(request.POST, request.FILES, prefix=f"confirm-{posting.pk}")
    if _run(
        form,
        lambda d: services.confirm_posting(posting, actor=request.user, photo=d["photo"], note=d["note"]),
    ):
        return _done(request, posting.publication, _("The posting was confirmed."))
    return _refused(request, posting.publication_id, "confirm", form, posting.pk)


@login_required
@never_cache
@require_POST
def end_posting(request, pk: int):
    posting = _posting_or_404(request, pk)
    _require(request, CONFIRM, posting)
    form = forms.EndPostingForm(request.POST, prefix=f"end-{posting.pk}")
    if _run(
        form,
        lambda d: services.end_posting(
            posting, actor=request.user, taken_down_on=d["taken_down_on"], reason=d["reason"]
        ),
    ):
        return _done(request, posting.publication, _("The day it was taken down was recorded."))
    return _refused(request, posting.publication_id, "end", form, posting.pk)


def _publication_of_file(file: Attachment) -> int | None:
    """The publication a version's attachment or a posting's photo belongs to."""
    model = file.content_type.model_class()
    if model is PublicationVersion:
        rows = PublicationVersion.objects.filter(pk=file.object_id)
    elif model is Posting:
        rows = Posting.objects.filter(pk=file.object_id)
    else:
        return None
    return rows.values_list("publication_id", flat=True).first()


def _file_types():
    return [ContentType.objects.get_for_model(PublicationVersion), ContentType.objects.get_for_model(Posting)]


@login_required
@never_cache
def attachment(request, pk: int):
    """A version's attachment or a posting's photo, after checking that the user may see the item as staff."""
    file = get_object_or_404(
        Attachment.objects.select_related("content_type"), pk=pk, content_type__in=_file_types()
    )
    publication_id = _publication_of_file(file)
    publication = staff_visible(request.user).select_related("unit").filter(pk=publication_id).first()
    if publication is None:
        raise Http404
    _require(request, VIEW, publication)
    return serve_attachment(request, file)


# ------------------------------------------------------------------------------------------------ internal items


def _internal(request):
    return Publication.objects.readable_by(request.user).filter(audience=Audience.INTERNAL)


@login_required
@never_cache
def internal_list(request):
    """Internal items of the units where the user is a member (Art. 46, 64), for every role: a worker, a civil
    servant or a resident member reads them here; a membership higher up the tree does not open them."""
    q = request.GET.get("q", "").strip()[:200]
    publications = _internal(request).select_related("unit", "category")
    if q:
        publications = publications.filter(
            Q(search_key__contains=search_key(q)) | Q(code=services.normalize_code(q))
        )
    publications = publications.order_by(F("disclosed_on").desc(nulls_last=True), "-pk")
    context = {"q": q, "page": _page(publications, _page_number(request)), "filters": _filter_query(request)}
    return render(request, "disclosure/staff/internal_list.html", context)


@login_required
@never_cache
def internal_detail(request, pk: int):
    publication = get_object_or_404(_internal(request).select_related("unit", "category"), pk=pk)
    versions = [view for view in _versions(publication) if view.version.published_at is not None]
    context = {"publication": publication, "versions": versions, "current": versions[0] if versions else None}
    return render(request, "disclosure/staff/internal_detail.html", context)


@login_required
@never_cache
def internal_attachment(request, pk: int):
    """An attachment of a published version of an internal item the user may read."""
    content_type = ContentType.objects.get_for_model(PublicationVersion)
    file = get_object_or_404(Attachment, pk=pk, content_type=content_type)
    version = PublicationVersion.objects.filter(pk=file.object_id, published_at__isnull=False).first()
    if version is None or not _internal(request).filter(pk=version.publication_id).exists():
        raise Http404
    return serve_attachment(request, file)


# ------------------------------------------------------------------------------------------------ plan


def _year(request) -> int:
    value = request.GET.get("year", "")
    year = int(value) if value.isdigit() else timezone.localdate().year
    return year if 2023 <= year <= 2100 else timezone.localdate().year


@dataclass(frozen=True)
class PlanLine:
    item: PlanItem
    publications: list
    status: str  # fulfilled, preparing, overdue, planned

    @property
    def channel_labels(self) -> list[str]:
        return [str(Channel(value).label) for value in self.item.channels if value in Channel.values]


def _plan_lines(plan: DisclosurePlan, today: date) -> list[PlanLine]:
    """Each line with the items linked to it: fulfilled once one is published; overdue when its day has
    passed without one."""
    items = list(plan.items.select_related("category").order_by("due_on", "position", "pk"))
    linked = defaultdict(list)
    for publication in (
        Publication.objects.filter(plan_item__plan=plan)
        .exclude(state=Publication.State.WITHDRAWN)
        .only("pk", "code", "title", "state", "plan_item_id", "disclosed_on")
        .order_by("pk")
    ):
        linked[publication.plan_item_id].append(publication)
    lines = []
    for item in items:
        found = linked[item.pk]
        if any(p.state == Publication.State.PUBLISHED for p in found):
            status = "fulfilled"
        elif item.due_on < today:
            status = "overdue"
        elif found:
            status = "preparing"
        else:
            status = "planned"
        lines.append(PlanLine(item, found, status))
    return lines


def _render_plan(request, unit: Unit, year: int, plan: DisclosurePlan | None, *, failed=None, status=200):
    user = request.user
    regime = legal.regime_of_unit(unit)
    today = timezone.localdate()
    failed_name, failed_form = failed if failed else (None, None)
    lines = _plan_lines(plan, today) if plan else []
    can_manage = regime is not None and user.has_perm(MANAGE_PLAN, unit)
    subtree_plans = []
    if regime is None:
        subtree_plans = list(
            DisclosurePlan.objects.visible_to(user, VIEW)
            .in_subtree(unit)
            .filter(year=year)
            .select_related("unit")
        )
    context = {
        "unit": unit,
        "year": year,
        "years": list(range(max(2023, today.year - 3), today.year + 2)),
        "plan": plan,
        "regime": regime,
        "lines": lines,
        "counts": {
            name: sum(1 for line in lines if line.status == name) for name in ("fulfilled", "overdue")
        },
        "today": today,
        "can_manage": can_manage,
        "can_approve": plan is not None and user.has_perm(APPROVE_PLAN, plan),
        "subtree_plans": subtree_plans,
        "create_form": failed_form
        if failed_name == "create"
        else forms.CreatePlanForm(initial={"year": year}),
        "item_form": failed_form
        if failed_name == "item"
        else (forms.PlanItemForm(prefix="item", regime=regime) if regime else None),
        "approve_form": failed_form
        if failed_name == "approve"
        else forms.ApprovePlanForm(prefix="approve", initial={"approved_on": today}),
        "failed": failed_name,
        "failed_form": failed_form,
    }
    return render(request, "disclosure/staff/plan.html", context, status=status)


@login_required
@never_cache
def plan(request):
    """The current unit's disclosure plan for a year (`?year=`); a unit that makes no plan of its own (a
    province) sees the plans of its units."""
    unit = _current_unit(request)
    _require(request, VIEW, unit)
    year = _year(request)
    found = DisclosurePlan.objects.filter(unit=unit, year=year).select_related("unit", "approved_by").first()
    return _render_plan(request, unit, year, found)


def _plan_or_404(request, pk: int) -> DisclosurePlan:
    plans = DisclosurePlan.objects.visible_to(request.user, VIEW).select_related("unit", "approved_by")
    return get_object_or_404(plans, pk=pk)


@login_required
@never_cache
def plan_detail(request, pk: int):
    found = _plan_or_404(request, pk)
    _require(request, VIEW, found)
    return _render_plan(request, found.unit, found.year, found)


@login_required
@never_cache
@require_POST
def plan_create(request):
    unit = _current_unit(request)
    _require(request, MANAGE_PLAN, unit)
    form = forms.CreatePlanForm(request.POST)
    if _run(form, lambda d: services.create_plan(unit, d["year"], actor=request.user)):
        messages.success(request, _("The plan was started. Add its lines."))
        return redirect(f"{reverse('disclosure:plan')}?year={form.cleaned_data['year']}")
    year = form.cleaned_data.get("year") if form.is_valid() else timezone.localdate().year
    return _render_plan(request, unit, year, None, failed=("create", form))


def _save_item(plan_, form, request, item=None):
    def call(data):
        services.save_plan_item(plan_, actor=request.user, item=item, **data)

    return _run(form, call)


@login_required
@never_cache
@require_POST
def plan_item_add(request, pk: int):
    found = _plan_or_404(request, pk)
    _require(request, MANAGE_PLAN, found)
    form = forms.PlanItemForm(request.POST, prefix="item", regime=legal.regime_of_unit(found.unit))
    if _save_item(found, form, request):
        messages.success(request, _("The line was added to the plan."))
        return redirect("disclosure:plan_detail", pk=found.pk)
    return _render_plan(request, found.unit, found.year, found, failed=("item", form))


def _plan_item_or_404(request, pk: int) -> PlanItem:
    items = PlanItem.objects.visible_to(request.user, VIEW).select_related("plan__unit", "category")
    return get_object_or_404(items, pk=pk)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def plan_item_edit(request, pk: int):
    item = _plan_item_or_404(request, pk)
    _require(request, MANAGE_PLAN, item)
    regime = legal.regime_of_unit(item.plan.unit)
    if request.method == "POST":
        form = forms.PlanItemForm(request.POST, regime=regime)
        if _save_item(item.plan, form, request, item=item):
            messages.success(request, _("The line was saved."))
            return redirect("disclosure:plan_detail", pk=item.plan_id)
    else:
        form = forms.PlanItemForm(regime=regime, initial=forms.PlanItemForm.initial_from(item))
    return render(
        request, "disclosure/staff/plan_item_edit.html", {"item": item, "plan": item.plan, "form": form}
    )


@login_required
@never_cache
@require_POST
def plan_item_remove(request, pk: int):
    item = _plan_item_or_404(request, pk)
    _require(request, MANAGE_PLAN, item)
    plan_id = item.plan_id
    services.remove_plan_item(item, actor=request.user)
    messages.success(request, _("The line was removed from the plan."))
    return redirect("disclosure:plan_detail", pk=plan_id)


@login_required
@never_cache
@require_POST
def plan_approve(request, pk: int):
    found = _plan_or_404(request, pk)
    _require(request, APPROVE_PLAN, found)
    form = forms.ApprovePlanForm(request.POST, prefix="approve")
    if _run(
        form,
        lambda d: services.approve_plan(
            found, actor=request.user, document_number=d["document_number"], approved_on=d["approved_on"]
        ),
    ):
        messages.success(request, _("The plan was approved."))
        return redirect("disclosure:plan_detail", pk=found.pk)
    return _render_plan(request, found.unit, found.year, found, failed=("approve", form))


# ------------------------------------------------------------------------------------------------ quarterly list


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def quarterly(request):
    """The quarterly lists of what the commune disclosed (Art. 13.2), and the form to make one for a quarter
    that has ended (running it again after a late item publishes a new version)."""
    unit = _current_unit(request)
    _require(request, VIEW, unit)
    today = timezone.localdate()
    is_commune = legal.regime_of_unit(unit) == Regime.COMMUNE
    can_publish = is_commune and request.user.has_perm(PUBLISH, unit)
    form = forms.QuarterlyListForm(request.POST or None, today=today)
    if request.method == "POST":
        _require(request, PUBLISH, unit)
        if not is_commune:
            raise PermissionDenied
        if form.is_valid():
            year_quarter = form.year_and_quarter()
            try:
                listed = services.publish_quarterly_list(unit, *year_quarter, actor=request.user)
            except ValidationError as error:
                apply_service_error(form, error)
            else:
                messages.success(
                    request,
                    _("The list of quarter %(quarter)d/%(year)d is published as %(code)s.")
                    % {"quarter": year_quarter[1], "year": year_quarter[0], "code": listed.code},
                )
                return redirect("disclosure:detail", pk=listed.pk)
    lists = list(
        Publication.objects.filter(unit=unit, category__is_quarterly_list=True)
        .select_related("category")
        .order_by("-period_label", "-pk")
    )
    context = {
        "unit": unit,
        "form": form,
        "lists": lists,
        "is_commune": is_commune,
        "can_publish": can_publish,
    }
    return render(request, "disclosure/staff/quarterly.html", context)
