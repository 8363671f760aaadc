"""Keeping the summary (``StatDelta``) right: the per-event delta rule, the hook that
applies it in the event's transaction, and the replay of whole histories used by
``rebuild-stats``, ``check-stats`` and the seed.

The rule (docs/statistics.md): a dossier's *contribution* to the stocks is a function of
its status, whether it was received, its officer and the local date its ``due_at`` falls
on. At each event the old contribution is removed and the new one added, on the event's
local date E:

- ``open`` (received, not final, not resolved: what ``carried_over`` counts),
  ``in_progress`` (received or processing), ``paused_supplement``, ``paused_payment``:
  -1 / +1 on E;
- ``overdue``: +1 on max(due date, E) when entering in-progress, -1 on max(due date, E)
  when leaving it. An interval entered on E0 and left on E1 with due date d therefore
  counts on every day D with E0 <= D < E1 and d <= D: exactly "in progress at the end of
  D with due_at before the end of D". A supplement restart or a payment pause leaves and
  re-enters with the new due date, so the moved deadline is followed exactly.

Flows (received by channel, resolved by timeliness, refused, withdrawn, stopped,
returned, paid) count +1 on E.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction

from motcua.calendars.workingtime import WorkingCalendar
from motcua.dossiers.models import Status
from motcua.reports.models import COLUMNS, Grain, NationalFact, StatDelta, StatState
from motcua.reports.national import Fact, national_replay

OPEN_STATUSES = frozenset(
    {
        Status.RECEIVED,
        Status.PROCESSING,
        Status.SUPPLEMENT_REQUESTED,
        Status.AWAITING_PAYMENT,
    }
)
IN_PROGRESS_STATUSES = frozenset({Status.RECEIVED, Status.PROCESSING})
COLUMN_INDEX = {name: i for i, name in enumerate(COLUMNS)}
FINAL_FLOW = {
    Status.REFUSED: "refused",
    Status.WITHDRAWN: "withdrawn",
    Status.STOPPED: "stopped",
    Status.RETURNED: "returned",
}
RECEIVED_COLUMN = {
    "online": "received_online",
    "counter": "received_counter",
    "postal": "received_postal",
}
RESOLVED_COLUMN = {
    "early": "resolved_early",
    "on_time": "resolved_on_time",
    "late": "resolved_late",
}
ASSIGNING_ACTIONS = frozenset({"forward", "send-back", "assign"})


@dataclass(frozen=True)
class Contribution:
    status: str
    received: bool
    officer: int
    due_day: dt.date | None

    def stocks(self) -> list[str]:
        names = []
        if self.received and self.status in OPEN_STATUSES:
            names.append("open")
        if self.status in IN_PROGRESS_STATUSES:
            names.append("in_progress")
        elif self.status == Status.SUPPLEMENT_REQUESTED:
            names.append("paused_supplement")
        elif self.status == Status.AWAITING_PAYMENT:
            names.append("paused_payment")
        return names


@dataclass(frozen=True)
class EventFacts:
    """What of an event the rule needs, from a live event or from the stored history."""

    day: dt.date
    action: str
    to_status: str
    channel: str
    timeliness: str
    paid_online: bool


Change = tuple[dt.date, int, str, int]  # (day, officer, column, +n/-n)


@lru_cache(maxsize=1)
def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(_tz()).date()


def _overdue_day(c: Contribution, day: dt.date) -> dt.date:
    return max(c.due_day, day) if c.due_day is not None else day


def event_changes(old: Contribution | None, new: Contribution, facts: EventFacts) -> list[Change]:
    """The deltas one event makes (see the module docstring)."""
    changes: list[Change] = []
    day = facts.day
    if old != new:
        for c, sign in ((old, -1), (new, 1)):
            if c is None:
                continue
            for name in c.stocks():
                changes.append((day, c.officer, name, sign))
                if name == "in_progress" and c.due_day is not None:
                    changes.append((_overdue_day(c, day), c.officer, "overdue", sign))
    officer = new.officer
    if facts.to_status == Status.RECEIVED and facts.action in {"intake", "accept"}:
        changes.append((day, officer, RECEIVED_COLUMN[facts.channel], 1))
    if facts.action == "resolve" and facts.timeliness in RESOLVED_COLUMN:
        changes.append((day, officer, RESOLVED_COLUMN[facts.timeliness], 1))
    if facts.action != "intake" and facts.to_status in FINAL_FLOW:
        changes.append((day, officer, FINAL_FLOW[Status(facts.to_status)], 1))
    if facts.action == "confirm-payment":
        changes.append((day, officer, "paid", 1))
        if facts.paid_online:
            changes.append((day, officer, "paid_online", 1))
    return changes


# ---------------------------------------------------------------------------- buffer


@lru_cache(maxsize=65536)
def grains_of(day: dt.date) -> tuple[tuple[str, dt.date], ...]:
    return (
        (Grain.DAY.value, day),
        (Grain.MONTH.value, day.replace(day=1)),
        (Grain.YEAR.value, day.replace(month=1, day=1)),
    )


RowKey = tuple[str, dt.date, int, int, int, int]  # grain, day, unit, field, procedure, officer


class DeltaBuffer:
    """Deltas summed in memory, then added to the table with one upsert per row."""

    def __init__(self) -> None:
        self.rows: dict[RowKey, list[int]] = defaultdict(lambda: [0] * len(COLUMNS))

    def __len__(self) -> int:
        return len(self.rows)

    def add(self, unit: int, field: int, procedure: int, changes: Iterable[Change]) -> None:
        for day, officer, column, n in changes:
            i = COLUMN_INDEX[column]
            for grain, start in grains_of(day):
                self.rows[(grain, start, unit, field, procedure, officer)][i] += n

    def flush(self) -> None:
        rows = [(*key, *values) for key, values in self.rows.items() if any(values)]
        self.rows.clear()
        if rows:
            upsert(rows)


# The fewest parameters an SQLite build accepts in one statement (999 before 3.32).
SQLITE_MAX_PARAMETERS = 999


def upsert(rows: list[tuple[Any, ...]]) -> None:
    table = StatDelta._meta.db_table
    columns = ", ".join(COLUMNS)
    placeholders = ", ".join(["%s"] * (6 + len(COLUMNS)))
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in COLUMNS)

    def sql(count: int) -> str:
        """The upsert of ``count`` rows in one statement."""
        values = ", ".join([f"({placeholders})"] * count)
        return (
            f"INSERT INTO {table} (grain, day, unit_id, field_id, procedure_id, "  # noqa: S608
            f"officer, {columns}) VALUES {values} "
            f"ON CONFLICT (grain, day, unit_id, procedure_id, officer) DO UPDATE SET {updates}"
        )

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(rows) > 100:
            # Bulk: COPY into a temporary table, then one INSERT … ON CONFLICT.
            names = f"grain, day, unit_id, field_id, procedure_id, officer, {columns}"
            cursor.execute("DROP TABLE IF EXISTS stat_incoming")
            cursor.execute(
                f"CREATE TEMP TABLE stat_incoming AS SELECT {names} "  # noqa: S608
                f"FROM {table} WITH NO DATA"
            )
            with cursor.cursor.copy(f"COPY stat_incoming ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT {names} "  # noqa: S608
                "FROM stat_incoming "
                f"ON CONFLICT (grain, day, unit_id, procedure_id, officer) DO UPDATE SET {updates}"
            )
            return
        # A few rows (one event's day, month and year): one statement of several rows, one
        # round trip. The keys are the buffer's, so no row is named twice in a statement.
        width = 6 + len(COLUMNS)
        per_statement = max(1, SQLITE_MAX_PARAMETERS // width)
        for start in range(0, len(rows), per_statement):
            part = rows[start : start + per_statement]
            cursor.execute(sql(len(part)), [value for row in part for value in row])


# ---------------------------------------------------------------------------- live hook


def _contribution_of(dossier: Any) -> Contribution:
    return Contribution(
        status=dossier.status,
        received=dossier.received_at is not None,
        officer=dossier.assignee_id or 0,
        due_day=local_day(dossier.due_at) if dossier.due_at is not None else None,
    )


def on_dossier_event_stats(dossier: Any, event: Any) -> None:
    """Registered with ``motcua.dossiers.hooks``: the summary's and the national readings'
    share of one event, inside its transaction, added to the table in one upsert."""
    buffer = DeltaBuffer()
    on_dossier_event(dossier, event, buffer)
    on_dossier_event_national(dossier, event, buffer)
    buffer.flush()


def _first(event: Any) -> bool:
    """Whether the event opens its dossier's history: the dossier was made in this very
    transaction, so nothing about it is stored yet and nothing needs reading."""
    return bool(event.seq == 1)


def on_dossier_event(dossier: Any, event: Any, buffer: DeltaBuffer | None = None) -> None:
    """The summary's share of one event (day/month/year counts, the dossier's state), inside
    the event's transaction; added to ``buffer`` when given, else written at once."""
    state = None if _first(event) else StatState.objects.filter(pk=dossier.pk).first()
    old = (
        Contribution(state.status, state.received, state.officer, state.due_day)
        if state is not None
        else None
    )
    new = _contribution_of(dossier)
    facts = EventFacts(
        day=local_day(event.at),
        action=event.action,
        to_status=event.to_status,
        channel=dossier.channel,
        timeliness=(event.data or {}).get("timeliness", ""),
        paid_online=bool(
            event.actor_id is not None and event.actor_id == dossier.applicant_user_id
        ),
    )
    own = buffer is None
    buffer = DeltaBuffer() if buffer is None else buffer
    buffer.add(
        dossier.unit_id, _field_id(dossier), dossier.procedure_id, event_changes(old, new, facts)
    )
    if own:
        buffer.flush()
    if old != new:
        values = {
            "status": new.status,
            "received": new.received,
            "officer": new.officer,
            "due_day": new.due_day,
        }
        # The dossier's row is written in this transaction (locked): nobody else writes its
        # state between the read above and this write.
        if state is None:
            StatState.objects.create(dossier_id=dossier.pk, **values)
        else:
            StatState.objects.filter(pk=dossier.pk).update(**values)


