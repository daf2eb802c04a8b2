"""The daily jobs: reminders before a required posting ends too early (and once it did), and the quarterly lists
of every commune on the first working days of a quarter. Running either twice sends or publishes nothing twice."""

from datetime import date as D
from datetime import timedelta

import pytest

from dancoso.accounts.roles import Role
from dancoso.accounts.tests.factories import MembershipFactory
from dancoso.core import jobs
from dancoso.core.models import Notification
from dancoso.disclosure import services, tasks
from dancoso.disclosure.models import Channel, Publication
from dancoso.disclosure.services import PostingSpec
from dancoso.disclosure.tests.test_compliance import SOCIAL, boards, on_platform_since, publish
from dancoso.units.models import UnitKind
from dancoso.units.tests.factories import ProvinceFactory, UnitFactory, VillageFactory

pytestmark = pytest.mark.django_db

TODAY = D(2026, 11, 2)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(services, "_today", lambda: TODAY)


@pytest.fixture
def commune():
    province = ProvinceFactory(name="Tỉnh Ninh Bình")
    return on_platform_since(
        UnitFactory(kind=UnitKind.COMMUNE, parent=province, name="Xã An Khánh"), D(2025, 7, 1)
    )


@pytest.fixture
def villages(commune):
    return [VillageFactory(parent=commune, name=name) for name in ("Thôn Đông", "Thôn Tây")]


@pytest.fixture
def officer(commune):
    return MembershipFactory(unit=commune, role=Role.COMMUNE_OFFICER).user


def sent(user=None) -> list[Notification]:
    rows = Notification.objects.order_by("pk")
    return list(rows.filter(recipient=user.email) if user else rows)


# ------------------------------------------------------------------------------------------------ reminders


def test_a_posting_planned_too_short_is_told_at_once_before_its_end_and_after(commune, villages, officer):
    # Art. 13.2: 30 days at the seat and in every village; planned 02/11–21/11 (20 days).
    publication = publish(commune, decided=TODAY, on=TODAY, postings=boards(TODAY, D(2026, 11, 21), villages))
    resident = MembershipFactory(unit=commune, role=Role.RESIDENT).user
    province_officer = MembershipFactory(unit=commune.parent, role=Role.PROVINCE_OFFICER).user

    assert services.send_posting_reminders(TODAY) == {"planned": 1, "ending_soon": 0, "ended_early": 0}
    [message] = sent()
    assert message.recipient == officer.email
    assert (
        message.subject == f"Công khai chưa đủ thời gian: {publication.code} dự kiến kết thúc ngày 21/11/2026"
    )
    # One message for the item: the seat and both villages are listed in it, with the article.
    assert message.body.count("20 ngày / 30 ngày theo quy định") == 3
    assert "Thôn Tây" in message.body and "Khoản 2 Điều 13 Luật 10/2022/QH15" in message.body
    assert f"/staff/disclosure/{publication.pk}/" in message.body
    assert not sent(resident) and not sent(province_officer)  # not publishers / a nearer unit has them

    # Running again the same day, or the next, sends nothing.
    assert sum(services.send_posting_reminders(TODAY).values()) == 0
    assert sum(services.send_posting_reminders(D(2026, 11, 3)).values()) == 0
    # Three days before the end, once.
    assert services.send_posting_reminders(D(2026, 11, 18))["ending_soon"] == 1
    assert services.send_posting_reminders(D(2026, 11, 19))["ending_soon"] == 0
    # The day after it came down: ended too early, once, even when the job missed a few days.
    assert services.send_posting_reminders(D(2026, 11, 25))["ended_early"] == 1
    assert sum(services.send_posting_reminders(D(2026, 11, 26)).values()) == 0
    subjects = [m.subject.split(":")[0] for m in sent(officer)]
    assert subjects == ["Công khai chưa đủ thời gian", "Sắp kết thúc quá sớm", "Công khai chưa đủ thời gian"]
    assert "đã kết thúc ngày 21/11/2026" in sent(officer)[-1].subject


def test_a_new_planned_end_is_told_again(commune, villages, officer):
    publication = publish(commune, decided=TODAY, on=TODAY, postings=boards(TODAY, D(2026, 11, 21), villages))
    services.send_posting_reminders(TODAY)
    # The officer extends the seat notice by a week only: still too short, a new message.
    services.add_posting(
        publication, PostingSpec(Channel.SEAT_BOARD, D(2026, 11, 22), D(2026, 11, 28)), actor=None
    )
    assert services.send_posting_reminders(TODAY)["planned"] == 1
    assert len(sent(officer)) == 2


def test_long_enough_or_open_postings_are_not_told(commune, villages, officer):
    publish(commune, decided=TODAY, on=TODAY, postings=boards(TODAY, D(2026, 12, 1), villages))  # 30 days
    publish(commune, decided=TODAY, on=TODAY, postings=boards(TODAY, None, villages))  # until further notice
    assert sum(services.send_posting_reminders(TODAY).values()) == 0


def test_the_loudspeaker_taken_down_early_is_told(commune, villages, officer):
    # Art. 13.3: items 7–12 on the loudspeaker for at least 03 days: stopped after 2.
    start = D(2026, 10, 28)
    postings = [
        *boards(start, None, villages),
        PostingSpec(Channel.LOUDSPEAKER, start, start + timedelta(days=2)),
        *(PostingSpec(Channel.VILLAGE_HEAD, start, start, place=v) for v in villages),
    ]
    publication = publish(commune, SOCIAL, decided=start, on=start, postings=postings, title="Hộ nghèo")
    loudspeaker = publication.postings.get(channel=Channel.LOUDSPEAKER)
    services.end_posting(loudspeaker, actor=None, taken_down_on=start + timedelta(days=1))
    assert services.send_posting_reminders(TODAY) == {"planned": 0, "ending_soon": 0, "ended_early": 1}
    [message] = sent(officer)
    assert "Hệ thống truyền thanh" in message.body
    assert "2 ngày / 3 ngày theo quy định" in message.body


