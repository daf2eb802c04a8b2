"""NĐ 154/2026 (SECONDARY, LEGAL.md §4): an online reception is announced at least 05 working days before it
takes place, and the announcement is recorded. Counted like every period here: the day of the announcement is
not counted, weekends, holidays and the unit's own days off are skipped (BLDS 2015 Art. 147; core.calendar).
The figure is the DeadlineSetting rule "reception.online_notice", which an administrator may change."""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from dancoso.core import calendar
from dancoso.core.models import CalendarOverride, LedgerEntry, WorkCalendar
from dancoso.petitions import legal, reception
from dancoso.petitions.models import DeadlineSetting, ReceptionSession
from dancoso.petitions.public_views import reception_calendar
from dancoso.petitions.tests.test_reception_services import officer_of
from dancoso.units.tests.factories import ProvinceFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _vietnamese():
    """The services answer in the active language; another test may have left English active."""
    with translation.override("vi"):
        yield


D = date
NOTICE = D(2026, 12, 28)  # a Monday; 01/01/2027 (a Friday) is a public holiday
CHANNEL = "Cổng thông tin điện tử xã"
LINK = "https://ankhanh.example.vn/thong-bao/tiep-dan-truc-tuyen"


@pytest.fixture
def today(monkeypatch):
    """The services' today; the announcement may not be dated after it."""
    day = {"value": NOTICE}
    monkeypatch.setattr(reception, "_today", lambda: day["value"])
    return day


@pytest.fixture
def commune(db):
    province = ProvinceFactory(name="Thành phố Hải Phòng", slug="hai-phong")
    return UnitFactory(name="Xã An Khánh", slug="an-khanh", parent=province)


@pytest.fixture
def officer(commune):
    return officer_of(commune)


def online(unit, actor, on, **kwargs):
    values = {
        "mode": ReceptionSession.Mode.ONLINE,
        "kind": ReceptionSession.Kind.AD_HOC,
        "host_name": "Nguyễn Văn Chủ",
        "host_title": "Chủ tịch UBND xã",
        "location": "https://hop.example.vn/tiep-dan",
        "start_time": time(14),
        "end_time": time(16),
        "notice_on": NOTICE,
        "notice_channel": CHANNEL,
        "notice_link": LINK,
    }
    return reception.open_session(unit, actor=actor, date=on, **{**values, **kwargs})


def refusal(unit, actor, on, **kwargs) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        online(unit, actor, on, **kwargs)
    assert not ReceptionSession.objects.filter(date=on).exists()
    return {name: " ".join(messages) for name, messages in caught.value.message_dict.items()}


# ------------------------------------------------------------------------------------------- the rule


def test_the_rule_is_5_working_days_from_the_new_law_and_seeded_for_administrators():
    rule = legal.rule_for("reception.online_notice", D(2026, 12, 1))
    assert (rule.days, rule.day_type, rule.valid_from) == (5, legal.WORKING, D(2026, 7, 1))
    assert "NĐ 154/2026" in rule.article and "NGUỒN THỨ CẤP" in rule.note
    assert "reception.online_notice" in legal.RULE_KEYS
    row = DeadlineSetting.objects.get(rule="reception.online_notice")
    assert (row.valid_from, row.days, row.day_type, row.article) == (
        rule.valid_from,
        rule.days,
        rule.day_type,
        rule.article,
    )


@pytest.mark.parametrize(
    ("session_on", "accepted", "why"),
    [
        (
            D(2027, 1, 5),
            True,
            "Tue 29, Wed 30, Thu 31/12, Mon 4, Tue 5/01: 5 working days; 1/1 and the weekend skipped",
        ),
        (D(2027, 1, 6), True, "more than 5"),
        (D(2027, 1, 4), False, "only 4 working days: 1/1 is a holiday, 2–3/1 the weekend"),
        (D(2026, 12, 31), False, "3 working days"),
        (NOTICE, False, "announced the same day"),
    ],
)
def test_five_working_days_across_a_weekend_and_a_holiday(commune, officer, today, session_on, accepted, why):
    if accepted:
        session = online(commune, officer, session_on)
        assert (session.notice_on, session.notice_channel, session.notice_link) == (NOTICE, CHANNEL, LINK)
        return
    problems = refusal(commune, officer, session_on)
    assert "thông báo trước ít nhất 5 ngày làm việc" in problems["notice_on"], why
    assert "NĐ 154/2026/NĐ-CP" in problems["notice_on"]


