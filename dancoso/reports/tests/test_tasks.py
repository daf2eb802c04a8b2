"""The daily reminders of reports: the staff of each unit expected to report hear `reminder_days` before the
deadline and once it has passed, unless their report is submitted; nothing is sent twice; the jobs are
registered as periodic."""

from datetime import date, timedelta

import pytest

from dancoso.accounts.models import Role
from dancoso.core import jobs as core_jobs
from dancoso.core.models import Notification
from dancoso.petitions.tests.test_services import staff
from dancoso.reports import services, tasks
from dancoso.reports.models import ReportType
from dancoso.units.tests.factories import UnitFactory, VillageFactory

pytestmark = pytest.mark.django_db

SIX_MONTHS = "dan-chu-co-so-6-thang"


@pytest.fixture
def only_six_months(db):
    """The six-month type alone has deadlines here (20/06 and 20/12), reminded 5 days before."""
    ReportType.objects.exclude(slug=SIX_MONTHS).update(is_active=False)
    report_type = ReportType.objects.get(slug=SIX_MONTHS)
    report_type.reminder_days = 5
    report_type.save()
    return report_type


@pytest.fixture
def ward(province):
    return UnitFactory(name="Phường Phù Liễn", parent=province, kind="ward")


def sent(**filters):
    return Notification.objects.filter(**filters)


def test_staff_hear_reminder_days_before_the_deadline_and_once_only(
    only_six_months, province, commune, officer, leader, ward
):
    ward_officer = staff(ward, role=Role.COMMUNE_OFFICER, email="canbo@phulien.example.vn")
    staff(commune, role=Role.FRONT_OFFICER)  # may read reports, does not write them: not reminded
    VillageFactory(parent=commune)  # villages do not report
    assert services.send_report_reminders(date(2026, 6, 14)) == {"reminders": 0, "overdue": 0}
    counts = services.send_report_reminders(date(2026, 6, 15))
    assert counts == {"reminders": 3, "overdue": 0}
    assert set(sent().values_list("recipient", flat=True)) == {
        officer.email,
        leader.email,
        "canbo@phulien.example.vn",
    }
    message = sent(recipient="canbo@phulien.example.vn").get()
    assert message.channel == "email" and message.unit_id == ward.pk
    assert "6 tháng đầu năm 2026" in message.subject and "20/06/2026" in message.body
    assert ward_officer.email == message.recipient
    assert services.send_report_reminders(date(2026, 6, 15)) == {"reminders": 0, "overdue": 0}
    assert services.send_report_reminders(date(2026, 6, 18)) == {"reminders": 0, "overdue": 0}, (
        "once per period"
    )
    assert sent().count() == 3


def test_a_missed_day_is_caught_up(only_six_months, commune, officer):
    assert services.send_report_reminders(date(2026, 6, 19))["reminders"] == 1


def test_a_submitted_report_stops_the_reminders(only_six_months, commune, officer, ward):
    staff(ward, role=Role.COMMUNE_OFFICER)
    report = services.create_report(
        unit=commune, report_type=only_six_months, period="2026-H1", actor=officer
    )
    services.submit_report(report, actor=officer)
    services.send_report_reminders(date(2026, 6, 16))
    assert not sent(unit_id=commune.pk).exists() and sent(unit_id=ward.pk).count() == 1


def test_a_draft_still_counts_as_not_submitted_and_the_overdue_reminder_follows(
    only_six_months, commune, officer
):
    services.create_report(unit=commune, report_type=only_six_months, period="2026-H1", actor=officer)
    services.send_report_reminders(date(2026, 6, 15))
    assert services.send_report_reminders(date(2026, 6, 20)) == {"reminders": 0, "overdue": 0}, "due today"
    assert services.send_report_reminders(date(2026, 6, 21)) == {"reminders": 0, "overdue": 1}
    overdue = sent(dedupe_key__startswith="report-overdue:").get()
    assert overdue.subject.startswith("Quá hạn gửi báo cáo") and "chưa gửi" in overdue.body
    assert services.send_report_reminders(date(2026, 6, 22))["overdue"] == 0
    far = date(2026, 6, 20) + timedelta(days=services.OVERDUE_REMINDER_DAYS + 1)
    Notification.objects.all().delete()
    assert services.send_report_reminders(far) == {"reminders": 0, "overdue": 0}, "old periods are left alone"


def test_the_second_half_and_the_days_before_come_from_the_type(only_six_months, commune, officer):
    only_six_months.reminder_days = 10
    only_six_months.save()
    assert services.send_report_reminders(date(2026, 12, 9))["reminders"] == 0
    assert services.send_report_reminders(date(2026, 12, 10))["reminders"] == 1
    assert "6 tháng cuối năm 2026" in sent().get().subject


def test_an_inactive_type_or_one_without_deadlines_sends_nothing(only_six_months, commune, officer):
    only_six_months.is_active = False
    only_six_months.save()
    assert services.send_report_reminders(date(2026, 6, 15)) == {"reminders": 0, "overdue": 0}
    only_six_months.is_active = True
    only_six_months.deadlines = {}
    only_six_months.save()
    assert services.send_report_reminders(date(2026, 6, 15)) == {"reminders": 0, "overdue": 0}


def test_the_jobs_are_periodic_and_the_task_runs_the_service(only_six_months, commune, officer, monkeypatch):
    core_jobs.autodiscover()
    jobs = {job.name: job for job in core_jobs.registered_jobs()}
    assert jobs["reports.deadline_reminders"].every == timedelta(days=1)
    assert jobs["reports.purge_generated_reports"].every == timedelta(hours=1)
    monkeypatch.setattr(services, "_today", lambda: date(2026, 6, 15))
    assert tasks.report_deadline_reminders.call() == {"reminders": 1, "overdue": 0}
    assert tasks.purge_generated_reports.call() == 0
