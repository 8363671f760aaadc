"""NỀN TẢNG THANH TOÁN GIẢ LẬP — a stand-in of the national payment platform for the tests
and manual trials (``motcua payment-sim``). It is NOT the platform, moves no money and
talks only to the MotCua that calls it.

It speaks ``payments.national``'s protocol and is strict where the platform is: every
request's MAC checked (a wrong one gets code "97"), the merchant code checked, timestamps
``yyyyMMddHHmmss`` with a 24-hour clock. Its payment page (``GET /pay/{transaction}``) has
two buttons, pay and fail, like the sandbox; tests drive it directly:

- ``stand_in.pay(order_id)`` / ``stand_in.fail(order_id)``: the citizen paid (or not) on the
  platform; with ``callback=True`` (default) the platform notifies MotCua's callback URL
  over HTTP, as the real one does; ``amount=`` reports another amount.
- ``stand_in.confirm_params(order_id)``: the signed CONFIRM of an order, to post again
  (duplicate, late callback) or to forge (``forge=True`` signs with another secret).
- ``stand_in.outage = True``: every call gets HTTP 503; ``stand_in.slow = 3``: answers wait.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import html
import io
import json
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import httpx

from motcua.integrations.payments.national import (
    BAD_MAC,
    FAILED,
    MAC_FIELDS,
    OK,
    PAID,
    PENDING,
    UNKNOWN_ORDER,
    VERSION,
    from_national_time,
    mac_valid,
    national_time,
    signed,
)

TEST_SECRET = "bi-mat-thu-nghiem"
LABEL = "NỀN TẢNG THANH TOÁN GIẢ LẬP — stand-in for tests and trials, moves no money"


def receipt_pdf(number: str, order_id: str, amount: int) -> bytes:
    """A real one-page PDF e-receipt (reportlab)."""
    from reportlab.lib.pagesizes import A5
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A5)
    pdf.setTitle(f"Bien lai {number}")
    pdf.drawString(40, 500, "BIEN LAI THU PHI, LE PHI (GIA LAP)")
    pdf.drawString(40, 470, f"So: {number}")
    pdf.drawString(40, 450, f"Ma giao dich: {order_id}")
    pdf.drawString(40, 430, f"So tien: {amount} VND")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@dataclass
class Order:
    order_id: str
    transaction_id: str
    amount: int
    return_url: str
    callback_url: str
    status: str = PENDING
    paid_date: str = ""
    reported_amount: int | None = None
    receipt_number: str = ""
    callbacks: list[int] = field(default_factory=list)  # HTTP status of each callback sent


class StandIn:
    """The stand-in server on a loopback port; ``start``/``stop`` or ``with StandIn() as s``."""

    def __init__(self, *, merchant: str = "MC-H99", secret: str = TEST_SECRET) -> None:
        self.merchant = merchant
        self.secret = secret
        self.orders: dict[str, Order] = {}
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.outage = False
        self.slow = 0.0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    @property
    def url(self) -> str:
        assert self._server is not None
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}"

    def start(self, port: int = 0) -> StandIn:
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ what tests do

    def order(self, order_id: str) -> Order:
        with self._lock:
            return self.orders[order_id]

    def confirm_params(self, order_id: str, *, forge: bool = False) -> dict[str, str]:
        """The signed CONFIRM of an order as the platform sends it."""
        order = self.order(order_id)
        fields = {
            "version": VERSION,
            "command": "CONFIRM",
            "merchant_code": self.merchant,
            "order_id": order.order_id,
            "transaction_id": order.transaction_id,
            "amount": str(
                order.reported_amount if order.reported_amount is not None else order.amount
            ),
            "status": order.status,
            "paid_date": order.paid_date,
            "create_date": national_time(),
        }
        return {
            k: str(v)
            for k, v in signed(
                "CONFIRM", fields, "forged-" + self.secret if forge else self.secret
            ).items()
        }

    def return_url(self, order_id: str) -> str:
        """Where the platform sends the citizen's browser back (CONFIRM fields signed)."""
        order = self.order(order_id)
        return order.return_url + "?" + urlencode(self.confirm_params(order_id))

    def send_callback(self, order_id: str, *, forge: bool = False) -> httpx.Response:
        """POST the CONFIRM to MotCua's callback URL (form-encoded), over HTTP."""
        order = self.order(order_id)
        response = httpx.post(
            order.callback_url, data=self.confirm_params(order_id, forge=forge), timeout=10
        )
        order.callbacks.append(response.status_code)
        return response

    def _settle(self, order_id: str, status: str, amount: int | None) -> Order:
        with self._lock:
            order = self.orders[order_id]
            order.status = status
            order.reported_amount = amount
            order.paid_date = national_time() if status == PAID else ""
            if status == PAID and not order.receipt_number:
                order.receipt_number = f"BL{secrets.randbelow(10**8):08d}"
            return order

    def pay(self, order_id: str, *, callback: bool = True, amount: int | None = None) -> Order:
        order = self._settle(order_id, PAID, amount)
        if callback:
            self.send_callback(order_id)
        return order

    def fail(self, order_id: str, *, callback: bool = True) -> Order:
        order = self._settle(order_id, FAILED, None)
        if callback:
            self.send_callback(order_id)
        return order

    # ------------------------------------------------------------------ the protocol

    def _reply(self, message: str, **fields: Any) -> dict[str, Any]:
        body = {"merchant_code": self.merchant, **fields, "reply_date": national_time()}
        return signed(message, body, self.secret)

    def handle(self, command: str, body: dict[str, Any]) -> dict[str, Any]:
        self.requests.append((command, body))
        if not mac_valid(command, body, self.secret):
            return {"code": BAD_MAC, "message": "MAC không hợp lệ"}
        if (
            body.get("merchant_code") != self.merchant
            or from_national_time(body.get("create_date")) is None
        ):
            return {"code": "96", "message": "Đơn vị hoặc thời gian không hợp lệ"}
        order_id = str(body.get("order_id", ""))
        if command == "INIT":
            with self._lock:
                if order_id in self.orders:
                    return {"code": "94", "message": "Trùng mã đơn hàng"}
                order = Order(
                    order_id=order_id,
                    transaction_id=f"NTT{secrets.token_hex(6).upper()}",
                    amount=int(body["amount"]),
                    return_url=str(body["return_url"]),
                    callback_url=str(body["callback_url"]),
                )
                self.orders[order_id] = order
            return self._reply(
                "INIT_REPLY",
                code=OK,
                order_id=order_id,
                transaction_id=order.transaction_id,
                pay_url=f"{self.url}/pay/{order.transaction_id}",
            )
        with self._lock:
            found = self.orders.get(order_id)
        if found is None:
            return {"code": UNKNOWN_ORDER, "message": "Không có giao dịch"}
        if command == "QUERY":
            amount = found.reported_amount if found.reported_amount is not None else found.amount
            return self._reply(
                "QUERY_REPLY",
                code=OK,
                order_id=order_id,
                transaction_id=found.transaction_id,
                amount=str(amount),
                status=found.status,
                paid_date=found.paid_date,
            )
        if command == "GET_BILL":
            if found.status != PAID or body.get("transaction_id") != found.transaction_id:
                return {"code": "05", "message": "Chưa có biên lai"}
            content = receipt_pdf(found.receipt_number, order_id, found.amount)
            reply = self._reply(
                "GET_BILL_REPLY",
                code=OK,
                order_id=order_id,
                receipt_number=found.receipt_number,
                receipt_sha256=hashlib.sha256(content).hexdigest(),
            )
            reply["receipt_file"] = base64.b64encode(content).decode()
            return reply
        return {"code": "99", "message": "Lệnh không hỗ trợ"}

    def by_transaction(self, transaction_id: str) -> Order | None:
        with self._lock:
            return next(
                (o for o in self.orders.values() if o.transaction_id == transaction_id), None
            )