def _field_id(dossier: Any) -> int:
    """The dossier's field, from its procedure when it is already loaded (intake, actions)."""
    from motcua.procedures.models import Procedure

    if type(dossier).procedure.is_cached(dossier):
        return int(dossier.procedure.field_id)
    return int(
        Procedure.objects.filter(pk=dossier.procedure_id).values_list("field_id", flat=True)[0]
    )


# ---------------------------------------------------------------------------- replay


@dataclass
class DossierRow:
    id: int
    unit_id: int
    field_id: int
    procedure_id: int
    channel: str
    applicant_user_id: int | None
    # The processing time of its case and the same-day cutoff (for a dossier refused before
    # reception, the national 2.1 reading needs the procedure's maximum time).
    days: Decimal | None = None
    cutoff: dt.time | None = None


def _parse_due(value: Any) -> dt.date | None:
    if not value:
        return None
    return local_day(dt.datetime.fromisoformat(value))


def replay(
    dossier: DossierRow,
    events: Iterable[dict[str, Any]],
    officers: dict[str, int],
    calendar: WorkingCalendar | None = None,
) -> tuple[list[Change], Contribution | None, Fact | None]:
    """All the deltas of one dossier from its stored history (§6 and the national 2.1
    readings), its final contribution and its national fact. Independent of the dossier
    row's current fields: only the history is read."""
    events = list(events)
    changes: list[Change] = []
    current: Contribution | None = None
    received = False
    officer = 0
    due_day: dt.date | None = None
    for e in events:
        data = e["data"] or {}
        action = e["action"]
        if action in {"intake", "accept"} and e["to_status"] == Status.RECEIVED:
            received = True
        if action in {"intake", "accept", "supplement", "confirm-payment"} and "due_at" in data:
            due_day = _parse_due(data["due_at"])
        if action in ASSIGNING_ACTIONS:
            name = data.get("assignee")
            officer = officers.get(name, 0) if name else 0
        new = Contribution(e["to_status"], received, officer, due_day)
        facts = EventFacts(
            day=local_day(e["at"]),
            action=action,
            to_status=e["to_status"],
            channel=dossier.channel,
            timeliness=data.get("timeliness", ""),
            paid_online=bool(
                e["actor_id"] is not None and e["actor_id"] == dossier.applicant_user_id
            ),
        )
        changes.extend(event_changes(current, new, facts))
        current = new
    cal = calendar
    per_event, fact = national_replay(
        events,
        local_day=local_day,
        calendar=lambda: cal if cal is not None else _working_calendar(),
        applicant_user_id=dossier.applicant_user_id,
        days=dossier.days,
        cutoff=dossier.cutoff,
    )
    for event_changes_ in per_event:
        changes.extend(event_changes_)
    return changes, current, fact


