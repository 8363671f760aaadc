"""A living demo province: a few hundred dossiers of the last months, replayed through the
history import (``motcua.dossiers.importer``: the same rules as the live actions), so that
the dashboard, the public page and the officers' lists have work from the first start.

The history is generated, reproducibly (a fixed seed), from the demo catalogue: counter,
postal and online dossiers of the demo units, walking each procedure's workflow steps at
working times, most on time, some late, some waiting for a supplement or a payment, a few
refused, withdrawn or still being processed today. The demo officers act on the dossiers of
their units, so their lists and names fill the history.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from motcua.calendars.selectors import working_calendar
from motcua.calendars.workingtime import WorkingCalendar
from motcua.dossiers.importer import ImportResult, import_dossiers
from motcua.procedures.models import Procedure
from motcua.units.models import Membership, Role, Unit, UnitLevel

DEMO_DOSSIERS = 360
DEMO_DAYS = 150
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
          "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]  # fmt: skip
MIDDLE = ["Văn", "Thị", "Minh", "Thanh", "Ngọc", "Quốc", "Hữu", "Thu", "Đức", "Xuân"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hạnh", "Hải", "Hòa", "Khánh", "Lan",
         "Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Phúc", "Quân", "Sơn", "Tâm", "Thảo",
         "Trung", "Tuấn", "Vy", "Yến"]  # fmt: skip
STREETS = ["Trần Hưng Đạo", "Lê Lợi", "Nguyễn Huệ", "Hai Bà Trưng", "Lý Thường Kiệt",
           "Quang Trung", "Phan Đình Phùng", "Hùng Vương"]  # fmt: skip
# Procedures people come for most often at a commune (civil status, certification).
FREQUENT = {"1.001193": 12, "1.000894": 6, "1.000656": 4, "1.004873": 6, "2.000815": 10,
            "2.000884": 6, "2.000635": 4, "1.001612": 3, "1.013225": 3, "1.013978": 3,
            "1.012783": 3, "1.013831": 4}  # fmt: skip


@dataclass
class _Unit:
    unit: Unit
    procedures: list[Procedure]
    users: dict[str, str]  # role → username of a demo officer holding it there


def _officers(unit: Unit) -> dict[str, str]:
    users: dict[str, str] = {}
    rows = Membership.objects.filter(unit=unit, user__is_active=True).select_related("user")
    for m in rows.order_by("user__username"):
        users.setdefault(m.role, m.user.get_username())
    return users


def _units() -> list[tuple[_Unit, int]]:
    """The units that receive dossiers, with their weight in the history."""
    chosen: list[tuple[_Unit, int]] = []
    communes = list(Unit.objects.filter(level=UnitLevel.COMMUNE).order_by("code"))
    others = list(Unit.objects.filter(level__in=[UnitLevel.CENTRE, UnitLevel.DEPARTMENT]))
    for index, unit in enumerate(communes + others):
        procedures = list(unit.procedures.filter(is_active=True).order_by("code"))
        if not procedures:
            continue
        weight = 40 if index == 0 else (12 if unit.level == UnitLevel.CENTRE else 3)
        chosen.append((_Unit(unit, procedures, _officers(unit)), weight))
    return chosen


def _person(rng: random.Random) -> dict[str, str]:
    name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    return {
        "kind": "citizen",
        "name": name,
        "id_number": "0" + "".join(rng.choice("0123456789") for _ in range(11)),
        "phone": "09" + "".join(rng.choice("0123456789") for _ in range(8)),
        "address": f"Số {rng.randint(1, 299)} đường {rng.choice(STREETS)}",
    }


def _work(cal: WorkingCalendar, start: dt.datetime, hours: float) -> dt.datetime:
    """``hours`` of working time after ``start``."""
    return cal.due(start, Decimal(str(round(max(hours, 0.1) / 8, 4))))


def _working_start(cal: WorkingCalendar, rng: random.Random, day: dt.date) -> dt.datetime:
    while not cal.is_working_day(day):
        day += dt.timedelta(days=1)
    minutes = rng.choice(
        [rng.randint(7 * 60 + 40, 11 * 60 + 15), rng.randint(13 * 60 + 5, 16 * 60 + 45)]
    )
    local = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60))
    return timezone.make_aware(local)


def _line(
    rng: random.Random, cal: WorkingCalendar, place: _Unit, now: dt.datetime
) -> dict[str, Any]:
    weights = [FREQUENT.get(p.code, 1) for p in place.procedures]
    procedure = rng.choices(place.procedures, weights=weights)[0]
    record = procedure.versions.order_by("-number").first().record  # type: ignore[union-attr]
    steps = record.get("steps") or [
        {"role": "specialist", "hours": 8},
        {"role": "leader", "hours": 4},
    ]
    days = float(record.get("processing_days") or 0)
    cases = record.get("cases") or []
    # One dossier in five arrived in the last two weeks: today's work is on the desks.
    days_back = rng.randint(0, 14) if rng.random() < 0.2 else rng.randint(0, DEMO_DAYS)
    start = _working_start(cal, rng, (now - dt.timedelta(days=days_back)).date())
    if start >= now:
        start = _working_start(cal, rng, (now - dt.timedelta(days=1)).date())
    channel = rng.choices(["counter", "online", "postal"], weights=[55, 40, 5])[0]
    if channel == "online" and record.get("online") == "none":
        channel = "counter"
    users = place.users
    line: dict[str, Any] = {
        "procedure": procedure.code,
        "unit": place.unit.code,
        "channel": channel,
        "applicant": _person(rng),
        "events": [],
    }
    if cases:
        line["case"] = rng.choice(cases)["code"]
    events: list[dict[str, Any]] = line["events"]

    def add(action: str, at: dt.datetime, by: str | None = None, **params: Any) -> bool:
        if at >= now:
            return False
        event = {"action": action, "at": at.isoformat(), **params}
        if by:
            event["by"] = by
        events.append(event)
        return True

    at = start
    if channel == "online":
        line["submitted_at"] = start.isoformat()
        at = _work(cal, start, rng.uniform(0.5, 6))
        fate = rng.random()
        if fate < 0.05:
            add(
                "refuse",
                at,
                users.get(Role.DESK),
                reason="Hồ sơ không thuộc thẩm quyền giải quyết của đơn vị.",
            )
            return line
        if not add("accept", at, users.get(Role.DESK)):
            return line
    else:
        line["received_at"] = start.isoformat()
    late = rng.random() < 0.12
    budget = max(days, 0.5) * 8  # working hours the procedure allows
    total = sum(float(s.get("hours") or 1) for s in steps) or 1
    at = _work(cal, at, rng.uniform(0.1, 0.5))
    if rng.random() < 0.03:
        add("withdraw", at, users.get(Role.DESK), note="Người nộp đề nghị rút hồ sơ.")
        return line
    for index, step in enumerate(steps):
        holder = users.get(step.get("role", "")) if not step.get("unit") else None
        params: dict[str, Any] = {}
        if step.get("role") == Role.SPECIALIST and holder and not step.get("unit"):
            params["assignee"] = holder
        previous = (
            users.get(Role.DESK)
            if index == 0
            else (
                users.get(steps[index - 1].get("role", ""))
                if not steps[index - 1].get("unit")
                else None
            )
        )
        if not add("forward", at, previous, **params):
            return line
        share = float(step.get("hours") or 1) / total
        factor = rng.uniform(1.1, 1.6) if late else rng.uniform(0.3, 0.9)
        if index == 0 and rng.random() < 0.08:
            ask = _work(cal, at, rng.uniform(1, 4))
            if not add("request-supplement", ask, holder,
                       items=["Bản sao giấy tờ chứng minh nơi cư trú"],
                       note="Giấy tờ nộp kèm chưa rõ nét."):  # fmt: skip
                return line
            if rng.random() < 0.3:
                return line  # still waiting for the applicant's papers
            back = _work(cal, ask, rng.uniform(8, 40))
            if not add("supplement", back, users.get(Role.DESK)):
                return line
            at = back
        at = _work(cal, at, budget * share * factor)
    last_holder = users.get(steps[-1].get("role", "")) if not steps[-1].get("unit") else None
    fee = int((record.get("fee") or {}).get("amount") or 0)
    if fee and rng.random() < 0.5:
        ask = at
        if not add("request-payment", ask, None, amount=fee):
            return line
        if rng.random() < 0.2:
            return line  # the applicant has not paid yet
        paid = _work(cal, ask, rng.uniform(1, 12))
        if not add("confirm-payment", paid, users.get(Role.DESK)):
            return line
        at = _work(cal, paid, 0.5)
    if not add("resolve", at, last_holder):
        return line
    add("return", _work(cal, at, rng.uniform(1, 16)), users.get(Role.DESK), method="counter")
    return line


def demo_history_lines(
    *, now: dt.datetime, count: int = DEMO_DOSSIERS, seed: int = 2025
) -> list[str]:
    """``count`` JSON lines of the history import for the demo province, before ``now``."""
    rng = random.Random(seed)
    cal = working_calendar()
    places = _units()
    if not places:
        return []
    units = [p for p, _w in places]
    weights = [w for _p, w in places]
    lines = []
    for _ in range(count):
        place = rng.choices(units, weights=weights)[0]
        lines.append(json.dumps(_line(rng, cal, place, now), ensure_ascii=False))
    return lines


def demo_history_load(
    *, now: dt.datetime | None = None, count: int = DEMO_DOSSIERS
) -> ImportResult:
    """Replay the demo history through the history import. A line whose officer may not take
    an action is replayed again by the system actor, so that every dossier arrives."""
    now = now or timezone.now()
    lines = demo_history_lines(now=now, count=count)
    result = import_dossiers(enumerate(lines, start=1))
    if result.failed:
        failed = {int(e.split(":", 1)[0].removeprefix("dòng ").strip()) for e in result.errors}
        retry = []
        for number in sorted(failed):
            record = json.loads(lines[number - 1])
            for event in record["events"]:
                event.pop("by", None)
                event.pop("assignee", None)
            retry.append((number, json.dumps(record, ensure_ascii=False)))
        second = import_dossiers(retry)
        result.imported += second.imported
        result.failed = second.failed
        result.errors = second.errors
    return result
