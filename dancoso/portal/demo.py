"""Demo data built from the seeds in ../shared/seeds: Hải Phòng (wards Phù Liễn and Hải Dương, commune
An Khánh with 19 villages and about 34,000 people) and Ninh Bình with the provincial people's committee office.

Figures taken from the seeds and LEGAL.md §10 are real (province population and area, An Khánh's 19 villages,
~34,000 people, 24 km²); unit codes, the two wards' populations, village and residential-group names,
households and people are generated for the demo and are not official.
Every write goes through the apps' services; running the build twice changes nothing.
"""

import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from dancoso.accounts import services as account_services
from dancoso.accounts.models import User
from dancoso.accounts.roles import Role
from dancoso.units import services as unit_services
from dancoso.units.models import Household, Unit, UnitKind

DEMO_PASSWORD = "dancoso-demo-2026"
PEOPLE_PER_HOUSEHOLD = Decimal("3.8")

SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Vũ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Đinh",
]
MIDDLE_NAMES = ["Văn", "Thị", "Đức", "Minh", "Ngọc", "Thanh", "Hữu", "Quang", "Thu", "Xuân", "Hồng", "Kim"]
GIVEN_NAMES = [
    "An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Hương", "Lan", "Linh", "Long", "Mai",
    "Minh", "Nam", "Nga", "Phong", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Tuấn", "Vân", "Yến",
]  # fmt: skip

AN_KHANH_VILLAGES = [
    "Tân Viên", "Mỹ Đức", "Thái Sơn", "Đông Hải", "Tây Hải", "Kinh Điền", "Trà Phương", "Ninh Duy", "Phương Lung",
    "Tiên Hội", "Kênh Hữu", "Đa Ngư", "Tân Lập", "Phú Xuân", "An Lạc", "Đồng Cống", "Cẩm Khê", "Hòa Bình", "Quý Kim",
]  # fmt: skip


@dataclass
class UnitSpec:
    code: str
    name: str
    kind: str
    slug: str = ""
    population: int | None = None
    area_km2: str | None = None
    address: str = ""
    is_remote_area: bool = False
    children: list["UnitSpec"] = field(default_factory=list)


def settlement_specs(prefix: str, kind: str, names: list[str], population: int) -> list[UnitSpec]:
    label = "Thôn" if kind == UnitKind.VILLAGE else "Tổ dân phố"
    share = population // len(names)
    return [
        UnitSpec(code=f"{prefix}-{i:02d}", name=f"{label} {name}", kind=kind, population=share)
        for i, name in enumerate(names, start=1)
    ]


def demo_tree() -> list[UnitSpec]:
    return [
        UnitSpec(
            code="31",
            name="Thành phố Hải Phòng",
            kind=UnitKind.PROVINCE,
            slug="hai-phong",
            population=4_664_124,
            area_km2="3194.72",
            address="Số 18 Hoàng Diệu, Hồng Bàng, Hải Phòng",
            children=[
                UnitSpec(
                    code="31-PL",
                    name="Phường Phù Liễn",
                    kind=UnitKind.WARD,
                    slug="phu-lien",
                    population=41_000,
                    address="Trụ sở UBND phường Phù Liễn, Hải Phòng",
                    children=settlement_specs(
                        "31-PL", UnitKind.RESIDENTIAL_GROUP, [str(n) for n in range(1, 13)], 41_000
                    ),
                ),
                UnitSpec(
                    code="31-HD",
                    name="Phường Hải Dương",
                    kind=UnitKind.WARD,
                    slug="hai-duong",
                    population=52_000,
                    address="Trụ sở UBND phường Hải Dương, Hải Phòng",
                    children=settlement_specs(
                        "31-HD", UnitKind.RESIDENTIAL_GROUP, [str(n) for n in range(1, 11)], 52_000
                    ),
                ),
                UnitSpec(
                    code="31-AK",
                    name="Xã An Khánh",
                    kind=UnitKind.COMMUNE,
                    slug="an-khanh",
                    population=34_000,
                    area_km2="24.00",
                    address="Trụ sở UBND xã An Khánh, Hải Phòng",
                    children=settlement_specs("31-AK", UnitKind.VILLAGE, AN_KHANH_VILLAGES, 34_000),
                ),
            ],
        ),
        UnitSpec(
            code="37",
            name="Tỉnh Ninh Bình",
            kind=UnitKind.PROVINCE,
            slug="ninh-binh",
            population=4_412_264,
            area_km2="3942.62",
            address="Đường Trần Hưng Đạo, Hoa Lư, Ninh Bình",
            children=[
                UnitSpec(
                    code="37-VPUBND",
                    name="Văn phòng Ủy ban nhân dân tỉnh Ninh Bình",
                    kind=UnitKind.AGENCY,
                    slug="vp-ubnd-ninh-binh",
                    address="Đường Trần Hưng Đạo, Hoa Lư, Ninh Bình",
                ),
            ],
        ),
    ]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    unit_code: str | None
    role: str | None
    title: str = ""
    superuser: bool = False

    @property
    def description(self) -> str:
        return self.title or (str(Role(self.role).label) if self.role else "")


