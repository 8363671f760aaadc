"""Demo data: the catalogue of a demo province and one user per role."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from motcua.demo.history import demo_history_load
from motcua.procedures.catalog import ImportReport, catalog_import_file
from motcua.procedures.jobs import procedure_popularity_refresh
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
    full_name: str = ""
    title: str = ""
    phone: str = ""


@dataclass
class DemoReport:
    """What the first start loaded: the catalogue, the accounts and the history."""

    catalog: ImportReport
    dossiers: int = 0
    failed: int = 0

    def summary(self) -> str:
        text = self.catalog.summary()
        text += f"\nLịch sử mẫu: {self.dossiers} hồ sơ của những tháng gần đây"
        if self.failed:
            text += f" ({self.failed} dòng không nạp được)"
        text += (
            f"\nThư điện tử của bản demo không gửi đi: xem tại {settings.SITE_URL}/hop-thu-demo/"
            " (demo mail is not sent: read it there)"
        )
        return text


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
        DemoAccount(
            "motcua.xa",
            Role.DESK,
            commune.code,
            f"Một cửa — {commune.name}",
            "Trần Thị Bích Ngọc",
            "Công chức Văn phòng - Thống kê, Bộ phận Một cửa",
            "0912 345 601",
        ),
        DemoAccount(
            "chuyenvien.xa",
            Role.SPECIALIST,
            commune.code,
            f"Chuyên viên — {commune.name}",
            "Lê Văn Hùng",
            "Công chức Tư pháp - Hộ tịch",
            "0912 345 602",
        ),
        DemoAccount(
            "lanhdao.xa",
            Role.LEADER,
            commune.code,
            f"Lãnh đạo — {commune.name}",
            "Phạm Quốc Khánh",
            "Phó Chủ tịch Ủy ban nhân dân",
            "0912 345 603",
        ),
        DemoAccount(
            "quantri.xa",
            Role.UNIT_ADMIN,
            commune.code,
            f"Quản trị — {commune.name}",
            "Đỗ Minh Tâm",
            "Công chức Văn phòng - Thống kê",
            "0912 345 604",
        ),
        DemoAccount(
            "motcua.tinh",
            Role.DESK,
            centre.code,
            f"Một cửa — {centre.name}",
            "Hoàng Thị Mai",
            "Chuyên viên Trung tâm Phục vụ hành chính công",
            "0912 345 605",
        ),
        DemoAccount(
            "chuyenvien.sxd",
            Role.SPECIALIST,
            department.code,
            f"Chuyên viên — {department.name}",
            "Vũ Đức Anh",
            "Chuyên viên Phòng Quản lý xây dựng",
            "0912 345 606",
        ),
        DemoAccount(
            "lanhdao.sxd",
            Role.LEADER,
            department.code,
            f"Lãnh đạo — {department.name}",
            "Ngô Thanh Sơn",
            "Phó Giám đốc Sở",
            "0912 345 607",
        ),
        DemoAccount("congdan", Role.CITIZEN, None, "Công dân Nguyễn Văn An"),
        # The national portal's integration account (inbound dossiers, issue 14).
        DemoAccount("dvcqg", Role.NATIONAL, None, "Tài khoản kết nối Cổng DVCQG"),
    ]


def demo_is_loaded() -> bool:
    return Procedure.objects.exists()


def demo_load(*, history: bool = True) -> DemoReport:
    """Import the demo catalogue, create the demo accounts and replay a few hundred
    dossiers of the last months (``motcua.demo.history``), so that the dashboard, the
    public page and the officers' lists show a living province from the first start."""
    report = DemoReport(catalog=_demo_catalog_and_accounts())
    if history:
        result = demo_history_load(now=timezone.now())
        report.dossiers, report.failed = result.imported, result.failed
        procedure_popularity_refresh(now=timezone.now())
    return report


@transaction.atomic
def _demo_catalog_and_accounts() -> ImportReport:
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
                full_name="Nguyễn Văn An" if account.role == Role.CITIZEN else account.full_name,
                email="congdan@example.vn" if account.role == Role.CITIZEN else "",
                title=account.title,
                phone=account.phone,
            )
    return report
