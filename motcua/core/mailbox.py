"""The demo's mailbox: the messages the demo would have sent, read from the files that
Django's file e-mail backend writes in the data dir (``MOTCUA_ENV=demo`` only; in
production mail goes to the SMTP server and this page does not exist)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

SEPARATOR = "-" * 79
MAX_FILES = 500


@dataclass(frozen=True)
class Letter:
    to: str
    subject: str
    sent_at: dt.datetime | None
    body: str


def _letters_of(path: Path) -> list[Letter]:
    letters = []
    for chunk in path.read_bytes().split(b"\n" + SEPARATOR.encode() + b"\n"):
        if not chunk.strip():
            continue
        message = email.message_from_bytes(chunk.strip(), policy=email.policy.default)
        if not isinstance(message, EmailMessage):
            continue
        part = message.get_body(preferencelist=("plain", "html"))
        body = part.get_content() if part is not None else ""
        try:
            sent_at = parsedate_to_datetime(str(message["Date"])) if message["Date"] else None
        except (TypeError, ValueError):
            sent_at = None
        letters.append(
            Letter(
                to=str(message["To"] or ""),
                subject=str(message["Subject"] or ""),
                sent_at=sent_at,
                body=str(body),
            )
        )
    return letters


def mailbox_letters() -> list[Letter]:
    """Every message written by the file backend, newest first."""
    folder = Path(getattr(settings, "EMAIL_FILE_PATH", "") or settings.DATA_DIR / "mail")
    if not folder.is_dir():
        return []
    files = sorted(folder.glob("*.log"), key=lambda p: p.stat().st_mtime, reverse=True)
    letters: list[Letter] = []
    for path in files[:MAX_FILES]:
        letters += _letters_of(path)
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    return sorted(letters, key=lambda letter: letter.sent_at or epoch, reverse=True)


def demo_mailbox(request: HttpRequest) -> HttpResponse:
    if settings.MOTCUA_ENV != "demo":
        raise Http404
    page = Paginator(mailbox_letters(), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "core/mailbox.html",
        {"page": page, "folder": getattr(settings, "EMAIL_FILE_PATH", "")},
    )