def test_the_refusal_says_when_it_can_take_place_and_by_when_to_announce(commune, officer, today):
    problems = refusal(commune, officer, D(2027, 1, 4))
    assert problems["notice_on"] == (
        "Buổi tiếp công dân trực tuyến phải được thông báo trước ít nhất 5 ngày làm việc (NĐ 154/2026/NĐ-CP). "
        "Thông báo ngày 28/12/2026 thì buổi tiếp sớm nhất là ngày 05/01/2027; để tiếp vào ngày 04/01/2027, "
        "phải thông báo chậm nhất ngày 27/12/2026."
    )
    assert reception.latest_online_notice(D(2027, 1, 5), commune) == NOTICE


def test_a_weekend_alone_is_skipped(commune, officer, today):
    today["value"] = D(2026, 12, 3)  # a Thursday
    online(commune, officer, D(2026, 12, 10), notice_on=D(2026, 12, 3))  # Fri, Mon, Tue, Wed, Thu
    assert "notice_on" in refusal(commune, officer, D(2026, 12, 9), notice_on=D(2026, 12, 3))


def test_the_units_own_days_off_are_skipped(commune, officer, today):
    local = WorkCalendar.objects.create(
        code="an-khanh", name="Lịch Xã An Khánh", parent=calendar.national_calendar()
    )
    CalendarOverride.objects.create(
        calendar=local, date=D(2026, 12, 29), kind="day_off", name="Nghỉ bù địa phương"
    )
    commune.calendar = local
    commune.save()
    assert "notice_on" in refusal(commune, officer, D(2027, 1, 5))
    online(commune, officer, D(2027, 1, 6))


def test_every_online_session_needs_its_announcement_recorded(commune, officer, today):
    for kind in ReceptionSession.Kind.values:
        problems = refusal(commune, officer, D(2027, 1, 8), kind=kind, notice_on=None, notice_channel="")
        assert "Hãy ghi ngày thông báo" in problems["notice_on"]
        assert "hình thức thông báo" in problems["notice_channel"]


def test_an_in_person_session_needs_no_announcement(commune, officer, today):
    session = online(
        commune,
        officer,
        D(2026, 12, 29),
        mode=ReceptionSession.Mode.IN_PERSON,
        location="Trụ sở UBND",
        notice_on=None,
        notice_channel="",
        notice_link="",
    )
    assert session.notice_on is None


def test_an_online_session_before_the_rule_was_in_force_needs_none(commune, officer, today):
    session = online(commune, officer, D(2026, 6, 10), notice_on=None, notice_channel="", notice_link="")
    assert session.mode == "online" and session.notice_on is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"notice_on": D(2026, 12, 29)}, "notice_on"),  # after today: not yet announced
        ({"notice_link": "ankhanh.example.vn thong bao"}, "notice_link"),
        ({"notice_link": "ftp://ankhanh.example.vn/tb"}, "notice_link"),
    ],
)
def test_a_future_announcement_or_a_bad_link_is_refused(commune, officer, today, changes, field):
    assert field in refusal(commune, officer, D(2027, 1, 8), **changes)


def test_an_administrator_may_change_the_period(commune, officer, today):
    DeadlineSetting.objects.create(
        rule="reception.online_notice",
        valid_from=D(2027, 1, 1),
        days=3,
        day_type="working",
        article="Văn bản sửa đổi (thử)",
    )
    online(commune, officer, D(2027, 1, 4))  # 3 working days now suffice for receptions from 01/01/2027
    problems = refusal(commune, officer, D(2026, 12, 31))  # a reception in 2026 keeps the 5 days
    assert "5 ngày làm việc" in problems["notice_on"]


def test_correcting_a_session_rechecks_the_announcement_only_when_it_changes(commune, officer, today):
    in_person = online(
        commune,
        officer,
        D(2027, 1, 4),
        mode="in_person",
        location="Trụ sở",
        notice_on=None,
        notice_channel="",
    )
    with pytest.raises(ValidationError) as caught:
        reception.update_session(in_person, actor=officer, mode="online")
    assert "notice_on" in caught.value.message_dict
    with pytest.raises(ValidationError):
        reception.update_session(
            in_person, actor=officer, mode="online", notice_on=NOTICE, notice_channel=CHANNEL
        )
    reception.update_session(
        in_person, actor=officer, mode="online", notice_on=D(2026, 12, 24), notice_channel=CHANNEL
    )
    # An online session recorded without an announcement (before this rule was coded) can still be corrected.
    legacy = ReceptionSession.objects.create(
        unit=commune,
        mode="online",
        date=D(2027, 1, 4),
        host_name="Chủ tịch",
        location="https://hop.example.vn",
    )
    reception.update_session(legacy, actor=officer, location="https://hop.example.vn/phong-2")
    assert ReceptionSession.objects.get(pk=legacy.pk).location == "https://hop.example.vn/phong-2"


