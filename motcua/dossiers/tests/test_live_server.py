"""The real server under load (issue 4, Quality): simultaneous intakes get distinct
consecutive codes; two officers racing on one version get one 200 and one 409; killing the
server with SIGKILL in the middle of a burst leaves every acknowledged dossier whole.

Each test starts ``python -m motcua serve`` (gunicorn, production settings) on a free port
with its own data dir and its own database: a SQLite file in the data dir, or, when the
suite runs on PostgreSQL, a database created for the test and dropped after it.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from .conftest import APPLICANT, CATALOG, PASSWORD

pytestmark = pytest.mark.slow

COMMUNE = "000.01.01.T01"
USERS = {
    "desk": [("desk", COMMUNE)],
    "desk_b": [("desk", COMMUNE)],
    "specialist": [("specialist", COMMUNE)],
    "leader": [("leader", COMMUNE)],
}
_DROP = ("MOTCUA_DATABASE_URL", "MOTCUA_DATA_DIR", "DJANGO_SETTINGS_MODULE", "MOTCUA_ENV")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(check: Callable[[], bool], *, timeout: float, what: str) -> None:
    """Poll ``check`` until it holds; fail with ``what`` at the deadline (no fixed sleeps)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _own_database(name: str) -> tuple[str | None, Callable[[], None]]:
    """(MOTCUA_DATABASE_URL for the child, cleanup). PostgreSQL when the suite runs on it:
    a fresh database on the same server; otherwise None (SQLite in the data dir)."""
    url = os.environ.get("MOTCUA_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None, lambda: None
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
    db = f"motcua_live_{name}_{secrets.token_hex(4)}"
    with psycopg.connect(**params) as conn:
        conn.execute(f'CREATE DATABASE "{db}"')

    def drop() -> None:
        with psycopg.connect(**params) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')

    auth = config.get("USER") or "postgres"
    if config.get("PASSWORD"):
        auth += f":{config['PASSWORD']}"
    return f"postgres://{auth}@{params['host']}:{params['port']}/{db}", drop


@dataclass
class Site:
    """A migrated data dir and database with the test catalogue and users, and the server
    process serving it (``start``/``kill``)."""

    data_dir: Path
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def motcua(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "motcua", *args],
            cwd=self.data_dir,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def start(self) -> None:
        log = (self.data_dir / "server.log").open("ab")
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "motcua", "serve", "--host", "127.0.0.1"),
                *("--port", str(self.port), "--workers", "2", "--threads", "8"),
            ],
            cwd=self.data_dir,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill -9 takes every worker
        )

        def up() -> bool:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError((self.data_dir / "server.log").read_text()[-3000:])
            try:
                return request(self, "GET", "/api/v1/units")[0] == 200
            except OSError:
                return False

        wait_until(up, timeout=60, what="the server to answer")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)
        self.process.wait(timeout=30)
        self.process = None

    def token(self, username: str) -> str:
        if username not in self.tokens:
            status, body = request(
                self, "POST", "/api/v1/auth/token", {"username": username, "password": PASSWORD}
            )
            assert status == 201, body
            self.tokens[username] = body["token"]
        return self.tokens[username]


