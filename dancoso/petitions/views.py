"""Staff pages of petitions: the inbox, the case page with its history and every workflow step, staff intake,
the identity reveal, attachments and the inbox export.

Every list goes through `Petition.objects.visible_to(user, permission)` and the current unit's subtree; a
single petition is fetched through it too (404 when out of scope) and then checked with
`user.has_perm(permission, petition)` (403 when the role lacks it). Every write is a call to `services`;
a refusal (ValidationError, IllegalTransition) is shown next to the form and nothing changes.
Pages carry `Cache-Control: no-store`: they hold petitioners' personal data.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from datetime import date
from functools import lru_cache
from html import escape as html_escape
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import EmptyResultSet, PermissionDenied, ValidationError
from django.db import connections, router
from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.db.models.lookups import In
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from dancoso.core import calendar
from dancoso.core.access import current_unit as _current_unit
from dancoso.core.access import require_perm as _require
from dancoso.core.files import serve_attachment
from dancoso.core.models import Attachment
from dancoso.core.paging import Page
from dancoso.core.scoping import scope_for
from dancoso.core.sql_shapes import ShapeCache, Slot
from dancoso.core.text import search_key
from dancoso.petitions import export_views, exports, forms, legal, services
from dancoso.petitions.duplicates import suggest_duplicates
from dancoso.petitions.models import (
    BUCKET_OF_STATE,
    OPEN_STATES,
    Channel,
    DueKind,
    Kind,
    Petition,
    State,
)
from dancoso.petitions.sector_cache import sector_names
from dancoso.units.caching import subtree_rows
from dancoso.units.models import SETTLEMENT_KINDS, Unit

VIEW = "petitions.view_petition"
HANDLE = "petitions.handle_petition"
EXPORT = "petitions.export_petition"

PER_PAGE = 50
MAX_PAGE = 10_000  # deeper than anyone pages by hand; narrow the filters instead
DUE_SOON_WORKING_DAYS = legal.DUE_SOON_WORKING_DAYS
URGENCY_COUNT_CAP = 999  # above it the inbox says "999+"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ------------------------------------------------------------------------------------------------ helpers


def _visible(request, permission: str = VIEW):
    return Petition.objects.visible_to(request.user, permission)


def _petition_or_404(request, pk: int) -> Petition:
    queryset = _visible(request).select_related("unit", "sector", "handler")
    return get_object_or_404(queryset, pk=pk)


def apply_service_error(form, error: ValidationError) -> None:
    """Put a service's refusal next to the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def _states_of_bucket(bucket: str) -> frozenset[str] | None:
    if bucket == "all":
        return None
    if bucket == "open":
        return OPEN_STATES
    return frozenset(state for state, name in BUCKET_OF_STATE.items() if name == bucket)


# ------------------------------------------------------------------------------------------------ inbox


# A province has a few hundred units; a bigger subtree (a whole country) is filtered by the database.
SUBTREE_ID_LIST_MAX = 2_000


class _AnyOf(In):
    """`lhs IN (…)` with the values bound as one array on PostgreSQL (`lhs = ANY(%s::bigint[])`): the same rows
    and the same index conditions, but a province's ~140 unit ids cost one parameter to compile and bind in each
    of the inbox's petition queries instead of ~140. The array is bound as its text and cast to the column's
    type: psycopg would send small ids as `smallint[]`, and comparing each row's bigint with a smallint array
    costs twice as much per row. A single id is a plain `=`, which lets PostgreSQL read an index on (unit, …)
    in order. Other databases get the usual IN list."""

    opaque = False

    def as_postgresql(self, compiler, connection):
        if not self.rhs:
            return self.as_sql(compiler, connection)  # nothing can match: Django skips the query
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if len(values) == 1:
            return f"{lhs_sql} = %s", (*lhs_params, values[0])
        array = f"%s::{self.lhs.output_field.db_type(connection)}[]"
        if self.opaque:
            array = f"(SELECT {array})::{self.lhs.output_field.db_type(connection)}[]"
        return f"{lhs_sql} = ANY({array})", (*lhs_params, _array_literal(values))


def _array_literal(ids) -> str:
    """`{1,2,3}`: integer ids as PostgreSQL's array text, bound as one string. psycopg would adapt a list of
    ~140 ints element by element (~0.4 ms of CPU per query); the ids are ints, so the text is safe as it is."""
    return _array_text(tuple(ids))


@lru_cache(maxsize=256)
def _array_text(ids: tuple) -> str:  # a scope's ids are the same tuple request after request
    return "{" + ",".join(str(int(pk)) for pk in ids) + "}"


class _AnyOfOpaque(_AnyOf):
    """`_AnyOf` with the array behind a sub-select, which the planner does not look into: it stops estimating
    each of a province's ~140 ids against the column's statistics (~0.4 ms of planning per use). For queries
    whose plan does not depend on how many rows the units hold: the inbox's counts, which read the partial
    index of open rows (unit, due_on) whatever the units."""

    opaque = True


@dataclass(frozen=True)
class InboxScope:
    """Where an inbox (or its export) looks: the units of `unit`'s subtree in which `user` holds `permission`.

    The subtree's units are read once (one indexed query on the unit path; their names are shown in the rows)
    and checked in Python against the user's scope exactly as `visible_to()` checks them, so the petitions
    query gets one condition, `unit_id IN (…ids…)`, instead of two semi-joins on the unit table, which cost the
    planner more than running the query. A subtree of more than SUBTREE_ID_LIST_MAX units (a whole country)
    falls back to the semi-joins, with the `visible_to` one left out when the user's scope covers the whole
    subtree."""

    user: object
    unit: Unit
    permission: str
    unit_ids: tuple[int, ...] | None  # None: too many units to list
    unit_names: dict[int, str]
    covers_subtree: bool

    def petitions(self, *, opaque: bool = False):
        """The petitions in scope; `opaque`: with the unit ids hidden from the planner (see _AnyOfOpaque)."""
        if self.unit_ids is not None:
            lookup = _AnyOfOpaque if opaque else _AnyOf
            return Petition.objects.filter(lookup(F("unit_id"), self.unit_ids))
        petitions = Petition.objects.in_subtree(self.unit)
        if self.covers_subtree:
            return petitions
        return petitions.visible_to(self.user, self.permission)


