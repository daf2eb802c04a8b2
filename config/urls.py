from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from dancoso.core.views import healthz

api_v1 = [
    path("", include("dancoso.units.api_urls")),
    path("", include("dancoso.accounts.api_urls")),
    path("", include("dancoso.petitions.api_urls")),
    path("", include("dancoso.disclosure.api_urls")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: works offline and under the CSP (no ReDoc: it
    # loads web fonts and needs inline styles).
    # Swagger UI sets style attributes from its scripts; scripts stay 'self'-only.
    path(
        "api/docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
    path("accounts/", include("dancoso.accounts.urls")),
    path("staff/units/", include("dancoso.units.urls")),
    path("staff/petitions/", include("dancoso.petitions.urls")),
    path("staff/disclosure/compliance/", include("dancoso.disclosure.compliance_urls")),
    path("staff/disclosure/", include("dancoso.disclosure.urls")),
    path("staff/plans/", include("dancoso.plans.urls")),
    path("staff/reports/", include("dancoso.reports.urls")),
    path("open311/", include("dancoso.petitions.open311_urls")),
    # Public petition pages live under each unit's address (/<unit slug>/petitions/…), before the portal.
    path("", include("dancoso.petitions.public_urls")),
    # Public disclosure pages (/<unit slug>/disclosures/…), also before the portal.
    path("", include("dancoso.disclosure.public_urls")),
    path("", include("dancoso.portal.urls")),
]

handler400 = "dancoso.core.api.handler400"
handler403 = "dancoso.core.api.handler403"
handler404 = "dancoso.core.api.handler404"
handler500 = "dancoso.core.api.handler500"
