"""Benchmark of counter intake now that its slow work is in the background (issue 10):
intake requests per second with N clients beside a catalogue read and a bare Django view on
the same server, in the same run; then how long the worker takes to drain what the burst
left (receipts drawn and filed, e-mails delivered to a real SMTP server).

    .venv/bin/python bench/bench_intake.py [--seconds 10] [--clients 8]
        [--database-url postgres://postgres@127.0.0.1:5432/postgres]

Sets itself up in a temporary directory (a data dir with SQLite, or a fresh PostgreSQL
database), ``motcua migrate``, the catalogue and users, an SMTP server (aiosmtpd) in this
process, then ``motcua serve`` (gunicorn, production settings) with its worker beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _site
from bench_dossiers import Client, throughput


class Smtp:
    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        self.count = 0
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.count += 1
        return "250 OK"

    def stop(self) -> None:
        self.controller.stop()


def backlog(site: _site.Site) -> tuple[int, int, int]:
    """(outbox rows not yet delivered, tasks waiting or running, receipts filed) — read through
    the command line. The burst is drained when nothing waits: every receipt drawn (and filed,
    unless filing failed: the warnings in ``server.log`` say why) and every e-mail sent."""
    script = (
        "from motcua.outbox.models import OutboxMessage as M\n"
        "from django_tasks_db.models import DBTaskResult as T\n"
        "from motcua.forms.models import IssuedForm as F\n"
        "print(M.objects.exclude(status='delivered').count(),"
        " T.objects.filter(status__in=['READY', 'RUNNING']).count(),"
        " F.objects.filter(number='01').count())"
    )
    out = site.motcua("manage", "shell", "-c", script).stdout.strip().splitlines()[-1]
    pending, tasks, filed = out.split()
    return int(pending), int(tasks), int(filed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1,
        help="gunicorn workers (default: that of motcua serve)",
    )  # fmt: skip
    parser.add_argument("--threads", type=int, default=2, help="threads a worker (as serve)")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    smtp = Smtp()
    try:
        with (
            tempfile.TemporaryDirectory(prefix="motcua-bench-") as tmp,
            _site.site(Path(tmp), args.database_url) as site,
        ):
            site.env.update(
                MOTCUA_EMAIL_HOST="127.0.0.1",
                MOTCUA_EMAIL_PORT=str(smtp.port),
                MOTCUA_WORKER_POLL_SECONDS="0.2",
            )
            site.prepare()
            site.start(workers=args.workers, threads=args.threads)
            status, body = Client(site.port).call(
                "POST", "/api/v1/auth/token", {"username": "desk", "password": _site.PASSWORD}
            )
            assert status == 201, body
            token = json.loads(body)["token"]
            intake = {
                "procedure": "2.000001",
                "unit": _site.COMMUNES[0],
                "channel": "counter",
                "applicant": {**_site.APPLICANT, "email": "nguoi.nop@example.vn"},
                "summary": "Hồ sơ đo hiệu năng",
            }
            # Warm every worker process (imports, first queries) before measuring.
            throughput(site.port, token, "POST", "/api/v1/dossiers", intake, 2, args.clients)
            bare, _ = throughput(
                site.port, None, "GET", "/bench/bare", None, args.seconds, args.clients
            )
            read, read_errors = throughput(
                site.port, None, "GET", "/api/v1/procedures/2.000001", None, args.seconds,
                args.clients,
            )  # fmt: skip
            intake_rps, intake_errors = throughput(
                site.port, token, "POST", "/api/v1/dossiers", intake, args.seconds, args.clients
            )
            began = time.perf_counter()
            pending, tasks, filed = backlog(site)
            while (pending or tasks) and time.perf_counter() - began < 600:
                time.sleep(1)  # polling the backlog, bounded
                pending, tasks, filed = backlog(site)
            drained = time.perf_counter() - began
            log = (site.workdir / "server.log").read_text(encoding="utf-8", errors="replace")
            unfiled = [line for line in log.splitlines() if "not filed" in line]
            total = json.loads(Client(site.port, token).call("GET", "/api/v1/dossiers")[1])["count"]
            site.stop()
    finally:
        smtp.stop()

    db = "PostgreSQL" if args.database_url else "SQLite (WAL)"
    print(f"\nIntake with the background worker — {db}, {args.clients} clients, "
          f"{args.seconds:g} s each, "
          f"gunicorn {args.workers} workers × {args.threads} threads")  # fmt: skip
    print(_site.machine())
    print()
    print("| measure | requests/s | ratio to the bare view | ratio to the catalogue read |")
    print("|---|---:|---:|---:|")
    print(f"| bare Django view (baseline) | {bare:.1f} | 1.00 | |")
    rows = [
        ("catalogue read `GET /api/v1/procedures/{code}`", read, 1.0),
        ("counter intake `POST /api/v1/dossiers`", intake_rps, intake_rps / read),
    ]
    for label, rps, to_read in rows:
        print(f"| {label} | {rps:.1f} | {rps / bare:.2f} | {to_read:.2f} |")
    print()
    print(f"errors: read {read_errors}, intake {intake_errors}; dossiers received {total}; "
          f"receipts filed {filed}; e-mails delivered {smtp.count}; "
          f"backlog (tasks, e-mails) drained "
          f"{drained:.1f} s after the burst")  # fmt: skip
    for line in unfiled[:5]:
        print(f"not filed: {line}")


if __name__ == "__main__":
    main()