def inbox_scope(user, unit: Unit, permission: str = VIEW) -> InboxScope:
    scope = scope_for(user, permission)
    covers_subtree = scope.everywhere or any(unit.path.startswith(p) for p in scope.subtree_paths)
    if scope.is_empty:
        return InboxScope(user, unit, permission, (), {}, False)
    units = subtree_rows(unit, SUBTREE_ID_LIST_MAX + 1)  # cached until a unit changes
    if len(units) > SUBTREE_ID_LIST_MAX:
        return InboxScope(user, unit, permission, None, {}, covers_subtree)
    visible = {pk: name for pk, path, name in units if covers_subtree or scope.covers(pk, path)}
    return InboxScope(user, unit, permission, tuple(sorted(visible)), visible, covers_subtree)


def inbox_queryset(user, unit: Unit, filters: dict, permission: str = VIEW, scope: InboxScope | None = None):
    """The petitions of `unit`'s subtree that `user` may see for `permission`, filtered. Open petitions come
    most urgent first (overdue, then by deadline, those without a deadline last); other lists latest entered
    first, which a backward scan of the primary key answers at once even for a province's million rows.
    The text search (`search_key LIKE '%…%'`) is backed on PostgreSQL by the trigram index of migration 0006."""
    petitions = (scope or inbox_scope(user, unit, permission)).petitions()
    return _filtered(petitions, filters["bucket"], _filter_values(filters, user))


def _filter_values(filters: dict, user) -> dict:
    """The values the filters put in the query, None for a filter that is not set (the bucket apart)."""
    q = filters["q"]
    return {
        "kind": filters["kind"] or None,
        "sector_id": filters["sector"].pk if filters["sector"] is not None else None,
        "channel": filters["channel"] or None,
        "handler_id": user.pk if filters["mine"] else None,
        "q_key": search_key(q) if q else None,
        "q_code": services.normalize_tracking_code(q) if q else None,
    }


def _filtered(petitions, bucket: str, values: dict):
    if (states := _states_of_bucket(bucket)) is not None:
        petitions = petitions.filter(state__in=sorted(states))
    if values["kind"] is not None:
        petitions = petitions.filter(kind=values["kind"])
    if values["sector_id"] is not None:
        petitions = petitions.filter(sector_id=values["sector_id"])
    if values["channel"] is not None:
        petitions = petitions.filter(channel=values["channel"])
    if values["handler_id"] is not None:
        petitions = petitions.filter(handler_id=values["handler_id"])
    if values["q_key"] is not None:
        petitions = petitions.filter(
            Q(search_key__contains=values["q_key"]) | Q(tracking_code=values["q_code"])
        )
    if bucket == "open":
        return petitions.order_by(F("due_on").asc(nulls_last=True), "-received_on", "-pk")
    return petitions.order_by("-pk")


# The inbox's page and counts keep their compiled SQL per shape (core.sql_shapes): which filters are set, the
# bucket, the page, one unit or several. On PostgreSQL with the scope's units listed; elsewhere the ORM compiles
# each time. The sentinels are values no request has (negative ids, dates a thousand years ago, marked text).
_INBOX_SQL = ShapeCache("petitions.inbox")
_SENTINELS = {
    "kind": "zzsentinel-kind-zz",
    "sector_id": -900_101,
    "channel": "zzsentinel-channel-zz",
    "handler_id": -900_102,
    "q_key": "zzsentinel-search-zz",
    "q_code": "ZZSENTINEL-CODE-ZZ",
    "today": date(1001, 1, 1),
    "soon": date(1001, 1, 2),
}
_SENTINEL_UNIT_IDS = (-900_001, -900_002)


def _shaped(scope: InboxScope) -> bool:
    db = router.db_for_read(Petition)
    return connections[db].vendor == "postgresql" and bool(scope.unit_ids)


def _unit_ids_slot(scope: InboxScope) -> Slot:
    """The scope's ids as the one parameter _AnyOf binds: `{1,2,…}` for several units, the id for one."""
    if len(scope.unit_ids) == 1:
        return Slot(_SENTINEL_UNIT_IDS[0], scope.unit_ids[0])
    return Slot(_array_literal(_SENTINEL_UNIT_IDS), _array_literal(scope.unit_ids))


def _unit_ids_of(slot_value) -> tuple[int, ...]:
    """The ids back from the parameter (what `build` receives: sentinels, or the request's values)."""
    if isinstance(slot_value, int):
        return (slot_value,)
    return tuple(int(pk) for pk in slot_value.strip("{}").split(","))


def _scoped(unit_ids, *, opaque: bool = False):
    return Petition.objects.filter((_AnyOfOpaque if opaque else _AnyOf)(F("unit_id"), unit_ids))


def _page_rows(petitions, scope: InboxScope, bucket: str, values: dict, offset: int) -> list[tuple]:
    """The page's rows (one more than a page, to know whether there is a next one) as tuples of
    INBOX_COLUMNS and HANDLER_NAME_COLUMNS."""
    columns = (*INBOX_COLUMNS, *HANDLER_NAME_COLUMNS)
    if not _shaped(scope):  # SQLite, or a subtree too big to list (then never the per-unit lists either)
        return list(petitions.values_list(*columns)[offset : offset + PER_PAGE + 1])
    latest = _latest_by_unit(scope, bucket, values, offset)
    active = sorted(name for name, value in values.items() if value is not None)
    slots = {"ids": _unit_ids_slot(scope), **{name: Slot(_SENTINELS[name], values[name]) for name in active}}

    def build(v: dict):
        if latest is not None:
            query = Petition.objects.filter(pk__in=latest(_unit_ids_of(v["ids"]))).order_by("-pk")
            return query.values_list(*columns).query.sql_with_params()
        given = {name: v.get(name) for name in values}
        query = _filtered(_scoped(_unit_ids_of(v["ids"])), bucket, given).values_list(*columns)
        return query[offset : offset + PER_PAGE + 1].query.sql_with_params()

    key = ("page", bucket, tuple(active), len(scope.unit_ids) == 1, offset, latest is not None)
    sql, params = _INBOX_SQL.sql(key, build, slots, using=router.db_for_read(Petition))
    with connections[router.db_for_read(Petition)].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@dataclass(frozen=True)
