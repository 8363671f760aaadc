"""A read replica (issue 17, item 4), for real: the test makes its own PostgreSQL primary
(``initdb`` on a free port) and a streaming replica of it (``pg_basebackup -R`` on another),
then serves MotCua with ``MOTCUA_DATABASE_URL`` on the primary and ``MOTCUA_READ_DATABASE_URL``
on the replica.

With replay paused on the replica, a dossier taken in on the primary is not yet in the
public lookup for a stranger (the lookup reads the replica) but is for the officer who just
wrote it (read-after-write); once replay resumes, the stranger sees it too. With the replica
stopped, the lookup still answers 200 from the primary, at once."""

from __future__ import annotations

import contextlib
import glob
import http.cookiejar
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from motcua.dossiers.tests.conftest import APPLICANT, CATALOG, PASSWORD
from motcua.dossiers.tests.test_live_server import (
    _DROP,
    USERS,
    Site,
    free_port,
    intake,
    wait_until,
)


def _bindir() -> Path | None:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _postgres_user() -> bool:
    import pwd

    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return False
    return True


BINDIR = _bindir()
ON_POSTGRES = os.environ.get("MOTCUA_DATABASE_URL", "").startswith(("postgres://", "postgresql://"))

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not ON_POSTGRES,
        reason=(
            "needs a PostgreSQL run (MOTCUA_DATABASE_URL=postgres://…): "
            "the read replica is PostgreSQL streaming replication"
        ),
    ),
    pytest.mark.skipif(
        BINDIR is None, reason="PostgreSQL server programs (initdb, pg_ctl) are not installed"
    ),
    pytest.mark.skipif(
        os.geteuid() == 0 and not _postgres_user(),
        reason="running as root without a postgres user: initdb refuses to run as root",
    ),
]


def _as_postgres(args: list[str]) -> list[str]:
    # initdb refuses to run as root; CI runs the suite as root.
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _run(*args: str, timeout: float = 120) -> str:
    assert BINDIR is not None
    command = _as_postgres([str(BINDIR / args[0]), *args[1:]])
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    assert result.returncode == 0, f"{' '.join(command)}\n{result.stdout}\n{result.stderr}"
    return result.stdout


@dataclass
class Cluster:
    data: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/motcua"

    def start(self) -> None:
        _run("pg_ctl", "-D", str(self.data), "-l", f"{self.data}.log", "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        _run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def sql(self, query: str, dbname: str = "postgres") -> Any:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=dbname, autocommit=True
        ) as conn:
            cursor = conn.execute(query)
            return cursor.fetchone() if cursor.description else None


