"""Notification outbox: services write a row in their own transaction, jobs deliver it, retried until sent.

`notify()` creates a `Notification` and, once the caller's transaction commits, enqueues
`deliver_notification` so it goes out at once. `deliver_due_notifications` (every minute, see core.jobs)
sends whatever is still due: rows whose backend was down get `attempts + 1`, the error and a next attempt
with exponential backoff (1 minute doubling up to 6 hours). A row is never given up: after
`NOTIFY_MAX_ATTEMPTS` failures it keeps being retried at the 6-hour cap and every failure is logged as an
error so monitoring sees it. Only permanent errors (an unknown channel, an invalid address) mark it FAILED;
"retry now" in the admin puts such a row back after the cause is fixed.

Delivery is at least once: a worker claims a row by pushing its `next_attempt_at` a lease ahead, sends,
then records the outcome. Concurrent workers never claim the same row; a worker that dies mid-send leaves
the row to be retried when the lease ends.

Backends are classes named in `settings.NOTIFY_BACKENDS[channel]` with `send(notification)`; raising
`PermanentDeliveryError` means "will never succeed", any other exception means "try again later".
"""

import logging
import sys
import unicodedata
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from dancoso.core import ledger
from dancoso.core.models import Notification
from dancoso.core.text import normalize_text

logger = logging.getLogger(__name__)

FIRST_RETRY_DELAY = timedelta(minutes=1)
MAX_RETRY_DELAY = timedelta(hours=6)
CLAIM_LEASE = timedelta(minutes=5)
DUE_BATCH_SIZE = 100


class PermanentDeliveryError(Exception):
    """The notification can never be delivered as it is (bad address, unknown channel)."""


class ConsoleBackend:
    """Development backend: prints the message to standard output and logs it."""

    def send(self, notification: Notification) -> None:
        text = (
            f"[notification #{notification.pk}] {notification.channel} → {notification.recipient}\n"
            f"{notification.subject}\n\n{notification.body}\n"
        )
        sys.stdout.write(text)
        sys.stdout.flush()
        logger.info("Notification #%s printed to the console", notification.pk)