class Urgency:
    today: date
    soon: date

    def of(self, petition: "Petition | InboxItem") -> str:
        if not petition.is_open or petition.due_on is None:
            return ""
        if petition.due_on < self.today:
            return "overdue"
        return "soon" if petition.due_on <= self.soon else "ok"


def _urgency_for(unit: Unit) -> Urgency:
    today = timezone.localdate()
    return Urgency(today=today, soon=calendar.add_working_days(today, DUE_SOON_WORKING_DAYS, unit))


def _capped_counts_sql(**querysets) -> tuple[str, list, dict[str, int]]:
    """One statement counting at most URGENCY_COUNT_CAP + 1 rows of each queryset
    (`SELECT (SELECT COUNT(*) FROM (… LIMIT n)), (…)`), its parameters, and the counts known without asking
    (0 for an empty scope: no unit to look in)."""
    parts, params, known = [], [], {}
    for name, petitions in querysets.items():
        try:
            sql, sql_params = (
                petitions.order_by().values("pk")[: URGENCY_COUNT_CAP + 1].query.sql_with_params()
            )
        except EmptyResultSet:
            known[name] = 0
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) {name}_rows) AS {name}")  # noqa: S608 - ORM SQL, params apart
        params.extend(sql_params)
    return ("SELECT " + ", ".join(parts)) if parts else "", params, known


def _run_counts(sql: str, params: list, names: list[str], known: dict[str, int]) -> dict[str, int]:
    counts = dict(known)
    if sql:
        with connections[router.db_for_read(Petition)].cursor() as cursor:
            cursor.execute(sql, params)
            counts.update(zip(names, cursor.fetchone(), strict=True))
    return counts


def _capped_counts(**querysets) -> dict[str, int]:
    """COUNT over at most URGENCY_COUNT_CAP + 1 rows of each queryset, so a province with a backlog of
    thousands costs no more, in one round trip. The ORM writes each bounded SELECT."""
    sql, params, known = _capped_counts_sql(**querysets)
    return _run_counts(sql, params, [name for name in querysets if name not in known], known)


def _urgency_querysets(petitions, today: date, soon: date) -> dict:
    open_ = petitions.filter(state__in=sorted(OPEN_STATES))
    return {
        "overdue": open_.filter(due_on__lt=today),
        "soon": open_.filter(due_on__gte=today, due_on__lte=soon),
    }


def _urgency_counts(petitions, urgency: Urgency) -> dict[str, int]:
    """Overdue and due-soon open petitions: range scans of the open rows' (unit, due_on) index, each bounded,
    in one query."""
    return _capped_counts(**_urgency_querysets(petitions, urgency.today, urgency.soon))


def _inbox_counts(scope: InboxScope, urgency: Urgency) -> dict[str, int]:
    """`_urgency_counts` of the scope, with the unit ids hidden from the planner (_AnyOfOpaque) and the SQL
    kept per shape (one unit or several) on PostgreSQL."""
    if not _shaped(scope):
        return _urgency_counts(scope.petitions(opaque=True), urgency)
    slots = {
        "ids": _unit_ids_slot(scope),
        "today": Slot(_SENTINELS["today"], urgency.today),
        "soon": Slot(_SENTINELS["soon"], urgency.soon),
    }

    def build(v: dict):
        querysets = _urgency_querysets(_scoped(_unit_ids_of(v["ids"]), opaque=True), v["today"], v["soon"])
        sql, params, _known = _capped_counts_sql(**querysets)  # the ids are listed: nothing known
        return sql, params

    key = ("counts", len(scope.unit_ids) == 1)
    sql, params = _INBOX_SQL.sql(key, build, slots, using=router.db_for_read(Petition))
    return _run_counts(sql, params, ["overdue", "soon"], {})


@dataclass(frozen=True, slots=True)
class InboxItem:
    """What an inbox row shows of a petition, and nothing more: no content, search key, contact or other wide
    column. Read with `values_list` (a tuple per row, no model instance: ~0.6 ms less per page)."""

    pk: int
    unit_id: int
    tracking_code: str
    title: str
    kind: str
    state: str
    sector_id: int | None
    received_on: date
    due_on: date | None
    is_confidential: bool
    is_anonymous: bool
    petitioner_name: str
    handler_id: int | None
    handler_name: str

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def as_petition(self) -> Petition:
        """The same row as a model instance (only these columns loaded, the others deferred)."""
        values = {"id" if name == "pk" else name: getattr(self, name) for name in INBOX_COLUMNS}
        # from_db takes the values in the model's field order
        names = [f.attname for f in Petition._meta.concrete_fields if f.attname in values]
        return Petition.from_db(router.db_for_read(Petition), names, [values[name] for name in names])


# The columns of InboxItem but the handler's name, then the handler's name fields (User.get_full_name's).
INBOX_COLUMNS = [f.name for f in dataclass_fields(InboxItem)][:-1]
HANDLER_NAME_COLUMNS = (
    "handler__full_name",
    "handler__first_name",
    "handler__last_name",
    "handler__username",
)


@dataclass(frozen=True)
class InboxRow:
    item: InboxItem
    urgency: str
    petitioner: str
    html: SafeString = field(default=SafeString(""), repr=False)

    @property
    def petition(self) -> Petition:
        """The row's petition as a model instance, built when asked for (the page renders from `item`)."""
        return self.item.as_petition()


@dataclass
class InboxPage(Page):
    """A page of the inbox; its rows carry their own escaped HTML."""

    @property
    def rows_html(self) -> SafeString:
        return mark_safe("\n".join(row.html for row in self.rows))  # each row escapes its values


def _page_number(request) -> int:
    try:
        return min(max(1, int(request.GET.get("page", 1))), MAX_PAGE)
    except ValueError:
        return 1


