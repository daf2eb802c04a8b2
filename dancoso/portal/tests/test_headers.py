"""Strict CSP: the header is sent, and no page or template carries inline script, style or event handlers."""

from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from dancoso.accounts.tests.factories import UserFactory

from .conftest import LOGIN_BACKEND

REPO = Path(settings.BASE_DIR)


class InlineCodeFinder(HTMLParser):
    """Collects every inline <script>, <style>, style="" and on*="" handler in a document."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {name.lower() for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self.problems.append("<script> without src")
        if tag == "style":
            self.problems.append("<style> element")
        if "style" in names:
            self.problems.append(f'style="" on <{tag}>')
        self.problems.extend(f"{name}= on <{tag}>" for name in names if name.startswith("on"))


def inline_code_in(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.problems


def test_finder_catches_each_kind_of_inline_code():
    html = '<script>x()</script><style>a{}</style><p style="x"></p><a onclick="y()"></a><script src="/s.js"></script>'

    assert len(inline_code_in(html)) == 4


def test_csp_header_allows_only_own_scripts_and_styles(client, db):
    policy = client.get(reverse("portal:home"))["Content-Security-Policy"]

    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


@pytest.fixture
def pages(client, officer, commune, villages):
    """Every page of the frame, rendered as a visitor and as an officer would get them."""
    rendered = {
        "home": client.get(reverse("portal:home")),
        "unit": client.get(commune.get_absolute_url()),
        "village": client.get(villages[0].get_absolute_url()),
        "404": client.get("/khong-co/"),
        "login": client.get(reverse("accounts:login")),
    }
    client.force_login(UserFactory(), backend=LOGIN_BACKEND)
    rendered["403"] = client.get(reverse("portal:dashboard"))
    client.force_login(officer, backend=LOGIN_BACKEND)
    rendered["dashboard"] = client.get(reverse("portal:dashboard"))
    return rendered


def test_rendered_pages_carry_no_inline_code(pages):
    for name, response in pages.items():
        assert response.status_code in (200, 403, 404), name
        assert "Content-Security-Policy" in response, name
        assert inline_code_in(response.content.decode()) == [], name


def test_no_template_in_the_repository_carries_inline_code():
    templates = [path for path in (REPO / "dancoso").rglob("*.html") if "templates" in path.parts]
    assert templates
    offenders = {str(path.relative_to(REPO)): inline_code_in(path.read_text()) for path in templates}

    assert {path: problems for path, problems in offenders.items() if problems} == {}


def test_server_error_page_renders_without_a_request(db):
    from django.template import loader

    html = loader.get_template("500.html").render()

    assert 'id="main"' in html
    assert inline_code_in(html) == []
