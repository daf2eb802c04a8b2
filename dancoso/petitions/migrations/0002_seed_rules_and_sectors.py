"""The deadline figures of LEGAL.md §4–§7 as editable rows, and the default fields (lĩnh vực)."""

from datetime import date

from django.db import migrations

DEADLINES = [
    ('classification', '2021-11-15', 10, 'working', "TT 05/2021/TT-TTCP (xử lý đơn)", "CHƯA XÁC NHẬN: thời hạn phân loại, xử lý đơn; cần đối chiếu TT 05/2021/TT-TTCP."),
    ('forwarding', '2019-01-01', 5, 'working', "Điều 24 Luật Tố cáo 2018; điểm d khoản 1 Điều 9 NĐ 20/2008/NĐ-CP", ''),
    ('reception.answer', '2014-07-01', 10, 'working', "Điều 28 Luật Tiếp công dân 2013", ''),
    ('complaint.acceptance', '2012-07-01', 10, 'working', "Điều 27 Luật Khiếu nại 2011; Điều 5 TT 07/2013/TT-TTCP", ''),
    ('complaint.acceptance', '2026-07-01', 7, 'working', "NĐ 155/2026/NĐ-CP sửa đổi khoản 1 Điều 16 NĐ 124/2020/NĐ-CP", "NGUỒN THỨ CẤP: cần đối chiếu văn bản nghị định đã ban hành."),
    ('complaint.filing_limit', '2012-07-01', 90, 'calendar', "Điều 9 Luật Khiếu nại 2011", ''),
    ('complaint.first.normal', '2012-07-01', 30, 'calendar', "Điều 28 Luật Khiếu nại 2011", ''),
    ('complaint.first.complex', '2012-07-01', 45, 'calendar', "Điều 28 Luật Khiếu nại 2011", ''),
    ('complaint.first.remote', '2012-07-01', 45, 'calendar', "Điều 28 Luật Khiếu nại 2011", ''),
    ('complaint.first.remote_complex', '2012-07-01', 60, 'calendar', "Điều 28 Luật Khiếu nại 2011", ''),
    ('complaint.second.normal', '2012-07-01', 45, 'calendar', "Điều 37 Luật Khiếu nại 2011", ''),
    ('complaint.second.complex', '2012-07-01', 60, 'calendar', "Điều 37 Luật Khiếu nại 2011", ''),
    ('complaint.second.remote', '2012-07-01', 60, 'calendar', "Điều 37 Luật Khiếu nại 2011", ''),
    ('complaint.second.remote_complex', '2012-07-01', 70, 'calendar', "Điều 37 Luật Khiếu nại 2011", ''),
    ('complaint.appeal_window', '2012-07-01', 30, 'calendar', "Điều 33 Luật Khiếu nại 2011", ''),
    ('complaint.appeal_window.remote', '2012-07-01', 45, 'calendar', "Điều 33 Luật Khiếu nại 2011", ''),
    ('denunciation.acceptance', '2019-01-01', 7, 'working', "khoản 1 Điều 24 Luật Tố cáo 2018", ''),
    ('denunciation.acceptance.several_sites', '2019-01-01', 10, 'working', "khoản 1 Điều 24 Luật Tố cáo 2018", ''),
    ('denunciation.resolution', '2019-01-01', 30, 'calendar', "khoản 1 Điều 30 Luật Tố cáo 2018", ''),
    ('denunciation.extension', '2019-01-01', 30, 'calendar', "khoản 1 Điều 30 Luật Tố cáo 2018", ''),
    ('proposal.resolution', '2014-07-01', 30, 'calendar', "Không có thời hạn luật định (chỉ tiêu của đơn vị)", "Không phải thời hạn luật định: đơn vị tự đặt chuẩn phục vụ."),
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
