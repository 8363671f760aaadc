"""The e-receipt of a paid fee (GET_BILL), fetched by the outbox after the payment is
confirmed, never in the request: the receipt number and its file are kept with the dossier
(an attachment of kind ``receipt`` with its SHA-256) and on its fee lines."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.db import transaction

from motcua.dossiers.attachments import attachment_add
from motcua.dossiers.errors import DossierError
from motcua.dossiers.fees import fees_receipt
from motcua.dossiers.models import AttachmentKind
from motcua.integrations.models import Payment, PaymentStatus
from motcua.integrations.payments import (
    PaymentUnavailable,
    PaymentVerificationError,
    payment_provider,
)

if TYPE_CHECKING:
    from motcua.outbox.models import OutboxMessage

BILL_CHANNEL = "payment-bill"


def payment_receipt_fetch(message: OutboxMessage) -> None:
    """The ``payment-bill`` channel: GET_BILL once per paid payment. The platform not
    having the receipt yet, being down or answering badly is retried with backoff; a
    payment that is not (or no longer) the platform's is done."""
    from motcua.outbox.channels import PermanentError, RetryableError

    reference = str(message.payload.get("reference", ""))
    payment = Payment.objects.select_related("dossier").filter(reference=reference).first()
    if payment is None or payment.status != PaymentStatus.PAID or payment.receipt_id:
        return
    provider = payment_provider()
    if provider.name != payment.provider or not hasattr(provider, "get_bill"):
        raise PermanentError(f"{payment.provider} is not the configured provider")
    try:
        bill = provider.get_bill(payment.reference, payment.provider_reference)
    except (PaymentUnavailable, PaymentVerificationError) as exc:
        raise RetryableError(str(exc)) from exc
    try:
        attachment = attachment_add(
            dossier=payment.dossier,
            actor=None,
            upload=io.BytesIO(bill.content),
            name=bill.file_name,
            kind=AttachmentKind.RECEIPT,
        )
    except DossierError as exc:
        raise PermanentError(f"receipt refused: {exc}") from exc
    with transaction.atomic():
        updated = Payment.objects.filter(pk=payment.pk, receipt__isnull=True).update(
            receipt=attachment, receipt_number=bill.receipt_number
        )
        if updated:
            fees_receipt(
                payment.dossier,
                reference=_fee_reference(payment),
                receipt_number=bill.receipt_number,
                receipt=attachment,
            )


def _fee_reference(payment: Payment) -> str:
    """The reference the fee lines carry (what ``payment_settle`` confirmed with)."""
    return f"{payment.provider}:{payment.reference}:{payment.provider_reference}"


def register() -> None:
    from motcua.outbox.channels import register_channel

    register_channel(
        BILL_CHANNEL,
        payment_receipt_fetch,
        label="Biên lai điện tử (nền tảng thanh toán)",
        max_attempts=24,
    )
