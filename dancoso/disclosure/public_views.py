"""Public pages of disclosure under each unit's address (/<unit>/disclosures/…): what the unit made public,
by category, full-text search without diacritics, each item with its versions, channels and files, a print
view for notice boards with a QR code, Atom feeds (feeds.py) and the proof check (proof.py).

Only public items are ever shown: `Publication.objects.public()` in lists, search and feeds; an item page also
shows a withdrawn public item as a notice (date and reason, no content). Internal items and drafts are a 404
everywhere. A province's pages cover every unit under it; a village's pages are its commune's (redirect).

Lean on purpose (a benchmark compares them with a bare Django view on 10^5 publications): a constant, small
number of queries per page, orderings an index serves, no per-row query or template include, item URLs built
from one reversed prefix, the per-category counts kept until the unit's tree changes; and the anonymous pages
kept whole until then (public_cache.py). See docs/disclosure.md and docs/bench-disclosure.md.
"""

import copy
import hashlib
import re
from dataclasses import dataclass
from datetime import date
from functools import wraps
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from dancoso.core.files import serve_attachment
from dancoso.core.models import Attachment, LedgerEntry
from dancoso.core.sql_shapes import ShapeCache, Slot
from dancoso.core.text import search_key
from dancoso.core.versioned_cache import VersionedCache
from dancoso.disclosure import legal, proof, public_cache
from dancoso.disclosure.models import Audience, Category, Channel, Posting, Publication, PublicationVersion
from dancoso.disclosure.services import normalize_code
from dancoso.units.models import SETTLEMENT_KINDS, Unit, UnitKind

PAGE_SIZE = 20
LATEST = 10
MAX_QUERY = 100
MAX_TERMS = 6
MIN_TERM = 3  # shorter words are searched together with their neighbour (a trigram needs 3 letters)
HTML_MAX_AGE = 60
PRINT_MAX_AGE = 300
FILE_MAX_AGE = 300
COUNTS_SECONDS = 24 * 3600  # a unit's counts: replaced when its tree's token changes (see summary)
WIDE_COUNTS_SECONDS = 24 * 3600
ETAG_VERSION = "1"  # change with the item template to invalidate the browsers' copies
CODE_PATTERN = re.compile(r"^CK-[2-9A-Z]{4}-[2-9A-Z]{4}$")
CURSOR_PATTERN = re.compile(r"^(\d{4}-\d{2}-\d{2})\.(\d{1,18})$")

# Requests per client address and window (seconds), generous for carriers that put many phones behind one
# address. A deployment may set DISCLOSURE_PUBLIC_RATE_LIMITS = {"proof": (n, seconds), "search": (n, s)}.
DEFAULT_RATE_LIMITS = {"proof": (60, 900), "search": (300, 300)}


# ------------------------------------------------------------------------------------------------ scope


@dataclass(frozen=True)
class Scope:
    """Whose items a page shows: the unit's own, or, for a province, every unit's under it."""

    unit: Unit
    regime: str | None
    wide: bool

    def of(self, publications):
        if self.wide:
            return publications.filter(unit__path__startswith=self.unit.path)
        return publications.filter(unit=self.unit)


def _public_unit(unit_slug: str) -> Unit:
    return get_object_or_404(Unit, slug=unit_slug, is_active=True)


def _scope(unit: Unit) -> Scope:
    return Scope(unit=unit, regime=legal.regime_of_unit(unit), wide=unit.kind == UnitKind.PROVINCE)


def with_scope(view):
    """Resolve the unit and its scope; a village's pages are its commune's (its notice board shows them)."""

    @wraps(view)
    def wrapper(request, unit_slug: str, **kwargs):
        unit = _public_unit(unit_slug)
        if unit.kind in SETTLEMENT_KINDS and unit.parent_id:
            parent = Unit.objects.only("slug").get(pk=unit.parent_id)
            url = reverse(request.resolver_match.view_name, kwargs={"unit_slug": parent.slug, **kwargs})
            query = request.META.get("QUERY_STRING", "")
            return HttpResponseRedirect(f"{url}?{query}" if query else url)
        return view(request, _scope(unit), **kwargs)

    return wrapper


