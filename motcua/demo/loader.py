"""Demo data: the catalogue of a demo province and one user per role."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from motcua.procedures.catalog import ImportReport, catalog_import_file
from motcua.procedures.models import Procedure
from motcua.units.models import Role, Unit, UnitLevel
from motcua.units.services import user_create_or_update

CATALOG = Path(__file__).with_name("catalog.json")
DEMO_PASSWORD = "motcua-demo"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    unit_code: str | None
    description: str


def demo_accounts() -> list[DemoAccount]:
    """The demo users: officers of the first commune and of the construction department."""
    commune = Unit.objects.filter(level=UnitLevel.COMMUNE).order_by("code").first()
    department = (
        Unit.objects.filter(level=UnitLevel.DEPARTMENT, name__icontains="Xây dựng").first()
        or Unit.objects.filter(level=UnitLevel.DEPARTMENT).order_by("code").first()
    )
    centre = Unit.objects.filter(level=UnitLevel.CENTRE).first() or department
    if commune is None or department is None or centre is None:
        return []
    return [
        DemoAccount("admin", "superuser", None, "Quản trị hệ thống"),
        DemoAccount("motcua.xa", Role.DESK, commune.code, f"Một cửa — {commune.name}"),
        DemoAccount(
            "chuyenvien.xa", Role.SPECIALIST, commune.code, f"Chuyên viên — {commune.name}"
        ),
        DemoAccount("lanhdao.xa", Role.LEADER, commune.code, f"Lãnh đạo — {commune.name}"),
        DemoAccount("quantri.xa", Role.UNIT_ADMIN, commune.code, f"Quản trị — {commune.name}"),
        DemoAccount("motcua.tinh", Role.DESK, centre.code, f"Một cửa — {centre.name}"),
        DemoAccount(
            "chuyenvien.sxd", Role.SPECIALIST, department.code, f"Chuyên viên — {department.name}"
        ),
        DemoAccount("lanhdao.sxd", Role.LEADER, department.code, f"Lãnh đạo — {department.name}"),
        DemoAccount("congdan", Role.CITIZEN, None, "Công dân Nguyễn Văn An"),
        # The national portal's integration account (inbound dossiers, issue 14).
        DemoAccount("dvcqg", Role.NATIONAL, None, "Tài khoản kết nối Cổng DVCQG"),
    ]


def demo_is_loaded() -> bool:
    return Procedure.objects.exists()


@transaction.atomic
def demo_load() -> ImportReport:
    """Import the demo catalogue and create the demo accounts (idempotent)."""
    report = catalog_import_file(str(CATALOG))
    for account in demo_accounts():
        if account.role == "superuser":
            user_create_or_update(username=account.username, password=DEMO_PASSWORD, superuser=True)
        else:
            user_create_or_update(
                username=account.username,
                password=DEMO_PASSWORD,
                roles=[(account.role, account.unit_code)],
                full_name="Nguyễn Văn An" if account.role == Role.CITIZEN else "",
                email="congdan@example.vn" if account.role == Role.CITIZEN else "",
            )
    return report
