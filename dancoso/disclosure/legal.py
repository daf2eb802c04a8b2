"""The law of disclosure as data: which items, through which channels, how soon and for how long (LEGAL.md §1.a,
§1.e, §1.f; Luật Thực hiện dân chủ ở cơ sở 10/2022/QH15).

Timing values are rules with a starting date, stored in `DisclosureRule` rows that an administrator may correct
(seeded with the figures below by a migration; without rows the figures below apply). The list of items is the
`Category` table, seeded from `CATEGORIES`.

Counting: "within 5 working days after the decision" starts the day after the decision (BLDS 2015 Art. 147) and
uses the unit's work calendar (core.calendar). "At least 30 consecutive days" counts every calendar day a notice
was up, the first and the last included: a notice up from 01/03 to 30/03 was up 30 days, to 29/03 only 29.
"""

import hashlib
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from dancoso.core import calendar
from dancoso.core.ledger import canonical_json
from dancoso.core.versioned_cache import VersionedCache
from dancoso.units.models import COMMUNE_LEVEL_KINDS, UnitKind

WORKING = "working"
CALENDAR = "calendar"

LAW_IN_FORCE = date(2023, 7, 1)  # Luật 10/2022/QH15

COMMUNE, AGENCY, ENTERPRISE = "commune", "agency", "enterprise"  # models.Regime values


@dataclass(frozen=True)
class Rule:
    key: str
    valid_from: date
    days: int
    day_type: str  # WORKING or CALENDAR
    article: str
    note: str = ""


DEFAULT_RULES: tuple[Rule, ...] = (
    # Communes: disclose within 05 working days of the decision unless a sector law says otherwise.
    Rule("commune.disclose", LAW_IN_FORCE, 5, WORKING, "Khoản 3 Điều 12 Luật 10/2022/QH15"),
    # Items 1–3, 5–12: at the commune seat and at the thôn/TDP points for at least 30 consecutive days.
    Rule("commune.boards", LAW_IN_FORCE, 30, CALENDAR, "Khoản 2 Điều 13 Luật 10/2022/QH15"),
    # Items 7–12: also on the loudspeaker for at least 03 consecutive days.
    Rule("commune.loudspeaker", LAW_IN_FORCE, 3, CALENDAR, "Khoản 3 Điều 13 Luật 10/2022/QH15"),
    # Agencies and public service units: within 05 working days; posted or online for at least 20 consecutive days.
    Rule("agency.disclose", LAW_IN_FORCE, 5, WORKING, "Khoản 2 Điều 47 Luật 10/2022/QH15"),
    Rule("agency.posting", LAW_IN_FORCE, 20, CALENDAR, "Điều 48 Luật 10/2022/QH15"),
    # State enterprises: within 15 days of the decision; posted for at least 20 days.
    Rule("enterprise.disclose", LAW_IN_FORCE, 15, CALENDAR, "Khoản 2 Điều 65 Luật 10/2022/QH15"),
    Rule("enterprise.posting", LAW_IN_FORCE, 20, CALENDAR, "Khoản 2 Điều 65 Luật 10/2022/QH15"),
    # Not in the law: items posted permanently (Art. 13.1: "updated when they change") are flagged for review when
    # they have not been updated for this long. A platform default an administrator may change.
    Rule(
        "permanent.review",
        LAW_IN_FORCE,
        365,
        CALENDAR,
        "Khoản 1 Điều 13 Luật 10/2022/QH15 (niêm yết thường xuyên, cập nhật khi có thay đổi)",
        "Mặc định của hệ thống, không phải quy định của luật: nhắc rà soát nội dung niêm yết thường xuyên.",
    ),
)

RULE_LABELS = {
    "commune.disclose": _("Commune: disclose within … after the decision"),
    "commune.boards": _("Commune: notice boards for at least …"),
    "commune.loudspeaker": _("Commune: loudspeaker for at least …"),
    "agency.disclose": _("Agency: disclose within … after the decision"),
    "agency.posting": _("Agency: posted or online for at least …"),
    "enterprise.disclose": _("Enterprise: disclose within … after the decision"),
    "enterprise.posting": _("Enterprise: posted for at least …"),
    "permanent.review": _("Permanent items: review when not updated for …"),
}


# The legal lists. Flags: P = posted permanently and updated; B = notice boards (seat, and each village for a
# commune) for the minimum period; L = loudspeaker; H = through the village heads.
def _category(regime, number, code, name, name_en, article, flags="", audience="public"):
    return {
        "regime": regime,
        "number": number,
        "code": code,
        "name": name,
        "name_en": name_en,
        "article": article,
        "is_permanent": "P" in flags,
        "needs_notice_boards": "B" in flags,
        "needs_loudspeaker": "L" in flags,
        "needs_village_head": "H" in flags,
        "is_quarterly_list": False,
        "default_audience": audience,
        "position": number or 99,
    }