class EmailBackend:
    """Sends through django.core.mail, so EMAIL_BACKEND and the SMTP settings decide how."""

    def send(self, notification: Notification) -> None:
        try:
            validate_email(notification.recipient)
        except ValidationError as exc:
            raise PermanentDeliveryError(f"invalid e-mail address {notification.recipient!r}") from exc
        subject = " ".join(notification.subject.split())
        EmailMessage(
            subject=subject,
            body=notification.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notification.recipient],
        ).send(fail_silently=False)


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after the 1st, 2nd, 3rd, 4th … failure, never more than 6 hours."""
    exponent = min(max(attempts - 1, 0), 20)
    return min(FIRST_RETRY_DELAY * (2**exponent), MAX_RETRY_DELAY)


def notify(
    *, channel: str, recipient: str, subject: str, body: str, unit=None, dedupe_key: str = ""
) -> Notification:
    """Put a message in the outbox; it is delivered after the caller's transaction commits.

    With a `dedupe_key`, a second call with the same key returns the first notification instead of
    sending twice (e.g. "deadline-reminder:petition-42:2026-03-01").
    """
    fields = {
        "channel": channel,
        "recipient": recipient.strip(),
        "subject": normalize_text(subject)[:300],
        "body": unicodedata.normalize("NFC", body),  # keep the layout of the text
        "unit_id": unit if unit is None or isinstance(unit, int) else unit.pk,
        "dedupe_key": dedupe_key,
    }
    try:
        with transaction.atomic():
            notification = Notification.objects.create(**fields)
    except IntegrityError:
        if not dedupe_key:
            raise
        # Sent before (or by a concurrent call that committed first). Inserting first and reading only on a
        # conflict saves a query on the common path, where the key is new.
        return Notification.objects.get(dedupe_key=dedupe_key)
    transaction.on_commit(partial(_enqueue_delivery, notification.pk), robust=True)
    return notification


def _enqueue_delivery(notification_id: int) -> None:
    try:
        deliver_notification.enqueue(notification_id)
    except Exception:
        # Not lost: deliver_due_notifications picks the row up within a minute.
        logger.exception("Could not enqueue delivery of notification #%s", notification_id)


def _backend_for(channel: str):
    path = settings.NOTIFY_BACKENDS.get(channel)
    if not path:
        raise PermanentDeliveryError(f"unknown channel {channel!r}")
    return import_string(path)()


def _claim(notification_id: int, now: datetime) -> bool:
    """Take the row for this worker by moving its next attempt a lease ahead (compare-and-set)."""
    claimed = Notification.objects.filter(
        pk=notification_id, status=Notification.Status.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=now + CLAIM_LEASE)
    return claimed == 1


def _claim_due(now: datetime, limit: int) -> list[int]:
    with transaction.atomic():
        due = Notification.objects.filter(status=Notification.Status.PENDING, next_attempt_at__lte=now)
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
        Notification.objects.filter(pk__in=ids).update(next_attempt_at=now + CLAIM_LEASE)
    return ids


def _send_claimed(notification_id: int, now: datetime) -> str:
    notification = Notification.objects.get(pk=notification_id)
    try:
        _backend_for(notification.channel).send(notification)
    except PermanentDeliveryError as exc:
        _mark_failed(notification, str(exc))
        return Notification.Status.FAILED
    except Exception as exc:
        _schedule_retry(notification, f"{type(exc).__name__}: {exc}", now)
        return Notification.Status.PENDING
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.SENT,
        sent_at=timezone.now(),
        attempts=notification.attempts + 1,
        last_error="",
    )
    return Notification.Status.SENT


def _mark_failed(notification: Notification, error: str) -> None:
    logger.error("Notification #%s failed permanently: %s", notification.pk, error)
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.FAILED, attempts=notification.attempts + 1, last_error=error[:2000]
    )


def _schedule_retry(notification: Notification, error: str, now: datetime) -> None:
    attempts = notification.attempts + 1
    log = logger.error if attempts >= settings.NOTIFY_MAX_ATTEMPTS else logger.warning
    log("Notification #%s not delivered (attempt %s), will retry: %s", notification.pk, attempts, error)
    Notification.objects.filter(pk=notification.pk).update(
        attempts=attempts, last_error=error[:2000], next_attempt_at=now + retry_delay(attempts)
    )


def deliver(notification_id: int, now: datetime | None = None) -> str:
    """Send one notification if it is pending and due; return its status afterwards."""
    now = now or timezone.now()
    if not _claim(notification_id, now):
        status = Notification.objects.filter(pk=notification_id).values_list("status", flat=True).first()
        return status or "missing"
    return _send_claimed(notification_id, now)


def deliver_due(now: datetime | None = None, *, limit: int = DUE_BATCH_SIZE) -> dict[str, int]:
    """Send every pending notification whose next attempt is due, in batches; count the outcomes."""
    now = now or timezone.now()
    outcomes = {Notification.Status.SENT: 0, Notification.Status.PENDING: 0, Notification.Status.FAILED: 0}
    while ids := _claim_due(now, limit):
        for notification_id in ids:
            outcomes[_send_claimed(notification_id, now)] += 1
        if len(ids) < limit:
            break
    return {str(status): count for status, count in outcomes.items()}


def retry_now(notifications, *, actor=None) -> int:
    """Make unsent notifications due immediately (FAILED ones too, once their cause is fixed)."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            notifications.exclude(status=Notification.Status.SENT).values_list("pk", flat=True).order_by("pk")
        )
        Notification.objects.filter(pk__in=ids).update(
            status=Notification.Status.PENDING, next_attempt_at=now
        )
        if ids:
            ledger.record(
                action="core.notification_retry_requested", actor=actor, payload={"notifications": ids}
            )
        for notification_id in ids:
            transaction.on_commit(partial(_enqueue_delivery, notification_id), robust=True)
    return len(ids)


@task(queue_name="notifications")
def deliver_notification(notification_id: int) -> str:
    return str(deliver(notification_id))


@task(queue_name="notifications")
def deliver_due_notifications() -> dict[str, int]:
    return deliver_due()
