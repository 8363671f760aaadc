"""THANH TOÁN THỬ NGHIỆM — the built-in sandbox provider for the demo and the tests.

It moves no money: its "gateway" is a page of this site with two buttons, pay and cancel,
and its answers are signed with the site's secret key so that the return handler checks
them exactly as it would check a real gateway's signature."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.integrations.payments import (
    PaymentOutcome,
    PaymentRequest,
    PaymentVerificationError,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SIGNED_FIELDS = ("reference", "status", "amount", "transaction")


def _signature(params: dict[str, str]) -> str:
    message = "&".join(f"{k}={params.get(k, '')}" for k in SIGNED_FIELDS)
    key = hashlib.sha256(f"sandbox-payments:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


class SandboxProvider:
    name = "sandbox"
    label: StrOrPromise = _("THANH TOÁN THỬ NGHIỆM")
    is_test = True
    fee_method = "gateway"  # recorded as the province's gateway (DuocThanhToanTrucTuyen 2)

    def start(self, request: PaymentRequest) -> str:
        return reverse("portal:sandbox_gateway", kwargs={"reference": request.reference})

    def answer(self, *, reference: str, amount: int, paid: bool) -> dict[str, str]:
        """The parameters the fake gateway sends back (used by its page)."""
        params = {
            "reference": reference,
            "status": "paid" if paid else "cancelled",
            "amount": str(amount),
            "transaction": f"SANDBOX-{secrets.token_hex(6).upper()}" if paid else "",
        }
        params["signature"] = _signature(params)
        return params

    def return_url(self, params: dict[str, str]) -> str:
        return reverse("portal:payment_return") + "?" + urlencode(params)

    def verify(self, params: dict[str, str]) -> PaymentOutcome:
        expected = _signature(params)
        if not hmac.compare_digest(expected, params.get("signature", "")):
            raise PaymentVerificationError(gettext("Chữ ký của cổng thanh toán không hợp lệ."))
        try:
            amount = int(params.get("amount", ""))
        except ValueError as exc:
            raise PaymentVerificationError(gettext("Số tiền không hợp lệ.")) from exc
        return PaymentOutcome(
            reference=params.get("reference", ""),
            paid=params.get("status") == "paid",
            provider_reference=params.get("transaction", ""),
            amount=amount,
            message="",
            raw=dict(params),
        )
