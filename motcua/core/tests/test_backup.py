"""``motcua backup`` and ``motcua restore`` as an operator runs them: real processes, real
files, an empty data dir on the other side."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
from pathlib import Path
from typing import Any

import pytest

from conftest import child_env, run_motcua
from motcua.dossiers.tests.conftest import CATALOG

pytestmark = [pytest.mark.slow, pytest.mark.embedded]

DOSSIER = {
    "procedure": "3.000001",
    "unit": "000.01.01.T01",
    "channel": "counter",
    "case": "lan-dau",
    "applicant": {"kind": "citizen", "name": "Trần Thị Bình", "phone": "0912345678"},
    "received_at": "2026-03-02T08:15:00+07:00",
    "events": [
        {"action": "forward", "at": "2026-03-02T09:00:00+07:00"},
        {"action": "resolve", "at": "2026-03-03T10:00:00+07:00"},
        {"action": "return", "at": "2026-03-03T14:00:00+07:00", "method": "counter"},
    ],
}


def _ok(result) -> str:  # type: ignore[no-untyped-def]
    assert result.returncode == 0, result.stderr
    return str(result.stdout)


def _copy(site: Path, tmp_path: Path) -> Path:
    """A copy of a prepared data dir for one test (modes kept)."""
    copy = tmp_path / "source"
    shutil.copytree(site, copy)
    return copy


@pytest.fixture(scope="module")
def prepared_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site made by the commands, once per test process: catalogue, one imported dossier
    and a scan among its files."""
    tmp_path = tmp_path_factory.mktemp("backup")
    data_dir = tmp_path / "source"
    data_dir.mkdir()
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps(CATALOG, ensure_ascii=False), encoding="utf-8")
    history = tmp_path / "history.jsonl"
    history.write_text(json.dumps(DOSSIER, ensure_ascii=False) + "\n", encoding="utf-8")
    _ok(run_motcua("migrate", data_dir=data_dir))
    _ok(run_motcua("import-catalog", str(catalog), data_dir=data_dir))
    _ok(run_motcua("import-dossiers", str(history), data_dir=data_dir))
    scan = data_dir / "files" / "dossiers" / "scan.pdf"
    scan.parent.mkdir(parents=True)
    scan.write_bytes(b"%PDF-1.4\n% MotCua test scan\n%%EOF\n")
    return data_dir


@pytest.fixture
def source(prepared_source: Path, tmp_path: Path) -> Path:
    return _copy(prepared_source, tmp_path)


def test_backup_restores_everything_into_an_empty_data_dir(source: Path, tmp_path: Path) -> None:
    archive = tmp_path / "motcua-backup.tar.gz"
    _ok(run_motcua("backup", str(archive), data_dir=source))
    target = tmp_path / "target"
    target.mkdir()
    _ok(run_motcua("restore", str(archive), data_dir=target))

    restored_scan = target / "files" / "dossiers" / "scan.pdf"
    assert restored_scan.read_bytes() == (source / "files" / "dossiers" / "scan.pdf").read_bytes()
    assert "all 1 dossier histories are intact" in _ok(
        run_motcua("verify-history", data_dir=target)
    )
    before = _ok(run_motcua("export-catalog", "-", data_dir=source))
    after = _ok(run_motcua("export-catalog", "-", data_dir=target))
    assert json.loads(after) == json.loads(before)
    # The restored database works: the same history import is recognised as already there.
    history = tmp_path / "history.jsonl"
    history.write_text(json.dumps(DOSSIER, ensure_ascii=False) + "\n", encoding="utf-8")
    assert "0 dossiers imported, 1 already there" in _ok(
        run_motcua("import-dossiers", str(history), data_dir=target)
    )


def test_restore_refuses_a_database_that_is_not_empty(source: Path, tmp_path: Path) -> None:
    archive = tmp_path / "b.tar.gz"
    _ok(run_motcua("backup", str(archive), data_dir=source))
    result = run_motcua("restore", str(archive), data_dir=source)
    assert result.returncode == 1
    assert "not empty" in result.stderr


def test_restore_refuses_a_corrupted_backup(source: Path, tmp_path: Path) -> None:
    archive = tmp_path / "b.tar.gz"
    _ok(run_motcua("backup", str(archive), data_dir=source))
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive, "r:gz") as src, tarfile.open(tampered, "w:gz") as dst:
        for member in src.getmembers():
            handle = src.extractfile(member)
            data = handle.read() if handle else b""
            if member.name.endswith("scan.pdf"):
                data = data.replace(b"test", b"TEST")
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    target = tmp_path / "target"
    target.mkdir()
    result = run_motcua("restore", str(tampered), data_dir=target)
    assert result.returncode == 1
    assert "does not match" in result.stderr


def _rewritten(archive: Path, target: Path, change: Any) -> Path:
    """A copy of ``archive`` whose database dump went through ``change`` (records → records),
    with the manifest's checksum of the dump made to match."""
    with tarfile.open(archive, "r:gz") as src:
        members = {m.name: (m, src.extractfile(m).read()) for m in src.getmembers() if m.isfile()}
    dump_name = "database.mcjson"
    records = change(json.loads(members[dump_name][1]))
    dump = json.dumps(records, ensure_ascii=False).encode()
    manifest = json.loads(members["manifest.json"][1])
    manifest["database"]["sha256"] = hashlib.sha256(dump).hexdigest()
    members[dump_name] = (members[dump_name][0], dump)
    members["manifest.json"] = (members["manifest.json"][0], json.dumps(manifest).encode())
    with tarfile.open(target, "w:gz") as dst:
        for member, data in members.values():
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    return target


