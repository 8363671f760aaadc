"""Vietnamese collation: "Đất đai" after "Dân tộc", "Tài nguyên nước" before "Trẻ em".

Plain Unicode order puts every letter with a diacritic after "z" (``Đ`` is U+0110), so
lists read in an order nobody expects. Sorting follows the Unicode Collation Algorithm
with the Vietnamese tailoring of CLDR, through ICU: PyICU in Python (in-memory lists and
the embedded SQLite database) and the ``vi-VN`` ICU collation in PostgreSQL (migration
``core.0002_vietnamese_collation``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any, TypeVar

import icu
from django.db.models import F, OrderBy
from django.db.models.expressions import Expression
from django.db.models.functions import Collate

T = TypeVar("T")
PG_COLLATION = "vi_icu"


@lru_cache(maxsize=1)
def _collator() -> Any:
    return icu.Collator.createInstance(icu.Locale("vi_VN"))


def sort_key(text: str | None) -> bytes:
    """The ICU sort key of ``text`` in Vietnamese order (``None`` sorts first)."""
    return bytes(_collator().getSortKey(text or ""))


def vi_sorted(items: Iterable[T], key: Callable[[T], str | None] | None = None) -> list[T]:
    """``items`` in Vietnamese order of ``key(item)`` (the item itself by default)."""
    if key is None:
        return sorted(items, key=lambda item: sort_key(str(item)))
    getter = key
    return sorted(items, key=lambda item: sort_key(getter(item)))


def vi_order(field: str, *, descending: bool = False) -> OrderBy:
    """An ``order_by`` term sorting ``field`` in Vietnamese order: the ``vi_icu`` collation,
    ICU's own in PostgreSQL, and the same ICU collator registered on every SQLite
    connection (``register_sqlite_collation``)."""
    expression: Expression = Collate(F(field), PG_COLLATION)
    return expression.desc() if descending else expression.asc()


def _sqlite_compare(left: str | None, right: str | None) -> int:
    result: int = _collator().compare(left or "", right or "")
    return result


def register_sqlite_collation(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created`` receiver: SQLite learns the ``vi_icu`` collation."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(PG_COLLATION, _sqlite_compare)
