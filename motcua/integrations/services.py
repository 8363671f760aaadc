"""Writes of payments: start a payment of a dossier's fee, settle it once the provider's
answer is verified (then ``dossier_confirm_payment`` with the applicant as actor), record
and resolve the differences reconciliation finds (docs/payments.md)."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from motcua.core.errors import DomainError
from motcua.dossiers.models import Dossier, FeeMethod, PaymentState, Status
from motcua.dossiers.services import dossier_confirm_payment
from motcua.integrations.models import MismatchKind, Payment, PaymentMismatch, PaymentStatus
from motcua.integrations.payments import (
    PaymentOutcome,
    PaymentProvider,
    PaymentRequest,
    PaymentUnavailable,
    PaymentVerificationError,
    payment_provider,
)


class PaymentError(DomainError):
    status_code = 409


class PaymentDown(PaymentError):
    """The provider could not be reached to start a payment."""

    status_code = 503


def payment_start(
    *, dossier: Dossier, user: Any, provider: PaymentProvider | None = None
) -> tuple[Payment, str]:
    """Open a payment of the fee the office asked for; returns it and the provider's URL.

    With the national platform this is INIT, a short bounded call inside the request (the
    browser must be sent to the platform's page): when the platform is down the payment is
    marked failed with the reason and the citizen reads it; nothing else changes."""
    provider = provider or payment_provider()
    if dossier.status != Status.AWAITING_PAYMENT or dossier.payment_state != PaymentState.REQUESTED:
        raise PaymentError(gettext("Hồ sơ này hiện không có khoản phí nào chờ thanh toán."))
    if dossier.applicant_user_id is None or dossier.applicant_user_id != user.pk:
        raise PaymentError(gettext("Chỉ chủ hồ sơ được thanh toán trực tuyến."))
    payment = Payment.objects.create(
        dossier=dossier,
        provider=provider.name,
        reference=f"MC{timezone.now():%y%m%d}{secrets.token_hex(6).upper()}",
        amount=dossier.fee_amount,
        user=user,
    )
    try:
        url = provider.start(
            PaymentRequest(
                reference=payment.reference,
                amount=payment.amount,
                description=f"Hồ sơ {dossier.code}",
                return_url=settings.SITE_URL + reverse("portal:payment_return"),
                callback_url=settings.SITE_URL
                + reverse("portal:payment_callback", kwargs={"provider": provider.name}),
            )
        )
    except (PaymentUnavailable, PaymentVerificationError) as exc:
        Payment.objects.filter(pk=payment.pk).update(
            status=PaymentStatus.FAILED, message=str(exc)[:255], completed_at=timezone.now()
        )
        raise PaymentDown(
            gettext(
                "Chưa kết nối được %(provider)s: %(reason)s Hồ sơ vẫn chờ thanh toán; "
                "vui lòng thử lại sau ít phút."
            )
            % {"provider": provider.label, "reason": str(exc)}
        ) from exc
    return payment, url


def _fee_method(provider: PaymentProvider) -> str:
    return str(getattr(provider, "fee_method", FeeMethod.GATEWAY))


def payment_mismatch_record(
    *,
    payment: Payment,
    kind: str,
    detail: str,
    platform_amount: int | None = None,
    platform_status: str = "",
    at: Any = None,
) -> PaymentMismatch:
    """List a difference for the unit's accountant; the same one found again is updated."""
    at = at or timezone.now()
    mismatch, created = PaymentMismatch.objects.get_or_create(
        payment=payment,
        kind=kind,
        defaults={
            "dossier_id": payment.dossier_id,
            "local_amount": payment.amount,
            "platform_amount": platform_amount,
            "platform_status": platform_status[:16],
            "detail": detail[:500],
            "found_at": at,
            "seen_at": at,
        },
    )
    if not created:
        PaymentMismatch.objects.filter(pk=mismatch.pk).update(seen_at=at)
    return mismatch


def payment_mismatch_resolve(*, mismatch: PaymentMismatch, user: Any, resolution: str) -> None:
    """The accountant closes a listed difference, saying what was done (refund, …)."""
    resolution = (resolution or "").strip()
    if not resolution or len(resolution) > 500 or "\x00" in resolution:
        raise PaymentError(gettext("Nêu cách đã xử lý chênh lệch (tối đa 500 ký tự)."))
    updated = PaymentMismatch.objects.filter(pk=mismatch.pk, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=user, resolution=resolution
    )
    if not updated:
        raise PaymentError(gettext("Chênh lệch này đã được xử lý."))


def _apply(
    payment: Payment,
    outcome: PaymentOutcome,
    provider: PaymentProvider,
    *,
    source: str,
    at: Any = None,
) -> Payment:
    """Apply a verified outcome to a locked payment row; idempotent (see payment_settle)."""
    at = at or timezone.now()
    if outcome.pending:
        return payment
    if payment.status != PaymentStatus.PENDING:
        # A duplicate, or a late answer after reconciliation or a cancellation settled it.
        if outcome.paid and payment.status in {PaymentStatus.CANCELLED, PaymentStatus.FAILED}:
            payment_mismatch_record(
                payment=payment,
                kind=MismatchKind.PAID_NOT_HERE,
                detail=f"{source}: {outcome.provider_reference}",
                platform_amount=outcome.amount,
                platform_status="paid",
                at=at,
            )
        return payment
    if not outcome.paid:
        payment.status = PaymentStatus.CANCELLED if source == "return" else PaymentStatus.FAILED
        payment.provider_reference = outcome.provider_reference[:128]
        payment.message = outcome.message[:255]
        payment.completed_at = at
        payment.save(update_fields=["status", "provider_reference", "message", "completed_at"])
        return payment
    payment.provider_reference = outcome.provider_reference[:128]
    if outcome.amount is not None and outcome.amount != payment.amount:
        payment.status = PaymentStatus.FAILED
        payment.message = gettext("Số tiền không khớp: %(amount)s") % {"amount": outcome.amount}
        payment.completed_at = at
        payment.save(update_fields=["status", "provider_reference", "message", "completed_at"])
        payment_mismatch_record(
            payment=payment,
            kind=MismatchKind.AMOUNT,
            detail=source,
            platform_amount=outcome.amount,
            platform_status="paid",
            at=at,
        )
        return payment
    payment.status = PaymentStatus.PAID
    payment.completed_at = at
    payment.save(update_fields=["status", "provider_reference", "completed_at"])
    dossier = Dossier.objects.select_for_update(of=("self",)).get(pk=payment.dossier_id)
    if dossier.status != Status.AWAITING_PAYMENT or dossier.payment_state != PaymentState.REQUESTED:
        # Withdrawn or stopped meanwhile, or paid twice: the money is there, the dossier
        # does not move; the accountant refunds or matches it.
        payment_mismatch_record(
            payment=payment,
            kind=MismatchKind.NOT_AWAITING,
            detail=f"{source}: {dossier.get_status_display()}",
            platform_amount=outcome.amount,
            platform_status="paid",
            at=at,
        )
        return payment
    dossier_confirm_payment(
        dossier=dossier,
        actor=payment.user,
        reference=f"{provider.name}:{payment.reference}:{payment.provider_reference}",
        note="Thanh toán trực tuyến",
        fee_method=_fee_method(provider),
    )
    if hasattr(provider, "get_bill"):
        from motcua.integrations.payments.receipts import BILL_CHANNEL
        from motcua.outbox.services import outbox_enqueue

        outbox_enqueue(
            channel=BILL_CHANNEL,
            payload={"reference": payment.reference},
            dossier=dossier,
            key=f"payment-bill:{payment.reference}",
        )
    return payment


def payment_settle(
    *, params: dict[str, str], provider: PaymentProvider | None = None, source: str = "return"
) -> Payment:
    """Apply the provider's verified answer (``source``: the browser's ``return`` or the
    server's ``callback``). Idempotent: the return redirect and the callback may both
    arrive, and the platform may repeat its callback; the dossier is confirmed once. A
    forged signature raises and changes nothing. A late "paid" on a payment already
    cancelled or failed here is listed as a mismatch for the accountant, not confirmed."""
    provider = provider or payment_provider()
    try:
        outcome = provider.verify(params)
    except PaymentVerificationError as exc:
        raise PaymentError(str(exc)) from exc
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update(of=("self",))
            .select_related("dossier", "user")
            .filter(reference=outcome.reference, provider=provider.name)
            .first()
        )
        if payment is None:
            raise PaymentError(gettext("Không tìm thấy giao dịch thanh toán."))
        return _apply(payment, outcome, provider, source=source)
