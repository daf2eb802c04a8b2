import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core import mail
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dancoso.accounts.tests.factories import UserFactory
from dancoso.core import notify
from dancoso.core.models import Attachment, LedgerEntry, Notification

pytestmark = pytest.mark.django_db

FLAKY = "dancoso.core.tests.test_notify.FlakyBackend"
RECORDING = "dancoso.core.tests.test_notify.RecordingBackend"


class FlakyBackend:
    """Fails the first `failures_left` sends, like a gateway that is down for a while."""

    failures_left = 0
    sent: list[int] = []

    def send(self, notification):
        if FlakyBackend.failures_left > 0:
            FlakyBackend.failures_left -= 1
            raise ConnectionError("gateway unreachable")
        FlakyBackend.sent.append(notification.pk)


class RecordingBackend:
    sent: list[int] = []

    def send(self, notification):
        RecordingBackend.sent.append(notification.pk)


@pytest.fixture
def flaky(settings):
    settings.NOTIFY_BACKENDS = {**settings.NOTIFY_BACKENDS, "flaky": FLAKY, "recording": RECORDING}
    FlakyBackend.sent, RecordingBackend.sent = [], []
    FlakyBackend.failures_left = 0
    return FlakyBackend


def make(channel="flaky", **fields):
    defaults = {"recipient": "0912345678", "subject": "Lịch họp", "body": "Họp thôn lúc 19 giờ."}
    return notify.notify(channel=channel, **{**defaults, **fields})


def test_notify_creates_a_pending_row_and_enqueues_delivery_on_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = make(channel="console")
        assert not DBTaskResult.objects.exists()
    assert notification.status == Notification.Status.PENDING
    task_result = DBTaskResult.objects.get()
    assert task_result.task_path == "dancoso.core.notify.deliver_notification"
    assert task_result.queue_name == "notifications"
    assert task_result.args_kwargs == {"args": [notification.pk], "kwargs": {}}


def test_enqueued_task_delivers_through_the_console(django_capture_on_commit_callbacks, capsys):
    with django_capture_on_commit_callbacks(execute=True):
        notification = make(channel="console", subject="Thông báo  mới")
    assert notify.deliver_notification.call(notification.pk) == "sent"
    assert "Thông báo mới" in capsys.readouterr().out
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT and notification.sent_at is not None


def test_failing_backend_is_retried_with_backoff_until_delivered(flaky):
    flaky.failures_left = 2
    notification = make()
    start = timezone.now()

    assert notify.deliver_due(start) == {"sent": 0, "pending": 1, "failed": 0}
    notification.refresh_from_db()
    assert notification.status == Notification.Status.PENDING and notification.attempts == 1
    assert "gateway unreachable" in notification.last_error
    assert notification.next_attempt_at == start + timedelta(minutes=1)

    assert notify.deliver_due(start + timedelta(seconds=59)) == {"sent": 0, "pending": 0, "failed": 0}

    notify.deliver_due(start + timedelta(minutes=1))
    notification.refresh_from_db()
    assert notification.attempts == 2
    assert notification.next_attempt_at == start + timedelta(minutes=1) + timedelta(minutes=2)

    assert notify.deliver_due(start + timedelta(minutes=3)) == {"sent": 1, "pending": 0, "failed": 0}
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert (notification.attempts, notification.last_error) == (3, "")
    assert flaky.sent == [notification.pk]


