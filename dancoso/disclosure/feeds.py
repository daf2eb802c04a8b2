"""Atom feeds of a unit's public disclosures, all of them or one category's (django.contrib.syndication).

The newest FEED_SIZE public items, newest first, each with its title, an excerpt of its content, its category,
the unit as author, the first day it was made known (published) and the time its current version was published
(updated). Internal items, drafts and withdrawn items are never in a feed. A province's feed covers every unit
under it; a village's feed is its commune's (redirect). Feeds carry no cookie and are cached for a few minutes.
"""

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.db.models import F
from django.db.models.functions import Substr
from django.http import Http404, HttpResponseRedirect
from django.template.defaultfilters import linebreaks_filter
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from dancoso.disclosure.models import Publication
from dancoso.disclosure.public_views import _listing, _public_unit, _scope, _with_urls, summary
from dancoso.units.models import SETTLEMENT_KINDS, Unit

FEED_SIZE = 30
EXCERPT = 600
FEED_MAX_AGE = 300


class DisclosureFeed(Feed):
    """/<unit>/disclosures/feed/ and /<unit>/disclosures/<category>/feed/."""

    feed_type = Atom1Feed

    def __call__(self, request, unit_slug: str, category_code: str | None = None):
        unit = _public_unit(unit_slug)
        if unit.kind in SETTLEMENT_KINDS and unit.parent_id:
            parent = Unit.objects.only("slug").get(pk=unit.parent_id)
            kwargs = {"unit_slug": parent.slug}
            if category_code:
                kwargs["category_code"] = category_code
            return HttpResponseRedirect(reverse(request.resolver_match.view_name, kwargs=kwargs))
        response = super().__call__(request, unit_slug=unit_slug, category_code=category_code)
        patch_cache_control(response, public=True, max_age=FEED_MAX_AGE)
        patch_vary_headers(response, ("Cookie",))  # the language chosen by cookie
        return response

    def get_object(self, request, unit_slug: str, category_code: str | None = None):
        scope = _scope(_public_unit(unit_slug))
        category = None
        if category_code:
            category = next((row for row in summary(scope)[1] if row.code == category_code), None)
            if category is None:
                raise Http404
        return scope, category

    # ---------------------------------------------------------------- the feed

    def title(self, obj) -> str:
        scope, category = obj
        if category is not None:
            return _("%(category)s – disclosures of %(unit)s") % {
                "category": category.label,
                "unit": scope.unit.name,
            }
        return _("Disclosures of %(unit)s") % {"unit": scope.unit.name}

    def subtitle(self, obj) -> str:
        scope, _category = obj
        return _(
            "What %(unit)s made public under the Law on Implementation of Grassroots Democracy (10/2022/QH15)."
        ) % {"unit": scope.unit.name}

    def link(self, obj) -> str:
        scope, category = obj
        if category is not None:
            return reverse("disclosure_public:category", args=[scope.unit.slug, category.code])
        return reverse("disclosure_public:index", args=[scope.unit.slug])

    def feed_url(self, obj) -> str:
        scope, category = obj
        if category is not None:
            return reverse("disclosure_public:category_feed", args=[scope.unit.slug, category.code])
        return reverse("disclosure_public:feed", args=[scope.unit.slug])

    def feed_guid(self, obj) -> str:
        return self.link(obj)

    def author_name(self, obj) -> str:
        scope, _category = obj
        return scope.unit.name

    def items(self, obj):
        scope, category = obj
        publications = _listing(scope).annotate(
            excerpt=Substr("current_version__body", 1, EXCERPT + 1),
            version_published_at=F("current_version__published_at"),
        )
        if category is not None:
            publications = publications.filter(category=category)
        return _with_urls(list(publications[:FEED_SIZE]), scope)

    # ---------------------------------------------------------------- each item

    def item_title(self, item: Publication) -> str:
        return item.title

    def item_link(self, item: Publication) -> str:
        return item.public_url

    def item_description(self, item: Publication) -> str:
        excerpt = item.excerpt or ""
        if len(excerpt) > EXCERPT:
            excerpt = excerpt[:EXCERPT].rsplit(" ", 1)[0] + " …"
        lines = [escape(_("Code: %(code)s") % {"code": item.code})]
        if item.document_number:
            lines.append(
                escape(
                    _("Decision %(number)s of %(date)s")
                    % {"number": item.document_number, "date": f"{item.decision_date:%d/%m/%Y}"}
                )
            )
        head = "<p>" + "<br>".join(lines) + "</p>"
        return head + (linebreaks_filter(excerpt, autoescape=True) if excerpt else "")

    def item_pubdate(self, item: Publication) -> datetime | None:
        if item.disclosed_on is None:
            return None
        return timezone.make_aware(datetime.combine(item.disclosed_on, time.min))

    def item_updateddate(self, item: Publication) -> datetime | None:
        return item.version_published_at or self.item_pubdate(item)

    def item_author_name(self, item: Publication) -> str:
        return item.unit.name

    def item_categories(self, item: Publication) -> tuple[str, ...]:
        return (item.category.label,)


unit_feed = DisclosureFeed()
