"""Open311 GeoReport v2, mounted at /open311/ (namespace "open311"); the endpoint is /open311/v2/."""

from django.urls import path, re_path

from dancoso.petitions import open311

app_name = "open311"

FORMAT = r"\.(?P<fmt>[A-Za-z0-9]+)$"
SEGMENT = r"[^/.]+"

urlpatterns = [
    path("v2/", open311.root, name="root"),
    re_path(rf"^discovery{FORMAT}", open311.discovery, name="root_discovery"),
    re_path(rf"^v2/discovery{FORMAT}", open311.discovery, name="discovery"),
    re_path(rf"^v2/services{FORMAT}", open311.service_list, name="services"),
    re_path(rf"^v2/services/(?P<service_code>{SEGMENT}){FORMAT}", open311.service_definition, name="service"),
    re_path(rf"^v2/requests{FORMAT}", open311.requests, name="requests"),
    re_path(rf"^v2/requests/(?P<request_id>{SEGMENT}){FORMAT}", open311.service_request, name="request"),
    re_path(rf"^v2/tokens/(?P<token>{SEGMENT}){FORMAT}", open311.token, name="token"),
    re_path(r"^v2/(?P<path>.*)$", open311.not_found, name="not_found"),
]
