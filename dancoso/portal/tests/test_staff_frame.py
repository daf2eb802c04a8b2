"""The staff page frame (staff/base.html): its header is rendered once per user name, unit, set of units, page
and language and reused (core/templatetags/fragments.py). What each request shows must be what rendering the
template afresh shows: its own CSRF token and `next` path, its own user and units, the current page marked."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from dancoso.accounts.roles import Role
from dancoso.accounts.tests.factories import MembershipFactory, UserFactory
from dancoso.core.templatetags import fragments
from dancoso.units.tests.factories import UnitFactory

from .conftest import LOGIN_BACKEND

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("portal:dashboard")
INBOX = reverse("petitions:inbox")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _fresh_fragments():
    fragments.forget_fragments()
    yield
    fragments.forget_fragments()


def header(html: str) -> str:
    return html[html.index("<header") : html.index("</main>")]


def test_each_request_has_its_own_token_and_path(officer_client):
    first = officer_client.get(DASHBOARD).content.decode()
    second = officer_client.get(INBOX, {"bucket": "all", "page": "2"}).content.decode()
    assert f'name="next" value="{DASHBOARD}"' in first
    assert f'name="next" value="{INBOX}?bucket=all&amp;page=2"' in second
    assert fragments.CSRF_HOLE not in first + second and fragments.PATH_HOLE not in first + second
    assert len(set(TOKEN.findall(first))) == 1  # one masked token per request, as Django renders it


def test_the_token_in_the_reused_header_is_accepted(officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer, backend=LOGIN_BACKEND)
    client.get(DASHBOARD)  # renders and keeps the header
    html = client.get(DASHBOARD).content.decode()  # the kept header, with this request's token
    token = TOKEN.search(header(html)).group(1)
    response = client.post(
        reverse("set_language"), {"language": "en", "next": DASHBOARD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert '<html lang="en">' in client.get(DASHBOARD).content.decode()


def test_the_current_page_is_marked(officer_client):
    dashboard = header(officer_client.get(DASHBOARD).content.decode())
    inbox = header(officer_client.get(INBOX).content.decode())
    assert (
        f'href="{DASHBOARD}" aria-current="page"' in dashboard
        and f'href="{INBOX}" aria-current' not in dashboard
    )
    assert f'href="{INBOX}" aria-current="page"' in inbox and f'href="{DASHBOARD}" aria-current' not in inbox


def test_users_do_not_see_each_others_header(client, officer, commune, province):
    other = MembershipFactory(
        unit=UnitFactory(name="Xã Khác Hẳn", parent=province),
        role=Role.COMMUNE_OFFICER,
        user=UserFactory(full_name="Lê Văn Khác"),
    ).user
    client.force_login(officer, backend=LOGIN_BACKEND)
    mine = header(client.get(DASHBOARD).content.decode())
    client.force_login(other, backend=LOGIN_BACKEND)
    theirs = header(client.get(DASHBOARD).content.decode())
    assert "Trần Thị Lan" in mine and "Xã An Khánh" in mine
    assert "Lê Văn Khác" in theirs and "Xã Khác Hẳn" in theirs
    assert "Trần Thị Lan" not in theirs and "Xã An Khánh" not in theirs


def test_switching_unit_and_language_change_the_header(officer_client, officer, commune, province):
    second = UnitFactory(name="Xã Thứ Hai", parent=province)
    MembershipFactory(user=officer, unit=second)
    html = header(officer_client.get(DASHBOARD).content.decode())
    assert f'<option value="{commune.pk}" selected>' in html
    officer_client.post(reverse("accounts:switch_unit"), {"unit": second.pk, "next": DASHBOARD})
    html = header(officer_client.get(DASHBOARD).content.decode())
    assert (
        f'<option value="{second.pk}" selected>' in html
        and f'<option value="{commune.pk}" selected>' not in html
    )
    officer_client.post(reverse("set_language"), {"language": "en", "next": DASHBOARD})
    html = header(officer_client.get(DASHBOARD).content.decode())
    assert "Staff area" in html and "Log out" in html and "Khu vực cán bộ" not in html


def test_the_header_is_what_the_template_renders_without_reuse(officer_client, monkeypatch):
    officer_client.get(INBOX)
    reused = officer_client.get(INBOX, {"q": "đường"}).content.decode()
    monkeypatch.setattr(
        fragments.FrameCacheNode, "render", lambda self, context: self.nodelist.render(context)
    )
    fresh = officer_client.get(INBOX, {"q": "đường"}).content.decode()
    masked = re.compile(r'(name="csrfmiddlewaretoken" value|data-csrf-token)="[^"]+"')
    assert masked.sub("TOKEN", reused) == masked.sub("TOKEN", fresh)
