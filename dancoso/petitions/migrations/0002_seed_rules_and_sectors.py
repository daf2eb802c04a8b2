"""The deadline figures of LEGAL.md §4–§7 as editable rows, and the default fields (lĩnh vực)."""

from datetime import date

from django.db import migrations

DEADLINES = [
    ('classification', '2021-11-15', 10, 'working', 'TT 05/2021/TT-TTCP (xử lý đơn)', 'UNCONFIRMED: period for classifying and handling a letter; check against TT 05/2021.'),
    ('forwarding', '2019-01-01', 5, 'working', 'Luật Tố cáo 2018 Art. 24; NĐ 20/2008 Art. 9.1.d', ''),
    ('reception.answer', '2014-07-01', 10, 'working', 'Luật Tiếp công dân 2013 Art. 28', ''),
    ('complaint.acceptance', '2012-07-01', 10, 'working', 'Luật Khiếu nại Art. 27; TT 07/2013 Art. 5', ''),
    ('complaint.acceptance', '2026-07-01', 7, 'working', 'NĐ 155/2026 amending NĐ 124/2020 Art. 16.1', 'SECONDARY: confirm against the published decree.'),
    ('complaint.filing_limit', '2012-07-01', 90, 'calendar', 'Luật Khiếu nại Art. 9', ''),
    ('complaint.first.normal', '2012-07-01', 30, 'calendar', 'Luật Khiếu nại Art. 28', ''),
    ('complaint.first.complex', '2012-07-01', 45, 'calendar', 'Luật Khiếu nại Art. 28', ''),
    ('complaint.first.remote', '2012-07-01', 45, 'calendar', 'Luật Khiếu nại Art. 28', ''),
    ('complaint.first.remote_complex', '2012-07-01', 60, 'calendar', 'Luật Khiếu nại Art. 28', ''),
    ('complaint.second.normal', '2012-07-01', 45, 'calendar', 'Luật Khiếu nại Art. 37', ''),
    ('complaint.second.complex', '2012-07-01', 60, 'calendar', 'Luật Khiếu nại Art. 37', ''),
    ('complaint.second.remote', '2012-07-01', 60, 'calendar', 'Luật Khiếu nại Art. 37', ''),
    ('complaint.second.remote_complex', '2012-07-01', 70, 'calendar', 'Luật Khiếu nại Art. 37', ''),
    ('complaint.appeal_window', '2012-07-01', 30, 'calendar', 'Luật Khiếu nại Art. 33', ''),
    ('complaint.appeal_window.remote', '2012-07-01', 45, 'calendar', 'Luật Khiếu nại Art. 33', ''),
    ('denunciation.acceptance', '2019-01-01', 7, 'working', 'Luật Tố cáo 2018 Art. 24.1', ''),
    ('denunciation.acceptance.several_sites', '2019-01-01', 10, 'working', 'Luật Tố cáo 2018 Art. 24.1', ''),
    ('denunciation.resolution', '2019-01-01', 30, 'calendar', 'Luật Tố cáo 2018 Art. 30.1', ''),
    ('denunciation.extension', '2019-01-01', 30, 'calendar', 'Luật Tố cáo 2018 Art. 30.1', ''),
    ('proposal.resolution', '2014-07-01', 30, 'calendar', "No statutory period (unit's own target)", "Not a legal deadline: set the unit's own service standard."),
]

SECTORS = [
    ('dat-dai', 'Đất đai', 'Land', 10, False),
    ('giai-phong-mat-bang', 'Giải phóng mặt bằng', 'Site clearance', 20, False),
    ('moi-truong', 'Môi trường', 'Environment', 30, True),
    ('trat-tu-do-thi', 'Trật tự đô thị', 'Urban order', 40, True),
    ('ha-tang', 'Hạ tầng', 'Infrastructure', 50, True),
    ('an-sinh-xa-hoi', 'An sinh xã hội', 'Social security', 60, False),
    ('chinh-sach', 'Chính sách', 'Policies', 70, False),
    ('can-bo', 'Cán bộ', "Officials' conduct", 80, False),
    ('khac', 'Khác', 'Other', 90, False),
]


def seed(apps, schema_editor):
    DeadlineSetting = apps.get_model("petitions", "DeadlineSetting")
    Sector = apps.get_model("petitions", "Sector")
    for rule, valid_from, days, day_type, article, note in DEADLINES:
        DeadlineSetting.objects.get_or_create(
            rule=rule,
            valid_from=date.fromisoformat(valid_from),
            defaults={"days": days, "day_type": day_type, "article": article, "note": note},
        )
    for code, name, name_en, position, open311 in SECTORS:
        Sector.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "position": position, "open311_service": open311}
        )


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
