"""``motcua signing add-certificate UNIT_CODE FILE.p12`` (CONTRACT.md §1), run as a user runs
it: the password from ``MOTCUA_P12_PASSWORD``; a wrong password, an expired certificate, a
file that is no PKCS#12, an unknown unit: exit 1 with one plain line, no traceback; bad usage:
exit 2."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURE_CATALOG, child_env, run_motcua
from motcua.signing.tests.pki import PASSWORD, TestPKI

UNIT = "000.00.00.H99"
pytestmark = pytest.mark.embedded  # every command runs on the data dir's own SQLite database


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("var")
    assert run_motcua("migrate", data_dir=data_dir).returncode == 0
    imported = run_motcua("import-catalog", str(FIXTURE_CATALOG), data_dir=data_dir)
    assert imported.returncode == 0, imported.stderr
    return data_dir


def add(
    data_dir: Path, *args: str, password: str | None = PASSWORD.decode()
) -> subprocess.CompletedProcess[str]:
    env = child_env(data_dir)
    env.pop("MOTCUA_P12_PASSWORD", None)
    if password is not None:
        env["MOTCUA_P12_PASSWORD"] = password
    return run_motcua("signing", "add-certificate", *args, data_dir=data_dir, env=env)


def test_a_unit_certificate_is_added_and_listed(migrated: Path, pki: TestPKI) -> None:
    p12 = migrated / "unit.p12"
    p12.write_bytes(pki.p12("unit"))

    result = add(migrated, UNIT, str(p12))
    listed = run_motcua("signing", "list", data_dir=migrated)

    assert result.returncode == 0, result.stderr
    assert "UBND xã Thử Nghiệm" in result.stdout
    assert UNIT in listed.stdout and "active" in listed.stdout


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("wrong-password", "wrong password"),
        ("expired", "expired"),
        ("not-p12", "not a readable PKCS#12"),
        ("unknown-unit", "unknown unit"),
        ("no-file", "No such file"),
        ("no-password", "MOTCUA_P12_PASSWORD"),
    ],
)
def test_errors_are_one_plain_line_and_exit_1(
    migrated: Path, pki: TestPKI, case: str, expected: str
) -> None:
    p12 = migrated / f"{case}.p12"
    p12.write_bytes(
        {"expired": pki.p12("old"), "not-p12": b"this is not a certificate"}.get(
            case, pki.p12("unit")
        )
    )
    unit = "999.99.99.X00" if case == "unknown-unit" else UNIT
    path = str(migrated / "missing.p12") if case == "no-file" else str(p12)
    password = {"wrong-password": "sai-mat-khau", "no-password": None}.get(case, PASSWORD.decode())

    result = add(migrated, unit, path, password=password)

    assert result.returncode == 1, result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_usage_exits_2(migrated: Path) -> None:
    missing_file = add(migrated, UNIT)
    unknown_verb = run_motcua("signing", "frobnicate", data_dir=migrated)

    assert missing_file.returncode == 2
    assert unknown_verb.returncode == 2
    assert "Traceback" not in missing_file.stderr
