"""Shared set-up of the dossier benchmarks: a throw-away data dir and database with the test
province, a generated history file, and a server process. Not part of the product."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "mat-khau-do-hieu-nang"
APPLICANT = {
    "kind": "citizen",
    "name": "Nguyễn Văn An",
    "id_number": "001203004567",
    "phone": "0901234567",
    "email": "",
    "address": "Số 1, xã Một",
}
COMMUNES = ["000.01.01.T01", "000.01.02.T01"]
CATALOG: dict[str, Any] = {
    "fields": [{"code": "XD", "name": "Xây dựng"}],
    "units": [
        {"code": "000.00.00.T01", "name": "UBND tỉnh Thử", "level": "province", "parent": None},
        {"code": "000.00.01.T01", "name": "Sở Xây dựng", "level": "department",
         "parent": "000.00.00.T01", "procedures": ["2.000001"]},
        {"code": COMMUNES[0], "name": "UBND xã Một", "level": "commune",
         "parent": "000.00.00.T01", "procedures": ["2.000001"]},
        {"code": COMMUNES[1], "name": "UBND xã Hai", "level": "commune",
         "parent": "000.00.00.T01", "procedures": ["2.000001"]},
    ],
    "procedures": [{
        "code": "2.000001", "name": "Thủ tục liên thông thử", "field": "XD", "level": "commune",
        "processing_days": 5, "fee": {"amount": 0, "note": ""}, "online": "full",
        "result": "Văn bản", "documents": [{"name": "Đơn", "kind": "original"}],
        "steps": [
            {"name": "Xã thẩm định", "role": "specialist", "hours": 8},
            {"name": "Sở thẩm định", "role": "specialist", "hours": 16, "unit": "000.00.01.T01"},
            {"name": "Xã phê duyệt", "role": "leader", "hours": 8},
        ],
    }],
}  # fmt: skip
USERS = {
    "desk": [("desk", "000.01.01.T01")],
    "specialist": [("specialist", "000.01.01.T01")],
    "leader": [("leader", "000.01.01.T01")],
}
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thị Dung", "Đỗ Minh Đức"]


def machine() -> str:
    cpu = platform.processor() or ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · {os.cpu_count()} CPUs ({cpu}) · "
        f"Python {platform.python_version()} · {platform.system()} {platform.release()}"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def history_line(i: int, rng: random.Random) -> dict[str, Any]:
    """One valid historical dossier: counter intake at the first commune, a walk through the
    steps of procedure 2.000001 and, for most, the result and its return."""
    day = dt.date(2025, 1, 6) + dt.timedelta(days=rng.randrange(600))
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    start = dt.datetime.combine(
        day, dt.time(8, rng.randrange(60)), dt.timezone(dt.timedelta(hours=7))
    )

    def at(hours: float) -> str:
        return (start + dt.timedelta(hours=hours)).isoformat()

    events: list[dict[str, Any]] = [{"action": "forward", "at": at(1)}]
    if i % 10:
        events += [
            {"action": "forward", "at": at(24)},
            {"action": "forward", "at": at(48)},
            {"action": "resolve", "at": at(72 + rng.randrange(200))},
            {"action": "return", "at": at(300), "method": "counter"},
        ]
    return {
        "procedure": "2.000001",
        "unit": COMMUNES[0],
        "channel": "counter",
        "code": f"LS-{i:07d}",
        "applicant": {**APPLICANT, "name": f"{rng.choice(NAMES)} {i}"},
        "summary": f"Hồ sơ lịch sử số {i}",
        "received_at": start.isoformat(),
        "events": events,
    }


def write_history(path: Path, count: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            out.write(json.dumps(history_line(i, rng), ensure_ascii=False) + "\n")
    return path


BENCH_URLS = """
from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def bare(request):
    return JsonResponse({"ok": True, "method": request.method})