def test_backoff_doubles_up_to_six_hours():
    delays = [notify.retry_delay(attempts) for attempts in (1, 2, 3, 4, 9, 10, 500)]
    assert delays[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert delays[4] == timedelta(minutes=256)
    assert delays[5:] == [timedelta(hours=6), timedelta(hours=6)]


def test_never_given_up_after_max_attempts(flaky, settings, caplog):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    flaky.failures_left = 10**6
    notification = make()
    Notification.objects.filter(pk=notification.pk).update(attempts=40)
    now = timezone.now()
    notify.deliver_due(now)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.PENDING and notification.attempts == 41
    assert notification.next_attempt_at == now + timedelta(hours=6)
    assert any(record.levelname == "ERROR" for record in caplog.records)


def test_unknown_channel_fails_permanently(settings):
    notification = make(channel="carrier-pigeon")
    assert notify.deliver(notification.pk) == "failed"
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED and "carrier-pigeon" in notification.last_error
    assert notify.deliver_due(timezone.now() + timedelta(days=1)) == {"sent": 0, "pending": 0, "failed": 0}


def test_email_backend_sends_through_django_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "UBND xã <no-reply@xa.gov.vn>"
    notification = make(channel="email", recipient="dan@example.vn", subject="Kết quả\nbiểu quyết")
    assert notify.deliver(notification.pk) == "sent"
    [message] = mail.outbox
    assert message.to == ["dan@example.vn"]
    assert message.subject == "Kết quả biểu quyết"
    assert message.from_email == "UBND xã <no-reply@xa.gov.vn>"
    assert message.body == "Họp thôn lúc 19 giờ."


def test_email_to_an_invalid_address_fails_permanently(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    notification = make(channel="email", recipient="not-an-address")
    assert notify.deliver(notification.pk) == "failed"
    assert mail.outbox == []


def test_dedupe_key_returns_the_first_notification(flaky):
    first = make(dedupe_key="reminder:petition-7:2026-03-02")
    second = make(dedupe_key="reminder:petition-7:2026-03-02", body="khác")
    assert first.pk == second.pk
    assert Notification.objects.count() == 1
    make(dedupe_key="reminder:petition-7:2026-03-03")
    make()
    make()
    assert Notification.objects.count() == 4


def test_a_row_claimed_by_another_worker_is_not_sent_twice(flaky):
    notification = make(channel="recording")
    now = timezone.now()
    assert notify._claim(notification.pk, now)
    assert notify.deliver_due(now) == {"sent": 0, "pending": 0, "failed": 0}
    assert notify.deliver(notification.pk, now) == "pending"
    assert RecordingBackend.sent == []
    # The lease runs out when the claiming worker died: someone else delivers it.
    notify.deliver_due(now + notify.CLAIM_LEASE)
    assert RecordingBackend.sent == [notification.pk]
    assert notify.deliver(notification.pk, now + timedelta(hours=1)) == "sent"
    assert RecordingBackend.sent == [notification.pk]


def test_deliver_due_works_through_batches(flaky):
    notifications = [make(channel="recording") for _ in range(5)]
    assert notify.deliver_due(timezone.now(), limit=2) == {"sent": 5, "pending": 0, "failed": 0}
    assert sorted(RecordingBackend.sent) == sorted(n.pk for n in notifications)


def test_retry_now_requeues_unsent_rows_and_records_it(flaky, django_capture_on_commit_callbacks):
    failed = make(channel="carrier-pigeon")
    notify.deliver(failed.pk)
    waiting = make()
    Notification.objects.filter(pk=waiting.pk).update(next_attempt_at=timezone.now() + timedelta(hours=5))
    sent = make(channel="recording")
    notify.deliver(sent.pk)

    with django_capture_on_commit_callbacks(execute=True):
        count = notify.retry_now(Notification.objects.all())
    assert count == 2
    assert set(Notification.objects.filter(status="pending").values_list("pk", flat=True)) == {
        failed.pk,
        waiting.pk,
    }
    assert notify.deliver_due(timezone.now()) == {"sent": 1, "pending": 0, "failed": 1}
    entry = LedgerEntry.objects.get(action="core.notification_retry_requested")
    assert entry.payload == {"notifications": sorted([failed.pk, waiting.pk])}
    assert DBTaskResult.objects.filter(task_path="dancoso.core.notify.deliver_notification").count() == 2


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="concurrent workers need a server database",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_send_each_notification_once(flaky):
    notifications = [make(channel="recording") for _ in range(30)]

    def worker() -> None:
        try:
            notify.deliver_due(limit=3)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(RecordingBackend.sent) == sorted(n.pk for n in notifications)
    assert Notification.objects.filter(status=Notification.Status.SENT).count() == 30


def test_admin_is_read_only_and_retry_now_goes_through_the_service(flaky, rf):
    request = rf.post("/admin/core/notification/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    request.session = {}
    request._messages = FallbackStorage(request)
    for model in (LedgerEntry, Attachment):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)

    notification_admin = admin.site._registry[Notification]
    failed = make(channel="carrier-pigeon")
    notify.deliver(failed.pk)
    assert notification_admin.has_change_permission(
        request
    ) and "retry_now" in notification_admin.get_actions(request)
    assert not notification_admin.has_change_permission(request, failed)
    notification_admin.retry_now(request, Notification.objects.all())
    failed.refresh_from_db()
    assert failed.status == Notification.Status.PENDING
    assert LedgerEntry.objects.get(action="core.notification_retry_requested").actor_id == request.user.pk
