"""Whole public pages of the disclosure portal, kept for anonymous visitors and dropped when what they show changes.

A commune's portal page, its category pages, its search results, an item's page and the Atom feeds are the same
for every anonymous visitor with the same language: once rendered, a page is kept (in this process, and in the
shared cache when there is one, Redis in production) under a key made of

- the version token of the unit's *tree* (its province; a unit without a parent is its own tree),
- the version token of the categories (`public_views.all_categories`),
- the language, the day, and the page's path with its query string.

Saving or deleting a publication, a version, a posting, a version's file or a unit replaces the token of the
unit's tree once the transaction commits (core.versioned_cache: every process drops its copies, Redis or not),
so a page never outlives a change to what it shows: publishing, revising, withdrawing, a new posting, a renamed
unit. A province's pages show every unit under it, hence one token per tree; a commune's pages are replaced
when another commune of the province publishes, which costs one render. The per-category counts are kept under
the same token (`public_views.summary`). Pages are also dropped after PAGE_SECONDS whatever happens.

Only anonymous GET/HEAD requests without a session or pending messages are served from or stored in the cache,
and only 200 answers are stored. Each page carries the visitor's CSRF token (the language switch is a form):
it is stored with a placeholder, which each request fills with its own token (setting the CSRF cookie as a
render would). Rate limits are counted before the cache is read (see `public_views.search`).
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe
from django.utils.translation import get_language

from dancoso.core.models import Attachment
from dancoso.core.versioned_cache import VersionedCache, versions
from dancoso.disclosure.models import Posting, Publication, PublicationVersion
from dancoso.units.models import PATH_SEGMENT_WIDTH, PATH_SEPARATOR, TEMPORARY_PATH_PREFIX, Unit

PAGE_SECONDS = 600
MAX_PAGES = 500  # in each process: 4–40 KB each (a feed is the largest)
CSRF_HOLE = "dancoso-page-csrf-3f9c1d"
CSRF_PATTERN = re.compile(r'data-csrf-token="([A-Za-z0-9]{32,128})"')
KEPT_HEADERS = ("Content-Type", "Cache-Control", "Vary", "ETag", "Last-Modified", "Content-Language")
ROOT_WIDTH = PATH_SEGMENT_WIDTH + len(PATH_SEPARATOR)

_trees: dict[str, VersionedCache] = {}
_trees_lock = threading.Lock()
_pages: OrderedDict = OrderedDict()
_pages_lock = threading.Lock()
# slug → the unit's tree ("0000000a/"), or None for no such active unit; dropped when a unit is saved.
_unit_roots = VersionedCache("dancoso:disclosure:public-unit-roots", watch=(Unit,))
# Replaced by `migrate` and `flush`, and part of every tree's token: a tree's own cache is one of many (one per
# province) and does not listen to migrations itself.
_epoch = VersionedCache("dancoso:disclosure:public-pages-epoch")


def tree_of(path: str) -> str:
    return path[:ROOT_WIDTH]


def tree_cache(root: str) -> VersionedCache:
    """The version token of one tree (created on first use in each process; the token itself is shared)."""
    found = _trees.get(root)
    if found is None:
        with _trees_lock:
            found = _trees.setdefault(
                root,
                VersionedCache(
                    f"dancoso:disclosure:public-pages:{root.strip(PATH_SEPARATOR)}", bump_on_migrate=False
                ),
            )
    return found


def _tree_token(epoch: str | None, tree: str | None) -> str | None:
    return None if epoch is None or tree is None else f"{epoch}:{tree}"


def tree_version(root: str) -> str | None:
    """The tree's token; None inside a transaction that changed it (then nothing is read or kept)."""
    return _tree_token(*versions(_epoch, tree_cache(root)))


def bump_tree(root: str, using=None) -> None:
    """Drop the tree's pages and counts once the current transaction commits (at once outside one)."""
    transaction.on_commit(tree_cache(root).bump, using=using)


def forget_unit_pages(unit_id: int | None, using=None) -> None:
    if unit_id is None:
        return
    path = Unit.objects.filter(pk=unit_id).values_list("path", flat=True).first()
    if path:
        bump_tree(tree_of(path), using=using)


# ------------------------------------------------------------------------------------------------ signals


def _row_changed(sender, instance, using=None, **kwargs) -> None:
    if type(instance).unit.is_cached(instance) and instance.unit.path:  # the services' rows carry their unit
        bump_tree(tree_of(instance.unit.path), using=using)
    else:
        forget_unit_pages(instance.unit_id, using=using)


def _attachment_changed(sender, instance: Attachment, using=None, **kwargs) -> None:
    if instance.content_type_id != ContentType.objects.get_for_model(PublicationVersion).pk:
        return
    if not str(instance.object_id).isdigit():
        return
    unit_id = (
        PublicationVersion.objects.filter(pk=int(instance.object_id))
        .values_list("unit_id", flat=True)
        .first()
    )
    forget_unit_pages(unit_id, using=using)


def _unit_changed(sender, instance: Unit, using=None, **kwargs) -> None:
    if instance.path and not instance.path.startswith(TEMPORARY_PATH_PREFIX):  # no page has a new unit yet
        bump_tree(tree_of(instance.path), using=using)


for _model in (Publication, PublicationVersion, Posting):
    for _signal in (post_save, post_delete):
        _signal.connect(
            _row_changed, sender=_model, dispatch_uid=f"disclosure.public_cache.{_model.__name__}"
        )
for _signal in (post_save, post_delete):
    _signal.connect(_attachment_changed, sender=Attachment, dispatch_uid="disclosure.public_cache.attachment")
    _signal.connect(_unit_changed, sender=Unit, dispatch_uid="disclosure.public_cache.unit")