urlpatterns = [path("bench/bare", bare), path("", include("motcua.urls"))]
"""
BENCH_SETTINGS = """
from motcua.settings import *  # noqa: F403
ROOT_URLCONF = "bench_urls"
"""


class Site:
    """A data dir (and, for PostgreSQL, a database) that lives as long as the benchmark."""

    def __init__(
        self, workdir: Path, database_url: str | None, database_prefix: str = "motcua_bench"
    ) -> None:
        self.workdir = workdir
        self.data_dir = workdir / "var"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        (workdir / "bench_urls.py").write_text(BENCH_URLS)
        (workdir / "bench_settings.py").write_text(BENCH_SETTINGS)
        self.db_cleanup = None
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("MOTCUA_") and k != "DJANGO_SETTINGS_MODULE"
        }
        env.update(
            MOTCUA_ENV="production",
            MOTCUA_DATA_DIR=str(self.data_dir),
            MOTCUA_SECRET_KEY=secrets.token_urlsafe(40),
            MOTCUA_ALLOWED_HOSTS="127.0.0.1",
            MOTCUA_SITE_URL="http://127.0.0.1:8000",
            MOTCUA_SSL_REDIRECT="0",
            MOTCUA_SECURE_COOKIES="0",
            MOTCUA_HSTS_SECONDS="0",
            MOTCUA_LOGIN_RATE="10000/min",
            DJANGO_SETTINGS_MODULE="bench_settings",
            PYTHONPATH=os.pathsep.join([str(workdir), str(ROOT)]),
        )
        if database_url:
            env["MOTCUA_DATABASE_URL"] = self._own_database(database_url, database_prefix)
        self.env = env
        self.port = free_port()
        self.server: subprocess.Popen[bytes] | None = None

    def _own_database(self, url: str, prefix: str) -> str:
        import dj_database_url
        import psycopg

        config = dj_database_url.parse(url)
        params = {
            "host": config.get("HOST") or "127.0.0.1",
            "port": int(config.get("PORT") or 5432),
            "user": config.get("USER") or "postgres",
            "password": config.get("PASSWORD") or None,
            "dbname": "postgres",
            "autocommit": True,
        }
        name = f"{prefix}_{secrets.token_hex(4)}"
        with psycopg.connect(**params) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

        def drop() -> None:
            with psycopg.connect(**params) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        self.db_cleanup = drop
        return f"postgres://{params['user']}@{params['host']}:{params['port']}/{name}"

    def motcua(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "motcua", *args],
            cwd=self.workdir,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if check and result.returncode != 0:
            raise SystemExit(f"motcua {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result

    def prepare(self) -> None:
        self.motcua("migrate")
        catalog = self.workdir / "catalog.json"
        catalog.write_text(json.dumps(CATALOG, ensure_ascii=False), encoding="utf-8")
        self.motcua("import-catalog", str(catalog))
        script = "from motcua.units.services import user_create_or_update as u\n" + "".join(
            f"u(username={n!r}, password={PASSWORD!r}, roles={r!r})\n" for n, r in USERS.items()
        )
        self.motcua("manage", "shell", "-c", script)

    def start(self, workers: int = 2, threads: int = 4) -> None:
        log = (self.workdir / "server.log").open("ab")
        self.server = subprocess.Popen(
            [sys.executable, "-m", "motcua", "serve", "--host", "127.0.0.1", "--port",
             str(self.port), "--workers", str(workers), "--threads", str(threads)],
            cwd=self.workdir, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        import http.client

        deadline = time.monotonic() + 60
        while True:
            if self.server.poll() is not None:
                raise SystemExit((self.workdir / "server.log").read_text()[-3000:])
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/bench/bare")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("the server did not start")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.server is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.server.pid, signal.SIGTERM)
            self.server.wait(timeout=60)
            self.server = None

    def close(self) -> None:
        self.stop()
        if self.db_cleanup is not None:
            self.db_cleanup()


@contextlib.contextmanager
def site(
    workdir: Path, database_url: str | None, database_prefix: str = "motcua_bench"
) -> Iterator[Site]:
    s = Site(workdir, database_url, database_prefix)
    try:
        yield s
    finally:
        s.close()
