"""``motcua seed``: a realistic multi-year history generated through fast bulk paths.

Dossiers are generated day by day (so memory stays bounded: one batch of dossiers and
one buffer of summary deltas at a time). Each dossier walks the same lifecycle as the
services — intake, acceptance or refusal of online dossiers, workflow steps with an
assigned officer, supplement requests that restart the clock, payments that pause it,
extensions, early/on-time/late results, returns, withdrawals and stops — with due times
from the working calendar. Its events carry the same data the services write and are
hash-chained with ``motcua.dossiers.services.event_hash``, so ``motcua verify-history``
passes; the summary is filled from the same replay as ``rebuild-stats``.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from motcua.calendars.selectors import working_calendar
from motcua.calendars.workingtime import WorkingCalendar
from motcua.core.text import fold
from motcua.dossiers.models import Dossier, DossierCounter, DossierEvent, DossierParticipant
from motcua.dossiers.services import GENESIS, event_hash, timeliness_of
from motcua.procedures.catalog import catalog_import
from motcua.procedures.models import Procedure, ProcedureVersion
from motcua.reports.models import NationalFact
from motcua.reports.summary import DeltaBuffer, DossierRow, StatState, fact_row, replay
from motcua.units.models import Membership, Role, Unit

_FACT_COLUMNS = [f.attname for f in NationalFact._meta.concrete_fields]

FIELDS = [
    ("SD.HT", "Hộ tịch"), ("SD.CT", "Chứng thực"), ("SD.DD", "Đất đai"),
    ("SD.XD", "Xây dựng"), ("SD.KD", "Đăng ký kinh doanh"), ("SD.LD", "Lao động"),
    ("SD.GD", "Giáo dục"), ("SD.YT", "Y tế"), ("SD.GT", "Giao thông"), ("SD.TN", "Tài nguyên"),
]  # fmt: skip
CHANNELS = (("online", 0.45), ("counter", 0.47), ("postal", 0.08))
FIRST_NAMES = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hạnh", "Khánh", "Lan", "Minh",
               "Nga", "Phúc", "Quân", "Thảo", "Trung", "Vy"]  # fmt: skip
LAST_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi"]
MIDDLE_NAMES = ["Văn", "Thị", "Minh", "Thanh", "Ngọc", "Quốc", "Hữu", "Thu", "Đức", "Xuân"]


def _catalog(units: int, prefix: str) -> dict[str, Any]:
    departments = max(1, units // 10)
    communes = max(1, units - 1 - departments)
    procedures = []
    for i in range(40):
        field_code = FIELDS[i % len(FIELDS)][0]
        commune_level = i % 4 != 3
        days = [0, 1, 3, 5, 7, 10, 15, 20][i % 8] if commune_level else [10, 15, 20, 30][i % 4]
        procedures.append(
            {
                "code": f"{prefix}.{i + 1:06d}",
                "name": f"Thủ tục mẫu số {i + 1} — {FIELDS[i % len(FIELDS)][1].lower()}",
                "field": field_code,
                "level": "commune" if commune_level else "department",
                "processing_days": days,
                "same_day_cutoff": "15:00",
                "fee": {"amount": [0, 0, 10000, 50000, 100000][i % 5], "note": ""},
                "online": ["full", "partial", "none", "full"][i % 4],
                "result": "Văn bản",
                "documents": [{"name": "Tờ khai", "kind": "original", "count": 1}],
                "steps": [
                    {"name": "Thẩm định", "role": "specialist", "hours": 8},
                    {"name": "Phê duyệt", "role": "leader", "hours": 4},
                ],
            }
        )
    commune_procs = [p["code"] for p in procedures if p["level"] == "commune"]
    dept_procs = [p["code"] for p in procedures if p["level"] == "department"]
    root = f"000.00.00.{prefix}"
    unit_rows: list[dict[str, Any]] = [
        {"code": root, "name": f"UBND tỉnh {prefix}", "level": "province", "parent": None}
    ]
    for d in range(departments):
        unit_rows.append(
            {"code": f"000.{d + 1:02d}.00.{prefix}", "name": f"Sở số {d + 1}",
             "level": "department", "parent": root,
             "procedures": dept_procs[d % 2 :: 2] or dept_procs}
        )  # fmt: skip
    for c in range(communes):
        unit_rows.append(
            {"code": f"{c // 100 + 1:03d}.{c % 100:02d}.99.{prefix}", "name": f"UBND xã số {c + 1}",
             "level": "commune", "parent": root,
             "procedures": commune_procs[c % 3 :: 2] or commune_procs}
        )  # fmt: skip
    return {
        "fields": [{"code": c, "name": n} for c, n in FIELDS],
        "units": unit_rows,
        "procedures": procedures,
    }


@dataclass
class Proc:
    procedure: Procedure
    version_id: int
    field_id: int
    days: Decimal
    cutoff: dt.time
    fee: int
    online: bool
    steps: list[dict[str, Any]]


@dataclass
class SeedResult:
    dossiers: int = 0
    events: int = 0
    summary_rows: int = 0


def _iso(moment: dt.datetime | None) -> str | None:
    return None if moment is None else timezone.localtime(moment).isoformat()


class Generator:
    def __init__(self, *, rng: random.Random, cal: WorkingCalendar, now: dt.datetime) -> None:
        self.rng = rng
        self.cal = cal
        self.now = now

    def working_instant(self, day: dt.date) -> dt.datetime:
        minutes = self.rng.choice([self.rng.randint(450, 690), self.rng.randint(780, 1020)])
        naive = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes)
        return timezone.make_aware(naive)

    def later(self, moment: dt.datetime, hours: float) -> dt.datetime:
        """Some working time after ``moment`` (skips nights, weekends and holidays)."""
        return self.cal.add_working_seconds(moment, max(60, int(hours * 3600)))


def seed_dossiers(
    *,
    dossiers: int,
    units: int = 100,
    years: int = 3,
    seed: int = 7,
    prefix: str = "S01",
    batch: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> SeedResult:
    """Generate ``dossiers`` dossiers over ``years`` years in a province of ``units`` units."""
    rng = random.Random(seed)
    catalog_import(_catalog(units, prefix))
    root = Unit.objects.get(code=f"000.00.00.{prefix}")
    unit_list = list(Unit.objects.filter(path__startswith=root.path).exclude(pk=root.pk))
    procs_by_unit: dict[int, list[Proc]] = {}
    proc_cache: dict[int, Proc] = {}
    for u in unit_list:
        items = []
        for p in u.procedures.select_related("field").order_by("code"):
            if p.pk not in proc_cache:
                version = ProcedureVersion.objects.filter(procedure=p).order_by("-number").first()
                assert version is not None
                record = version.record
                proc_cache[p.pk] = Proc(
                    p, version.pk, p.field_id, Decimal(str(record["processing_days"])),
                    dt.time.fromisoformat(record.get("same_day_cutoff") or "15:00"),
                    int((record.get("fee") or {}).get("amount", 0) or 0),
                    p.online != "none", list(record.get("steps") or []),
                )  # fmt: skip
            items.append(proc_cache[p.pk])
        procs_by_unit[u.pk] = items
    officers, leaders, citizens = _people(unit_list, prefix)
    officer_ids = {name: uid for uid, name in (x for v in officers.values() for x in v)}
    officer_ids |= {name: uid for uid, name in (x for v in leaders.values() for x in v)}

    cal = working_calendar()
    now = timezone.now()
    gen = Generator(rng=rng, cal=cal, now=now)
    today = timezone.localdate()
    start = today - dt.timedelta(days=365 * years)
    days = [start + dt.timedelta(days=i) for i in range((today - start).days + 1)]
    work_days = [d for d in days if cal.is_working_day(d)]
    per_day = dossiers / max(len(work_days), 1)
    weights = [1 + 0.3 * ((d.month - 1) // 3 == 3) for d in work_days]  # busier last quarter
    scale = dossiers / sum(per_day * w for w in weights)
    result = SeedResult()
    counters: dict[tuple[int, dt.date], int] = {}
    buffer = DeltaBuffer()
    pending: list[tuple[Rec, list[Rec]]] = []
    fields_of = {p.procedure.pk: p for p in proc_cache.values()}
    ids = _Ids()
    carry = 0.0
    for day, w in zip(work_days, weights, strict=True):
        carry += per_day * w * scale
        n = int(carry)
        carry -= n
        if day == work_days[-1]:
            n += dossiers - result.dossiers - len(pending) - n
        for _ in range(max(n, 0)):
            unit = unit_list[rng.randrange(len(unit_list))]
            procs = procs_by_unit[unit.pk]
            if not procs:
                continue
            proc = procs[rng.randrange(len(procs))]
            key = (unit.pk, day)
            counters[key] = counters.get(key, 0) + 1
            code = f"{unit.code}-{day:%y%m%d}-{counters[key]:04d}"
            pending.append(
                _dossier(gen, code, unit, proc, day, officers[unit.pk], leaders[unit.pk], citizens)
            )
            if len(pending) >= batch:
                _write(pending, buffer, officer_ids, result, fields_of, ids, cal)
                pending = []
                if progress is not None:
                    progress(result.dossiers)
    if pending:
        _write(pending, buffer, officer_ids, result, fields_of, ids, cal)
    result.summary_rows += len(buffer)
    with transaction.atomic():
        buffer.flush()
        DossierCounter.objects.bulk_create(
            [DossierCounter(unit_id=u, day=d, last=n) for (u, d), n in counters.items()],
            batch_size=5000,
            ignore_conflicts=True,
        )
    _reset_sequences()
    return result


def _people(
    unit_list: list[Unit], prefix: str
) -> tuple[dict[int, list[tuple[int, str]]], dict[int, list[tuple[int, str]]], list[int]]:
    User = get_user_model()  # noqa: N806
    password = make_password(None)
    p = prefix.lower()
    users = []
    for u in unit_list:
        users += [
            User(username=f"{p}-cv{u.pk}-{i}", password=password, first_name=f"Chuyên viên {i}")
            for i in (1, 2)
        ]
        users.append(User(username=f"{p}-ld{u.pk}", password=password, first_name="Lãnh đạo"))
    users += [User(username=f"{p}-cd{i}", password=password) for i in range(500)]
    User.objects.bulk_create(users, batch_size=2000, ignore_conflicts=True)
    ids = dict(User.objects.filter(username__startswith=f"{p}-").values_list("username", "id"))
    officers = {
        u.pk: [(ids[f"{p}-cv{u.pk}-{i}"], f"{p}-cv{u.pk}-{i}") for i in (1, 2)] for u in unit_list
    }
    leaders = {u.pk: [(ids[f"{p}-ld{u.pk}"], f"{p}-ld{u.pk}")] for u in unit_list}
    memberships = [
        Membership(user_id=uid, unit_id=unit_id, role=role)
        for group, role in ((officers, Role.SPECIALIST), (leaders, Role.LEADER))
        for unit_id, people in group.items()
        for uid, _name in people
    ]
    memberships += [
        Membership(user_id=ids[f"{p}-cd{i}"], unit=None, role=Role.CITIZEN) for i in range(500)
    ]
    Membership.objects.bulk_create(memberships, batch_size=2000, ignore_conflicts=True)
    return officers, leaders, [ids[f"{p}-cd{i}"] for i in range(500)]


def _dossier(
    gen: Generator,
    code: str,
    unit: Unit,
    proc: Proc,
    day: dt.date,
    officers: list[tuple[int, str]],
    leaders: list[tuple[int, str]],
    citizens: list[int],
) -> tuple[Rec, list[Rec]]:
    rng, cal, now = gen.rng, gen.cal, gen.now
    r = rng.random()
    channel = "online" if r < 0.45 and proc.online else ("postal" if r > 0.92 else "counter")
    # Never after now: today's dossiers came in before this moment (a later time would make
    # the first live action on them earlier than their history).
    t = min(gen.working_instant(day), now - dt.timedelta(minutes=1))
    name = f"{rng.choice(LAST_NAMES)} {rng.choice(MIDDLE_NAMES)} {rng.choice(FIRST_NAMES)}"
    d = Rec(
        Dossier,
        code=code, procedure_id=proc.procedure.pk, procedure_version_id=proc.version_id,
        unit_id=unit.pk,
        channel=channel, applicant_kind="citizen", applicant_name=name,
        applicant_name_folded=fold(name), applicant_phone=f"09{rng.randrange(10**8):08d}",
        summary="", documents=[], status="", fee_amount=proc.fee, created_at=t, updated_at=t,
    )  # fmt: skip
    events: list[tuple[str, dt.datetime, str, str, dict[str, Any], int | None, int | None]] = []
    actor_none: int | None = None

    def add(action: str, at: dt.datetime, to: str, data: dict[str, Any], step: int | None = None,
            actor: int | None = None) -> None:  # fmt: skip
        events.append((action, at, d.status, to, data, step, actor))
        d.status = to

    def due_from(at: dt.datetime) -> dt.datetime:
        return cal.due(at, proc.days, cutoff=proc.cutoff)

    officer_id, officer_name = officers[rng.randrange(len(officers))]
    leader_id, leader_name = leaders[0]
    if channel == "online":
        d.applicant_user_id = citizens[rng.randrange(len(citizens))]
        d.submitted_at = t
        add("intake", t, "submitted", {"channel": channel, "due_at": None})
        t = gen.later(t, rng.uniform(0.5, 12))
        if t > now:
            return _finish(d, events)
        if rng.random() < 0.04:
            add("refuse", t, "refused", {"reason": "Hồ sơ không thuộc thẩm quyền"})
            d.closed_at = t
            return _finish(d, events)
        d.received_at = t
        d.due_at = due_from(t)
        add("accept", t, "received", {"due_at": _iso(d.due_at)})
    else:
        d.received_at = t
        d.due_at = due_from(t)
        add("intake", t, "received", {"channel": channel, "due_at": _iso(d.due_at)})
    assert d.due_at is not None
    # How this dossier will end, decided up front so the shares are realistic.
    fate = rng.random()
    total_hours = float(proc.days) * 8 or 4
    if fate < 0.30:
        work = total_hours * rng.uniform(0.15, 0.7)  # early
    elif fate < 0.86:
        work = total_hours * rng.uniform(0.75, 0.98)  # on time
    else:
        work = total_hours * rng.uniform(1.05, 2.5) + 4  # late
    steps = proc.steps
    t = gen.later(t, min(1, work * 0.05))
    if t > now:
        return _finish(d, events)
    d.step_index = 0
    d.step_unit_id = unit.pk
    d.step_role = steps[0].get("role") or Role.SPECIALIST
    d.assignee_id = officer_id
    add("forward", t, "processing",
        {"step": 0, "step_name": steps[0]["name"], "step_unit": unit.code,
         "assignee": officer_name}, step=0)  # fmt: skip
    # Supplement: the clock restarts with the full time.
    if rng.random() < 0.10:
        t = gen.later(t, work * 0.2)
        if t > now:
            return _finish(d, events)
        d.status_before_supplement = d.status
        d.paused_at = t
        add("request-supplement", t, "supplement_requested", {"items": ["Tờ khai"]}, step=0)
        t = gen.later(t, rng.uniform(4, 80))
        if t > now:
            return _finish(d, events)
        if rng.random() < 0.1:
            add("withdraw", t, "withdrawn", {}, step=0)
            d.closed_at = t
            return _finish(d, events)
        d.status_before_supplement = ""
        d.paused_at = None
        d.due_at = due_from(t)
        add("supplement", t, "processing", {"attachments": [], "due_at": _iso(d.due_at)}, step=0)
    t = gen.later(t, work * 0.5)
    if t > now:
        return _finish(d, events)
    d.step_index = 1
    d.step_role = steps[-1].get("role") or Role.LEADER
    d.assignee_id = leader_id
    add("forward", t, "processing",
        {"step": 1, "step_name": steps[-1]["name"], "step_unit": unit.code,
         "assignee": leader_name}, step=1)  # fmt: skip
    # Financial obligation: the clock pauses with the working time left.
    if proc.fee and rng.random() < 0.5:
        t = gen.later(t, work * 0.1)
        if t > now:
            return _finish(d, events)
        remaining = (
            cal.working_seconds_between(t, d.due_at)
            if t < d.due_at
            else -cal.working_seconds_between(d.due_at, t)
        )
        d.paused_at, d.paused_remaining_seconds = t, remaining
        d.payment_state = "requested"
        add("request-payment", t, "awaiting_payment",
            {"amount": proc.fee, "remaining_seconds": remaining}, step=1)  # fmt: skip
        t = gen.later(t, rng.uniform(1, 40))
        if t > now:
            return _finish(d, events)
        if remaining > 0:
            d.due_at = cal.add_working_seconds(t, remaining)
        d.paused_at, d.paused_remaining_seconds = None, None
        d.payment_state, d.paid_at = "paid", t
        by_applicant = d.applicant_user_id is not None and rng.random() < 0.7
        add("confirm-payment", t, "processing", {"due_at": _iso(d.due_at), "reference": ""},
            step=1, actor=d.applicant_user_id if by_applicant else actor_none)  # fmt: skip
    if rng.random() < 0.02:
        t = gen.later(t, 2)
        if t > now:
            return _finish(d, events)
        add("stop", t, "stopped", {"reason": "Dừng theo đề nghị của cơ quan có thẩm quyền"}, 1)
        d.closed_at = t
        return _finish(d, events)
    t = gen.later(t, work * 0.35)
    if fate >= 0.86 and rng.random() < 0.3 and t > d.due_at:
        ext = d.due_at + dt.timedelta(days=7)
        when = max(d.due_at - dt.timedelta(hours=2), events[-1][1])
        if when <= now and ext > when:
            d.extended_due_at = ext
            reason = "Xin lỗi, cần thêm thời gian"
            add("extend", when, "processing",
                {"extended_due_at": _iso(ext), "reason": reason}, step=1)  # fmt: skip
            t = max(t, when)
    if t > now:
        return _finish(d, events)
    d.resolved_at = t
    d.timeliness = timeliness_of(t, d.due_at)
    d.outcome = "granted"
    add("resolve", t, "resolved",
        {"outcome": "granted", "reason": "", "timeliness": d.timeliness}, step=1)  # fmt: skip
    t = gen.later(t, rng.uniform(0.5, 24))
    if t > now:
        return _finish(d, events)
    method = "online" if channel == "online" and rng.random() < 0.6 else "counter"
    d.returned_at, d.return_method, d.closed_at = t, method, t
    add("return", t, "returned", {"method": method}, step=1)
    return _finish(d, events)


def _finish(
    d: Rec, raw: list[tuple[str, dt.datetime, str, str, dict[str, Any], int | None, int | None]]
) -> tuple[Rec, list[Rec]]:
    prev = GENESIS
    events = []
    for seq, (action, at, from_status, to_status, data, step, actor) in enumerate(raw, start=1):
        e = Rec(
            DossierEvent,
            seq=seq, action=action, actor_id=actor, actor_name="system", at=at,
            from_status=from_status, to_status=to_status, step=step, note="", data=data,
            prev_hash=prev,
        )  # fmt: skip
        e.hash = event_hash(e, d.code)  # type: ignore[arg-type]  # duck-typed row
        prev = e.hash
        events.append(e)
    d.event_count = len(events)
    d.version = len(events)
    d.history_head = prev
    d.updated_at = raw[-1][1]
    return d, events


class Rec:
    """A row to insert, without a model instance (bulk_create's per-field work is the
    bottleneck at a million rows). Starts from the model's field defaults."""

    _templates: dict[type, dict[str, Any]] = {}

    def __init__(self, model: type, **values: Any) -> None:
        template = Rec._templates.get(model)
        if template is None:
            template = {
                f.attname: f.get_default()
                for f in model._meta.concrete_fields  # type: ignore[attr-defined]
            }
            Rec._templates[model] = template
        self.__dict__.update(template)
        self.__dict__.update(values)

    def __getattr__(self, name: str) -> Any:  # for mypy: rows are dynamic
        raise AttributeError(name)

    def __setattr__(self, name: str, value: Any) -> None:
        self.__dict__[name] = value


