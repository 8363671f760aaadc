"""Fixtures shared by the whole suite.

State is built through the same functions the product uses (``catalog_import``,
``user_create_or_update``), never by hand-written rows. Tests that start real
``motcua`` processes get their own data dir and always the embedded SQLite database,
so they never touch the database the suite itself runs on (SQLite or PostgreSQL).
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent
FIXTURE_CATALOG = ROOT / "motcua" / "procedures" / "tests" / "fixtures" / "catalog.json"
DEMO_CATALOG = ROOT / "motcua" / "demo" / "catalog.json"
_FIXTURE_DATA: dict[str, Any] = json.loads(FIXTURE_CATALOG.read_text(encoding="utf-8"))

# Environment variables a child ``motcua`` process must not inherit from the test run.
_CHILD_ENV_DROP = (
    "MOTCUA_DATABASE_URL",
    "MOTCUA_STORAGE_URL",
    "MOTCUA_ENV",
    "MOTCUA_SECRET_KEY",
    "MOTCUA_ALLOWED_HOSTS",
    "MOTCUA_SITE_URL",
    "MOTCUA_HOST",
    "MOTCUA_PORT",
    "MOTCUA_DATA_DIR",
    "MOTCUA_SSL_REDIRECT",
    "MOTCUA_DEBUG",
    "DJANGO_SETTINGS_MODULE",
)


def free_port() -> int:
    """A TCP port nobody listens on right now (xdist workers never share a fixed port)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def child_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a child ``motcua`` process: embedded SQLite in ``data_dir``."""
    env = {k: v for k, v in os.environ.items() if k not in _CHILD_ENV_DROP}
    env["MOTCUA_DATA_DIR"] = str(data_dir)
    env["PYTHONUNBUFFERED"] = "1"
    if extra.get("MOTCUA_ENV") == "production":
        # Production requires the site's absolute URL (QR codes, e-mails).
        env.setdefault("MOTCUA_SITE_URL", "https://dichvucong.example.vn")
    env.update(extra)
    return env


def run_motcua(
    *args: str, data_dir: Path, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m motcua ARGS`` as a user would, and capture what it prints."""
    return subprocess.run(
        [sys.executable, "-m", "motcua", *args],
        cwd=data_dir,
        env=env if env is not None else child_env(data_dir),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


# A test whose processes all run on the embedded SQLite database of their own data dir (the
# ``data_dir`` fixtures, ``child_env``) does the same thing whatever the suite runs on, so the
# PostgreSQL run of the suite (the second run of CI) skips it: the SQLite run covered it.
# Such a test is found by its fixtures (a data dir, no database of the suite) or marked
# ``embedded`` when it builds its data dir itself.
_EMBEDDED_FIXTURES = {"data_dir", "migrated_data_dir"}
_SUITE_DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_setup"}


def _on_postgresql() -> bool:
    return os.environ.get("MOTCUA_DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not _on_postgresql():
        return
    skip = pytest.mark.skip(
        reason="its processes run on their own embedded SQLite database whatever the suite "
        "runs on: the SQLite run of the suite covers it"
    )
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        uses_suite_db = item.get_closest_marker("django_db") or fixtures & _SUITE_DB_FIXTURES
        embedded = item.get_closest_marker("embedded") or (
            fixtures & _EMBEDDED_FIXTURES and not uses_suite_db
        )
        if embedded:
            item.add_marker(skip)


@pytest.fixture
def catalog_data() -> dict[str, Any]:
    """A fresh copy of the fixture catalogue (tests may change it freely)."""
    return copy.deepcopy(_FIXTURE_DATA)


@pytest.fixture
def catalog_file() -> Path:
    return FIXTURE_CATALOG


@pytest.fixture
def catalog(db: None, catalog_data: dict[str, Any]) -> dict[str, Any]:
    """The fixture catalogue imported into the test database; returns the imported data."""
    from motcua.procedures.catalog import catalog_import

    catalog_import(copy.deepcopy(catalog_data))
    return catalog_data


@pytest.fixture
def api_client() -> Any:
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """An empty data dir for a child ``motcua`` process."""
    path = tmp_path / "var"
    path.mkdir()
    return path


@pytest.fixture
def motcua() -> Callable[..., subprocess.CompletedProcess[str]]:
    """``motcua(*args, data_dir=..., env=...)`` runs the real command line."""
    return run_motcua


@pytest.fixture(scope="session")
def _migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data dir per test process made by a real ``motcua migrate``."""
    template = tmp_path_factory.mktemp("migrated") / "var"
    template.mkdir()
    result = run_motcua("migrate", data_dir=template)
    assert result.returncode == 0, result.stderr
    return template


@pytest.fixture
def migrated_data_dir(data_dir: Path, _migrated_template: Path) -> Path:
    """A data dir whose embedded database has been created by ``motcua migrate`` (a copy of
    the process's migrated template, modes kept: the tests of ``migrate`` itself run it)."""
    shutil.copytree(_migrated_template, data_dir, dirs_exist_ok=True)
    return data_dir


@pytest.fixture(autouse=True, scope="session")
def _static_root() -> None:
    """WhiteNoise warns on every request when STATIC_ROOT does not exist yet."""
    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True)
def _vietnamese_first() -> Any:
    """Every test starts in Vietnamese, the site's language: a request of an earlier test in
    English (Accept-Language, the language switch) leaves its language active in the thread,
    and the next test in the same process would read English text."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
