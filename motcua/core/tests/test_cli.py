"""The ``motcua`` command line (CONTRACT.md §1): usage, exit codes, ``--data-dir``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import child_env, run_motcua

pytestmark = pytest.mark.embedded  # every command runs on the data dir's own SQLite database


def test_no_command_is_bad_usage(data_dir: Path) -> None:
    result = run_motcua(data_dir=data_dir)

    assert result.returncode == 2
    assert "usage: motcua" in result.stderr


def test_help_lists_the_commands(data_dir: Path) -> None:
    result = run_motcua("--help", data_dir=data_dir)

    assert result.returncode == 0
    for command in ("demo", "serve", "migrate", "createuser", "import-catalog"):
        assert command in result.stdout


def test_unknown_command_is_bad_usage(data_dir: Path) -> None:
    result = run_motcua("frobnicate", data_dir=data_dir)

    assert result.returncode == 2
    assert "unknown command 'frobnicate'" in result.stderr


def test_data_dir_without_a_directory_is_bad_usage(data_dir: Path) -> None:
    result = run_motcua("migrate", "--data-dir", data_dir=data_dir)

    assert result.returncode == 2
    assert "--data-dir" in result.stderr


@pytest.mark.parametrize(
    "place", ["before", "after", "equals"], ids=["before-command", "after-command", "equals-form"]
)
def test_data_dir_may_stand_anywhere_on_the_line(
    tmp_path: Path, catalog_file: Path, place: str
) -> None:
    target = tmp_path / "chosen"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    flag = [f"--data-dir={target}"] if place == "equals" else ["--data-dir", str(target)]
    migrate = [*flag, "migrate"] if place == "before" else ["migrate", *flag]

    # The environment points elsewhere: the flag must win.
    assert run_motcua(*migrate, data_dir=elsewhere).returncode == 0
    imported = run_motcua("import-catalog", str(catalog_file), *flag, data_dir=elsewhere)

    assert imported.returncode == 0, imported.stderr
    assert (target / "motcua.sqlite3").exists()
    assert not (elsewhere / "motcua.sqlite3").exists()
    exported = run_motcua(*flag, "export-catalog", "-", data_dir=elsewhere)
    assert len(json.loads(exported.stdout)["procedures"]) == 7


def test_migrate_creates_the_database_and_is_repeatable(data_dir: Path) -> None:
    first = run_motcua("migrate", data_dir=data_dir)
    second = run_motcua("migrate", data_dir=data_dir)

    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert (data_dir / "motcua.sqlite3").exists()


def test_import_twice_reports_no_change_the_second_time(
    migrated_data_dir: Path, catalog_file: Path
) -> None:
    first = run_motcua("import-catalog", str(catalog_file), data_dir=migrated_data_dir)
    second = run_motcua("import-catalog", str(catalog_file), data_dir=migrated_data_dir)

    assert first.returncode == 0, first.stderr
    assert "thủ tục: 7 mới" in first.stdout
    assert second.returncode == 0
    assert "thủ tục: 0 mới, 0 cập nhật" in second.stdout
    assert "không đổi: 7" in second.stdout


def test_export_to_a_file_round_trips(migrated_data_dir: Path, catalog_file: Path) -> None:
    run_motcua("import-catalog", str(catalog_file), data_dir=migrated_data_dir)
    out = migrated_data_dir.parent / "export.json"

    exported = run_motcua("export-catalog", str(out), data_dir=migrated_data_dir)
    again = run_motcua("import-catalog", str(out), data_dir=migrated_data_dir)

    assert exported.returncode == 0
    assert "không đổi: 7" in again.stdout
    assert "thủ tục: 0 mới, 0 cập nhật" in again.stdout


def test_production_command_without_secret_key_fails_plainly(data_dir: Path) -> None:
    env = child_env(data_dir, MOTCUA_ENV="production", MOTCUA_ALLOWED_HOSTS="x.vn")

    result = run_motcua("serve", data_dir=data_dir, env=env)

    assert result.returncode == 1
    assert "MOTCUA_SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_hostile_input_to_commands_is_one_line_never_a_traceback(
    migrated_data_dir: Path, tmp_path: Path
) -> None:
    """Issue 11, finding 6: a directory or JSON nested 100,000 deep given to import-catalog."""
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    for target in (tmp_path, deep):
        result = run_motcua("import-catalog", str(target), data_dir=migrated_data_dir)
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        assert str(target) in result.stderr


def test_migrate_creates_a_missing_data_dir_for_its_owner_only(tmp_path: Path) -> None:
    target = tmp_path / "moi" / "du-lieu"
    result = run_motcua("migrate", data_dir=tmp_path, env=child_env(target))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert target.is_dir()
    assert target.stat().st_mode & 0o077 == 0
    assert (target / "motcua.sqlite3").stat().st_mode & 0o077 == 0
