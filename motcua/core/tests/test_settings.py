"""Settings from the environment: safe production defaults, SQLite in WAL mode."""

from __future__ import annotations

import secrets
import sqlite3
import string
from pathlib import Path

import pytest
from django.db import connection

from conftest import child_env, run_motcua


def _production_env(data_dir: Path) -> dict[str, str]:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return child_env(
        data_dir,
        MOTCUA_ENV="production",
        MOTCUA_SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(50)),
        MOTCUA_ALLOWED_HOSTS="motcua.example.vn",
    )


def test_production_settings_pass_check_deploy_without_warnings(data_dir: Path) -> None:
    result = run_motcua(
        "manage",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        data_dir=data_dir,
        env=_production_env(data_dir),
    )

    assert result.returncode == 0, result.stderr
    assert "WARNINGS" not in result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_without_secret_key_refuses_to_start(data_dir: Path) -> None:
    env = _production_env(data_dir)
    del env["MOTCUA_SECRET_KEY"]

    result = run_motcua("manage", "check", data_dir=data_dir, env=env)

    assert result.returncode == 1
    assert "MOTCUA_SECRET_KEY must be set in production" in result.stderr


def test_demo_keeps_a_random_secret_key_in_the_data_dir(data_dir: Path) -> None:
    assert run_motcua("manage", "check", data_dir=data_dir).returncode == 0
    key = (data_dir / "secret_key").read_text()
    assert run_motcua("manage", "check", data_dir=data_dir).returncode == 0

    assert len(key) >= 50
    assert (data_dir / "secret_key").read_text() == key
    assert (data_dir / "secret_key").stat().st_mode & 0o077 == 0


def test_unknown_environment_name_is_refused(data_dir: Path) -> None:
    env = child_env(data_dir, MOTCUA_ENV="staging")

    result = run_motcua("migrate", data_dir=data_dir, env=env)

    assert result.returncode == 1
    assert "MOTCUA_ENV" in result.stderr


@pytest.mark.django_db
def test_sqlite_connections_use_wal_and_foreign_keys() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("WAL is a SQLite setting; this run uses " + connection.vendor)
    with connection.cursor() as cursor:
        mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        foreign_keys = cursor.execute("PRAGMA foreign_keys").fetchone()[0]
    # pytest-django's SQLite test database lives in memory, where WAL does not apply.
    assert mode in {"wal", "memory"}
    assert foreign_keys == 1


def test_embedded_database_runs_in_wal_mode(migrated_data_dir: Path) -> None:
    database = migrated_data_dir / "motcua.sqlite3"

    with sqlite3.connect(database) as db:
        # WAL is stored in the file itself: a fresh connection reads it back.
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_production_without_site_url_refuses_to_start(data_dir: Path) -> None:
    env = _production_env(data_dir)
    del env["MOTCUA_SITE_URL"]

    result = run_motcua("manage", "check", data_dir=data_dir, env=env)

    assert result.returncode == 1
    assert "MOTCUA_SITE_URL must be set in production" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_demo_links_to_the_port_it_serves_on(data_dir: Path) -> None:
    from motcua.cli import _demo_address_to_env

    env = child_env(data_dir, MOTCUA_ENV="demo")
    saved = {k: env.get(k) for k in ("MOTCUA_HOST", "MOTCUA_PORT")}
    import os

    before = {k: os.environ.get(k) for k in saved}
    try:
        _demo_address_to_env(["--port", "8123", "--host=0.0.0.0"])
        env.update(MOTCUA_PORT=os.environ["MOTCUA_PORT"], MOTCUA_HOST=os.environ["MOTCUA_HOST"])
    finally:
        for key, value in before.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    code = "from django.conf import settings; print(settings.SITE_URL)"
    result = run_motcua("manage", "shell", "-c", code, data_dir=data_dir, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("http://127.0.0.1:8123")