def test_a_backup_from_before_the_participants_creation_time_restores(
    source: Path, tmp_path: Path
) -> None:
    """Backups made before participant rows carried their dossier's creation time
    (migration dossiers/0008) restore with it, and the desk's list is whole."""
    archive = tmp_path / "b.tar.gz"
    _ok(run_motcua("backup", str(archive), data_dir=source))

    def without_created_at(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        participants = [r for r in records if r["model"] == "dossiers.dossierparticipant"]
        assert participants
        for record in participants:
            del record["fields"]["created_at"]
        return records

    old = _rewritten(archive, tmp_path / "old.tar.gz", without_created_at)
    target = tmp_path / "target"
    target.mkdir()
    _ok(run_motcua("restore", str(old), data_dir=target))
    check = (
        "from motcua.dossiers.models import DossierParticipant as P\n"
        "rows = P.objects.select_related('dossier')\n"
        "print(len(rows), all(p.created_at == p.dossier.created_at for p in rows))"
    )
    printed = _ok(run_motcua("manage", "shell", "-c", check, data_dir=target))
    assert printed.splitlines()[-1] == "1 True"


LIVE = """
from motcua.dossiers.lifecycle import Action
from motcua.dossiers.services import dossier_act, dossier_intake
from motcua.procedures.models import Procedure
from motcua.units.models import Unit

for _ in range(2):
    d, _created = dossier_intake(
        actor=None,
        procedure=Procedure.objects.get(code="3.000001"),
        unit=Unit.objects.get(code="000.01.01.T01"),
        channel="counter",
        applicant={"kind": "citizen", "name": "Lê Văn Cường", "phone": "0912345678"},
        case_code="lan-dau",
    )
    d = dossier_act(dossier=d, action=Action.FORWARD, actor=None, params={})
    d = dossier_act(dossier=d, action=Action.RESOLVE, actor=None, params={})
    assert d.resolved_at.microsecond or d.received_at.microsecond
"""


@pytest.fixture(scope="module")
def live_site(prepared_source: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the site, its backup): dossiers made by live actions (times in microseconds) beside
    imported ones, once per test process."""
    tmp_path = tmp_path_factory.mktemp("live")
    source = _copy(prepared_source, tmp_path)
    _ok(run_motcua("manage", "shell", "-c", LIVE, data_dir=source))
    # The worker's share of those actions (their forms), done before the backup.
    _ok(run_motcua("manage", "db_worker", "--batch", "--queue-name", "*", data_dir=source))
    archive = tmp_path / "live.tar.gz"
    _ok(run_motcua("backup", str(archive), data_dir=source))
    return source, archive


@pytest.fixture
def live_backup(live_site: tuple[Path, Path]) -> Path:
    """A backup of a site whose dossiers were made by live actions beside imported ones."""
    return live_site[1]


def test_live_histories_survive_backup_and_restore_into_sqlite(
    live_backup: Path, tmp_path: Path
) -> None:
    target = tmp_path / "target"
    target.mkdir()
    _ok(run_motcua("restore", str(live_backup), data_dir=target))
    assert "all 3 dossier histories are intact" in _ok(
        run_motcua("verify-history", data_dir=target)
    )


def _empty_postgres(name: str) -> str | None:
    """A fresh, empty PostgreSQL database beside the suite's (None when there is no server)."""
    import os

    import psycopg

    base = os.environ.get("MOTCUA_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    if not base.startswith("postgres"):
        base = "postgres://postgres@127.0.0.1:5432/postgres"
    server = base.rsplit("/", 1)[0]
    try:
        with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError:
        return None
    return f"{server}/{name}"


def test_live_histories_survive_backup_and_restore_into_postgresql(
    live_backup: Path, tmp_path: Path, worker_id: str
) -> None:
    url = _empty_postgres(f"motcua_restore_{worker_id}")
    if url is None:
        pytest.skip("no PostgreSQL server on 127.0.0.1:5432")
    target = tmp_path / "pg"
    target.mkdir()
    env = child_env(target, MOTCUA_DATABASE_URL=url)
    _ok(run_motcua("restore", str(live_backup), data_dir=target, env=env))
    assert "all 3 dossier histories are intact" in _ok(
        run_motcua("verify-history", data_dir=target, env=env)
    )


def test_database_data_dir_and_backups_are_the_owners_only(live_site: tuple[Path, Path]) -> None:
    source, live_backup = live_site
    assert live_backup.stat().st_mode & 0o077 == 0
    assert source.stat().st_mode & 0o077 == 0
    assert (source / "motcua.sqlite3").stat().st_mode & 0o077 == 0
    # The files MotCua wrote (the forms of the live dossiers), not the test's own scan.
    created = [p for p in (source / "files").rglob("*.pdf") if p.name != "scan.pdf"]
    assert created and all(p.stat().st_mode & 0o077 == 0 for p in created)
