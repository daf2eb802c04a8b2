"""Figures in report pages, written the Vietnamese way (4.410; 97,61; 85,7%)."""

from django import template

from dancoso.core.figures import RATE
from dancoso.core.numbers import number_vi, percent_vi

register = template.Library()


@register.filter
def figure_value(figure) -> str:
    if figure is None or figure.value is None:
        return "—"
    if figure.kind == RATE:
        return percent_vi(figure.value)
    text = number_vi(figure.value, figure.decimals)
    if figure.maximum:
        return f"{text}/{figure.maximum}"
    return f"{text} {figure.unit_word}".rstrip()


@register.filter
def figure_of(figures: dict, key: str) -> str:
    return figure_value(figures.get(key))


@register.filter
def with_value(figure, value):
    """The same figure with another value (a unit's share of it), to write it the same way."""
    from dataclasses import replace

    return None if figure is None else replace(figure, value=value)
