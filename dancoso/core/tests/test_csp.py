import pytest

pytestmark = pytest.mark.django_db


def style_and_script_sources(response) -> str:
    directives = dict(
        part.strip().split(" ", 1)
        for part in response.headers["Content-Security-Policy"].split(";")
        if part.strip()
    )
    return directives["style-src"], directives["script-src"]


def test_pages_allow_no_inline_style_or_script(client):
    style, script = style_and_script_sources(client.get("/"))
    assert "unsafe-inline" not in style
    assert "unsafe-inline" not in script


def test_api_docs_relax_only_styles_for_swagger_ui(client):
    style, script = style_and_script_sources(client.get("/api/docs/"))
    assert "'unsafe-inline'" in style
    assert script == "'self'"
