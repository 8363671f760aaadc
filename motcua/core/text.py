"""Vietnamese text folding for search.

Search folds case, diacritics and ``đ→d`` on both sides (the query and the stored
text), in Python, so the database only ever compares plain ASCII: the same rule on
SQLite and PostgreSQL, whatever the database's collation or ``LC_CTYPE``.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^0-9a-z.]+")


def fold(text: str) -> str:
    """Lower-case, strip diacritics, map đ/Đ to d and collapse punctuation to spaces."""
    text = text.replace("đ", "d").replace("Đ", "d")
    decomposed = unicodedata.normalize("NFKD", text.lower())
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", _NON_WORD.sub(" ", ascii_only)).strip()


def comparable(value: str) -> bool:
    """Whether the database can compare ``value`` at all: PostgreSQL refuses text with a
    NUL character, so a query holding one would fail instead of matching nothing."""
    return "\x00" not in value


def search_terms(query: str, *, max_terms: int = 8, max_length: int = 200) -> list[str]:
    """The folded words of a user's query, bounded so that a huge query stays cheap."""
    words = fold(query[:max_length]).split()
    seen: list[str] = []
    for word in words:
        if word not in seen:
            seen.append(word)
    return seen[:max_terms]


# A final "y" after a consonant is the same syllable as "i" (ký/kí, lý/lí, quý/quí, mỹ/mĩ,
# sỹ/sĩ, tỷ/tỉ, hy/hi): both spellings are in official use, so the catalogue search folds
# them like accents. Diphthongs (ay, ây, uy after a vowel) are untouched.
_Y_FINAL = re.compile(r"\b(b|c|ch|d|g|gh|h|k|kh|l|m|n|ng|nh|p|ph|qu|r|s|t|th|tr|v|x)y\b")


def fold_variants(text: str) -> str:
    """``fold`` plus the i/y orthographic variants: "Đăng ký" and "đăng kí" both give
    "dang ki"."""
    return _Y_FINAL.sub(r"\1i", fold(text))
