"""The national payment platform over real HTTP against its stand-in on 127.0.0.1: INIT
from the citizen's page, the CONFIRM callback (success, failure, duplicate, late, forged
MAC), the e-receipt fetched by the outbox, the daily reconciliation and its mismatches."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from django.core.management import call_command
from django.test import Client

from motcua.accounts.tests.fixtures import *  # noqa: F403
from motcua.accounts.tests.fixtures import Place, submit, to_payment
from motcua.dossiers.models import AttachmentKind, Dossier
from motcua.integrations.models import MismatchKind, Payment, PaymentMismatch
from motcua.integrations.payments import payment_provider
from motcua.integrations.payments.national import (
    NationalPaymentProvider,
    mac_of,
    national_time,
)
from motcua.integrations.payments.reconcile import payment_reconcile
from motcua.integrations.payments.standin import LABEL, StandIn
from motcua.outbox.delivery import deliver_due
from motcua.outbox.models import OutboxMessage
from motcua.units.services import user_create_or_update

pytestmark = pytest.mark.django_db
CALLBACK = "/thanh-toan/thong-bao/national/"
UNIT = "000.01.01.T01"


@pytest.fixture
def platform(settings: Any) -> Iterator[StandIn]:
    with StandIn(merchant="MC-T01", secret="khoa-bi-mat-t01") as stand_in:
        settings.MOTCUA_PAYMENT_PROVIDER = "national"
        settings.MOTCUA_PAYMENT_NATIONAL_URL = stand_in.url
        settings.MOTCUA_PAYMENT_NATIONAL_MERCHANT = "MC-T01"
        settings.MOTCUA_PAYMENT_NATIONAL_SECRET = "khoa-bi-mat-t01"
        settings.MOTCUA_PAYMENT_NATIONAL_TIMEOUT = 2
        yield stand_in


def _start(place: Place, amount: int = 75000) -> tuple[Dossier, Payment, str]:
    """The citizen presses "Đến cổng thanh toán": INIT over HTTP, redirect to the platform."""
    dossier = to_payment(place, submit(place), amount=amount)
    response = place.client_for(place.citizen).post(f"/ho-so-cua-toi/{dossier.code}/thanh-toan/")
    assert response.status_code == 302, response.content.decode()[:500]
    payment = Payment.objects.get(dossier=dossier)
    return dossier, payment, response["Location"]


def _callback(params: dict[str, str]) -> Any:
    return Client(enforce_csrf_checks=True).post(CALLBACK, params)


def _confirms(dossier: Dossier) -> int:
    return dossier.events.filter(action="confirm-payment").count()


def test_the_mac_is_sha256_of_the_fields_in_order_then_the_secret() -> None:
    fields = {
        "version": "1.0",
        "command": "QUERY",
        "merchant_code": "MC-T01",
        "order_id": "MC2701010001",
        "create_date": "20270301153000",
        "ignored": "not in the MAC",
    }
    expected = hashlib.sha256(b"1.0|QUERY|MC-T01|MC2701010001|20270301153000|bi-mat").hexdigest()

    assert mac_of("QUERY", fields, "bi-mat") == expected
    # 15:30 local is "153000" (24-hour clock), whatever the server's time zone.
    afternoon = dt.datetime(2027, 3, 1, 8, 30, tzinfo=dt.UTC)
    assert national_time(afternoon) == "20270301153000"
    assert national_time(afternoon.astimezone(ZoneInfo("America/New_York"))) == "20270301153000"


def test_a_fee_is_paid_confirmed_by_the_callback_receipted_and_reconciled(
    place: Place, platform: StandIn
) -> None:
    dossier, payment, url = _start(place)
    assert url.startswith(platform.url + "/pay/")
    order = platform.order(payment.reference)
    assert order.amount == 75000
    assert order.callback_url.endswith(CALLBACK)

    platform.pay(payment.reference, callback=False)  # the citizen paid on the platform
    response = _callback(platform.confirm_params(payment.reference))

    assert response.status_code == 200
    assert response.json() == {"ok": True, "status": "paid"}
    dossier.refresh_from_db()
    assert dossier.status == "processing"
    event = dossier.events.get(action="confirm-payment")
    assert event.actor_id == place.citizen.pk
    assert event.data["method"] == "national" and event.data["online"] == 1
    line = dossier.fees.get()
    assert (line.amount, line.method) == (75000, "national")
    assert line.paid_at is not None

    # The e-receipt comes through the outbox (GET_BILL over HTTP), kept with its SHA-256.
    deliver_due()
    bill = OutboxMessage.objects.get(channel="payment-bill")
    assert bill.status == "delivered" and bill.payload == {"reference": payment.reference}
    payment.refresh_from_db()
    assert payment.receipt_number == order.receipt_number
    receipt = payment.receipt
    assert receipt is not None and receipt.kind == AttachmentKind.RECEIPT
    assert receipt.sha256 == hashlib.sha256(receipt.file.open("rb").read()).hexdigest()
    line.refresh_from_db()
    assert (line.receipt_number, line.receipt_id) == (order.receipt_number, receipt.pk)

    # The citizen sees the line and downloads the receipt; the officer sees it too.
    citizen = place.client_for(place.citizen)
    page = citizen.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert "75.000 đồng" in page and order.receipt_number in page
    assert "Nền tảng thanh toán quốc gia" in page
    download = citizen.get(f"/ho-so-cua-toi/{dossier.code}/tep/{receipt.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    desk = place.client_for(place.users["desk"])
    html = desk.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert order.receipt_number in html and "75.000 đồng" in html

    # The daily reconciliation finds everything agrees.
    out = io.StringIO()
    call_command("run_job", "payment_reconcile", stdout=out)
    assert out.getvalue().strip() == "payment_reconcile: 0"
    assert not PaymentMismatch.objects.exists()
    assert ("QUERY", payment.reference) in [(c, b.get("order_id")) for c, b in platform.requests]


def test_a_duplicate_callback_changes_nothing_and_answers_success(
    place: Place, platform: StandIn
) -> None:
    dossier, payment, _ = _start(place)
    platform.pay(payment.reference, callback=False)
    params = platform.confirm_params(payment.reference)

    first = _callback(params)
    version = Dossier.objects.get(pk=dossier.pk).version
    again = _callback(params)
    fresh = _callback(platform.confirm_params(payment.reference))  # resent, new timestamp

    assert [r.status_code for r in (first, again, fresh)] == [200, 200, 200]
    assert again.json() == {"ok": True, "status": "paid"}
    assert Dossier.objects.get(pk=dossier.pk).version == version
    assert _confirms(dossier) == 1
    assert Payment.objects.get(pk=payment.pk).status == "paid"


def test_a_forged_mac_is_refused_and_changes_nothing(place: Place, platform: StandIn) -> None:
    dossier, payment, _ = _start(place)
    platform.pay(payment.reference, callback=False)
    forged = platform.confirm_params(payment.reference, forge=True)
    tampered = platform.confirm_params(payment.reference)
    tampered["amount"] = "1000"

    for params in (forged, tampered, {**forged, "mac": ""}):
        response = _callback(params)
        assert response.status_code == 400
        assert response.json()["ok"] is False
        assert "MAC" in response.json()["detail"]
    json_body = Client().post(CALLBACK, "[1, 2]", content_type="application/json")
    assert json_body.status_code == 400 and "detail" in json_body.json()

    dossier.refresh_from_db()
    assert dossier.status == "awaiting_payment"
    assert Payment.objects.get(pk=payment.pk).status == "pending"
    assert not PaymentMismatch.objects.exists()


def test_a_failed_payment_leaves_the_fee_due_and_the_citizen_may_pay_again(
    place: Place, platform: StandIn
) -> None:
    dossier, payment, _ = _start(place)
    platform.fail(payment.reference, callback=False)

    response = _callback(platform.confirm_params(payment.reference))

    assert response.status_code == 200 and response.json()["status"] == "failed"
    dossier.refresh_from_db()
    assert dossier.status == "awaiting_payment" and _confirms(dossier) == 0
    again = place.client_for(place.citizen).post(f"/ho-so-cua-toi/{dossier.code}/thanh-toan/")
    assert again.status_code == 302
    assert Payment.objects.filter(dossier=dossier).count() == 2


def test_a_late_callback_after_reconciliation_does_not_confirm_twice(
    place: Place, platform: StandIn
) -> None:
    dossier, payment, _ = _start(place)
    platform.pay(payment.reference, callback=False)  # the callback is lost on the way

    report = payment_reconcile()
    assert (report.checked, report.settled, report.mismatches) == (1, 1, 0)
    dossier.refresh_from_db()
    assert dossier.status == "processing" and _confirms(dossier) == 1

    late = _callback(platform.confirm_params(payment.reference))
    assert late.status_code == 200 and late.json()["status"] == "paid"
    assert _confirms(dossier) == 1
    assert not PaymentMismatch.objects.exists()


def test_a_late_paid_callback_on_a_failed_payment_is_listed_for_the_accountant(
    place: Place, platform: StandIn
) -> None:
    dossier, payment, _ = _start(place)
    platform.fail(payment.reference, callback=False)
    payment_reconcile()  # settles it as failed here
    assert Payment.objects.get(pk=payment.pk).status == "failed"
    platform.pay(payment.reference, callback=False)  # the platform changed its mind

    late = _callback(platform.confirm_params(payment.reference))

    assert late.status_code == 200
    dossier.refresh_from_db()
    assert dossier.status == "awaiting_payment" and _confirms(dossier) == 0
    mismatch = PaymentMismatch.objects.get()
    assert mismatch.kind == MismatchKind.PAID_NOT_HERE
    leader = place.client_for(place.users["leader"])
    listing = leader.get("/can-bo/doi-soat-thanh-toan/").content.decode()
    assert payment.reference in listing and dossier.code in listing


def test_reconciliation_lists_an_amount_that_differs_and_the_accountant_resolves_it(
    place: Place, platform: StandIn
) -> None:
    dossier, payment, _ = _start(place)
    platform.pay(payment.reference, callback=False, amount=70000)

    call_command("run_job", "payment_reconcile", stdout=io.StringIO())

    mismatch = PaymentMismatch.objects.get()
    assert (mismatch.kind, mismatch.local_amount, mismatch.platform_amount) == (
        "amount",
        75000,
        70000,
    )
    dossier.refresh_from_db()
    assert dossier.status == "awaiting_payment"
    payment_reconcile()  # found again: still one line
    assert PaymentMismatch.objects.count() == 1

    leader = place.client_for(place.users["leader"])
    page = leader.get("/can-bo/doi-soat-thanh-toan/").content.decode()
    assert "75.000 đồng" in page and "70.000 đồng" in page
    root = user_create_or_update(username="root", password="Mat-khau-quan-tri-1", superuser=True)
    admin_page = place.client_for(root).get("/admin/integrations/paymentmismatch/?open=1")
    assert admin_page.status_code == 200 and dossier.code in admin_page.content.decode()
    other = place.client_for(place.other_citizen)
    assert other.get("/can-bo/doi-soat-thanh-toan/").status_code in {302, 403}
    empty = leader.post(f"/can-bo/doi-soat-thanh-toan/{mismatch.pk}/", {"resolution": ""})
    assert empty.status_code == 400
    done = leader.post(
        f"/can-bo/doi-soat-thanh-toan/{mismatch.pk}/",
        {"resolution": "Đã hoàn 70.000 đồng cho công dân"},
    )
    assert done.status_code == 302
    mismatch.refresh_from_db()
    assert mismatch.resolved_at is not None and mismatch.resolved_by_id == place.users["leader"].pk


def test_paid_here_but_unknown_to_the_platform_is_a_mismatch(
    place: Place, platform: StandIn
) -> None:
    _dossier, payment, _ = _start(place)
    platform.pay(payment.reference, callback=False)
    _callback(platform.confirm_params(payment.reference))
    platform.orders.clear()  # the platform lost it (or it was never its order)

    payment_reconcile()

    assert PaymentMismatch.objects.get().kind == MismatchKind.UNKNOWN


def test_the_platform_down_or_slow_gives_the_citizen_a_clear_message(
    place: Place, platform: StandIn, settings: Any
) -> None:
    dossier = to_payment(place, submit(place), amount=75000)
    citizen = place.client_for(place.citizen)

    platform.outage = True
    down = citizen.post(f"/ho-so-cua-toi/{dossier.code}/thanh-toan/")
    platform.outage = False
    settings.MOTCUA_PAYMENT_NATIONAL_TIMEOUT = 0.2
    platform.slow = 1.0
    slow = citizen.post(f"/ho-so-cua-toi/{dossier.code}/thanh-toan/")
    platform.slow = 0

    assert down.status_code == slow.status_code == 503
    assert "thử lại" in down.content.decode() and "hết thời gian chờ" in slow.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == "awaiting_payment"
    assert set(Payment.objects.values_list("status", flat=True)) == {"failed"}
    # Reconciliation with the platform down keeps open payments open, and fails nothing.
    platform.outage = True
    assert payment_reconcile().unreachable == 0  # nothing open: both failed at INIT


def test_an_unconfigured_platform_is_refused_clearly(place: Place, settings: Any) -> None:
    settings.MOTCUA_PAYMENT_PROVIDER = "national"
    settings.MOTCUA_PAYMENT_NATIONAL_URL = ""
    dossier = to_payment(place, submit(place))

    response = place.client_for(place.citizen).post(f"/ho-so-cua-toi/{dossier.code}/thanh-toan/")

    assert response.status_code == 503
    assert "Chưa cấu hình" in response.content.decode()
    assert isinstance(payment_provider(), NationalPaymentProvider)


def test_the_citizens_return_with_the_signed_confirm_settles_too(
    place: Place, platform: StandIn
) -> None:
    dossier, payment, _ = _start(place)
    platform.pay(payment.reference, callback=False)
    citizen = place.client_for(place.citizen)

    back = citizen.get(platform.return_url(payment.reference))

    assert back.status_code == 302 and back["Location"].endswith(f"/{dossier.code}/")
    assert _callback(platform.confirm_params(payment.reference)).status_code == 200
    dossier.refresh_from_db()
    assert dossier.status == "processing" and _confirms(dossier) == 1


def test_the_national_sync_and_indicators_read_the_online_payment(
    place: Place, platform: StandIn
) -> None:
    from motcua.integrations.dvcqg.snapshot import dossier_snapshot

    dossier, payment, _ = _start(place)
    platform.pay(payment.reference, callback=False)
    _callback(platform.confirm_params(payment.reference))
    dossier.refresh_from_db()

    snapshot = dossier_snapshot(dossier, dossier.events.order_by("-seq").first())
    assert snapshot["payment_channel"] == 1  # DuocThanhToanTrucTuyen: national platform
    assert [f["method"] for f in snapshot["fees"]] == ["national"]


@pytest.mark.django_db(transaction=True)
def test_the_platform_calls_back_a_live_server_over_http(
    place: Place, platform: StandIn, live_server: Any, settings: Any
) -> None:
    settings.SITE_URL = live_server.url
    dossier, payment, url = _start(place)
    assert platform.order(payment.reference).callback_url == live_server.url + CALLBACK

    # The citizen's browser on the platform's page: it pays; the platform calls MotCua back
    # over HTTP before sending the browser to the return page.
    assert LABEL in httpx.get(url).text
    paid = httpx.post(url, data={"action": "pay"})

    assert paid.status_code == 303
    assert paid.headers["location"].startswith(live_server.url + "/thanh-toan/ket-qua/?")
    assert platform.order(payment.reference).callbacks == [200]
    dossier.refresh_from_db()
    assert dossier.status == "processing" and _confirms(dossier) == 1
    # The platform repeats its callback (it did not read our answer): still one confirmation.
    assert platform.send_callback(payment.reference).json() == {"ok": True, "status": "paid"}
    assert platform.send_callback(payment.reference, forge=True).status_code == 400
    assert _confirms(dossier) == 1


def test_paid_after_the_dossier_was_withdrawn_is_not_confirmed_but_listed(
    place: Place, platform: StandIn
) -> None:
    from motcua.dossiers.services import dossier_withdraw

    dossier, payment, _ = _start(place)
    dossier_withdraw(dossier=dossier, actor=place.citizen)
    platform.pay(payment.reference, callback=False)

    response = _callback(platform.confirm_params(payment.reference))

    assert response.status_code == 200 and response.json()["status"] == "paid"
    dossier.refresh_from_db()
    assert dossier.status == "withdrawn" and _confirms(dossier) == 0
    assert PaymentMismatch.objects.get().kind == MismatchKind.NOT_AWAITING
