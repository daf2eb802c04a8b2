"""Demo disclosures (công khai) for the demo units of seed_demo, so the compliance views show something real.

What each commune or ward of the demo tree discloses follows what the seeds in ../shared/seeds say communes
actually disclose ("quy hoạch, kế hoạch sử dụng đất; dự toán, quyết toán ngân sách; các khoản huy động, đóng góp
tự nguyện của Nhân dân; danh sách bình xét các đối tượng hưởng chính sách an sinh xã hội", thủ tục hành chính at
the "một cửa", the quy chế dân chủ) through the channels of Art. 13 Luật 10/2022/QH15: the portal, the notice
board at the seat and in every thôn/tổ dân phố, the loudspeaker and the village heads; the quarterly list of
what was disclosed; and the yearly disclosure plan (Art. 14). An agency or an enterprise of the tree that has a
workplace officer (the demo's Văn phòng UBND tỉnh Ninh Bình) gets internal items (Art. 46, 64) that only its own
members read. Only the demo units are touched: the communes and wards named in `PROFILES`, the generated
communes of `--scale N` (codes like "31-S0001"), and workplaces with a workplace officer.

Made up for the demo, not official: every amount, percentage, area, decision and document number (except
phường Phù Liễn's Quy chế dân chủ, Quyết định số 07/…/QĐ-UBND of 12/11, as its report in the seeds names it),
the roads to be built, and the lists of poor and near-poor households (their names come from the demo's own
generated households). The photos that confirm notice-board postings are tiny generated images, named
"anh-minh-hoa-…png" and described as such in the posting's note: they are not photographs of real boards.

Departures from the law are deliberate, so that compliance has something to find: in xã An Khánh the Q3 budget
execution is disclosed 8 working days after its decision (Art. 12.3 allows 5), the loudspeaker announcing the
list of poor households stops after 2 days (Art. 13.3: 3), one village board with that list is taken down after
25 days (Art. 13.2: 30), and one line of the disclosure plan is overdue with nothing published; phường Phù Liễn
has no quarterly list for Q3 (Art. 13.2) and withdraws an item published by mistake; phường Hải Dương
revises its fees and charges (a second version saying what changed) and has not confirmed some postings; the
agency discloses its staff ratings 9 working days after the decision (Art. 47.2 allows 5); recent postings are
left unconfirmed here and there. At benchmark scales (scale > 1) the generated communes get a routine set with a
few such departures drawn from a seeded random generator.

Dates are counted from today (`timezone.localdate()`): the demo year is the latest year whose Q3 budget
execution has been decided by today (from about 25 October), and the "recent" items (the residents'
contribution campaign) are dated a few weeks before today, so their postings are still running. Every date
respects the services' checks (nothing is posted before its decision, nothing is taken down in the future).

Every write goes through `dancoso.disclosure.services`. Running `seed_disclosures` twice creates nothing the
second time: an item is skipped when its unit already has a publication of that category whose first version
has the same title (titles carry the year); a plan when the unit has one for that year; a quarterly list when
the unit has one for that quarter.
"""

import random
import re
import struct
import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from dancoso.accounts.models import Membership
from dancoso.accounts.roles import Role
from dancoso.core import calendar
from dancoso.disclosure import services
from dancoso.disclosure.models import (
    BOARD_CHANNELS,
    Category,
    Channel,
    DisclosurePlan,
    PlanItem,
    Posting,
    Publication,
    PublicationVersion,
)
from dancoso.disclosure.services import PostingSpec
from dancoso.units.models import (
    COMMUNE_LEVEL_KINDS,
    SETTLEMENT_KINDS,
    WORKPLACE_KINDS,
    Household,
    Unit,
    UnitKind,
)

# -------------------------------------------------------------------------------------------- profiles


@dataclass(frozen=True)
class Profile:
    """How a commune's demo departs from the law (and from good practice)."""

    late_q3: bool = False  # Q3 budget execution disclosed 8 working days after its decision
    short_loudspeaker: bool = False  # the poor-household list on the loudspeaker for 2 days only
    short_village_board: bool = False  # one village board with that list taken down after 25 days
    revise_procedures: bool = False  # the administrative procedures updated (version 2)
    revise_fees: bool = False  # the fees and charges updated (version 2)
    withdraw_one: bool = False  # an item published by mistake, withdrawn
    code_of_conduct: bool = False  # a second permanent item 4 (quy tắc ứng xử)
    public_assets: bool = True  # item 6 published (else its plan line is overdue with nothing published)
    quarterly_lists: tuple[int, ...] = (1, 2, 3)
    unconfirmed_recent: int = 0  # village boards of the recent campaign not yet confirmed (-1: all)
    unconfirmed_land: int = 0  # village boards of the land-use plan never confirmed
    unconfirmed_q3_list: bool = False
    board_days: int = 32  # days planned on the notice boards (≥ 30)
    road: str = ""  # the road of the residents' contribution campaign (item 5)
    rules_number: str = ""  # the Quy chế dân chủ's number, when known ("{prev}" = the previous year)
    rules_day: tuple[int, int] = (20, 10)  # its day and month, the year before the demo year


PROFILES = {
    "31-AK": Profile(
        late_q3=True,
        short_loudspeaker=True,
        short_village_board=True,
        revise_procedures=True,
        public_assets=False,
        unconfirmed_recent=3,
        unconfirmed_q3_list=True,
        road="bê tông hóa tuyến đường trục {v0} nối {v1}",
    ),
    "31-PL": Profile(
        withdraw_one=True,
        code_of_conduct=True,
        quarterly_lists=(1, 2),
        unconfirmed_recent=2,
        road="cải tạo, nâng cấp mặt ngõ 243 Hoàng Quốc Việt và rãnh thoát nước hai bên, {v0}",
        rules_number="07/{prev}/QĐ-UBND",
        rules_day=(12, 11),
    ),
    "31-HD": Profile(
        revise_fees=True,
        unconfirmed_recent=-1,
        unconfirmed_land=2,
        board_days=30,
        road="cải tạo mặt ngõ 56 phố Quang Trung và lắp đèn chiếu sáng, {v0}",
    ),
}
# The generated communes of seed_demo --scale N (portal.demo.scaled_specs: "31-S0001", …).
GENERATED_CODE = re.compile(r"^\d+-S\d{4}$")
ROUTINE_ROAD = "bê tông hóa tuyến đường liên thôn {v0} – {v1}"

PHOTO_NOTE = "Ảnh minh họa của dữ liệu demo (không phải ảnh chụp thật)."
LOUDSPEAKER_NOTE = "Đài truyền thanh phát 02 lần/ngày, lúc 6 giờ 30 và 17 giờ."
VILLAGE_HEAD_NOTE = "Trưởng thôn (tổ trưởng) thông báo tại cuộc họp và nhóm Zalo của thôn (tổ dân phố)."
SOCIAL_NOTE = "Đã đăng trong nhóm Zalo của cơ quan."


# -------------------------------------------------------------------------------------------- report


@dataclass
class DisclosureSeedReport:
    publications_created: int = 0
    postings_created: int = 0
    postings_confirmed_with_photo: int = 0
    plans_created: int = 0
    quarterly_lists_created: int = 0
    skipped_items: int = 0


# -------------------------------------------------------------------------------------------- photo


def _png_chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)


def demo_photo_png(seed: str, width: int = 48, height: int = 32) -> bytes:
    """A tiny, valid PNG drawn from `seed`: a notice board (frame, paper, a red heading, lines of text) on a
    wall. An illustration for demo data only, a few hundred bytes."""
    rng = random.Random(f"anh-minh-hoa:{seed}")
    wall = (rng.randint(165, 205), rng.randint(160, 195), rng.randint(140, 180))
    frame, paper = (112, 72, 42), (247, 243, 230)
    ink, red = (64, 66, 78), (190, 36, 36)
    rows = [[wall] * width for _ in range(height)]
    top, bottom, left, right = 3, height - 6, 4, width - 5
    for y in range(top, bottom + 1):
        for x in range(left, right + 1):
            edge = y in (top, top + 1, bottom - 1, bottom) or x in (left, left + 1, right - 1, right)
            rows[y][x] = frame if edge else paper
    for y in range(bottom + 1, height):  # the legs
        rows[y][left + 4] = rows[y][right - 4] = frame
    middle = (left + right) // 2
    for x in range(middle - 8, middle + 9):
        rows[top + 4][x] = red
    for y in range(top + 8, bottom - 2, 3):
        for x in range(left + 4, left + 4 + rng.randint(10, right - left - 8)):
            rows[y][x] = ink
    raw = b"".join(b"\x00" + bytes(channel for pixel in row for channel in pixel) for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(raw, 9))
        + _png_chunk(b"IEND", b"")
    )


