"""seed_demo at a larger scale: the generated communes get routine petitions, once."""

import pytest

from dancoso.petitions import demo
from dancoso.petitions.models import Petition, State
from dancoso.petitions.tests.test_demo_petitions import make_demo_units
from dancoso.portal import demo as portal_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_units(db):
    return make_demo_units()


def test_a_larger_scale_gives_generated_communes_routine_petitions(demo_units):
    extra = portal_demo.scaled_specs(2)[:2]
    for spec in extra:
        portal_demo.ensure_tree([spec], demo_units[spec.code.split("-")[0]], portal_demo.SeedReport())
    report = demo.seed_petitions(scale=2)
    for spec in extra:
        generated = Petition.objects.filter(unit__code=spec.code)
        assert generated.count() == demo.ROUTINE_PER_SCALE
        assert generated.exclude(state=State.RECEIVED).exists()
    assert report.petitions_created == Petition.objects.count()
    assert demo.seed_petitions(scale=2).petitions_created == 0