def _working_calendar() -> WorkingCalendar:
    from motcua.calendars.selectors import working_calendar

    return working_calendar()


def _live_calendar() -> WorkingCalendar:
    """The calendar the services use now (pinned during a history import)."""
    from motcua.dossiers import services

    calendar: WorkingCalendar = services._calendar()  # the action's own calendar
    return calendar


def fact_row(dossier: DossierRow, fact: Fact) -> NationalFact:
    return NationalFact(
        dossier_id=dossier.id,
        unit_id=dossier.unit_id,
        field_id=dossier.field_id,
        procedure_id=dossier.procedure_id,
        received_day=fact.received_day,
        resolved_day=fact.resolved_day,
        resolution_seconds=fact.resolution_seconds,
        paid_online_day=fact.paid_online_day,
    )


FACT_FIELDS = ("received_day", "resolved_day", "resolution_seconds", "paid_online_day")


def on_dossier_event_national(dossier: Any, event: Any, buffer: DeltaBuffer | None = None) -> None:
    """The national 2.1 deltas of this event and the dossier's fact, from a replay of its own
    history (a dozen events), so the live figures are by construction those of
    ``rebuild-stats``; deltas added to ``buffer`` when given, else written at once."""
    from motcua.dossiers.models import DossierEvent
    from motcua.dossiers.services import days_and_cutoff

    first = _first(event)
    events: list[dict[str, Any]]
    if first:
        # The history is this event alone, as it is stored (its data is JSON already: the
        # event's hash is computed over it).
        events = [
            {"action": event.action, "at": event.at, "to_status": event.to_status,
             "data": event.data, "actor_id": event.actor_id}
        ]  # fmt: skip
    else:
        events = [
            dict(e)
            for e in DossierEvent.objects.filter(dossier_id=dossier.pk)
            .order_by("seq")
            .values("action", "at", "to_status", "data", "actor_id")
        ]
    days, cutoff = days_and_cutoff(dossier)
    per_event, fact = national_replay(
        events,
        local_day=local_day,
        calendar=_live_calendar,
        applicant_user_id=dossier.applicant_user_id,
        days=days,
        cutoff=cutoff,
    )
    field_id = _field_id(dossier)
    if per_event and per_event[-1]:
        own = buffer is None
        buffer = DeltaBuffer() if buffer is None else buffer
        buffer.add(dossier.unit_id, field_id, dossier.procedure_id, per_event[-1])
        if own:
            buffer.flush()
    if fact is not None:
        row = DossierRow(
            dossier.pk, dossier.unit_id, field_id, dossier.procedure_id, dossier.channel,
            dossier.applicant_user_id,
        )  # fmt: skip
        wanted = fact_row(row, fact)
        stored = None if first else NationalFact.objects.filter(pk=dossier.pk).first()
        if stored is None or any(getattr(stored, f) != getattr(wanted, f) for f in FACT_FIELDS):
            wanted.save(force_insert=stored is None)


