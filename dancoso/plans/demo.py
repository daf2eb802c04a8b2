"""Demo plan: the Ninh Bình plan implementing Nghị quyết số 36/NQ-HĐND (seeds/004), with its six indicators
(section II, exact texts, 100% targets), the tasks of sections III and IV assigned to the agencies and
communes the plan names, some units' implementation plans, entered values and task reports, so the plan pages
and the dashboard show something real.

From the seed, as written: the plan's title, the resolution it implements, its years (to the end of 2026 and
towards 2030), the indicators, the tasks and the yearly report day (25/11).
Made up for the demo, not official: the plan's date of issue (the seed shows neither its number nor its date;
the demo gives it no number and 15/05/2026), the units' implementation plans (numbers and dates), every value
they entered and every task report. The agencies the plan assigns tasks to (Sở Nội vụ, Thanh tra tỉnh, Sở Tài
chính, Sở Tư pháp) and five of the province's wards and communes are added to the demo tree under Tỉnh Ninh Bình
(real names; codes, which are not official, are the demo's own; no villages or households) beside the Văn phòng
UBND tỉnh that portal's demo already has.

Every write goes through `dancoso.plans.services` (and `units.services` for the units). Running the seed twice
creates nothing the second time: each unit, plan, indicator, task, value and report is looked up first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from dancoso.plans import services
from dancoso.plans.models import Measurement, Plan, TargetUnit, TaskReport, TaskStatus, ValueKind
from dancoso.units import services as unit_services
from dancoso.units.models import Unit, UnitKind

PROVINCE_CODE = "37"
RESOLUTION = "Nghị quyết số 36/NQ-HĐND ngày 29/4/2026 của Hội đồng nhân dân tỉnh"
TITLE = (
    "Kế hoạch triển khai thực hiện Nghị quyết số 36/NQ-HĐND ngày 29/4/2026 của Hội đồng nhân dân tỉnh Quyết định "
    "các biện pháp bảo đảm thực hiện dân chủ ở cơ sở trên địa bàn tỉnh Ninh Bình"
)
ISSUED_ON = date(2026, 5, 15)  # demo: the seed shows no date
YEAR = 2026

# (code, name, kind): added under Tỉnh Ninh Bình. Codes are the demo's own.
UNITS = (
    ("37-SNV", "Sở Nội vụ tỉnh Ninh Bình", UnitKind.AGENCY),
    ("37-TTT", "Thanh tra tỉnh Ninh Bình", UnitKind.AGENCY),
    ("37-STC", "Sở Tài chính tỉnh Ninh Bình", UnitKind.AGENCY),
    ("37-STP", "Sở Tư pháp tỉnh Ninh Bình", UnitKind.AGENCY),
    ("37-HL", "Phường Hoa Lư", UnitKind.WARD),
    ("37-TD", "Phường Tam Điệp", UnitKind.WARD),
    ("37-PLY", "Phường Phủ Lý", UnitKind.WARD),
    ("37-ND", "Phường Nam Định", UnitKind.WARD),
    ("37-GV", "Xã Gia Viễn", UnitKind.COMMUNE),
)
VP = "37-VPUBND"
COMMUNES = ("37-HL", "37-TD", "37-PLY", "37-ND", "37-GV")
AGENCIES = ("37-SNV", "37-TTT", "37-STC", "37-STP", VP)

# Section II, as written; (text, phrase for the report, measurement, measure, value kind, what is counted).
INDICATORS = (
    (
        "Đảm bảo 100% cơ quan, đơn vị, địa phương ban hành và triển khai kế hoạch thực hiện Nghị quyết số "
        "36/NQ-HĐND ngày 29/4/2026 của Hội đồng nhân dân tỉnh.",
        "đã ban hành kế hoạch triển khai thực hiện Nghị quyết số 36/NQ-HĐND",
        Measurement.COMPUTED,
        "plans.implementation_plan_issued",
        ValueKind.YES_NO,
        "đơn vị",
    ),
    (
        "Đảm bảo 100% các cơ quan, đơn vị, địa phương tuyên truyền, quán triệt và tổ chức thực hiện nghiêm các "
        "văn bản chỉ đạo, hướng dẫn của Trung ương, của tỉnh về thực hiện dân chủ ở cơ sở.",
        "đã tuyên truyền, quán triệt và tổ chức thực hiện các văn bản chỉ đạo, hướng dẫn về thực hiện dân chủ ở "
        "cơ sở",
        Measurement.ENTERED,
        "",
        ValueKind.YES_NO,
        "đơn vị",
    ),
    (
        "Hằng năm, 100% cán bộ, công chức phụ trách công tác dân chủ, dân vận của cơ quan hành chính nhà nước và "
        "chính quyền các cấp được tập huấn, bồi dưỡng nghiệp vụ, cập nhật kiến thức mới về công tác dân vận, "
        "thực hiện quy chế dân chủ ở cơ sở.",
        "phụ trách công tác dân chủ, dân vận được tập huấn, bồi dưỡng nghiệp vụ",
        Measurement.ENTERED,
        "",
        ValueKind.RATIO,
        "cán bộ, công chức",
    ),
    (
        "Hằng năm, 100% cơ quan hành chính nhà nước, đơn vị sự nghiệp công lập, chính quyền các cấp tổ chức Hội "
        "nghị cán bộ, công chức, viên chức, người lao động; tổ chức đánh giá, sơ kết, tổng kết việc thực hiện "
        "quy chế dân chủ ở cơ sở đúng quy định.",
        "đã tổ chức Hội nghị cán bộ, công chức, viên chức, người lao động",
        Measurement.ENTERED,
        "",
        ValueKind.YES_NO,
        "đơn vị",
    ),
    (
        "100% cơ quan, đơn vị, địa phương thực hiện công khai kịp thời, đầy đủ các nội dung theo quy định của "
        "Luật Thực hiện dân chủ ở cơ sở để Nhân dân, cán bộ, công chức, viên chức, người lao động được biết, được "
        "bàn và quyết định, được kiểm tra, giám sát theo quy định.",
        "thực hiện công khai kịp thời, đầy đủ các nội dung theo quy định",
        Measurement.COMPUTED,
        "disclosure.full_compliance",
        ValueKind.YES_NO,
        "đơn vị",
    ),
    (
        "100% các cơ quan, đơn vị, địa phương kiện toàn và nâng cao chất lượng hoạt động của Ban Thanh tra nhân "
        "dân, Ban Giám sát đầu tư của cộng đồng.",
        "đã kiện toàn Ban Thanh tra nhân dân, Ban Giám sát đầu tư của cộng đồng",
        Measurement.ENTERED,
        "",
        ValueKind.YES_NO,
        "đơn vị",
    ),
)

ALL_TARGETS = "*"
# (section, text, assignees (codes, or ALL_TARGETS), due date).
TASKS = (
    (
        "III.1. Công tác tuyên truyền, quán triệt",
        "Tuyên truyền, quán triệt sâu sắc và tổ chức thực hiện nghiêm túc nội dung các văn bản quy định, hướng "
        "dẫn của Trung ương, của tỉnh về việc thực hiện dân chủ ở cơ sở, trọng tâm là Luật Thực hiện dân chủ ở cơ "
        "sở, Nghị định số 59/2023/NĐ-CP, Nghị định số 61/2023/NĐ-CP và Nghị quyết số 36/NQ-HĐND.",
        ALL_TARGETS,
        None,
    ),
    (
        "III.5. Kiện toàn các tổ chức tự quản, giám sát ở cơ sở",
        "Hằng năm, tổ chức đánh giá hiệu quả hoạt động của Ban Thanh tra Nhân dân, Ban Giám sát đầu tư của cộng "
        "đồng để kịp thời củng cố, nâng cao chất lượng hoạt động giám sát ở cơ sở.",
        COMMUNES,
        date(YEAR, 12, 31),
    ),
    (
        "IV.1. Thủ trưởng các sở, ban, ngành của tỉnh, Chủ tịch UBND các xã, phường",
        "Tổ chức quán triệt, triển khai thực hiện Nghị quyết số 36/NQ-HĐND; xây dựng chương trình, kế hoạch "
        "triển khai thực hiện. Hằng năm, báo cáo kết quả thực hiện Nghị quyết số 36/NQ-HĐND bằng văn bản về Ủy "
        "ban nhân dân tỉnh (qua Sở Nội vụ) chậm nhất là ngày 25/11.",
        ALL_TARGETS,
        date(YEAR, 11, 25),
    ),
    (
        "IV.2. Sở Nội vụ",
        "Chủ trì, phối hợp với các cơ quan, đơn vị, địa phương có liên quan tổ chức tập huấn, bồi dưỡng kiến "
        "thức pháp luật về thực hiện dân chủ ở cơ sở cho cán bộ, công chức, viên chức làm công tác tham mưu, quản "
        "lý nhà nước về thực hiện dân chủ ở cơ sở.",
        ("37-SNV",),
        None,
    ),
    (
        "IV.2. Sở Nội vụ",
        "Tham mưu, giúp Ủy ban nhân dân tỉnh theo dõi, đôn đốc, kiểm tra việc tổ chức triển khai thực hiện Kế "
        "hoạch. Hằng năm, chủ trì tham mưu giúp Ủy ban nhân dân tỉnh tổng hợp, báo cáo kết quả triển khai thực "
        "hiện Nghị quyết số 36/NQ-HĐND của các cơ quan, đơn vị, địa phương.",
        ("37-SNV",),
        None,
    ),
    (
        "IV.3. Thanh tra tỉnh",
        "Chủ trì, theo dõi, kiểm tra, đôn đốc việc thực hiện nội dung nâng cao hiệu quả công tác tiếp dân, giải "
        "quyết khiếu nại, tố cáo trên địa bàn tỉnh; hướng dẫn Ủy ban nhân dân cấp xã, các cơ quan, tổ chức, đơn "
        "vị thuộc Ủy ban nhân dân tỉnh thực hiện công tác tiếp công dân, xử lý đơn, giải quyết khiếu nại, tố cáo.",
        ("37-TTT",),
        None,
    ),
    (
        "IV.4. Sở Tài chính",
        "Hướng dẫn, kiểm tra việc lập dự toán, quản lý, sử dụng và quyết toán kinh phí thực hiện công tác dân chủ "
        "ở cơ sở; tham mưu cơ chế cấp, quản lý và sử dụng kinh phí hỗ trợ riêng cho hoạt động của Ban Thanh tra "
        "nhân dân và Ban Giám sát đầu tư của cộng đồng.",
        ("37-STC",),
        None,
    ),
    (
        "IV.5. Sở Tư pháp",
        "Chủ trì tham mưu đẩy mạnh công tác tuyên truyền, phổ biến, giáo dục pháp luật về thực hiện dân chủ ở cơ "
        "sở; thẩm định, hướng dẫn việc rà soát các hương ước, quy ước tại các địa phương đảm bảo theo quy định.",
        ("37-STP",),
        None,
    ),
    (
        "IV.6. Văn phòng Ủy ban nhân dân tỉnh",
        "Chủ trì, phối hợp với các sở, ban, ngành, Ủy ban nhân dân các xã, phường triển khai thực hiện các mục "
        "tiêu, nhiệm vụ về cải cách hành chính, trọng tâm là cải cách thủ tục hành chính, nâng cao sự hài lòng "
        "của người dân, doanh nghiệp.",
        (VP,),
        None,
    ),
)

# Units' implementation plans (demo numbers and dates); None: still a draft.
IMPLEMENTATIONS = {
    "37-SNV": ("86/KH-SNV", date(2026, 5, 28)),
    "37-HL": ("112/KH-UBND", date(2026, 6, 5)),
    "37-TD": ("74/KH-UBND", date(2026, 6, 12)),
    "37-PLY": ("129/KH-UBND", date(2026, 6, 20)),
    VP: ("45/KH-VP", date(2026, 6, 3)),
    "37-GV": ("", None),
}

# Entered values for 2026: indicator position → {unit code: value, or (part, whole)}.
VALUES = {
    2: {"37-SNV": 1, "37-HL": 1, "37-TD": 1, "37-PLY": 1, "37-ND": 0, VP: 1, "37-TTT": 1},
    3: {"37-HL": (6, 6), "37-TD": (4, 5), "37-PLY": (7, 7), "37-SNV": (3, 3), "37-GV": (2, 4)},
    4: {"37-SNV": 1, "37-HL": 1, "37-TD": 1, "37-PLY": 1, VP: 1, "37-STC": 1, "37-GV": 0},
    6: {"37-HL": 1, "37-TD": 1, "37-PLY": 0, "37-ND": 1},
}

# Task reports: (task position, unit code, status, text, date).
REPORTS = (
    (
        3,
        "37-HL",
        TaskStatus.DONE,
        "Ban hành Kế hoạch số 112/KH-UBND ngày 05/6/2026 triển khai thực hiện Nghị quyết số 36/NQ-HĐND; gửi báo "
        "cáo kết quả về Sở Nội vụ.",
        date(2026, 11, 18),
    ),
    (
        3,
        "37-TD",
        TaskStatus.IN_PROGRESS,
        "Đã ban hành kế hoạch; đang tổng hợp kết quả của các tổ dân phố để báo cáo.",
        date(2026, 11, 10),
    ),
    (
        3,
        "37-SNV",
        TaskStatus.DONE,
        "Ban hành Kế hoạch số 86/KH-SNV; báo cáo kết quả thực hiện gửi Ủy ban nhân dân tỉnh.",
        date(2026, 11, 20),
    ),
    (
        4,
        "37-SNV",
        TaskStatus.IN_PROGRESS,
        "Đã tổ chức 02 lớp tập huấn cho công chức làm công tác dân chủ ở cơ sở của các phường; lớp cho các xã dự "
        "kiến tổ chức trong tháng 12.",
        date(2026, 10, 30),
    ),
    (
        6,
        "37-TTT",
        TaskStatus.IN_PROGRESS,
        "Đã ban hành văn bản hướng dẫn công tác tiếp công dân, xử lý đơn cho Ủy ban nhân dân các xã, phường.",
        date(2026, 9, 15),
    ),
    (
        1,
        "37-PLY",
        TaskStatus.DONE,
        "Tổ chức hội nghị quán triệt Luật Thực hiện dân chủ ở cơ sở và Nghị quyết số 36/NQ-HĐND cho cán bộ, công "
        "chức phường và các tổ dân phố.",
        date(2026, 7, 8),
    ),
)


@dataclass
class PlansSeedReport:
    units_created: int = 0
    plans_created: int = 0
    indicators_created: int = 0
    tasks_created: int = 0
    values_entered: int = 0
    task_reports_created: int = 0

    @property
    def created(self) -> int:
        return self.plans_created + self.indicators_created + self.tasks_created


def _units(province: Unit, report: PlansSeedReport) -> dict[str, Unit]:
    for code, name, kind in UNITS:
        if not Unit.objects.filter(code=code).exists():
            unit_services.create_unit(
                actor=None, kind=kind, code=code, name=name, parent=province, address=f"{name}, Ninh Bình"
            )
            report.units_created += 1
    return {unit.code: unit for unit in Unit.objects.filter(parent=province)}


def _plan(province: Unit, today: date, report: PlansSeedReport) -> Plan:
    plan = Plan.objects.filter(unit=province, title=TITLE).first()
    if plan is None:
        plan = services.create_plan(
            province,
            actor=None,
            title=TITLE,
            implements=RESOLUTION,
            issued_on=ISSUED_ON if today >= ISSUED_ON else None,
            start_year=YEAR,
            end_year=2030,
            report_due="25/11",
        )
        report.plans_created += 1
    existing = set(plan.indicators.values_list("position", flat=True))
    for position, (text, phrase, measurement, measure, value_kind, unit_word) in enumerate(INDICATORS, 1):
        if position in existing:
            continue
        services.add_indicator(
            plan,
            actor=None,
            text=text,
            phrase=phrase,
            target=Decimal(100),
            target_unit=TargetUnit.PERCENT,
            measurement=measurement,
            measure=measure,
            value_kind=value_kind,
            unit_word=unit_word,
        )
        report.indicators_created += 1
    return plan


def _tasks(plan: Plan, units: dict[str, Unit], report: PlansSeedReport) -> None:
    existing = set(plan.tasks.values_list("position", flat=True))
    targets = list(plan.target_units())
    for position, (section, text, codes, due_on) in enumerate(TASKS, 1):
        if position in existing:
            continue
        assignees = targets if codes == ALL_TARGETS else [units[code] for code in codes if code in units]
        services.add_task(plan, actor=None, text=text, section=section, assignees=assignees, due_on=due_on)
        report.tasks_created += 1


def _implementations(plan: Plan, units: dict[str, Unit], today: date, report: PlansSeedReport) -> None:
    for code, (number, issued_on) in IMPLEMENTATIONS.items():
        unit = units.get(code)
        if unit is None or Plan.objects.filter(unit=unit, parent=plan).exists():
            continue
        services.create_plan(
            unit,
            actor=None,
            parent=plan,
            title=f"Kế hoạch triển khai thực hiện {RESOLUTION} trên địa bàn, tại {unit.name}",
            number=number,
            issued_on=issued_on if issued_on is not None and issued_on <= today else None,
            start_year=YEAR,
            end_year=2030,
        )
        report.plans_created += 1


def _values(plan: Plan, units: dict[str, Unit], today: date, report: PlansSeedReport) -> None:
    if today.year < YEAR:
        return
    indicators = {indicator.position: indicator for indicator in plan.indicators.all()}
    for position, entries in VALUES.items():
        indicator = indicators[position]
        done = set(indicator.values.filter(year=YEAR).values_list("unit__code", flat=True))
        for code, value in entries.items():
            if code in done or code not in units:
                continue
            part, whole = value if isinstance(value, tuple) else (value, None)
            services.enter_value(indicator, units[code], YEAR, actor=None, value=part, whole=whole)
            report.values_entered += 1


def _reports(plan: Plan, units: dict[str, Unit], today: date, report: PlansSeedReport) -> None:
    tasks = {task.position: task for task in plan.tasks.all()}
    for position, code, status, text, day in REPORTS:
        task, unit = tasks.get(position), units.get(code)
        if task is None or unit is None or day > today:
            continue
        if TaskReport.objects.filter(task=task, unit=unit).exists():
            continue
        services.report_task(task, unit, actor=None, status=status, text=text, reported_on=day)
        report.task_reports_created += 1


def seed_plans(scale: int = 1) -> PlansSeedReport:
    """Install the demo plan (idempotent). `scale` is accepted for seed_demo's sake: the plan does not grow."""
    report = PlansSeedReport()
    province = Unit.objects.filter(code=PROVINCE_CODE).first()
    if province is None:
        return report
    today = timezone.localdate()
    with transaction.atomic():
        units = _units(province, report)
        plan = _plan(province, today, report)
        _tasks(plan, units, report)
        _implementations(plan, units, today, report)
        _values(plan, units, today, report)
        _reports(plan, units, today, report)
    return report
