"""One checker for what people read: pages, e-mails, PDFs.

``text_problems(text)`` returns what in a Vietnamese text shows the program's insides:
Python reprs (``('``, ``{'``, ``None``, ``True``, ``[]``, ``dict_items``), English words
outside an allow-list, template or format placeholders left untranslated, raw slugs,
identifiers and role codes, usernames where a name should be, and numbers without
Vietnamese separators (``75000 đồng``, ``83.4 %``). The browser walk applies it to every
page of every role, the form tests to every PDF, the mail tests to every message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# Words of English that leak from code (developer notes, enum values, half translations).
# Each is checked as a whole word, case-insensitively, in ASCII-only tokens; Vietnamese
# words written without diacritics are not in the list.
ENGLISH_WORDS = frozenset(
    [
        "the",
        "and",
        "or",
        "of",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "with",
        "without",
        "from",
        "into",
        "for",
        "when",
        "while",
        "required",
        "optional",
        "starts",
        "start",
        "stops",
        "clock",
        "acceptance",
        "accepted",
        "reason",
        "method",
        "counter",
        "post",
        "processing",
        "submitted",
        "received",
        "refused",
        "resolved",
        "returned",
        "withdrawn",
        "stopped",
        "pending",
        "timeliness",
        "judged",
        "still",
        "previous",
        "next",
        "step",
        "steps",
        "first",
        "last",
        "due",
        "extended",
        "amount",
        "items",
        "note",
        "version",
        "assignee",
        "outcome",
        "granted",
        "denied",
        "fee",
        "name",
        "names",
        "field",
        "fields",
        "status",
        "unit",
        "units",
        "error",
        "errors",
        "not",
        "found",
        "page",
        "only",
        "back",
        "full",
        "time",
        "left",
        "supplement",
        "supplement_requested",
        "awaiting",
        "payment",
        "paused",
        "resumes",
        "restarts",
        "specialist",
        "leader",
        "desk",
        "citizen",
        "applicant",
        "holder",
        "true",
        "false",
        "none",
        "null",
        "undefined",
        "nan",
    ]
)
# Words that are fine on a Vietnamese page: product and technical names, units of
# measure, file kinds, standard abbreviations.
DEFAULT_ALLOW = frozenset(
    [
        "motcua",
        "api",
        "pdf",
        "xlsx",
        "excel",
        "qr",
        "sha",
        "sha-256",
        "otp",
        "totp",
        "email",
        "e-mail",
        "online",
        "vneid",
        "dvcqg",
        "ok",
        "id",
        "url",
        "http",
        "https",
        "www",
        "json",
        "csv",
        "png",
        "jpg",
        "jpeg",
        "docx",
        "zip",
        "ubnd",
        "hđnd",
        "cccd",
        "cmnd",
        "gpxd",
        "mb",
        "kb",
        "gb",
        "sms",
        "tp",
        "hcm",
        "vn",
        "pgs",
        "ts",
    ]
)
ROLE_CODES = ("desk", "specialist", "leader", "unit_admin", "citizen", "national")

_REPR = re.compile(
    r"\('|\{'|\['|\[\]|\{\}|\bdict_items\b|\bdict_keys\b|<bound method|object at 0x|"
    r"\bQuerySet\b|\bDecimal\('|\bdatetime\.|\bNone\b|\bTrue\b|\bFalse\b"
)
_PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]\b|\{\{|\}\}|\{%|%\}|\{[a-z_]+\}")
_IDENTIFIER = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
_SLUG = re.compile(r"(?<![\w./-])[a-z]+(?:-[a-z]+){2,}(?![\w./-])")
# A whole word only: letters inside a checksum ("8511be65718a") or a Vietnamese word are not
# English words.
_TOKEN = re.compile(r"(?<![^\W_])[A-Za-z][A-Za-z'_-]*(?![^\W_])")
_BIG_NUMBER = re.compile(r"(?<![\w.,:/+-])\d{4,}(?=\s*(?:đồng|đ\b|VNĐ|%|hồ sơ|lượt))")
_DOT_DECIMAL = re.compile(r"(?<![\w.,])\d+\.\d{1,2}(?=\s*(?:%|ngày|giờ|điểm))")


@dataclass(frozen=True)
class Problem:
    kind: str
    excerpt: str

    def __str__(self) -> str:
        return f"{self.kind}: …{self.excerpt}…"


def _excerpt(text: str, start: int, end: int, width: int = 30) -> str:
    return " ".join(text[max(0, start - width) : end + width].split())


def text_problems(
    text: str,
    *,
    usernames: Iterable[str] = (),
    allow: Iterable[str] = (),
    english: bool = True,
) -> list[Problem]:
    """Every problem found in ``text`` (what a person reads, already stripped of markup).

    ``usernames``: sign-in names that must not appear where a person is named.
    ``allow``: extra words or phrases accepted on this text (a page quoting an English
    name, a product). ``english=False`` for a page shown in English."""
    allowed = {word.lower() for word in allow} | DEFAULT_ALLOW
    problems: list[Problem] = []

    def add(kind: str, match: re.Match[str]) -> None:
        problems.append(Problem(kind, _excerpt(text, match.start(), match.end())))

    for match in _REPR.finditer(text):
        add("program data", match)
    for match in _PLACEHOLDER.finditer(text):
        add("untranslated placeholder", match)
    for match in _IDENTIFIER.finditer(text):
        if match.group().lower() not in allowed:
            kind = "role code" if match.group() in ROLE_CODES else "identifier"
            add(kind, match)
    for match in _SLUG.finditer(text):
        if match.group().lower() not in allowed:
            add("slug", match)
    for name in usernames:
        if not name:
            continue
        for match in re.finditer(rf"(?<![\w.@-]){re.escape(name)}(?![\w@-]|\.\w)", text):
            add("username", match)
    if english:
        for match in _TOKEN.finditer(text):
            word = match.group().lower().strip("'-_")
            if word in allowed:
                continue
            if word in ROLE_CODES:
                add("role code", match)
            elif word in ENGLISH_WORDS:
                add("English word", match)
    for match in _BIG_NUMBER.finditer(text):
        add("number without separators", match)
    for match in _DOT_DECIMAL.finditer(text):
        add("number without separators", match)
    return problems
