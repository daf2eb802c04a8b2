"""DESIGN.md: a public page is at most 60 KB transferred (gzip), images aside."""

import gzip
import re

from django.conf import settings
from django.contrib.staticfiles import finders

from dancoso.units.models import UnitKind
from dancoso.units.tests.factories import UnitFactory, VillageFactory

BUDGET_BYTES = 60 * 1024
ASSET = re.compile(r'<(?:link rel="stylesheet" href|script src)="([^"]+)"')


def gzipped_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def static_file(url: str) -> bytes:
    assert url.startswith(settings.STATIC_URL), url
    path = finders.find(url.removeprefix(settings.STATIC_URL))
    assert path, url
    with open(path, "rb") as handle:
        return handle.read()


def test_unit_home_page_fits_the_budget(client, commune):
    # A large commune: 40 villages and residential groups with their figures, and a workplace.
    VillageFactory.create_batch(30, parent=commune, household_count=270, population=1030)
    UnitFactory.create_batch(10, kind=UnitKind.RESIDENTIAL_GROUP, parent=commune, household_count=150)
    UnitFactory(kind=UnitKind.ENTERPRISE, parent=commune, name="Công ty TNHH Thử")

    html = client.get(commune.get_absolute_url()).content
    assets = ASSET.findall(html.decode())

    assert any(url.endswith(".css") for url in assets)
    assert not any("htmx" in url for url in assets)  # staff pages only (test_public_pages_weight.py)
    total = gzipped_size(html) + sum(gzipped_size(static_file(url)) for url in assets)
    assert total <= BUDGET_BYTES, f"{total} bytes transferred"