@dataclass(frozen=True)
class InboxLabels:
    """The translated labels of the rows in one language, escaped: built once per process and language."""

    states: dict[str, str]
    kinds: dict[str, str]
    due: dict[str, str]  # urgency → the text after the date, as in petitions/staff/_due.html


@lru_cache(maxsize=16)
def _inbox_labels(language: str | None) -> InboxLabels:
    return InboxLabels(
        states={value: html_escape(str(label)) for value, label in State.choices},
        kinds={value: html_escape(str(label)) for value, label in Kind.choices},
        due={
            "overdue": f" · {html_escape(_('Overdue'))}",
            "soon": f" · {html_escape(_('Due soon'))}",
            "ok": f" · {html_escape(_('On time'))}",
            "": "",
        },
    )


ROW_CLASSES = {"overdue": ' class="row-overdue"', "soon": ' class="row-soon"'}
DUE_CLASSES = {"overdue": " due-overdue", "soon": " due-soon"}
_PK_PLACEHOLDER = "2147483647"


class InboxRowRenderer:
    """One inbox row's <tr>, built in Python: through templates (an include, a {% url %}, label and date
    filters per cell) 50 rows cost ~20 ms a page, this way well under 1 ms. The markup is the one the table in
    inbox.html expects, the deadline cell the same as petitions/staff/_due.html (tests compare them). Names that
    repeat from row to row (units, fields, handlers) are escaped once."""

    def __init__(self, unit: Unit, unit_names: dict[int, str], sector_names: dict[int, str]):
        self.unit_id = unit.pk
        self.unit_names = unit_names
        self.sector_names = sector_names
        self.labels = _inbox_labels(get_language())
        self._escaped: dict[tuple, str] = {}
        url = reverse("petitions:detail", kwargs={"pk": _PK_PLACEHOLDER})
        self.url_head, _placeholder, self.url_tail = url.rpartition(_PK_PLACEHOLDER)

    def due(self, due_on: date | None, urgency: str) -> str:
        if due_on is None:
            return ""
        return (
            f'<span class="due-tag{DUE_CLASSES.get(urgency, "")}"><time datetime="{due_on.isoformat()}">'
            f"{due_on.day:02d}/{due_on.month:02d}/{due_on.year}</time>{self.labels.due[urgency]}</span>"
        )

    def _unit(self, unit_id: int) -> str:
        key = ("unit", unit_id)
        if key not in self._escaped:
            self._escaped[key] = f"<br><small>{html_escape(self.unit_names.get(unit_id, ''))}</small>"
        return self._escaped[key]

    def _sector(self, sector_id: int | None) -> str:
        key = ("sector", sector_id)
        if key not in self._escaped:
            self._escaped[key] = html_escape(self.sector_names.get(sector_id, ""))
        return self._escaped[key]

    def _handler(self, petition: "InboxItem") -> str:
        key = ("handler", petition.handler_id)
        if key not in self._escaped:
            self._escaped[key] = html_escape(petition.handler_name)
        return self._escaped[key]

    def __call__(self, petition: "InboxItem", urgency: str, petitioner: str) -> SafeString:
        received, labels = petition.received_on, self.labels
        return mark_safe(  # every value from the database is escaped here
            f"<tr{ROW_CLASSES.get(urgency, '')}>"
            f'<td><a href="{self.url_head}{petition.pk}{self.url_tail}">{html_escape(petition.tracking_code)}</a>'
            f'</td><th scope="row">{html_escape(petition.title)}'
            f"{self._unit(petition.unit_id) if petition.unit_id != self.unit_id else ''}</th>"
            f"<td>{self.due(petition.due_on, urgency)}</td>"
            f"<td>{labels.states.get(petition.state) or html_escape(petition.state)}</td>"
            f"<td>{labels.kinds.get(petition.kind) or html_escape(petition.kind)}</td>"
            f"<td>{self._sector(petition.sector_id)}</td>"
            f"<td>{received.day:02d}/{received.month:02d}/{received.year}</td>"
            f"<td>{html_escape(petitioner)}</td>"
            f"<td>{self._handler(petition)}</td>"
            "</tr>"
        )


def _handler_name(handler_id: int | None, name_fields: tuple, names: dict) -> str:
    if handler_id is None:
        return ""
    if handler_id not in names:
        full_name, first_name, last_name, username = name_fields
        user = get_user_model()(
            full_name=full_name, first_name=first_name, last_name=last_name, username=username
        )
        names[handler_id] = user.get_full_name()
    return names[handler_id]


# "All" without other filters, latest first, is taken from each unit's newest rows when the scope lists
# its units, as long as units × rows to skip and show stays below this (a province's first pages).
LATEST_BY_UNIT_MAX_ROWS = 10_000


def _latest_by_unit(scope: InboxScope, bucket: str, values: dict, offset: int) -> Callable | None:
    """The ids of the page of "all, latest first" as the union of each unit's newest rows, or None when the
    plain query is the better plan.

    Ordered by id, the page is otherwise answered by walking the primary key backwards from the newest row of
    the whole table, past the rows of every other unit, until it has found a page of this scope's: cheap for a
    province, whose rows are everywhere, but ~51 × (units in the database) rows for a commune's short list.
    Here each unit's newest rows come from the index on (unit, id) (`petitions_unit_id_idx`, index-only), at
    most (offset + a page) per unit: the cost depends on the scope only, never on other units' rows.
    PostgreSQL only (LATERAL, unnest); other filters keep the plain query (the index cannot test them).
    Returns a function of the unit ids giving the ids' sub-select."""
    if (
        connections[router.db_for_read(Petition)].vendor != "postgresql"
        or scope.unit_ids is None
        or len(scope.unit_ids) < 2  # one unit: the plain query reads the same index in order
        or bucket != "all"
        or any(value is not None for value in values.values())
        or len(scope.unit_ids) * (offset + PER_PAGE + 1) > LATEST_BY_UNIT_MAX_ROWS
    ):
        return None
    table, pk, unit = (
        Petition._meta.db_table,
        Petition._meta.pk.column,
        Petition._meta.get_field("unit").column,
    )
    sql = (
        f'SELECT latest."{pk}" FROM unnest(%s::bigint[]) AS scope_unit(id) CROSS JOIN LATERAL ('  # noqa: S608
        f'SELECT p."{pk}" FROM "{table}" p WHERE p."{unit}" = scope_unit.id ORDER BY p."{pk}" DESC LIMIT %s'
        f') latest ORDER BY latest."{pk}" DESC LIMIT %s OFFSET %s'
    )
    limits = (offset + PER_PAGE + 1, PER_PAGE + 1, offset)
    return lambda unit_ids: RawSQL(sql, (_array_literal(unit_ids), *limits))  # noqa: S611 - names from the model