def officer_ids(usernames: Iterable[str] | None = None) -> dict[str, int]:
    """Usernames to user ids: of the given names, or of everyone."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.all()
    if usernames is not None:
        users = users.filter(username__in=list(usernames))
    return dict(users.values_list("username", "id"))


def iter_replays(
    chunk: int = 2000,
    unit_ids: list[int] | None = None,
    dossier_ids: list[int] | None = None,
    calendar: WorkingCalendar | None = None,
) -> Iterator[tuple[DossierRow, list[Change], Contribution | None, Fact | None]]:
    """Every dossier's replay (of the given units, or of the given dossiers), streamed in
    chunks (bounded memory)."""
    from motcua.dossiers.models import Dossier, DossierEvent
    from motcua.procedures.models import ProcedureVersion
    from motcua.procedures.records import record_cutoff, record_processing_days

    # Only the officers named by the histories read (a province has a million citizens).
    officers: dict[str, int] = {}
    calendar = calendar if calendar is not None else _working_calendar()
    terms: dict[tuple[int, str], tuple[Decimal, dt.time]] = {}

    def terms_of(version_id: int, case_code: str) -> tuple[Decimal, dt.time]:
        key = (version_id, case_code)
        if key not in terms:
            record = ProcedureVersion.objects.get(pk=version_id).record
            terms[key] = (
                record_processing_days(record, case_code),
                record_cutoff(record, settings.MOTCUA_SAME_DAY_CUTOFF),
            )
        return terms[key]

    last = 0
    dossiers = Dossier.objects.all()
    if unit_ids is not None:
        dossiers = dossiers.filter(unit_id__in=unit_ids)
    if dossier_ids is not None:
        dossiers = dossiers.filter(pk__in=dossier_ids)
    while True:
        batch = list(
            dossiers.filter(pk__gt=last)
            .order_by("pk")
            .values_list(
                "id", "unit_id", "procedure__field_id", "procedure_id", "channel",
                "applicant_user_id", "procedure_version_id", "case_code",
            )[:chunk]
        )  # fmt: skip
        if not batch:
            return
        last = batch[-1][0]
        events: dict[int, list[dict[str, Any]]] = defaultdict(list)
        found = DossierEvent.objects.order_by("dossier_id", "seq")
        if unit_ids is None and dossier_ids is None:
            found = found.filter(dossier_id__gte=batch[0][0], dossier_id__lte=last)
        else:
            found = found.filter(dossier_id__in=[row[0] for row in batch])
        named: set[str] = set()
        for e in found.values("dossier_id", "action", "at", "to_status", "data", "actor_id"):
            events[e["dossier_id"]].append(dict(e))
            if e["action"] in ASSIGNING_ACTIONS and (e["data"] or {}).get("assignee"):
                named.add(str(e["data"]["assignee"]))
        if named - officers.keys():
            officers.update(officer_ids(named - officers.keys()))
        for row in batch:
            d = DossierRow(*row[:6], *terms_of(row[6], row[7]))
            changes, final, fact = replay(d, events.get(d.id, []), officers, calendar)
            yield d, changes, final, fact


def stats_add_replayed(dossier_ids: list[int]) -> None:
    """The summary's share of dossiers new to it (a batch of an imported history), read
    from their stored histories the way ``rebuild-stats`` reads every dossier: what the
    live hooks would have written event by event, written in one pass (registered as the
    ``batched`` form of both hooks)."""
    buffer = DeltaBuffer()
    states: list[StatState] = []
    facts: list[NationalFact] = []
    for d, changes, final, fact in iter_replays(dossier_ids=dossier_ids, calendar=_live_calendar()):
        buffer.add(d.unit_id, d.field_id, d.procedure_id, changes)
        if final is not None:
            states.append(_state_row(d.id, final))
        if fact is not None:
            facts.append(fact_row(d, fact))
    buffer.flush()
    StatState.objects.bulk_create(states)
    NationalFact.objects.bulk_create(facts)


def _state_row(dossier_id: int, c: Contribution) -> StatState:
    return StatState(
        dossier_id=dossier_id,
        status=c.status,
        received=c.received,
        officer=c.officer,
        due_day=c.due_day,
    )


def stats_rebuild(*, progress: Any = None) -> int:
    """Recompute the whole summary from the dossiers' histories (``motcua rebuild-stats``)."""
    count = 0
    with transaction.atomic():
        StatDelta.objects.all().delete()
        StatState.objects.all().delete()
        NationalFact.objects.all().delete()
        buffer = DeltaBuffer()
        states: list[StatState] = []
        facts: list[NationalFact] = []
        for d, changes, final, fact in iter_replays():
            buffer.add(d.unit_id, d.field_id, d.procedure_id, changes)
            if final is not None:
                states.append(_state_row(d.id, final))
            if fact is not None:
                facts.append(fact_row(d, fact))
            if len(facts) >= 5000:
                NationalFact.objects.bulk_create(facts)
                facts = []
            count += 1
            if len(buffer) > 200_000:
                buffer.flush()
            if len(states) >= 5000:
                StatState.objects.bulk_create(states)
                states = []
            if progress is not None and count % 100_000 == 0:
                progress(count)
        buffer.flush()
        StatState.objects.bulk_create(states)
        NationalFact.objects.bulk_create(facts)
    return count