DEMO_LOGINS = [
    DemoLogin("admin", "Quản trị hệ thống", None, None, "Quản trị hệ thống (toàn quyền)", superuser=True),
    DemoLogin("tinh.ninhbinh", "Trần Thu Hà", "37", Role.PROVINCE_OFFICER, "Chuyên viên Sở Nội vụ Ninh Bình"),
    DemoLogin("tp.haiphong", "Lê Minh Quân", "31", Role.PROVINCE_OFFICER, "Chuyên viên Sở Nội vụ Hải Phòng"),
    DemoLogin("canbo.phulien", "Phạm Thị Lan", "31-PL", Role.COMMUNE_OFFICER, "Công chức Văn phòng HĐND-UBND"),
    DemoLogin("chutich.phulien", "Vũ Đức Thắng", "31-PL", Role.COMMUNE_LEADER, "Chủ tịch UBND phường"),
    DemoLogin("canbo.ankhanh", "Nguyễn Thị Hạnh", "31-AK", Role.COMMUNE_OFFICER, "Công chức Văn phòng HĐND-UBND"),
    DemoLogin("chutich.ankhanh", "Đỗ Văn Hùng", "31-AK", Role.COMMUNE_LEADER, "Chủ tịch UBND xã"),
    DemoLogin("btt.ankhanh", "Bùi Văn Sơn", "31-AK", Role.INSPECTION_BOARD_MEMBER, "Trưởng Ban Thanh tra nhân dân"),
    DemoLogin("gsdt.ankhanh", "Hồ Thị Mai", "31-AK", Role.INVESTMENT_BOARD_MEMBER, "Thành viên Ban GSĐTCĐ"),
    DemoLogin("mttq.ankhanh", "Ngô Quang Long", "31-AK", Role.FRONT_OFFICER, "Chủ tịch UBMTTQ xã"),
    DemoLogin("vanphong.ninhbinh", "Đinh Ngọc Yến", "37-VPUBND", Role.WORKPLACE_OFFICER, "Chuyên viên VP UBND tỉnh"),
    DemoLogin("congdoan.ninhbinh", "Lý Thanh Tâm", "37-VPUBND", Role.UNION_REPRESENTATIVE, "Chủ tịch Công đoàn cơ quan"),
    DemoLogin("nguoidan.ankhanh", "Dương Văn Phúc", "31-AK-01", Role.RESIDENT, "Đại diện hộ gia đình"),
]  # fmt: skip


@dataclass
class SeedReport:
    units_created: int = 0
    households_created: int = 0
    users_created: int = 0
    logins: list[DemoLogin] = field(default_factory=list)


