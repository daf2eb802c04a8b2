"""NĐ 154/2026 (SECONDARY): the announcement of an online reception (date, channel, link) on each session, and
the rule "reception.online_notice" (05 working days) as an editable DeadlineSetting row. Also the last
correction of a reception book entry (when, by whom, why; every correction is in the ledger too).

Depends on 0002: the 0003 announced for an index by another change did not exist when this was written (the
number is left unused; later migrations follow this one). If a 0003 is added, chain it 0002 → 0003 → 0004.
"""

from datetime import date

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

RULE = "reception.online_notice"
VALID_FROM = date(2026, 7, 1)  # Luật 136/2025/QH15 and NĐ 154/2026 in force
ARTICLE = "NĐ 154/2026/NĐ-CP (tiếp công dân trực tuyến: thông báo trước ít nhất 05 ngày làm việc)"
NOTE = "NGUỒN THỨ CẤP: cần đối chiếu văn bản nghị định đã ban hành."


def seed(apps, schema_editor):
    DeadlineSetting = apps.get_model("petitions", "DeadlineSetting")
    DeadlineSetting.objects.get_or_create(
        rule=RULE,
        valid_from=VALID_FROM,
        defaults={"days": 5, "day_type": "working", "article": ARTICLE, "note": NOTE},
    )


def unseed(apps, schema_editor):
    apps.get_model("petitions", "DeadlineSetting").objects.filter(rule=RULE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0002_seed_rules_and_sectors"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="receptionsession",
            name="notice_on",
            field=models.DateField(blank=True, null=True, verbose_name="announced on"),
        ),
        migrations.AddField(
            model_name="receptionsession",
            name="notice_channel",
            field=models.CharField(blank=True, max_length=200, verbose_name="announced through"),
        ),
        migrations.AddField(
            model_name="receptionsession",
            name="notice_link",
            field=models.URLField(blank=True, max_length=500, verbose_name="link to the announcement"),
        ),
        migrations.AddField(
            model_name="visit",
            name="corrected_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="last corrected"),
        ),
        migrations.AddField(
            model_name="visit",
            name="corrected_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="corrected by",
            ),
        ),
        migrations.AddField(
            model_name="visit",
            name="correction_reason",
            field=models.TextField(blank=True, verbose_name="reason for the correction"),
        ),
        migrations.RunPython(seed, unseed),
    ]
