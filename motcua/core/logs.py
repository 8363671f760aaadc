"""Logs without personal data (issue 17), as plain lines or as JSON (structlog).

``MOTCUA_LOG_FORMAT=json`` (the default in production) writes one JSON object a line —
``{"timestamp", "level", "logger", "event", …}`` — for a log collector; ``plain`` writes the
familiar text line (the default in the demo and the tests). Either way every line passes
``PersonalDataFilter`` first: ID numbers (9 or 12 digits), phone numbers, e-mail addresses and
the tokens of password-reset links are masked before anything is written."""

from __future__ import annotations

import logging
import re
from collections.abc import MutableMapping
from typing import Any

import structlog

from motcua.core.logfilters import redact

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w.])(?:\+84|0)(?:[\s.]?\d){9,10}(?![\w.])")
_ID = re.compile(r"(?<![\w.])\d{9}(?:\d{3})?(?![\w.])")
# Keys a structured call might carry that hold personal data: never written.
PERSONAL_KEYS = {"phone", "id_number", "address", "email", "applicant", "password", "token"}


def mask(text: str) -> str:
    text = redact(text)
    text = _EMAIL.sub("[thư điện tử]", text)
    text = _PHONE.sub("[số điện thoại]", text)
    return _ID.sub("[số định danh]", text)


class PersonalDataFilter(logging.Filter):
    """On a handler: masks the message of every record it writes."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        cleaned = mask(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def _drop_personal(
    _logger: Any, _name: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    for key in PERSONAL_KEYS & event.keys():
        event[key] = "[ẩn]"
    if isinstance(event.get("event"), str):
        event["event"] = mask(event["event"])
    return event


def json_formatter() -> logging.Formatter:
    """The JSON formatter for ``LOGGING`` (and gunicorn's logs under ``motcua serve``)."""
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            structlog.stdlib.add_log_level,
            structlog.stdlib.add_logger_name,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
        ],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            _drop_personal,
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(ensure_ascii=False),
        ],
    )


def logging_config(fmt: str, level: str) -> dict[str, Any]:
    """The ``LOGGING`` setting: one console handler, masked, in the chosen format."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"personal": {"()": "motcua.core.logs.PersonalDataFilter"}},
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
            "json": {"()": "motcua.core.logs.json_formatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json" if fmt == "json" else "plain",
                "filters": ["personal"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
    }
