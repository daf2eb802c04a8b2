"""Working days and deadlines: worked examples, each citing the rule it checks (LEGAL.md §9)."""

import importlib
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dancoso.core import calendar as cal
from dancoso.core.models import CalendarOverride, LedgerEntry, WorkCalendar

pytestmark = pytest.mark.django_db

D = date
DAY_OFF = CalendarOverride.Kind.DAY_OFF
WORKING_DAY = CalendarOverride.Kind.WORKING_DAY


def make_calendar(code: str, parent: WorkCalendar | None = None, **fields) -> WorkCalendar:
    return cal.save_calendar(WorkCalendar(code=code, name=code.title(), parent=parent, **fields))


def make_override(
    calendar: WorkCalendar, day: date, kind: str, name: str = "Quyết định thử"
) -> CalendarOverride:
    return cal.save_override(
        CalendarOverride(calendar=calendar, date=day, kind=kind, name=name, source="test")
    )


# ------------------------------------------------------------------------------------------- worked examples


WORKING_DAY_EXAMPLES = [
    # BLDS 2015 Art. 147.1 (start day not counted) + BLLĐ 2019 Art. 112 Tết 2026: off Sat 14/02 – Sun 22/02.
    # Fri 13/02 is day 1, then Mon 23/02 … Thu 26/02 are days 2–5.
    pytest.param(D(2026, 2, 12), 5, D(2026, 2, 26), id="BLDS147-BLLD112-tet-2026"),
    # BLLĐ 2019 Art. 112: 30/04 (Thu) and 01/05 (Fri) 2026 off; Mon 04/05 is day 1.
    pytest.param(D(2026, 4, 29), 5, D(2026, 5, 8), id="BLLD112-30-4-and-1-5-2026"),
    # BLLĐ 2019 Art. 112 + Art. 111.3: Giỗ Tổ 10/3 âm lịch = Sun 26/04/2026, compensated on Mon 27/04.
    pytest.param(D(2026, 4, 24), 1, D(2026, 4, 28), id="BLLD111.3-gio-to-2026-compensation"),
    # Official swap for Quốc khánh 2026 (holidays 0.109): Sat 22/08 is worked in exchange for Mon 31/08.
    pytest.param(D(2026, 8, 21), 1, D(2026, 8, 22), id="swap-2026-make-up-saturday-counts"),
    pytest.param(D(2026, 8, 28), 1, D(2026, 9, 3), id="BLLD112-quoc-khanh-2026-31-8-to-2-9-off"),
    # Ngày Văn hóa Việt Nam 24/11 (holidays 0.109; NQ 30/NQ-CP, enactment UNCONFIRMED): Mon 23/11 → Wed 25/11.
    pytest.param(D(2026, 11, 23), 1, D(2026, 11, 25), id="24-11-van-hoa-2026"),
    # Weekend only: Fri → Mon.
    pytest.param(D(2026, 3, 6), 1, D(2026, 3, 9), id="QD188-weekend"),
]


@pytest.mark.parametrize(("start", "n", "expected"), WORKING_DAY_EXAMPLES)
def test_add_working_days(start, n, expected):
    assert cal.add_working_days(start, n) == expected
    assert cal.working_days_between(start, expected) == n


CALENDAR_DAY_EXAMPLES = [
    # BLDS 2015 Art. 147.1: the start day is not counted; Mon 02/03 + 3 days ends on Thu 05/03.
    pytest.param(D(2026, 3, 2), 3, D(2026, 3, 5), id="BLDS147-start-day-not-counted"),
    # BLDS 2015 Art. 148.2: last day Sat 07/03 → the period ends on Mon 09/03.
    pytest.param(D(2026, 3, 6), 1, D(2026, 3, 9), id="BLDS148-ends-on-weekend"),
    # BLDS 2015 Art. 148.2 + BLLĐ Art. 112: 30 days after 03/08/2026 is Wed 02/09 (Quốc khánh); the adjacent day
    # in 2026 is Tue 01/09, so the next working day is Thu 03/09.
    pytest.param(D(2026, 8, 3), 30, D(2026, 9, 3), id="BLDS148-ends-on-2-9-2026"),
    # … and 30 days after 01/08/2026 is Mon 31/08, the swapped day off: 31/08, 01/09, 02/09 off → Thu 03/09.
    pytest.param(D(2026, 8, 1), 30, D(2026, 9, 3), id="BLDS148-ends-on-swapped-31-8-2026"),
    # BLDS 2015 Art. 148.2: ends on Mùng 1 Tết (Tue 17/02/2026) → Mon 23/02/2026.
    pytest.param(D(2026, 2, 2), 15, D(2026, 2, 23), id="BLDS148-ends-in-tet-2026"),
    # A make-up Saturday is a working day, so a period may end on it (22/08/2026).
    pytest.param(D(2026, 8, 7), 15, D(2026, 8, 22), id="BLDS148-make-up-saturday-is-working"),
    # Holidays inside the period do not stop the count: 10 days after 25/04/2026 is Tue 05/05.
    pytest.param(D(2026, 4, 25), 10, D(2026, 5, 5), id="BLDS147-holidays-inside-count"),
]


