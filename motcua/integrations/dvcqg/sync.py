"""Outbound sync (CONTRACT §8): an event hook writes outbox rows on the ``dvcqg`` channel
inside the action's transaction; the channel's handler delivers them to the portal.

Per event, in this order, both ``ordered`` (per dossier, in history order):
1. ``record``: the ``DongBoHoSoMC`` record of the dossier as of the event (``isUpdating``
   false at intake of a dossier received in MotCua, true afterwards), when the event changed
   the status, the dates, the fees or the files (``snapshot.RECORD_ACTIONS``);
2. ``step``: the ``CapNhatTienDoHoSoMC`` processing step of the event, for every event.

Replayed history (``motcua import-dossiers``) is not sent: those dossiers were reported by
the system they come from. ``motcua national reconcile --since DATE`` sends any the portal
does not hold.

Stale rows: a ``record`` row whose event is older than the newest record the portal already
accepted for the dossier is skipped (a resent dead row must not roll the portal back).
Steps are history, never skipped.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.integrations.dvcqg.client import (
    SYNC_DOSSIERS,
    SYNC_PROGRESS,
    UNKNOWN_DOSSIER,
    PortalUnavailable,
    portal_client,
    sync_enabled,
)
from motcua.integrations.dvcqg.mapping import RecordInvalid, dossier_record, step_record
from motcua.integrations.dvcqg.models import NationalSync, Origin, SyncState
from motcua.integrations.dvcqg.snapshot import changes_record, dossier_snapshot, step_snapshot

if TYPE_CHECKING:
    from motcua.outbox.models import OutboxMessage

log = logging.getLogger(__name__)
CHANNEL = "dvcqg"

# Set by ``inbound`` while it takes in a dossier submitted on the national portal, so the
# hook records the origin and what the portal told us about the applicant.
_inbound: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "motcua_dvcqg_inbound", default=None
)


@contextlib.contextmanager
def inbound_context(values: dict[str, Any]) -> Iterator[None]:
    token = _inbound.set(values)
    try:
        yield
    finally:
        _inbound.reset(token)


def _enqueue(dossier: Dossier, payload: dict[str, Any], key: str) -> None:
    from motcua.outbox.services import outbox_enqueue

    outbox_enqueue(channel=CHANNEL, payload=payload, dossier=dossier, ordered=True, key=key)


def _sync_row(dossier: Dossier) -> NationalSync:
    inbound = _inbound.get()
    sync = NationalSync.objects.filter(dossier=dossier).first()
    if sync is None:
        sync = NationalSync(dossier=dossier)
        if inbound is not None:
            sync.origin = Origin.NATIONAL
            for key, value in inbound.items():
                setattr(sync, key, value)
        else:
            sync.vneid_verified = _submitted_with_vneid(dossier)
        sync.save()
    dossier.national_sync = sync  # the snapshot reads it
    return sync


def enqueue_event(dossier: Dossier, event: DossierEvent, *, full: bool = False) -> int:
    """Write the outbox rows of one event (``full``: a record row whatever the action).
    Returns how many rows were written."""
    sync = _sync_row(dossier)
    written = 0
    if full or changes_record(event):
        is_new = event.action == "intake" and sync.origin == Origin.MOTCUA
        _enqueue(
            dossier,
            {
                "kind": "record",
                "seq": event.seq,
                "is_new": is_new,
                "snapshot": dossier_snapshot(dossier, event),
            },
            f"dvcqg:{dossier.code}:{event.seq}:record"
            + (f":full:{timezone.now().timestamp()}" if full else ""),
        )
        written += 1
    if not full:
        _enqueue(
            dossier,
            {"kind": "step", "seq": event.seq, "step": step_snapshot(dossier, event)},
            f"dvcqg:{dossier.code}:{event.seq}:step",
        )
        written += 1
    now = timezone.now()
    NationalSync.objects.filter(pk=sync.pk).update(
        queued_seq=Greatest(F("queued_seq"), event.seq),
        pending_since=F("pending_since") if sync.pending_since else now,
        state=SyncState.PENDING if sync.state != SyncState.INVALID else SyncState.INVALID,
    )
    return written


def _submitted_with_vneid(dossier: Dossier) -> bool:
    """An online dossier filed by an account linked to a national identity (VNeID):
    TaiKhoanDuocXacThucVoiVNeID, indicator 4.5."""
    from motcua.accounts.oidc import vneid_verified
    from motcua.dossiers.models import Channel

    return dossier.channel == Channel.ONLINE and vneid_verified(dossier.applicant_user)


def on_dossier_event(dossier: Dossier, event: DossierEvent) -> None:
    """The event hook (``IntegrationsConfig.ready``): in the action's transaction. With the
    sync off, a dossier submitted with a VNeID-verified account still gets its row, so
    indicator 4.5 counts it."""
    if sync_enabled():
        enqueue_event(dossier, event)
    elif event.action == "intake" and _inbound.get() is None and _submitted_with_vneid(dossier):
        NationalSync.objects.get_or_create(dossier=dossier, defaults={"vneid_verified": True})


def resend_current(dossier: Dossier) -> int:
    """Send the dossier's current record again, and every step the portal has not
    accepted: what an administrator does after fixing the cause of a failure."""
    sync = _sync_row(dossier)
    events = list(dossier.events.order_by("seq"))
    if not events:
        return 0
    written = enqueue_event(dossier, events[-1], full=True)
    for event in events:
        if event.seq > sync.progress_seq:
            _enqueue(
                dossier,
                {"kind": "step", "seq": event.seq, "step": step_snapshot(dossier, event)},
                f"dvcqg:{dossier.code}:{event.seq}:step:resend:{timezone.now().timestamp()}",
            )
            written += 1
    NationalSync.objects.filter(pk=sync.pk).update(state=SyncState.PENDING)
    return written


# ---------------------------------------------------------------------------- delivery


def _failed(dossier_id: Any, state: str, message: str) -> None:
    NationalSync.objects.filter(dossier_id=dossier_id).update(
        state=state, last_error=message[:2000], last_error_at=timezone.now()
    )


def _delivered(dossier_id: Any, *, record_seq: int = 0, step_seq: int = 0) -> None:
    now = timezone.now()
    rows = NationalSync.objects.filter(dossier_id=dossier_id)
    updates: dict[str, Any] = {"last_synced_at": now, "last_error": ""}
    if record_seq:
        updates["synced_seq"] = Greatest(F("synced_seq"), record_seq)
    if step_seq:
        updates["progress_seq"] = Greatest(F("progress_seq"), step_seq)
    rows.update(**updates)
    if record_seq:
        rows.filter(first_synced_at__isnull=True).update(first_synced_at=now)
    # Up to date once every queued event's step is on the portal.
    rows.filter(progress_seq__gte=F("queued_seq")).update(
        state=SyncState.SYNCED, pending_since=None
    )
    rows.filter(progress_seq__lt=F("queued_seq")).exclude(state=SyncState.SYNCED).update(
        state=SyncState.PENDING
    )


# When this process last saw the portal fail: the first success after it wakes the rows
# that wait for their backoff, so the backlog drains as soon as the portal is back.
_last_failure: float | None = None


def _wake_backlog() -> None:
    global _last_failure
    if _last_failure is None:
        return
    _last_failure = None
    from motcua.outbox.models import MessageStatus, OutboxMessage
    from motcua.outbox.services import schedule_delivery

    now = timezone.now()
    # The rows that failed and wait for a retry are the heads of their dossiers (the rows
    # behind them were never tried): bring them forward; each releases the next when done.
    waiting = OutboxMessage.objects.filter(
        channel=CHANNEL, status=MessageStatus.PENDING, attempts__gt=0, next_attempt_at__gt=now
    )
    ids = list(waiting.order_by("id").values_list("id", flat=True))
    waiting.update(next_attempt_at=now)
    for message_id in ids:
        schedule_delivery(message_id)


def deliver(message: OutboxMessage) -> None:
    """The ``dvcqg`` channel handler: one outbox row, one call."""
    global _last_failure
    from motcua.outbox.channels import PermanentError, RetryableError

    payload = message.payload
    kind = payload.get("kind")
    sync = (
        NationalSync.objects.filter(dossier_id=message.dossier_id).first()
        if message.dossier_id is not None
        else None
    )
    client = portal_client()
    try:
        if kind == "record":
            if sync is not None and payload["seq"] < sync.synced_seq:
                log.info("dvcqg: skip stale record %s#%s", message.dossier_id, payload["seq"])
                return
            record = dossier_record(payload["snapshot"])
            updating = not payload.get("is_new")
            try:
                client.call(SYNC_DOSSIERS, [record], is_updating=updating)
            except PortalUnavailable as exc:
                # The portal does not hold it yet (received before the sync was turned on,
                # or submitted there and lost): send it as new.
                if not (updating and exc.error_code == UNKNOWN_DOSSIER):
                    raise
                client.call(SYNC_DOSSIERS, [record], is_updating=False)
            _delivered(message.dossier_id, record_seq=payload["seq"])
        elif kind == "step":
            client.call(SYNC_PROGRESS, [step_record(payload["step"])])
            _delivered(message.dossier_id, step_seq=payload["seq"])
        else:
            raise PermanentError(f"dvcqg: unknown message kind {kind!r}")
    except RecordInvalid as exc:
        _failed(message.dossier_id, SyncState.INVALID, str(exc))
        raise PermanentError(str(exc)) from exc
    except PortalUnavailable as exc:
        _last_failure = time.monotonic()
        _failed(message.dossier_id, SyncState.FAILING, str(exc))
        raise RetryableError(str(exc)) from exc
    _wake_backlog()


def register() -> None:
    """Register the hook and, once the outbox is installed, the channel."""
    from motcua.dossiers.hooks import register_event_hook

    register_event_hook(on_dossier_event, during_replay=False)
    from motcua.outbox.channels import register_channel
    from motcua.outbox.scheduler import register_job

    # Only the oldest row of a dossier is tried while the portal is down (the others wait
    # behind it), so many attempts cost little: with the outbox's backoff (30 s doubling to
    # an hour) 48 attempts outlast an outage of more than a day before a row goes dead.
    register_channel(CHANNEL, deliver, label="Cổng DVCQG", max_attempts=48)
    register_job(
        "national-reconcile",
        "motcua.integrations.dvcqg.jobs.national_reconcile",
        label="Đối soát hồ sơ với Cổng DVCQG",
        cron={"hour": "2", "minute": "30"},
        slot_format="%Y-%m-%d",
    )
    from motcua.integrations.dvcqg.inbound import register as register_inbound
    from motcua.integrations.dvcqg.indicators import register as register_indicators

    register_inbound()
    register_indicators()


def national_resend(*, dossier: Dossier) -> int:
    """An administrator resends a dossier after fixing the cause (a missing national code,
    the portal refusing a field): its dead rows go again, in order, with codes and links
    read anew; a dossier with none gets its current record and missing steps again."""
    from motcua.outbox.models import MessageStatus, OutboxMessage
    from motcua.outbox.services import outbox_retry

    dead = list(
        OutboxMessage.objects.filter(
            channel=CHANNEL, dossier=dossier, status=MessageStatus.DEAD
        ).order_by("id")
    )
    if not dead:
        return resend_current(dossier)
    for message in dead:
        outbox_retry(message=message)
    NationalSync.objects.filter(dossier=dossier).update(state=SyncState.PENDING)
    return len(dead)
