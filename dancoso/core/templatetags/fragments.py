"""`{% load fragments %}`: page frames rendered once and reused.

    {% framecache "staff-header" user.get_full_name current_unit switchable_units request.resolver_match.view_name %}
      … the header, its menu, the unit switcher and the language switch …
    {% endframecache %}

The header of every page (menu, unit switcher, language switch, account) is the same for every request with the
same inputs, yet rendering it costs ~1 ms of template work (a dozen `{% url %}`, translations, includes) on every
request. `framecache` renders its content once per process for each combination of the values it names (and of
the active language, URL configuration and script prefix, always part of the key), and keeps the HTML in a small
LRU in memory. The key holds the values themselves, so nothing needs invalidating: a renamed unit or user is a
new key (the models' caches, e.g. the memberships cache, already give fresh values), and a changed setting
empties the LRU (`setting_changed`, sent by `override_settings`).

Two things differ from one request to the next and are never stored: the CSRF token (`{% csrf_token %}` and
`{{ csrf_token }}`) and the path of the page (`{{ frame_path }}`, which templates inside the fragment use for the
`next` field of their forms, as `{{ frame_path|default:request.get_full_path }}` so that they render the same
outside one). The fragment is rendered with placeholders for both, which each request replaces.

Name, in the tag, every value the content reads besides the language and the URLs: a value left out would show
one request's value to another. A model instance counts as its class, primary key and `str()`; a list or tuple
as the same for each item.
"""

import threading
from collections import OrderedDict

from django import template
from django.core.signals import setting_changed
from django.db.models import Model
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

MAX_FRAGMENTS = 512
CSRF_HOLE = "dancoso-fragment-csrf-5b1e0c"
PATH_HOLE = "dancoso-fragment-path-9d27a4"

_fragments: OrderedDict = OrderedDict()
_lock = threading.Lock()


def forget_fragments(**kwargs) -> None:
    with _lock:
        _fragments.clear()


setting_changed.connect(forget_fragments, dispatch_uid="dancoso.core.fragments")


def _key_part(value):
    if isinstance(value, Model):
        return (value._meta.label, value.pk, str(value))
    if isinstance(value, list | tuple):
        return tuple(_key_part(item) for item in value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


class FrameCacheNode(template.Node):
    def __init__(self, name: str, vary_on: list, nodelist):
        self.name, self.vary_on, self.nodelist = name, vary_on, nodelist

    def render(self, context) -> str:
        request = context.get("request")
        if request is None:
            return self.nodelist.render(context)  # no page to reuse it for: render as usual
        key = (
            self.name,
            get_language(),
            get_urlconf(),
            get_script_prefix(),
            *(_key_part(value.resolve(context)) for value in self.vary_on),
        )
        with _lock:
            html = _fragments.get(key)
            if html is not None:
                _fragments.move_to_end(key)
        if html is None:
            with context.push(csrf_token=CSRF_HOLE, frame_path=PATH_HOLE):
                html = self.nodelist.render(context)
            with _lock:
                _fragments[key] = html
                while len(_fragments) > MAX_FRAGMENTS:
                    _fragments.popitem(last=False)
        if CSRF_HOLE in html:
            csrf_token = context.get("csrf_token")
            csrf_token = "" if csrf_token is None else str(csrf_token)
            # {% csrf_token %} would render nothing
            if not csrf_token or csrf_token == "NOTPROVIDED":  # noqa: S105 — Django's marker, not a password
                return self.nodelist.render(context)
            html = html.replace(CSRF_HOLE, escape(csrf_token))
        if PATH_HOLE in html:
            html = html.replace(PATH_HOLE, escape(request.get_full_path()))
        return mark_safe(html)  # rendered (and escaped) by the template; the two values above are escaped


@register.tag
def framecache(parser, token):
    """{% framecache "name" value … %}…{% endframecache %}: see the module."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"'{bits[0]}' needs a name")
    name = bits[1].strip("\"'")
    vary_on = [parser.compile_filter(bit) for bit in bits[2:]]
    nodelist = parser.parse(("endframecache",))
    parser.delete_first_token()
    return FrameCacheNode(name, vary_on, nodelist)