ART_11 = "Điều 11, 13 Luật 10/2022/QH15"
ART_46 = "Điều 46, 48 Luật 10/2022/QH15"
ART_64 = "Điều 64, 65 Luật 10/2022/QH15"

ITEMS: tuple[dict, ...] = (
    _category(
        COMMUNE,
        1,
        "xa-01-ke-hoach",
        "Kế hoạch phát triển kinh tế - xã hội và kết quả thực hiện",
        "Socio-economic development plan and results",
        ART_11,
        "B",
    ),
    _category(
        COMMUNE,
        2,
        "xa-02-ngan-sach",
        "Dự toán, tình hình thực hiện, quyết toán ngân sách; kết quả kiểm toán",
        "Budget: estimate, execution by quarter, 6 months and year, final accounts, audit",
        ART_11,
        "B",
    ),
    _category(
        COMMUNE,
        3,
        "xa-03-du-an-dat-dai",
        "Dự án đầu tư; thu hồi đất, bồi thường, tái định cư; quy hoạch",
        "Investment projects; land recovery, compensation, resettlement; zoning plans",
        ART_11,
        "B",
    ),
    _category(
        COMMUNE,
        4,
        "xa-04-quy-che",
        "Quy chế thực hiện dân chủ; nhiệm vụ của cán bộ; quy tắc ứng xử",
        "Rules on grassroots democracy; staff duties; code of conduct",
        ART_11,
        "P",
    ),
    _category(
        COMMUNE,
        5,
        "xa-05-huy-dong",
        "Các quỹ, khoản tài trợ, khoản huy động Nhân dân đóng góp",
        "Funds, sponsorships and contributions mobilised from residents",
        ART_11,
        "B",
    ),
    _category(
        COMMUNE, 6, "xa-06-tai-san-cong", "Quản lý, sử dụng tài sản công", "Public assets", ART_11, "B"
    ),
    _category(
        COMMUNE,
        7,
        "xa-07-an-sinh",
        "Chính sách hỗ trợ, trợ cấp, an sinh xã hội: tiêu chuẩn, đối tượng, kết quả",
        "Support, subsidy and social-security policies: criteria, beneficiaries, results",
        ART_11,
        "BLH",
    ),
    _category(
        COMMUNE,
        8,
        "xa-08-cuu-tro",
        "Hỗ trợ thiên tai, dịch bệnh; quyên góp tự nguyện",
        "Disaster and illness relief; voluntary donations",
        ART_11,
        "BLH",
    ),
    _category(
        COMMUNE,
        9,
        "xa-09-nghia-vu",
        "Danh sách gọi nhập ngũ, thực hiện nghĩa vụ công an",
        "Military and police service lists",
        ART_11,
        "BLH",
    ),
    _category(
        COMMUNE,
        10,
        "xa-10-thanh-tra",
        "Kết quả thanh tra, phòng chống tham nhũng; kết quả lấy phiếu tín nhiệm",
        "Inspection and anti-corruption results; confidence-vote results",
        ART_11,
        "BLH",
    ),
    _category(
        COMMUNE,
        11,
        "xa-11-lay-y-kien",
        "Kế hoạch lấy ý kiến, kết quả tổng hợp, tiếp thu, giải trình",
        "Consultation plans, summaries, acceptance and explanations",
        ART_11,
        "BLH",
    ),
    _category(COMMUNE, 12, "xa-12-phi-le-phi", "Các khoản phí, lệ phí", "Fees and charges", ART_11, "BLH"),
    _category(COMMUNE, 13, "xa-13-thu-tuc", "Thủ tục hành chính", "Administrative procedures", ART_11, "P"),
    _category(COMMUNE, 14, "xa-14-khac", "Nội dung khác theo quy định của pháp luật", "Other", ART_11),
    _category(AGENCY, 1, "co-quan-01-ke-hoach", "Kế hoạch công tác", "Work plans", ART_46, "B", "internal"),
    _category(
        AGENCY,
        2,
        "co-quan-02-tai-chinh",
        "Dự toán, quyết toán ngân sách; kết quả kiểm toán",
        "Budget, final accounts and audit results",
        ART_46,
        "B",
        "internal",
    ),
    _category(
        AGENCY,
        3,
        "co-quan-03-tai-san",
        "Tài sản công; đầu tư, mua sắm",
        "Public assets and investment",
        ART_46,
        "B",
        "internal",
    ),
    _category(
        AGENCY,
        4,
        "co-quan-04-nhan-su",
        "Tuyển dụng, bổ nhiệm, điều động, khen thưởng, kỷ luật",
        "Personnel: recruitment, appointment, transfers, rewards, discipline",
        ART_46,
        "B",
        "internal",
    ),
    _category(
        AGENCY,
        5,
        "co-quan-05-tham-nhung",
        "Kết luận về tham nhũng; bản kê khai tài sản, thu nhập",
        "Corruption findings; asset declarations",
        ART_46,
        "B",
        "internal",
    ),
    _category(
        AGENCY,
        6,
        "co-quan-06-thanh-tra",
        "Kết quả thanh tra, kiểm tra, giải quyết khiếu nại, tố cáo",
        "Inspection and complaint results",
        ART_46,
        "B",
        "internal",
    ),
    _category(
        AGENCY,
        7,
        "co-quan-07-noi-quy",
        "Nội quy, quy chế của cơ quan, đơn vị",
        "Internal rules",
        ART_46,
        "B",
        "internal",
    ),
    _category(
        AGENCY,
        8,
        "co-quan-08-tong-hop-y-kien",
        "Kết quả tổng hợp ý kiến của cán bộ, công chức, viên chức",
        "Summaries of staff comments",
        ART_46,
        "B",
        "internal",
    ),
    _category(
        AGENCY, 9, "co-quan-09-chi-dao", "Văn bản chỉ đạo, điều hành", "Directives", ART_46, "B", "internal"
    ),
    _category(AGENCY, 10, "co-quan-10-khac", "Nội dung khác", "Other", ART_46, "", "internal"),
    # LEGAL.md §1.f names only the timing (Art. 65.2); the item list below follows Art. 64 as commonly summarised.
    # UNCONFIRMED: check the items against the text of Art. 64 before relying on them (an administrator may edit).
    _category(
        ENTERPRISE,
        1,
        "doanh-nghiep-01-san-xuat",
        "Kế hoạch sản xuất, kinh doanh",
        "Production and business plan",
        ART_64,
        "B",
        "internal",
    ),
    _category(
        ENTERPRISE,
        2,
        "doanh-nghiep-02-tai-chinh",
        "Tình hình tài chính, kết quả kinh doanh",
        "Financial situation and results",
        ART_64,
        "B",
        "internal",
    ),
    _category(
        ENTERPRISE,
        3,
        "doanh-nghiep-03-lao-dong",
        "Chế độ, chính sách đối với người lao động; thỏa ước lao động tập thể",
        "Workers' benefits and policies; collective agreement",
        ART_64,
        "B",
        "internal",
    ),
    _category(
        ENTERPRISE,
        4,
        "doanh-nghiep-04-noi-quy",
        "Nội quy, quy chế của doanh nghiệp",
        "Internal rules",
        ART_64,
        "B",
        "internal",
    ),
    _category(
        ENTERPRISE,
        5,
        "doanh-nghiep-05-quy",
        "Trích lập và sử dụng các quỹ",
        "Funds set aside and their use",
        ART_64,
        "B",
        "internal",
    ),
    _category(ENTERPRISE, 6, "doanh-nghiep-06-khac", "Nội dung khác", "Other", ART_64, "", "internal"),
)
QUARTERLY_LIST = {
    **_category(
        COMMUNE,
        None,
        "xa-danh-muc-quy",
        "Danh mục thông tin đã công khai trong quý",
        "Quarterly list of what was disclosed",
        "Khoản 2 Điều 13 Luật 10/2022/QH15",
        "B",
    ),
    "is_quarterly_list": True,
    "position": 100,
}
CATEGORIES: tuple[dict, ...] = (*ITEMS, QUARTERLY_LIST)


