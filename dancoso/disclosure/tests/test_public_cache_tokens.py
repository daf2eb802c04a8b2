"""The version tokens of the public-page cache: one cache per province tree, none for a new unit's temporary
path, and `migrate`/`flush` replacing every tree's token through one epoch token instead of one receiver per
tree (a test session creates thousands of trees; each `flush` of a committing test used to bump them all)."""

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db.models.signals import post_migrate

from dancoso.disclosure import public_cache
from dancoso.units import services as unit_services
from dancoso.units.models import TEMPORARY_PATH_PREFIX, UnitKind
from dancoso.units.tests.factories import ProvinceFactory

pytestmark = pytest.mark.django_db


def test_a_new_unit_makes_no_cache_for_its_temporary_path(django_capture_on_commit_callbacks):
    province = ProvinceFactory()
    with django_capture_on_commit_callbacks(execute=True):
        unit_services.create_unit(
            actor=None, kind=UnitKind.COMMUNE, code="T-NEW-1", name="Xã Mới", parent=province
        )
    assert not [root for root in public_cache._trees if root.startswith(TEMPORARY_PATH_PREFIX)]


def test_tree_caches_do_not_listen_to_migrations_one_by_one():
    before = len(post_migrate.receivers)
    for number in range(50):
        public_cache.tree_cache(f"{number:08x}/")
    assert len(post_migrate.receivers) == before


def test_migrate_and_flush_replace_every_trees_token(transactional_db):
    roots = [public_cache.tree_of(ProvinceFactory().path) for _n in range(3)]
    before = [public_cache.tree_version(root) for root in roots]
    assert all(before)
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")  # as `migrate` and `flush` do
    after = [public_cache.tree_version(root) for root in roots]
    assert all(after) and all(old != new for old, new in zip(before, after, strict=True))
