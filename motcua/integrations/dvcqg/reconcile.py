"""Reconciliation with the national portal (issue 14, item 5): read back what the portal
holds (``TraCuuHoSo``) for recent dossiers, compare the fields that matter
(``mapping.RECONCILED_FIELDS``) with MotCua's current record, and resend what differs
through the outbox. A dossier the portal does not hold at all gets its record and every
processing step again. Dossiers with rows still in flight are left to the outbox. A dossier
the portal holds as MotCua does counts as synchronised (``first_synced_at``), whoever sent it:
replayed history (``motcua import-dossiers``) that the replaced system reported is matched,
and what it never reported is sent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from motcua.dossiers.models import Dossier
from motcua.integrations.dvcqg.client import LOOKUP, portal_client
from motcua.integrations.dvcqg.mapping import RecordInvalid, differences, dossier_record
from motcua.integrations.dvcqg.models import NationalSync, SyncState
from motcua.integrations.dvcqg.snapshot import dossier_snapshot
from motcua.integrations.dvcqg.sync import CHANNEL, enqueue_event, resend_current

BATCH = 50


@dataclass
class ReconcileReport:
    checked: int = 0
    matching: int = 0
    in_flight: int = 0
    fixed: list[tuple[str, list[str]]] = field(default_factory=list)
    invalid: list[tuple[str, str]] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"đã đối soát {self.checked} hồ sơ: {self.matching} khớp, "
            f"{len(self.fixed)} gửi lại, {self.in_flight} đang chờ gửi, "
            f"{len(self.invalid)} thiếu dữ liệu"
        ]
        out += [f"  gửi lại {code}: {', '.join(fields)}" for code, fields in self.fixed]
        out += [f"  không gửi được {code}: {reason}" for code, reason in self.invalid]
        return out


def _in_flight(ids: list[int]) -> set[int]:
    from motcua.outbox.models import BLOCKING_STATUSES, OutboxMessage

    return set(
        OutboxMessage.objects.filter(
            channel=CHANNEL, dossier_id__in=ids, status__in=BLOCKING_STATUSES
        ).values_list("dossier_id", flat=True)
    )


def _reconcile_batch(dossiers: list[Dossier], report: ReconcileReport) -> None:
    busy = _in_flight([d.pk for d in dossiers])
    ready = [d for d in dossiers if d.pk not in busy]
    report.in_flight += len(dossiers) - len(ready)
    if not ready:
        return
    reply = portal_client().call(LOOKUP, [{"MaHoSo": d.code} for d in ready])
    held: dict[str, Any] = {}
    for item in reply.get("result") or []:
        if isinstance(item, dict) and isinstance(item.get("MaHoSo"), str):
            held[item["MaHoSo"]] = item.get("HoSo")
    now = timezone.now()
    for dossier in ready:
        report.checked += 1
        last = dossier.events.order_by("-seq").first()
        if last is None:
            continue
        try:
            ours = dossier_record(dossier_snapshot(dossier, last))
        except RecordInvalid as exc:
            report.invalid.append((dossier.code, str(exc)))
            continue
        theirs = held.get(dossier.code)
        diff = differences(ours, theirs)
        with transaction.atomic():
            sync = NationalSync.objects.filter(dossier=dossier)
            if not diff:
                # The portal holds it as MotCua does (sent by us, or by the system MotCua
                # replaced): it counts as synchronised.
                report.matching += 1
                sync.update(
                    state=SyncState.SYNCED,
                    pending_since=None,
                    last_error="",
                    synced_seq=dossier.event_count,
                    progress_seq=Greatest(F("progress_seq"), F("queued_seq")),
                )
                sync.filter(first_synced_at__isnull=True).update(first_synced_at=now)
            elif theirs is None:
                sync.update(progress_seq=0)
                resend_current(dossier)
                report.fixed.append((dossier.code, diff))
            else:
                enqueue_event(dossier, last, full=True)
                report.fixed.append((dossier.code, diff))
            sync.update(reconciled_at=now)


def national_reconcile_run(
    *, since: dt.datetime | None = None, now: dt.datetime | None = None
) -> ReconcileReport:
    """Compare the dossiers changed since ``since`` (default: the last
    ``MOTCUA_DVCQG_RECONCILE_DAYS`` days) with the portal; resend what differs."""
    now = now or timezone.now()
    since = since or now - dt.timedelta(days=settings.MOTCUA_DVCQG_RECONCILE_DAYS)
    report = ReconcileReport()
    queryset = (
        Dossier.objects.filter(updated_at__gte=since)
        .select_related("procedure", "unit", "step_unit", "procedure_version")
        .order_by("id")
    )
    batch: list[Dossier] = []
    for dossier in queryset.iterator(chunk_size=500):
        NationalSync.objects.get_or_create(dossier=dossier)
        batch.append(dossier)
        if len(batch) == BATCH:
            _reconcile_batch(batch, report)
            batch = []
    if batch:
        _reconcile_batch(batch, report)
    return report
