"""Every write to units and households. Views, API, admin and commands call these; they never save models."""

import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook

from dancoso.core import ledger
from dancoso.core.text import normalize_phone, normalize_text, search_key
from dancoso.units.importing import COLUMNS, HouseholdRow, ImportMode, RowError, validate_households
from dancoso.units.models import (
    ALLOWED_PARENT_KINDS,
    RESERVED_SLUGS,
    TEMPORARY_PATH_PREFIX,
    Household,
    Unit,
    path_segment,
)
from dancoso.units.signals import unit_updated


def unique_slug(name: str, parent: Unit | None = None) -> str:
    base = slugify(search_key(name))[:100] or "don-vi"
    candidates = [base]
    if parent is not None:
        candidates.append(f"{base}-{slugify(search_key(parent.name))}"[:110])
    for candidate in candidates:
        if candidate not in RESERVED_SLUGS and not Unit.objects.filter(slug=candidate).exists():
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
def create_unit(
    *, actor, kind: str, code: str, name: str, parent: Unit | None = None, slug: str = "", **fields
) -> Unit:
    _check_parent(kind, parent)
    if slug in RESERVED_SLUGS:
        raise ValidationError(
            {"slug": _("The address “%(slug)s” is used by the site itself; choose another.") % {"slug": slug}}
        )
    name = normalize_text(name)
    unit = Unit(
        kind=kind,
        code=normalize_text(code),
        name=name,
        slug=slug or unique_slug(name, parent),
        parent=parent,
        depth=0 if parent is None else parent.depth + 1,
        search_key=search_key(name),
        path=f"{TEMPORARY_PATH_PREFIX}{code}",
        **fields,
    )
    unit.full_clean(exclude=["path"])
    unit.save()
    unit.path = (parent.path if parent else "") + path_segment(unit.pk)
    unit.save(update_fields=["path"])
    ledger.record(
        action="units.create_unit", actor=actor, obj=unit, payload={"code": unit.code, "name": name}
    )
    return unit