@pytest.mark.parametrize(("start", "n", "expected"), CALENDAR_DAY_EXAMPLES)
def test_add_days(start, n, expected):
    assert cal.add_days(start, n) == expected


@pytest.mark.parametrize(
    ("day", "working"),
    [
        pytest.param(D(2026, 1, 1), False, id="BLLD112-new-year"),
        pytest.param(D(2026, 2, 13), True, id="tet-2026-friday-before-is-working"),
        pytest.param(D(2026, 2, 16), False, id="tet-2026-giao-thua"),
        pytest.param(D(2026, 2, 20), False, id="tet-2026-mung-4"),
        pytest.param(D(2026, 2, 23), True, id="tet-2026-back-to-work"),
        pytest.param(D(2026, 4, 26), False, id="BLLD112-gio-to-2026-sunday"),
        pytest.param(D(2026, 4, 27), False, id="BLLD111.3-gio-to-2026-compensated-monday"),
        pytest.param(D(2026, 8, 22), True, id="make-up-saturday-22-8-2026"),
        pytest.param(D(2026, 8, 31), False, id="swapped-31-8-2026"),
        pytest.param(D(2026, 9, 1), False, id="BLLD112-adjacent-day-1-9-2026"),
        pytest.param(D(2026, 9, 2), False, id="BLLD112-quoc-khanh-2026"),
        pytest.param(D(2026, 9, 3), True, id="after-quoc-khanh-2026"),
        pytest.param(D(2026, 3, 7), False, id="QD188-saturday"),
    ],
)
def test_is_working_day_2026(day, working):
    assert cal.is_working_day(day) is working


def test_zero_working_days_is_the_day_itself_or_the_next_working_day():
    assert cal.add_working_days(D(2026, 3, 5), 0) == D(2026, 3, 5)
    assert cal.add_working_days(D(2026, 2, 14), 0) == D(2026, 2, 23)  # Saturday at the start of Tết 2026


def test_negative_periods_are_refused():
    with pytest.raises(ValueError):
        cal.add_working_days(D(2026, 3, 5), -1)
    with pytest.raises(ValueError):
        cal.add_days(D(2026, 3, 5), -1)


def test_working_days_between_is_negative_backwards_and_zero_on_the_same_day():
    assert cal.working_days_between(D(2026, 2, 26), D(2026, 2, 12)) == -5
    assert cal.working_days_between(D(2026, 2, 12), D(2026, 2, 12)) == 0


def test_next_working_day_is_strictly_after():
    assert cal.next_working_day(D(2026, 3, 5)) == D(2026, 3, 6)
    assert cal.next_working_day(D(2026, 2, 13)) == D(2026, 2, 23)


def test_datetimes_are_read_in_vietnam_time():
    from datetime import UTC, datetime

    # 18:00 UTC on Thu 12/02/2026 is 01:00 on Fri 13/02 in Hà Nội.
    assert cal.add_working_days(datetime(2026, 2, 12, 18, 0, tzinfo=UTC), 1) == D(2026, 2, 23)


# ------------------------------------------------------------------------------------------- data migration