def demo_photo(place: Unit) -> SimpleUploadedFile:
    name = f"anh-minh-hoa-bang-tin-{place.code.lower()}.png"
    return SimpleUploadedFile(name, demo_photo_png(place.code), content_type="image/png")


# -------------------------------------------------------------------------------------------- wording


def vn_int(value: int) -> str:
    """12345678 → "12.345.678" (Vietnamese thousands separator)."""
    return f"{value:,}".replace(",", ".")


def vn_dec(value: float, places: int = 1) -> str:
    """1234.5 → "1.234,5"."""
    return f"{value:,.{places}f}".replace(",", "\0").replace(".", ",").replace("\0", ".")


def vn_date(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def local_name(unit: Unit) -> str:
    """The name inside a sentence: "Xã An Khánh" → "xã An Khánh", "Tổ dân phố 3" → "tổ dân phố 3"."""
    return unit.name[:1].lower() + unit.name[1:]


def kind_word(unit: Unit) -> str:
    return {UnitKind.COMMUNE: "xã", UnitKind.WARD: "phường", UnitKind.SPECIAL_ZONE: "đặc khu"}.get(
        unit.kind, "xã"
    )


# How many documents of a kind a commune issues compared with its decisions: people's council resolutions are
# few (a few dozen a year), decisions many (the seeds show Quyết định số 393 on 3 February).
SYMBOL_RATES = {"NQ-HĐND": 0.05, "KH-UBND": 0.6, "TB-UBND": 0.7}


# -------------------------------------------------------------------------------------------- what is seeded


@dataclass(frozen=True)
class PlanLine:
    key: str
    category: str
    content: str
    channels: tuple[str, ...]
    due_on: date
    duration_days: int | None
    responsible: str


@dataclass(frozen=True)
class Revision:
    on: date
    title: str
    body: str
    decision_date: date
    document_number: str
    change_note: str
    repost_days: int | None  # days on the boards for the new version (None: permanent at the seat)


@dataclass
class Item:
    category: str
    title: str
    body: str
    decision_date: date
    document_number: str
    on: date  # on the portal from this day
    plan_key: str = ""
    period: str = ""
    board_days: int | None = None  # days at the seat (and in every village for a commune)
    permanent: bool = False  # at the seat with no end (Art. 13.1)
    loudspeaker_days: int | None = None
    village_heads: bool = False
    social_group: str = ""  # a workplace's chat group
    seat_text: str = ""
    # departures
    loudspeaker_ran: int | None = None  # days the loudspeaker actually ran, when fewer than planned
    village_taken_down_after: int | None = (
        None  # one village board (the third) taken down after this many days
    )
    unconfirmed_villages: int = 0  # village boards left unconfirmed, counted from the last (-1: all)
    revision: Revision | None = None
    withdrawal: tuple[date, str] | None = None


@dataclass
class _Context:
    """One unit being seeded: its villages, calendar, generator, actors and numbering."""

    unit: Unit
    year: int
    today: date
    rng: random.Random
    villages: list[Unit]
    officer: object = None
    leader: object = None
    numbers: dict = field(default_factory=dict)

    def __post_init__(self):
        self.calendar = calendar.calendar_for_unit(self.unit)
        self.rate = self.rng.uniform(1.1, 2.4)  # documents issued per day, for plausible numbers

    # dates ---------------------------------------------------------------------------------------------
    def workday(self, day: date) -> date:
        """`day` if it is a working day, else the next one."""
        return calendar.add_working_days(day, 0, self.calendar)

    def workday_before(self, day: date) -> date:
        while not calendar.is_working_day(day, self.calendar):
            day -= timedelta(days=1)
        return day

    def after(self, day: date, working_days: int) -> date:
        return calendar.add_working_days(day, working_days, self.calendar)

    # documents -----------------------------------------------------------------------------------------
    def number(self, day: date, symbol: str) -> str:
        """A made-up but plausible number for a document of `day`: grows through the year, never repeats."""
        rate = self.rate * SYMBOL_RATES.get(symbol, 1.0)
        base = 1 + int(((day - date(day.year, 1, 1)).days + 1) * rate)
        key = (day.year, symbol)
        used = self.numbers.setdefault(key, set())
        while base in used:
            base += 1
        used.add(base)
        return f"{base:02d}/{symbol}"

    @property
    def name(self) -> str:
        return local_name(self.unit)

    @property
    def kind(self) -> str:
        return kind_word(self.unit)

    @property
    def settlements(self) -> str:
        """Where its community notice boards are: "các thôn" (a commune), "các tổ dân phố" (a ward)."""
        kinds = {village.kind for village in self.villages}
        if kinds == {UnitKind.RESIDENTIAL_GROUP}:
            return "các tổ dân phố"
        return "các thôn" if kinds == {UnitKind.VILLAGE} else "các thôn, tổ dân phố"

    @property
    def province(self) -> str:
        parent = self.unit.parent
        return local_name(parent) if parent is not None else "tỉnh"


# -------------------------------------------------------------------------------------------- dates


def demo_year(today: date) -> int:
    """The latest year whose Q3 budget execution has been decided, disclosed (even 8 working days late) and
    listed by `today`: the current year from 25 October, else the previous one."""
    return today.year if today >= date(today.year, 10, 25) else today.year - 1


def _recent_decision(ctx: _Context, days_ago: int) -> date:
    """A decision a few weeks before today (in the fourth quarter of the demo year, see `demo_year`), kept
    within the demo year."""
    return ctx.workday_before(min(ctx.today - timedelta(days=days_ago), date(ctx.year, 12, 10)))


# -------------------------------------------------------------------------------------------- commune content


@dataclass(frozen=True)
class Budget:
    total: int  # million VND, revenue = expenditure
    own: int
    balancing: int
    targeted: int
    investment: int
    recurrent: int
    reserve: int
    revenue_pct: tuple[float, float, float]
    spending_pct: tuple[float, float, float]


def _budget(ctx: _Context) -> Budget:
    rng = ctx.rng
    people = ctx.unit.population or 9_000
    total = int(people * rng.uniform(0.95, 1.25) / 10) * 10  # about 1 million VND per inhabitant
    own = int(total * rng.uniform(0.30, 0.42) / 10) * 10
    targeted = int(total * rng.uniform(0.08, 0.14) / 10) * 10
    reserve = int(total * 0.02 / 10) * 10
    investment = int(total * rng.uniform(0.22, 0.32) / 10) * 10
    return Budget(
        total=total,
        own=own,
        balancing=total - own - targeted,
        targeted=targeted,
        investment=investment,
        recurrent=total - investment - reserve,
        reserve=reserve,
        revenue_pct=(rng.uniform(21, 27), rng.uniform(47, 55), rng.uniform(70, 79)),
        spending_pct=(rng.uniform(17, 22), rng.uniform(40, 47), rng.uniform(62, 70)),
    )


def _estimate_body(ctx: _Context, budget: Budget, resolution: str, resolved_on: date) -> str:
    recurrent = budget.recurrent
    shares = {
        "quản lý nhà nước, Đảng, đoàn thể": 0.42,
        "đảm bảo xã hội": 0.14,
        "sự nghiệp kinh tế": 0.12,
        "quốc phòng, an ninh": 0.09,
        "văn hóa, thông tin, thể dục thể thao": 0.07,
        "sự nghiệp môi trường": 0.06,
    }
    parts = "; ".join(f"{label} {vn_int(int(recurrent * share))}" for label, share in shares.items())
    return (
        f"Căn cứ Nghị quyết số {resolution} ngày {vn_date(resolved_on)} của Hội đồng nhân dân {ctx.name} về dự "
        f"toán thu, chi ngân sách {ctx.kind} năm {ctx.year}, Ủy ban nhân dân {ctx.name} công khai dự toán ngân "
        f"sách năm {ctx.year} như sau (đơn vị: triệu đồng).\n\n"
        f"I. Thu ngân sách {ctx.kind}: {vn_int(budget.total)}, gồm:\n"
        f"- Thu ngân sách {ctx.kind} hưởng theo phân cấp: {vn_int(budget.own)};\n"
        f"- Thu bổ sung cân đối từ ngân sách cấp trên: {vn_int(budget.balancing)};\n"
        f"- Thu bổ sung có mục tiêu: {vn_int(budget.targeted)}.\n\n"
        f"II. Chi ngân sách {ctx.kind}: {vn_int(budget.total)}, gồm:\n"
        f"- Chi đầu tư phát triển: {vn_int(budget.investment)};\n"
        f"- Chi thường xuyên: {vn_int(recurrent)} (trong đó: {parts});\n"
        f"- Dự phòng ngân sách: {vn_int(budget.reserve)}.\n\n"
        f"Biểu chi tiết dự toán được niêm yết tại trụ sở Ủy ban nhân dân {ctx.kind} và nhà văn hóa "
        f"{ctx.settlements}; Nhân dân có ý kiến xin gửi về Văn phòng HĐND và UBND."
    )


QUARTER_TITLES = {
    1: "quý I năm {y}",
    2: "quý II và 6 tháng đầu năm {y}",
    3: "quý III và 9 tháng năm {y}",
}
QUARTER_REMARKS = {
    1: "Thu ngân sách bảo đảm tiến độ; chi thường xuyên đáp ứng nhiệm vụ chính trị và an sinh xã hội dịp Tết.",
    2: "Chi đầu tư phát triển giải ngân chậm do các công trình mới hoàn thiện thủ tục đầu tư.",
    3: "Thu tiền sử dụng đất đạt thấp do chưa tổ chức đấu giá quyền sử dụng đất theo kế hoạch; "
    "UBND tập trung chỉ đạo đẩy nhanh giải ngân vốn đầu tư công trong quý IV.",
}


def _execution_body(ctx: _Context, budget: Budget, quarter: int) -> str:
    revenue = [int(budget.total * pct / 100) for pct in budget.revenue_pct]
    spending = [int(budget.total * pct / 100) for pct in budget.spending_pct]
    index = quarter - 1
    in_quarter_revenue = revenue[index] - (revenue[index - 1] if index else 0)
    in_quarter_spending = spending[index] - (spending[index - 1] if index else 0)
    investment = int(spending[index] * ctx.rng.uniform(0.12, 0.22))
    return (
        f"Ủy ban nhân dân {ctx.name} công khai tình hình thực hiện dự toán ngân sách "
        f"{QUARTER_TITLES[quarter].format(y=ctx.year)} (đơn vị: triệu đồng):\n"
        f"- Thu ngân sách {ctx.kind} trong quý: {vn_int(in_quarter_revenue)}; lũy kế từ đầu năm: "
        f"{vn_int(revenue[index])}, đạt {vn_dec(budget.revenue_pct[index])}% dự toán năm "
        f"({vn_int(budget.total)}).\n"
        f"- Chi ngân sách {ctx.kind} trong quý: {vn_int(in_quarter_spending)}; lũy kế từ đầu năm: "
        f"{vn_int(spending[index])}, đạt {vn_dec(budget.spending_pct[index])}% dự toán năm; trong đó chi đầu tư "
        f"phát triển {vn_int(investment)}, chi thường xuyên {vn_int(spending[index] - investment)}.\n"
        f"- Đánh giá: {QUARTER_REMARKS[quarter]}"
    )


def _land_body(ctx: _Context, approval: str, approved_on: date) -> str:
    rng = ctx.rng
    urban = ctx.unit.kind == UnitKind.WARD
    uses = {
        "đất giao thông": rng.uniform(3.5, 7.5),
        "đất thủy lợi": rng.uniform(0.8, 2.2) if not urban else 0,
        "đất ở đô thị" if urban else "đất ở nông thôn (đấu giá quyền sử dụng đất)": rng.uniform(2.5, 5.5),
        "đất xây dựng cơ sở giáo dục": rng.uniform(0.6, 1.8),
        "đất cụm công nghiệp" if not urban else "đất thương mại, dịch vụ": rng.uniform(2.0, 6.0),
        "đất công viên, cây xanh" if urban else "đất nghĩa trang": rng.uniform(0.5, 1.5),
    }
    uses = {label: area for label, area in uses.items() if area}
    total = sum(uses.values())
    lines = "; ".join(f"{label} {vn_dec(area, 2)} ha" for label, area in uses.items())
    projects = rng.randint(9, 18)
    rice = (
        f"Diện tích đất trồng lúa chuyển mục đích sử dụng: {vn_dec(total * rng.uniform(0.35, 0.55), 2)} ha.\n"
        if not urban
        else ""
    )
    area = (
        f"Tổng diện tích tự nhiên: {vn_dec(float(ctx.unit.area_km2) * 100, 2)} ha.\n"
        if ctx.unit.area_km2
        else ""
    )
    return (
        f"Kế hoạch sử dụng đất năm {ctx.year} của {ctx.name} được phê duyệt tại Quyết định số {approval} ngày "
        f"{vn_date(approved_on)} của Ủy ban nhân dân {ctx.province}.\n"
        f"{area}"
        f"Diện tích đất thực hiện các công trình, dự án trong năm: {vn_dec(total, 2)} ha, gồm: {lines}.\n"
        f"{rice}"
        f"Danh mục {projects:02d} công trình, dự án thực hiện trong năm (kèm vị trí, diện tích, thửa đất) và bản đồ kế "
        f"hoạch sử dụng đất được niêm yết tại trụ sở Ủy ban nhân dân {ctx.kind} và nhà văn hóa {ctx.settlements}. "
        "Người sử dụng đất có thửa đất thuộc diện thu hồi được thông báo riêng theo quy định của Luật Đất đai."
    )


def _household_names(village: Unit) -> list[tuple[str, str]]:
    return list(
        Household.objects.filter(unit=village, is_active=True)
        .order_by("code")
        .values_list("representative_name", "address")
    )


def _poor_list_body(ctx: _Context, decision: str, decided_on: date, *, with_names: bool) -> str:
    urban = ctx.unit.kind == UnitKind.WARD
    poor_rate = ctx.rng.uniform(0.002, 0.004) if urban else ctx.rng.uniform(0.008, 0.013)
    near_rate = ctx.rng.uniform(0.004, 0.007) if urban else ctx.rng.uniform(0.013, 0.019)
    rows: list[str] = []
    poor_total = near_total = 0
    households_total = 0
    for village in ctx.villages:
        names = _household_names(village) if with_names else []
        count = len(names) or (village.household_count or 0)
        households_total += count
        poor = round(count * poor_rate) or (1 if names else 0)
        near = round(count * near_rate)
        poor_total, near_total = poor_total + poor, near_total + near
        if not names:
            continue
        chosen = ctx.rng.sample(names, min(len(names), poor + near))
        if chosen:
            rows.append(f"{village.name}:")
        for number, (person, address) in enumerate(chosen, start=1):
            status = "hộ nghèo" if number <= poor else "hộ cận nghèo"
            rows.append(f"{number}. {person} — {address} — {status}")
    share = (lambda n: vn_dec(100 * n / households_total, 2)) if households_total else (lambda n: "…")
    listing = (
        "\n\nDanh sách (chủ hộ — địa chỉ — diện):\n" + "\n".join(rows)
        if rows
        else "\n\nDanh sách chi tiết theo từng thôn, tổ dân phố được niêm yết tại nhà văn hóa thôn, tổ dân phố."
    )
    return (
        f"Căn cứ Quyết định số {decision} ngày {vn_date(decided_on)} của Chủ tịch Ủy ban nhân dân {ctx.name} về "
        f"việc công nhận hộ nghèo, hộ cận nghèo năm {ctx.year} theo chuẩn nghèo đa chiều hiện hành, Ủy ban nhân "
        f"dân {ctx.kind} công khai:\n"
        f"- Tổng số hộ nghèo: {poor_total} hộ ({share(poor_total)}%); hộ cận nghèo: {near_total} hộ "
        f"({share(near_total)}%).\n"
        "- Chính sách được hưởng: thẻ bảo hiểm y tế (hộ nghèo được cấp miễn phí; hộ cận nghèo được ngân sách hỗ "
        "trợ tối thiểu 70% mức đóng); hỗ trợ tiền điện cho hộ nghèo; miễn, giảm học phí và hỗ trợ chi phí học tập; "
        "vay vốn ưu đãi tại Ngân hàng Chính sách xã hội; hỗ trợ nhà ở theo chương trình của thành phố.\n"
        "- Hộ gia đình có ý kiến về danh sách gửi Ủy ban nhân dân hoặc Ban công tác Mặt trận thôn, tổ dân phố "
        "trong thời gian niêm yết." + listing
    )


def _fees_body(ctx: _Context, *, pavement: str = "") -> str:
    body = (
        f"Danh mục, mức thu phí, lệ phí áp dụng tại Trung tâm Phục vụ hành chính công {ctx.name}:\n"
        "1. Lệ phí hộ tịch: đăng ký khai sinh, khai tử đúng hạn, đăng ký kết hôn: miễn lệ phí; cấp bản sao trích "
        "lục hộ tịch: 8.000 đồng/bản; thay đổi, cải chính, bổ sung thông tin hộ tịch: theo Nghị quyết của Hội đồng "
        f"nhân dân {ctx.province}.\n"
        "2. Phí chứng thực: chứng thực bản sao từ bản chính 2.000 đồng/trang (từ trang thứ ba trở lên 1.000 "
        "đồng/trang, tối đa 200.000 đồng/bản); chứng thực chữ ký 10.000 đồng/trường hợp; chứng thực hợp đồng, giao "
        "dịch 50.000 đồng/hợp đồng, giao dịch.\n"
        "3. Hồ sơ nộp trực tuyến trên Cổng Dịch vụ công quốc gia được áp dụng mức thu ưu đãi theo quy định.\n"
    )
    if pavement:
        body += pavement + "\n"
    return body + (
        "Người dân chỉ nộp các khoản có trong danh mục, nhận biên lai khi nộp; có quyền từ chối và phản ánh các khoản "
        "thu ngoài danh mục qua đường dây nóng của Ủy ban nhân dân."
    )


def _procedures_body(ctx: _Context, count: int, decision: str, decided_on: date, extra: str = "") -> str:
    fields = {
        "Hộ tịch": 21,
        "Chứng thực": 12,
        "Đất đai": 9,
        "Bảo trợ xã hội": 11,
        "Người có công": 8,
        "Giáo dục và đào tạo": 7,
        "Nông nghiệp và môi trường": 10,
        "Xây dựng": 6,
        "Văn hóa, thể thao": 5,
        "Tôn giáo, tín ngưỡng": 4,
    }
    fields["Các lĩnh vực khác"] = max(count - sum(fields.values()), 1)
    listing = "; ".join(f"{label} ({n:02d})" for label, n in fields.items())
    return (
        f"Danh mục {count} thủ tục hành chính thuộc thẩm quyền giải quyết của Ủy ban nhân dân cấp xã áp dụng trên "
        f"địa bàn {ctx.province}, công bố tại Quyết định số {decision} ngày {vn_date(decided_on)} của Chủ tịch Ủy "
        f"ban nhân dân {ctx.province}. Theo lĩnh vực: {listing}.\n"
        "Mỗi thủ tục được niêm yết đủ trình tự, cách thức thực hiện, thành phần hồ sơ, thời hạn giải quyết, phí và "
        f"lệ phí tại Trung tâm Phục vụ hành chính công {ctx.name}; hồ sơ nộp trực tiếp, qua bưu chính hoặc trực "
        "tuyến trên Cổng Dịch vụ công quốc gia." + (f"\n{extra}" if extra else "")
    )


def _rules_body(ctx: _Context) -> str:
    return (
        f"Quy chế thực hiện dân chủ ở cơ sở trên địa bàn {ctx.name} gồm 05 chương, 32 điều: những nội dung công "
        "khai để Nhân dân biết; những nội dung Nhân dân bàn và quyết định; những nội dung Nhân dân tham gia ý kiến "
        "trước khi cơ quan có thẩm quyền quyết định; những nội dung Nhân dân kiểm tra, giám sát; trách nhiệm của Ủy "
        "ban nhân dân, cán bộ, công chức và của trưởng thôn, tổ trưởng tổ dân phố. Kèm theo: chức năng, nhiệm vụ "
        "của cán bộ, công chức và người hoạt động không chuyên trách; lịch tiếp công dân của Chủ tịch Ủy ban nhân "
        f"dân {ctx.kind}."
    )


def _conduct_body(ctx: _Context) -> str:
    return (
        "Quy định về Quy tắc ứng xử của cán bộ, công chức, viên chức, người lao động trong các cơ quan hành chính "
        f"nhà nước, đơn vị sự nghiệp công lập thuộc {ctx.name}: chuẩn mực ứng xử khi thi hành công vụ, khi giao "
        "tiếp với Nhân dân và doanh nghiệp, trong nội bộ cơ quan và nơi công cộng; những việc không được làm; "
        "trách nhiệm của người đứng đầu. Người dân phản ánh hành vi không đúng quy tắc qua hòm thư góp ý, đường dây "
        "nóng hoặc trực tiếp với Chủ tịch Ủy ban nhân dân."
    )


def _assets_body(ctx: _Context) -> str:
    rng = ctx.rng
    buildings = rng.randint(18_000, 32_000)
    halls = rng.randint(6_000, 14_000) if ctx.villages else 0
    equipment = rng.randint(1_800, 4_200)
    total = buildings + halls + equipment + 1_150
    return (
        f"Tình hình quản lý, sử dụng tài sản công năm {ctx.year - 1} của Ủy ban nhân dân {ctx.name} (nguyên giá, "
        f"triệu đồng): tổng {vn_int(total)}, gồm trụ sở làm việc {vn_int(buildings)}; nhà văn hóa thôn, tổ dân "
        f"phố {vn_int(halls)}; 01 xe ô tô phục vụ công tác chung 1.150; máy móc, thiết bị {vn_int(equipment)}. "
        f"Trong năm: mua sắm mới {rng.randint(120, 480)} triệu đồng (máy tính, thiết bị phục vụ chuyển đổi số); "
        "thanh lý 12 máy tính hỏng theo quyết định của Chủ tịch Ủy ban nhân dân. Trụ sở dôi dư sau sắp xếp đơn vị "
        "hành chính được bàn giao sử dụng làm điểm sinh hoạt cộng đồng và điểm trường mầm non."
    )


def _campaign_body(ctx: _Context, road: str, meeting_on: date, decision: str, decided_on: date) -> str:
    rng = ctx.rng
    length = rng.randrange(600, 1250, 10)
    width = 3.5 if ctx.unit.kind == UnitKind.COMMUNE else 3.0
    cost = int(length * rng.uniform(1.45, 1.85) / 10) * 10  # million VND
    residents_share = 0.4 if ctx.unit.kind == UnitKind.COMMUNE else 0.3
    residents = int(cost * residents_share)
    households = (ctx.villages[0].household_count if ctx.villages else None) or 250
    per_household = max(10_000, round(residents * 1_000_000 / households / 10_000) * 10_000)
    agreed = rng.randint(72, 89)
    return (
        f"Căn cứ kết quả bàn và quyết định của các hộ gia đình (hội nghị ngày {vn_date(meeting_on)}, {agreed}% số "
        f"hộ tán thành) và Quyết định số {decision} ngày {vn_date(decided_on)} của Ủy ban nhân dân {ctx.name} "
        "công nhận kết quả, Ủy ban nhân dân công khai phương án huy động Nhân dân đóng góp:\n"
        f"1. Công trình: {road}; chiều dài {vn_int(length)} m, mặt đường rộng {vn_dec(width)} m.\n"
        f"2. Tổng dự toán: {vn_int(cost)} triệu đồng; ngân sách {ctx.kind} hỗ trợ {vn_int(cost - residents)} "
        f"triệu đồng ({round(100 * (1 - residents_share))}%), Nhân dân đóng góp {vn_int(residents)} triệu đồng "
        f"({round(100 * residents_share)}%).\n"
        f"3. Mức đóng góp: {vn_int(per_household)} đồng/hộ, nộp làm 02 đợt; hộ nghèo, hộ có người khuyết tật nặng, "
        "gia đình liệt sĩ được miễn; hộ cận nghèo được giảm 50%. Khuyến khích tổ chức, cá nhân tự nguyện ủng hộ "
        "thêm.\n"
        "4. Ban Giám sát đầu tư của cộng đồng giám sát việc thu, chi và chất lượng công trình; kết quả thu, chi "
        "được công khai tại nhà văn hóa và trên trang thông tin của Ủy ban nhân dân."
    )


# -------------------------------------------------------------------------------------------- commune items

COMMUNE_BOARDS = (Channel.PORTAL, Channel.SEAT_BOARD, Channel.VILLAGE_BOARD)
COMMUNE_ALL = (*COMMUNE_BOARDS, Channel.LOUDSPEAKER, Channel.VILLAGE_HEAD)
PERMANENT = (Channel.PORTAL, Channel.SEAT_BOARD)


def commune_items(ctx: _Context, profile: Profile) -> tuple[list[PlanLine], list[Item]]:
    """The year's disclosures of one commune or ward, with its plan."""
    y, prev = ctx.year, ctx.year - 1
    office = "Văn phòng HĐND và UBND"
    economy = "Phòng Kinh tế" if ctx.unit.kind == UnitKind.COMMUNE else "Phòng Kinh tế, Hạ tầng và Đô thị"
    social = "Phòng Văn hóa - Xã hội"
    seat = f"Bảng tin trụ sở Ủy ban nhân dân {ctx.name}"
    one_stop = f"Trung tâm Phục vụ hành chính công {ctx.name}"
    days = profile.board_days
    budget = _budget(ctx)
    lines: list[PlanLine] = []
    items: list[Item] = []

    # Item 4, permanent: the Quy chế dân chủ (decided the year before).
    day, month = profile.rules_day
    rules_on = ctx.workday_before(date(prev, month, day))
    rules_number = profile.rules_number.format(prev=prev) or ctx.number(rules_on, "QĐ-UBND")
    lines.append(
        PlanLine(
            "rules",
            "xa-04-quy-che",
            "Niêm yết thường xuyên Quy chế thực hiện dân chủ ở cơ sở",
            PERMANENT,
            date(y, 1, 15),
            None,
            office,
        )
    )
    items.append(
        Item(
            "xa-04-quy-che",
            f"Quy chế thực hiện dân chủ ở cơ sở trên địa bàn {ctx.name}",
            _rules_body(ctx),
            rules_on,
            rules_number,
            ctx.after(rules_on, 2),
            plan_key="rules",
            permanent=True,
            seat_text=seat,
        )
    )
    if profile.code_of_conduct:
        conduct_on = ctx.workday(date(y, 2, 3))
        items.append(
            Item(
                "xa-04-quy-che",
                "Quy định về Quy tắc ứng xử của cán bộ, công chức, viên chức, người lao động",
                _conduct_body(ctx),
                conduct_on,
                ctx.number(conduct_on, "QĐ-UBND"),
                ctx.after(conduct_on, 1),
                permanent=True,
                seat_text=seat,
            )
        )

    # Item 13, permanent: administrative procedures (the province's list, decided the year before).
    procedures_on = ctx.workday_before(date(prev, 12, 18))
    procedures_number = f"{ctx.rng.randint(2900, 3400)}/QĐ-UBND"
    count = ctx.rng.randint(96, 108)
    revision = None
    if profile.revise_procedures:
        revised_decision = ctx.workday_before(date(y, 8, 14))
        revised_number = f"{ctx.rng.randint(1900, 2300)}/QĐ-UBND"
        note = (
            f"Cập nhật 06 thủ tục lĩnh vực hộ tịch, bảo trợ xã hội được sửa đổi, bổ sung và bãi bỏ 02 thủ tục theo "
            f"Quyết định số {revised_number} ngày {vn_date(revised_decision)} của Chủ tịch UBND {ctx.province}."
        )
        revision = Revision(
            on=ctx.after(revised_decision, 3),
            title=f"Danh mục thủ tục hành chính thuộc thẩm quyền giải quyết của UBND {ctx.name} (cập nhật "
            f"tháng {revised_decision.month}/{y})",
            body=_procedures_body(ctx, count - 2, revised_number, revised_decision, extra=note),
            decision_date=revised_decision,
            document_number=revised_number,
            change_note=note,
            repost_days=None,
        )
    lines.append(
        PlanLine(
            "procedures",
            "xa-13-thu-tuc",
            "Niêm yết thường xuyên danh mục thủ tục hành chính cấp xã",
            PERMANENT,
            date(y, 1, 10),
            None,
            office,
        )
    )
    items.append(
        Item(
            "xa-13-thu-tuc",
            f"Danh mục thủ tục hành chính thuộc thẩm quyền giải quyết của UBND {ctx.name}",
            _procedures_body(ctx, count, procedures_number, procedures_on),
            procedures_on,
            procedures_number,
            ctx.after(procedures_on, 2),
            plan_key="procedures",
            permanent=True,
            seat_text=one_stop,
            revision=revision,
        )
    )

    # Item 2: the budget estimate, decided in January, 30+ days at the seat and in every village.
    resolved_on = ctx.workday_before(date(prev, 12, 26))
    resolution = ctx.number(resolved_on, "NQ-HĐND")
    estimate_on = ctx.workday(date(y, 1, 9))
    lines.append(
        PlanLine(
            "estimate",
            "xa-02-ngan-sach",
            f"Dự toán ngân sách {ctx.kind} năm {y}",
            COMMUNE_BOARDS,
            ctx.after(estimate_on, 5),
            30,
            economy,
        )
    )
    items.append(
        Item(
            "xa-02-ngan-sach",
            f"Dự toán ngân sách {ctx.kind} năm {y}",
            _estimate_body(ctx, budget, resolution, resolved_on),
            estimate_on,
            ctx.number(estimate_on, "QĐ-UBND"),
            ctx.after(estimate_on, 2),
            plan_key="estimate",
            period=str(y),
            board_days=days,
            seat_text=seat,
        )
    )

    # Item 2: execution by quarter; Q3 disclosed late in one commune.
    for quarter in (1, 2, 3):
        decided = ctx.workday(date(y, 3 * quarter + 1, 8))
        late = quarter == 3 and profile.late_q3
        on = ctx.after(decided, 8 if late else 2)
        lines.append(
            PlanLine(
                f"q{quarter}",
                "xa-02-ngan-sach",
                f"Tình hình thực hiện dự toán ngân sách {QUARTER_TITLES[quarter].format(y=y)}",
                COMMUNE_BOARDS,
                date(y, 3 * quarter + 1, 20),
                30,
                economy,
            )
        )
        items.append(
            Item(
                "xa-02-ngan-sach",
                f"Tình hình thực hiện dự toán ngân sách {QUARTER_TITLES[quarter].format(y=y)}",
                _execution_body(ctx, budget, quarter),
                decided,
                ctx.number(decided, "BC-UBND"),
                on,
                plan_key=f"q{quarter}",
                period=f"{y}-Q{quarter}",
                board_days=days,
                seat_text=seat,
            )
        )

    # Item 7: the poor and near-poor households of the year, with the loudspeaker and the village heads.
    poor_on = ctx.workday(date(y, 1, 14))
    poor_number = ctx.number(poor_on, "QĐ-UBND")
    lines.append(
        PlanLine(
            "poor",
            "xa-07-an-sinh",
            f"Danh sách hộ nghèo, hộ cận nghèo năm {y} được hưởng chính sách hỗ trợ",
            COMMUNE_ALL,
            date(y, 1, 31),
            30,
            social,
        )
    )
    items.append(
        Item(
            "xa-07-an-sinh",
            f"Danh sách hộ nghèo, hộ cận nghèo năm {y} được hưởng chính sách hỗ trợ",
            _poor_list_body(ctx, poor_number, poor_on, with_names=True),
            poor_on,
            poor_number,
            ctx.after(poor_on, 2),
            plan_key="poor",
            period=str(y),
            board_days=days,
            loudspeaker_days=3,
            village_heads=True,
            seat_text=seat,
            loudspeaker_ran=2 if profile.short_loudspeaker else None,
            village_taken_down_after=25 if profile.short_village_board else None,
        )
    )

    # Item 3: the land-use plan of the year, approved by the province.
    land_on = ctx.workday(date(y, 3, 3))
    land_number = f"{ctx.rng.randint(480, 760)}/QĐ-UBND"
    lines.append(
        PlanLine(
            "land",
            "xa-03-du-an-dat-dai",
            f"Kế hoạch sử dụng đất năm {y}",
            COMMUNE_BOARDS,
            date(y, 3, 31),
            30,
            economy,
        )
    )
    items.append(
        Item(
            "xa-03-du-an-dat-dai",
            f"Kế hoạch sử dụng đất năm {y} của {ctx.name}",
            _land_body(ctx, land_number, land_on),
            land_on,
            land_number,
            ctx.after(land_on, 3),
            plan_key="land",
            period=str(y),
            board_days=days,
            seat_text=seat,
            unconfirmed_villages=profile.unconfirmed_land,
        )
    )

    # Item 12: fees and charges, with the loudspeaker and the village heads.
    fees_on = ctx.workday(date(y, 2, 5))
    fees_revision = None
    if profile.revise_fees:
        revised = ctx.workday(date(y, 9, 15))
        number = f"{ctx.rng.randint(20, 60)}/{y}/NQ-HĐND"
        pavement = (
            "4. Phí sử dụng tạm thời một phần hè phố không vì mục đích giao thông: từ 10.000 đến 40.000 đồng/m²/"
            f"tháng tùy tuyến phố, theo Nghị quyết số {number} của Hội đồng nhân dân {ctx.province}."
        )
        fees_revision = Revision(
            on=ctx.after(revised, 2),
            title=f"Các khoản phí, lệ phí áp dụng trên địa bàn {ctx.name} năm {y} (bổ sung phí sử dụng hè phố)",
            body=_fees_body(ctx, pavement=pavement),
            decision_date=revised,
            document_number=number,
            change_note=f"Bổ sung mức thu phí sử dụng tạm thời một phần hè phố theo Nghị quyết số {number}.",
            repost_days=days,
        )
    lines.append(
        PlanLine(
            "fees",
            "xa-12-phi-le-phi",
            f"Các khoản phí, lệ phí năm {y}",
            COMMUNE_ALL,
            date(y, 2, 28),
            30,
            office,
        )
    )
    items.append(
        Item(
            "xa-12-phi-le-phi",
            f"Các khoản phí, lệ phí áp dụng trên địa bàn {ctx.name} năm {y}",
            _fees_body(ctx),
            fees_on,
            ctx.number(fees_on, "TB-UBND"),
            ctx.after(fees_on, 3),
            plan_key="fees",
            period=str(y),
            board_days=days,
            loudspeaker_days=3,
            village_heads=True,
            seat_text=seat,
            revision=fees_revision,
        )
    )

    # Item 6: public assets of the previous year — planned everywhere, missing (overdue) in one commune.
    lines.append(
        PlanLine(
            "assets",
            "xa-06-tai-san-cong",
            f"Tình hình quản lý, sử dụng tài sản công năm {prev}",
            COMMUNE_BOARDS,
            date(y, 3, 31),
            30,
            economy,
        )
    )
    if profile.public_assets:
        assets_on = ctx.workday(date(y, 3, 20))
        items.append(
            Item(
                "xa-06-tai-san-cong",
                f"Tình hình quản lý, sử dụng tài sản công năm {prev}",
                _assets_body(ctx),
                assets_on,
                ctx.number(assets_on, "BC-UBND"),
                ctx.after(assets_on, 2),
                plan_key="assets",
                period=str(prev),
                board_days=days,
                seat_text=seat,
            )
        )

    # Item 7, published by mistake and withdrawn two days later.
    if profile.withdraw_one:
        draft_on = ctx.workday(date(y, 5, 12))
        on = ctx.after(draft_on, 1)
        items.append(
            Item(
                "xa-07-an-sinh",
                f"Danh sách hộ nghèo, hộ cận nghèo được hỗ trợ sửa chữa nhà ở năm {y}",
                "Danh sách 14 hộ đề nghị hỗ trợ sửa chữa nhà ở, mức hỗ trợ 30 triệu đồng/hộ.",
                draft_on,
                ctx.number(draft_on, "TTr-VHXH"),
                on,
                board_days=days,
                seat_text=seat,
                withdrawal=(
                    ctx.after(on, 2),
                    "Đăng nhầm bản dự thảo chưa được Hội đồng xét duyệt thông qua, có số định danh cá nhân của "
                    "người dân. Danh sách chính thức sẽ được công khai sau khi có quyết định phê duyệt.",
                ),
            )
        )

    # Item 5: the residents' contribution campaign, decided a few weeks ago: its boards are still up.
    campaign_on = _recent_decision(ctx, 24)
    meeting_on = campaign_on - timedelta(days=ctx.rng.randint(9, 16))
    campaign_number = ctx.number(campaign_on, "QĐ-UBND")
    v0 = local_name(ctx.villages[0]) if ctx.villages else ctx.name
    v1 = local_name(ctx.villages[1]) if len(ctx.villages) > 1 else v0
    road = (profile.road or ROUTINE_ROAD).format(v0=v0, v1=v1)
    publish_on = ctx.after(campaign_on, 3)
    work = (
        "xây dựng đường giao thông nông thôn" if ctx.unit.kind == UnitKind.COMMUNE else "cải tạo ngõ, đường"
    )
    lines.append(
        PlanLine(
            "campaign",
            "xa-05-huy-dong",
            f"Phương án huy động Nhân dân đóng góp xây dựng đường giao thông năm {y}",
            COMMUNE_BOARDS,
            min(ctx.after(campaign_on, 5), date(y, 12, 31)),
            30,
            economy,
        )
    )
    items.append(
        Item(
            "xa-05-huy-dong",
            f"Phương án huy động Nhân dân đóng góp {work} {v0} năm {y}",
            _campaign_body(ctx, road, meeting_on, campaign_number, campaign_on),
            campaign_on,
            campaign_number,
            publish_on,
            plan_key="campaign",
            period=str(y),
            board_days=days,
            seat_text=seat,
            unconfirmed_villages=profile.unconfirmed_recent,
        )
    )

    # A line not yet due: the final accounts of the previous year.
    lines.append(
        PlanLine(
            "final-accounts",
            "xa-02-ngan-sach",
            f"Quyết toán ngân sách {ctx.kind} năm {prev}",
            COMMUNE_BOARDS,
            date(y, 12, 31),
            30,
            economy,
        )
    )
    return lines, items


def routine_items(ctx: _Context, rng: random.Random) -> tuple[list[PlanLine], list[Item]]:
    """A generated commune at benchmark scales: the budget estimate, its execution, the poor-household list;
    a few late or short, drawn from `rng`."""
    y = ctx.year
    seat = f"Bảng tin trụ sở Ủy ban nhân dân {ctx.name}"
    budget = _budget(ctx)
    estimate_on = ctx.workday(date(y, 1, 9))
    resolved_on = ctx.workday_before(date(y - 1, 12, 26))
    items = [
        Item(
            "xa-02-ngan-sach",
            f"Dự toán ngân sách {ctx.kind} năm {y}",
            _estimate_body(ctx, budget, ctx.number(resolved_on, "NQ-HĐND"), resolved_on),
            estimate_on,
            ctx.number(estimate_on, "QĐ-UBND"),
            ctx.after(estimate_on, rng.choice((1, 2, 2, 3, 3, 4, 2, 7))),
            period=str(y),
            board_days=32,
            seat_text=seat,
            unconfirmed_villages=rng.choice((0, 0, 0, 2)),
        )
    ]
    for quarter in (1, 2, 3):
        decided = ctx.workday(date(y, 3 * quarter + 1, 8))
        items.append(
            Item(
                "xa-02-ngan-sach",
                f"Tình hình thực hiện dự toán ngân sách {QUARTER_TITLES[quarter].format(y=y)}",
                _execution_body(ctx, budget, quarter),
                decided,
                ctx.number(decided, "BC-UBND"),
                ctx.after(decided, rng.choice((1, 2, 2, 3, 3, 4, 2, 2, 3, 8))),
                period=f"{y}-Q{quarter}",
                board_days=rng.choice((32, 32, 32, 32, 31, 30, 32, 28)),
                seat_text=seat,
            )
        )
    poor_on = ctx.workday(date(y, 1, 14))
    poor_number = ctx.number(poor_on, "QĐ-UBND")
    items.append(
        Item(
            "xa-07-an-sinh",
            f"Danh sách hộ nghèo, hộ cận nghèo năm {y} được hưởng chính sách hỗ trợ",
            _poor_list_body(ctx, poor_number, poor_on, with_names=False),
            poor_on,
            poor_number,
            ctx.after(poor_on, 2),
            period=str(y),
            board_days=32,
            loudspeaker_days=3,
            village_heads=True,
            seat_text=seat,
            loudspeaker_ran=rng.choice((None, None, None, 2)),
        )
    )
    return [], items


# -------------------------------------------------------------------------------------------- workplace items


def agency_items(ctx: _Context) -> list[Item]:
    """Internal items of a state agency or public service unit (Art. 46–48: ≤ 5 working days, ≥ 20 days)."""
    y, prev = ctx.year, ctx.year - 1
    seat = "Bảng tin tại sảnh trụ sở cơ quan"
    group = f"Nhóm Zalo cán bộ, công chức {ctx.name}"
    budget_on = ctx.workday(date(y, 1, 12))
    total = ctx.rng.randrange(48_000, 66_000, 10)
    autonomous = int(total * ctx.rng.uniform(0.5, 0.6) / 10) * 10
    plan_on = ctx.workday(date(y, 1, 8))
    rating_on = ctx.workday(date(y, 1, 20))
    rules_on = ctx.workday(date(y, 2, 3))
    recruit_on = ctx.workday(date(y, 3, 16))
    posts = ctx.rng.randint(4, 8)
    return [
        Item(
            "co-quan-01-ke-hoach",
            f"Chương trình công tác năm {y}",
            f"Chương trình công tác năm {y} của {ctx.name}: tham mưu tổ chức các phiên họp thường kỳ của Ủy ban "
            "nhân dân; theo dõi, đôn đốc thực hiện nhiệm vụ được giao; cải cách hành chính, chuyển đổi số trong "
            "xử lý văn bản và điều hành; thực hiện dân chủ ở cơ sở trong cơ quan; lịch trình từng quý kèm theo.",
            plan_on,
            ctx.number(plan_on, "CTr-VP"),
            ctx.after(plan_on, 2),
            period=str(y),
            board_days=22,
            social_group=group,
            seat_text=seat,
        ),
        Item(
            "co-quan-02-tai-chinh",
            f"Dự toán ngân sách năm {y} được giao",
            f"Tổng dự toán được giao năm {y}: {vn_int(total)} triệu đồng, gồm kinh phí thực hiện chế độ tự chủ "
            f"{vn_int(autonomous)} triệu đồng và kinh phí không thực hiện chế độ tự chủ {vn_int(total - autonomous)}"
            " triệu đồng (tổ chức hội nghị, tiếp khách đối ngoại, vận hành hệ thống quản lý văn bản và điều hành, "
            "mua sắm, sửa chữa tài sản).",
            budget_on,
            ctx.number(budget_on, "QĐ-VP"),
            ctx.after(budget_on, 3),
            period=str(y),
            board_days=25,
            seat_text=seat,
        ),
        Item(
            "co-quan-04-nhan-su",
            f"Kết quả đánh giá, xếp loại chất lượng công chức, viên chức, người lao động năm {prev}",
            "Tổng số được đánh giá: 86 người; hoàn thành xuất sắc nhiệm vụ: 15; hoàn thành tốt nhiệm vụ: 64; hoàn "
            "thành nhiệm vụ: 7; không hoàn thành nhiệm vụ: 0. Người có ý kiến về kết quả gửi Phòng Hành chính - "
            "Tổ chức trong thời gian niêm yết.",
            rating_on,
            ctx.number(rating_on, "QĐ-VP"),
            ctx.after(rating_on, 9),  # late: Art. 47.2 allows 5 working days
            period=str(prev),
            board_days=21,
            seat_text=seat,
        ),
        Item(
            "co-quan-07-noi-quy",
            f"Quy chế chi tiêu nội bộ năm {y}",
            "Quy chế chi tiêu nội bộ sau khi lấy ý kiến tại Hội nghị cán bộ, công chức, viên chức và người lao "
            "động: định mức công tác phí, chi hội nghị, sử dụng văn phòng phẩm, điện thoại, xe ô tô; chi thu nhập "
            "tăng thêm từ kinh phí tiết kiệm.",
            rules_on,
            ctx.number(rules_on, "QĐ-VP"),
            ctx.after(rules_on, 2),
            period=str(y),
            board_days=20,
            social_group=group,
            seat_text=seat,
        ),
        Item(
            "co-quan-04-nhan-su",
            f"Kế hoạch tuyển dụng công chức năm {y}",
            f"Chỉ tiêu tuyển dụng: {posts:02d} công chức ({posts - 2:02d} chuyên viên tổng hợp, 01 chuyên viên pháp "
            "chế, 01 chuyên viên công nghệ thông tin); hình thức: thi tuyển; điều kiện, hồ sơ và thời gian nhận hồ sơ "
            "theo kế hoạch; thông báo tuyển dụng được đăng công khai sau khi kế hoạch được phê duyệt.",
            recruit_on,
            ctx.number(recruit_on, "KH-VP"),
            ctx.after(recruit_on, 2),
            period=str(y),
            board_days=21,
            social_group=group,
            seat_text=seat,
        ),
    ]


def enterprise_items(ctx: _Context) -> list[Item]:
    """Internal items of an enterprise (Art. 64–65: ≤ 15 days, ≥ 20 days)."""
    y = ctx.year
    seat = "Bảng tin tại nhà ăn ca và cổng công ty"
    group = "Nhóm Zalo người lao động của công ty"
    plan_on = ctx.workday(date(y, 1, 15))
    pay_on = ctx.workday(date(y, 3, 2))
    bonus_on = ctx.workday(date(y, 6, 10))
    return [
        Item(
            "doanh-nghiep-01-san-xuat",
            f"Kế hoạch sản xuất, kinh doanh năm {y}",
            f"Kế hoạch sản xuất, kinh doanh năm {y}: doanh thu dự kiến tăng 8% so với năm trước; kế hoạch đầu tư "
            "dây chuyền mới trong quý III; nhu cầu tuyển thêm 40 lao động.",
            plan_on,
            ctx.number(plan_on, "QĐ-HĐTV"),
            plan_on + timedelta(days=6),
            period=str(y),
            board_days=22,
            social_group=group,
            seat_text=seat,
        ),
        Item(
            "doanh-nghiep-03-lao-dong",
            f"Thang lương, bảng lương và mức lương tối thiểu áp dụng từ năm {y}",
            "Thang lương, bảng lương sau khi tham khảo ý kiến tổ chức đại diện người lao động; mức lương thấp nhất "
            "không thấp hơn mức lương tối thiểu vùng do Chính phủ quy định.",
            pay_on,
            ctx.number(pay_on, "QĐ-GĐ"),
            pay_on + timedelta(days=18),  # late: Art. 65.2 allows 15 days
            period=str(y),
            board_days=21,
            seat_text=seat,
        ),
        Item(
            "doanh-nghiep-05-quy",
            f"Trích lập và sử dụng quỹ khen thưởng, phúc lợi 6 tháng đầu năm {y}",
            "Quỹ khen thưởng, phúc lợi: số dư đầu kỳ, số trích lập, số đã chi (thưởng lễ, hỗ trợ người lao động có "
            "hoàn cảnh khó khăn, tham quan, nghỉ mát) và số dư cuối kỳ.",
            bonus_on,
            ctx.number(bonus_on, "TB-CĐ"),
            bonus_on + timedelta(days=3),
            period=f"{y}-H1",
            board_days=20,
            social_group=group,
            seat_text=seat,
        ),
    ]


# -------------------------------------------------------------------------------------------- the seeder


class _Seeder:
    def __init__(self, ctx: _Context, report: DisclosureSeedReport):
        self.ctx = ctx
        self.report = report
        self.categories = {c.code: c for c in Category.objects.all()}
        self.plan_items: dict[str, PlanItem] = {}

    # plan -------------------------------------------------------------------------------------------------
    def plan(self, lines: list[PlanLine]) -> None:
        ctx = self.ctx
        plan = DisclosurePlan.objects.filter(unit=ctx.unit, year=ctx.year).first()
        if plan is not None:
            by_content = {item.content: item for item in plan.items.all()}
            self.plan_items = {
                line.key: by_content[line.content] for line in lines if line.content in by_content
            }
            return
        plan = services.create_plan(ctx.unit, ctx.year, actor=ctx.officer)
        for line in lines:
            self.plan_items[line.key] = services.save_plan_item(
                plan,
                actor=ctx.officer,
                category=self.categories[line.category],
                content=line.content,
                channels=list(line.channels),
                due_on=line.due_on,
                duration_days=line.duration_days,
                responsible=line.responsible,
            )
        approved_on = ctx.workday_before(date(ctx.year, 1, 6))
        services.approve_plan(
            plan,
            actor=ctx.leader or ctx.officer,
            document_number=ctx.number(approved_on, "KH-UBND"),
            approved_on=approved_on,
        )
        self.report.plans_created += 1

    # items ------------------------------------------------------------------------------------------------
    def exists(self, item: Item) -> bool:
        return PublicationVersion.objects.filter(
            unit=self.ctx.unit, number=1, title=item.title, publication__category__code=item.category
        ).exists()

    def specs(self, item: Item, *, on: date, board_days: int | None) -> list[PostingSpec]:
        ctx = self.ctx
        specs: list[PostingSpec] = []
        if item.permanent:
            specs.append(PostingSpec(Channel.SEAT_BOARD, on, None, place_text=item.seat_text))
        elif board_days:
            specs.append(
                PostingSpec(
                    Channel.SEAT_BOARD, on, on + timedelta(days=board_days - 1), place_text=item.seat_text
                )
            )
            for village in ctx.villages:
                start = min(on + timedelta(days=ctx.rng.choice((0, 0, 1))), ctx.today)
                specs.append(
                    PostingSpec(
                        Channel.VILLAGE_BOARD,
                        start,
                        start + timedelta(days=board_days - 1),
                        place=village,
                        place_text=f"Bảng tin nhà văn hóa {local_name(village)}",
                    )
                )
        if item.loudspeaker_days and ctx.villages:
            specs.append(
                PostingSpec(
                    Channel.LOUDSPEAKER,
                    on,
                    on + timedelta(days=item.loudspeaker_days - 1),
                    place_text=f"Đài truyền thanh {ctx.name} và loa các thôn, tổ dân phố",
                )
            )
        if item.village_heads:
            start = min(on + timedelta(days=1), ctx.today)
            for village in ctx.villages:
                specs.append(PostingSpec(Channel.VILLAGE_HEAD, start, start, place=village))
        if item.social_group:
            end = on + timedelta(days=(board_days or 20) - 1)
            specs.append(PostingSpec(Channel.SOCIAL_GROUP, on, end, place_text=item.social_group))
        return specs

    def confirm(self, posting: Posting) -> None:
        ctx = self.ctx
        if posting.channel in BOARD_CHANNELS:
            place = posting.place or ctx.unit
            note = PHOTO_NOTE
            if posting.channel == Channel.VILLAGE_BOARD:
                note = f"Ảnh do trưởng thôn (tổ trưởng) gửi. {PHOTO_NOTE}"
            services.confirm_posting(posting, actor=ctx.officer, photo=demo_photo(place), note=note)
        else:
            note = {
                Channel.LOUDSPEAKER: LOUDSPEAKER_NOTE,
                Channel.VILLAGE_HEAD: VILLAGE_HEAD_NOTE,
                Channel.SOCIAL_GROUP: SOCIAL_NOTE,
            }.get(posting.channel, "")
            services.confirm_posting(posting, actor=ctx.officer, note=note)

    def confirm_all(self, postings: list[Posting], unconfirmed: int = 0) -> None:
        villages = [p for p in postings if p.channel == Channel.VILLAGE_BOARD]
        left = set()
        if unconfirmed:
            left = {p.pk for p in (villages if unconfirmed < 0 else villages[-unconfirmed:])}
        for posting in postings:
            if posting.pk not in left:
                self.confirm(posting)

    def postings_of(self, publication: Publication, version=None) -> list[Posting]:
        rows = Posting.objects.filter(publication=publication).exclude(channel=Channel.PORTAL)
        if version is not None:
            rows = rows.filter(version=version)
        return list(rows.select_related("place").order_by("pk"))

    def publish(self, item: Item) -> Publication | None:
        ctx = self.ctx
        if self.exists(item):
            self.report.skipped_items += 1
            return None
        assert item.decision_date <= item.on <= ctx.today, (item.title, item.decision_date, item.on)
        publication = services.create_publication(
            unit=ctx.unit,
            category=self.categories[item.category],
            title=item.title,
            body=item.body,
            decision_date=item.decision_date,
            document_number=item.document_number,
            actor=ctx.officer,
            postings=self.specs(item, on=item.on, board_days=item.board_days),
            period_label=item.period,
            plan_item=self.plan_items.get(item.plan_key),
            on=item.on,
        )
        postings = self.postings_of(publication)
        if item.withdrawal is None:
            self.confirm_all(postings, item.unconfirmed_villages)
        self.departures(item, postings)
        if item.revision is not None:
            self.revise(publication, item, postings)
        if item.withdrawal is not None:
            withdrawn_on, reason = item.withdrawal
            services.withdraw_publication(publication, actor=ctx.officer, reason=reason, on=withdrawn_on)
        return publication

    def departures(self, item: Item, postings: list[Posting]) -> None:
        ctx = self.ctx
        if item.loudspeaker_ran:
            for posting in postings:
                if posting.channel == Channel.LOUDSPEAKER:
                    services.end_posting(
                        posting,
                        actor=ctx.officer,
                        taken_down_on=posting.start_on + timedelta(days=item.loudspeaker_ran - 1),
                        reason="Bộ khuếch đại của đài truyền thanh bị hỏng, ngừng phát; chưa phát bù.",
                    )
        if item.village_taken_down_after:
            village_boards = [p for p in postings if p.channel == Channel.VILLAGE_BOARD]
            if village_boards:
                posting = village_boards[min(2, len(village_boards) - 1)]
                services.end_posting(
                    posting,
                    actor=ctx.officer,
                    taken_down_on=posting.start_on + timedelta(days=item.village_taken_down_after - 1),
                    reason="Bảng tin nhà văn hóa bị tốc mái do giông lốc, bản niêm yết bị hư hỏng, chưa niêm yết lại.",
                )

    def revise(self, publication: Publication, item: Item, postings: list[Posting]) -> None:
        ctx = self.ctx
        revision = item.revision
        version = services.revise_publication(
            publication,
            actor=ctx.officer,
            title=revision.title,
            body=revision.body,
            decision_date=revision.decision_date,
            document_number=revision.document_number,
            change_note=revision.change_note,
            on=revision.on,
        )
        publication.refresh_from_db()
        repost = Item(
            item.category,
            revision.title,
            revision.body,
            revision.decision_date,
            revision.document_number,
            revision.on,
            permanent=revision.repost_days is None,
            loudspeaker_days=item.loudspeaker_days,  # announced again; the village heads passed on the first
            seat_text=item.seat_text,
        )
        for spec in self.specs(repost, on=revision.on, board_days=revision.repost_days):
            services.add_posting(publication, spec, actor=ctx.officer)
        self.confirm_all(self.postings_of(publication, version))
        if revision.repost_days is None:  # the permanent board now shows the new version
            for posting in postings:
                if posting.channel == Channel.SEAT_BOARD and posting.end_on is None:
                    services.end_posting(
                        posting,
                        actor=ctx.officer,
                        taken_down_on=revision.on,
                        reason="Thay bằng danh mục cập nhật.",
                    )

    # quarterly lists --------------------------------------------------------------------------------------
    def quarterly_list(self, quarter: int, *, confirm: bool) -> None:
        ctx = self.ctx
        label = f"{ctx.year}-Q{quarter}"
        if Publication.objects.filter(
            unit=ctx.unit, category__is_quarterly_list=True, period_label=label
        ).exists():
            return
        quarter_end = services.quarter_bounds(ctx.year, quarter)[1]
        on = ctx.after(quarter_end, ctx.rng.choice((2, 3, 4)))
        publication = services.publish_quarterly_list(ctx.unit, ctx.year, quarter, actor=ctx.officer, on=on)
        self.report.quarterly_lists_created += 1
        if confirm:
            self.confirm_all(self.postings_of(publication))


# -------------------------------------------------------------------------------------------- entry points


def _member(unit: Unit, roles) -> object:
    membership = (
        Membership.objects.current()
        .filter(unit=unit, role__in=roles)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _context(unit: Unit, year: int, today: date) -> _Context:
    villages = list(Unit.objects.filter(parent=unit, kind__in=SETTLEMENT_KINDS).order_by("code"))
    if unit.kind in WORKPLACE_KINDS:
        officer = _member(unit, [Role.WORKPLACE_OFFICER])
        leader = officer
    else:
        officer = _member(unit, [Role.COMMUNE_OFFICER])
        leader = _member(unit, [Role.COMMUNE_LEADER])
    return _Context(
        unit=unit,
        year=year,
        today=today,
        rng=random.Random(f"disclosure:{unit.code}:{year}"),
        villages=villages,
        officer=officer,
        leader=leader,
    )


def _seed_commune(unit: Unit, year: int, today: date, report: DisclosureSeedReport, profile: Profile | None):
    ctx = _context(unit, year, today)
    seeder = _Seeder(ctx, report)
    if profile is not None:
        lines, items = commune_items(ctx, profile)
        quarters, unconfirmed_q3 = profile.quarterly_lists, profile.unconfirmed_q3_list
    else:
        rng = random.Random(f"disclosure-routine:{unit.code}:{year}")
        lines, items = routine_items(ctx, rng)
        quarters = (1, 2, 3) if rng.random() > 0.15 else (1, 2)
        unconfirmed_q3 = rng.random() < 0.3
    if lines:
        seeder.plan(lines)
    for item in items:
        seeder.publish(item)
    for quarter in quarters:
        seeder.quarterly_list(quarter, confirm=not (quarter == 3 and unconfirmed_q3))


def _seed_workplace(unit: Unit, year: int, today: date, report: DisclosureSeedReport) -> None:
    ctx = _context(unit, year, today)
    seeder = _Seeder(ctx, report)
    items = enterprise_items(ctx) if unit.kind == UnitKind.ENTERPRISE else agency_items(ctx)
    for item in items:
        seeder.publish(item)


def seed_disclosures(scale: int = 1, today: date | None = None) -> DisclosureSeedReport:
    """Demo disclosures for the demo communes and wards (and, at scale > 1, the generated ones) and internal
    items for the tree's agencies and enterprises; idempotent (a second run creates nothing)."""
    today = today or timezone.localdate()
    year = demo_year(today)
    report = DisclosureSeedReport()
    before = _counts()
    communes = Unit.objects.filter(kind__in=COMMUNE_LEVEL_KINDS, is_active=True).order_by("code")
    for unit in communes:
        profile = PROFILES.get(unit.code)
        if profile is None and not (scale > 1 and GENERATED_CODE.match(unit.code)):
            continue
        with transaction.atomic():
            _seed_commune(unit, year, today, report, profile)
    workplaces = (
        Unit.objects.filter(kind__in=WORKPLACE_KINDS, is_active=True)
        .filter(memberships__role=Role.WORKPLACE_OFFICER, memberships__is_active=True)
        .distinct()
        .order_by("code")
    )
    for unit in workplaces:
        with transaction.atomic():
            _seed_workplace(unit, year, today, report)
    after = _counts()
    report.publications_created = after[0] - before[0]
    report.postings_created = after[1] - before[1]
    report.postings_confirmed_with_photo = after[2] - before[2]
    return report


def _counts() -> tuple[int, int, int]:
    return (
        Publication.objects.count(),
        Posting.objects.count(),
        Posting.objects.filter(proof__isnull=False).count(),
    )
