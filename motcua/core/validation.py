"""Validation at the edge, shared by every app: what counts as a number and a date in a
request. ``str.isdigit`` is true for ``²`` and ``٤`` that ``int`` then refuses or turns into
numbers nobody typed; dates near year 1 or 9999 overflow as soon as a time zone or a day is
added. Both are bad input (400), never a 500."""

from __future__ import annotations

import datetime as dt

ASCII_DIGITS = frozenset("0123456789")
# Every date a request may name: the working-time calendar and the statistics live here.
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(9000, 12, 31)


def is_ascii_int(text: str) -> bool:
    """One or more ASCII digits and nothing else."""
    return bool(text) and all(ch in ASCII_DIGITS for ch in text)


def ascii_int(text: str) -> int:
    """``int`` of ASCII digits (an optional leading minus); ValueError otherwise."""
    body = text[1:] if text.startswith("-") else text
    if not is_ascii_int(body) or len(body) > 18:
        raise ValueError(text)
    return int(text)


def date_in_range(value: dt.date) -> bool:
    return MIN_DATE <= value <= MAX_DATE


def iso_date(text: str) -> dt.date:
    """A ``YYYY-MM-DD`` date in ASCII digits within MIN_DATE–MAX_DATE; ValueError otherwise."""
    text = text.strip()
    if len(text) != 10 or not all(ch in ASCII_DIGITS or ch == "-" for ch in text):
        raise ValueError(text)
    value = dt.date.fromisoformat(text)
    if not date_in_range(value):
        raise ValueError(text)
    return value


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def query_bool(name: str, raw: str | None) -> bool | None:
    """A boolean query parameter: absent is None; otherwise one of true/false/1/0/yes/no, or
    a 400 naming the parameter."""
    from rest_framework.exceptions import ValidationError

    if raw is None:
        return None
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValidationError({name: [f"{name} phải là true hoặc false."]})


def query_choice(name: str, raw: str | None, choices: list[str] | set[str]) -> str | None:
    """A query parameter from a fixed list: absent is None; anything else is a 400."""
    from rest_framework.exceptions import ValidationError

    if raw is None:
        return None
    if raw not in choices:
        raise ValidationError({name: [f"{name} phải là một trong: {', '.join(sorted(choices))}."]})
    return raw
