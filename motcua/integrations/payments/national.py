"""The national payment platform (nền tảng thanh toán, reference/national-portal.md):
INIT, CONFIRM, QUERY and GET_BILL, each carrying a MAC.

The MAC of a message is the hexadecimal SHA-256 of its fields, in the fixed order of
``MAC_FIELDS``, joined with ``|``, followed by ``|`` and the shared secret:

    mac = sha256("f1|f2|…|fn|" + secret).hexdigest()

Timestamps are ``yyyyMMddHHmmss`` in local time (Asia/Ho_Chi_Minh) with a 24-hour clock.
Amounts are whole đồng. Every call is ``POST {MOTCUA_PAYMENT_NATIONAL_URL}/{init|query|
get-bill}`` with a JSON body, answered in JSON with ``code`` "00" on success. CONFIRM is the
platform's call to us (``POST /thanh-toan/thong-bao/national/``, form fields or JSON) and the
query string of the citizen's return to ``/thanh-toan/ket-qua/``.

INIT is the one call made inside a request: the citizen's browser must be sent to the
platform's page, and only INIT's answer gives its address. It is bounded by
``MOTCUA_PAYMENT_NATIONAL_TIMEOUT`` (default 10 s); when the platform is down or slow the
citizen reads a clear message and may try again, nothing is confirmed. QUERY and GET_BILL
run in the background (reconciliation job, outbox), never in a request.

The exact field names and paths are what the province receives from the platform's
operator; a province whose contract spells them differently changes ``MAC_FIELDS`` and the
bodies below, nothing else.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import httpx
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.integrations.payments import (
    PaymentOutcome,
    PaymentRequest,
    PaymentUnavailable,
    PaymentVerificationError,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
DATE_FORMAT = "%Y%m%d%H%M%S"  # yyyyMMddHHmmss, 24-hour clock
DATE_RE = re.compile(r"^\d{14}$")
VERSION = "1.0"
CURRENCY = "VND"

OK = "00"
# Transaction states of the platform (``status`` of CONFIRM and QUERY).
PAID = "00"
PENDING = "01"
FAILED = "02"
UNKNOWN_ORDER = "04"  # QUERY of an order the platform never received
BAD_MAC = "97"

# The fields each message's MAC covers, in order (the platform's contract).
MAC_FIELDS: dict[str, tuple[str, ...]] = {
    "INIT": (
        "version", "command", "merchant_code", "order_id", "amount", "currency",
        "order_info", "return_url", "callback_url", "create_date",
    ),
    "INIT_REPLY": ("code", "merchant_code", "order_id", "transaction_id", "pay_url", "reply_date"),
    "CONFIRM": (
        "version", "command", "merchant_code", "order_id", "transaction_id", "amount",
        "status", "paid_date", "create_date",
    ),
    "QUERY": ("version", "command", "merchant_code", "order_id", "create_date"),
    "QUERY_REPLY": (
        "code", "merchant_code", "order_id", "transaction_id", "amount", "status",
        "paid_date", "reply_date",
    ),
    "GET_BILL": (
        "version", "command", "merchant_code", "order_id", "transaction_id", "create_date",
    ),
    "GET_BILL_REPLY": (
        "code", "merchant_code", "order_id", "receipt_number", "receipt_sha256", "reply_date",
    ),
}  # fmt: skip


def national_time(moment: dt.datetime | None = None) -> str:
    """``yyyyMMddHHmmss``, Asia/Ho_Chi_Minh, 24-hour clock."""
    moment = moment or timezone.now()
    return moment.astimezone(LOCAL).strftime(DATE_FORMAT)


def from_national_time(value: Any) -> dt.datetime | None:
    """The aware moment of a platform timestamp; None when empty or malformed."""
    if not isinstance(value, str) or not DATE_RE.match(value):
        return None
    try:
        return dt.datetime.strptime(value, DATE_FORMAT).replace(tzinfo=LOCAL)
    except ValueError:
        return None


def mac_of(message: str, fields: Mapping[str, Any], secret: str) -> str:
    """The MAC of ``message`` (a key of ``MAC_FIELDS``) over ``fields``; absent is empty."""
    values = ["" if fields.get(name) is None else str(fields[name]) for name in MAC_FIELDS[message]]
    return hashlib.sha256(("|".join(values) + "|" + secret).encode()).hexdigest()


def mac_valid(message: str, fields: Mapping[str, Any], secret: str) -> bool:
    """Constant-time check of the ``mac`` a message carries."""
    given = fields.get("mac")
    if not isinstance(given, str) or not secret:
        return False
    return hmac.compare_digest(mac_of(message, fields, secret), given.lower())


def signed(message: str, fields: dict[str, Any], secret: str) -> dict[str, Any]:
    return {**fields, "mac": mac_of(message, fields, secret)}


_client: httpx.Client | None = None
_client_lock = threading.Lock()


def _http() -> httpx.Client:
    """One HTTP client per process: its connections and TLS context are reused (a new
    client per call costs a TLS context, about 0.2 s, in the citizen's request)."""
    global _client
    with _client_lock:
        if _client is None:
            _client = httpx.Client(headers={"User-Agent": "MotCua"})
        return _client


@dataclass(frozen=True)
class PlatformConfig:
    url: str
    merchant: str
    secret: str
    timeout: float = 10.0

    @classmethod
    def from_settings(cls) -> PlatformConfig:
        url = settings.MOTCUA_PAYMENT_NATIONAL_URL
        if not url or not settings.MOTCUA_PAYMENT_NATIONAL_MERCHANT:
            raise PaymentUnavailable(gettext("Chưa cấu hình kết nối nền tảng thanh toán quốc gia."))
        return cls(
            url=url.rstrip("/"),
            merchant=settings.MOTCUA_PAYMENT_NATIONAL_MERCHANT,
            secret=settings.MOTCUA_PAYMENT_NATIONAL_SECRET,
            timeout=float(settings.MOTCUA_PAYMENT_NATIONAL_TIMEOUT),
        )


@dataclass(frozen=True)
class PlatformState:
    """What QUERY says of one order."""

    found: bool
    status: str = ""  # PAID, PENDING, FAILED
    amount: int | None = None
    transaction_id: str = ""
    paid_at: dt.datetime | None = None

    @property
    def paid(self) -> bool:
        return self.found and self.status == PAID

    @property
    def failed(self) -> bool:
        return self.found and self.status == FAILED


@dataclass(frozen=True)
class Bill:
    """The e-receipt (GET_BILL): its number and its file, checked against its SHA-256."""

    receipt_number: str
    content: bytes
    sha256: str
    file_name: str = "bien-lai.pdf"


class NationalPaymentProvider:
    """The national payment platform. ``fee_method`` and ``online_channel`` are what the
    dossier records (``FeeMethod.NATIONAL``, DuocThanhToanTrucTuyen = 1)."""

    name = "national"
    label: StrOrPromise = _("Nền tảng thanh toán quốc gia")
    is_test = False
    fee_method = "national"
    online_channel = 1

    def __init__(self, config: PlatformConfig | None = None) -> None:
        self._config = config

    @property
    def config(self) -> PlatformConfig:
        if self._config is None:
            self._config = PlatformConfig.from_settings()
        return self._config

    # ------------------------------------------------------------------ transport

    def _post(self, path: str, body: dict[str, Any], *, what: str) -> dict[str, Any]:
        cfg = self.config
        try:
            response = _http().post(f"{cfg.url}/{path}", json=body, timeout=cfg.timeout)
        except httpx.TimeoutException as exc:
            raise PaymentUnavailable(
                gettext("Nền tảng thanh toán quốc gia không trả lời (%(what)s): hết thời gian chờ.")
                % {"what": what}
            ) from exc
        except httpx.HTTPError as exc:
            raise PaymentUnavailable(
                gettext("Không kết nối được nền tảng thanh toán quốc gia (%(what)s).")
                % {"what": what}
            ) from exc
        if response.status_code >= 400:
            raise PaymentUnavailable(
                gettext("Nền tảng thanh toán quốc gia trả lỗi HTTP %(status)d (%(what)s).")
                % {"status": response.status_code, "what": what}
            )
        try:
            reply = response.json()
        except ValueError as exc:
            raise PaymentUnavailable(
                gettext("Nền tảng thanh toán quốc gia trả nội dung không hợp lệ (%(what)s).")
                % {"what": what}
            ) from exc
        if not isinstance(reply, dict):
            raise PaymentUnavailable(
                gettext("Nền tảng thanh toán quốc gia trả nội dung không hợp lệ (%(what)s).")
                % {"what": what}
            )
        return reply

    def _checked(self, message: str, reply: dict[str, Any], *, order_id: str) -> dict[str, Any]:
        """A successful reply: its MAC, and that it is about our merchant and this order."""
        cfg = self.config
        if not mac_valid(message, reply, cfg.secret):
            raise PaymentVerificationError(
                gettext("Chữ ký (MAC) của nền tảng thanh toán không hợp lệ.")
            )
        if reply.get("merchant_code") != cfg.merchant or reply.get("order_id") != order_id:
            raise PaymentVerificationError(
                gettext("Trả lời của nền tảng thanh toán không khớp giao dịch.")
            )
        return reply

    def _request(self, command: str, **fields: Any) -> dict[str, Any]:
        body = {
            "version": VERSION,
            "command": command,
            "merchant_code": self.config.merchant,
            **fields,
            "create_date": national_time(),
        }
        return signed(command, body, self.config.secret)

    # ------------------------------------------------------------------ messages

    def start(self, request: PaymentRequest) -> str:
        """INIT: create the payment on the platform; the URL of its payment page."""
        body = self._request(
            "INIT",
            order_id=request.reference,
            amount=str(request.amount),
            currency=CURRENCY,
            order_info=request.description[:255],
            return_url=request.return_url,
            callback_url=request.callback_url,
        )
        reply = self._post("init", body, what="INIT")
        code = str(reply.get("code", ""))
        if code != OK:
            raise PaymentUnavailable(
                gettext("Nền tảng thanh toán quốc gia từ chối tạo giao dịch (mã %(code)s).")
                % {"code": code or "?"}
            )
        self._checked("INIT_REPLY", reply, order_id=request.reference)
        url = reply.get("pay_url")
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise PaymentUnavailable(
                gettext("Nền tảng thanh toán quốc gia không trả địa chỉ trang thanh toán.")
            )
        return url

    def verify(self, params: dict[str, str]) -> PaymentOutcome:
        """CONFIRM (the callback, or the citizen's return): MAC, merchant, amount."""
        cfg = self.config
        if not mac_valid("CONFIRM", params, cfg.secret):
            raise PaymentVerificationError(
                gettext("Chữ ký (MAC) của nền tảng thanh toán không hợp lệ.")
            )
        if params.get("merchant_code") != cfg.merchant:
            raise PaymentVerificationError(gettext("Mã đơn vị (merchant) không khớp."))
        try:
            amount = int(params.get("amount", ""))
        except ValueError as exc:
            raise PaymentVerificationError(gettext("Số tiền không hợp lệ.")) from exc
        status = params.get("status", "")
        paid_at = from_national_time(params.get("paid_date", ""))
        if status == PAID and paid_at is None:
            raise PaymentVerificationError(gettext("Thời điểm thanh toán không hợp lệ."))
        return PaymentOutcome(
            reference=params.get("order_id", ""),
            paid=status == PAID,
            pending=status == PENDING,
            provider_reference=params.get("transaction_id", ""),
            amount=amount,
            message=status,
            raw=dict(params),
        )

    def query(self, reference: str) -> PlatformState:
        """QUERY: the platform's state of one order (daily reconciliation)."""
        reply = self._post("query", self._request("QUERY", order_id=reference), what="QUERY")
        code = str(reply.get("code", ""))
        if code == UNKNOWN_ORDER:
            return PlatformState(found=False)
        if code != OK:
            raise PaymentUnavailable(
                gettext("Nền tảng thanh toán quốc gia trả mã %(code)s (QUERY).")
                % {"code": code or "?"}
            )
        self._checked("QUERY_REPLY", reply, order_id=reference)
        try:
            amount = int(reply.get("amount", ""))
        except ValueError:
            amount = None
        return PlatformState(
            found=True,
            status=str(reply.get("status", "")),
            amount=amount,
            transaction_id=str(reply.get("transaction_id", "")),
            paid_at=from_national_time(reply.get("paid_date", "")),
        )

    def get_bill(self, reference: str, transaction_id: str) -> Bill:
        """GET_BILL: the e-receipt of a paid order."""
        body = self._request("GET_BILL", order_id=reference, transaction_id=transaction_id)
        reply = self._post("get-bill", body, what="GET_BILL")
        code = str(reply.get("code", ""))
        if code != OK:
            raise PaymentUnavailable(
                gettext("Nền tảng thanh toán quốc gia chưa có biên lai (mã %(code)s).")
                % {"code": code or "?"}
            )
        self._checked("GET_BILL_REPLY", reply, order_id=reference)
        try:
            content = base64.b64decode(str(reply.get("receipt_file", "")), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise PaymentVerificationError(gettext("Tệp biên lai không hợp lệ.")) from exc
        digest = hashlib.sha256(content).hexdigest()
        if not content or not hmac.compare_digest(digest, str(reply.get("receipt_sha256", ""))):
            raise PaymentVerificationError(gettext("Tệp biên lai không khớp mã SHA-256."))
        number = str(reply.get("receipt_number", "")).strip()
        if not number:
            raise PaymentVerificationError(gettext("Biên lai không có số."))
        return Bill(
            receipt_number=number[:64],
            content=content,
            sha256=digest,
            file_name=f"bien-lai-{re.sub(r'[^0-9A-Za-z-]', '', number)[:40] or 'dien-tu'}.pdf",
        )