def test_the_publishers_above_hear_when_the_unit_has_none(commune, villages):
    province_officer = MembershipFactory(unit=commune.parent, role=Role.SYSTEM_ADMIN).user
    publish(commune, decided=TODAY, on=TODAY, postings=boards(TODAY, D(2026, 11, 21), villages))
    services.send_posting_reminders(TODAY)
    assert len(sent(province_officer)) == 1


def test_the_reminder_job_is_registered_and_deduplicated(commune, villages, officer, monkeypatch):
    from django.utils import timezone

    jobs.autodiscover()
    job = {job.name: job for job in jobs.registered_jobs()}["disclosure.posting_reminders"]
    assert job.task is tasks.posting_reminders and job.every == timedelta(days=1)
    publish(commune, decided=TODAY, on=TODAY, postings=boards(TODAY, D(2026, 11, 21), villages))
    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)
    assert tasks.posting_reminders.call()["planned"] == 1
    assert sum(tasks.posting_reminders.call().values()) == 0
    assert len(sent(officer)) == 1


# ------------------------------------------------------------------------------------------------ quarterly lists


def lists() -> list[tuple]:
    return list(
        Publication.objects.filter(category__is_quarterly_list=True)
        .order_by("unit__name", "period_label")
        .values_list("unit__name", "period_label", "version_count", "disclosed_on")
    )


def test_the_lists_of_every_commune_on_the_first_working_day(commune):
    ward = on_platform_since(
        UnitFactory(kind=UnitKind.WARD, parent=commune.parent, name="Phường Hoa Lư"), D(2026, 1, 1)
    )
    on_platform_since(
        UnitFactory(kind=UnitKind.COMMUNE, parent=commune.parent, name="Xã Mới"), D(2026, 10, 15)
    )
    UnitFactory(kind=UnitKind.AGENCY, parent=commune.parent, name="Sở Nội vụ")
    publish(commune, decided=D(2026, 8, 3), on=D(2026, 8, 4), title="Dự toán điều chỉnh")
    # Thu 01/10/2026 is a working day; Q3 ended Wed 30/09.
    counts = tasks.publish_previous_quarter_lists(D(2026, 10, 1))
    assert counts == {"published": 2, "updated": 0, "unchanged": 0, "waiting": 0, "failed": 0}
    assert lists() == [
        ("Phường Hoa Lư", "2026-Q3", 1, D(2026, 10, 1)),
        ("Xã An Khánh", "2026-Q3", 1, D(2026, 10, 1)),
    ]  # not the commune entered in October, not the agency
    listing = Publication.objects.get(unit=commune, category__is_quarterly_list=True)
    assert "Dự toán điều chỉnh" in listing.current_version.body
    assert listing.postings.filter(channel="seat_board").exists()
    # Again the next day: nothing changes.
    assert tasks.publish_previous_quarter_lists(D(2026, 10, 2))["unchanged"] == 2
    assert lists()[1][2] == 1 and Publication.objects.filter(unit=ward).count() == 1


def test_a_late_item_updates_the_list_within_its_deadline_only(commune):
    tasks.publish_previous_quarter_lists(D(2026, 10, 1))
    late = publish(commune, decided=D(2026, 9, 25), on=D(2026, 10, 2), title="Quyết định phí chợ")
    Publication.objects.filter(pk=late.pk).update(disclosed_on=D(2026, 9, 30))  # made known on the 30th
    # Q3 ended Wed 30/09; its list is due 5 working days later, Wed 07/10.
    assert tasks.publish_previous_quarter_lists(D(2026, 10, 5))["updated"] == 1
    assert (
        "Quyết định phí chợ" in Publication.objects.get(category__is_quarterly_list=True).current_version.body
    )
    Publication.objects.filter(pk=late.pk).update(disclosed_on=D(2026, 9, 29))
    assert tasks.publish_previous_quarter_lists(D(2026, 10, 8))["unchanged"] == 1


def test_no_list_on_a_holiday_and_a_missed_one_is_published_late(commune):
    # Fri 01/01/2027 is a holiday: the Q4 lists wait for Mon 04/01.
    assert tasks.publish_previous_quarter_lists(D(2027, 1, 1)) == {
        "published": 0, "updated": 0, "unchanged": 0, "waiting": 1, "failed": 0,
    }  # fmt: skip
    assert not lists()
    # The job was down all January: the list is still published, late.
    assert tasks.publish_previous_quarter_lists(D(2027, 2, 2))["published"] == 1
    assert lists() == [("Xã An Khánh", "2026-Q4", 1, D(2027, 2, 2))]


def test_the_quarterly_job_is_registered():
    jobs.autodiscover()
    job = {job.name: job for job in jobs.registered_jobs()}["disclosure.quarterly_lists"]
    assert job.task is tasks.publish_quarterly_lists and job.every == timedelta(days=1)
    assert tasks.previous_quarter(D(2026, 1, 5)) == (2025, 4)
    assert tasks.previous_quarter(D(2026, 7, 1)) == (2026, 2)
