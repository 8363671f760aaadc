"""Load test of a province's day (issue 17): a locust mixed workload — citizens on the portal,
desk officers in the workspace, leaders on the statistics — against the real server, with
throughput and p50/p95/p99 per route beside the bare Django view measured in the same run.

    .venv/bin/python bench/bench_load.py [--dossiers 100000[,1000000]] [--users 8,24]
        [--duration 60]
        [--database-url postgres://postgres@127.0.0.1:5432/postgres] [--workers 3]

Sets itself up in a temporary directory: a fresh PostgreSQL database (or SQLite with
``--database-url sqlite``), ``motcua migrate``, ``motcua seed --dossiers N`` (a province of
100 units, 3 years), officer accounts on seeded communes and the province, then
``motcua serve`` (gunicorn, production settings, its background worker beside it). Then
locust runs headless twice: the bare view alone (``--baseline-seconds``), then the mixed
workload of ``bench/locustfile.py`` (weights documented there and in bench/README.md), in
which the bare view keeps one user so that every route's p50 has a baseline taken under the
same load. Prints a table per route, the 5xx count, CPU seconds per request of the server's
processes, their memory, and the database's size.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _site

HERE = Path(__file__).resolve().parent
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"

ACCOUNTS = """
import json, random
from django.db import connection
from django.utils import timezone
from motcua.dossiers.models import Dossier
from motcua.procedures.models import Procedure
from motcua.units.models import Unit
from motcua.units.services import user_create_or_update as make

if connection.vendor == "postgresql":  # a live database has its statistics; a fresh seed not yet
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
rng = random.Random(3)
password = {password!r}
last = Dossier.objects.order_by("-id").values_list("id", flat=True).first() or 0
ids = rng.sample(range(1, last + 1), min(3000, last))
lookups = []
for code, phone in Dossier.objects.filter(id__in=ids).values_list("code", "applicant_phone"):
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) >= 4:
        lookups.append([code, digits[-4:]])
root = Unit.objects.get(code="000.00.00.S01")
communes = [
    u for u in Unit.objects.filter(level="commune", code__endswith=".S01").order_by("code")
    if u.procedures.filter(is_active=True).exists()
][: {desks}]
desks = []
for i, unit in enumerate(communes):
    name = f"bench-mc-{{i}}"
    make(username=name, password=password, roles=[("desk", unit.code)], full_name="Một cửa")
    latest = Dossier.objects.filter(unit=unit).order_by("-id")
    codes = list(latest.values_list("code", flat=True)[:300])
    procs = sorted(unit.procedures.filter(is_active=True).values_list("code", flat=True))
    desks.append({{"username": name, "unit": unit.code, "codes": codes, "procedures": procs}})
make(username="bench-ld-tinh", password=password, roles=[("leader", root.code)],
     full_name="Lãnh đạo tỉnh")
procedures = sorted(Procedure.objects.filter(is_active=True).values_list("code", flat=True))
with connection.cursor() as cur:
    if connection.vendor == "postgresql":
        cur.execute("SELECT pg_database_size(current_database())")
        size = cur.fetchone()[0]
    else:
        size = 0
