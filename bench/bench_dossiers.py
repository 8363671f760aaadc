"""Benchmark of the dossier API on the real server: intake requests per second, and the
latency (p50, p95) of a dossier's detail and of the list with N dossiers in the database.

    .venv/bin/python bench/bench_dossiers.py [--dossiers 100000] [--seconds 10]
        [--samples 300] [--database-url postgres://postgres@127.0.0.1:5432/postgres]

Sets itself up in a temporary directory: a data dir (SQLite) or a fresh PostgreSQL
database, ``motcua migrate``, the catalogue, users, N seeded dossiers, then ``motcua serve``
(gunicorn, production settings, 2 workers). The baseline is measured in the same run on the
same server: a bare Django view returning JSON (installed by the benchmark's own urlconf,
not by the product). Seeded dossiers are bulk rows with their hash-chained history, so
``motcua verify-history`` accepts them; their events are written as the services write them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _site


def seed(site: _site.Site, count: int) -> float:
    """Insert ``count`` dossiers with valid histories (intake, forward, …) in bulk, in this
    process, on the site's database. Returns the seconds it took."""
    os.environ.update(site.env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.settings"
    import django

    django.setup()
    from django.db import transaction

    from motcua.core.text import fold
    from motcua.dossiers.models import Dossier, DossierEvent, DossierParticipant, Status
    from motcua.dossiers.services import GENESIS, event_hash
    from motcua.procedures.models import Procedure
    from motcua.units.models import Unit

    started = time.perf_counter()
    procedure = Procedure.objects.get(code="2.000001")
    version = procedure.versions.order_by("-number").first()
    unit = Unit.objects.get(code=_site.COMMUNES[0])
    rng = random.Random(11)
    tz = dt.timezone(dt.timedelta(hours=7))
    per_day: dict[dt.date, int] = {}
    batch = 2000
    for first in range(0, count, batch):
        dossiers, plans = [], []
        for i in range(first, min(first + batch, count)):
            day = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(900))
            per_day[day] = per_day.get(day, 0) + 1
            at = dt.datetime.combine(day, dt.time(8, rng.randrange(60)), tz)
            name = f"{rng.choice(_site.NAMES)} {i}"
            steps = rng.choice([0, 1, 1, 3])
            status = Status.RECEIVED if steps == 0 else Status.PROCESSING
            dossiers.append(
                Dossier(
                    code=f"{unit.code}-{day:%y%m%d}-{per_day[day]:04d}",
                    procedure=procedure,
                    procedure_version=version,
                    unit=unit,
                    channel="counter",
                    applicant_kind="citizen",
                    applicant_name=name,
                    applicant_name_folded=fold(name),
                    applicant_phone="0901234567",
                    status=status,
                    step_index=None if steps == 0 else steps - 1,
                    step_unit=None if steps == 0 else unit,
                    step_role=""
                    if steps == 0
                    else ["specialist", "specialist", "leader"][steps - 1],
                    received_at=at,
                    due_at=at + dt.timedelta(days=7),
                    created_at=at,
                    updated_at=at,
                    version=1 + steps,
                    event_count=1 + steps,
                    documents=[],
                )
            )
            plans.append((at, steps))
        with transaction.atomic():
            Dossier.objects.bulk_create(dossiers)
            if dossiers[0].pk is None:  # SQLite before RETURNING: read the ids back
                ids = dict(
                    Dossier.objects.filter(code__in=[d.code for d in dossiers]).values_list(
                        "code", "pk"
                    )
                )
                for d in dossiers:
                    d.pk = ids[d.code]
            # The receiving unit sees its dossiers (the staff scope reads the participants).
            DossierParticipant.objects.bulk_create(
                [DossierParticipant(dossier=d, unit=unit) for d in dossiers], batch_size=1000
            )
            events = []
            for d, (at, steps) in zip(dossiers, plans, strict=True):
                prev = GENESIS
                for seq in range(1, steps + 2):
                    event = DossierEvent(
                        dossier=d,
                        seq=seq,
                        action="intake" if seq == 1 else "forward",
                        actor_name="system",
                        at=at + dt.timedelta(minutes=seq),
                        from_status="" if seq == 1 else ("received" if seq == 2 else "processing"),
                        to_status="received" if seq == 1 else "processing",
                        step=None if seq == 1 else seq - 2,
                        data={},
                        prev_hash=prev,
                    )
                    event.hash = prev = event_hash(event, d.code)
                    events.append(event)
                d.history_head = prev
            DossierEvent.objects.bulk_create(events, batch_size=1000)
            Dossier.objects.bulk_update(dossiers, ["history_head"], batch_size=1000)
    from django.db import connections

    connections.close_all()
    return time.perf_counter() - started