def _inbox_page(
    petitions,
    number: int,
    urgency: Urgency,
    scope: InboxScope,
    sector_names: dict[int, str],
    filters: dict | None = None,
    user=None,
) -> InboxPage:
    """A page of the inbox. With `filters` (and the `user` they were set by) the rows come from `_page_rows`
    (SQL kept per shape, each unit's newest rows for "all"); without, from `petitions` as given."""
    offset = (number - 1) * PER_PAGE
    if filters is not None:
        found = _page_rows(petitions, scope, filters["bucket"], _filter_values(filters, user), offset)
    else:
        found = list(
            petitions.values_list(*INBOX_COLUMNS, *HANDLER_NAME_COLUMNS)[offset : offset + PER_PAGE + 1]
        )
    has_next, found = len(found) > PER_PAGE, found[:PER_PAGE]
    names: dict[int, str] = {}
    width = len(INBOX_COLUMNS)
    items = [
        InboxItem(*values[:width], _handler_name(values[width - 1], values[width:], names))
        for values in found
    ]
    unit_names = scope.unit_names
    if scope.unit_ids is None:  # a subtree too big to list: the names of this page's units only
        unit_names = dict(Unit.objects.filter(pk__in={p.unit_id for p in items}).values_list("pk", "name"))
    render_row = InboxRowRenderer(scope.unit, unit_names, sector_names)
    rows = []
    for item in items:
        level, petitioner = urgency.of(item), exports.petitioner_label(item)
        rows.append(InboxRow(item, level, petitioner, render_row(item, level, petitioner)))
    return InboxPage(rows=rows, number=number, has_next=has_next)


def _filter_query(request) -> str:
    return urlencode([(k, v) for k, v in request.GET.items() if k != "page"])


@login_required
@never_cache
def inbox(request):
    """The staff inbox. Its queries do not depend on the number of rows: the user (authentication), the page and
    the two capped counts (one query); the user's memberships, the subtree's units and the fields (sectors) come
    from caches dropped when they change, and the session from the session cache."""
    unit = _current_unit(request)
    _require(request, VIEW, unit)
    sectors = sector_names()  # cached until a field changes
    form = forms.InboxFilterForm(request.GET or None, sectors=sectors)
    filters = form.filters()
    urgency = _urgency_for(unit)
    scope = inbox_scope(request.user, unit)
    # The queryset is only built when the rows do not come from SQL kept per shape (SQLite, huge subtrees).
    petitions = SimpleLazyObject(lambda: inbox_queryset(request.user, unit, filters, scope=scope))
    context = {
        "unit": unit,
        "form": form,
        "bucket": filters["bucket"],
        "filtered": any(request.GET.get(name) for name in form.fields),
        "page": _inbox_page(
            petitions, _page_number(request), urgency, scope, dict(sectors), filters, request.user
        ),
        "counts": _inbox_counts(scope, urgency),
        "count_cap": URGENCY_COUNT_CAP,
        "urgency": urgency,
        "filters": _filter_query(request),
        "can_create": request.user.has_perm(HANDLE, unit),
        "can_export": request.user.has_perm(EXPORT, unit),
    }
    return render(request, "petitions/staff/inbox.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def export(request):
    """The inbox as filtered, as .xlsx. Up to exports.DIRECT_EXPORT_MAX_ROWS rows the file is the answer;
    a larger export runs as a job (export_views): GET offers it, POST starts it and opens its progress page."""
    unit = _current_unit(request)
    _require(request, EXPORT, unit)
    filters = forms.InboxFilterForm(request.GET or None).filters()
    petitions = inbox_queryset(request.user, unit, filters, permission=EXPORT)
    if export_views.runs_as_job(petitions):
        if request.method == "POST":
            return redirect("petitions:export_job", job_id=export_views.start_export(request, unit))
        return export_views.offer_page(request, unit)
    content = exports.export_inbox(petitions, today=timezone.localdate())
    filename = exports.export_filename(unit, timezone.localdate())
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ------------------------------------------------------------------------------------------------ intake


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def create(request):
    unit = _current_unit(request)
    _require(request, HANDLE, unit)
    form = forms.IntakeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            petition = services.submit_petition(
                unit=unit,
                kind=data["kind"],
                channel=data["channel"],
                title=data["title"],
                content=data["content"],
                actor=request.user,
                petitioner=form.petitioner(),
                confidential_identity=data["confidential"],
                anonymous=data["anonymous"],
                sector=data["sector"],
                location_text=data["location_text"],
                signers=data["signers"],
                received_on=data["received_on"],
                transferred_from=data["transferred_from"]
                if data["channel"] == Channel.TRANSFERRED_IN
                else "",
                attachments=data["attachments"],
            )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request,
                _("Petition %(code)s was received.") % {"code": petition.tracking_code},
            )
            return redirect("petitions:detail", pk=petition.pk)
    return render(request, "petitions/staff/create.html", {"unit": unit, "form": form})


# ------------------------------------------------------------------------------------------------ actions


def _appeal_units(request, petition: Petition):
    """Bodies above the first-instance one that the user may handle petitions for (Luật Khiếu nại Art. 33)."""
    return (
        Unit.objects.visible_to(request.user, HANDLE)
        .filter(is_active=True, path__in=petition.unit.ancestor_paths())
        .exclude(kind__in=SETTLEMENT_KINDS)
        .order_by("path")
    )


