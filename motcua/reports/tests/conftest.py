"""A small province with a merged commune, and a hand-built history with known answers
(docs/statistics.md walks through every number)."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

import pytest

from motcua.dossiers.importer import import_dossiers
from motcua.dossiers.tests.conftest import CATALOG, PASSWORD
from motcua.procedures.catalog import catalog_import
from motcua.units.models import Unit
from motcua.units.services import user_create_or_update

A = {"kind": "citizen", "name": "Nguyễn Văn An", "phone": "0901234567"}
LAN_DAU = {"procedure": "3.000001", "case": "lan-dau", "unit": "000.01.01.T01"}


def _t(day: str, time: str) -> str:
    return f"2027-03-{day}T{time}:00+07:00"


def ev(action: str, day: str, time: str, **extra: Any) -> dict[str, Any]:
    return {"action": action, "at": _t(day, time), **extra}


# Dossiers D1…D14 (see docs/statistics.md, "The hand-built data set").
HAND_LINES: list[dict[str, Any]] = [
    {**LAN_DAU, "code": "D01", "channel": "counter", "applicant": A,
     "received_at": _t("01", "08:00"),
     "events": [ev("forward", "01", "09:00"), ev("resolve", "05", "10:00"),
                ev("return", "05", "14:00", method="counter")]},
    {**LAN_DAU, "code": "D02", "channel": "counter", "applicant": A,
     "received_at": _t("03", "08:00"),
     "events": [ev("forward", "03", "09:00"), ev("resolve", "05", "10:00")]},
    {**LAN_DAU, "code": "D03", "channel": "postal", "applicant": A,
     "received_at": _t("04", "08:00"),
     "events": [ev("forward", "04", "09:00"), ev("resolve", "09", "07:50")]},
    {**LAN_DAU, "code": "D04", "channel": "counter", "applicant": A,
     "received_at": _t("02", "08:00"),
     "events": [ev("forward", "02", "09:00"),
                ev("request-supplement", "03", "10:00", items=["Tờ khai"]),
                ev("supplement", "08", "08:00")]},
    {**LAN_DAU, "code": "D05", "channel": "counter", "applicant": A,
     "received_at": _t("03", "13:00"),
     "events": [ev("forward", "03", "14:00"), ev("request-payment", "04", "08:00", amount=10000),
                ev("confirm-payment", "09", "08:00")]},
    {**LAN_DAU, "code": "D06", "channel": "counter", "applicant": A,
     "received_at": _t("01", "08:00"),
     "events": [ev("forward", "01", "09:00"),
                ev("extend", "05", "09:00", extended_due_at=_t("12", "17:00"), reason="Xin lỗi")]},
    {"procedure": "1.001193", "unit": "000.01.01.T01", "code": "D07", "channel": "online",
     "applicant": A, "submitted_at": "2027-03-02T20:00:00+07:00",
     "events": [ev("accept", "03", "08:00"), ev("forward", "03", "09:00"),
                ev("forward", "03", "10:00"), ev("resolve", "03", "16:00"),
                ev("return", "04", "08:00", method="online")]},
    {"procedure": "1.001193", "unit": "000.01.01.T01", "code": "D08", "channel": "online",
     "applicant": A, "submitted_at": _t("04", "09:00"),
     "events": [ev("refuse", "04", "10:00", reason="Sai thủ tục")]},
    {"procedure": "1.001193", "unit": "000.01.01.T01", "code": "D09", "channel": "counter",
     "applicant": A, "received_at": _t("09", "09:00"),
     "events": [ev("withdraw", "09", "10:00")]},
    {**LAN_DAU, "code": "D10", "channel": "counter", "applicant": A,
     "received_at": _t("08", "08:00"),
     "events": [ev("forward", "08", "09:00"), ev("stop", "10", "09:00", reason="Dừng")]},
    {"procedure": "1.001193", "unit": "000.01.01.T01", "code": "D11", "channel": "counter",
     "applicant": A, "received_at": _t("11", "08:00"), "events": []},
    {"procedure": "1.001193", "unit": "000.01.02.T01", "code": "D12", "channel": "counter",
     "applicant": A, "received_at": _t("05", "08:00"),
     "events": [ev("forward", "05", "09:00"), ev("forward", "05", "10:00"),
                ev("resolve", "05", "18:00")]},
    {"procedure": "1.001193", "unit": "000.01.03.T01", "code": "D13", "channel": "counter",
     "applicant": A, "received_at": "2025-06-20T08:00:00+07:00",
     "events": [{"action": "forward", "at": "2025-06-20T09:00:00+07:00"},
                {"action": "forward", "at": "2025-06-20T10:00:00+07:00"}]},
    {"procedure": "1.001193", "unit": "000.01.01.T01", "code": "D14", "channel": "online",
     "applicant": A, "submitted_at": _t("05", "09:00"),
     "events": [ev("request-supplement", "05", "10:00", items=["Giấy chứng sinh"]),
                ev("supplement", "09", "09:00")]},
]  # fmt: skip


def hand_catalog() -> dict[str, Any]:
    catalog = copy.deepcopy(CATALOG)
    catalog["units"].append(
        {
            "code": "000.01.03.T01",
            "name": "UBND xã Ba (cũ)",
            "level": "commune",
            "parent": "000.00.00.T01",
            "procedures": ["1.001193"],
            "valid_to": "2025-06-30",
            "successor": "000.01.01.T01",
        }
    )
    return catalog


@dataclass
class Place:
    province: Unit
    department: Unit
    commune: Unit
    commune2: Unit
    old_commune: Unit
    users: dict[str, Any]


ROLES = {
    "province_leader": [("leader", "000.00.00.T01")],
    "leader": [("leader", "000.01.01.T01")],
    "leader2": [("leader", "000.01.02.T01")],
    "desk": [("desk", "000.01.01.T01")],
    "specialist": [("specialist", "000.01.01.T01")],
    "citizen": [("citizen", None)],
}


@pytest.fixture
def place(db: None) -> Place:
    catalog_import(hand_catalog())
    users = {
        name: user_create_or_update(username=name, password=PASSWORD, roles=r)
        for name, r in ROLES.items()
    }
    users["admin"] = user_create_or_update(username="admin", password=PASSWORD, superuser=True)
    units = {u.code: u for u in Unit.objects.all()}
    return Place(
        province=units["000.00.00.T01"],
        department=units["000.00.01.T01"],
        commune=units["000.01.01.T01"],
        commune2=units["000.01.02.T01"],
        old_commune=units["000.01.03.T01"],
        users=users,
    )


@pytest.fixture
def hand(place: Place) -> Place:
    lines = [(i, json.dumps(line, ensure_ascii=False)) for i, line in enumerate(HAND_LINES, 1)]
    result = import_dossiers(lines)
    assert result.errors == [] and result.imported == len(HAND_LINES)
    return place


SAME_DAY = {"procedure": "1.001193", "unit": "000.01.01.T01"}

# The national hand-built history N01…N15 (docs/statistics.md walks through each one).
NATIONAL_LINES: list[dict[str, Any]] = [
    {**LAN_DAU, "code": "N01", "channel": "counter", "applicant": A,
     "received_at": _t("01", "08:00"),
     "events": [ev("forward", "01", "09:00"), ev("resolve", "03", "10:00"),
                ev("return", "11", "09:00", method="counter")]},
    {**LAN_DAU, "code": "N02", "channel": "counter", "applicant": A,
     "received_at": _t("01", "08:00"),
     "events": [ev("forward", "01", "09:00"), ev("resolve", "05", "10:00"),
                ev("return", "05", "14:00", method="counter")]},
    {**LAN_DAU, "code": "N03", "channel": "counter", "applicant": A,
     "received_at": _t("02", "08:00"),
     "events": [ev("forward", "02", "09:00"),
                ev("request-supplement", "03", "10:00", items=["Tờ khai"]),
                ev("supplement", "08", "08:00"), ev("resolve", "10", "16:00")]},
    {**LAN_DAU, "code": "N04", "channel": "counter", "applicant": A,
     "received_at": _t("02", "08:00"),
     "events": [ev("forward", "02", "09:00"),
                ev("request-supplement", "03", "10:00", items=["Tờ khai"]),
                ev("supplement", "04", "10:00"),
                ev("request-supplement", "05", "09:00", items=["Bản vẽ"]),
                ev("stop", "15", "09:00", reason="Không bổ sung")]},
    {**LAN_DAU, "code": "N05", "channel": "counter", "applicant": A,
     "received_at": _t("03", "08:00"),
     "events": [ev("forward", "03", "09:00"),
                ev("request-supplement", "04", "09:00", items=["Tờ khai"])]},
    {**LAN_DAU, "code": "N06", "channel": "counter", "applicant": A,
     "received_at": _t("01", "08:00"), "events": [ev("forward", "01", "09:00")]},
    {**LAN_DAU, "code": "N07", "channel": "counter", "applicant": A,
     "received_at": _t("08", "08:00"),
     "events": [ev("forward", "08", "09:00"), ev("resolve", "12", "10:00")]},
    {**LAN_DAU, "code": "N08", "channel": "counter", "applicant": A,
     "received_at": _t("03", "08:00"),
     "events": [ev("forward", "03", "09:00"), ev("stop", "09", "09:00", reason="Dừng")]},
    {**LAN_DAU, "code": "N09", "channel": "counter", "applicant": A,
     "received_at": _t("04", "09:00"), "events": [ev("withdraw", "05", "10:00")]},
    {**SAME_DAY, "code": "N10", "channel": "online", "applicant": A,
     "submitted_at": _t("04", "09:00"),
     "events": [ev("refuse", "04", "10:00", reason="Sai thủ tục")]},
    {**SAME_DAY, "code": "N11", "channel": "online", "applicant": A,
     "submitted_at": _t("04", "09:00"), "events": [ev("withdraw", "04", "11:00")]},
    {**LAN_DAU, "code": "N12", "channel": "online", "applicant": A,
     "submitted_at": "2027-03-02T20:00:00+07:00",
     "events": [ev("accept", "03", "08:00"), ev("forward", "03", "08:30"),
                ev("request-supplement", "03", "09:00", items=["Tờ khai"]),
                ev("supplement", "04", "09:00"),
                ev("request-supplement", "05", "09:00", items=["Bản vẽ"]),
                ev("supplement", "08", "09:00"), ev("resolve", "11", "10:00")]},
    {**LAN_DAU, "code": "N13", "channel": "online", "applicant": A,
     "submitted_at": _t("04", "09:00"),
     "events": [ev("request-supplement", "04", "10:00", items=["Tờ khai"]),
                ev("supplement", "05", "09:00"), ev("accept", "08", "08:00"),
                ev("forward", "08", "08:30"), ev("resolve", "09", "10:00")]},
    {"procedure": "1.001193", "unit": "000.01.02.T01", "code": "N14", "channel": "counter",
     "applicant": A, "received_at": _t("05", "08:00"),
     "events": [ev("forward", "05", "09:00"), ev("forward", "05", "10:00"),
                ev("resolve", "05", "18:00")]},
    {**LAN_DAU, "code": "N15", "channel": "counter", "applicant": A,
     "received_at": _t("03", "13:00"),
     "events": [ev("forward", "03", "14:00"), ev("request-payment", "04", "08:00", amount=10000),
                ev("confirm-payment", "09", "08:00")]},
]  # fmt: skip


@pytest.fixture
def national(place: Place) -> Place:
    lines = [(i, json.dumps(line, ensure_ascii=False)) for i, line in enumerate(NATIONAL_LINES, 1)]
    result = import_dossiers(lines)
    assert result.errors == [] and result.imported == len(NATIONAL_LINES)
    return place