def request(
    site: Site, method: str, path: str, body: Any = None, user: str | None = None
) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json", "Host": "127.0.0.1"}
    if user is not None:
        headers["Authorization"] = f"Bearer {site.token(user)}"
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(site.base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def intake(site: Site, user: str = "desk") -> tuple[int, Any]:
    body = {
        "procedure": "2.000001",
        "unit": COMMUNE,
        "channel": "counter",
        "applicant": APPLICANT,
        "summary": "Hồ sơ thử tải",
    }
    return request(site, "POST", "/api/v1/dossiers", body, user)


def _prepare(tmp_path: Path, name: str) -> Iterator[Site]:
    data_dir = tmp_path / "var"
    data_dir.mkdir()
    database_url, drop = _own_database(name)
    env = {k: v for k, v in os.environ.items() if k not in _DROP}
    env.update(
        MOTCUA_ENV="production",
        MOTCUA_DATA_DIR=str(data_dir),
        MOTCUA_SECRET_KEY=secrets.token_urlsafe(40),
        MOTCUA_ALLOWED_HOSTS="127.0.0.1",
        MOTCUA_SITE_URL="http://127.0.0.1:8000",
        MOTCUA_SSL_REDIRECT="0",
        MOTCUA_SECURE_COOKIES="0",
        MOTCUA_HSTS_SECONDS="0",
        MOTCUA_LOGIN_RATE="1000/min",
        PYTHONUNBUFFERED="1",
    )
    if database_url:
        env["MOTCUA_DATABASE_URL"] = database_url
    site = Site(data_dir=data_dir, env=env)
    try:
        for args in (("migrate",),):
            result = site.motcua(*args)
            assert result.returncode == 0, result.stderr
        catalog = tmp_path / "catalog.json"
        catalog.write_text(json.dumps(CATALOG, ensure_ascii=False), encoding="utf-8")
        result = site.motcua("import-catalog", str(catalog))
        assert result.returncode == 0, result.stderr
        script = "from motcua.units.services import user_create_or_update as u\n" + "".join(
            f"u(username={name!r}, password={PASSWORD!r}, roles={roles!r})\n"
            for name, roles in USERS.items()
        )
        result = site.motcua("manage", "shell", "-c", script)
        assert result.returncode == 0, result.stderr
        site.start()
        yield site
    finally:
        site.kill(signal.SIGTERM)
        drop()


@pytest.fixture
def site(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Site]:
    yield from _prepare(tmp_path, request.node.name[:20].lower().replace("-", "_"))


def _together(n: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` in ``n`` threads released at the same instant."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except Exception as exc:  # reported by the caller's assertions
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def test_simultaneous_intakes_get_distinct_consecutive_codes(site: Site) -> None:
    site.token("desk")
    results = _together(20, lambda i: intake(site))
    assert all(not isinstance(r, Exception) for r in results), results
    assert [status for status, _ in results] == [201] * 20, results
    codes = sorted(body["code"] for _, body in results)
    prefixes = {code.rsplit("-", 1)[0] for code in codes}
    assert len(prefixes) == 1
    assert [int(code.rsplit("-", 1)[1]) for code in codes] == list(range(1, 21))


def test_two_officers_on_the_same_version_get_one_200_and_one_409(site: Site) -> None:
    site.token("desk")
    site.token("desk_b")
    for _ in range(3):
        status, dossier = intake(site)
        assert status == 201
        path = f"/api/v1/dossiers/{dossier['code']}/forward"

        def race(i: int, path: str = path) -> tuple[int, Any]:
            return request(site, "POST", path, {"version": 1}, ("desk", "desk_b")[i])

        results = _together(2, race)
        statuses = sorted(status for status, _ in results)
        assert statuses == [200, 409], results
        conflict = next(body for status, body in results if status == 409)
        assert conflict["current_version"] == 2 and "allowed_actions" in conflict
        status, history = request(site, "GET", f"{path[: -len('/forward')]}/history", None, "desk")
        assert [e["action"] for e in history] == ["intake", "forward"]


def test_kill_9_mid_burst_leaves_every_acknowledged_dossier_whole(site: Site) -> None:
    site.token("desk")
    acknowledged: list[str] = []
    failures: list[str] = []
    stop = threading.Event()
    lock = threading.Lock()

    def fire() -> None:
        while not stop.is_set():
            try:
                status, body = intake(site)
            except OSError as exc:  # the server died under us: not acknowledged
                with lock:
                    failures.append(type(exc).__name__)
                continue
            if status == 201:
                with lock:
                    acknowledged.append(body["code"])

    threads = [threading.Thread(target=fire) for _ in range(8)]
    for t in threads:
        t.start()
    try:
        wait_until(lambda: len(acknowledged) >= 40, timeout=120, what="40 acknowledged intakes")
        site.kill(signal.SIGKILL)  # the whole process group, mid-burst
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    acked = set(acknowledged)
    assert len(acked) == len(acknowledged) >= 40

    verify = site.motcua("verify-history")
    assert verify.returncode == 0, verify.stdout + verify.stderr

    site.start()
    for code in sorted(acked):
        status, history = request(site, "GET", f"/api/v1/dossiers/{code}/history", None, "desk")
        assert status == 200, (code, history)
        assert history[0]["action"] == "intake" and history[0]["seq"] == 1
    status, page = request(site, "GET", "/api/v1/dossiers?page_size=200", None, "desk")
    assert status == 200
    assert page["count"] >= len(acked)
    # Every dossier there has exactly its intake event: none is partial.
    assert all(row["version"] == 1 for row in page["results"])
    assert page["count"] == len(page["results"]) or page["next"]
    # The codes have no duplicates and the counter goes on after the restart.
    status, fresh = intake(site)
    assert status == 201 and fresh["code"] not in acked
