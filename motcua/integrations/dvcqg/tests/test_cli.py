"""The command line: ``motcua national-sim`` (the labelled stand-in) and ``motcua national``."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import child_env, free_port


def test_national_sim_serves_a_labelled_stand_in_and_stops_cleanly(data_dir: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "motcua", "national-sim", "--port", str(port)],
        cwd=data_dir,
        env=child_env(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert "GIẢ LẬP" in first
        assert "not the national portal" in first
        assert f"127.0.0.1:{port}" in process.stdout.readline()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_sim/state", timeout=10) as r:
            state = json.loads(r.read())
            assert r.headers["X-Stand-In"].startswith("DVCQG simulator")
        assert state["dossiers"] == {}
    finally:
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "Traceback" not in err


def test_national_sim_refuses_a_public_address(data_dir: Path, motcua: Callable[..., Any]) -> None:
    result = motcua("national-sim", "--host", "0.0.0.0", data_dir=data_dir)
    assert result.returncode == 2
    assert "loopback" in result.stderr


def test_national_commands_explain_a_missing_configuration(
    migrated_data_dir: Path, motcua: Callable[..., Any]
) -> None:
    result = motcua("national", "reconcile", data_dir=migrated_data_dir)
    assert result.returncode == 1
    assert "MOTCUA_DVCQG_URL" in result.stderr
    assert "Traceback" not in result.stderr

    env = child_env(migrated_data_dir, MOTCUA_DVCQG_URL="http://127.0.0.1:9")
    result = motcua("national", "resend", "KHONG-CO", data_dir=migrated_data_dir, env=env)
    assert result.returncode == 1
    assert "no such dossier: KHONG-CO" in result.stderr
    result = motcua("national", "reconcile", data_dir=migrated_data_dir, env=env)
    assert result.returncode == 0  # nothing to reconcile on an empty site
    assert "0 hồ sơ" in result.stdout
