"""Public pages of reception and petitions under each unit's address (namespace "petitions_public").

Every route starts with the unit's slug and is more specific than the portal's "<slug>/" unit page."""

from django.urls import path

from dancoso.petitions import public_views as views

app_name = "petitions_public"

urlpatterns = [
    path("<slug:unit_slug>/petitions/new/", views.submit, name="submit"),
    path("<slug:unit_slug>/petitions/sent/<slug:code>/", views.sent, name="sent"),
    path("<slug:unit_slug>/petitions/track/", views.track, name="track"),
    path("<slug:unit_slug>/petitions/stats/", views.statistics, name="stats"),
    path("<slug:unit_slug>/reception/", views.reception, name="reception"),
    path("<slug:unit_slug>/reception.ics", views.reception_ics, name="reception_ics"),
]