def test_migration_created_the_national_calendar_with_the_2026_tet_schedule():
    national = WorkCalendar.objects.get(code="national")
    assert national.name == "Lịch làm việc toàn quốc"
    rows = list(national.overrides.filter(date__year=2026))
    assert [row.date for row in rows] == [D(2026, 2, day) for day in range(16, 21)]
    assert all(row.kind == DAY_OFF and "14/02" in row.source and "22/02" in row.source for row in rows)
    assert cal.national_calendar() == national


def test_holidays_between_lists_tet_with_its_source():
    days = cal.holidays_between(D(2026, 2, 1), D(2026, 2, 28))
    assert [day.date for day in days] == [D(2026, 2, day) for day in range(16, 21)]
    assert all(not day.is_working_day and day.calendar_code == "national" for day in days)
    assert days[1].name == "Tết Nguyên đán Bính Ngọ (Mùng 1)"


def test_holidays_between_shows_statutory_names_in_the_active_language():
    from django.utils import translation

    with translation.override("en"):
        (new_year,) = cal.holidays_between(D(2026, 1, 1), D(2026, 1, 1))
    assert new_year.name == "New Year's Day"
    assert new_year.calendar_code is None
    with translation.override("vi"):
        (new_year,) = cal.holidays_between(D(2026, 1, 1), D(2026, 1, 1))
        (make_up,) = cal.holidays_between(D(2026, 8, 22), D(2026, 8, 22))
    assert new_year.name == "Tết Dương lịch"
    assert make_up.is_working_day
    assert make_up.name == "Ngày làm việc bù"


# ------------------------------------------------------------------------------------------- overrides


def test_admin_make_up_saturday_is_counted():
    """An announced make-up Saturday (here on a test calendar) counts as a working day."""
    company = make_calendar("cong-ty-thu", parent=cal.national_calendar())
    make_override(company, D(2026, 3, 7), WORKING_DAY, "Làm bù")
    assert cal.is_working_day(D(2026, 3, 7), company)
    assert cal.add_working_days(D(2026, 3, 6), 1, company) == D(2026, 3, 7)
    assert cal.add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 9)  # the national calendar is unchanged


def test_nearest_calendar_override_wins():
    national = cal.national_calendar()
    province = make_calendar("tinh-thu", parent=national)
    enterprise = make_calendar("doanh-nghiep-thu", parent=province)
    make_override(province, D(2026, 3, 10), DAY_OFF, "Nghỉ theo quyết định của tỉnh")
    make_override(enterprise, D(2026, 3, 10), WORKING_DAY, "Doanh nghiệp làm việc")
    # An enterprise may choose other Tết days (BLLĐ 2019 Art. 112.3 lets the employer choose the plan).
    make_override(enterprise, D(2026, 2, 16), WORKING_DAY, "Phương án nghỉ Tết của doanh nghiệp")
    assert not cal.is_working_day(D(2026, 3, 10), province)
    assert cal.is_working_day(D(2026, 3, 10), enterprise)
    assert cal.is_working_day(D(2026, 3, 10), "national")
    assert cal.is_working_day(D(2026, 2, 16), enterprise)
    assert not cal.is_working_day(D(2026, 2, 17), enterprise)  # inherited from the national Tết schedule


def test_calendar_without_statutory_holidays_keeps_only_its_overrides():
    plain = make_calendar("chi-ngay-thuong", include_statutory_holidays=False)
    assert cal.is_working_day(D(2026, 1, 1), plain)
    assert not cal.is_working_day(D(2026, 1, 3), plain)  # still a Saturday


def test_saving_an_override_is_seen_at_once_and_recorded_in_the_ledger():
    assert cal.is_working_day(D(2026, 3, 2))  # warm the cache
    override = make_override(cal.national_calendar(), D(2026, 3, 2), DAY_OFF, "Nghỉ đột xuất")
    assert not cal.is_working_day(D(2026, 3, 2))
    assert LedgerEntry.objects.filter(
        action="core.create_calendar_override", object_id=str(override.pk)
    ).exists()
    cal.delete_override(override)
    assert cal.is_working_day(D(2026, 3, 2))
    assert LedgerEntry.objects.filter(action="core.delete_calendar_override").exists()


def test_a_calendar_cannot_inherit_from_itself():
    first = make_calendar("vong-1")
    second = make_calendar("vong-2", parent=first)
    first.parent = second
    with pytest.raises(ValidationError):
        cal.save_calendar(first)


