"""Logs never carry a password-reset token or an e-mail verification token (issue 11): the
links mailed to citizens hold them in their path, and an access log or a "Not Found" warning
would otherwise keep a working key to the account."""

from __future__ import annotations

import logging
import re

# /tai-khoan/dat-lai-mat-khau/<uidb64>/<token>/ and /tai-khoan/xac-nhan/<token>/
_SECRET_PATHS = re.compile(
    r"(/dat-lai-mat-khau/[^/\s\"]+/)(?!set-password)[^/\s\"?]+"
    r"|(/xac-nhan/)(?!$)[^/\s\"?]{16,}"
)
LOGGERS = ("django.request", "django.server", "gunicorn.access", "gunicorn.error")


def redact(text: str) -> str:
    return _SECRET_PATHS.sub(lambda m: (m.group(1) or m.group(2)) + "[redacted]", text)


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install() -> None:
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
