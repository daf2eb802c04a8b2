"""The annual report on the provincial plan (seed 004) opens with the plan's indicators, from the plans app's
provider: a section "I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU" before the others, renumbered after it."""

from django.db import migrations

SLUG = "ke-hoach-nghi-quyet-hang-nam"
ORDER = [
    ("mo-dau", None),
    ("chi-tieu", "I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU"),
    ("trien-khai", "II. CÔNG TÁC TRIỂN KHAI, QUÁN TRIỆT"),
    ("nhiem-vu", "III. KẾT QUẢ THỰC HIỆN NHIỆM VỤ, GIẢI PHÁP"),
    ("cong-khai", None),
    ("tiep-cong-dan", None),
    ("tthc", None),
    ("danh-gia", "IV. ĐÁNH GIÁ CHUNG"),
    ("phuong-huong", "V. PHƯƠNG HƯỚNG, NHIỆM VỤ {next_period_upper}"),
    ("kien-nghi", "VI. KIẾN NGHỊ, ĐỀ XUẤT"),
]


def add_indicators(apps, schema_editor):
    ReportType = apps.get_model("reports", "ReportType")
    ReportTypeSection = apps.get_model("reports", "ReportTypeSection")
    report_type = ReportType.objects.filter(slug=SLUG).first()
    if report_type is None or report_type.sections.filter(key="chi-tieu").exists():
        return
    sections = {section.key: section for section in report_type.sections.all()}
    if set(sections) != {key for key, _heading in ORDER} - {"chi-tieu"}:
        return  # changed by an administrator: leave it as they made it
    for section in sections.values():  # out of the way of the unique positions first
        section.position += 100
        section.save(update_fields=["position"])
    sections["chi-tieu"] = ReportTypeSection(
        report_type=report_type, key="chi-tieu", level=1, kind="figures", providers=["plans"], position=102
    )
    for position, (key, heading) in enumerate(ORDER, start=1):
        section = sections[key]
        section.position = position
        if heading is not None:
            section.heading = heading
        section.save()


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_report_types")]

    operations = [migrations.RunPython(add_indicators, migrations.RunPython.noop)]
