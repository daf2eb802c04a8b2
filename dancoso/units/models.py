"""The administrative tree and the households that live in it."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dancoso.core.scoping import ScopedQuerySet

PATH_SEGMENT_WIDTH = 8  # hex digits per level: 4 billion units per level is plenty
PATH_SEPARATOR = "/"
TEMPORARY_PATH_PREFIX = (
    "tmp-"  # a new unit's path until its primary key is known (units.services.create_unit)
)


# Unit pages live at "/<slug>/" beside the site's own top-level paths, so no unit may take one of these.
# portal.urls keeps its URL patterns and this list in step (portal/tests/test_reserved_slugs.py).
RESERVED_SLUGS = frozenset(
    {"accounts", "admin", "api", "healthz", "i18n", "media", "open311", "staff", "static"}
)


def path_segment(pk: int) -> str:
    return f"{pk:0{PATH_SEGMENT_WIDTH}x}{PATH_SEPARATOR}"


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Province / centrally-run city")
    COMMUNE = "commune", _("Commune")
    WARD = "ward", _("Ward")
    SPECIAL_ZONE = "special_zone", _("Special zone")
    VILLAGE = "village", _("Village (thôn)")
    RESIDENTIAL_GROUP = "residential_group", _("Residential group (tổ dân phố)")
    AGENCY = "agency", _("State agency")
    PUBLIC_SERVICE_UNIT = "public_service_unit", _("Public service unit")
    ENTERPRISE = "enterprise", _("Enterprise")


COMMUNE_LEVEL_KINDS = frozenset({UnitKind.COMMUNE, UnitKind.WARD, UnitKind.SPECIAL_ZONE})
SETTLEMENT_KINDS = frozenset({UnitKind.VILLAGE, UnitKind.RESIDENTIAL_GROUP})
WORKPLACE_KINDS = frozenset({UnitKind.AGENCY, UnitKind.PUBLIC_SERVICE_UNIT, UnitKind.ENTERPRISE})

# Which kinds may sit under which. None = a root.
ALLOWED_PARENT_KINDS: dict[str, frozenset] = {
    UnitKind.PROVINCE: frozenset({None}),
    UnitKind.COMMUNE: frozenset({UnitKind.PROVINCE}),
    UnitKind.WARD: frozenset({UnitKind.PROVINCE}),
    UnitKind.SPECIAL_ZONE: frozenset({UnitKind.PROVINCE}),
    UnitKind.VILLAGE: COMMUNE_LEVEL_KINDS,
    UnitKind.RESIDENTIAL_GROUP: COMMUNE_LEVEL_KINDS,
    UnitKind.AGENCY: frozenset({None, UnitKind.PROVINCE, *COMMUNE_LEVEL_KINDS, UnitKind.AGENCY}),
    UnitKind.PUBLIC_SERVICE_UNIT: frozenset(
        {None, UnitKind.PROVINCE, *COMMUNE_LEVEL_KINDS, UnitKind.AGENCY, UnitKind.PUBLIC_SERVICE_UNIT}
    ),
    UnitKind.ENTERPRISE: frozenset({None, UnitKind.PROVINCE, *COMMUNE_LEVEL_KINDS}),
}


class UnitQuerySet(ScopedQuerySet):
    scope_unit_field = ""  # a unit is its own scope

    def subtree(self, unit: "Unit", include_self: bool = True) -> "UnitQuerySet":
        qs = self.filter(path__startswith=unit.path)
        return qs if include_self else qs.exclude(pk=unit.pk)

    def ancestors_of(self, unit: "Unit") -> "UnitQuerySet":
        return self.filter(path__in=unit.ancestor_paths()).order_by("depth")

    def commune_level(self) -> "UnitQuerySet":
        return self.filter(kind__in=COMMUNE_LEVEL_KINDS)


class Unit(models.Model):
    """A node of the tree: province → commune/ward/special zone → village/residential group, plus agencies,
    public service units and enterprises wherever they report.

    `path` is the materialised path of hex ids ("0000000a/0000001f/"): a subtree is one indexed
    `path LIKE 'prefix%'` query.
    """

    kind = models.CharField(_("kind"), max_length=30, choices=UnitKind.choices, db_index=True)
    code = models.CharField(
        _("official code"),
        max_length=20,
        unique=True,
        help_text=_(
            "Code in the national list of administrative units (QĐ 19/2025/QĐ-TTg) or the unit's own."
        ),
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("address on the site"), max_length=120, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    household_count = models.PositiveIntegerField(
        _("number of households"),
        null=True,
        blank=True,
        help_text=_("Official figure; may differ from the rows kept."),
    )
    area_km2 = models.DecimalField(_("area (km²)"), max_digits=10, decimal_places=2, null=True, blank=True)
    is_remote_area = models.BooleanField(
        _("remote or disadvantaged area"),
        default=False,
        help_text=_("Vùng sâu, vùng xa: longer complaint deadlines (Luật Khiếu nại Art. 28, 37)."),
    )
    calendar = models.ForeignKey(
        "core.WorkCalendar",
        verbose_name=_("work calendar"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Leave empty to use the parent's calendar (the national one at the top)."),
    )
    address = models.CharField(_("address of the seat"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    search_key = models.CharField(max_length=300, editable=False, db_index=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [models.Index(fields=["parent", "kind"], name="units_parent_kind_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portal:unit_home", kwargs={"unit_slug": self.slug})

    def ancestor_paths(self) -> list[str]:
        width = PATH_SEGMENT_WIDTH + len(PATH_SEPARATOR)
        return [self.path[: width * (i + 1)] for i in range(self.depth)]

    @property
    def is_commune_level(self) -> bool:
        return self.kind in COMMUNE_LEVEL_KINDS

    @property
    def is_settlement(self) -> bool:
        return self.kind in SETTLEMENT_KINDS

    @property
    def is_workplace(self) -> bool:
        return self.kind in WORKPLACE_KINDS


class HouseholdQuerySet(ScopedQuerySet):
    scope_unit_field = "unit"


class Household(models.Model):
    """A household (hộ gia đình) registered in a village or residential group; one vote in household ballots."""

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("village / residential group"),
        on_delete=models.PROTECT,
        related_name="households",
    )
    code = models.CharField(_("household code"), max_length=30)
    address = models.CharField(_("address"), max_length=300)
    representative_name = models.CharField(_("representative (head of household)"), max_length=200)
    representative_phone = models.CharField(_("representative's phone"), max_length=20, blank=True)
    representative_email = models.EmailField(_("representative's email"), blank=True)
    member_count = models.PositiveSmallIntegerField(_("members"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    search_key = models.CharField(max_length=400, editable=False, db_index=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        ordering = ["unit", "code"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [models.UniqueConstraint(fields=["unit", "code"], name="units_household_code_per_unit")]

    def __str__(self) -> str:
        return f"{self.code} – {self.representative_name}"