COMMANDS = {"init": "INIT", "query": "QUERY", "get-bill": "GET_BILL"}
assert set(COMMANDS.values()) <= set(MAC_FIELDS)


def _handler(stand_in: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "PaymentStandIn/1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet in tests
            return

        def _send(
            self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def _json(self, payload: dict[str, Any], status: int = 200) -> None:
            self._send(status, json.dumps(payload, ensure_ascii=False).encode(), "application/json")

        def _gate(self) -> bool:
            if stand_in.slow:
                time.sleep(stand_in.slow)  # the stand-in's own simulated slowness
            if stand_in.outage:
                self._send(HTTPStatus.SERVICE_UNAVAILABLE, b"down", "text/plain")
                return False
            return True

        def do_POST(self) -> None:
            if not self._gate():
                return
            path = urlparse(self.path).path.strip("/")
            length = min(int(self.headers.get("Content-Length") or 0), 1_000_000)
            raw = self.rfile.read(length)
            if path.startswith("pay/"):
                order = stand_in.by_transaction(path[4:])
                if order is None:
                    self._send(404, b"not found", "text/plain")
                    return
                choice = parse_qs(raw.decode()).get("action", [""])[0]
                if choice == "pay":
                    stand_in.pay(order.order_id)
                else:
                    stand_in.fail(order.order_id)
                self._send(
                    303, b"", "text/plain", {"Location": stand_in.return_url(order.order_id)}
                )
                return
            command = COMMANDS.get(path)
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = None
            if command is None or not isinstance(body, dict):
                self._json({"code": "99", "message": "Yêu cầu không hợp lệ"}, status=400)
                return
            self._json(stand_in.handle(command, body))

        def do_GET(self) -> None:
            if not self._gate():
                return
            path = urlparse(self.path).path.strip("/")
            order = stand_in.by_transaction(path[4:]) if path.startswith("pay/") else None
            if order is None:
                self._send(404, b"not found", "text/plain")
                return
            page = (
                "<!doctype html><html lang='vi'><meta charset='utf-8'>"
                f"<title>{html.escape(LABEL)}</title><h1>{html.escape(LABEL)}</h1>"
                f"<p>Giao dịch {html.escape(order.order_id)}: {order.amount} đồng</p>"
                "<form method='post'><button name='action' value='pay'>Thanh toán</button> "
                "<button name='action' value='fail'>Không thanh toán</button></form>"
            )
            self._send(200, page.encode(), "text/html; charset=utf-8")

    return Handler


@contextlib.contextmanager
def running(**kwargs: Any) -> Iterator[StandIn]:
    stand_in = StandIn(**kwargs).start()
    try:
        yield stand_in
    finally:
        stand_in.stop()