def stats_differences(*, limit: int = 50, units_per_pass: int = 10) -> list[str]:
    """Compare the stored summary with a full recomputation from the histories, a few
    units at a time (bounded memory). Returns the differences in words (empty when the
    summary is right)."""
    from motcua.dossiers.models import Dossier
    from motcua.units.models import Unit

    problems: list[str] = []
    unit_ids = sorted(
        set(Unit.objects.values_list("id", flat=True))
        | set(StatDelta.objects.values_list("unit_id", flat=True).distinct())
    )
    fields = ["grain", "day", "unit_id", "field_id", "procedure_id", "officer", *COLUMNS]
    for start in range(0, len(unit_ids), units_per_pass):
        group = unit_ids[start : start + units_per_pass]
        expected: dict[RowKey, list[int]] = defaultdict(lambda: [0] * len(COLUMNS))
        expected_states: dict[int, Contribution] = {}
        expected_facts: dict[int, tuple[Any, ...]] = {}
        for d, changes, final, fact in iter_replays(unit_ids=group):
            if fact is not None:
                row_ = fact_row(d, fact)
                expected_facts[d.id] = (
                    row_.unit_id,
                    row_.procedure_id,
                    *(getattr(row_, f) for f in FACT_FIELDS),
                )
            for day, officer, column, n in changes:
                i = COLUMN_INDEX[column]
                for grain, first in grains_of(day):
                    expected[(grain, first, d.unit_id, d.field_id, d.procedure_id, officer)][i] += n
            if final is not None:
                expected_states[d.id] = final
        stored: set[RowKey] = set()
        rows = StatDelta.objects.filter(unit_id__in=group).values_list(*fields)
        for row in rows.iterator(chunk_size=10_000):
            key: RowKey = tuple(row[:6])
            stored.add(key)
            values = list(row[6:])
            want = expected.get(key, [0] * len(COLUMNS))
            if values != want:
                diff = {c: (v, w) for c, v, w in zip(COLUMNS, values, want, strict=True) if v != w}
                problems.append(f"{key}: lưu / tính lại {diff}")
        for key, want in expected.items():
            if key not in stored and any(want):
                problems.append(f"{key}: thiếu trong bảng tổng hợp {want}")
        ids = list(Dossier.objects.filter(unit_id__in=group).values_list("id", flat=True))
        for offset in range(0, len(ids), 5000):
            for s in StatState.objects.filter(dossier_id__in=ids[offset : offset + 5000]):
                c = Contribution(s.status, s.received, s.officer, s.due_day)
                if expected_states.pop(s.dossier_id, None) != c:
                    problems.append(f"hồ sơ #{s.dossier_id}: trạng thái tổng hợp sai")
        for dossier_id in expected_states:
            problems.append(f"hồ sơ #{dossier_id}: thiếu trạng thái tổng hợp")
        for offset in range(0, len(ids), 5000):
            found = NationalFact.objects.filter(dossier_id__in=ids[offset : offset + 5000])
            for values in found.values_list("dossier_id", "unit_id", "procedure_id", *FACT_FIELDS):
                if expected_facts.pop(values[0], None) != tuple(values[1:]):
                    problems.append(f"hồ sơ #{values[0]}: dữ kiện chỉ số 766 sai")
        for dossier_id in expected_facts:
            problems.append(f"hồ sơ #{dossier_id}: thiếu dữ kiện chỉ số 766")
        if limit and len(problems) >= limit:
            return problems[:limit]
    return problems[:limit] if limit else problems
