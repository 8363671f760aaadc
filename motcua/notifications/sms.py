"""SMS through the outbox: a provider interface, a sandbox for the demo, and an adapter for
an HTTP SMS-brandname gateway (docs/notifications.md shows how to point it at a real
provider)."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils import timezone

from motcua.outbox.channels import PermanentError, RetryableError
from motcua.outbox.models import OutboxMessage


class SmsProvider(Protocol):
    label: str

    def send(self, *, to: str, text: str, idempotency_key: str) -> None: ...


class SandboxSms:
    """Writes each message to a file in ``DATA_DIR/sms`` instead of sending it: the demo's
    SMS, clearly labelled as such."""

    label = "SMS thử nghiệm (không gửi thật, ghi vào tệp)"

    def send(self, *, to: str, text: str, idempotency_key: str) -> None:
        folder = Path(settings.DATA_DIR) / "sms"
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = folder / f"{idempotency_key}.txt"
        stamp = timezone.localtime().strftime("%H:%M:%S %d/%m/%Y")
        content = f"[SMS THỬ NGHIỆM — không gửi thật]\nTới: {to}\nLúc: {stamp}\n\n{text}\n"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(content, encoding="utf-8")
        os.replace(tmp, path)  # the same key twice leaves one file


class HttpGatewaySms:
    """An SMS-brandname gateway over HTTPS: one JSON POST per message with basic
    authentication; the outbox key goes as ``Idempotency-Key`` and ``request_id``."""

    label = "Cổng SMS thương hiệu (brandname)"

    def send(self, *, to: str, text: str, idempotency_key: str) -> None:
        body = json.dumps(
            {
                "brandname": settings.MOTCUA_SMS_BRANDNAME,
                "phone": to,
                "message": text,
                "request_id": idempotency_key,
            },
            ensure_ascii=False,
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - the URL is the operator's setting
            settings.MOTCUA_SMS_URL,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Idempotency-Key": idempotency_key,
            },
        )
        if settings.MOTCUA_SMS_USERNAME:
            import base64

            token = base64.b64encode(
                f"{settings.MOTCUA_SMS_USERNAME}:{settings.MOTCUA_SMS_PASSWORD}".encode()
            ).decode()
            request.add_header("Authorization", f"Basic {token}")
        try:
            with urllib.request.urlopen(  # noqa: S310
                request, timeout=settings.MOTCUA_SMS_TIMEOUT
            ) as response:
                reply = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            if 400 <= exc.code < 500 and exc.code not in (408, 429):
                raise PermanentError(f"cổng SMS từ chối tin (HTTP {exc.code})") from None
            raise RetryableError(f"cổng SMS lỗi (HTTP {exc.code})") from None
        except (OSError, ValueError) as exc:
            raise RetryableError(f"không gửi được tới cổng SMS ({type(exc).__name__})") from None
        if str(reply.get("error_code", reply.get("code", "00"))) not in {"00", "0", "200"}:
            raise RetryableError("cổng SMS trả lời lỗi")


def sms_provider() -> SmsProvider | None:
    name = settings.MOTCUA_SMS_PROVIDER
    if name == "sandbox":
        return SandboxSms()
    if name == "http" and settings.MOTCUA_SMS_URL:
        return HttpGatewaySms()
    return None


def sms_deliver(message: OutboxMessage) -> None:
    provider = sms_provider()
    if provider is None:
        raise PermanentError("chưa cấu hình cổng SMS (MOTCUA_SMS_PROVIDER)")
    to = str(message.payload.get("to", ""))
    text = str(message.payload.get("text", ""))
    if not to or not text:
        raise PermanentError("tin nhắn thiếu số điện thoại hoặc nội dung")
    provider.send(to=to, text=text, idempotency_key=message.idempotency_key)
    OutboxMessage.objects.filter(pk=message.pk).update(payload={"length": len(text)})