def test_national_calendar_cannot_be_deleted():
    with pytest.raises(ValidationError):
        cal.delete_calendar(cal.national_calendar())


def test_unknown_calendar_code_is_an_error():
    with pytest.raises(WorkCalendar.DoesNotExist):
        cal.is_working_day(D(2026, 3, 2), "khong-co")


# ------------------------------------------------------------------------------------------- units


def test_calendar_for_unit_walks_up_plain_objects():
    province_calendar = make_calendar("tinh-mien-nui", parent=cal.national_calendar())
    province = SimpleNamespace(calendar_id=province_calendar.pk, parent=None)
    commune = SimpleNamespace(calendar_id=None, parent=province)
    village = SimpleNamespace(calendar_id=None, parent=commune)
    assert cal.calendar_for_unit(village) == province_calendar
    assert cal.calendar_for_unit(SimpleNamespace(calendar_id=None, parent=None)).code == "national"


@pytest.fixture
def unit_factories():
    # The layers contract keeps core from importing units; these tests still check the walk on the real model.
    return importlib.import_module("dancoso.units.tests.factories")


def test_unit_override_on_a_child_calendar(unit_factories, django_assert_max_num_queries):
    """A province's own calendar (child of the national one) applies to its communes and villages."""
    province_calendar = make_calendar("tinh-co-ngay-rieng", parent=cal.national_calendar())
    make_override(province_calendar, D(2026, 3, 10), DAY_OFF, "Ngày nghỉ riêng của tỉnh")
    province = unit_factories.ProvinceFactory()
    province.calendar = province_calendar
    province.save(update_fields=["calendar"])
    village = unit_factories.VillageFactory(parent=unit_factories.UnitFactory(parent=province))

    # One query for all ancestors, one for the calendars (not cached: this transaction changed calendar rows).
    with django_assert_max_num_queries(2):
        found = cal.calendar_for_unit(village)
    assert found == province_calendar
    assert not cal.is_working_day(D(2026, 3, 10), village)
    assert cal.add_working_days(D(2026, 3, 9), 1, village) == D(2026, 3, 11)
    assert cal.add_working_days(D(2026, 3, 9), 1) == D(2026, 3, 10)
    other_village = unit_factories.VillageFactory()
    assert cal.calendar_for_unit(other_village).code == "national"


# ------------------------------------------------------------------------------------------- caching


def test_one_query_per_calendar_year(django_assert_num_queries):
    cache.clear()
    with django_assert_num_queries(2):  # the calendars, then the 2026 overrides
        cal.is_working_day(D(2026, 2, 16))
    with django_assert_num_queries(0):
        cal.add_working_days(D(2026, 2, 12), 5)
        cal.holidays_between(D(2026, 1, 1), D(2026, 12, 31))
    with django_assert_num_queries(1):
        cal.add_working_days(D(2026, 12, 30), 3)  # crosses into 2027


@pytest.mark.django_db(transaction=True)
def test_committed_override_changes_the_cached_answer():
    national = cal.national_calendar()
    assert cal.is_working_day(D(2027, 3, 2))  # cached under the current version
    override = make_override(national, D(2027, 3, 2), DAY_OFF, "Nghỉ")  # commits and bumps the version
    try:
        assert not cal.is_working_day(D(2027, 3, 2))
    finally:
        cal.delete_override(override)
    assert cal.is_working_day(D(2027, 3, 2))
    cache.clear()  # the flush after this test removes rows without signals


# ------------------------------------------------------------------------------------------- properties

PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
dates = st.dates(min_value=D(2024, 1, 1), max_value=D(2028, 12, 31))
counts = st.integers(min_value=0, max_value=80)


@PROPERTY_SETTINGS
@given(start=dates, n=counts)
def test_add_working_days_lands_on_a_working_day(start, n):
    result = cal.add_working_days(start, n)
    assert cal.is_working_day(result)
    assert result >= start
    if n:
        assert result > start
        assert cal.working_days_between(start, result) == n


