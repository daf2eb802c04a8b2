"""The demo reports need the demo units: without them seed_demo's report step makes nothing."""

import pytest

from dancoso.reports import demo
from dancoso.reports.models import Report

pytestmark = pytest.mark.django_db


def test_without_the_demo_units_nothing_is_made(db):
    assert demo.seed_reports().reports_created == 0
    assert not Report.objects.exists()