# ---------------------------------------------------------------------------------------------------- rules

_rules_cache = VersionedCache("dancoso:disclosure:rules")


def connect_cache() -> None:
    from dancoso.disclosure.models import DisclosureRule

    _rules_cache.watch(DisclosureRule)


def _load_rules() -> dict[str, tuple[Rule, ...]]:
    from dancoso.disclosure.models import DisclosureRule

    rows = [
        Rule(row.rule, row.valid_from, row.days, row.day_type, row.article, row.note)
        for row in DisclosureRule.objects.order_by("rule", "valid_from")
    ]
    by_key: dict[str, list[Rule]] = {}
    for rule_ in rows or DEFAULT_RULES:
        by_key.setdefault(rule_.key, []).append(rule_)
    for default in DEFAULT_RULES:  # a rule without rows keeps its default
        by_key.setdefault(default.key, [default])
    return {key: tuple(sorted(values, key=lambda r: r.valid_from)) for key, values in by_key.items()}


def rule(key: str, on: date) -> Rule:
    """The rule `key` in force on `on` (the earliest row if `on` is before all of them)."""
    rules = _rules_cache.get("rules", _load_rules)[key]
    current = rules[0]
    for candidate in rules:
        if candidate.valid_from <= on:
            current = candidate
    return current


# ---------------------------------------------------------------------------------------------------- regimes


