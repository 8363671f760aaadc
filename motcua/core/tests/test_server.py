"""``motcua serve`` runs gunicorn for real and stops cleanly on SIGTERM."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import child_env, free_port, run_motcua

pytestmark = pytest.mark.slow

STARTUP_DEADLINE = 60.0  # seconds; generous for a loaded CI machine, never waited in full


def _wait_for_health(url: str, process: subprocess.Popen[str]) -> int:
    """Poll ``url`` until it answers or the deadline passes; never a fixed sleep."""
    deadline = time.monotonic() + STARTUP_DEADLINE
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited early with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                return int(response.status)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            # Not listening yet: wait for the process a little instead of sleeping.
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=0.2)
    raise AssertionError(f"{url} did not answer within {STARTUP_DEADLINE} s")


def test_serve_answers_healthz_and_stops_on_sigterm(migrated_data_dir: Path) -> None:
    port = free_port()
    env = child_env(
        migrated_data_dir,
        MOTCUA_ENV="production",
        MOTCUA_SSL_REDIRECT="0",
        MOTCUA_SECRET_KEY="k" * 20 + "-serve-test-" + "x" * 30,
        MOTCUA_ALLOWED_HOSTS="127.0.0.1",
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "motcua",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
        ],
        cwd=migrated_data_dir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        status = _wait_for_health(f"http://127.0.0.1:{port}/healthz", process)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as home:
            home_status = home.status
            home_headers = dict(home.headers)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            _out, err = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            _out, err = process.communicate()

    assert status == 200
    assert home_status == 200
    assert home_headers.get("X-Frame-Options") == "DENY"
    assert process.returncode == 0, err
    assert "gunicorn" in err.lower() or "Booting worker" in err


def test_serve_without_allowed_hosts_refuses_to_start(migrated_data_dir: Path) -> None:
    env = child_env(migrated_data_dir, MOTCUA_ENV="production", MOTCUA_SECRET_KEY="s" * 50)

    result = run_motcua("serve", data_dir=migrated_data_dir, env=env, timeout=60)

    assert result.returncode == 1
    assert "MOTCUA_ALLOWED_HOSTS" in result.stderr