def _can_appeal(petition: Petition) -> bool:
    """A first-instance complaint that was decided, or whose deadline lapsed (Luật Khiếu nại Art. 33)."""
    if petition.kind != Kind.COMPLAINT or petition.instance != 1:
        return False
    if petition.state in (State.RESOLVED, State.CLOSED):
        return True
    return (
        petition.is_open
        and petition.resolution_due is not None
        and petition.resolution_due < timezone.localdate()
    )


@dataclass(frozen=True)
class Action:
    """One workflow step shown on the case page as a small form and posted to its own URL."""

    name: str
    label: str
    form_class: type
    perform: Callable
    success: str
    transition: str | None = None
    available: Callable[[Petition], bool] | None = None
    form_kwargs: Callable = field(default=lambda request, petition: {})
    initial: Callable = field(default=lambda petition: {})
    next_url: Callable = field(default=lambda petition, result: petition.get_absolute_url())

    def is_available(self, petition: Petition) -> bool:
        if self.transition is not None and petition.state not in services.TRANSITIONS[self.transition]:
            return False
        return self.available is None or self.available(petition)

    def build(self, request, petition: Petition, data=None, files=None):
        return self.form_class(
            data,
            files,
            prefix=self.name,
            initial=self.initial(petition),
            **self.form_kwargs(request, petition),
        )


def _classify(user, petition, data):
    return services.classify_petition(
        petition,
        actor=user,
        kind=data["kind"],
        sector=data["sector"],
        is_eligible=data["is_eligible"],
        within_competence=data["within_competence"],
        has_originals=data["has_originals"],
        signers=data["signers"],
        complexity=data["complexity"],
        several_sites=data["several_sites"],
        note=data["note"],
        decision_known_on=data["decision_known_on"],
        obstacle_days=data["obstacle_days"] or 0,
    )


def _split(user, petition, data):
    return services.split_petition(petition, actor=user, parts=data["parts"])


def _second_complaint(user, petition, data):
    return services.file_second_complaint(
        petition,
        actor=user,
        unit=data["unit"],
        content=data["content"],
        channel=data["channel"],
        received_on=data["received_on"],
        title=data["title"],
    )


def _after_second_complaint(petition, appeal) -> str:
    return appeal.get_absolute_url()


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        Action(
            "classify",
            gettext_lazy("Classify"),
            forms.ClassifyForm,
            _classify,
            gettext_lazy("The petition was classified."),
            transition="classify",
            initial=forms.ClassifyForm.initial_from,
        ),
        Action(
            "split",
            gettext_lazy("Split into several petitions"),
            forms.SplitForm,
            _split,
            gettext_lazy("The letter was split into parts, each with its own tracking code."),
            transition="split",
        ),
        Action(
            "link_repeat",
            gettext_lazy("Link as a repeat of an earlier petition"),
            forms.LinkRepeatForm,
            lambda user, p, d: services.link_repeat(p, actor=user, earlier=d["earlier"], note=d["note"]),
            gettext_lazy("The petition was linked to the earlier one and is counted once."),
            transition="link_repeat",
            form_kwargs=lambda request, petition: {"candidates": _visible(request).exclude(pk=petition.pk)},
        ),
        Action(
            "accept",
            gettext_lazy("Accept (thụ lý)"),
            forms.AcceptForm,
            lambda user, p, d: services.accept_petition(
                p, actor=user, accepted_on=d["accepted_on"], note=d["note"]
            ),
            gettext_lazy("The petition was accepted; the resolution period runs."),
            transition="accept",
        ),
        Action(
            "transfer",
            gettext_lazy("Transfer to the competent body"),
            forms.TransferForm,
            lambda user, p, d: services.transfer_petition(
                p,
                actor=user,
                to_body=d["to_body"],
                letter_number=d["letter_number"],
                letter=d["letter"],
                note=d["note"],
                transferred_on=d["transferred_on"],
            ),
            gettext_lazy("The petition was transferred."),
            transition="transfer",
            available=lambda p: p.within_competence is not True,
        ),
        Action(
            "guide",
            gettext_lazy("Guide the petitioner"),
            forms.GuideForm,
            lambda user, p, d: services.guide_petitioner(
                p, actor=user, to_body=d["to_body"], guidance=d["guidance"]
            ),
            gettext_lazy("The guidance was recorded."),
            transition="guide",
            available=lambda p: p.within_competence is not True,
        ),
        Action(
            "not_process",
            gettext_lazy("Do not process (lưu đơn)"),
            forms.NotProcessForm,
            lambda user, p, d: services.not_process_petition(
                p, actor=user, reason=d["reason"], refer_for_inspection=d["refer_for_inspection"]
            ),
            gettext_lazy("The petition is kept without processing."),
            transition="not_process",
        ),
        Action(
            "start_verification",
            gettext_lazy("Start verification"),
            forms.NoteForm,
            lambda user, p, d: services.start_verification(p, actor=user, note=d["note"]),
            gettext_lazy("Verification has started."),
            transition="start_verification",
        ),
        Action(
            "extend",
            gettext_lazy("Extend the deadline"),
            forms.ExtendForm,
            lambda user, p, d: services.extend_deadline(
                p,
                actor=user,
                reason=d["reason"],
                complexity=d["complexity"],
                decision_number=d["decision_number"],
            ),
            gettext_lazy("The deadline was extended."),
            transition="extend",
            available=lambda p: p.kind in (Kind.COMPLAINT, Kind.DENUNCIATION),
        ),
        Action(
            "resolve",
            gettext_lazy("Resolve"),
            forms.ResolveForm,
            lambda user, p, d: services.resolve_petition(
                p,
                actor=user,
                outcome=d["outcome"],
                decision_number=d["decision_number"],
                resolved_on=d["resolved_on"],
                document=d["document"],
            ),
            gettext_lazy("The petition was resolved."),
            transition="resolve",
        ),
        Action(
            "close",
            gettext_lazy("Close the case"),
            forms.NoteForm,
            lambda user, p, d: services.close_petition(p, actor=user, note=d["note"]),
            gettext_lazy("The case was closed."),
            transition="close",
        ),
        Action(
            "withdraw",
            gettext_lazy("Record a withdrawal"),
            forms.WithdrawForm,
            lambda user, p, d: services.withdraw_petition(
                p, actor=user, reason=d["reason"], withdrawn_on=d["withdrawn_on"]
            ),
            gettext_lazy("The withdrawal was recorded."),
            transition="withdraw",
        ),
        Action(
            "assign",
            gettext_lazy("Assign a handler"),
            forms.AssignForm,
            lambda user, p, d: services.assign_handler(p, actor=user, handler=d["handler"]),
            gettext_lazy("The handler was assigned."),
            transition="assign",
            form_kwargs=lambda request, petition: {"handlers": services.eligible_handlers(petition)},
            initial=lambda petition: {"handler": petition.handler_id},
        ),
        Action(
            "second_complaint",
            gettext_lazy("Record a second complaint"),
            forms.SecondComplaintForm,
            _second_complaint,
            gettext_lazy("The second complaint was recorded as a linked case."),
            available=_can_appeal,
            form_kwargs=lambda request, petition: {"units": _appeal_units(request, petition)},
            next_url=_after_second_complaint,
        ),
        Action(
            "protect",
            gettext_lazy("Keep the identity confidential"),
            forms.ReasonForm,
            lambda user, p, d: services.protect_identity(p, actor=user, reason=d["reason"]),
            gettext_lazy("The petitioner's identity is now kept confidential."),
            available=lambda p: not p.is_confidential and not p.is_anonymous,
        ),
    )
}


