"""``motcua createuser`` (CONTRACT.md §1) and the service behind it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from conftest import run_motcua
from motcua.units.models import Membership

pytestmark = pytest.mark.django_db

DESK_UNIT = "000.20.01.H99"
LEADER_UNIT = "000.20.02.H99"


def _roles(username: str) -> set[tuple[str, str | None]]:
    return {
        (m.role, m.unit.code if m.unit else None)
        for m in Membership.objects.filter(user__username=username).select_related("unit")
    }


def test_createuser_gives_each_role_its_unit(catalog: dict[str, Any]) -> None:
    call_command(
        "createuser",
        "lan",
        "--password",
        "mat-khau-1",
        "--role",
        "desk",
        "--unit",
        DESK_UNIT,
        "--role",
        "leader",
        "--unit",
        LEADER_UNIT,
    )

    user = get_user_model().objects.get(username="lan")
    assert user.check_password("mat-khau-1")
    assert not user.is_superuser
    assert _roles("lan") == {("desk", DESK_UNIT), ("leader", LEADER_UNIT)}


def test_createuser_again_replaces_roles_and_password(catalog: dict[str, Any]) -> None:
    call_command("createuser", "lan", "--password", "cu-1", "--role", "desk", "--unit", DESK_UNIT)
    call_command(
        "createuser", "lan", "--password", "moi-2", "--role", "specialist", "--unit", LEADER_UNIT
    )

    user = get_user_model().objects.get(username="lan")
    assert user.check_password("moi-2")
    assert _roles("lan") == {("specialist", LEADER_UNIT)}


def test_createuser_superuser_can_use_the_admin(catalog: dict[str, Any]) -> None:
    call_command("createuser", "root", "--password", "mat-khau-1", "--superuser")

    user = get_user_model().objects.get(username="root")
    assert user.is_superuser
    assert user.is_staff


def test_citizen_needs_no_unit(catalog: dict[str, Any]) -> None:
    call_command("createuser", "dan", "--password", "mat-khau-1", "--role", "citizen")

    assert _roles("dan") == {("citizen", None)}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "boss", "--unit", DESK_UNIT], 'vai trò "boss" không tồn tại'),
        (["--role", "desk", "--unit", "000.99.99.H99"], "000.99.99.H99"),
        (["--role", "desk"], "--unit"),
    ],
)
def test_createuser_refuses_unknown_role_or_unit(
    catalog: dict[str, Any], args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("createuser", "lan", "--password", "mat-khau-1", *args)

    assert not get_user_model().objects.filter(username="lan").exists()


def test_createuser_process_exits_1_with_a_plain_message(migrated_data_dir: Path) -> None:
    result = run_motcua(
        "createuser",
        "lan",
        "--password",
        "x-1234567",
        "--role",
        "desk",
        "--unit",
        "NOPE",
        data_dir=migrated_data_dir,
    )

    assert result.returncode == 1
    assert "NOPE" in result.stderr
    assert "Traceback" not in result.stderr


def test_createuser_process_with_two_roles_and_data_dir_last(
    migrated_data_dir: Path, catalog_file: Path
) -> None:
    assert (
        run_motcua("import-catalog", str(catalog_file), data_dir=migrated_data_dir).returncode == 0
    )

    result = run_motcua(
        "createuser",
        "lan",
        "--password",
        "x-1234567",
        "--role",
        "desk",
        "--unit",
        DESK_UNIT,
        "--role",
        "leader",
        "--unit",
        LEADER_UNIT,
        "--data-dir",
        str(migrated_data_dir),
        data_dir=migrated_data_dir.parent,
    )

    assert result.returncode == 0, result.stderr
    assert "lan" in result.stdout


def test_createuser_without_password_is_bad_usage(migrated_data_dir: Path) -> None:
    result = run_motcua("createuser", "lan", data_dir=migrated_data_dir)

    assert result.returncode == 2
    assert "--password" in result.stderr
