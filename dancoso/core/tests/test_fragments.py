"""core/templatetags/fragments.py: `{% framecache %}` renders its content once per set of values and language,
and never shares a CSRF token or a page's path between requests."""

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import translation

from dancoso.core.templatetags import fragments

TEMPLATE = (
    "{% load i18n fragments %}"
    '{% framecache "test" who %}'
    "<p>{% translate 'Log out' %} {{ who }} {{ counter.next }}</p>"
    '<form>{% csrf_token %}<input name="next" value="{{ frame_path|default:request.get_full_path }}"></form>'
    "{% endframecache %}"
)


class Counter:
    def __init__(self):
        self.n = 0

    def next(self):
        self.n += 1
        return self.n


@pytest.fixture(autouse=True)
def _empty():
    fragments.forget_fragments()
    yield
    fragments.forget_fragments()


def render(path, who, counter, token="token-one", language="vi"):  # noqa: S107 - a CSRF token
    request = RequestFactory().get(path)
    template = engines["django"].from_string(TEMPLATE)
    with translation.override(language):
        return template.render({"who": who, "counter": counter, "csrf_token": token}, request)


def test_rendered_once_per_value_then_reused():
    counter = Counter()
    first = render("/a/", "Lan", counter)
    second = render("/a/", "Lan", counter)
    assert counter.n == 1 and first == second
    third = render("/a/", "Hoa", counter)
    assert counter.n == 2 and "Hoa" in third and "Lan" not in third


def test_csrf_token_and_path_are_each_requests_own():
    counter = Counter()
    first = render("/staff/petitions/?page=2", "Lan", counter, token="tokenA")
    second = render("/units/?q=x&page=2", "Lan", counter, token="tokenB")
    assert counter.n == 1
    assert 'value="tokenA"' in first and 'value="/staff/petitions/?page=2"' in first
    assert 'value="tokenB"' in second and "tokenA" not in second
    assert 'value="/units/?q=x&amp;page=2"' in second  # escaped as {{ request.get_full_path }} would be
    assert fragments.CSRF_HOLE not in second and fragments.PATH_HOLE not in second


def test_the_same_html_as_without_the_cache():
    counter = Counter()
    cached = [render("/x/?a=1&b=2", "Lan & Hoa", counter, token="tokenC") for _n in range(2)]
    uncached = engines["django"].from_string(
        TEMPLATE.replace('{% framecache "test" who %}', "").replace("{% endframecache %}", "")
    )
    with translation.override("vi"):
        expected = uncached.render(
            {"who": "Lan & Hoa", "counter": Counter(), "csrf_token": "tokenC"},
            RequestFactory().get("/x/?a=1&b=2"),
        )
    assert cached[0] == cached[1] == expected


def test_each_language_has_its_own_copy():
    counter = Counter()
    assert "Đăng xuất" in render("/", "Lan", counter, language="vi")
    assert "Log out" in render("/", "Lan", counter, language="en")
    assert counter.n == 2


def test_without_a_csrf_token_nothing_is_reused_wrongly():
    counter = Counter()
    render("/", "Lan", counter, token="tokenD")
    html = render("/", "Lan", counter, token="NOTPROVIDED")
    assert "csrfmiddlewaretoken" not in html and "tokenD" not in html


def test_a_changed_setting_empties_the_fragments(settings):
    counter = Counter()
    render("/", "Lan", counter)
    settings.LANGUAGES = [("vi", "Tiếng Việt")]
    render("/", "Lan", counter)
    assert counter.n == 2
