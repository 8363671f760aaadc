"""Delivering outbox rows: claim with a lease, call the channel's handler outside any
transaction, then record the outcome. At least once: a worker that dies mid-delivery
leaves a lease that expires, and the sweeper hands the row to another worker; the
receiver drops the duplicate by the message's idempotency key."""

from __future__ import annotations

import datetime as dt
import logging
import random
import re

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from motcua.outbox.channels import PermanentError, RetryableError, channel_get
from motcua.outbox.models import BLOCKING_STATUSES, MessageStatus, OutboxMessage

logger = logging.getLogger(__name__)

# Error texts are kept for administrators: no e-mail address, phone or ID number in them.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_DIGITS = re.compile(r"\d{4,}")


def scrub(text: str) -> str:
    text = _EMAIL.sub("<địa chỉ thư>", text)
    return _DIGITS.sub(lambda m: "*" * len(m.group()), text)[:1000]


def backoff(attempts: int) -> dt.timedelta:
    """Exponential backoff with jitter: base × 2^(n-1), capped, times a random 0.5–1 so
    that many rows failing together do not retry together."""
    base = float(settings.MOTCUA_OUTBOX_BACKOFF_SECONDS)
    cap = float(settings.MOTCUA_OUTBOX_BACKOFF_MAX_SECONDS)
    seconds = min(cap, base * (2 ** max(0, attempts - 1)))
    return dt.timedelta(seconds=seconds * random.uniform(0.5, 1.0))


def _blocked(message: OutboxMessage) -> bool:
    """Whether an earlier row of the same dossier and channel must go first."""
    if not message.ordered or message.dossier_id is None:
        return False
    return (
        OutboxMessage.objects.filter(
            channel=message.channel,
            dossier_id=message.dossier_id,
            id__lt=message.pk,
            status__in=BLOCKING_STATUSES,
        )
        .exclude(pk=message.pk)
        .exists()
    )


def deliver(message_id: int, *, now: dt.datetime | None = None) -> str:
    """Try to deliver one row; returns what happened (``delivered``, ``retry``, ``dead``,
    ``waiting`` behind an earlier row, or ``skipped`` when it is not due or not ours)."""
    now = now or timezone.now()
    message = OutboxMessage.objects.filter(pk=message_id).first()
    if message is None or message.status != MessageStatus.PENDING:
        return "skipped"
    if _blocked(message):
        return "waiting"
    lease = dt.timedelta(seconds=settings.MOTCUA_OUTBOX_LEASE_SECONDS)
    claimed = (
        OutboxMessage.objects.filter(
            pk=message_id, status=MessageStatus.PENDING, next_attempt_at__lte=now
        )
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .update(status=MessageStatus.SENDING, leased_until=now + lease, attempts=F("attempts") + 1)
    )
    if not claimed:
        return "skipped"
    message.refresh_from_db()
    spec = channel_get(message.channel)
    try:
        if spec is None:
            raise PermanentError(f"kênh {message.channel} chưa được cấu hình")
        spec.handler(message)
    except PermanentError as exc:
        return _failed(message, exc, dead=True)
    except Exception as exc:
        return _failed(message, exc, dead=message.attempts >= message.max_attempts)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.DELIVERED,
        delivered_at=timezone.now(),
        leased_until=None,
        last_error="",
    )
    if message.ordered:
        release_next(message)
    return "delivered"


def _failed(message: OutboxMessage, exc: Exception, *, dead: bool) -> str:
    kind = "" if isinstance(exc, RetryableError | PermanentError) else f"{type(exc).__name__}: "
    error = scrub(f"{kind}{exc}")
    if dead:
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=MessageStatus.DEAD, leased_until=None, last_error=error
        )
        logger.warning(
            "outbox %s #%s dead after %s attempts", message.channel, message.pk, message.attempts
        )
        return "dead"
    retry_at = timezone.now() + backoff(message.attempts)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.PENDING,
        leased_until=None,
        next_attempt_at=retry_at,
        last_error=error,
    )
    from motcua.outbox.services import schedule_delivery

    schedule_delivery(message.pk, run_after=retry_at)
    return "retry"


def release_next(message: OutboxMessage) -> None:
    """After a row of an ordered channel is done, hand over the next row of its dossier."""
    if message.dossier_id is None:
        return
    following = (
        OutboxMessage.objects.filter(
            channel=message.channel,
            dossier_id=message.dossier_id,
            id__gt=message.pk,
            status=MessageStatus.PENDING,
        )
        .order_by("id")
        .first()
    )
    if following is not None:
        from motcua.outbox.services import schedule_delivery

        schedule_delivery(following.pk, run_after=max(following.next_attempt_at, timezone.now()))


def sweep(*, now: dt.datetime | None = None, limit: int = 1000) -> int:
    """The safety net: rows whose worker died (expired lease) go back to pending, and rows
    long due whose task never ran (the queue was down) are queued again."""
    now = now or timezone.now()
    with transaction.atomic():
        OutboxMessage.objects.filter(status=MessageStatus.SENDING, leased_until__lt=now).update(
            status=MessageStatus.PENDING, leased_until=None, next_attempt_at=now
        )
    grace = now - dt.timedelta(seconds=settings.MOTCUA_OUTBOX_SWEEP_GRACE_SECONDS)
    due = OutboxMessage.objects.filter(
        status=MessageStatus.PENDING, next_attempt_at__lte=grace
    ).order_by("id")[:limit]
    from motcua.outbox.services import schedule_delivery

    queued = 0
    for message in due:
        if _blocked(message):
            continue
        schedule_delivery(message.pk)
        queued += 1
    return queued


def deliver_due(*, now: dt.datetime | None = None, limit: int = 1000) -> dict[str, int]:
    """Deliver every due row in this process, in id order (tests and ``motcua outbox
    flush``); the worker normally does this through tasks."""
    now = now or timezone.now()
    outcomes: dict[str, int] = {}
    ids = list(
        OutboxMessage.objects.filter(status=MessageStatus.PENDING, next_attempt_at__lte=now)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    for message_id in ids:
        outcome = deliver(message_id, now=now)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes
