"""OpenAPI 3 at /api/schema/, interactive docs at /api/docs/ that work offline (local assets, strict CSP)."""

import json
import re

import pytest
import yaml
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from dancoso.core import api

pytestmark = pytest.mark.django_db

EXTERNAL_URL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
ASSET_URL = re.compile(r"""<(?:script|link)[^>]*(?:src|href)="([^"]+)\"""", re.IGNORECASE)


def test_schema_is_valid_openapi_3(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert str(schema["openapi"]).startswith("3.")
    assert schema["info"]["title"]
    validate_schema(schema)  # against the OpenAPI 3 JSON schema shipped with drf-spectacular


def test_schema_is_also_served_as_json(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert json.loads(response.content)["openapi"].startswith("3.")


def test_schema_paths_are_under_api_v1(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    assert all(path.startswith("/api/v1/") for path in schema["paths"])


def test_docs_page_uses_only_local_assets_and_no_inline_script(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert not EXTERNAL_URL.search(html), "the docs page must work offline"
    assert not INLINE_SCRIPT.search(html), "inline <script> is blocked by the CSP"
    assets = ASSET_URL.findall(html)
    assert any(url.endswith("swagger-ui-bundle.js") for url in assets)
    for url in assets:
        assert client.get(url).status_code == 200, f"{url} is not served locally"


def test_docs_start_up_script_is_local_and_skips_the_online_validator(client):
    html = client.get("/api/docs/").content.decode()
    [script_url] = [u for u in ASSET_URL.findall(html) if "script" in u and "swagger-ui" not in u]
    response = client.get(script_url.replace("&amp;", "&"))
    assert response.status_code == 200
    script = response.content.decode()
    assert "SwaggerUIBundle" in script
    assert '"validatorUrl": null' in script, "Swagger UI would fetch its badge from validator.swagger.io"


def test_error_component_matches_the_error_serializer():
    """The component the hook adds by hand equals what drf-spectacular derives from ErrorSerializer."""
    generator = SchemaGenerator(urlconf="dancoso.core.tests.api_test_urls")
    schema = generator.get_schema(request=None, public=True)
    conflict = schema["paths"]["/api/test/conflict/"]["post"]["responses"]["409"]
    assert conflict["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert schema["components"]["schemas"]["Error"] == api.ERROR_SCHEMA


def test_hook_documents_errors_on_every_operation():
    generator = SchemaGenerator(urlconf="dancoso.core.tests.api_test_urls")
    schema = generator.get_schema(request=None, public=True)
    schema = api.document_error_responses(schema, generator, None, True)
    validate_schema(schema)
    post = schema["paths"]["/api/test/validate/"]["post"]["responses"]
    assert {"400", "404", "415", "429"} <= set(post)
    assert post["400"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    protected = schema["paths"]["/api/test/protected/"]["get"]["responses"]
    assert {"401", "403"} <= set(protected)
