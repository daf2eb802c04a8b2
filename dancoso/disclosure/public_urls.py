"""Public disclosure pages under each unit's address (namespace "disclosure_public").

Every route starts with the unit's slug and is more specific than the portal's "<slug>/" unit page. The fixed
segments (search, proof, feed, item) come before "<category_code>/": a category code never takes them."""

from django.urls import path

from dancoso.disclosure import public_views as views
from dancoso.disclosure.feeds import unit_feed as feed_view
from dancoso.disclosure.public_cache import cached_page

unit_feed = cached_page(feed_view)

app_name = "disclosure_public"

urlpatterns = [
    path("<slug:unit_slug>/disclosures/", views.index, name="index"),
    path("<slug:unit_slug>/disclosures/search/", views.search, name="search"),
    path("<slug:unit_slug>/disclosures/proof/", views.proof_check, name="proof"),
    path("<slug:unit_slug>/disclosures/feed/", unit_feed, name="feed"),
    path("<slug:unit_slug>/disclosures/item/<slug:code>/", views.item, name="item"),
    path("<slug:unit_slug>/disclosures/item/<slug:code>/v<int:number>/", views.version, name="version"),
    path("<slug:unit_slug>/disclosures/item/<slug:code>/print/", views.print_view, name="print"),
    path(
        "<slug:unit_slug>/disclosures/item/<slug:code>/files/<int:file_id>/",
        views.attachment,
        name="attachment",
    ),
    path("<slug:unit_slug>/disclosures/<slug:category_code>/", views.category, name="category"),
    path("<slug:unit_slug>/disclosures/<slug:category_code>/feed/", unit_feed, name="category_feed"),
]
