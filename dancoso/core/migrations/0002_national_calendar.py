"""Create the national work calendar and the 2026 official overrides we can source.

What comes from where (checked against the installed `holidays` 0.109, country "VN"):

- Tết Bính Ngọ 2026 for civil servants (CBCCVC): the Government's announced schedule is 9 days off, Saturday
  14/02/2026 to Sunday 22/02/2026, i.e. the five statutory Tết days of BLLĐ 2019 Art. 112 on Monday 16/02 to
  Friday 20/02 plus the two weekends around them, with no swapped day and no make-up Saturday. `holidays` 0.109
  computes the same five dates (Giao thừa 16/02, Mùng 1–4 on 17–20/02). They are stored below as override rows
  anyway: the lunar dates in the package are computed, not official (LEGAL.md §9), and the official schedule
  must be visible and editable data. The weekends need no rows.
- Quốc khánh 2026 (Mon 31/08 off in exchange for Sat 22/08, then 01–02/09): already in `holidays` 0.109
  (its `VietnamStaticHolidays` cites thuvienphapluat.vn); the calendar reads the swap and the make-up Saturday
  from the package, so no rows here.
- Giỗ Tổ Hùng Vương 26/04/2026 (Sunday) and its compensation day Monday 27/04 (BLLĐ Art. 111.3), 30/04, 01/05,
  01/01 and 24/11: from the package; no rows.

No other make-up day is created: none could be sourced. Administrators add each year's schedule in the admin
(docs/calendar.md). Existing rows are never overwritten, so re-running after an administrator's edit is safe.
"""

import datetime

from django.db import migrations

NATIONAL_CODE = "national"
NATIONAL_NAME = "Lịch làm việc toàn quốc"

TET_2026_SOURCE = (
    "Lịch nghỉ Tết Âm lịch 2026 của CBCCVC do Chính phủ công bố: nghỉ 9 ngày từ 14/02 đến hết 22/02/2026 "
    "(5 ngày Tết theo Điều 112 BLLĐ 2019 và 2 kỳ nghỉ hằng tuần liền kề); trùng với gói holidays 0.109"
)
TET_2026_DAYS_OFF = [
    (datetime.date(2026, 2, 16), "Tết Nguyên đán Bính Ngọ (Giao thừa)"),
    (datetime.date(2026, 2, 17), "Tết Nguyên đán Bính Ngọ (Mùng 1)"),
    (datetime.date(2026, 2, 18), "Tết Nguyên đán Bính Ngọ (Mùng 2)"),
    (datetime.date(2026, 2, 19), "Tết Nguyên đán Bính Ngọ (Mùng 3)"),
    (datetime.date(2026, 2, 20), "Tết Nguyên đán Bính Ngọ (Mùng 4)"),
]


def create_national_calendar(apps, schema_editor):
    WorkCalendar = apps.get_model("core", "WorkCalendar")
    CalendarOverride = apps.get_model("core", "CalendarOverride")
    national, _created = WorkCalendar.objects.get_or_create(code=NATIONAL_CODE, defaults={"name": NATIONAL_NAME})
    for day, name in TET_2026_DAYS_OFF:
        CalendarOverride.objects.get_or_create(
            calendar=national,
            date=day,
            defaults={"kind": "day_off", "name": name, "source": TET_2026_SOURCE},
        )


def remove_sourced_overrides(apps, schema_editor):
    """Remove only the rows this migration wrote; the national calendar stays (units may point at it)."""
    CalendarOverride = apps.get_model("core", "CalendarOverride")
    CalendarOverride.objects.filter(
        calendar__code=NATIONAL_CODE, date__in=[day for day, _name in TET_2026_DAYS_OFF], source=TET_2026_SOURCE
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create_national_calendar, remove_sourced_overrides)]