@PROPERTY_SETTINGS
@given(start=dates, n=counts, extra=st.integers(min_value=0, max_value=30))
def test_more_working_days_never_end_earlier(start, n, extra):
    assert cal.add_working_days(start, n + extra) >= cal.add_working_days(start, n)


@PROPERTY_SETTINGS
@given(start=dates, n=counts, later=st.integers(min_value=0, max_value=30))
def test_a_later_start_never_ends_earlier(start, n, later):
    assert cal.add_working_days(start + timedelta(days=later), n) >= cal.add_working_days(start, n)


@PROPERTY_SETTINGS
@given(start=dates, n=st.integers(min_value=0, max_value=400))
def test_add_days_is_at_least_n_days_and_a_working_day(start, n):
    result = cal.add_days(start, n)
    assert result >= start + timedelta(days=n)
    assert cal.is_working_day(result)
    # Art. 148 moves the end only across days off.
    assert all(not cal.is_working_day(start + timedelta(days=k)) for k in range(n, (result - start).days))


# ------------------------------------------------------------------------------------------- admin


@pytest.fixture
def admin_client_vi(client, django_user_model):
    user = django_user_model.objects.create_superuser("lich-admin", "lich@example.org", "mat-khau-dai-123")
    client.force_login(user)
    client.cookies["dancoso_language"] = "vi"
    return client


def test_admin_preview_lists_the_year(admin_client_vi):
    national = cal.national_calendar()
    response = admin_client_vi.get(f"/admin/core/workcalendar/{national.pk}/preview/?year=2026")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tết Nguyên đán Bính Ngọ (Mùng 1)" in page
    assert "Ngày làm việc bù" in page  # 22/08/2026
    assert "Năm 2026 có" in page


def test_admin_action_redirects_to_the_preview(admin_client_vi):
    national = cal.national_calendar()
    response = admin_client_vi.post(
        "/admin/core/workcalendar/",
        {"action": "preview_holidays", "_selected_action": [national.pk]},
    )
    assert response.status_code == 302
    assert f"/admin/core/workcalendar/{national.pk}/preview/?year=" in response["Location"]


def test_admin_inline_override_goes_through_the_calendar_actions(admin_client_vi):
    national = cal.national_calendar()
    existing = list(national.overrides.order_by("-date"))
    data = {
        "code": "national",
        "name": national.name,
        "include_statutory_holidays": "on",
        "overrides-TOTAL_FORMS": str(len(existing) + 1),
        "overrides-INITIAL_FORMS": str(len(existing)),
        "overrides-MIN_NUM_FORMS": "0",
        "overrides-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(existing):
        data |= {
            f"overrides-{index}-id": str(row.pk),
            f"overrides-{index}-calendar": str(national.pk),
            f"overrides-{index}-date": row.date.isoformat(),
            f"overrides-{index}-kind": row.kind,
            f"overrides-{index}-name": row.name,
            f"overrides-{index}-source": row.source,
        }
    new = len(existing)
    data |= {
        f"overrides-{new}-calendar": str(national.pk),
        f"overrides-{new}-date": "2026-09-05",
        f"overrides-{new}-kind": WORKING_DAY,
        f"overrides-{new}-name": "Làm bù",
        f"overrides-{new}-source": "Thông báo thử",
    }
    response = admin_client_vi.post(f"/admin/core/workcalendar/{national.pk}/change/", data)
    assert response.status_code == 302, [
        line for line in response.content.decode().splitlines() if "error" in line
    ]
    assert cal.is_working_day(D(2026, 9, 5))
    assert LedgerEntry.objects.filter(action="core.create_calendar_override").count() == 1
    assert LedgerEntry.objects.filter(action="core.update_work_calendar").count() == 1


def test_admin_refuses_a_parent_cycle(admin_client_vi):
    first = make_calendar("vong-a")
    second = make_calendar("vong-b", parent=first)
    response = admin_client_vi.post(
        f"/admin/core/workcalendar/{first.pk}/change/",
        {
            "code": "vong-a",
            "name": "Vòng A",
            "parent": str(second.pk),
            "overrides-TOTAL_FORMS": "0",
            "overrides-INITIAL_FORMS": "0",
            "overrides-MIN_NUM_FORMS": "0",
            "overrides-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert "Một lịch không thể kế thừa từ chính nó." in response.content.decode()
