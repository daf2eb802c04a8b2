"""Unit pages live at "/<slug>/", beside the site's own top-level paths: a unit must never take one of them."""

import re

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


def test_a_unit_cannot_take_a_reserved_slug(db):
    accepted = []
    for slug in sorted(RESERVED_SLUGS):
        try:
            services.create_unit(
                actor=None, kind=UnitKind.PROVINCE, code=f"R-{slug}", name="Tỉnh Thử", slug=slug
            )
        except ValidationError:
            continue
        accepted.append(slug)

    assert accepted == []


def test_a_unit_named_like_a_reserved_path_gets_another_slug(db):
    units = [
        services.create_unit(actor=None, kind=UnitKind.PROVINCE, code=f"N-{slug}", name=slug.title())
        for slug in sorted(RESERVED_SLUGS)
    ]

    assert [unit.slug for unit in units if unit.slug in RESERVED_SLUGS] == []
