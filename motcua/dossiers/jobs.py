"""Scheduled jobs of the dossiers app: plain functions ``job(*, now) -> int`` (how many
things they did) that the scheduler calls; ``motcua run-job NAME`` runs one by hand."""

from __future__ import annotations

import datetime as dt
import logging

from motcua.core.errors import DomainError
from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.rules import EXPIRY_REASON, refuses_on_expiry
from motcua.dossiers.services import dossier_refuse, dossier_supplement_expired_mark

logger = logging.getLogger(__name__)


def supplement_expiry(*, now: dt.datetime) -> int:
    """Supplement requests whose deadline passed by ``now`` (CONTRACT.md §3): the system
    refuses the dossier with reason "Quá hạn bổ sung hồ sơ" (form 03) when its procedure
    version says ``refuse_on_supplement_expiry``; every other one is listed for the desk
    and the leader of its unit. Safe to run again: a refused dossier is no longer waiting,
    a listed one is listed once. Returns refusals plus newly listed dossiers."""
    done = 0
    expired = (
        Dossier.objects.filter(status=Status.SUPPLEMENT_REQUESTED, supplement_due_at__lte=now)
        .select_related("procedure_version")
        .order_by("supplement_due_at", "id")
    )
    for dossier in expired.iterator(chunk_size=200):
        if not refuses_on_expiry(dossier.procedure_version.record):
            continue
        try:
            dossier_refuse(dossier=dossier, actor=None, reason=EXPIRY_REASON, at=now)
        except DomainError as exc:
            # Supplemented or closed by someone else meanwhile: nothing to do.
            logger.info("supplement expiry skipped %s: %s", dossier.code, exc.message)
            continue
        done += 1
    return done + dossier_supplement_expired_mark(now=now)