# ------------------------------------------------------------------------------------------------ pages


def unit_root(slug: str, version: str | bool | None = False) -> str | None:
    """The tree of the active unit with this address, or None."""

    def build():
        path = Unit.objects.filter(slug=slug, is_active=True).values_list("path", flat=True).first()
        return tree_of(path) if path else ""

    return _unit_roots.get(slug, build, version=version) or None


def cacheable(request) -> bool:
    """An anonymous GET/HEAD without a session or messages: the page is the same for every such visitor."""
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


@dataclass(frozen=True)
class Page:
    status: int
    content: bytes
    headers: tuple[tuple[str, str], ...]
    stored_at: float
    has_csrf: bool


def _shared() -> bool:
    """Whether Django's cache is shared between processes (Redis, memcached, database): worth a second level."""
    return not isinstance(caches["default"], LocMemCache)


_last_roots: dict[str, tuple[str, str]] = {}  # slug → (units token, tree) as last resolved in this process


def _tokens(unit_slug: str) -> tuple[str | None, str | None, str | None]:
    """(tree, tree token, categories token) for a unit's pages. Usually one round trip to a shared cache: the
    unit's tree as resolved last time is asked together with the units' token, and kept if that token is
    still the one it was resolved under (units renamed, moved or deactivated replace it)."""
    from dancoso.disclosure.public_views import _category_table

    guess = _last_roots.get(unit_slug)
    stores = [_unit_roots, _category_table, _epoch] + ([tree_cache(guess[1])] if guess else [])
    units, categories, epoch, *tree = versions(*stores)
    if guess and units is not None and guess[0] == units:
        return guess[1], _tree_token(epoch, tree[0]), categories
    root = unit_root(unit_slug, version=units)
    if root is None:
        return None, None, categories
    if units is not None:
        if len(_last_roots) > MAX_PAGES:
            _last_roots.clear()
        _last_roots[unit_slug] = (units, root)
    return root, tree_version(root), categories


def page_key(request, unit_slug: str) -> str | None:
    """The page's key, or None when it must not be cached (no such unit; uncommitted changes)."""
    root, tree, categories = _tokens(unit_slug)
    if root is None or tree is None or categories is None:
        return None
    raw = "|".join(
        (tree, categories, get_language() or "", timezone.localdate().isoformat(), request.get_full_path())
    )
    return "dancoso:disclosure:page:" + hashlib.sha256(raw.encode()).hexdigest()


def lookup(key: str) -> Page | None:
    with _pages_lock:
        page = _pages.get(key)
        if page is not None:
            _pages.move_to_end(key)
    if page is None and _shared():
        page = cache.get(key)
        if page is not None:
            _remember(key, page)
    if page is not None and time.time() - page.stored_at > PAGE_SECONDS:
        return None
    return page


def _remember(key: str, page: Page) -> None:
    with _pages_lock:
        _pages[key] = page
        _pages.move_to_end(key)
        while len(_pages) > MAX_PAGES:
            _pages.popitem(last=False)


def store(key: str, request, response: HttpResponse) -> None:
    if response.status_code != 200 or response.streaming or response.cookies:
        return
    content = response.content
    has_csrf = False
    found = CSRF_PATTERN.search(content.decode("utf-8", "replace")) if b"data-csrf-token" in content else None
    if found:
        content = content.replace(found.group(1).encode(), CSRF_HOLE.encode())
        has_csrf = True
    if b"csrfmiddlewaretoken" in content and not has_csrf:
        return  # a token this cannot find again: do not keep it
    headers = tuple((name, response[name]) for name in KEPT_HEADERS if response.has_header(name))
    page = Page(response.status_code, content, headers, time.time(), has_csrf)
    _remember(key, page)
    if _shared():
        cache.set(key, page, PAGE_SECONDS)


def respond(request, page: Page) -> HttpResponse:
    headers = dict(page.headers)
    if "ETag" in headers or "Last-Modified" in headers:
        modified = headers.get("Last-Modified")
        not_modified = get_conditional_response(
            request,
            etag=headers.get("ETag"),
            last_modified=parse_http_date_safe(modified) if modified else None,
        )
        if not_modified is not None:
            for name in ("ETag", "Last-Modified", "Cache-Control", "Vary"):
                if name in headers:
                    not_modified[name] = headers[name]
            return not_modified
    content = page.content
    if page.has_csrf:
        content = content.replace(CSRF_HOLE.encode(), get_token(request).encode())
    response = HttpResponse(content, status=page.status)
    for name, value in page.headers:
        response[name] = value
    return response


def forget_pages(**kwargs) -> None:
    """Empty this process's copies (a changed setting; otherwise a new token is what drops pages)."""
    with _pages_lock:
        _pages.clear()
        _last_roots.clear()


setting_changed.connect(forget_pages, dispatch_uid="disclosure.public_cache.settings")


def cached_page(view=None, *, before=None):
    """Serve the view's anonymous answers from the page cache (see the module). `before(request, unit_slug)`
    runs first on every request, hit or miss, and may answer instead (a rate limit)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, unit_slug: str, **kwargs):
            if not cacheable(request):
                return view(request, unit_slug, **kwargs)
            key = page_key(request, unit_slug)
            if key is None:
                return view(request, unit_slug, **kwargs)
            page = lookup(key)
            if page is not None:
                early = before(request, unit_slug) if before else None
                return early if early is not None else respond(request, page)
            response = view(request, unit_slug, **kwargs)
            store(key, request, response)
            return response

        return wrapper

    return decorator(view) if view is not None else decorator
