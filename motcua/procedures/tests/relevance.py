"""The relevance set of the procedure search (``bench/search_relevance.json``) and its
measure, shared by the test and the benchmark."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

RELEVANCE_FILE = Path(__file__).resolve().parents[3] / "bench" / "search_relevance.json"


@dataclass(frozen=True)
class Judged:
    query: str
    expected: tuple[str, ...]
    top3: tuple[str, ...]

    @property
    def precision(self) -> float:
        hits = sum(1 for code in self.top3 if code in self.expected)
        return hits / min(3, len(self.expected))


def relevance_queries() -> list[tuple[str, tuple[str, ...]]]:
    data = json.loads(RELEVANCE_FILE.read_text(encoding="utf-8"))
    return [(q["query"], tuple(q["expected"])) for q in data["queries"]]


def judge(search: Callable[[str], list[str]]) -> list[Judged]:
    """Run every query through ``search`` (query → codes, best first)."""
    return [
        Judged(query, expected, tuple(search(query)[:3])) for query, expected in relevance_queries()
    ]


def precision_at_3(judged: list[Judged]) -> float:
    return sum(j.precision for j in judged) / len(judged)
