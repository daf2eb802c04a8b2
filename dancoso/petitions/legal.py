"""The law of reception and petitions as data: every deadline with its article (LEGAL.md §4–§7).

Each deadline is a rule with a starting date: the rule in force on the case's own date applies (the date
the petition was received for acceptance and classification, the date it was accepted for resolution), so a
complaint received on 30/06/2026 keeps the 10 working days of the old rule and one received on 01/07/2026
gets the 7 of NĐ 155/2026. Administrators change or add values in `DeadlineSetting` rows (seeded with the
figures below by a migration); without rows the figures below apply.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from dancoso.core import calendar
from dancoso.core.versioned_cache import VersionedCache

WORKING = "working"
CALENDAR = "calendar"

LUAT_136_2025_IN_FORCE = date(2026, 7, 1)  # Luật 136/2025/QH15 and NĐ 154, 155/2026


@dataclass(frozen=True)
class Rule:
    key: str
    valid_from: date
    days: int
    day_type: str  # WORKING or CALENDAR
    article: str
    note: str = ""


# The figures of LEGAL.md. `valid_from` of the first row of a rule is the date its law came into force.
DEFAULT_RULES: tuple[Rule, ...] = (
    # Xử lý đơn: classify a letter and decide what to do with it.
    Rule(
        "classification",
        date(2021, 11, 15),
        10,
        WORKING,
        "TT 05/2021/TT-TTCP (xử lý đơn)",
        "CHƯA XÁC NHẬN: thời hạn phân loại, xử lý đơn; cần đối chiếu TT 05/2021/TT-TTCP.",
    ),
    # Outside competence: forward and tell the sender.
    Rule(
        "forwarding",
        date(2019, 1, 1),
        5,
        WORKING,
        "Điều 24 Luật Tố cáo 2018; điểm d khoản 1 Điều 9 NĐ 20/2008/NĐ-CP",
    ),
    # A visitor's request at a reception gets one of four answers.
    Rule("reception.answer", date(2014, 7, 1), 10, WORKING, "Điều 28 Luật Tiếp công dân 2013"),
    # NĐ 154/2026 (replaces NĐ 64/2014; SECONDARY, LEGAL.md §4): a reception held online (Luật 136/2025 Art. 3a)
    # is announced at least 05 working days before it takes place; `reception.online_notice_problem` applies it.
    Rule(
        "reception.online_notice",
        LUAT_136_2025_IN_FORCE,
        5,
        WORKING,
        "NĐ 154/2026/NĐ-CP (tiếp công dân trực tuyến: thông báo trước ít nhất 05 ngày làm việc)",
        "NGUỒN THỨ CẤP: cần đối chiếu văn bản nghị định đã ban hành.",
    ),
    # Complaints
    Rule(
        "complaint.acceptance",
        date(2012, 7, 1),
        10,
        WORKING,
        "Điều 27 Luật Khiếu nại 2011; Điều 5 TT 07/2013/TT-TTCP",
    ),
    Rule(
        "complaint.acceptance",
        LUAT_136_2025_IN_FORCE,
        7,
        WORKING,
        "NĐ 155/2026/NĐ-CP sửa đổi khoản 1 Điều 16 NĐ 124/2020/NĐ-CP",
        "NGUỒN THỨ CẤP: cần đối chiếu văn bản nghị định đã ban hành.",
    ),
    Rule("complaint.filing_limit", date(2012, 7, 1), 90, CALENDAR, "Điều 9 Luật Khiếu nại 2011"),
    Rule("complaint.first.normal", date(2012, 7, 1), 30, CALENDAR, "Điều 28 Luật Khiếu nại 2011"),
    Rule("complaint.first.complex", date(2012, 7, 1), 45, CALENDAR, "Điều 28 Luật Khiếu nại 2011"),
    Rule("complaint.first.remote", date(2012, 7, 1), 45, CALENDAR, "Điều 28 Luật Khiếu nại 2011"),
    Rule("complaint.first.remote_complex", date(2012, 7, 1), 60, CALENDAR, "Điều 28 Luật Khiếu nại 2011"),
    Rule("complaint.second.normal", date(2012, 7, 1), 45, CALENDAR, "Điều 37 Luật Khiếu nại 2011"),
    Rule("complaint.second.complex", date(2012, 7, 1), 60, CALENDAR, "Điều 37 Luật Khiếu nại 2011"),
    Rule("complaint.second.remote", date(2012, 7, 1), 60, CALENDAR, "Điều 37 Luật Khiếu nại 2011"),
    Rule("complaint.second.remote_complex", date(2012, 7, 1), 70, CALENDAR, "Điều 37 Luật Khiếu nại 2011"),
    Rule("complaint.appeal_window", date(2012, 7, 1), 30, CALENDAR, "Điều 33 Luật Khiếu nại 2011"),
    Rule("complaint.appeal_window.remote", date(2012, 7, 1), 45, CALENDAR, "Điều 33 Luật Khiếu nại 2011"),
    # Denunciations
    Rule("denunciation.acceptance", date(2019, 1, 1), 7, WORKING, "khoản 1 Điều 24 Luật Tố cáo 2018"),
    Rule(
        "denunciation.acceptance.several_sites",
        date(2019, 1, 1),
        10,
        WORKING,
        "khoản 1 Điều 24 Luật Tố cáo 2018",
    ),
    Rule("denunciation.resolution", date(2019, 1, 1), 30, CALENDAR, "khoản 1 Điều 30 Luật Tố cáo 2018"),
    Rule("denunciation.extension", date(2019, 1, 1), 30, CALENDAR, "khoản 1 Điều 30 Luật Tố cáo 2018"),
    # Recommendations and reports have no statutory resolution period in LEGAL.md: this is the unit's own
    # target, shown as such, and an administrator sets it.
    Rule(
        "proposal.resolution",
        date(2014, 7, 1),
        30,
        CALENDAR,
        "Không có thời hạn luật định (chỉ tiêu của đơn vị)",
        "Không phải thời hạn luật định: đơn vị tự đặt chuẩn phục vụ.",
    ),
)

# Not a legal period: how far ahead handlers are warned of a deadline (the issue asks for 3 working days). The
# inbox's "due soon", the dashboard and the daily reminders all use it.
DUE_SOON_WORKING_DAYS = 3

RULE_KEYS = tuple(dict.fromkeys(rule.key for rule in DEFAULT_RULES))

# Extensions of a denunciation's resolution (Luật Tố cáo Art. 30.1): complex cases once, particularly
# complex ones twice, each up to the `denunciation.extension` period.
MAX_DENUNCIATION_EXTENSIONS = {"normal": 0, "complex": 1, "very_complex": 2}

# A group (đoàn đông người) chooses representatives in writing (Luật Tiếp công dân Art. 30):
# 5–10 people choose 1–2 representatives; more than 10 choose up to 5.
GROUP_MIN_SIZE = 5


def max_representatives(group_size: int) -> int:
    if group_size < GROUP_MIN_SIZE:
        return 0
    return 2 if group_size <= 10 else 5


# Luật Tố cáo 2018 Art. 22: a denunciation is a signed letter or an in-person statement. Anonymous or
# pseudonymous information is not processed as a denunciation (Art. 25) but may trigger an inspection.
ANONYMOUS_DENUNCIATION_REASON = _(
    "Anonymous or pseudonymous information is not processed as a denunciation (Luật Tố cáo 2018 Art. 25); "
    "if its content is specific and evidenced it is passed on for inspection."
)

# TT 05/2021/TT-TTCP (as TT 07/2014 Art. 6): a letter is eligible when it is in Vietnamese, dated, with the
# sender's name, address and signature or fingerprint. A letter signed by 5 or more people is counted apart.
MANY_SIGNERS = 5


# The administrator's rows, read for every deadline: cached until a row changes.
_settings_cache = VersionedCache("dancoso:petitions:deadline-settings")


def _load_settings_rules() -> dict[str, list[Rule]]:
    from dancoso.petitions.models import DeadlineSetting

    rules: dict[str, list[Rule]] = {}
    for row in DeadlineSetting.objects.order_by("rule", "valid_from"):
        rules.setdefault(row.rule, []).append(
            Rule(row.rule, row.valid_from, row.days, row.day_type, row.article, row.note)
        )
    return rules


def _settings_rules(key: str) -> list[Rule]:
    from dancoso.petitions.models import DeadlineSetting

    _settings_cache.watch(DeadlineSetting)
    return _settings_cache.get("rules", _load_settings_rules).get(key, [])


def rule_for(key: str, on: date) -> Rule:
    """The rule `key` in force for a case dated `on`: the administrator's rows if any, else LEGAL.md's."""
    candidates = _settings_rules(key) or [rule for rule in DEFAULT_RULES if rule.key == key]
    if not candidates:
        raise KeyError(f"no deadline rule {key!r}")
    in_force = [rule for rule in candidates if rule.valid_from <= on]
    return in_force[-1] if in_force else candidates[0]


def apply_rule(rule: Rule, start: date, unit=None) -> date:
    """The last day of the period: working days skip weekends and holidays; calendar days end on the next
    working day when the last day is a rest day (BLDS 2015 Art. 147–148). The start day is not counted."""
    if rule.day_type == WORKING:
        return calendar.add_working_days(start, rule.days, unit)
    return calendar.add_days(start, rule.days, unit)


def deadline(key: str, start: date, unit=None, *, rule_date: date | None = None) -> date:
    return apply_rule(rule_for(key, rule_date or start), start, unit)


def _remote_suffix(unit, complexity: str) -> str:
    remote = bool(getattr(unit, "is_remote_area", False))
    complex_ = complexity in ("complex", "very_complex")
    if remote:
        return "remote_complex" if complex_ else "remote"
    return "complex" if complex_ else "normal"


def acceptance_rule_key(kind: str, *, several_sites: bool = False) -> str:
    """Which period runs from receipt until the petition must be accepted, forwarded or answered."""
    if kind == "complaint":
        return "complaint.acceptance"
    if kind == "denunciation":
        return "denunciation.acceptance.several_sites" if several_sites else "denunciation.acceptance"
    return "classification"


def resolution_rule_key(kind: str, *, instance: int = 1, complexity: str = "normal", unit=None) -> str:
    if kind == "complaint":
        level = "second" if instance >= 2 else "first"
        return f"complaint.{level}.{_remote_suffix(unit, complexity)}"
    if kind == "denunciation":
        return "denunciation.resolution"
    return "proposal.resolution"


def appeal_window_key(unit) -> str:
    return (
        "complaint.appeal_window.remote"
        if getattr(unit, "is_remote_area", False)
        else "complaint.appeal_window"
    )


def acceptance_due(kind: str, received_on: date, unit, *, several_sites: bool = False) -> date:
    return deadline(acceptance_rule_key(kind, several_sites=several_sites), received_on, unit)


def forwarding_due(received_on: date, unit) -> date:
    return deadline("forwarding", received_on, unit)


def resolution_due(
    kind: str, accepted_on: date, unit, *, instance: int = 1, complexity: str = "normal"
) -> date:
    key = resolution_rule_key(kind, instance=instance, complexity=complexity, unit=unit)
    return deadline(key, accepted_on, unit)


def extended_due(current_due: date, unit, *, rule_date: date) -> date:
    return deadline("denunciation.extension", current_due, unit, rule_date=rule_date)


def max_extensions(kind: str, complexity: str) -> int:
    if kind != "denunciation":
        return 0
    return MAX_DENUNCIATION_EXTENSIONS.get(complexity, 0)


def appeal_deadline(first_decision_on: date, unit) -> date:
    """Last day to bring a second complaint (Luật Khiếu nại Art. 33): counted from the first decision, or from
    the day the first-instance deadline lapsed without one."""
    return deadline(appeal_window_key(unit), first_decision_on, unit)


def visit_answer_due(visit_date: date, unit) -> date:
    """Last day to tell a visitor one of the four answers of Luật Tiếp công dân Art. 28."""
    return deadline("reception.answer", visit_date, unit)


def filing_deadline(learned_on: date, unit, *, obstacle_days: int = 0) -> date:
    """Last day to file a first complaint (thời hiệu, Luật Khiếu nại Art. 9): 90 days from receiving or learning
    of the decision or act; days of obstacles (illness, disaster, travel…) are not counted."""
    if obstacle_days < 0:
        raise ValueError("obstacle_days cannot be negative")
    rule = rule_for("complaint.filing_limit", learned_on)
    return apply_rule(
        Rule(rule.key, rule.valid_from, rule.days + obstacle_days, rule.day_type, rule.article),
        learned_on,
        unit,
    )
