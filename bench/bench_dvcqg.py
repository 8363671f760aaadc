"""National portal sync (issue 14): updates per second delivered to the stand-in by the real
worker, the lag after an outage with 10,000 pending updates, and the worker's peak memory.

    .venv/bin/python bench/bench_dvcqg.py                       # 10,000 updates, 10-minute outage
    .venv/bin/python bench/bench_dvcqg.py --updates 2000 --outage-seconds 60   # quicker

Phase 1: dossiers with their histories are imported, then every event is put in the outbox
exactly as the live hook does (``sync.enqueue_event``), then ``motcua worker`` starts and
the time until the stand-in has accepted every update is measured. Phase 2: the same with
the stand-in down (HTTP 503) for the whole outage while the worker retries with the
outbox's default backoff; the lag is the time from the end of the outage until the last
update is accepted. Baseline: the same number of calls made straight to the stand-in by a
plain loop with as many threads as worker processes (the transport's ceiling).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _site import APPLICANT, COMMUNES, NAMES, ROOT, Site, machine

sys.path.insert(0, str(ROOT))
AGENCY = "000.00.00.T01"

ENQUEUE = """
import time
from django.db import transaction
from motcua.dossiers.models import Dossier
from motcua.integrations.dvcqg.sync import enqueue_event
start = time.monotonic()
rows = 0
for dossier in Dossier.objects.filter(national_sync__isnull=True).select_related(
    "procedure", "unit", "step_unit", "procedure_version"
).order_by("id").iterator(chunk_size=200):
    with transaction.atomic():
        for event in dossier.events.order_by("seq"):
            rows += enqueue_event(dossier, event)
