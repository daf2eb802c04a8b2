"""core.sql_shapes: SQL compiled once per shape gives the same rows as the ORM with each request's values, and a
query whose values it cannot find back is never cached."""

import pytest
from django.contrib.auth.models import Group

from dancoso.core.sql_shapes import ShapeCache, Slot, _take_apart

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups():
    return [
        Group.objects.create(name=name) for name in ("Cán bộ xã", "Cán bộ tỉnh", "Ban thanh tra", "Mặt trận")
    ]


def run(sql, params):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def test_compiled_once_and_filled_with_each_requests_values(groups):
    shapes, builds = ShapeCache("test.groups"), []

    def build(v):
        builds.append(v)
        query = (
            Group.objects.filter(name__contains=v["word"], pk__gte=v["min_pk"]).order_by("pk").values("name")
        )
        return query.query.sql_with_params()

    for word, min_pk in (("Cán bộ", 0), ("tra", 0), ("Cán bộ", groups[1].pk), ("100%_", 0)):
        sql, params = shapes.sql(
            ("by-word",), build, {"word": Slot("zzword", word), "min_pk": Slot(-91, min_pk)}
        )
        expected = list(
            Group.objects.filter(name__contains=word, pk__gte=min_pk)
            .order_by("pk")
            .values_list("name", flat=True)
        )
        assert run(sql, params) == expected
    assert len(builds) == 1 and builds[0] == {"word": "zzword", "min_pk": -91}


def test_a_value_transformed_otherwise_is_not_cached(groups):
    """`startswith` binds "value%": neither the value nor "%value%"; every call compiles with its values."""
    shapes, builds = ShapeCache("test.startswith"), []

    def build(v):
        builds.append(v)
        return Group.objects.filter(name__startswith=v["word"]).values("name").query.sql_with_params()

    for _n in range(2):
        sql, params = shapes.sql(("prefix",), build, {"word": Slot("zzword", "Cán")})
        assert sorted(run(sql, params)) == ["Cán bộ tỉnh", "Cán bộ xã"]
    assert [v["word"] for v in builds] == ["zzword", "Cán", "Cán"]


def test_every_slot_must_be_found():
    assert _take_apart("SELECT 1 WHERE a = %s", ["zz"], {"a": Slot("zz", "x"), "b": Slot(-5, 3)}) is False
    assert _take_apart("SELECT -5 WHERE a = %s", ["zz"], {"a": Slot("zz", "x")}) is not False
    assert (
        _take_apart("SELECT zz WHERE a = %s", ["zz"], {"a": Slot("zz", "x")}) is False
    )  # inlined in the SQL
    assert _take_apart("SELECT 1 WHERE a IN %s", [("zz", "y")], {"a": Slot("zz", "x")}) is False


def test_keys_are_kept_apart(groups):
    shapes = ShapeCache("test.keys")

    def by_name(v):
        return Group.objects.filter(name=v["x"]).values("name").query.sql_with_params()

    def by_pk(v):
        return Group.objects.filter(pk=v["x"]).values("name").query.sql_with_params()

    assert run(*shapes.sql(("name",), by_name, {"x": Slot("zzname", "Mặt trận")})) == ["Mặt trận"]
    assert run(*shapes.sql(("pk",), by_pk, {"x": Slot(-7, groups[0].pk)})) == ["Cán bộ xã"]
