"""Template filters and tags every app may load: `{% load formatting %}`."""

import unicodedata
from decimal import Decimal, InvalidOperation

from django import template
from django.conf import settings
from django.utils import numberformat, translation
from django.utils.formats import get_format

register = template.Library()


@register.filter
def number(value) -> str:
    """A figure with the active language's separators, grouped by thousands ("34.000" in Vietnamese,
    "34,000" in English) and without trailing decimal zeros. Django's own Vietnamese format does not group."""
    if value is None or value == "":
        return ""
    try:
        decimal = Decimal(str(value)).normalize()
    except InvalidOperation:
        return str(value)
    return numberformat.format(
        decimal,
        get_format("DECIMAL_SEPARATOR"),
        grouping=3,
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


@register.simple_tag
def other_languages() -> list[tuple[str, str]]:
    """(code, name) of every language but the active one, each named in itself ("English", "Tiếng Việt")."""
    current = translation.get_language()
    choices = []
    for code, name in settings.LANGUAGES:
        if code != current:
            with translation.override(code):
                choices.append((code, unicodedata.normalize("NFC", str(name))))
    return choices
