"""The unit tree as the staff pages read it on every request (a subtree's ids, paths and names), cached.

Units change rarely (a new commune, a rename, a merger) and are read on every inbox page: the rows are kept in a
`VersionedCache` that watches `Unit` (`UnitsConfig.ready()` connects it), so saving or deleting any unit drops
every copy once the transaction commits; inside a transaction that changed a unit the database is read. A write
that sends no signals (queryset.update, bulk_create, raw SQL) must call `forget_tree()` after it commits.
"""

from dancoso.core.versioned_cache import VersionedCache

tree_cache = VersionedCache("dancoso:units:tree")


def connect_cache() -> None:
    from dancoso.units.models import Unit

    tree_cache.watch(Unit)


def forget_tree() -> None:
    tree_cache.bump()


def subtree_rows(unit, limit: int) -> tuple[tuple[int, str, str], ...]:
    """(pk, path, name) of `unit` and of every unit below it, at most `limit` of them (in no given order)."""
    from dancoso.units.models import Unit

    def load():
        return tuple(Unit.objects.subtree(unit).order_by().values_list("pk", "path", "name")[:limit])

    return tree_cache.get(f"subtree:{unit.pk}:{unit.path}:{limit}", load)


def unit_state(pk: int) -> tuple[str, bool] | None:
    """(path, is_active) of the unit with this pk, or None when there is none."""
    from dancoso.units.models import Unit

    return tree_cache.get(
        f"state:{pk}", lambda: Unit.objects.filter(pk=pk).values_list("path", "is_active").first()
    )