def _cleaned_for_service(action: Action, form) -> dict:
    data = dict(form.cleaned_data)
    if action.name == "split":
        data["parts"] = form.parts()
    return data


@login_required
@never_cache
@require_POST
def petition_action(request, pk: int, action: str):
    spec = ACTIONS[action]
    petition = _petition_or_404(request, pk)
    _require(request, HANDLE, petition)
    form = spec.build(request, petition, request.POST, request.FILES)
    if form.is_valid():
        try:
            result = spec.perform(request.user, petition, _cleaned_for_service(spec, form))
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, spec.success)
            return redirect(spec.next_url(petition, result))
    petition = _petition_or_404(request, pk)
    return _render_detail(request, petition, failed=(spec, form))


# ------------------------------------------------------------------------------------------------ case page

EVENT_LABELS = {
    "received": gettext_lazy("Received"),
    "classify": gettext_lazy("Classified"),
    "split": gettext_lazy("Split into parts"),
    "link_repeat": gettext_lazy("Linked as a repeat"),
    "repeat_received": gettext_lazy("A repeat was received"),
    "accept": gettext_lazy("Accepted (thụ lý)"),
    "transfer": gettext_lazy("Transferred"),
    "guide": gettext_lazy("Petitioner guided"),
    "not_process": gettext_lazy("Not processed"),
    "start_verification": gettext_lazy("Verification started"),
    "extend": gettext_lazy("Deadline extended"),
    "resolve": gettext_lazy("Resolved"),
    "close": gettext_lazy("Closed"),
    "withdraw": gettext_lazy("Withdrawn"),
    "assign": gettext_lazy("Handler assigned"),
    "appealed": gettext_lazy("Second complaint brought"),
    "protect_identity": gettext_lazy("Identity made confidential"),
    "deadline_recomputed": gettext_lazy("Deadline recomputed"),
}

EVENT_DATA_LABELS = {
    "channel": gettext_lazy("Received through"),
    "kind": gettext_lazy("Kind"),
    "eligible": gettext_lazy("Eligible"),
    "within_competence": gettext_lazy("Within our competence"),
    "signers": gettext_lazy("Signers"),
    "to_body": gettext_lazy("Competent body"),
    "letter_number": gettext_lazy("Transfer letter no."),
    "decision_number": gettext_lazy("Decision no."),
    "extension": gettext_lazy("Extension no."),
    "late": gettext_lazy("After the deadline"),
    "parts": gettext_lazy("Parts"),
    "earlier": gettext_lazy("Earlier petition"),
    "repeat": gettext_lazy("Repeat"),
    "appeal": gettext_lazy("Second complaint"),
    "handler": gettext_lazy("Handler"),
    "refer_for_inspection": gettext_lazy("Passed on for inspection"),
    "decision_known_on": gettext_lazy("Decision known on"),
    "obstacle_days": gettext_lazy("Days of obstacles"),
    "due_before": gettext_lazy("Deadline before"),
    "due_after": gettext_lazy("Deadline after"),
}
DATE_DATA_KEYS = frozenset({"due_before", "due_after", "decision_known_on"})


def _display_value(key: str, value, handler_names: dict) -> str:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if key == "channel":
        return str(Channel(value).label) if value in Channel.values else str(value)
    if key == "kind":
        return str(Kind(value).label) if value in Kind.values else str(value)
    if key == "handler":
        return handler_names.get(value, "")
    if key in DATE_DATA_KEYS and isinstance(value, str):
        return date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


@dataclass(frozen=True)
class TimelineEntry:
    event: object
    label: str
    details: list


def _timeline(petition: Petition) -> list[TimelineEntry]:
    events = list(petition.events.select_related("actor").order_by("at", "pk"))
    handler_ids = {e.data.get("handler") for e in events if isinstance(e.data.get("handler"), int)}
    names = {user.pk: user.get_full_name() for user in get_user_model().objects.filter(pk__in=handler_ids)}
    entries = []
    for event in events:
        details = [
            (EVENT_DATA_LABELS[key], _display_value(key, value, names))
            for key, value in event.data.items()
            if key in EVENT_DATA_LABELS and value not in ("", None, [])
        ]
        entries.append(TimelineEntry(event, EVENT_LABELS.get(event.action, event.action), details))
    return entries


@dataclass(frozen=True)
class Deadline:
    label: str
    day: date
    article: str
    overdue: bool = False


def _article(key: str, on: date | None) -> str:
    return legal.rule_for(key, on or timezone.localdate()).article


