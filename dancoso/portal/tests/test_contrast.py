"""WCAG 2.1 AA contrast of the stylesheet's colour pairs (1.4.3 text 4.5:1, 1.4.11 focus indicators 3:1)."""

import re

import pytest
from django.contrib.staticfiles import finders

WHITE = "#ffffff"


def css_colours() -> dict[str, str]:
    with open(finders.find("css/dancoso.css"), encoding="utf-8") as handle:
        css = handle.read()
    root = re.search(r":root\s*{(.*?)}", css, re.DOTALL).group(1)
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})\s*;", root))


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula_matches_known_values():
    assert contrast("#000000", WHITE) == pytest.approx(21)
    assert contrast("#777777", WHITE) == pytest.approx(4.48, abs=0.01)


TEXT_PAIRS = [
    ("ink", "page"),
    ("ink", "surface"),
    ("muted", "page"),
    ("muted", "surface"),
    ("link", "page"),
    ("link", "surface"),
    ("link-visited", "page"),
    ("brand-ink", "brand"),
    ("brand-ink", "staff"),
    ("ink", "ok-surface"),
    ("ink", "error-surface"),
    ("error", "error-surface"),
    ("warn", "warn-surface"),
]
FOCUS_PAIRS = [
    ("focus", "page"),
    ("focus", "surface"),
    ("focus-on-dark", "brand"),
    ("focus-on-dark", "staff"),
]


@pytest.mark.parametrize(("text", "background"), TEXT_PAIRS)
def test_text_contrast(text, background):
    colours = css_colours()

    assert contrast(colours[text], colours[background]) >= 4.5


def test_button_text_contrast():
    assert contrast(WHITE, css_colours()["link"]) >= 4.5


@pytest.mark.parametrize(("indicator", "background"), FOCUS_PAIRS)
def test_focus_indicator_contrast(indicator, background):
    colours = css_colours()

    assert contrast(colours[indicator], colours[background]) >= 3
