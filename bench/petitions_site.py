"""URLs of the petitions benchmark: the site's own URLs plus a bare Django JSON view, the baseline that the API
and the inbox are compared with in the same run, through the same middleware stack and the same server."""

import json

from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

BARE_JSON_PATH = "/__bench__/bare-json/"


@csrf_exempt
def bare_json(request):
    """Reads the body (JSON when posted) and answers JSON: no database, no template, no permission check."""
    body = json.loads(request.body) if request.body else {}
    status = 201 if request.method == "POST" else 200
    return JsonResponse({"ok": True, "fields": len(body)}, status=status)


urlpatterns = [
    path(BARE_JSON_PATH.strip("/") + "/", bare_json),
    path("", include("config.urls")),
]