UNIT_EDITABLE_FIELDS = frozenset(
    {
        "name",
        "population",
        "household_count",
        "area_km2",
        "is_remote_area",
        "calendar",
        "address",
        "phone",
        "email",
        "is_active",
        "code",
    }
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
    changed = frozenset(k for k in changes if before[k] != getattr(unit, k))
    ledger.record(
        action="units.update_unit",
        actor=actor,
        obj=unit,
        payload={"changed": {k: [str(before[k]), str(getattr(unit, k))] for k in sorted(changed)}},
    )
    if changed:
        unit_updated.send(sender=Unit, unit=unit, changed=changed, actor=actor)
    return unit


def household_search_key(household: Household) -> str:
    return search_key(f"{household.code} {household.representative_name} {household.address}")


# ------------------------------------------------------------------------------------------- households

HOUSEHOLD_EDITABLE_FIELDS = frozenset(
    {
        "unit",
        "code",
        "address",
        "representative_name",
        "representative_phone",
        "representative_email",
        "member_count",
    }
)


def _check_settlement(unit: Unit) -> None:
    if not unit.is_settlement:
        raise ValidationError(
            {
                "unit": _("Households belong to a village or residential group, not to “%(unit)s”.")
                % {"unit": unit}
            }
        )


def _clean_household(household: Household) -> None:
    """Normalise text and phone, then validate; raises ValidationError with messages per field."""
    for name in ("code", "address", "representative_name", "representative_email"):
        setattr(household, name, normalize_text(getattr(household, name)))
    raw_phone = normalize_text(household.representative_phone)
    household.representative_phone = normalize_phone(raw_phone)
    errors: dict[str, list[str]] = {}
    if raw_phone and not household.representative_phone:
        errors["representative_phone"] = [
            _("“%(value)s” is not a valid Vietnamese phone number.") % {"value": raw_phone}
        ]
    if household.member_count is not None and household.member_count < 1:
        errors["member_count"] = [_("The number of members must be at least 1.")]
    duplicate = Household.objects.filter(unit=household.unit, code__iexact=household.code).exclude(
        pk=household.pk
    )
    if household.code and duplicate.exists():
        errors["code"] = [
            _("Household code “%(code)s” already exists in %(unit)s.")
            % {"code": household.code, "unit": household.unit}
        ]
    try:
        household.full_clean(exclude=["search_key"], validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    household.search_key = household_search_key(household)


def _household_payload(household: Household) -> dict:
    return {
        "code": household.code,
        "unit": household.unit_id,
        "representative": household.representative_name,
    }


@transaction.atomic
def create_household(
    *,
    actor,
    unit: Unit,
    code: str,
    address: str,
    representative_name: str,
    representative_phone: str = "",
    representative_email: str = "",
    member_count: int | None = None,
) -> Household:
    _check_settlement(unit)
    household = Household(
        unit=unit,
        code=code,
        address=address,
        representative_name=representative_name,
        representative_phone=representative_phone or "",
        representative_email=representative_email or "",
        member_count=member_count,
    )
    _clean_household(household)
    household.save()
    ledger.record(
        action="units.create_household", actor=actor, obj=household, payload=_household_payload(household)
    )
    return household


@transaction.atomic
def update_household(household: Household, *, actor, **changes) -> Household:
    unknown = set(changes) - HOUSEHOLD_EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"not editable through update_household: {sorted(unknown)}")
    if "unit" in changes:
        _check_settlement(changes["unit"])
    before = {name: getattr(household, name) for name in changes}
    for name, value in changes.items():
        text_field = name not in ("unit", "member_count")
        setattr(household, name, "" if text_field and value is None else value)
    _clean_household(household)
    changed = {
        k: [str(before[k]), str(getattr(household, k))] for k in changes if before[k] != getattr(household, k)
    }
    if not changed:
        return household
    household.save()
    ledger.record(action="units.update_household", actor=actor, obj=household, payload={"changed": changed})
    return household


@transaction.atomic
def deactivate_household(household: Household, *, actor, reason: str = "") -> Household:
    """Households are never deleted (ballots and petitions refer to them); they stop counting instead."""
    if not household.is_active:
        return household
    household.is_active = False
    household.save(update_fields=["is_active", "updated_at"])
    ledger.record(
        action="units.deactivate_household",
        actor=actor,
        obj=household,
        payload={"reason": normalize_text(reason)},
    )
    return household


@transaction.atomic
def reactivate_household(household: Household, *, actor) -> Household:
    if household.is_active:
        return household
    household.is_active = True
    household.save(update_fields=["is_active", "updated_at"])
    ledger.record(action="units.reactivate_household", actor=actor, obj=household, payload={})
    return household


def _household_from_fields(unit: Unit, fields: dict) -> Household:
    household = Household(unit=unit, **{k: v for k, v in fields.items() if v is not None})
    for name in ("code", "address", "representative_name", "representative_email"):
        setattr(household, name, normalize_text(getattr(household, name)))
    raw_phone = normalize_text(household.representative_phone)
    household.representative_phone = normalize_phone(raw_phone)
    if raw_phone and not household.representative_phone:
        raise ValidationError(
            {
                "representative_phone": _("“%(value)s” is not a valid Vietnamese phone number.")
                % {"value": raw_phone}
            }
        )
    household.full_clean(exclude=["unit", "search_key"], validate_unique=False, validate_constraints=False)
    household.search_key = household_search_key(household)
    return household


@transaction.atomic
def add_households(*, actor, unit: Unit, rows: list[dict]) -> int:
    """Add many households to one village at once (seeding, integrations): all or none, one ledger entry.

    Each row holds Household fields (code, address, representative_name, optional phone, email, members).
    Returns how many were added."""
    _check_settlement(unit)
    unknown = {name for row in rows for name in row} - (HOUSEHOLD_EDITABLE_FIELDS - {"unit"})
    if unknown:
        raise ValueError(f"not household fields: {sorted(unknown)}")
    households = [_household_from_fields(unit, row) for row in rows]
    taken = {code.casefold() for code in Household.objects.filter(unit=unit).values_list("code", flat=True)}
    for household in households:
        key = household.code.casefold()
        if key in taken:
            raise ValidationError(
                {
                    "code": _("Household code “%(code)s” already exists in %(unit)s.")
                    % {"code": household.code, "unit": unit}
                }
            )
        taken.add(key)
    Household.objects.bulk_create(households, batch_size=IMPORT_BATCH_SIZE)
    ledger.record(action="units.add_households", actor=actor, obj=unit, payload={"count": len(households)})
    return len(households)


# ------------------------------------------------------------------------------------ import and export


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    sha256: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


IMPORT_BATCH_SIZE = 1000
UPDATABLE_BY_IMPORT = (
    "address",
    "representative_name",
    "representative_phone",
    "representative_email",
    "member_count",
)


def _new_household(row: HouseholdRow) -> Household:
    household = Household(
        unit=row.village,
        code=row.code,
        address=row.address,
        representative_name=row.representative_name,
        representative_phone=row.representative_phone,
        representative_email=row.representative_email,
        member_count=row.member_count,
    )
    household.search_key = household_search_key(household)
    return household


def _apply_row(household: Household, row: HouseholdRow, columns: frozenset[str]) -> bool:
    """Copy the file's values onto an existing household; columns absent from the file stay as they are."""
    changed = False
    for name in UPDATABLE_BY_IMPORT:
        if name in columns and getattr(household, name) != getattr(row, name):
            setattr(household, name, getattr(row, name))
            changed = True
    if changed:
        household.search_key = household_search_key(household)
        household.updated_at = timezone.now()
    return changed


def import_households(
    *, actor, commune: Unit, file, filename: str, mode: str = ImportMode.ADD_ONLY
) -> ImportResult:
    """Validate the whole file, then write all of it or nothing. Callers check `units.import_household`."""
    data = file.read() if hasattr(file, "read") else bytes(file)
    result = ImportResult(sha256=ledger.sha256_hex(data))
    if not commune.is_commune_level:
        result.errors.append(
            RowError(None, "", _("Households are imported into a commune, ward or special zone."))
        )
        return result
    validated = validate_households(data, filename, commune=commune, mode=mode)
    if validated.errors:
        result.errors = validated.errors
        return result
    new = [_new_household(row) for row in validated.rows if row.existing is None]
    changed = [
        row.existing
        for row in validated.rows
        if row.existing and _apply_row(row.existing, row, validated.columns)
    ]
    try:
        with transaction.atomic():
            Household.objects.bulk_create(new, batch_size=IMPORT_BATCH_SIZE)
            Household.objects.bulk_update(
                changed, [*UPDATABLE_BY_IMPORT, "search_key", "updated_at"], batch_size=IMPORT_BATCH_SIZE
            )
            ledger.record(
                action="units.import_households",
                actor=actor,
                obj=commune,
                payload={
                    "filename": normalize_text(filename),
                    "sha256": result.sha256,
                    "mode": str(mode),
                    "rows": len(validated.rows),
                    "created": len(new),
                    "updated": len(changed),
                },
            )
    except IntegrityError:
        # Someone added one of these codes between validation and writing; nothing was kept.
        result.errors.append(
            RowError(
                None,
                "",
                _(
                    "The household list changed while the file was being imported. "
                    "Nothing was imported; please import the file again."
                ),
            )
        )
        return result
    result.created, result.updated = len(new), len(changed)
    result.unchanged = len(validated.rows) - len(new) - len(changed)
    return result


def _village_labels(households) -> dict[int, str]:
    """The village's name, or its code where two villages of one commune share a name (import needs one)."""
    villages = list(
        Unit.objects.filter(pk__in=households.values("unit_id")).only("pk", "name", "code", "parent_id")
    )
    seen: dict[tuple[int | None, str], int] = {}
    for village in villages:
        key = (village.parent_id, search_key(village.name))
        seen[key] = seen.get(key, 0) + 1
    return {v.pk: v.name if seen[(v.parent_id, search_key(v.name))] == 1 else v.code for v in villages}


def export_households(queryset) -> bytes:
    """An .xlsx with the import columns, so an exported file re-imports (in update mode) without errors."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(_("Households"))[:31])
    sheet.append([str(column.label) for column in COLUMNS])
    village_labels = _village_labels(queryset)
    for household in queryset.order_by("unit__path", "code").iterator(chunk_size=2000):
        sheet.append(
            [
                household.code,
                household.address,
                village_labels[household.unit_id],
                household.representative_name,
                household.representative_phone,
                household.representative_email,
                household.member_count,
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
