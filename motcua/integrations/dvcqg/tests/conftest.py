"""A small province (H99) with national codes in its catalogue, one user per role, and the
stand-in of the national portal on a loopback port with MotCua pointed at it."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from motcua.integrations.dvcqg.client import portal_client_reset
from motcua.integrations.dvcqg.tests.standin import StandIn
from motcua.procedures.catalog import catalog_import
from motcua.units.services import user_create_or_update

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PASSWORD = "mat-khau-thu-nghiem"
AGENCY = "000.00.00.H99"
COMMUNE = "000.01.01.H99"
DEPARTMENT = "000.00.01.H99"

CATALOG: dict[str, Any] = {
    "fields": [{"code": "HT", "name": "Hộ tịch"}, {"code": "XD", "name": "Xây dựng"}],
    "units": [
        {"code": AGENCY, "name": "UBND tỉnh Mẫu", "level": "province", "parent": None},
        {
            "code": DEPARTMENT,
            "name": "Sở Xây dựng",
            "level": "department",
            "parent": AGENCY,
            "procedures": ["1.009972"],
        },
        {
            "code": COMMUNE,
            "name": "UBND xã Một",
            "level": "commune",
            "parent": AGENCY,
            "procedures": ["1.001193"],
        },
    ],
    "procedures": [
        {
            "code": "1.001193",
            "name": "Đăng ký khai sinh",
            "field": "HT",
            "level": "commune",
            "processing_days": 0,
            "same_day_cutoff": "15:00",
            "fee": {"amount": 0, "note": ""},
            "online": "full",
            "result": "Giấy khai sinh",
            "national_code": "1.001193",
            "online_service_code": "DVC.1.001193",
            "result_code": "KQ.G07.000122",
            "documents": [
                {"name": "Tờ khai đăng ký khai sinh", "national_code": "TP.HT.0101"},
                {"name": "Giấy chứng sinh", "national_code": "TP.HT.0102"},
            ],
            "steps": [
                {"name": "Thẩm định", "role": "specialist", "hours": 2},
                {"name": "Phê duyệt", "role": "leader", "hours": 1},
            ],
        },
        {
            "code": "1.009972",
            "name": "Cấp giấy phép xây dựng nhà ở riêng lẻ",
            "field": "XD",
            "level": "department",
            "processing_days": 15,
            "fee": {"amount": 75000, "note": "Lệ phí cấp phép", "code": "LP.XD.0001"},
            "online": "partial",
            "result": "Giấy phép xây dựng",
            "result_code": "KQ.XD.000001",
            "documents": [{"name": "Đơn đề nghị cấp giấy phép xây dựng"}],
            "steps": [
                {"name": "Thẩm định", "role": "specialist", "hours": 80},
                {"name": "Phê duyệt", "role": "leader", "hours": 16},
            ],
        },
    ],
}

APPLICANT = {
    "kind": "citizen",
    "name": "Nguyễn Văn An",
    "id_number": "001203004567",
    "phone": "0901234567",
    "email": "an@example.vn",
    "address": "Số 1, xã Một",
}


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


@dataclass
class Province:
    users: dict[str, Any]


@pytest.fixture
def province(db: None) -> Province:
    catalog_import(copy.deepcopy(CATALOG))
    roles = {
        "desk": [("desk", COMMUNE)],
        "specialist": [("specialist", COMMUNE)],
        "leader": [("leader", COMMUNE)],
        "dept_desk": [("desk", DEPARTMENT)],
        "dept_specialist": [("specialist", DEPARTMENT)],
        "dept_leader": [("leader", DEPARTMENT)],
        "national": [("national", None)],
        "citizen": [("citizen", None)],
    }
    users = {
        name: user_create_or_update(
            username=name, password=PASSWORD, roles=r, full_name=f"Cán bộ {name}"
        )
        for name, r in roles.items()
    }
    return Province(users=users)


@pytest.fixture
def portal(settings: Any) -> Iterator[StandIn]:
    """The stand-in, with MotCua's settings pointing at it."""
    standin = StandIn(agency=AGENCY).serve()
    settings.MOTCUA_DVCQG_URL = standin.url
    settings.MOTCUA_DVCQG_USERNAME = standin.username
    settings.MOTCUA_DVCQG_PASSWORD = standin.password
    settings.MOTCUA_DVCQG_AGENCY = AGENCY
    settings.MOTCUA_DVCQG_TIMEOUT = 2.0
    settings.SITE_URL = "http://testserver"
    portal_client_reset()
    yield standin
    portal_client_reset()
    standin.stop()


def drain(rounds: int = 50, *, step: dt.timedelta = dt.timedelta(hours=2)) -> None:
    """Deliver every due outbox row, moving the clock forward between rounds so that rows
    waiting for their backoff become due (an outage of hours, in no time)."""
    from django.utils import timezone

    from motcua.outbox.delivery import deliver_due
    from motcua.outbox.models import MessageStatus, OutboxMessage

    now = timezone.now()
    for _ in range(rounds):
        deliver_due(now=now, limit=100000)
        if not OutboxMessage.objects.filter(status=MessageStatus.PENDING).exists():
            return
        now += step