def _current_deadline_article(petition: Petition) -> str:
    if petition.due_kind == DueKind.FORWARDING:
        return _article("forwarding", petition.received_on)
    if petition.due_kind == DueKind.RESOLUTION:
        return _resolution_article(petition)
    key = legal.acceptance_rule_key(petition.kind, several_sites=petition.several_sites)
    return _article(key, petition.received_on)


def _resolution_article(petition: Petition) -> str:
    key = legal.resolution_rule_key(
        petition.kind, instance=petition.instance, complexity=petition.complexity, unit=petition.unit
    )
    article = _article(key, petition.accepted_on)
    if petition.kind == Kind.DENUNCIATION and petition.extensions:
        article = f"{article}; {_article('denunciation.extension', petition.accepted_on)}"
    return article


def _deadlines(petition: Petition, today: date) -> list[Deadline]:
    deadlines = []
    if petition.due_on is not None:
        deadlines.append(
            Deadline(
                _("Current deadline: %(what)s") % {"what": petition.get_due_kind_display()},
                petition.due_on,
                _current_deadline_article(petition),
                petition.is_overdue(today),
            )
        )
    if petition.resolution_due is not None and petition.due_kind != DueKind.RESOLUTION:
        deadlines.append(
            Deadline(_("Resolution due"), petition.resolution_due, _resolution_article(petition))
        )
    appeal_end = services.appeal_deadline_for(petition)
    if appeal_end is not None and petition.state in (State.RESOLVED, State.CLOSED):
        window_date = petition.resolved_on or petition.resolution_due
        deadlines.append(
            Deadline(
                _("Last day to bring a second complaint"),
                appeal_end,
                _article(legal.appeal_window_key(petition.unit), window_date),
            )
        )
    return deadlines


def _related(request, petition: Petition) -> dict[str, list[Petition]]:
    own = [pk for pk in (petition.split_from_id, petition.linked_to_id, petition.appeal_of_id) if pk]
    found = list(
        _visible(request)
        .filter(Q(split_from=petition) | Q(linked_to=petition) | Q(appeal_of=petition) | Q(pk__in=own))
        .select_related("unit")
        .order_by("received_on", "pk")
    )
    return {
        "letter": [p for p in found if p.pk == petition.split_from_id],
        "parts": [p for p in found if p.split_from_id == petition.pk],
        "earlier": [p for p in found if p.pk == petition.linked_to_id],
        "repeats": [p for p in found if p.linked_to_id == petition.pk],
        "original": [p for p in found if p.pk == petition.appeal_of_id],
        "appeals": [p for p in found if p.appeal_of_id == petition.pk],
    }


def _attachments(petition: Petition):
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(Petition), object_id=str(petition.pk)
    ).order_by("created_at", "pk")


@dataclass(frozen=True)
class ActionForm:
    action: Action
    form: object
    failed: bool


def _action_forms(request, petition: Petition, failed) -> list[ActionForm]:
    failed_action, failed_form = failed if failed else (None, None)
    shown = []
    for action in ACTIONS.values():
        if not action.is_available(petition):
            continue
        if action is failed_action:
            shown.append(ActionForm(action, failed_form, True))
        else:
            shown.append(ActionForm(action, action.build(request, petition), False))
    return shown


def _render_detail(request, petition: Petition, *, failed=None, revealed=None, reveal_form=None):
    user = request.user
    can_handle = user.has_perm(HANDLE, petition)
    can_reveal = petition.is_confidential and services.may_reveal_identity(user, petition)
    suggestions = []
    if petition.state in services.TRANSITIONS["link_repeat"]:
        suggestions = suggest_duplicates(petition, among=_visible(request))
    context = {
        "petition": petition,
        "unit": petition.unit,
        "today": timezone.localdate(),
        "urgency": _urgency_for(petition.unit).of(petition),
        "petitioner_label": exports.petitioner_label(petition),
        "timeline": _timeline(petition),
        "deadlines": _deadlines(petition, timezone.localdate()),
        "related": _related(request, petition),
        "attachments": _attachments(petition),
        "can_download": _may_download(user, petition),
        "suggestions": suggestions,
        "can_handle": can_handle,
        "can_link": can_handle and petition.state in services.TRANSITIONS["link_repeat"],
        "action_forms": _action_forms(request, petition, failed) if can_handle else [],
        "failed": failed,
        "can_reveal": can_reveal,
        "reveal_form": reveal_form or (forms.RevealForm(prefix="reveal") if can_reveal else None),
        "revealed": revealed,
    }
    return render(request, "petitions/staff/detail.html", context)


@login_required
@never_cache
def detail(request, pk: int):
    petition = _petition_or_404(request, pk)
    _require(request, VIEW, petition)
    return _render_detail(request, petition)


@login_required
@never_cache
@require_POST
def reveal(request, pk: int):
    """Show a confidential petitioner's identity once, in this response only; the service checks the
    permission, requires the reason and writes the ledger."""
    petition = _petition_or_404(request, pk)
    if not services.may_reveal_identity(request.user, petition):
        raise PermissionDenied
    form = forms.RevealForm(request.POST, prefix="reveal")
    revealed = None
    if form.is_valid():
        try:
            revealed = services.reveal_identity(
                petition, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_service_error(form, error)
    return _render_detail(request, petition, revealed=revealed, reveal_form=form)


@login_required
@never_cache
def attachment(request, pk: int):
    """Download a petition's attachment after checking that the user may see the petition (and, for a
    confidential one, handle it)."""
    file = get_object_or_404(Attachment, pk=pk, content_type=ContentType.objects.get_for_model(Petition))
    petition = _visible(request).select_related("unit").filter(pk=file.object_id).first()
    if petition is None:
        raise Http404
    _require(request, VIEW, petition)
    if not _may_download(request.user, petition):
        raise PermissionDenied
    return serve_attachment(request, file)


def _may_download(user, petition: Petition) -> bool:
    """A confidential petitioner's letter and evidence carry the name and handwriting (Luật Tố cáo Art. 9.1.b,
    56): only those who handle the petition download them; read-only roles see that they exist."""
    return not petition.is_confidential or user.has_perm(HANDLE, petition)
