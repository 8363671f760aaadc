"""Personal data encrypted at rest (issue 11, finding 7).

- **Fields.** :class:`EncryptedChar` is django-fernet-encrypted-fields' Fernet (AES-128-CBC
  with HMAC-SHA256) field: what the database holds is a Fernet token; Python code and the
  forms see the plain value under the same attribute name. The key is derived (PBKDF2,
  100,000 rounds) from ``MOTCUA_SECRET_KEY`` and a key name from ``MOTCUA_FIELD_KEYS``: the
  first name encrypts, every listed name (and every ``SECRET_KEY_FALLBACKS`` key) decrypts,
  so keys rotate without downtime (README, Security). Empty values stay empty strings.
- **Search.** An encrypted value cannot be searched, so beside it sits a keyed hash
  (HMAC-SHA256 under its own derived key) of the normalised value: an officer finds a dossier
  by the whole ID number or phone number, and nobody without the key can test guesses.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cache
from typing import Any

from django.conf import settings
from django.db import models
from encrypted_fields.fields import EncryptedFieldMixin

from motcua.core.validation import ASCII_DIGITS


class EncryptedChar(EncryptedFieldMixin, models.CharField):
    """An encrypted CharField whose empty value is ``""`` (never NULL) in and out."""

    def get_prep_value(self, value: Any) -> Any:
        if value is None or value == "":
            return "" if not self.null else value
        return super().get_prep_value(value)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return "" if not self.null else value
        return super().from_db_value(value, expression, connection)


@cache
def _index_key(secret: str) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", secret.encode(), b"motcua-blind-index", 100_000)


def digits_of(value: str) -> str:
    return "".join(ch for ch in (value or "") if ch in ASCII_DIGITS)


def blind_index(value: str) -> str:
    """The keyed hash of a phone or ID number (its ASCII digits); "" for no digits."""
    digits = digits_of(value)
    if not digits:
        return ""
    key = _index_key(str(settings.SECRET_KEY))
    return hmac.new(key, digits.encode(), hashlib.sha256).hexdigest()
