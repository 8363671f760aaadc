"""Benchmark: the staff lists, the search and the workspace home cost what the officer may
see, not the size of the table (issue 17, item 1).

    .venv/bin/python bench/bench_scope.py [--dossiers 100000 1000000] [--units 100]
        [--samples 60] [--database-url postgres://postgres@127.0.0.1:5432/postgres]

For each size: a fresh PostgreSQL database (or SQLite without ``--database-url``),
``motcua migrate``, ``motcua seed --dossiers N --units U`` (a province of U units, three
years of history), a commune desk officer, a department leader and the province leader, then
``motcua serve`` (gunicorn, production settings, 2 workers × 4 threads). One client asks each
page ``--samples`` times; the baseline is a bare Django JSON view on the same server in the
same run. Prints, per size, p50 and p95 per page and officer with the ratio to the baseline,
and at the end the growth of each p50 from the smallest to the largest size and the commune
desk's cost as a share of the province leader's.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _site

OFFICERS = {  # who → the role and which unit (picked from the seeded province)
    "commune desk": ("desk", "commune"),
    "department leader": ("leader", "department"),
    "province leader": ("leader", "province"),
}
SETUP = """
import json
from django.contrib.auth import get_user_model
from django.test import Client
from motcua.dossiers.models import Dossier
from motcua.units.models import Unit, UnitLevel
from motcua.units.services import user_create_or_update

root = Unit.objects.get(parent__isnull=True)
commune = Unit.objects.filter(level=UnitLevel.COMMUNE).order_by("code").first()
department = Unit.objects.filter(level=UnitLevel.DEPARTMENT).order_by("code").first()
units = {"commune": commune, "department": department, "province": root}
out = {"sessions": {}, "codes": {}}
for name, (role, where) in OFFICERS.items():
    username = "bench-" + name.replace(" ", "-")
    user = user_create_or_update(
        username=username, password=PASSWORD, roles=[(role, units[where].code)]
    )
    client = Client()
    client.force_login(user)
    out["sessions"][name] = client.cookies["sessionid"].value
    out["users"] = {**out.get("users", {}), name: username}
seen = Dossier.objects.filter(unit=commune).order_by("-created_at")
out["codes"]["commune"] = list(seen.values_list("code", flat=True)[:50])
print(json.dumps(out))
"""


class Client:
    def __init__(self, port: int, session: str | None = None, token: str | None = None) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.headers = {"Host": "127.0.0.1"}
        if session:
            self.headers["Cookie"] = f"sessionid={session}"
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def get(self, path: str) -> int:
        self.conn.request("GET", path, headers=self.headers)
        response = self.conn.getresponse()
        response.read()
        return response.status

    def post(self, path: str, body: dict[str, str]) -> tuple[int, bytes]:
        headers = {**self.headers, "Content-Type": "application/json"}
        self.conn.request("POST", path, body=json.dumps(body), headers=headers)
        response = self.conn.getresponse()
        return response.status, response.read()


def latency(client: Client, path: str, samples: int) -> tuple[float, float, int]:
    """p50 and p95 in ms of ``samples`` calls of one client, and how many were not 200."""
    client.get(path)  # warm the connection and the caches
    times, errors = [], 0
    for _ in range(samples):
        began = time.perf_counter()
        status = client.get(path)
        times.append((time.perf_counter() - began) * 1000)
        errors += status != 200
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], errors


def pages(code: str) -> dict[str, str]:
    return {
        "home": "/can-bo/",
        "list, first page": "/can-bo/ho-so/?list=all",
        "list by status (chờ trả kết quả)": "/can-bo/ho-so/?list=ready",
        "list overdue": "/can-bo/ho-so/?list=overdue",
        "search by name": "/can-bo/ho-so/?list=all&q=" + quote("nguyễn thị lan"),
        "search by code": "/can-bo/ho-so/?list=all&q=" + quote(code[:-2]),
        "API list": "/api/v1/dossiers",
        "API detail": f"/api/v1/dossiers/{code}",
    }


def run_size(args: argparse.Namespace, count: int) -> tuple[dict[tuple[str, str], float], float]:
    with (
        tempfile.TemporaryDirectory(prefix="motcua-bench-") as tmp,
        _site.site(Path(tmp), args.database_url) as site,
    ):
        site.env["MOTCUA_REQUIRE_TOTP"] = "0"
        site.motcua("migrate")
        began = time.perf_counter()
        site.motcua("seed", "--dossiers", str(count), "--units", str(args.units))
        seeded = time.perf_counter() - began
        script = f"OFFICERS = {OFFICERS!r}\nPASSWORD = {_site.PASSWORD!r}\n{SETUP}"
        printed = site.motcua("manage", "shell", "-c", script).stdout.strip()
        setup = json.loads(printed.splitlines()[-1])
        site.start()
        code = setup["codes"]["commune"][0]
        bare = latency(Client(site.port), "/bench/bare", args.samples)
        print(f"\n### {count:,} dossiers — seeded in {seeded:.0f} s\n")
        print("| page | officer | p50 ms | p95 ms | p50 × bare | non-200 |")
        print("|---|---|---:|---:|---:|---:|")
        print(f"| bare Django JSON view | — | {bare[0]:.1f} | {bare[1]:.1f} | 1.0× | {bare[2]} |")
        figures: dict[tuple[str, str], float] = {}
        for officer in OFFICERS:
            status, body = Client(site.port).post(
                "/api/v1/auth/token",
                {"username": setup["users"][officer], "password": _site.PASSWORD},
            )
            assert status == 201, body
            token = json.loads(body)["token"]
            for page, path in pages(code).items():
                if page == "API detail" and officer != "commune desk":
                    continue
                api = path.startswith("/api/")
                client = Client(
                    site.port, token=token if api else None,
                    session=None if api else setup["sessions"][officer],
                )  # fmt: skip
                p50, p95, errors = latency(client, path, args.samples)
                figures[(page, officer)] = p50
                print(f"| {page} | {officer} | {p50:.1f} | {p95:.1f} | "
                      f"{p50 / bare[0]:.1f}× | {errors} |")  # fmt: skip
        site.stop()
    return figures, bare[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--samples", type=int, default=60)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/postgres",
        help="'' for SQLite",
    )  # fmt: skip
    args = parser.parse_args()
    args.database_url = args.database_url or None
    print(f"## Scope benchmark — {_site.machine()}")
    print(f"{'PostgreSQL' if args.database_url else 'SQLite'}; {args.units} units; "
          f"one client; `motcua serve` 2 workers × 4 threads")  # fmt: skip
    results = {count: run_size(args, count) for count in sorted(args.dossiers)}
    small, large = min(results), max(results)
    print(f"\n### Growth from {small:,} to {large:,} dossiers, and the desk's share\n")
    print("| page | officer | p50 growth | commune desk ÷ province leader |")
    print("|---|---|---:|---:|")
    figures = results[large][0]
    for (page, officer), p50 in figures.items():
        before = results[small][0].get((page, officer))
        growth = f"{p50 / before:.2f}×" if before else "—"
        leader = figures.get((page, "province leader"))
        share = f"{figures[(page, 'commune desk')] / leader:.2f}" if leader else "—"
        print(f"| {page} | {officer} | {growth} | {share if officer == 'commune desk' else ''} |")


if __name__ == "__main__":
    main()