def regime_of_unit(unit) -> str | None:
    """The part of the law a unit discloses under; None for units that do not disclose themselves (a province,
    a village: villages' notice boards belong to their commune's publications)."""
    if unit.kind in COMMUNE_LEVEL_KINDS:
        return COMMUNE
    if unit.kind in (UnitKind.AGENCY, UnitKind.PUBLIC_SERVICE_UNIT):
        return AGENCY
    if unit.kind == UnitKind.ENTERPRISE:
        return ENTERPRISE
    return None


def _count(day: date, rule_: Rule, unit) -> date:
    work_calendar = calendar.calendar_for_unit(unit)
    if rule_.day_type == WORKING:
        return calendar.add_working_days(day, rule_.days, work_calendar)
    return calendar.add_days(day, rule_.days, work_calendar)


def disclosure_deadline(regime: str, decision_date: date, unit) -> date:
    """The last day to disclose an item decided on `decision_date` (Art. 12.3, 47.2, 65.2)."""
    return _count(decision_date, rule(f"{regime}.disclose", decision_date), unit)


def is_late(regime: str, decision_date: date, disclosed_on: date, unit) -> bool:
    return disclosed_on > disclosure_deadline(regime, decision_date, unit)


def days_posted(start_on: date, last_day: date) -> int:
    """Consecutive days a notice was up, both ends included."""
    return (last_day - start_on).days + 1


@dataclass(frozen=True)
class Requirement:
    """A channel an item must go through, for at least `min_days` (None: no minimum; `permanent`: never
    ends), in every village of the commune when `each_village`."""

    channel: str
    min_days: int | None
    article: str
    each_village: bool = False
    permanent: bool = False


def requirements(category, regime: str, on: date) -> tuple[Requirement, ...]:
    """What the law asks of an item of `category` decided on `on` (Art. 13, 48, 65)."""
    portal = Requirement("portal", None, "Khoản 1 Điều 13 Luật 10/2022/QH15")
    if regime == COMMUNE and category.is_quarterly_list:
        # Art. 13.2 has the quarterly list posted with the other notices; read here as at the commune seat for
        # the same 30 days (the villages' boards carry the items themselves).
        boards = rule("commune.boards", on)
        return (portal, Requirement("seat_board", boards.days, "Khoản 2 Điều 13 Luật 10/2022/QH15"))
    if regime == COMMUNE:
        if category.is_permanent:
            article = "Khoản 1 Điều 13 Luật 10/2022/QH15"
            return (portal, Requirement("seat_board", None, article, permanent=True))
        found = [portal]
        if category.needs_notice_boards:
            boards = rule("commune.boards", on)
            found.append(Requirement("seat_board", boards.days, boards.article))
            found.append(Requirement("village_board", boards.days, boards.article, each_village=True))
        if category.needs_loudspeaker:
            loudspeaker = rule("commune.loudspeaker", on)
            found.append(Requirement("loudspeaker", loudspeaker.days, loudspeaker.article))
        if category.needs_village_head:
            found.append(
                Requirement("village_head", None, "Khoản 3 Điều 13 Luật 10/2022/QH15", each_village=True)
            )
        return tuple(found)
    posting = rule(f"{regime}.posting", on)
    if category.is_permanent:
        return (Requirement("seat_board", None, posting.article, permanent=True),)
    if category.needs_notice_boards:
        # Art. 48: posted at the seat or online; either channel meeting the minimum satisfies it.
        return (Requirement("seat_board", posting.days, posting.article),)
    return ()


# ---------------------------------------------------------------------------------------------------- proof


def content_digest(
    *, title: str, body: str, decision_date: date, document_number: str, attachment_digests
) -> str:
    """SHA-256 of a version's canonical content: what the public proof page compares."""
    content = {
        "title": title,
        "body": body,
        "decision_date": decision_date.isoformat(),
        "document_number": document_number,
        "attachments": sorted(attachment_digests),
    }
    return hashlib.sha256(canonical_json(content).encode()).hexdigest()
