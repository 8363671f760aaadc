"""The payment-provider interface and the sandbox provider: signatures, idempotent
settlement, amount checks, the server-to-server callback."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from motcua.accounts.tests.fixtures import *  # noqa: F403
from motcua.accounts.tests.fixtures import Place, submit, to_payment
from motcua.integrations.models import Payment
from motcua.integrations.payments import PaymentProvider, payment_provider
from motcua.integrations.payments.sandbox import SandboxProvider
from motcua.integrations.services import PaymentError, payment_settle, payment_start

pytestmark = pytest.mark.django_db


def test_the_sandbox_is_the_default_provider_and_follows_the_protocol() -> None:
    provider = payment_provider()

    assert isinstance(provider, SandboxProvider)
    assert isinstance(provider, PaymentProvider)
    assert provider.is_test
    assert provider.label == "THANH TOÁN THỬ NGHIỆM"


def test_settlement_is_idempotent_and_confirms_once(place: Place) -> None:
    dossier = to_payment(place, submit(place), amount=75000)
    payment, url = payment_start(dossier=dossier, user=place.citizen)
    assert url == f"/thanh-toan/thu-nghiem/{payment.reference}/"
    params = SandboxProvider().answer(reference=payment.reference, amount=75000, paid=True)

    first = payment_settle(params=params)
    again = payment_settle(params=params)

    assert first.status == again.status == "paid"
    dossier.refresh_from_db()
    assert dossier.status == "processing"
    assert dossier.events.filter(action="confirm-payment").count() == 1


def test_a_wrong_amount_or_signature_never_confirms(place: Place) -> None:
    dossier = to_payment(place, submit(place), amount=75000)
    payment, _ = payment_start(dossier=dossier, user=place.citizen)
    provider = SandboxProvider()

    forged = provider.answer(reference=payment.reference, amount=75000, paid=True)
    forged["amount"] = "1"
    with pytest.raises(PaymentError):
        payment_settle(params=forged)
    short = provider.answer(reference=payment.reference, amount=1000, paid=True)
    assert payment_settle(params=short).status == "failed"
    with pytest.raises(PaymentError):
        payment_settle(params=provider.answer(reference="MC-NONE", amount=1, paid=True))

    dossier.refresh_from_db()
    assert dossier.status == "awaiting_payment"


def test_only_the_applicant_may_start_a_payment_and_only_when_due(place: Place) -> None:
    dossier = submit(place)
    with pytest.raises(PaymentError):
        payment_start(dossier=dossier, user=place.citizen)
    dossier = to_payment(place, dossier)
    with pytest.raises(PaymentError):
        payment_start(dossier=dossier, user=place.other_citizen)
    assert Payment.objects.count() == 0


def test_callback_settles_without_a_session(place: Place) -> None:
    dossier = to_payment(place, submit(place))
    payment, _ = payment_start(dossier=dossier, user=place.citizen)
    params = SandboxProvider().answer(reference=payment.reference, amount=payment.amount, paid=True)
    client = Client(enforce_csrf_checks=True)

    response = client.post("/thanh-toan/thong-bao/sandbox/", params)
    bad = client.post("/thanh-toan/thong-bao/sandbox/", {**params, "signature": "x"})
    other = client.post("/thanh-toan/thong-bao/vnpay/", params)

    assert response.status_code == 200
    assert response.json() == {"ok": True, "status": "paid"}
    assert bad.status_code == 400
    assert other.status_code == 404


def test_the_gateway_page_belongs_to_the_payer(place: Place) -> None:
    dossier = to_payment(place, submit(place))
    payment, url = payment_start(dossier=dossier, user=place.citizen)

    assert place.client_for(place.other_citizen).get(url).status_code == 404
    html = place.client_for(place.citizen).get(url).content.decode()
    assert "THANH TOÁN THỬ NGHIỆM" in html
    assert payment.reference in html


def test_a_configured_provider_is_loaded_by_path(settings: Any) -> None:
    settings.MOTCUA_PAYMENT_PROVIDER = "motcua.integrations.payments.sandbox.SandboxProvider"

    assert payment_provider().name == "sandbox"
