"""A small province for dossier tests, built through the catalogue import and the user
service: a province, two communes under it, a department; four procedures; one user per
role and place."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from motcua.procedures.catalog import catalog_import
from motcua.procedures.models import Procedure
from motcua.units.models import Unit
from motcua.units.services import user_create_or_update

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PASSWORD = "mat-khau-thu-nghiem"

CATALOG: dict[str, Any] = {
    "fields": [{"code": "HT", "name": "Hộ tịch"}, {"code": "XD", "name": "Xây dựng"}],
    "units": [
        {"code": "000.00.00.T01", "name": "UBND tỉnh Thử", "level": "province", "parent": None},
        {
            "code": "000.00.01.T01",
            "name": "Sở Xây dựng",
            "level": "department",
            "parent": "000.00.00.T01",
            "procedures": ["1.009972", "2.000001"],
        },
        {
            "code": "000.01.01.T01",
            "name": "UBND xã Một",
            "level": "commune",
            "parent": "000.00.00.T01",
            "procedures": ["1.001193", "2.000001", "3.000001"],
        },
        {
            "code": "000.01.02.T01",
            "name": "UBND xã Hai",
            "level": "commune",
            "parent": "000.00.00.T01",
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
            "documents": [
                {"name": "Tờ khai đăng ký khai sinh", "kind": "original", "count": 1},
                {"name": "Giấy chứng sinh", "kind": "original", "count": 1},
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
            "fee": {"amount": 75000, "note": "Lệ phí cấp phép"},
            "online": "partial",
            "result": "Giấy phép xây dựng",
            "documents": [{"name": "Đơn đề nghị cấp giấy phép xây dựng", "kind": "original"}],
            "steps": [
                {"name": "Thẩm định", "role": "specialist", "hours": 80},
                {"name": "Phê duyệt", "role": "leader", "hours": 16},
            ],
        },
        {
            "code": "2.000001",
            "name": "Thủ tục liên thông thử",
            "field": "XD",
            "level": "commune",
            "processing_days": 5,
            "fee": {"amount": 0, "note": ""},
            "online": "full",
            "result": "Văn bản",
            "documents": [{"name": "Đơn", "kind": "original"}],
            "steps": [
                {"name": "Xã thẩm định", "role": "specialist", "hours": 8},
                {
                    "name": "Sở thẩm định",
                    "role": "specialist",
                    "hours": 16,
                    "unit": "000.00.01.T01",
                },
                {"name": "Xã phê duyệt", "role": "leader", "hours": 8},
            ],
        },
        {
            "code": "3.000001",
            "name": "Chứng nhận có trường hợp",
            "field": "HT",
            "level": "commune",
            "processing_days": 3,
            "fee": {"amount": 10000, "note": ""},
            "online": "none",
            "result": "Giấy chứng nhận",
            "documents": [{"name": "Tờ khai", "kind": "original"}],
            "cases": [
                {"code": "lan-dau", "name": "Cấp lần đầu", "processing_days": 3},
                {
                    "code": "cap-lai",
                    "name": "Cấp lại",
                    "processing_days": 1,
                    "fee": {"amount": 5000, "note": ""},
                },
            ],
            "steps": [{"name": "Xử lý", "role": "specialist", "hours": 8}],
        },
    ],
}


@dataclass
class Province:
    province: Unit
    department: Unit
    commune: Unit
    commune2: Unit
    users: dict[str, Any]

    def procedure(self, code: str) -> Procedure:
        return Procedure.objects.get(code=code)


@pytest.fixture
def province(db: None) -> Province:
    catalog_import(CATALOG)
    roles = {
        "desk": [("desk", "000.01.01.T01")],
        "specialist": [("specialist", "000.01.01.T01")],
        "leader": [("leader", "000.01.01.T01")],
        "unit_admin": [("unit_admin", "000.01.01.T01")],
        "specialist2": [("specialist", "000.01.01.T01")],
        "desk2": [("desk", "000.01.02.T01")],
        "dept_specialist": [("specialist", "000.00.01.T01")],
        "dept_desk": [("desk", "000.00.01.T01")],
        "dept_leader": [("leader", "000.00.01.T01")],
        "province_leader": [("leader", "000.00.00.T01")],
        "citizen": [("citizen", None)],
        "citizen2": [("citizen", None)],
    }
    users = {
        name: user_create_or_update(username=name, password=PASSWORD, roles=r)
        for name, r in roles.items()
    }
    return Province(
        province=Unit.objects.get(code="000.00.00.T01"),
        department=Unit.objects.get(code="000.00.01.T01"),
        commune=Unit.objects.get(code="000.01.01.T01"),
        commune2=Unit.objects.get(code="000.01.02.T01"),
        users=users,
    )


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


APPLICANT = {
    "kind": "citizen",
    "name": "Nguyễn Văn An",
    "id_number": "001203004567",
    "phone": "0901234567",
    "email": "an@example.vn",
    "address": "Số 1, xã Một",
}
