"""The SQL of a hot ORM query, compiled once per shape and reused with each request's values.

Building and compiling a queryset (filters, joins, ordering, `values_list` of a dozen columns) costs ~0.5 ms of
Python per query, on every request, although a page asks the same query each time with other values. A
`ShapeCache` keeps the compiled SQL per *shape* (what decides the SQL text: which filters are set, the page
offset, …) and fills in the values that change (the *slots*: unit ids, a date, a search word):

    shapes = ShapeCache("inbox")
    sql, params = shapes.sql(
        key=("page", bucket, offset),
        build=lambda v: queryset_for(v).query.sql_with_params(),  # the ORM query, from the slots' values
        slots={"ids": Slot(sentinel="{-900001,-900002}", value=ids_text), "day": Slot(date(1001, 1, 1), today)},
    )

On a miss `build` is called with a *sentinel* in each slot, values no request can have; every parameter of the
compiled query that equals a sentinel (or is it in a LIKE pattern, `%sentinel%`) becomes that slot, the others
stay as compiled. The shape is kept only if every sentinel was found and none shows up anywhere else (inside
another parameter, or inlined in the SQL text): otherwise `build` is called again with the request's values and
the result used as is, so a query this cannot take apart is simply not cached. The key must hold everything
else the SQL depends on; the database alias and vendor are added to it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.signals import setting_changed
from django.db import connections

MAX_SHAPES = 256
_CONTAINS = "contains"
_EXACT = "exact"


@dataclass(frozen=True)
class Slot:
    sentinel: object
    value: object


@dataclass(frozen=True)
class _Shape:
    sql: str
    plan: tuple  # per parameter: (_EXACT | _CONTAINS, slot name) or (None, the compiled value)


class ShapeCache:
    def __init__(self, name: str, maxsize: int = MAX_SHAPES):
        self.name, self.maxsize = name, maxsize
        self._shapes: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        setting_changed.connect(self._setting_changed, weak=False, dispatch_uid=f"sql_shapes:{name}")

    def _setting_changed(self, **kwargs) -> None:
        self.clear()

    def clear(self) -> None:
        with self._lock:
            self._shapes.clear()

    def sql(
        self,
        key: tuple,
        build: Callable[[dict], tuple[str, Sequence]],
        slots: dict[str, Slot],
        using: str = "default",
    ) -> tuple[str, list]:
        connection = connections[using]
        full_key = (using, connection.vendor, *key)
        with self._lock:
            shape = self._shapes.get(full_key)
            if shape is not None:
                self._shapes.move_to_end(full_key)
        if shape is None:
            sql, params = build({name: slot.sentinel for name, slot in slots.items()})
            shape = _take_apart(sql, params, slots)
            with self._lock:
                self._shapes[full_key] = shape
                while len(self._shapes) > self.maxsize:
                    self._shapes.popitem(last=False)
        if shape is False:  # not cacheable: compile with the values
            sql, params = build({name: slot.value for name, slot in slots.items()})
            return sql, list(params)
        values = {name: slot.value for name, slot in slots.items()}
        params = []
        for how, what in shape.plan:
            if how is None:
                params.append(what)
            elif how == _EXACT:
                params.append(values[what])
            else:
                params.append(f"%{connection.ops.prep_for_like_query(values[what])}%")
        return shape.sql, params


def _take_apart(sql: str, params: Sequence, slots: dict[str, Slot]) -> _Shape | bool:
    plan, found = [], set()
    sentinels = {name: slot.sentinel for name, slot in slots.items()}
    for param in params:
        for name, sentinel in sentinels.items():
            if type(param) is type(sentinel) and param == sentinel:
                plan.append((_EXACT, name))
                found.add(name)
                break
            if isinstance(sentinel, str) and isinstance(param, str) and param == f"%{sentinel}%":
                plan.append((_CONTAINS, name))
                found.add(name)
                break
        else:
            if any(_contains(param, sentinel) for sentinel in sentinels.values()):
                return False  # a slot's value transformed in a way this does not know
            plan.append((None, param))
    if found != set(slots) or any(str(sentinel) in sql for sentinel in sentinels.values()):
        return False
    return _Shape(sql, tuple(plan))


def _contains(param, sentinel) -> bool:
    if isinstance(param, str):
        return str(sentinel) in param
    if isinstance(param, list | tuple | set | frozenset):
        return any(_contains(item, sentinel) for item in param)
    return type(param) is type(sentinel) and param == sentinel
