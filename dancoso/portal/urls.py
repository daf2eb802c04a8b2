from django.urls import path

from dancoso.portal import views
from dancoso.units.models import RESERVED_SLUGS  # noqa: F401  (units refuses these slugs)

app_name = "portal"

# Unit pages live at the top level ("/an-khanh/"), so unit slugs must never equal a top-level path segment:
# see RESERVED_SLUGS and tests/test_reserved_slugs.py.
urlpatterns = [
    path("", views.home, name="home"),
    path("staff/", views.dashboard, name="dashboard"),
    path("<slug:unit_slug>/", views.unit_home, name="unit_home"),
]