def _cache_briefly(response: HttpResponse, seconds: int = HTML_MAX_AGE) -> HttpResponse:
    """Pages carry the visitor's CSRF token and language: a browser may keep them briefly, a shared cache not."""
    patch_cache_control(response, private=True, max_age=seconds)
    patch_vary_headers(response, ("Cookie",))
    return response


# ------------------------------------------------------------------------------------------------ limits


def _rate_limit(name: str) -> tuple[int, int]:
    return getattr(settings, "DISCLOSURE_PUBLIC_RATE_LIMITS", {}).get(name, DEFAULT_RATE_LIMITS[name])


def _counter_key(request, name: str) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    client = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:24]
    return f"disclosure:public:{name}:{client}"


def _limited(request, name: str) -> bool:
    """Count this request and tell whether the client is over its limit."""
    limit, window = _rate_limit(name)
    key = _counter_key(request, name)
    try:  # one round trip to the cache while the window lasts
        count = cache.incr(key)
    except ValueError:  # the window's first request (the window starts when the counter is added)
        if cache.add(key, 1, window):
            return False
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, window)
            return False
    return count > limit


def _too_many(request, unit: Unit, name: str) -> HttpResponse:
    _limit, window = _rate_limit(name)
    response = render(
        request,
        "disclosure/public/too_many.html",
        {"unit": unit, "minutes": max(1, window // 60)},
        status=429,
    )
    response["Retry-After"] = str(window)
    response["Cache-Control"] = "private, no-store"
    return response


# ------------------------------------------------------------------------------------------------ lists


def _counts_key(unit_id: int) -> str:
    return f"disclosure:public:counts:{unit_id}"


def category_counts(scope: Scope) -> dict[int, int]:
    """Public items per category in the scope (see `summary`)."""
    return summary(scope)[0]


def summary(scope: Scope) -> tuple[dict[int, int], list[Category]]:
    """Public items per category in the scope, and the categories a page lists (the regime's legal list and any
    other category with items), cached together under the version token of the unit's tree (public_cache):
    saving any publication, version or posting of the tree, or a unit, replaces the token once the transaction
    commits, in every process; a category saved replaces `category_version()`. Counting a province's rows reads
    ~10^5 index entries, so it is done once per change, not once per page."""
    tree = public_cache.tree_version(public_cache.tree_of(scope.unit.path))
    categories_version = category_version()
    if tree is None or categories_version is None:  # inside a transaction that changed them: count afresh
        return _summary(scope)
    key = f"{_counts_key(scope.unit.pk)}:{tree}:{categories_version}"
    cached = cache.get(key)
    if cached is None:
        cached = _summary(scope)
        cache.set(key, cached, WIDE_COUNTS_SECONDS if scope.wide else COUNTS_SECONDS)
    return cached


def _summary(scope: Scope) -> tuple[dict[int, int], list[Category]]:
    rows = (
        scope.of(Publication.objects.public())
        .order_by()
        .values("category_id")
        .annotate(count=Count("*"))
        .values_list("category_id", "count")
    )
    counts = dict(rows)
    return counts, _categories(scope, counts)


_category_table = VersionedCache("dancoso:disclosure:public-categories", watch=(Category,))


def category_version() -> str | None:
    """The categories' version token (None inside a transaction that changed them)."""
    return _category_table.version()


def all_categories() -> dict[int, Category]:
    """Every category by id, kept in each process until one is saved (core.versioned_cache): a small table
    read by every list. The instances are shared: copy one before setting anything on it."""
    return _category_table.get(
        "all",
        lambda: {row.pk: row for row in Category.objects.order_by("regime", "position", "number", "pk")},
    )


def _categories(scope: Scope, counts: dict[int, int]) -> list[Category]:
    """The unit's legal list (its regime's active categories) and any other category it has public items in,
    each a copy carrying its count and its page's URL."""
    prefix = reverse("disclosure_public:index", args=[scope.unit.slug])
    categories = []
    for row in all_categories().values():
        if row.pk in counts or (scope.regime and row.regime == scope.regime and row.is_active):
            category = copy.copy(row)
            category.public_count = counts.get(row.pk, 0)
            category.public_url = f"{prefix}{row.code}/"
            categories.append(category)
    return categories


def _listing(scope: Scope, publications=None):
    """Rows for a list, newest first, with their category (and unit, on a province's pages)."""
    publications = Publication.objects.public() if publications is None else publications
    if scope.wide:
        publications = publications.select_related("category", "unit").defer("unit__search_key")
    else:
        publications = publications.select_related("category")
    return scope.of(publications).defer("search_key", "withdrawal_reason").order_by("-disclosed_on", "-pk")


def _url_prefix(name: str, unit_slug: str) -> str:
    """The URL of `name` for a placeholder code, cut before it: rows get their URL without a reverse each."""
    url = reverse(f"disclosure_public:{name}", kwargs={"unit_slug": unit_slug, "code": "CK-0000-0000"})
    return url[: url.index("CK-0000-0000")]


def _with_urls(items: list[Publication], scope: Scope) -> list[Publication]:
    """Each row's URL from one reversed prefix per unit (the scope's unit, unless on a province's pages)."""
    prefixes: dict[str, str] = {}
    for item in items:
        if not scope.wide:
            item.unit = scope.unit
        slug = item.unit.slug
        if slug not in prefixes:
            prefixes[slug] = _url_prefix("item", slug)
        item.public_url = f"{prefixes[slug]}{item.code}/"
    return items


def _cursor(value: str) -> tuple[date, int] | None:
    match = CURSOR_PATTERN.match(value or "")
    if not match:
        return None
    try:
        return date.fromisoformat(match.group(1)), int(match.group(2))
    except ValueError:
        return None


@dataclass(frozen=True)
class ListSpec:
    """Which public items of a scope a list shows: all, one category's, those matching search pieces or a code."""

    category_id: int | None = None
    terms: tuple[str, ...] = ()
    code: str = ""


@dataclass(frozen=True)
class Row:
    """What a list shows of an item: plain values, no model instance."""

    pk: int
    code: str
    title: str
    disclosed_on: date
    document_number: str
    period_label: str
    category: Category | None
    unit_name: str
    public_url: str


ROW_COLUMNS = ("pk", "code", "title", "disclosed_on", "document_number", "period_label", "category_id")
_ROWS_SQL = ShapeCache("disclosure.public.rows")
_SENTINELS = {
    "unit": -900001,
    "category": -900002,
    "pk": -900003,
    "day": date(1001, 1, 1),
    "code": "zz-ck-zz",
}


def _term_sentinel(index: int) -> str:
    return f"zzsentinel{index}zz"


def _rows(scope: Scope, spec: ListSpec, cursor: tuple[date, int] | None, limit: int) -> list[Row]:
    """The rows of a list, newest first, in one query whose SQL is compiled once per shape (core.sql_shapes):
    building and compiling the ORM query costs more than running it."""
    slots = {f"t{index}": Slot(_term_sentinel(index), term) for index, term in enumerate(spec.terms)}
    if not scope.wide:
        slots["unit"] = Slot(_SENTINELS["unit"], scope.unit.pk)
    if spec.category_id is not None:
        slots["category"] = Slot(_SENTINELS["category"], spec.category_id)
    if spec.code:
        slots["code"] = Slot(_SENTINELS["code"], spec.code)
    if cursor is not None:
        slots["day"] = Slot(_SENTINELS["day"], cursor[0])
        slots["pk"] = Slot(_SENTINELS["pk"], cursor[1])
    columns = ROW_COLUMNS + (("unit__name", "unit__slug") if scope.wide else ())

    def build(values: dict):
        publications = Publication.objects.public()
        if scope.wide:
            publications = publications.filter(unit__path__startswith=scope.unit.path)
        else:
            publications = publications.filter(unit_id=values["unit"])
        if "category" in values:
            publications = publications.filter(category_id=values["category"])
        if "code" in values:
            publications = publications.filter(code=values["code"])
        for index in range(len(spec.terms)):
            publications = publications.filter(search_key__contains=values[f"t{index}"])
        if "day" in values:
            publications = publications.filter(
                Q(disclosed_on__lt=values["day"]) | Q(disclosed_on=values["day"], pk__lt=values["pk"])
            )
        ordered = publications.order_by("-disclosed_on", "-pk").values_list(*columns)[:limit]
        return ordered.query.sql_with_params()

    key = ("rows", scope.unit.path if scope.wide else "", tuple(sorted(slots)), limit)
    sql, params = _ROWS_SQL.sql(key=key, build=build, slots=slots)
    with connection.cursor() as db:
        db.execute(sql, params)
        found = db.fetchall()
    return _as_rows(scope, found)


def _as_rows(scope: Scope, found: list[tuple]) -> list[Row]:
    categories = all_categories()
    missing = {row[6] for row in found} - set(categories)
    if missing:  # added since this process read the table (another process's save): read them
        categories = {**categories, **Category.objects.in_bulk(sorted(missing))}
    prefixes: dict[str, str] = {}
    rows = []
    for pk, code, title, disclosed_on, number, period, category_id, *unit in found:
        unit_name, slug = unit if unit else (scope.unit.name, scope.unit.slug)
        if slug not in prefixes:
            prefixes[slug] = _url_prefix("item", slug)
        if isinstance(disclosed_on, str):  # SQLite's cursor gives dates as text
            disclosed_on = date.fromisoformat(disclosed_on)
        rows.append(
            Row(
                pk=pk,
                code=code,
                title=title,
                disclosed_on=disclosed_on,
                document_number=number,
                period_label=period,
                category=categories.get(category_id),
                unit_name=unit_name,
                public_url=f"{prefixes[slug]}{code}/",
            )
        )
    return rows


def _page(scope: Scope, spec: ListSpec, before: str) -> tuple[list[Row], str, bool]:
    """One page of PAGE_SIZE rows, newest first, after the cursor "YYYY-MM-DD.pk" (keyset: no OFFSET, no
    COUNT). Returns the rows, the next page's cursor ("" on the last page) and whether a cursor was used."""
    cursor = _cursor(before)
    rows = _rows(scope, spec, cursor, PAGE_SIZE + 1)
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    following = f"{rows[-1].disclosed_on.isoformat()}.{rows[-1].pk}" if more and rows else ""
    return rows, following, cursor is not None


def _feeds(scope: Scope, category: Category | None = None) -> list[tuple[str, str]]:
    """(URL, title) of the Atom feeds a page advertises."""
    unit = scope.unit
    feeds = [
        (
            reverse("disclosure_public:feed", args=[unit.slug]),
            _("Disclosures of %(unit)s") % {"unit": unit.name},
        )
    ]
    if category is not None:
        feeds.append(
            (
                reverse("disclosure_public:category_feed", args=[unit.slug, category.code]),
                _("%(category)s – %(unit)s") % {"category": category.label, "unit": unit.name},
            )
        )
    return feeds


def _base_context(scope: Scope, **extra) -> dict:
    return {"unit": scope.unit, "scope": scope, **extra}


@require_safe
@public_cache.cached_page
@with_scope
def index(request, scope: Scope):
    counts, categories = summary(scope)
    latest = _rows(scope, ListSpec(), None, LATEST)
    context = _base_context(
        scope,
        categories=categories,
        total=sum(counts.values()),
        latest=latest,
        feeds=_feeds(scope),
    )
    return _cache_briefly(render(request, "disclosure/public/index.html", context))


@require_safe
@public_cache.cached_page
@with_scope
def category(request, scope: Scope, category_code: str):
    counts, categories = summary(scope)
    chosen = next((row for row in categories if row.code == category_code), None)
    if chosen is None:  # another regime's category without items here, or no such category
        raise Http404
    if counts.get(chosen.pk):
        items, following, paged = _page(scope, ListSpec(category_id=chosen.pk), request.GET.get("before", ""))
    else:  # nothing to list: spare the database an ordered scan that would find nothing
        items, following, paged = [], "", False
    context = _base_context(
        scope,
        category=chosen,
        item_count=counts.get(chosen.pk, 0),
        items=items,
        next_cursor=following,
        paged=paged,
        feeds=_feeds(scope, chosen),
    )
    return _cache_briefly(render(request, "disclosure/public/category.html", context))


# ------------------------------------------------------------------------------------------------ search


def search_terms(query: str) -> list[str]:
    """The query as unaccented search-key pieces, each matched as a substring of `Publication.search_key`.
    Words shorter than MIN_TERM letters are kept with their neighbour ("thu chi xa" → "thu chi xa" stays
    one piece only where needed: "ngan sach xa" → ["ngan", "sach xa"]) so each piece has a trigram."""
    pieces: list[str] = []
    for word in search_key(query[:MAX_QUERY]).split():
        if pieces and (len(word) < MIN_TERM or len(pieces[-1]) < MIN_TERM):
            pieces[-1] = f"{pieces[-1]} {word}"
        else:
            pieces.append(word)
    return pieces[:MAX_TERMS]


def search_spec(query: str) -> ListSpec | None:
    """The list a query asks for: its code, or every piece of it (`search_terms`); None for an empty query.
    On PostgreSQL each `search_key LIKE '%…%'` is served by the trigram index of migration 0003."""
    code = normalize_code(query)
    if CODE_PATTERN.match(code):
        return ListSpec(code=code)
    terms = search_terms(query)
    return ListSpec(terms=tuple(terms)) if terms else None


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search for"), max_length=MAX_QUERY, required=False)


def _search_limited(request, unit_slug: str) -> HttpResponse | None:
    """On a page served from the cache: count the search as the view would, and answer 429 when over."""
    query = (request.GET.get("q") or "").strip()[:MAX_QUERY]
    if query and search_spec(query) is not None and _limited(request, "search"):
        return _too_many(request, _public_unit(unit_slug), "search")
    return None


@require_safe
@public_cache.cached_page(before=_search_limited)
@with_scope
def search(request, scope: Scope):
    query = (request.GET.get("q") or "").strip()[:MAX_QUERY]
    form = SearchForm(initial={"q": query})
    spec = search_spec(query) if query else None
    items, following, paged = [], "", False
    if spec is not None:
        if _limited(request, "search"):
            return _too_many(request, scope.unit, "search")
        items, following, paged = _page(scope, spec, request.GET.get("before", ""))
    province = _province_of(scope)
    context = _base_context(
        scope,
        form=form,
        query=query,
        searched=spec is not None,
        items=items,
        next_cursor=following,
        next_query=urlencode({"q": query, "before": following}) if following else "",
        first_query=urlencode({"q": query}),
        paged=paged,
        province=province,
        feeds=_feeds(scope),
    )
    return _cache_briefly(render(request, "disclosure/public/search.html", context))


def _province_of(scope: Scope) -> Unit | None:
    """The province whose units a wider search covers (None on the province's own page)."""
    paths = scope.unit.ancestor_paths()
    if scope.wide or not paths:
        return None
    return (
        Unit.objects.filter(path=paths[0], kind=UnitKind.PROVINCE, is_active=True)
        .only("slug", "name")
        .first()
    )


# ------------------------------------------------------------------------------------------------ items


def _find_item(unit_slug: str, code: str, *, withdrawn: bool) -> Publication:
    """A public item by its code, published (or withdrawn, if `withdrawn`); 404 for anything else. Raises
    `_Moved` with the canonical URL when the address uses another unit or a lower-case code."""
    canonical = normalize_code(code)
    states = [Publication.State.PUBLISHED]
    if withdrawn:
        states.append(Publication.State.WITHDRAWN)
    publication = (
        Publication.objects.filter(code=canonical, audience=Audience.PUBLIC, state__in=states)
        .select_related("unit", "category", "current_version")
        .defer("search_key", "unit__search_key")
        .first()
    )
    if publication is None or not publication.unit.is_active:
        raise Http404
    if publication.unit.slug != unit_slug or canonical != code:
        raise _Moved(publication)
    return publication


class _Moved(Exception):
    def __init__(self, publication: Publication):
        self.publication = publication


def _moved(view_name: str):
    """Answer a non-canonical item address with a permanent redirect to the canonical one."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, unit_slug: str, code: str, **kwargs):
            try:
                return view(request, unit_slug, code, **kwargs)
            except _Moved as moved:
                publication = moved.publication
                args = {"unit_slug": publication.unit.slug, "code": publication.code, **kwargs}
                return HttpResponsePermanentRedirect(reverse(f"disclosure_public:{view_name}", kwargs=args))

        return wrapper

    return decorator


def _last_entry(publication: Publication) -> tuple[int, object] | None:
    """(seq, time) of the newest ledger entry about the item: every change to it or its postings writes one."""
    return (
        LedgerEntry.objects.filter(object_type=proof.PUBLICATION_TYPE, object_id=str(publication.pk))
        .order_by("-seq")
        .values_list("seq", "created_at")
        .first()
    )


def _validators(request, publication: Publication) -> tuple[str, object]:
    marker = _last_entry(publication)
    seq, moment = marker if marker else (0, publication.updated_at)
    signed_in = "1" if request.user.is_authenticated else "0"
    etag = f'W/"{publication.code}-{seq}-{get_language()}-{signed_in}-{ETAG_VERSION}"'
    return etag, moment


def _conditional(request, response: HttpResponse, etag: str, moment) -> HttpResponse:
    response["ETag"] = etag
    if moment is not None:
        response["Last-Modified"] = http_date(moment.timestamp())
    return _cache_briefly(response)


def _version_files(version_ids: list[int]) -> dict[int, list[Attachment]]:
    if not version_ids:
        return {}
    version_type = ContentType.objects.get_for_model(PublicationVersion)
    files: dict[int, list[Attachment]] = {version_id: [] for version_id in version_ids}
    rows = Attachment.objects.filter(
        content_type=version_type, object_id__in=[str(pk) for pk in version_ids]
    ).order_by("pk")
    for attachment in rows.only("pk", "object_id", "original_name", "media_type", "size", "sha256"):
        files[int(attachment.object_id)].append(attachment)
    return files


def _item_context(publication: Publication, version: PublicationVersion | None) -> dict:
    unit = publication.unit
    scope = _scope(unit)
    context = _base_context(scope, item=publication, feeds=_feeds(scope, publication.category))
    if publication.state != Publication.State.PUBLISHED:
        return context
    versions = list(
        PublicationVersion.objects.filter(publication=publication, published_at__isnull=False)
        .order_by("number")
        .only("pk", "number", "title", "change_note", "published_at", "decision_date", "document_number")
    )
    shown = version or publication.current_version
    postings = list(
        Posting.objects.filter(publication=publication)
        .select_related("place")
        .only(
            "channel",
            "place__name",
            "place_text",
            "start_on",
            "end_on",
            "taken_down_on",
            "confirmed_at",
            "version_id",
            "note",
        )
        .order_by("start_on", "channel", "pk")
    )
    numbers = {row.pk: row.number for row in versions}
    for posting in postings:
        posting.version_number = numbers.get(posting.version_id)
        posting.days = legal.days_posted(posting.start_on, posting.last_day) if posting.last_day else None
    files_url = _url_prefix("item", unit.slug) + f"{publication.code}/files/"
    attachments = _version_files([shown.pk]).get(shown.pk, [])
    for attachment in attachments:
        attachment.public_url = f"{files_url}{attachment.pk}/"
    version_url = _url_prefix("item", unit.slug) + f"{publication.code}/v"
    item_url = _url_prefix("item", unit.slug) + f"{publication.code}/"
    for row in versions:
        row.public_url = (
            item_url if row.pk == publication.current_version_id else f"{version_url}{row.number}/"
        )
    newer = next((row for row in versions if row.number > shown.number), None)
    context.update(
        version=shown,
        is_current=shown.pk == publication.current_version_id,
        newer=newer,
        versions=versions,
        attachments=attachments,
        postings=postings,
        item_url=item_url,
    )
    return context


@require_safe
@public_cache.cached_page
@_moved("item")
def item(request, unit_slug: str, code: str):
    publication = _find_item(unit_slug, code, withdrawn=True)
    etag, moment = _validators(request, publication)
    not_modified = get_conditional_response(
        request, etag=etag, last_modified=int(moment.timestamp()) if moment else None
    )
    if not_modified is not None:
        return _conditional(request, not_modified, etag, moment)
    context = _item_context(publication, None)
    template = "disclosure/public/item.html"
    status = 200
    if publication.state == Publication.State.WITHDRAWN:
        template = "disclosure/public/withdrawn.html"
    return _conditional(request, render(request, template, context, status=status), etag, moment)


@require_safe
@_moved("version")
def version(request, unit_slug: str, code: str, number: int):
    publication = _find_item(unit_slug, code, withdrawn=False)
    if number == publication.current_version.number:
        return HttpResponseRedirect(reverse("disclosure_public:item", args=[unit_slug, code]))
    shown = get_object_or_404(
        PublicationVersion.objects.filter(publication=publication, published_at__isnull=False), number=number
    )
    etag, moment = _validators(request, publication)
    etag = etag.replace(f"{publication.code}-", f"{publication.code}-v{number}-", 1)
    not_modified = get_conditional_response(
        request, etag=etag, last_modified=int(moment.timestamp()) if moment else None
    )
    if not_modified is not None:
        return _conditional(request, not_modified, etag, moment)
    context = _item_context(publication, shown)
    return _conditional(request, render(request, "disclosure/public/item.html", context), etag, moment)


@require_safe
@_moved("attachment")
def attachment(request, unit_slug: str, code: str, file_id: int):
    """A file of a version of a public item: only while the item is published for the public."""
    publication = _find_item(unit_slug, code, withdrawn=False)
    version_type = ContentType.objects.get_for_model(PublicationVersion)
    found = get_object_or_404(Attachment, pk=file_id, content_type=version_type)
    if (
        not found.object_id.isdigit()
        or not PublicationVersion.objects.filter(
            pk=int(found.object_id), publication=publication, published_at__isnull=False
        ).exists()
    ):
        raise Http404
    try:
        response = serve_attachment(request, found)
    except FileNotFoundError as missing:
        raise Http404 from missing
    response["Cache-Control"] = f"public, max-age={FILE_MAX_AGE}"
    return response


def qr_svg(url: str, title: str) -> str:
    """The item's address as an inline SVG QR code (segno, error correction M: survives a creased notice)."""
    return segno.make(url, error="m").svg_inline(
        scale=4, border=4, dark="#000", light="#fff", title=title, svgclass="qr", omitsize=True
    )


@require_safe
@_moved("print")
def print_view(request, unit_slug: str, code: str):
    """The item for a notice board: A4, large type, its address as a QR code and the ledger proof."""
    publication = _find_item(unit_slug, code, withdrawn=False)
    context = _item_context(publication, None)
    item_url = request.build_absolute_uri(context["item_url"])
    entries = (
        LedgerEntry.objects.filter(
            object_type=proof.PUBLICATION_TYPE,
            object_id=str(publication.pk),
            action="disclosure.published",
        )
        .order_by("seq")
        .only("seq", "hash", "created_at", "payload")
    )
    number = context["version"].number
    published = next((row for row in entries if row.payload.get("version") == number), None)
    boards = [
        posting
        for posting in context["postings"]
        if posting.channel in (Channel.SEAT_BOARD, Channel.VILLAGE_BOARD)
        and posting.version_id == context["version"].pk
    ]
    context.update(
        absolute_url=item_url,
        qr=qr_svg(item_url, str(_("Address of this notice on the portal"))),
        published_entry=published,
        boards=boards,
        printed_on=timezone.localdate(),
        proof_url=request.build_absolute_uri(reverse("disclosure_public:proof", args=[unit_slug]))
        + "?"
        + urlencode({"code": publication.code}),
    )
    response = render(request, "disclosure/public/print.html", context)
    patch_cache_control(response, public=True, max_age=PRINT_MAX_AGE)
    patch_vary_headers(response, ("Cookie",))
    return response


# ------------------------------------------------------------------------------------------------ proof


class ProofForm(forms.Form):
    code = forms.CharField(
        label=_("Code of the item"),
        max_length=30,
        required=False,
        help_text=_("As printed on the notice, e.g. CK-7K3D-QXM2."),
    )
    document = forms.FileField(
        label=_("Or the document itself"),
        required=False,
        help_text=_("It is not kept: only its SHA-256 fingerprint is computed and compared."),
    )
    sha256 = forms.CharField(
        label=_("Or its SHA-256 fingerprint"),
        max_length=64,
        required=False,
        help_text=_("64 characters 0–9 and a–f."),
    )
    since = forms.DateField(
        label=_("Published unchanged since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text=_("Optional: the date you want checked."),
    )

    def clean_code(self) -> str:
        value = self.cleaned_data.get("code", "").strip()
        if value and not CODE_PATTERN.match(normalize_code(value)):
            raise forms.ValidationError(_("A code looks like CK-7K3D-QXM2: check what you typed."))
        return normalize_code(value) if value else ""

    def clean_sha256(self) -> str:
        value = self.cleaned_data.get("sha256", "").strip().lower()
        if value and not proof.is_sha256(value):
            raise forms.ValidationError(
                _("A SHA-256 fingerprint has 64 characters, digits 0–9 and letters a–f.")
            )
        return value

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document is not None and document.size > settings.ATTACHMENT_MAX_BYTES:
            # Nothing larger can have been attached to a publication (core.files' limit).
            raise forms.ValidationError(_("No published document is that large."))
        return document

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("code") or data.get("sha256") or data.get("document")):
            raise forms.ValidationError(_("Give the code of the item, or the document, or its fingerprint."))
        if data.get("since") and data["since"] > timezone.localdate():
            self.add_error("since", _("The date cannot be in the future."))
        return data

    def fingerprint(self) -> str:
        document = self.cleaned_data.get("document")
        return (
            proof.sha256_of_upload(document) if document is not None else self.cleaned_data.get("sha256", "")
        )


@require_http_methods(["GET", "HEAD", "POST"])
@with_scope
def proof_check(request, scope: Scope):
    asked = request.method == "POST" or any(request.GET.get(key) for key in ("code", "sha256"))
    form = ProofForm(request.POST or request.GET, request.FILES) if asked else ProofForm()
    report = None
    if asked and form.is_valid():
        if _limited(request, "proof"):
            return _too_many(request, scope.unit, "proof")
        report = proof.check(
            publications=scope.of(Publication.objects.all()),
            code=form.cleaned_data["code"],
            sha256=form.fingerprint(),
            since=form.cleaned_data.get("since"),
        )
        item_prefixes: dict[str, str] = {}
        for match in report.matches:
            slug = match.publication.unit.slug
            item_prefixes.setdefault(slug, _url_prefix("item", slug))
            match.publication.public_url = f"{item_prefixes[slug]}{match.publication.code}/"
    context = _base_context(scope, form=form, report=report, feeds=_feeds(scope))
    response = render(request, "disclosure/public/proof.html", context)
    response["Cache-Control"] = "private, no-store"
    return response
