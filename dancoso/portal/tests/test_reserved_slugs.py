"""Unit pages live at "/<slug>/", beside the site's own top-level paths: a unit must never take one of them."""

import re

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import get_resolver

from dancoso.portal.urls import RESERVED_SLUGS
from dancoso.portal.urls import urlpatterns as portal_patterns
from dancoso.units import services
from dancoso.units.models import UnitKind


def first_segment(route: str) -> str:
    return re.split(r"[/^$]", route.lstrip("^"), maxsplit=1)[0]


def top_level_segments() -> set[str]:
    routes = [str(pattern.pattern) for pattern in get_resolver().url_patterns]
    routes += [str(pattern.pattern) for pattern in portal_patterns]
    routes += [settings.STATIC_URL.strip("/"), settings.MEDIA_URL.strip("/")]
    return {first_segment(route) for route in routes} - {"", "<slug:unit_slug>"}


def test_every_top_level_path_is_reserved():
    assert top_level_segments() <= RESERVED_SLUGS


def test_reserved_slugs_include_the_planned_paths():
    assert {
        "open311",
        "staff",
        "accounts",
        "admin",
        "api",
        "static",
        "media",
        "healthz",
        "i18n",
    } <= RESERVED_SLUGS


@pytest.mark.parametrize("slug", sorted(RESERVED_SLUGS))
def test_a_unit_cannot_take_a_reserved_slug(db, slug):
    with pytest.raises(ValidationError):
        services.create_unit(actor=None, kind=UnitKind.PROVINCE, code=f"R-{slug}", name="Tỉnh Thử", slug=slug)


@pytest.mark.parametrize("slug", sorted(RESERVED_SLUGS))
def test_a_unit_named_like_a_reserved_path_gets_another_slug(db, slug):
    unit = services.create_unit(actor=None, kind=UnitKind.PROVINCE, code=f"N-{slug}", name=slug.title())

    assert unit.slug not in RESERVED_SLUGS
