"""Search relevance and latency of the procedure search on the demo catalogue.

    .venv/bin/python bench/bench_search.py [--database-url postgres://…/db]

Runs the relevance set (``bench/search_relevance.json``: real queries with the procedures
expected in the first three results) through the search engine of the portal, the API and
the desk (``procedure_search``), and, as the baseline in the same run, through the engine it
replaced (accents and case folded, every word a substring, whole phrase in the name first,
then alphabetical). Prints precision@3 of both, the queries the engine misses, and the
query latency (p50, p95). Goal: precision@3 ≥ 0.9 (issue 12).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="motcua-bench-search-")
    os.environ.update(MOTCUA_ENV="test", MOTCUA_DATA_DIR=data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    if args.database_url:
        os.environ["MOTCUA_DATABASE_URL"] = args.database_url
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)

    from motcua.core.text import fold, search_terms
    from motcua.demo.loader import CATALOG
    from motcua.procedures.catalog import catalog_import_file
    from motcua.procedures.models import Procedure
    from motcua.procedures.selectors import procedure_search
    from motcua.procedures.tests.relevance import judge, precision_at_3, relevance_queries

    if not Procedure.objects.exists():
        catalog_import_file(str(CATALOG))

    rows = [
        (p.code, p.name, fold(p.name), fold(" ".join([p.name, p.code, p.field.name, p.result])))
        for p in Procedure.objects.select_related("field")
    ]
    docs = {p.pk: " ".join(d.name for d in p.documents.all()) for p in Procedure.objects.all()}
    by_code = {p.code: p.pk for p in Procedure.objects.all()}
    rows = [(c, n, fn, ft + " " + fold(docs[by_code[c]])) for c, n, fn, ft in rows]

    def baseline(query: str) -> list[str]:
        terms = search_terms(query)
        if not terms:
            return []
        phrase = " ".join(terms)
        found = []
        for code, name, fname, ftext in rows:
            if code == query.strip() or all(t in ftext for t in terms):
                if fname.startswith(phrase) or code == query.strip():
                    rank = 0
                elif phrase in fname:
                    rank = 1
                elif all(t in fname for t in terms):
                    rank = 2
                else:
                    rank = 3
                found.append((rank, name, code))
        return [code for _r, _n, code in sorted(found)]

    def engine(query: str) -> list[str]:
        return [p.code for p in procedure_search(query=query)[:3]]

    new = judge(engine)
    old = judge(baseline)
    latencies: list[float] = []
    base_latencies: list[float] = []
    for _ in range(args.rounds):
        for query, _expected in relevance_queries():
            t0 = time.perf_counter()
            engine(query)
            latencies.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            baseline(query)
            base_latencies.append((time.perf_counter() - t0) * 1000)

    def pct(values: list[float], q: int) -> float:
        return statistics.quantiles(values, n=100)[q - 1]

    print(
        f"database: {connection.vendor}; {len(new)} queries; {Procedure.objects.count()} procedures"
    )
    print()
    print("| engine | precision@3 | queries fully right | p50 ms | p95 ms |")
    print("|---|---:|---:|---:|---:|")
    for label, judged, lat in (
        ("MotCua search (synonyms, i/y, phrase, ranking)", new, latencies),
        ("baseline: previous engine (in Python, no database)", old, base_latencies),
    ):
        right = sum(1 for j in judged if j.precision == 1)
        print(
            f"| {label} | {precision_at_3(judged):.3f} | {right}/{len(judged)} "
            f"| {pct(lat, 50):.2f} | {pct(lat, 95):.2f} |"
        )
    misses = [j for j in new if j.precision < 1]
    if misses:
        print()
        print("Queries below 1.0 with the engine:")
        for j in misses:
            print(f"- {j.query!r}: got {list(j.top3)}, expected {list(j.expected)}")


if __name__ == "__main__":
    main()