print("JSON" + json.dumps({{
    "password": password, "lookups": lookups, "desks": desks,
    "leaders": [{{"username": "bench-ld-tinh"}}], "procedures": procedures,
    "last_year": timezone.localdate().year - 1, "dossiers": Dossier.objects.count(),
    "db_bytes": size,
}}, ensure_ascii=False))
"""


def server_processes(pid: int) -> list[Any]:
    import psutil

    try:
        parent = psutil.Process(pid)
        return [parent, *parent.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def cpu_seconds(procs: list[Any]) -> float:
    total = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except Exception:
            continue
    return total


def backend_cpu(database_url: str | None) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend connected to the site's database (the server
    keeps its connections, ``conn_max_age``), by pid; empty on SQLite."""
    if not database_url:
        return {}
    import psutil
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        pids = [
            row[0]
            for row in conn.execute(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ]
    cpu = {}
    for pid in pids:
        try:
            t = psutil.Process(pid).cpu_times()
        except psutil.Error:
            continue
        cpu[pid] = t.user + t.system
    return cpu


def backend_delta(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU the backends used between two samples (a backend born in between counts whole;
    one that ended in between is lost, which the server's kept connections make rare)."""
    return sum(value - before.get(pid, 0.0) for pid, value in after.items())


def children_cpu() -> float:
    """CPU seconds of this process's finished children (the locust run just ended)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def rss_mib(procs: list[Any]) -> float:
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except Exception:
            continue
    return total / 2**20


def run_locust(
    host: str,
    data: Path,
    prefix: Path,
    users: int,
    seconds: int,
    wait: float,
    classes: list[str],
    env: dict[str, str],
) -> dict[str, dict[str, float]]:
    command = [
        sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless",
        "-H", host, "-u", str(users), "-r", str(max(1, users // 2)), "-t", f"{seconds}s",
        "--csv", str(prefix), "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING",
        *classes,
    ]  # fmt: skip
    run_env = {
        **env,
        "MOTCUA_LOAD_DATA": str(data),
        "MOTCUA_LOAD_WAIT": str(wait),
        "MOTCUA_LOAD_5XX": f"{prefix}_5xx.json",
    }
    # Locust exits 1 when any request failed; the table reports the failures.
    result = subprocess.run(
        command, env=run_env, capture_output=True, text=True, timeout=seconds + 180, check=False
    )
    stats_file = Path(f"{prefix}_stats.csv")
    if not stats_file.exists():
        raise SystemExit(f"locust wrote no statistics:\n{result.stderr[-3000:]}")
    rows: dict[str, dict[str, float]] = {}
    with stats_file.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            rows[row["Name"]] = {
                "count": float(row["Request Count"]),
                "failures": float(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "p50": float(row["50%"] or 0),
                "p95": float(row["95%"] or 0),
                "p99": float(row["99%"] or 0),
                "mean": float(row["Average Response Time"] or 0),
            }
    fails = Path(f"{prefix}_failures.csv")
    if fails.exists():
        rows["_failures"] = {"text": fails.read_text(encoding="utf-8")}  # type: ignore[dict-item]
    five = Path(f"{prefix}_5xx.json")
    rows["_5xx"] = json.loads(five.read_text()) if five.exists() else {}  # type: ignore[assignment]
    return rows


def one_run(args: argparse.Namespace, dossiers: int) -> None:
    database_url = None if args.database_url == "sqlite" else args.database_url
    with (
        tempfile.TemporaryDirectory(prefix="motcua-load-") as tmp,
        _site.site(Path(tmp), database_url, "motcua_locust") as site,
    ):
        # Behind nginx the server trusts its proxy's X-Forwarded-For: each simulated citizen
        # has their own address, and the per-address lookup limit stays as configured.
        site.env["MOTCUA_TRUSTED_PROXIES"] = "127.0.0.1/32"
        site.motcua("migrate")
        began = time.monotonic()
        site.motcua("seed", "--dossiers", str(dossiers))
        seeded = time.monotonic() - began
        print(f"seeded {dossiers} dossiers in {seeded:.0f} s", file=sys.stderr, flush=True)
        out = site.motcua(
            "manage", "shell", "-c", ACCOUNTS.format(password=_site.PASSWORD, desks=args.desks)
        ).stdout
        payload = json.loads(next(line[4:] for line in out.splitlines() if line.startswith("JSON")))
        data = Path(tmp) / "load.json"
        data.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        site.start(workers=args.workers, threads=args.threads)
        host = f"http://127.0.0.1:{site.port}"
        assert site.server is not None
        env = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_")}
        runs = []
        for users in args.users:
            bare = run_locust(
                host, data, Path(tmp) / f"bare{users}", users, args.baseline_seconds, args.wait,
                ["Baseline"], env,
            )  # fmt: skip
            procs = server_processes(site.server.pid)
            db_url = site.env.get("MOTCUA_DATABASE_URL")
            cpu0, pg0, t0 = cpu_seconds(procs), backend_cpu(db_url), time.monotonic()
            own0 = children_cpu()
            load0 = os.getloadavg()[0]
            mixed = run_locust(
                host, data, Path(tmp) / f"mixed{users}", users, args.duration, args.wait, [], env
            )
            elapsed = time.monotonic() - t0
            procs = server_processes(site.server.pid)
            measures = {
                "users": users,
                "elapsed": elapsed,
                "app_cpu": cpu_seconds(procs) - cpu0,
                "pg_cpu": backend_delta(pg0, backend_cpu(db_url)),
                "locust_cpu": children_cpu() - own0,
                "rss": rss_mib(procs),
                "load": (load0, os.getloadavg()[0]),
            }
            runs.append((bare, mixed, measures))
        site.stop()
        log = (Path(tmp) / "server.log").read_text(errors="replace")
        tracebacks = log.count("Traceback (most recent call last)")
        first_tb = ""
        if tracebacks:
            at = log.index("Traceback (most recent call last)")
            first_tb = log[max(0, at - 600) : at + 2500]
    for bare, mixed, measures in runs:
        report(args, dossiers, seeded, payload, bare, mixed, measures)
    print(f"\ntracebacks in the server log over the whole run: {tracebacks}")
    if first_tb:
        print("first traceback in the server log:\n" + first_tb)


def report(
    args: argparse.Namespace,
    dossiers: int,
    seeded: float,
    payload: dict[str, Any],
    bare: dict[str, Any],
    mixed: dict[str, Any],
    measures: dict[str, Any],
) -> None:
    users, elapsed, load = measures["users"], measures["elapsed"], measures["load"]
    app_cpu, pg_cpu, rss = measures["app_cpu"], measures["pg_cpu"], measures["rss"]
    db = "SQLite (WAL)" if args.database_url == "sqlite" else "PostgreSQL"
    base_name = "baseline: bare Django view"
    in_mix = mixed.get(base_name, {})
    alone = bare.get(base_name, {})
    base_p50 = in_mix.get("p50") or alone.get("p50") or 1.0
    print(f"\n## Load test — {payload['dossiers']:,} dossiers, {db}")
    print(_site.machine())
    print(
        f"seeded {dossiers:,} in {seeded:.0f} s; database {payload['db_bytes'] / 2**20:,.0f} MiB; "
        f"`motcua serve` {args.workers} workers × {args.threads} threads + its worker; "
        f"{users} locust users, think time {args.wait:g} s, {args.duration} s mixed; "
        f"load average {load[0]:.1f} → {load[1]:.1f}\n"
    )
    print("| route | requests | req/s | p50 ms | p95 ms | p99 ms | failures | 5xx | "
          "p50 ÷ bare p50 |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    counts = (mixed.get("_5xx") or {}).get("counts", {})
    names = sorted(n for n in mixed if not n.startswith("_") and n != "Aggregated")
    for name in [*names, "Aggregated"]:
        r = mixed.get(name)
        if not r:
            continue
        five = sum(counts.values()) if name == "Aggregated" else counts.get(name, 0)
        print(
            f"| {name} | {r['count']:.0f} | {r['rps']:.1f} | {r['p50']:.0f} | {r['p95']:.0f} | "
            f"{r['p99']:.0f} | {r['failures']:.0f} | {five} | {r['p50'] / base_p50:.1f}× |"
        )
    if alone:
        print(
            f"| bare Django view alone ({args.baseline_seconds} s, before the mix) | "
            f"{alone['count']:.0f} | {alone['rps']:.1f} | {alone['p50']:.0f} | "
            f"{alone['p95']:.0f} | {alone['p99']:.0f} | {alone['failures']:.0f} | "
            f"{sum(((bare.get('_5xx') or {}).get('counts') or {}).values())} | |"
        )
    total = mixed.get("Aggregated", {})
    requests = total.get("count", 0) - in_mix.get("count", 0)
    print()
    print(
        f"product requests (without the bare view): {requests:.0f} in {elapsed:.0f} s = "
        f"{requests / max(elapsed, 1):.1f} req/s; server CPU (gunicorn + worker) "
        f"{app_cpu:.0f} s = {1000 * app_cpu / max(requests, 1):.1f} ms per request; "
        f"PostgreSQL CPU (the backends of the site's database) {pg_cpu:.0f} s = "
        f"{1000 * pg_cpu / max(requests, 1):.1f} ms per request; locust's own CPU "
        f"{measures['locust_cpu']:.0f} s; server RSS {rss:.0f} MiB"
    )
    five_total = sum(counts.values())
    print(f"5xx responses: {five_total}")
    for name, url in ((mixed.get("_5xx") or {}).get("first") or {}).items():
        print(f"  first 5xx of {name}: {url}")
    failures = mixed.get("_failures", {}).get("text", "") if mixed.get("_failures") else ""
    if failures and failures.count("\n") > 1:
        print("failures (locust):\n" + re.sub(r"\n+", "\n", failures)[:4000])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", default="100000", help="N or N1,N2 (one site each)")
    parser.add_argument(
        "--users", default="8,24", help="concurrent users; N1,N2 runs one mix per level"
    )
    parser.add_argument("--duration", type=int, default=60, help="seconds of mixed load")
    parser.add_argument("--baseline-seconds", type=int, default=15)
    parser.add_argument("--wait", type=float, default=0, help="think time per user, seconds")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--desks", type=int, default=8, help="communes with a desk account")
    parser.add_argument(
        "--database-url", default=DEFAULT_PG, help="a PostgreSQL server URL, or 'sqlite'"
    )
    args = parser.parse_args()
    try:
        counts = [int(n.replace("_", "")) for n in args.dossiers.split(",")]
        args.users = [int(n) for n in args.users.split(",")]
    except ValueError:
        raise SystemExit("--dossiers, --users: whole numbers, comma-separated") from None
    if min(counts + args.users) < 1:
        raise SystemExit("--dossiers, --users: at least 1")
    for n in counts:
        one_run(args, n)


if __name__ == "__main__":
    main()