@contextlib.contextmanager
def _primary_and_replica() -> Iterator[tuple[Cluster, Cluster]]:
    # Not pytest's tmp_path: its parents are private to root, and the clusters run as postgres.
    root = Path(tempfile.mkdtemp(prefix="motcua-replica-"))
    root.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    primary = Cluster(root / "primary", free_port())
    replica = Cluster(root / "replica", free_port())
    started: list[Cluster] = []
    try:
        _run(
            "initdb",
            "-D",
            str(primary.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        settings = (
            f"port = {primary.port}\nlisten_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{root}'\nwal_level = replica\nmax_wal_senders = 4\n"
            "fsync = off\nfull_page_writes = off\nsynchronous_commit = off\n"
        )
        _append(primary.data / "postgresql.conf", settings)
        primary.start()
        started.append(primary)
        primary.sql("CREATE DATABASE motcua")
        # -R writes standby.signal and primary_conninfo: the copy starts as a streaming replica.
        _run(
            *("pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres"),
            *("-D", str(replica.data), "-R", "-X", "stream", "-c", "fast"),
        )
        _append(replica.data / "postgresql.conf", f"port = {replica.port}\nhot_standby = on\n")
        replica.start()
        started.append(replica)
        assert replica.sql("SELECT pg_is_in_recovery()") == (True,)
        yield primary, replica
    finally:
        for cluster in reversed(started):
            with contextlib.suppress(AssertionError, subprocess.TimeoutExpired):
                cluster.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


def _append(path: Path, text: str) -> None:
    # Written as root into postgres's own file: ownership and mode are kept by appending.
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


class Client:
    """An HTTP client with its cookie jar (a browser, or an API client that keeps cookies)."""

    def __init__(self, base: str, token: str | None = None) -> None:
        self.base = base
        self.token = token
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if self.token:
            req.add_header("Authorization", f"Bearer {self.token}")
        try:
            with self.opener.open(req, timeout=60) as response:
                text = response.read().decode()
                status = response.status
        except urllib.error.HTTPError as exc:
            text, status = exc.read().decode(), exc.code
        try:
            return status, json.loads(text or "null")
        except ValueError:
            return status, text


def _caught_up(primary: Cluster, replica: Cluster) -> bool:
    (lsn,) = primary.sql("SELECT pg_current_wal_lsn()::text")
    return bool(replica.sql(f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn")[0])


def _site(tmp_path: Path, primary: Cluster, replica: Cluster) -> Site:
    data_dir = tmp_path / "var"
    data_dir.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in _DROP}
    env.update(
        MOTCUA_ENV="production",
        MOTCUA_DATA_DIR=str(data_dir),
        MOTCUA_SECRET_KEY="replica-test-" + "k" * 40,
        MOTCUA_ALLOWED_HOSTS="127.0.0.1",
        MOTCUA_SITE_URL="http://127.0.0.1:8000",
        MOTCUA_SSL_REDIRECT="0",
        MOTCUA_SECURE_COOKIES="0",
        MOTCUA_HSTS_SECONDS="0",
        MOTCUA_LOGIN_RATE="1000/min",
        MOTCUA_LOOKUP_RATE="1000/min",
        MOTCUA_DATABASE_URL=primary.url,
        MOTCUA_READ_DATABASE_URL=replica.url,
        # Replay is paused on purpose below: the lag check would (rightly) send reads to the
        # primary. A window long enough for a slow machine between the write and the read.
        MOTCUA_READ_REPLICA_MAX_LAG="0",
        MOTCUA_READ_AFTER_WRITE_SECONDS="300",
        PYTHONUNBUFFERED="1",
    )
    site = Site(data_dir=data_dir, env=env)
    result = site.motcua("migrate")
    assert result.returncode == 0, result.stderr
    # The test catalogue and officers in one process (each start of Django costs seconds).
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps(CATALOG, ensure_ascii=False), encoding="utf-8")
    script = (
        "import json\n"
        "from motcua.procedures.catalog import catalog_import\n"
        "from motcua.units.services import user_create_or_update as u\n"
        f"catalog_import(json.loads(open({str(catalog)!r}, encoding='utf-8').read()))\n"
    ) + "".join(
        f"u(username={name!r}, password={PASSWORD!r}, roles={roles!r})\n"
        for name, roles in USERS.items()
    )
    result = site.motcua("manage", "shell", "-c", script)
    assert result.returncode == 0, result.stderr
    return site


def test_lookup_reads_the_replica_the_writer_reads_its_write_and_a_dead_replica_is_skipped(
    tmp_path: Path,
) -> None:
    with _primary_and_replica() as (primary, replica):
        site = _site(tmp_path, primary, replica)
        site.start()
        try:
            _walk(site, primary, replica)
        finally:
            site.kill(signal.SIGTERM)
        # Not one error answer among them, whatever the replica did.
        log = (site.data_dir / "server.log").read_text()
        assert '" 500 ' not in log and "Internal Server Error" not in log, log[-3000:]


def _walk(site: Site, primary: Cluster, replica: Cluster) -> None:
    stranger = Client(site.base)
    officer = Client(site.base, site.token("desk"))
    status, first = intake(site)
    assert status == 201, first
    wait_until(lambda: _caught_up(primary, replica), timeout=30, what="the replica to catch up")
    # A stranger reads the replica, which shows the dossier once it has replayed the intake
    # (once in a full CI run the first lookup after the catch-up still answered 404).
    lookup = f"/api/v1/lookup/{first['code']}"
    wait_until(
        lambda: stranger.call("GET", lookup)[0] == 200, timeout=30, what="the lookup on the replica"
    )
    leader = Client(site.base, site.token("leader"))  # a reader: never wrote

    def received() -> int:
        status, stats = leader.call("GET", "/api/v1/stats")
        assert status == 200, stats
        return int(stats["total"]["received"])

    before = received()
    assert before >= 1

    # Replay paused: what the primary writes now stays out of the replica.
    replica.sql("SELECT pg_wal_replay_pause()")
    wait_until(
        lambda: replica.sql("SELECT pg_get_wal_replay_pause_state()") == ("paused",),
        timeout=30,
        what="replay to pause",
    )
    status, dossier = officer.call(
        "POST",
        "/api/v1/dossiers",
        {
            "procedure": "2.000001",
            "unit": "000.01.01.T01",
            "channel": "counter",
            "applicant": APPLICANT,
            "summary": "Hồ sơ đọc từ bản sao",
        },
    )
    assert status == 201, dossier
    code = dossier["code"]
    assert (
        primary.sql(f"SELECT count(*) FROM dossiers_dossier WHERE code = '{code}'", "motcua")[0]
        == 1
    )
    # The stranger's lookup is served by the replica, which has not replayed the intake.
    assert stranger.call("GET", f"/api/v1/lookup/{code}")[0] == 404
    page_status, _ = stranger.call("GET", f"/tra-cuu/?code={code}")
    assert page_status == 404
    # The officer just wrote: for a while their reads go to the primary.
    status, seen = officer.call("GET", f"/api/v1/lookup/{code}")
    assert status == 200, seen
    assert seen["code"] == code
    # The statistics (raw SQL over the summary table) are read from the replica too.
    assert received() == before

    # A second server that allows 1 s of lag: it soon finds the paused replica too far
    # behind and reads this dossier from the primary, while the first still reads the replica.
    strict = Site(data_dir=site.data_dir, env={**site.env, "MOTCUA_READ_REPLICA_MAX_LAG": "1"})
    strict.start()
    try:
        wait_until(
            lambda: Client(strict.base).call("GET", f"/api/v1/lookup/{code}")[0] == 200,
            timeout=30,
            what="the lag check to send reads to the primary",
        )
    finally:
        strict.kill(signal.SIGTERM)
    assert "behind (max 1.0 s)" in (site.data_dir / "server.log").read_text()
    assert stranger.call("GET", f"/api/v1/lookup/{code}")[0] == 404

    replica.sql("SELECT pg_wal_replay_resume()")
    wait_until(
        lambda: stranger.call("GET", f"/api/v1/lookup/{code}")[0] == 200,
        timeout=30,
        what="the replica to replay the intake",
    )
    assert received() == before + 1

    # Caught up: /readyz says so (each server process renews its verdict every 2 s).
    wait_until(
        lambda: stranger.call("GET", "/readyz")[1]["replica"] == {"status": "ok", "lag_seconds": 0},
        timeout=30,
        what="/readyz to report the replica caught up",
    )

    # The replica goes away: the public pages keep answering, from the primary, at once.
    replica.stop()
    pages = [(stranger, f"/api/v1/lookup/{code}"), (stranger, f"/tra-cuu/?code={code}")]
    pages += [(stranger, "/cong-khai/"), (leader, "/api/v1/stats"), (leader, "/api/v1/indicators")]
    for client, path in pages:
        started = time.monotonic()
        status, body = client.call("GET", path)
        assert status == 200, (path, str(body)[-500:])
        assert time.monotonic() - started < 5, path

    # /readyz tells, still ready (each process renews its verdict within 2 s).
    def replica_down_and_ready() -> bool:
        status, ready = stranger.call("GET", "/readyz")
        assert status == 200 and ready["status"] == "ready", ready
        return bool(ready["replica"]["status"].startswith("không kết nối được"))

    wait_until(replica_down_and_ready, timeout=30, what="/readyz to report the replica down")
    # A dossier the replica never saw is found too: the reads really are on the primary.
    status, later = intake(site)
    assert status == 201
    assert stranger.call("GET", f"/api/v1/lookup/{later['code']}")[0] == 200
    _a_silent_replica_costs_one_timeout(site, code)


def _a_silent_replica_costs_one_timeout(site: Site, code: str) -> None:
    """A replica whose host takes the connection and never answers (a hung server, a
    half-open network): each server process waits out the 2 s connect timeout once, then
    reads the primary without asking it again for the retry window."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)  # the kernel completes the handshakes; nobody ever replies
        port = silent.getsockname()[1]
        env = {
            **site.env,
            "MOTCUA_READ_DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/x",
            "MOTCUA_READ_REPLICA_RETRY_SECONDS": "120",  # longer than the loop, however slow
        }
        hung = Site(data_dir=site.data_dir, env=env)
        hung.start()
        try:
            took = []
            for _ in range(8):
                started = time.monotonic()
                assert Client(hung.base).call("GET", f"/api/v1/lookup/{code}")[0] == 200
                took.append(time.monotonic() - started)
        finally:
            hung.kill(signal.SIGTERM)
    # A request that asked the replica waited the whole 2 s timeout, and no longer; only the
    # first request of each of the two worker processes did.
    assert max(took) < 5, took
    assert sum(t >= 1.9 for t in took) <= 2, took
