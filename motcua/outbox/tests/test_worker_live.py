"""Background work with real processes (issue 10, Quality): ``motcua serve`` starts a
worker beside the web server; with the database and with the Redis backend an intake's
e-mail reaches a real SMTP server and its receipt is filed; ``kill -9`` of a worker in the
middle of a delivery loses nothing and sends nothing twice."""

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
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from motcua.dossiers.tests.conftest import CATALOG, PASSWORD
from motcua.dossiers.tests.test_live_server import (
    _DROP,
    Site,
    _own_database,
    intake,
    request,
    wait_until,
)
from motcua.notifications.tests.conftest import MailServer, free_port
from motcua.outbox.rq_worker import Worker

pytestmark = pytest.mark.slow

COMMUNE = "000.01.01.T01"
REDIS = "redis://127.0.0.1:6379"


def redis_url(db: int) -> str:
    """A Redis database of its own for one test (tests run in parallel), emptied first."""
    import redis

    url = f"{REDIS}/{db}"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            raise  # CI starts Redis (.ci/run): a missing server is a failure there
        pytest.skip("Redis is not running at 127.0.0.1:6379 (.ci/run starts it)")
    return url


@contextlib.contextmanager
def prepared(tmp_path: Path, name: str, **extra: str) -> Iterator[Site]:
    data_dir = tmp_path / "var"
    data_dir.mkdir()
    database_url, drop = _own_database(name)
    env = {k: v for k, v in os.environ.items() if k not in _DROP}
    env.update(
        MOTCUA_ENV="production",
        MOTCUA_SITE_URL="http://127.0.0.1:8000",
        MOTCUA_DATA_DIR=str(data_dir),
        MOTCUA_SECRET_KEY=secrets.token_urlsafe(40),
        MOTCUA_ALLOWED_HOSTS="127.0.0.1",
        MOTCUA_SSL_REDIRECT="0",
        MOTCUA_SECURE_COOKIES="0",
        MOTCUA_HSTS_SECONDS="0",
        MOTCUA_LOGIN_RATE="1000/min",
        MOTCUA_EMAIL_HOST="127.0.0.1",
        MOTCUA_OUTBOX_BACKOFF_SECONDS="0.2",
        MOTCUA_OUTBOX_BACKOFF_MAX_SECONDS="1",
        MOTCUA_WORKER_POLL_SECONDS="0.1",
        PYTHONUNBUFFERED="1",
        **extra,
    )
    if database_url:
        env["MOTCUA_DATABASE_URL"] = database_url
    site = Site(data_dir=data_dir, env=env)
    try:
        assert site.motcua("migrate").returncode == 0
        catalog = tmp_path / "catalog.json"
        catalog.write_text(json.dumps(CATALOG, ensure_ascii=False), encoding="utf-8")
        assert site.motcua("import-catalog", str(catalog)).returncode == 0
        script = (
            "from motcua.units.services import user_create_or_update as u\n"
            f"u(username='desk', password={PASSWORD!r}, roles=[('desk', {COMMUNE!r})])\n"
        )
        result = site.motcua("manage", "shell", "-c", script)
        assert result.returncode == 0, result.stderr
        yield site
    finally:
        site.kill(signal.SIGTERM)
        drop()