print("ROWS", rows, round(time.monotonic() - start, 1))
"""


def history_line(i: int, rng: random.Random, base: dt.date) -> dict[str, Any]:
    """A counter dossier of procedure 2.000001 (codes from the unit's counter, so in the
    province): intake, three steps, resolve and return; one in ten stops after step one."""
    day = base + dt.timedelta(days=i % 200)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    start = dt.datetime.combine(day, dt.time(8, i % 60), dt.timezone(dt.timedelta(hours=7)))

    def at(hours: float) -> str:
        return (start + dt.timedelta(hours=hours)).isoformat()

    events: list[dict[str, Any]] = [{"action": "forward", "at": at(1)}]
    if i % 10:
        events += [
            {"action": "forward", "at": at(24)},
            {"action": "forward", "at": at(48)},
            {"action": "resolve", "at": at(72 + rng.randrange(100))},
            {"action": "return", "at": at(300), "method": "counter"},
        ]
    return {
        "procedure": "2.000001",
        "unit": COMMUNES[0],
        "channel": "counter",
        "applicant": {**APPLICANT, "name": f"{rng.choice(NAMES)} {i}"},
        "summary": f"Hồ sơ đồng bộ số {i}",
        "received_at": start.isoformat(),
        "events": events,
    }


def rows_for(updates: int) -> int:
    """Dossiers giving about ``updates`` outbox rows (10 rows for a full life, 4 for a short)."""
    return max(1, round(updates / 9.4))


def tree_rss_kib(pgid: int) -> int:
    """Peak resident memory (VmHWM) of the largest process of a process group."""
    peak = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(stat[2]) != pgid:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except (OSError, IndexError, ValueError):
            continue
    return peak


def accepted(portal: Any) -> int:
    with portal.lock:
        return sum(1 for c in portal.calls if c["error_code"] == "00")


def start_worker(site: Site, concurrency: int) -> subprocess.Popen[bytes]:
    log = (site.workdir / "worker.log").open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "motcua", "worker", "--concurrency", str(concurrency)],
        cwd=site.workdir, env=site.env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def stop_worker(worker: subprocess.Popen[bytes]) -> None:
    os.killpg(worker.pid, signal.SIGTERM)
    try:
        worker.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()


def load(site: Site, count: int, seed: int, base: dt.date) -> int:
    rng = random.Random(seed)
    path = site.workdir / f"history-{seed}.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            out.write(json.dumps(history_line(i, rng, base), ensure_ascii=False) + "\n")
    site.motcua("import-dossiers", str(path))
    result = site.motcua("manage", "shell", "-c", ENQUEUE)
    line = next(x for x in result.stdout.splitlines() if x.startswith("ROWS "))
    _, rows, seconds = line.split()
    print(f"  {count} dossiers, {rows} outbox rows written in {seconds} s", flush=True)
    return int(rows)


def wait_for(portal: Any, target: int, worker: subprocess.Popen[bytes], peak: list[int]) -> float:
    start = time.monotonic()
    while accepted(portal) < target:
        if worker.poll() is not None:
            raise SystemExit("the worker stopped; see worker.log")
        peak[0] = max(peak[0], tree_rss_kib(worker.pid))
        time.sleep(0.5)
    peak[0] = max(peak[0], tree_rss_kib(worker.pid))
    return time.monotonic() - start


def baseline(portal: Any, calls: int, threads: int) -> float:
    from motcua.integrations.dvcqg.client import PortalClient, PortalConfig

    client = PortalClient(
        PortalConfig(portal.url, portal.username, portal.password, portal.agency, 20.0)
    )
    step = {
        "MaHoSo": "000.01.01.T01-250106-0001", "NguoiXuLy": "Cán bộ", "ChucDanh": "",
        "ThoiDiemXuLy": "20250106080000", "PhongBanXuLy": "UBND xã Một", "NoiDungXuLy": "x",
        "TrangThai": 2, "NgayBatDau": "20250106080000", "NgayKetThucTheoQuyDinh": "",
    }  # fmt: skip
    client.call("TraCuuHoSo", [{"MaHoSo": step["MaHoSo"]}])  # logs in
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda _: client.call("CapNhatTienDoHoSoMC", [step]), range(calls)))
    return calls / (time.monotonic() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--updates", type=int, default=10000)
    parser.add_argument("--outage-seconds", type=float, default=600)
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    from motcua.integrations.dvcqg.tests.standin import StandIn

    portal = StandIn(agency=AGENCY).serve()
    with tempfile.TemporaryDirectory(prefix="motcua-bench-dvcqg-") as tmp:
        site = Site(Path(tmp), args.database_url)
        site.env.update(
            MOTCUA_DVCQG_URL=portal.url,
            MOTCUA_DVCQG_USERNAME=portal.username,
            MOTCUA_DVCQG_PASSWORD=portal.password,
            MOTCUA_DVCQG_AGENCY=AGENCY,
        )
        try:
            print(f"# {machine()}", flush=True)
            site.prepare()
            dossiers = rows_for(args.updates)

            print("phase 1: throughput", flush=True)
            rows = load(site, dossiers, 1, dt.date(2025, 1, 6))
            peak = [0]
            worker = start_worker(site, args.concurrency)
            elapsed = wait_for(portal, rows, worker, peak)
            stop_worker(worker)
            rate = rows / elapsed
            peak_small = peak[0]
            print(f"  {rows} updates in {elapsed:.1f} s: {rate:.1f}/s", flush=True)

            print(f"phase 2: {args.outage_seconds:.0f} s outage", flush=True)
            already = accepted(portal)
            portal.outage = "refuse"
            rows2 = load(site, dossiers, 2, dt.date(2026, 1, 5))
            peak = [0]
            worker = start_worker(site, args.concurrency)
            time.sleep(args.outage_seconds)  # the outage itself: the worker retries meanwhile
            peak[0] = tree_rss_kib(worker.pid)
            portal.outage = None
            lag = wait_for(portal, already + rows2, worker, peak)
            stop_worker(worker)
            status = json.loads(site.motcua("status", "--json", check=False).stdout or "{}")
            dvcqg = status.get("outbox", {}).get("dvcqg", {})
            print(f"  lag after the outage: {lag:.1f} s; outbox now {dvcqg}", flush=True)

            print("baseline: plain calls to the stand-in", flush=True)
            base_rate = baseline(portal, rows, args.concurrency)
            print()
            print("| measure | value |")
            print("|---|---:|")
            print(f"| updates delivered per second ({args.concurrency} worker processes) | "
                  f"{rate:.1f} |")  # fmt: skip
            print(f"| baseline: plain calls per second ({args.concurrency} threads) | "
                  f"{base_rate:.1f} |")  # fmt: skip
            print(f"| ratio baseline / sync | {base_rate / rate:.1f}× |")
            print(f"| pending updates after the outage | {rows2} |")
            print(f"| lag after a {args.outage_seconds:.0f} s outage (last update accepted) | "
                  f"{lag:.1f} s |")  # fmt: skip
            print(f"| worker peak RSS, phase 1 / phase 2 | {peak_small // 1024} MiB / "
                  f"{peak[0] // 1024} MiB |")  # fmt: skip
            print(f"| dead / pending rows at the end | {dvcqg.get('dead')} / "
                  f"{dvcqg.get('pending')} |")  # fmt: skip
        finally:
            site.close()
            portal.stop()


if __name__ == "__main__":
    main()
