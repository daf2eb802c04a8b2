"""Every write to units and households. Views, API, admin and commands call these; they never save models."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from dancoso.core import ledger
from dancoso.core.text import normalize_text, search_key
from dancoso.units.models import ALLOWED_PARENT_KINDS, Household, Unit, path_segment


def unique_slug(name: str, parent: Unit | None = None) -> str:
    base = slugify(search_key(name))[:100] or "don-vi"
    candidates = [base]
    if parent is not None:
        candidates.append(f"{base}-{slugify(search_key(parent.name))}"[:110])
    for candidate in candidates:
        if not Unit.objects.filter(slug=candidate).exists():
            return candidate
    n = 2
    while Unit.objects.filter(slug=f"{base}-{n}").exists():
        n += 1
    return f"{base}-{n}"


def _check_parent(kind: str, parent: Unit | None) -> None:
    parent_kind = parent.kind if parent is not None else None
    if parent_kind not in ALLOWED_PARENT_KINDS[kind]:
        raise ValidationError(
            _("A unit of kind “%(kind)s” cannot be placed under “%(parent)s”.")
            % {"kind": Unit(kind=kind).get_kind_display(), "parent": parent or _("the top level")}
        )


@transaction.atomic
def create_unit(*, actor, kind: str, code: str, name: str, parent: Unit | None = None, slug: str = "", **fields) -> Unit:
    _check_parent(kind, parent)
    name = normalize_text(name)
    unit = Unit(
        kind=kind,
        code=normalize_text(code),
        name=name,
        slug=slug or unique_slug(name, parent),
        parent=parent,
        depth=0 if parent is None else parent.depth + 1,
        search_key=search_key(name),
        path=f"tmp-{code}",
        **fields,
    )
    unit.full_clean(exclude=["path"])
    unit.save()
    unit.path = (parent.path if parent else "") + path_segment(unit.pk)
    unit.save(update_fields=["path"])
    ledger.record(action="units.create_unit", actor=actor, obj=unit, payload={"code": unit.code, "name": name})
    return unit


UNIT_EDITABLE_FIELDS = frozenset(
    {"name", "population", "household_count", "area_km2", "is_remote_area", "calendar", "address", "phone",
     "email", "is_active", "code"}
)


@transaction.atomic
def update_unit(unit: Unit, *, actor, **changes) -> Unit:
    unknown = set(changes) - UNIT_EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"not editable through update_unit: {sorted(unknown)}")
    before = {name: getattr(unit, name) for name in changes}
    for name, value in changes.items():
        setattr(unit, name, normalize_text(value) if isinstance(value, str) else value)
    unit.search_key = search_key(unit.name)
    unit.full_clean()
    unit.save()
    ledger.record(
        action="units.update_unit",
        actor=actor,
        obj=unit,
        payload={"changed": {k: [str(before[k]), str(getattr(unit, k))] for k in changes if before[k] != getattr(unit, k)}},
    )
    return unit


def household_search_key(household: Household) -> str:
    return search_key(f"{household.code} {household.representative_name} {household.address}")
