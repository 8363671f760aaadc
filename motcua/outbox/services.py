"""Writes of the outbox: enqueue a message inside the event's transaction; retry or discard
a dead one (administrators, CONTRACT.md §7)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.outbox.channels import channel_get
from motcua.outbox.models import MessageStatus, OutboxMessage

if TYPE_CHECKING:
    from motcua.dossiers.models import Dossier

logger = logging.getLogger(__name__)


def outbox_enqueue(
    *,
    channel: str,
    payload: dict[str, Any],
    dossier: Dossier | None = None,
    ordered: bool = False,
    key: str | None = None,
) -> OutboxMessage:
    """Write one message to the outside world in the current transaction; a worker delivers
    it after the commit. With ``key``, a second enqueue of the same key returns the first
    message instead of a second one."""
    spec = channel_get(channel)
    if spec is None:
        raise ValueError(f"unknown outbox channel {channel!r}")
    # A key is new nearly always (it names the dossier's event): the row is written first and
    # the unique key answers for a second enqueue, instead of a lookup before every write.
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                channel=channel,
                payload=payload,
                dossier=dossier,
                ordered=ordered,
                key=key,
                max_attempts=spec.max_attempts,
            )
    except IntegrityError:
        existing = OutboxMessage.objects.filter(key=key).first() if key is not None else None
        if existing is None:
            raise
        return existing
    from motcua.outbox.tasks import deliver_message, queue_with_commit

    message_id = message.pk
    # If the queue cannot take it, the row stays pending and the sweeper hands it over later.
    queue_with_commit(lambda: deliver_message.enqueue(message_id), f"outbox message {message_id}")
    return message


def schedule_delivery(message_id: int, *, run_after: Any = None) -> None:
    """Hand a message to the task queue. When the queue cannot take it now (Redis down),
    the row stays pending and the sweeper hands it over later: nothing is lost."""
    from motcua.outbox.tasks import deliver_message

    try:
        task = deliver_message.using(run_after=run_after) if run_after else deliver_message
        task.enqueue(message_id)
    except Exception:
        logger.warning("outbox message %s not queued now; the sweeper will", message_id)


def outbox_retry(*, message: OutboxMessage) -> bool:
    """Send a dead message again, from a fresh count of attempts."""
    updated = OutboxMessage.objects.filter(pk=message.pk, status=MessageStatus.DEAD).update(
        status=MessageStatus.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        leased_until=None,
    )
    if updated:
        transaction.on_commit(lambda: schedule_delivery(message.pk))
    return bool(updated)


def outbox_discard(*, message: OutboxMessage) -> bool:
    """Give up on a dead (or pending) message for good; later messages of the same dossier
    on an ordered channel then go ahead."""
    from motcua.outbox.delivery import release_next

    updated = OutboxMessage.objects.filter(
        pk=message.pk, status__in=[MessageStatus.DEAD, MessageStatus.PENDING]
    ).update(status=MessageStatus.DISCARDED, leased_until=None)
    if updated and message.ordered:
        transaction.on_commit(lambda: release_next(message))
    return bool(updated)