def test_the_ledger_records_the_announcement_date(commune, officer, today):
    session = online(commune, officer, D(2027, 1, 5))
    entry = LedgerEntry.objects.get(action="petitions.reception_session_opened", object_id=str(session.pk))
    assert entry.payload["notice_on"] == "2026-12-28"


# ------------------------------------------------------------------------------------------- pages and feed


@pytest.fixture
def announced(commune, officer):
    """An online reception announced today (the real day) for the first day the rule allows."""
    notice_on = timezone.localdate()
    first_day = calendar.add_working_days(notice_on, 5, commune)
    return online(commune, officer, first_day, notice_on=notice_on)


def test_the_public_reception_page_shows_the_announcement(client, commune, announced):
    response = client.get(reverse("petitions_public:reception", args=[commune.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Đã thông báo ngày {announced.notice_on:%d/%m/%Y} qua {CHANNEL}" in html
    assert f'href="{LINK}"' in html


def test_the_ical_feed_describes_the_announcement(commune, announced):
    feed = Calendar.from_ical(reception_calendar(commune).to_ical())
    (event,) = [e for e in feed.walk("VEVENT") if "session" in str(e["UID"])]
    description = str(event["DESCRIPTION"])
    assert f"Đã thông báo ngày {announced.notice_on:%d/%m/%Y} qua {CHANNEL}." in description
    assert LINK in description


def test_the_staff_form_records_and_checks_the_announcement(client, commune, officer):
    client.force_login(officer)
    notice_on = timezone.localdate()
    too_soon = calendar.add_working_days(notice_on, 4, commune)
    data = {
        "kind": "ad_hoc",
        "mode": "online",
        "date": too_soon.isoformat(),
        "host_name": "Nguyễn Văn Chủ",
        "location": "https://hop.example.vn/tiep-dan",
        "notice_on": notice_on.isoformat(),
        "notice_channel": CHANNEL,
        "notice_link": LINK,
    }
    add = reverse("petitions:reception_session_add")
    form_page = client.get(add).content.decode()
    assert "NĐ 154/2026/NĐ-CP" in form_page and 'name="notice_on"' in form_page
    refused = client.post(add, data)
    assert refused.status_code == 200 and 'id="id_notice_on_error"' in refused.content.decode()
    assert not ReceptionSession.objects.exists()
    accepted = client.post(
        add, {**data, "date": calendar.add_working_days(notice_on, 5, commune).isoformat()}
    )
    session = ReceptionSession.objects.get()
    assert accepted.status_code == 302 and session.notice_channel == CHANNEL
    detail = client.get(reverse("petitions:reception_session_detail", args=[session.pk])).content.decode()
    assert f"Đã thông báo ngày {notice_on:%d/%m/%Y} qua {CHANNEL}" in detail


def test_a_session_already_held_is_recorded_with_its_shortfall(commune, officer, today):
    """The book records what happened: an online reception held on 04/01/2027 after a notice of 28/12/2026 (4
    working days) or with no recorded notice is written in, and its page says the announcement fell short."""
    today["value"] = D(2027, 1, 11)
    late = online(commune, officer, D(2027, 1, 4))
    unannounced = online(commune, officer, D(2027, 1, 7), notice_on=None, notice_channel="", notice_link="")
    on_time = online(commune, officer, D(2027, 1, 5))

    assert "chậm nhất ngày 27/12/2026" in reception.notice_shortfall(late)
    assert reception.notice_shortfall(unannounced) == (
        "Đã tiếp mà không ghi nhận thông báo: phải thông báo trước 5 ngày làm việc (NĐ 154/2026/NĐ-CP)."
    )
    assert reception.notice_shortfall(on_time) == ""
    assert "notice_on" in refusal(commune, officer, D(2027, 1, 12), notice_on=D(2027, 1, 11))  # still to come


def test_the_session_page_shows_the_shortfall(client, commune, officer):
    held_on = timezone.localdate() - timedelta(days=1)
    session = online(commune, officer, held_on, notice_on=held_on, notice_channel=CHANNEL, notice_link="")
    client.force_login(officer)
    page = client.get(reverse("petitions:reception_session_detail", args=[session.pk])).content.decode()
    assert "Chưa thông báo đúng quy định." in page and "NĐ 154/2026/NĐ-CP" in page