class _Ids:
    """Ids assigned here (the seed is the only writer), so events can point at dossiers
    without reading ids back; sequences are moved past them at the end."""

    def __init__(self) -> None:
        self.dossier = (Dossier.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        self.event = (DossierEvent.objects.aggregate(m=Max("id"))["m"] or 0) + 1


def _inserter(model: type) -> tuple[str, Callable[[Rec], tuple[Any, ...]]]:
    fields = list(model._meta.concrete_fields)  # type: ignore[attr-defined]
    table = model._meta.db_table  # type: ignore[attr-defined]
    ops = connection.ops
    adapters: list[Callable[[Any], Any] | None] = []
    for f in fields:
        kind = f.get_internal_type()
        if kind == "DateTimeField":
            adapters.append(ops.adapt_datetimefield_value)
        elif kind == "DateField":
            adapters.append(ops.adapt_datefield_value)
        elif kind == "JSONField":
            adapters.append(lambda v: json.dumps(v, ensure_ascii=False))
        else:
            adapters.append(None)
    names = [f.attname for f in fields]
    pairs = list(zip(names, adapters, strict=True))
    sql = (
        f"INSERT INTO {table} ({', '.join(ops.quote_name(f.column) for f in fields)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )

    def row(rec: Rec) -> tuple[Any, ...]:
        values = rec.__dict__
        return tuple(
            (a(values[n]) if values[n] is not None else None) if a is not None else values[n]
            for n, a in pairs
        )

    return sql, row


def _write(
    pending: list[tuple[Rec, list[Rec]]],
    buffer: DeltaBuffer,
    officer_ids: dict[str, int],
    result: SeedResult,
    fields_of: dict[int, Proc],
    ids: _Ids,
    calendar: WorkingCalendar,
) -> None:
    dossier_sql, dossier_row = _inserter(Dossier)
    event_sql, event_row = _inserter(DossierEvent)
    state_sql, state_row = _inserter(StatState)
    fact_sql, fact_values = _inserter(NationalFact)
    participant_sql = (
        f"INSERT INTO {DossierParticipant._meta.db_table} (dossier_id, unit_id, created_at) "  # noqa: S608
        "VALUES (%s, %s, %s)"
    )
    dossier_rows, event_rows, state_rows, fact_rows = [], [], [], []
    participant_rows = []
    for d, evs in pending:
        d.id = ids.dossier
        ids.dossier += 1
        dossier_rows.append(dossier_row(d))
        participant_rows.append((d.id, d.unit_id, d.created_at))  # the receiving unit sees it
        for e in evs:
            e.id = ids.event
            ids.event += 1
            e.dossier_id = d.id
            event_rows.append(event_row(e))
        proc = fields_of[d.procedure_id]
        row = DossierRow(d.id, d.unit_id, proc.field_id, d.procedure_id, d.channel,
                         d.applicant_user_id, proc.days, proc.cutoff)  # fmt: skip
        changes, final, fact = replay(
            row,
            ({"action": e.action, "at": e.at, "to_status": e.to_status, "data": e.data,
              "actor_id": e.actor_id} for e in evs),
            officer_ids,
            calendar,
        )  # fmt: skip
        if fact is not None:
            f = fact_row(row, fact)
            fact_rows.append(
                fact_values(Rec(NationalFact, **{n: getattr(f, n) for n in _FACT_COLUMNS}))
            )
        buffer.add(row.unit_id, row.field_id, row.procedure_id, changes)
        if final is not None:
            state_rows.append(
                state_row(Rec(StatState, dossier_id=d.id, status=final.status,
                              received=final.received, officer=final.officer,
                              due_day=final.due_day))
            )  # fmt: skip
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, rows in ((dossier_sql, dossier_rows), (participant_sql, participant_rows),
                          (event_sql, event_rows), (state_sql, state_rows),
                          (fact_sql, fact_rows)):  # fmt: skip
            if connection.vendor == "postgresql":
                _copy(cursor, sql, rows)
            else:
                cursor.executemany(sql, rows)
        result.dossiers += len(dossier_rows)
        result.events += len(event_rows)
        if len(buffer) > 300_000:
            result.summary_rows += len(buffer)
            buffer.flush()


def _copy(cursor: Any, insert_sql: str, rows: list[tuple[Any, ...]]) -> None:
    """PostgreSQL: COPY is an order of magnitude faster than row-by-row inserts."""
    head = insert_sql.split(" VALUES ")[0].replace("INSERT INTO", "COPY", 1)
    with cursor.cursor.copy(f"{head} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _reset_sequences() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (Dossier, DossierEvent, DossierParticipant):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        # Fresh statistics for the planner (bulk-loaded tables look empty to it until then),
        # and the visibility map, without which an index-only scan still reads every row.
        # VACUUM cannot run inside a transaction (a caller's, or a test's).
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        for model in (Dossier, DossierEvent, DossierParticipant):
            cursor.execute(f"{command} {model._meta.db_table}")
