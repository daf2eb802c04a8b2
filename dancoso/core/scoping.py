"""Unit-scoped querysets: the one `visible_to(user, permission)` helper every list, export and API uses.

core does not know who may see what; it asks the scope resolver named by `settings.SCOPE_RESOLVER`
(accounts provides it) for a `Scope`, and turns that into a filter on the model's unit path.
"""

from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.db import models
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Scope:
    """Where a permission holds: everywhere, in whole subtrees (path prefixes), or in single units."""

    everywhere: bool = False
    subtree_paths: frozenset[str] = field(default_factory=frozenset)
    unit_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not (self.everywhere or self.subtree_paths or self.unit_ids)

    def covers(self, unit_id: int | None, unit_path: str | None) -> bool:
        if self.everywhere:
            return True
        if unit_id is None or unit_path is None:
            return False
        return unit_id in self.unit_ids or any(unit_path.startswith(p) for p in self.subtree_paths)


NOWHERE = Scope()
EVERYWHERE = Scope(everywhere=True)


@cache
def _resolver():
    return import_string(settings.SCOPE_RESOLVER)


def scope_for(user, permission: str) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return NOWHERE
    return _resolver()(user, permission)


class ScopedQuerySet(models.QuerySet):
    """Base queryset for every row that belongs to a unit.

    Subclasses name the path from the row to its `units.Unit` in `scope_unit_field`
    ("unit", "household__unit", or "" for Unit itself).
    """

    scope_unit_field = "unit"

    def visible_to(self, user, permission: str) -> "ScopedQuerySet":
        """Rows in units where one of `user`'s memberships grants `permission` (e.g. "units.view_household")."""
        scope = scope_for(user, permission)
        if scope.is_empty:
            return self.none()
        if scope.everywhere:
            return self.all()
        q = models.Q(pk__in=[])
        if scope.unit_ids:
            q |= models.Q(**{self._unit_lookup("pk__in"): sorted(scope.unit_ids)})
        for prefix in sorted(scope.subtree_paths):
            q |= self._subtree_q(prefix)
        return self.filter(q)

    def in_subtree(self, unit) -> "ScopedQuerySet":
        """Rows of `unit` and of every unit below it (`unit` is a Unit or its path)."""
        return self.filter(self._subtree_q(getattr(unit, "path", unit)))

    def _unit_lookup(self, lookup: str) -> str:
        return f"{self.scope_unit_field}__{lookup}" if self.scope_unit_field else lookup

    def _unit_model(self):
        model = self.model
        for part in filter(None, self.scope_unit_field.split("__")):
            model = model._meta.get_field(part).related_model
        return model

    def _subtree_q(self, path_prefix: str) -> models.Q:
        # A subquery on the (small) unit table lets the database walk the rows' unit index instead of joining
        # every row to its unit to test the path.
        if not self.scope_unit_field:
            return models.Q(path__startswith=path_prefix)
        units = self._unit_model()._default_manager.filter(path__startswith=path_prefix).values("pk")
        return models.Q(**{f"{self.scope_unit_field}__in": units})
