"""The report types installed with the platform, shaped on the reports units send today (seeds 001, 002, 004). A
later change to these defaults needs a migration of its own; administrators change them in the admin."""

from django.db import migrations

REPORT_TYPES = ({'slug': 'dan-chu-co-so-6-thang',
  'name': 'Báo cáo kết quả thực hiện dân chủ ở cơ sở 6 tháng',
  'summary': 'Kết quả thực hiện dân chủ ở cơ sở {period} và nhiệm vụ trọng tâm {next_period}',
  'period_kind': 'half',
  'data_cutoff': True,
  'deadlines': {'1': '20/06', '2': '20/12'},
  'position': 1,
  'sections': [('mo-dau',
                '',
                0,
                'narrative',
                (),
                'Thực hiện Công văn số …/… ngày …/…/… của … về việc báo cáo kết quả thực hiện dân chủ ở cơ '
                'sở, {body} báo cáo kết quả như sau:'),
               ('khai-quat', 'I. KHÁI QUÁT ĐẶC ĐIỂM, TÌNH HÌNH CỦA ĐỊA PHƯƠNG', 1, 'narrative', (), ''),
               ('lanh-dao', 'II. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO TRIỂN KHAI', 1, 'narrative', (), ''),
               ('ket-qua', 'III. KẾT QUẢ THỰC HIỆN DÂN CHỦ Ở CƠ SỞ', 1, 'narrative', (), ''),
               ('cong-khai', '1. Về công khai thông tin', 2, 'figures', ('disclosure',), ''),
               ('tiep-cong-dan',
                '2. Về tiếp công dân, giải quyết khiếu nại, tố cáo, kiến nghị, phản ánh',
                2,
                'figures',
                ('reception', 'petitions'),
                ''),
               ('tthc', '3. Về giải quyết thủ tục hành chính', 2, 'manual', 'tthc', ''),
               ('danh-gia',
                'IV. ĐÁNH GIÁ CHUNG',
                1,
                'narrative',
                (),
                '1. Kết quả đạt được\n\n2. Hạn chế và nguyên nhân'),
               ('nhiem-vu', 'V. NHIỆM VỤ TRỌNG TÂM {next_period_upper}', 1, 'narrative', (), ''),
               ('kien-nghi', 'VI. KIẾN NGHỊ, ĐỀ XUẤT', 1, 'narrative', (), '')]},
 {'slug': 'thi-hanh-luat',
  'name': 'Báo cáo kết quả triển khai thi hành Luật Thực hiện dân chủ ở cơ sở',
  'summary': 'Kết quả triển khai thi hành Luật Thực hiện dân chủ ở cơ sở và kết quả việc thực hiện quy định '
             'trách nhiệm của cán bộ, công chức, viên chức và người lao động trong thực hiện dân chủ ở cơ sở',
  'period_kind': 'year',
  'data_cutoff': True,
  'deadlines': {},
  'position': 2,
  'sections': [('mo-dau',
                '',
                0,
                'narrative',
                (),
                'Thực hiện Công văn số …/… ngày …/…/… của … về việc báo cáo kết quả thực hiện dân chủ ở cơ '
                'sở, {body} báo cáo kết quả như sau:'),
               ('lanh-dao', 'I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO', 1, 'narrative', (), ''),
               ('thi-hanh', 'II. KẾT QUẢ THI HÀNH LUẬT THỰC HIỆN DÂN CHỦ Ở CƠ SỞ', 1, 'narrative', (), ''),
               ('cong-khai', '1. Thực hiện công khai thông tin', 2, 'figures', ('disclosure',), ''),
               ('tiep-cong-dan',
                '2. Tiếp công dân, tiếp nhận và xử lý đơn',
                2,
                'figures',
                ('reception', 'petitions'),
                ''),
               ('tthc', '3. Giải quyết thủ tục hành chính', 2, 'manual', 'tthc', ''),
               ('danh-gia', 'III. ĐÁNH GIÁ CHUNG', 1, 'narrative', (), ''),
               ('giai-phap', 'IV. NHIỆM VỤ, GIẢI PHÁP TRONG THỜI GIAN TỚI', 1, 'narrative', (), ''),
               ('kien-nghi', 'V. KIẾN NGHỊ, ĐỀ XUẤT', 1, 'narrative', (), '')]},
 {'slug': 'ke-hoach-nghi-quyet-hang-nam',
  'name': 'Báo cáo hằng năm kết quả thực hiện kế hoạch, nghị quyết của tỉnh về dân chủ ở cơ sở',
  'summary': 'Kết quả thực hiện Nghị quyết số 36/NQ-HĐND của Hội đồng nhân dân tỉnh {period}',
  'period_kind': 'year',
  'data_cutoff': False,
  'deadlines': {'1': '25/11'},
  'position': 3,
  'sections': [('mo-dau',
                '',
                0,
                'narrative',
                (),
                'Thực hiện Công văn số …/… ngày …/…/… của … về việc báo cáo kết quả thực hiện dân chủ ở cơ '
                'sở, {body} báo cáo kết quả như sau:'),
               ('trien-khai', 'I. CÔNG TÁC TRIỂN KHAI, QUÁN TRIỆT', 1, 'narrative', (), ''),
               ('nhiem-vu', 'II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ, GIẢI PHÁP', 1, 'narrative', (), ''),
               ('cong-khai', '1. Thực hiện công khai', 2, 'figures', ('disclosure',), ''),
               ('tiep-cong-dan',
                '2. Đối thoại, tiếp công dân và giải quyết khiếu nại, tố cáo',
                2,
                'figures',
                ('reception', 'petitions'),
                ''),
               ('tthc', '3. Dân chủ gắn với cải cách hành chính', 2, 'manual', 'tthc', ''),
               ('danh-gia', 'III. ĐÁNH GIÁ CHUNG', 1, 'narrative', (), ''),
               ('phuong-huong', 'IV. PHƯƠNG HƯỚNG, NHIỆM VỤ {next_period_upper}', 1, 'narrative', (), ''),
               ('kien-nghi', 'V. KIẾN NGHỊ, ĐỀ XUẤT', 1, 'narrative', (), '')]})


def install(apps, schema_editor):
    ReportType = apps.get_model("reports", "ReportType")
    ReportTypeSection = apps.get_model("reports", "ReportTypeSection")
    for spec in REPORT_TYPES:
        fields = {k: v for k, v in spec.items() if k not in ("slug", "sections")}
        report_type, _created = ReportType.objects.update_or_create(slug=spec["slug"], defaults=fields)
        for position, (key, heading, level, kind, source, text) in enumerate(spec["sections"], start=1):
            ReportTypeSection.objects.update_or_create(
                report_type=report_type,
                key=key,
                defaults={
                    "position": position,
                    "heading": heading,
                    "level": level,
                    "kind": kind,
                    "providers": list(source) if kind == "figures" else [],
                    "manual_table": source if kind == "manual" else "",
                    "default_text": text,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