def ensure_unit(spec: UnitSpec, parent: Unit | None, report: SeedReport) -> Unit:
    unit = Unit.objects.filter(code=spec.code).first()
    if unit is not None:
        return unit
    report.units_created += 1
    households = int(Decimal(spec.population) / PEOPLE_PER_HOUSEHOLD) if spec.population else None
    return unit_services.create_unit(
        actor=None,
        kind=spec.kind,
        code=spec.code,
        name=spec.name,
        parent=parent,
        slug=spec.slug,
        population=spec.population,
        household_count=households,
        area_km2=Decimal(spec.area_km2) if spec.area_km2 else None,
        address=spec.address,
        is_remote_area=spec.is_remote_area,
    )


def ensure_tree(specs: list[UnitSpec], parent: Unit | None, report: SeedReport) -> None:
    for spec in specs:
        unit = ensure_unit(spec, parent, report)
        ensure_tree(spec.children, unit, report)


def scaled_specs(scale: int) -> list[UnitSpec]:
    """Extra generated communes for benchmarks: (scale − 1) × 10 per province, 10 villages each."""
    extra: list[UnitSpec] = []
    for province_code in ("31", "37"):
        for n in range(1, (scale - 1) * 10 + 1):
            code = f"{province_code}-S{n:04d}"
            villages = [f"Mẫu {k}" for k in range(1, 11)]
            extra.append(
                UnitSpec(
                    code=code,
                    name=f"Xã Mẫu {province_code}.{n}",
                    kind=UnitKind.COMMUNE,
                    population=9_000,
                    children=settlement_specs(code, UnitKind.VILLAGE, villages, 9_000),
                )
            )
    return extra


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_NAMES)} {rng.choice(GIVEN_NAMES)}"


def household_rows(settlement: Unit, count: int, rng: random.Random) -> list[dict]:
    rows = []
    for n in range(1, count + 1):
        street = f"Số {n}" if settlement.kind == UnitKind.VILLAGE else f"Số {n}, ngõ {rng.randint(1, 40)}"
        has_phone = rng.random() < 0.7
        rows.append(
            {
                "code": f"{settlement.code}-{n:05d}",
                "address": f"{street}, {settlement.name}",
                "representative_name": person_name(rng),
                "representative_phone": f"09{rng.randint(10_000_000, 99_999_999)}" if has_phone else "",
                "member_count": rng.choice([2, 3, 3, 4, 4, 4, 5, 5, 6]),
            }
        )
    return rows


def ensure_households(scale: int, report: SeedReport) -> None:
    settlements = Unit.objects.filter(kind__in=[UnitKind.VILLAGE, UnitKind.RESIDENTIAL_GROUP]).order_by(
        "code"
    )
    existing = set(Household.objects.values_list("unit_id", flat=True).distinct())
    for settlement in settlements:
        if settlement.pk in existing:
            continue
        per_settlement = int(Decimal(settlement.population or 0) / PEOPLE_PER_HOUSEHOLD) * scale
        rng = random.Random(settlement.code)
        rows = household_rows(settlement, per_settlement, rng)
        report.households_created += unit_services.add_households(actor=None, unit=settlement, rows=rows)


def ensure_logins(report: SeedReport) -> None:
    for login in DEMO_LOGINS:
        user = User.objects.filter(username=login.username).first()
        if user is None:
            user = account_services.create_user(
                actor=None,
                username=login.username,
                password=DEMO_PASSWORD,
                full_name=login.full_name,
                email=f"{login.username}@demo.dancoso.vn",
                is_staff=login.superuser,
                is_superuser=login.superuser,
            )
            report.users_created += 1
        if login.role:
            unit = Unit.objects.get(code=login.unit_code)
            account_services.grant_membership(
                actor=None, user=user, unit=unit, role=login.role, title=login.title
            )
        report.logins.append(login)


def seed(scale: int = 1) -> SeedReport:
    report = SeedReport()
    with transaction.atomic():
        ensure_tree(demo_tree(), None, report)
        if scale > 1:
            for spec in scaled_specs(scale):
                province = Unit.objects.get(code=spec.code.split("-")[0])
                ensure_tree([spec], province, report)
        ensure_logins(report)
    ensure_households(scale, report)
    return report
