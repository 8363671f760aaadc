"""Benchmark of ``motcua import-dossiers``: dossiers per second and peak memory for
generated history files of two sizes (the import streams: memory must stay flat).

    .venv/bin/python bench/bench_import.py [--lines 10000,100000]
        [--database-url postgres://postgres@127.0.0.1:5432/postgres] [--without-form-pdfs]

Each size runs in a fresh temporary data dir (SQLite) or a fresh PostgreSQL database, with
the real command in a child process; its peak RSS comes from ``wait4``. Every generated
line is a counter dossier walking the three steps of a procedure, most resolved and
returned (5 or 1 events). The baseline, measured in the same run on the same file and
database: a child that reads the file, parses each line and writes it as one row in its own
transaction (the floor of one transaction per line on this stack).

``--per-event`` runs the import as it was before batches (one transaction per line, the
statistics written event by event); ``--batch N`` sets the lines per transaction.
``--reread`` runs it as it was before a line kept its dossier in hand: every action reads
the dossier again, locked, and writes it, its event and its units at once.

``--without-form-pdfs`` runs the same import with the forms app's hook left out of the
replay, as ``register_event_hook(..., during_replay=False)`` would. (The forms hook now
skips imported dossiers by itself, so both give the same figures; the flag stays to check.)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _site

BASELINE = r"""
import json, sys
import django
django.setup()
from django.db import connection, transaction
with connection.cursor() as c:
    c.execute("CREATE TABLE bench_bare (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)")
n = 0
with open(sys.argv[1], encoding="utf-8") as handle:
    for line in handle:
        record = json.loads(line)
        n += 1
        with transaction.atomic(), connection.cursor() as c:
            c.execute("INSERT INTO bench_bare (id, payload) VALUES (%s, %s)",
                      [n, json.dumps(record, ensure_ascii=False)])
print(n)
"""
WITHOUT_FORMS = r"""
import sys
import django
django.setup()
from django.core.management import call_command
from motcua.dossiers import hooks
hooks._hooks[:] = [
    hook for hook in hooks._hooks if not hook[0].__module__.startswith("motcua.forms")
]
call_command("import_dossiers", sys.argv[1], "--progress-every", "1000")
"""
# The import as it was before batches: one line per transaction, the statistics written
# event by event by the live hooks.
PER_EVENT = r"""
import contextlib, sys
import django
django.setup()
from django.core.management import call_command
from motcua.dossiers import importer
importer.replay_batch = contextlib.nullcontext
call_command("import_dossiers", sys.argv[1], "--progress-every", "1000", "--batch", "1")
"""
# The import before a line kept its dossier in hand between actions.
REREAD = r"""
import sys
import django
django.setup()
from django.core.management import call_command
from motcua.dossiers import services
services._keep_in_hand = lambda: False
call_command("import_dossiers", sys.argv[1], "--progress-every", "1000")
"""


def run_child(site: _site.Site, args: list[str]) -> tuple[float, int, int, str]:
    """(seconds, peak RSS in MiB, exit code, stdout) of one child process."""
    began = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, *args],
        cwd=site.workdir,
        env=site.env | {"MOTCUA_ENV": "demo"},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - began, usage.ru_maxrss // 1024, proc.returncode, out


def measure(
    lines: int,
    database_url: str | None,
    without_forms: bool,
    per_event: bool,
    batch: int | None,
    reread: bool = False,
) -> dict[str, float]:
    with (
        tempfile.TemporaryDirectory(prefix="motcua-bench-import-") as tmp,
        _site.site(Path(tmp), database_url) as site,
    ):
        site.prepare()
        path = _site.write_history(Path(tmp) / "history.jsonl", lines)
        if without_forms:
            command = ["-c", WITHOUT_FORMS, str(path)]
        elif per_event:
            command = ["-c", PER_EVENT, str(path)]
        elif reread:
            command = ["-c", REREAD, str(path)]
        else:
            command = ["-m", "motcua", "import-dossiers", str(path), "--progress-every", "1000"]
            command += ["--batch", str(batch)] if batch else []
        seconds, rss, code, out = run_child(site, command)
        if code != 0:
            raise SystemExit(f"import failed ({code}): {out[-2000:]}")
        again, _, code_again, out_again = run_child(site, command)
        if code_again != 0:
            raise SystemExit(f"re-import failed ({code_again}): {out_again[-2000:]}")
        base_seconds, base_rss, base_code, _ = run_child(site, ["-c", BASELINE, str(path)])
        if base_code != 0:
            raise SystemExit("baseline failed")
        verify = site.motcua("verify-history", check=False)
        print(f"{lines} lines: {out.strip()} | again: {out_again.strip()} | "
              f"verify-history exit {verify.returncode}", file=sys.stderr)  # fmt: skip
        return {
            "lines": lines,
            "seconds": seconds,
            "rate": lines / seconds,
            "rss": rss,
            "again_rate": lines / again,
            "base_rate": lines / base_seconds,
            "base_rss": base_rss,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", default="10000,100000", help="comma-separated sizes")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--without-form-pdfs", action="store_true")
    parser.add_argument(
        "--per-event",
        action="store_true",
        help="the import before batches: a transaction per line, statistics per event",
    )
    parser.add_argument("--batch", type=int, default=None, help="lines per transaction")
    parser.add_argument(
        "--reread",
        action="store_true",
        help="every action reads its dossier again and writes at once (before keeping in hand)",
    )
    args = parser.parse_args()
    sizes = [int(x) for x in args.lines.split(",")]
    results = [
        measure(
            n, args.database_url, args.without_form_pdfs, args.per_event, args.batch, args.reread
        )
        for n in sizes
    ]

    db = "PostgreSQL" if args.database_url else "SQLite (WAL)"
    hooks = "forms hook left out of replay" if args.without_form_pdfs else "all hooks as registered"
    print(f"\n## History import — {_site.machine()}")
    if args.per_event:
        mode = "one transaction per line, statistics per event (before batches)"
    elif args.reread:
        mode = "batches, each action reading its dossier again (before keeping it in hand)"
    else:
        mode = f"batches of {args.batch or 'the default'} lines, statistics per batch"
    print(f"{db}; {hooks}; {mode}\n")
    print(
        "| lines | import, dossiers/s | re-import (no-op), lines/s | peak RSS, MiB | "
        "baseline: parse + 1 row/transaction, lines/s | ratio | baseline peak RSS, MiB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['lines']:,} | {r['rate']:.1f} | {r['again_rate']:.0f} | {r['rss']} | "
            f"{r['base_rate']:.0f} | {r['base_rate'] / r['rate']:.0f}× | {r['base_rss']} |"
        )
    if len(results) > 1:
        first, last = results[0], results[-1]
        print(f"\npeak RSS {last['lines']:,} vs {first['lines']:,} lines: "
              f"{last['rss'] / first['rss']:.2f}× (flat means ≈ 1)")  # fmt: skip


if __name__ == "__main__":
    main()
