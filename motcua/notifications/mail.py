"""E-mail through the outbox (CONTRACT.md §7).

``EMAIL_BACKEND`` is ``OutboxEmailBackend``: every ``send_mail`` of the product (dossier
notifications, account verification, password reset) becomes an outbox row in the current
transaction, so a mail server that is down or hangs never slows or fails a request. The
``email`` channel then delivers each row with the real transport
(``MOTCUA_EMAIL_TRANSPORT``: SMTP in production, files in the demo) with a timeout; the
outbox id is the message's ``Message-ID``, so a receiver sees a retried message as the same
message.
"""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend

from motcua.outbox.channels import PermanentError, RetryableError
from motcua.outbox.models import OutboxMessage


def message_payload(message: EmailMessage) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "from": message.from_email,
        "subject": str(message.subject),
        "body": str(message.body),
    }
    alternatives = getattr(message, "alternatives", None) or []
    if alternatives:
        payload["alternatives"] = [[str(content), mime] for content, mime in alternatives]
    return payload


def mail_enqueue(
    *,
    to: Sequence[str],
    subject: str,
    body: str,
    dossier: Any = None,
    key: str | None = None,
) -> OutboxMessage:
    from motcua.outbox.services import outbox_enqueue

    return outbox_enqueue(
        channel="email",
        payload={"to": list(to), "subject": subject, "body": body},
        dossier=dossier,
        key=key,
    )


class OutboxEmailBackend(BaseEmailBackend):
    """A Django e-mail backend that writes outbox rows instead of talking SMTP."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        from motcua.outbox.services import outbox_enqueue

        count = 0
        for message in email_messages:
            if not message.recipients():
                continue
            outbox_enqueue(channel="email", payload=message_payload(message))
            count += 1
        return count


def email_deliver(message: OutboxMessage) -> None:
    """The ``email`` channel: one SMTP conversation per message, bounded by a timeout."""
    p = message.payload
    recipients = [*p.get("to", []), *p.get("cc", []), *p.get("bcc", [])]
    if not recipients:
        raise PermanentError("thư không có người nhận")
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "motcua.local"
    email = EmailMultiAlternatives(
        subject=p.get("subject", ""),
        body=p.get("body", ""),
        from_email=p.get("from") or None,
        to=p.get("to", []),
        cc=p.get("cc", []),
        bcc=p.get("bcc", []),
        reply_to=p.get("reply_to", []),
        headers={"Message-ID": f"<{message.idempotency_key}@{domain}>"},
    )
    for content, mime in p.get("alternatives", []):
        email.attach_alternative(content, mime)
    connection = get_connection(settings.MOTCUA_EMAIL_TRANSPORT, timeout=settings.EMAIL_TIMEOUT)
    try:
        sent = connection.send_messages([email])
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _msg in exc.recipients.values()]
        if codes and all(code >= 500 for code in codes):
            raise PermanentError("máy chủ thư từ chối mọi địa chỉ nhận") from None
        raise RetryableError("máy chủ thư tạm từ chối địa chỉ nhận") from None
    except smtplib.SMTPResponseException as exc:
        if exc.smtp_code >= 500 and exc.smtp_code not in (521, 554):
            raise PermanentError(f"máy chủ thư từ chối thư (mã {exc.smtp_code})") from None
        raise RetryableError(f"máy chủ thư tạm không nhận thư (mã {exc.smtp_code})") from None
    except smtplib.SMTPServerDisconnected as exc:
        if "timed out" in str(exc):
            raise RetryableError(
                f"máy chủ thư không trả lời sau {settings.EMAIL_TIMEOUT} giây"
            ) from None
        raise RetryableError("máy chủ thư ngắt kết nối giữa chừng") from None
    except TimeoutError:
        raise RetryableError(
            f"máy chủ thư không trả lời sau {settings.EMAIL_TIMEOUT} giây"
        ) from None
    except (OSError, smtplib.SMTPException) as exc:
        raise RetryableError(f"không gửi được tới máy chủ thư ({type(exc).__name__})") from None
    if not sent:
        raise RetryableError("máy chủ thư không nhận thư")
    # A delivered message keeps only its subject: addresses and text are personal data
    # that the outbox no longer needs.
    OutboxMessage.objects.filter(pk=message.pk).update(
        payload={"subject": p.get("subject", ""), "recipients": len(recipients)}
    )