class Client:
    """One keep-alive HTTP connection."""

    def __init__(self, port: int, token: str | None = None) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.headers = {"Host": "127.0.0.1", "Content-Type": "application/json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, bytes]:
        data = None if body is None else json.dumps(body).encode()
        self.conn.request(method, path, body=data, headers=self.headers)
        response = self.conn.getresponse()
        return response.status, response.read()


def latency(port: int, token: str | None, paths: list[str]) -> tuple[float, float]:
    """p50 and p95 in milliseconds of one client calling ``paths`` one after another."""
    client = Client(port, token)
    client.call("GET", paths[0])  # warm the connection
    times = []
    for path in paths:
        began = time.perf_counter()
        status, _ = client.call("GET", path)
        times.append((time.perf_counter() - began) * 1000)
        assert status == 200, (path, status)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def throughput(
    port: int, token: str | None, method: str, path: str, body: Any, seconds: float, clients: int
) -> tuple[float, int]:
    """Requests per second of ``clients`` threads for ``seconds``; also the errors."""
    done = [0] * clients
    errors = [0] * clients
    stop = threading.Event()

    def run(i: int) -> None:
        client = Client(port, token)
        while not stop.is_set():
            status, _ = client.call(method, path, body)
            if status in (200, 201):
                done[i] += 1
            else:
                errors[i] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    time.sleep(seconds)  # the measuring window, not a race
    stop.set()
    for t in threads:
        t.join()
    return sum(done) / (time.perf_counter() - began), sum(errors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    with (
        tempfile.TemporaryDirectory(prefix="motcua-bench-") as tmp,
        _site.site(Path(tmp), args.database_url) as site,
    ):
        site.prepare()
        seconds = seed(site, args.dossiers)
        print(f"seeded {args.dossiers} dossiers in {seconds:.1f} s", file=sys.stderr)
        check = site.motcua("verify-history", check=False)
        print(check.stdout.strip(), file=sys.stderr)
        site.start()
        token_client = Client(site.port)
        status, body = token_client.call(
            "POST", "/api/v1/auth/token", {"username": "desk", "password": _site.PASSWORD}
        )
        assert status == 201, body
        token = json.loads(body)["token"]
        rng = random.Random(5)
        codes = [
            row["code"]
            for row in json.loads(
                Client(site.port, token).call("GET", "/api/v1/dossiers?page_size=200")[1]
            )["results"]
        ]
        status, body = Client(site.port, token).call("GET", "/api/v1/dossiers")
        total = json.loads(body)["count"]
        n = args.samples
        names = [quote(f"{rng.choice(_site.NAMES)} {rng.randrange(args.dossiers)}")]
        intake = {
            "procedure": "2.000001",
            "unit": _site.COMMUNES[0],
            "channel": "counter",
            "applicant": _site.APPLICANT,
            "summary": "Hồ sơ đo hiệu năng",
        }

        bare_lat = latency(site.port, None, ["/bench/bare"] * n)
        detail_lat = latency(
            site.port, token, [f"/api/v1/dossiers/{rng.choice(codes)}" for _ in range(n)]
        )
        list_lat = latency(
            site.port, token, [f"/api/v1/dossiers?page={1 + i % 5}" for i in range(n)]
        )
        search_lat = latency(
            site.port, token, [f"/api/v1/dossiers?search={names[0]}" for _ in range(n // 3)]
        )
        status_lat = latency(
            site.port,
            token,
            ["/api/v1/dossiers?status=processing&overdue=true" for _ in range(n // 3)],
        )
        bare_get_rps, _ = throughput(
            site.port, None, "GET", "/bench/bare", None, args.seconds, args.clients
        )
        bare_post_rps, _ = throughput(
            site.port, None, "POST", "/bench/bare", intake, args.seconds, args.clients
        )
        intake_rps, intake_errors = throughput(
            site.port, token, "POST", "/api/v1/dossiers", intake, args.seconds, args.clients
        )
        site.stop()
        verify = site.motcua("verify-history", check=False)

    db = "PostgreSQL" if args.database_url else "SQLite (WAL)"
    print(f"\n## Dossier API — {_site.machine()}")
    print(
        f"{db}; {total} dossiers in the database; `motcua serve` 2 workers × 4 threads; "
        f"client on the same machine\n"
    )
    print("| measure | value | baseline: bare Django JSON view | ratio (× baseline cost) |")
    print("|---|---:|---:|---:|")
    rows = [
        ("intake, requests/s", f"{intake_rps:.1f}", f"{bare_post_rps:.1f} (POST)",
         bare_post_rps / intake_rps if intake_rps else float("inf"), args.clients),
        ("detail p50 / p95, ms", f"{detail_lat[0]:.1f} / {detail_lat[1]:.1f}",
         f"{bare_lat[0]:.1f} / {bare_lat[1]:.1f}", detail_lat[0] / bare_lat[0], 1),
        ("list page p50 / p95, ms", f"{list_lat[0]:.1f} / {list_lat[1]:.1f}",
         f"{bare_lat[0]:.1f} / {bare_lat[1]:.1f}", list_lat[0] / bare_lat[0], 1),
        ("list search=name p50 / p95, ms", f"{search_lat[0]:.1f} / {search_lat[1]:.1f}",
         f"{bare_lat[0]:.1f} / {bare_lat[1]:.1f}", search_lat[0] / bare_lat[0], 1),
        ("list status+overdue p50 / p95, ms", f"{status_lat[0]:.1f} / {status_lat[1]:.1f}",
         f"{bare_lat[0]:.1f} / {bare_lat[1]:.1f}", status_lat[0] / bare_lat[0], 1),
    ]  # fmt: skip
    for name, value, base, ratio, clients in rows:
        print(f"| {name} ({clients} client{'s' if clients > 1 else ''}) | {value} | {base} | "
              f"{ratio:.1f}× |")  # fmt: skip
    print(f"\nbare GET: {bare_get_rps:.1f} requests/s with {args.clients} clients; "
          f"intake errors: {intake_errors}; verify-history after the run: "
          f"exit {verify.returncode} ({verify.stdout.strip()})")  # fmt: skip


if __name__ == "__main__":
    main()