def worker(site: Site) -> subprocess.Popen[bytes]:
    log = (site.data_dir / "worker.log").open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "motcua", "worker", "--concurrency", "1"],
        cwd=site.data_dir,
        env=site.env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def outbox_rows(site: Site) -> list[dict[str, Any]]:
    script = (
        "import json\nfrom motcua.outbox.models import OutboxMessage as M\n"
        "print(json.dumps(list(M.objects.filter(channel='email')"
        ".values('id', 'status', 'attempts'))))"
    )
    result = site.motcua("manage", "shell", "-c", script)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _niceness_in_session(sid: int) -> dict[int, tuple[int, list[str]]]:
    """{pid: (niceness, command line)} of the processes of session ``sid``."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        with contextlib.suppress(OSError):
            if os.getsid(pid) == sid:
                args = (entry / "cmdline").read_bytes().decode().split("\0")
                found[pid] = (os.getpriority(os.PRIO_PROCESS, pid), args)
    return found


def _is_worker(args: list[str]) -> bool:
    return bool({"worker", "db_worker", "rqworker"} & set(args))


@pytest.mark.parametrize("backend", ["database", "redis"])
def test_serve_starts_a_worker_that_mails_and_files_the_receipt(
    tmp_path: Path, backend: str
) -> None:
    smtp = MailServer(port=free_port())
    smtp.start()
    extra = {"MOTCUA_EMAIL_PORT": str(smtp.port)}
    if backend == "redis":
        extra["MOTCUA_TASKS_URL"] = redis_url(10)
    try:
        with prepared(tmp_path, f"worker_{backend}", **extra) as site:
            site.start()  # `motcua serve`, which starts one worker beside it
            status, body = intake(site)
            assert status == 201, body
            code = body["code"]
            wait_until(lambda: len(smtp.messages) == 1, timeout=60, what="the e-mail")
            assert code in smtp.messages[0]["Subject"]

            def filed(site: Site = site, code: str = code) -> bool:
                status, files = request(
                    site, "GET", f"/api/v1/dossiers/{code}/attachments", user="desk"
                )
                rows = files.get("results", files) if isinstance(files, dict) else files
                return status == 200 and any(f["kind"] == "form" for f in rows)

            wait_until(filed, timeout=60, what="the receipt filed by the worker")
            # The web server keeps its priority; the worker beside it and its processes run
            # at MOTCUA_WORKER_NICE (10), or the server's own if that is lower already.
            assert site.process is not None
            niceness = _niceness_in_session(site.process.pid)
            server = os.getpriority(os.PRIO_PROCESS, site.process.pid)
            workers = {pid: n for pid, (n, args) in niceness.items() if _is_worker(args)}
            assert len(workers) >= 2, niceness  # `motcua worker` and its queue process
            assert set(workers.values()) == {max(server, 10)}, niceness
            result = site.motcua("status")
            assert result.returncode == 0, result.stdout + result.stderr
            assert "healthy" in result.stdout
    finally:
        smtp.stop()


def test_the_redis_worker_stops_when_its_pub_sub_listener_waits_for_a_subscription() -> None:
    # The listener thread read the answer to an unsubscribe and waits for a subscription again
    # (rq sleeps 60 s there): the race that kept `motcua serve` alive for a minute after
    # SIGTERM. rq's own worker waits out that sleep; MotCua's stops the thread in a second.
    import redis

    connection = redis.Redis.from_url(redis_url(12))
    worker = Worker(["default"], connection=connection, name=f"stop-{os.getpid()}")
    worker.subscribe()
    assert worker.pubsub_thread is not None
    wait_until(lambda: worker.pubsub.subscribed, timeout=10, what="the subscription")
    worker.pubsub.unsubscribe()
    wait_until(lambda: not worker.pubsub.subscribed, timeout=10, what="the unsubscribe answer")

    stopping = threading.Thread(target=worker.unsubscribe, daemon=True)
    stopping.start()
    stopping.join(timeout=15)
    assert not stopping.is_alive(), "the worker's stop waited on its pub/sub listener"


@pytest.mark.parametrize("backend", ["database", "redis"])
def test_kill_9_of_a_worker_mid_delivery_loses_nothing(tmp_path: Path, backend: str) -> None:
    # A mail server that takes the connection and never answers holds the worker mid-send.
    hang = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    hang.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    hang.bind(("127.0.0.1", 0))
    hang.listen(8)
    port = hang.getsockname()[1]
    extra = {
        "MOTCUA_EMAIL_PORT": str(port),
        "MOTCUA_EMAIL_TIMEOUT": "120",
        "MOTCUA_OUTBOX_LEASE_SECONDS": "2",
        "MOTCUA_OUTBOX_SWEEP_GRACE_SECONDS": "0",
    }
    if backend == "redis":
        extra["MOTCUA_TASKS_URL"] = redis_url(11)
    smtp = MailServer(port=port)
    first = second = None
    try:
        with prepared(tmp_path, f"kill_{backend}", **extra) as site:
            site.env = {**site.env}
            site.start()
            site.kill(signal.SIGTERM)  # the server started its own worker: not here
            site.process = None
            serve = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "motcua",
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(site.port),
                    "--workers",
                    "1",
                    "--no-worker",
                ],
                cwd=site.data_dir,
                env=site.env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            site.process = serve
            wait_until(partial(_answers, site), timeout=60, what="the server")
            first = worker(site)
            status, body = intake(site)
            assert status == 201, body
            conn, _ = hang.accept()  # the worker is now inside the SMTP conversation
            assert [r["status"] for r in outbox_rows(site)] == ["sending"]
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(timeout=30)
            conn.close()
            hang.close()
            smtp.start()  # the mail server is back on the same port

            second = worker(site)

            def arrived(site: Site = site) -> bool:
                site.motcua("run-job", "outbox-sweep")  # the minute's sweep, now
                return len(smtp.messages) >= 1

            wait_until(arrived, timeout=90, what="the message after the worker died")
            wait_until(
                partial(_delivered, site),
                timeout=30,
                what="the row marked delivered",
            )
            assert len(smtp.messages) == 1
            assert body["code"] in smtp.messages[0]["Subject"]
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=60)
        smtp.stop()
        hang.close()


def _delivered(site: Site) -> bool:
    return bool(outbox_rows(site)[0]["status"] == "delivered")


def _answers(site: Site) -> bool:
    try:
        return request(site, "GET", "/api/v1/units")[0] == 200
    except OSError:
        return False
