"""Daily reconciliation with the payment platform (scheduled job ``payment_reconcile``,
also ``motcua run_job payment_reconcile``): QUERY every open transaction, settle those the
platform says are paid or failed, and list what differs for the unit's accountant.

What counts as a mismatch (``MismatchKind``):
- the platform reports another amount than the one owed (``amount``);
- paid on the platform, but here the payment was cancelled or failed (``paid_not_here``),
  or the dossier no longer waits for it — withdrawn, stopped, paid otherwise
  (``not_awaiting``);
- paid here, but the platform says it is not (``not_paid_there``) or does not know the
  order (``unknown``).
Each is listed once per payment and kind; a run that finds it again updates when it was
last seen. A platform that is down leaves the open payments open for the next run.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from motcua.integrations.models import MismatchKind, Payment, PaymentStatus
from motcua.integrations.payments import PaymentOutcome, PaymentUnavailable, payment_provider
from motcua.integrations.payments.national import PlatformState

logger = logging.getLogger(__name__)

# Paid payments are checked back on the platform for this long after they were paid.
PAID_LOOKBACK = dt.timedelta(days=3)
BATCH = 500  # payments asked per run at most; the rest wait for the next run


@dataclass
class ReconcileReport:
    checked: int = 0
    settled: int = 0
    mismatches: int = 0
    unreachable: int = 0
    errors: list[str] = field(default_factory=list)


def _outcome(payment: Payment, state: PlatformState) -> PaymentOutcome:
    return PaymentOutcome(
        reference=payment.reference,
        paid=state.paid,
        pending=not state.paid and not state.failed,
        provider_reference=state.transaction_id,
        amount=state.amount,
        message=state.status,
    )


def payment_reconcile(*, now: dt.datetime | None = None) -> ReconcileReport:
    """Ask the platform about every open payment (and those paid in the last days)."""
    from motcua.integrations.services import _apply, payment_mismatch_record

    now = now or timezone.now()
    report = ReconcileReport()
    provider = payment_provider()
    if not hasattr(provider, "query"):
        return report
    candidates = list(
        Payment.objects.filter(provider=provider.name)
        .filter(
            Q(status=PaymentStatus.PENDING)
            | Q(status=PaymentStatus.PAID, completed_at__gte=now - PAID_LOOKBACK)
        )
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:BATCH]
    )
    for pk in candidates:
        payment = Payment.objects.get(pk=pk)
        try:
            state: PlatformState = provider.query(payment.reference)
        except PaymentUnavailable as exc:
            report.unreachable += 1
            report.errors.append(f"{payment.reference}: {exc}")
            if report.unreachable >= 3 and report.checked == 0:
                break  # the platform is down: the next run asks again
            continue
        except Exception as exc:  # a bad answer about one payment must not stop the others
            logger.warning("payment reconcile %s failed: %s", payment.reference, exc)
            report.errors.append(f"{payment.reference}: {exc}")
            continue
        report.checked += 1
        with transaction.atomic():
            locked = Payment.objects.select_for_update(of=("self",)).get(pk=pk)
            before = locked.status
            found = locked.mismatches.count()
            if not state.found:
                if locked.status == PaymentStatus.PAID:
                    payment_mismatch_record(
                        payment=locked, kind=MismatchKind.UNKNOWN, detail="QUERY", at=now
                    )
                elif locked.created_at < now - dt.timedelta(days=1):
                    # INIT never reached the platform (or it forgot): nothing was paid.
                    Payment.objects.filter(pk=pk).update(
                        status=PaymentStatus.FAILED,
                        message="Nền tảng không có giao dịch (đối soát)",
                        completed_at=now,
                    )
                    report.settled += 1
            elif locked.status == PaymentStatus.PAID and not state.paid:
                payment_mismatch_record(
                    payment=locked,
                    kind=MismatchKind.PAID_HERE_NOT_THERE,
                    detail=f"QUERY: {state.status}",
                    platform_amount=state.amount,
                    platform_status=state.status,
                    at=now,
                )
            elif locked.status == PaymentStatus.PAID and state.amount != locked.amount:
                payment_mismatch_record(
                    payment=locked,
                    kind=MismatchKind.AMOUNT,
                    detail="QUERY",
                    platform_amount=state.amount,
                    platform_status=state.status,
                    at=now,
                )
            else:
                _apply(locked, _outcome(locked, state), provider, source="reconcile", at=now)
            Payment.objects.filter(pk=pk).update(checked_at=now)
            locked.refresh_from_db(fields=["status"])
            if before == PaymentStatus.PENDING and locked.status != PaymentStatus.PENDING:
                report.settled += 1
            report.mismatches += locked.mismatches.count() - found
    return report


def payment_reconcile_job(*, now: dt.datetime) -> int:
    """The scheduled job: how many payments were settled or found different."""
    report = payment_reconcile(now=now)
    if report.unreachable:
        logger.warning(
            "payment reconcile: platform unreachable for %d payments", report.unreachable
        )
    return report.settled + report.mismatches
