"""Verification of the hash-chained histories (``motcua verify-history``)."""

from __future__ import annotations

from collections.abc import Iterator

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services import GENESIS, event_hash

BATCH = 500


def verify_dossier(dossier: Dossier, events: list[DossierEvent]) -> str | None:
    """Why the chain of one dossier is broken, or None when it is intact."""
    if not events:
        return "no history"
    prev = GENESIS
    for expected_seq, event in enumerate(events, start=1):
        if event.seq != expected_seq:
            return f"event {expected_seq} is missing or out of order"
        if event.prev_hash != prev:
            return f"event {event.seq} does not follow event {event.seq - 1}"
        if event_hash(event, dossier.code) != event.hash:
            return f"event {event.seq} was altered"
        prev = event.hash
    if len(events) != dossier.event_count or prev != dossier.history_head:
        return "events after the last recorded one were removed or added"
    return None


def broken_dossiers() -> Iterator[tuple[str, str]]:
    """(code, reason) of every dossier whose history fails verification, in batches so
    memory stays flat whatever the number of dossiers."""
    last_pk = 0
    while True:
        batch = list(
            Dossier.objects.filter(pk__gt=last_pk)
            .order_by("pk")
            .only("pk", "code", "event_count", "history_head")[:BATCH]
        )
        if not batch:
            return
        last_pk = batch[-1].pk
        events: dict[int, list[DossierEvent]] = {d.pk: [] for d in batch}
        for event in DossierEvent.objects.filter(dossier_id__in=events).order_by(
            "dossier_id", "seq"
        ):
            events[event.dossier_id].append(event)
        for dossier in batch:
            reason = verify_dossier(dossier, events[dossier.pk])
            if reason is not None:
                yield dossier.code, reason
