"""Writes of payments: start a payment of a dossier's fee, and settle it once the provider's
answer is verified (then ``dossier_confirm_payment`` with the applicant as actor)."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from motcua.core.errors import DomainError
from motcua.dossiers.models import Dossier, PaymentState, Status
from motcua.dossiers.services import dossier_confirm_payment
from motcua.integrations.models import Payment, PaymentStatus
from motcua.integrations.payments import (
    PaymentProvider,
    PaymentRequest,
    PaymentVerificationError,
    payment_provider,
)


class PaymentError(DomainError):
    status_code = 409


def payment_start(
    *, dossier: Dossier, user: Any, provider: PaymentProvider | None = None
) -> tuple[Payment, str]:
    """Open a payment of the fee the office asked for; returns it and the provider's URL."""
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
    return payment, url


def payment_settle(*, params: dict[str, str], provider: PaymentProvider | None = None) -> Payment:
    """Apply the provider's verified answer. Idempotent: the return redirect and the
    callback may both arrive; the dossier is confirmed once."""
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
        if payment.status != PaymentStatus.PENDING:
            return payment
        if not outcome.paid:
            payment.status = PaymentStatus.CANCELLED
            payment.completed_at = timezone.now()
            payment.save(update_fields=["status", "completed_at"])
            return payment
        if outcome.amount is not None and outcome.amount != payment.amount:
            payment.status = PaymentStatus.FAILED
            payment.save(update_fields=["status"])
            return payment
        payment.status = PaymentStatus.PAID
        payment.provider_reference = outcome.provider_reference[:128]
        payment.completed_at = timezone.now()
        payment.save(update_fields=["status", "provider_reference", "completed_at"])
        dossier_confirm_payment(
            dossier=payment.dossier,
            actor=payment.user,
            reference=f"{provider.name}:{payment.reference}:{payment.provider_reference}",
            note="Thanh toán trực tuyến",
        )
    return payment
