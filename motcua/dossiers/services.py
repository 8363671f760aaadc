"""Every write of a dossier: one function per legal action (Decree 118/2025/NĐ-CP).

Each function checks the status against ``lifecycle.TRANSITIONS``, the actor's role and
unit, and the client's version; applies the clock rule of CONTRACT.md §3; moves the
workflow step; sets the timestamps; and appends exactly one hash-chained history event,
all in one transaction. The API, the web pages and the history import all call these;
nothing else writes a dossier.

``actor=None`` is the system actor (history import without ``by``): it passes the role
checks but never the status rules.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar, cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, connection, transaction
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils import timezone

from motcua.calendars.selectors import working_calendar
from motcua.calendars.workingtime import WorkingCalendar
from motcua.core.text import fold
from motcua.dossiers.documents import checklist_of as _checklist
from motcua.dossiers.documents import intake_files as _intake_files
from motcua.dossiers.errors import (
    ActionForbidden,
    ActionNotAllowed,
    DossierInvalid,
    StaleVersion,
)
from motcua.dossiers.fees import fees_at_intake, fees_collected, fees_requested
from motcua.dossiers.hooks import is_replaying, replay_mode, run_event_hooks
from motcua.dossiers.lifecycle import TRANSITIONS, Action, Actor
from motcua.dossiers.models import (
    FINAL_STATUSES,
    ONLINE_FEE_METHODS,
    Channel,
    ClockRule,
    Dossier,
    DossierCounter,
    DossierEvent,
    DossierParticipant,
    FeeMethod,
    IdempotencyKey,
    Outcome,
    PaymentState,
    ReturnMethod,
    Status,
    Timeliness,
)
from motcua.dossiers.rules import clock_rule_at, supplement_due
from motcua.dossiers.validation import applicant_clean
from motcua.procedures.eforms import eform_errors
from motcua.procedures.models import OnlineLevel, Procedure
from motcua.procedures.records import (
    record_cutoff,
    record_fee,
    record_processing_days,
)
from motcua.units.models import Membership, Role, Unit

GENESIS = "0" * 64
_T = TypeVar("_T")
SYSTEM_ACTOR = "system"
DEFAULT_STEPS = [{"name": "Xử lý hồ sơ", "role": "specialist", "hours": 8, "unit": None}]


# ---------------------------------------------------------------------------- history


def event_payload(event: DossierEvent, code: str) -> dict[str, Any]:
    """The canonical content of an event that its hash covers."""
    return {
        "dossier": code,
        "seq": event.seq,
        "action": event.action,
        "actor": event.actor_name,
        "at": event.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "from_status": event.from_status,
        "to_status": event.to_status,
        "step": event.step,
        "note": event.note,
        "data": event.data,
        "prev_hash": event.prev_hash,
    }


def event_hash(event: DossierEvent, code: str) -> str:
    encoded = json.dumps(
        event_payload(event, code), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(encoded.encode()).hexdigest()


def _append_event(dossier: Dossier, **fields: Any) -> DossierEvent:
    """The dossier's next event (``_next_event``), written; a replayed dossier in hand keeps
    it until its line ends (``replay_line``)."""
    event = _next_event(dossier, **fields)
    in_hand = _in_hand(dossier)
    if in_hand is not None:
        in_hand.events.append(event)
    else:
        event.save()
    return event


def _events_stored(dossier: Dossier) -> QuerySet[DossierEvent]:
    """The dossier's events in the database, those a replay kept in hand written first:
    what an action reads of the history."""
    in_hand = _in_hand(dossier)
    if in_hand is not None:
        in_hand.write_events()
    return DossierEvent.objects.filter(dossier=dossier)


def _participate(dossier: Dossier, unit_ids: Collection[int]) -> None:
    """The units see the dossier from now on (the staff scope reads the participants)."""
    DossierParticipant.objects.bulk_create(
        [
            DossierParticipant(dossier=dossier, unit_id=u, created_at=dossier.created_at)
            for u in sorted(unit_ids)
        ],
        ignore_conflicts=True,
    )


def _next_event(
    dossier: Dossier,
    *,
    action: str,
    actor: User | None,
    at: dt.datetime,
    from_status: str,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> DossierEvent:
    """The dossier's next event, hashed onto its chain and counted on the dossier (whose row
    the caller saves), not yet written."""
    event = DossierEvent(
        dossier=dossier,
        seq=dossier.event_count + 1,
        action=action,
        actor=actor,
        actor_name=actor.get_username() if actor is not None else SYSTEM_ACTOR,
        at=at,
        from_status=from_status,
        to_status=dossier.status,
        step=dossier.step_index,
        note=note,
        data=data or {},
        prev_hash=dossier.history_head or GENESIS,
    )
    event.hash = event_hash(event, dossier.code)
    dossier.event_count = event.seq
    dossier.history_head = event.hash
    return event


def _field_values(dossier: Dossier) -> dict[str, Any]:
    """The dossier's column values by field name (JSON values copied, so that a change made
    in place shows)."""
    values = {}
    for column in Dossier._meta.concrete_fields:
        if not column.primary_key:
            value = getattr(dossier, column.attname)
            values[column.name] = copy.deepcopy(value) if isinstance(value, dict | list) else value
    return values


def _save_changes(dossier: Dossier, stored: dict[str, Any]) -> None:
    """Save what changed on the dossier since its row held ``stored`` (``_field_values``).
    Columns left alone are not written again: the personal data is not encrypted anew at
    every step."""
    now = _field_values(dossier)
    dossier.save(update_fields=[name for name, value in now.items() if stored[name] != value])


# ---------------------------------------------------------------------------- clock

# A history import replays thousands of actions against one calendar: it pins the calendar
# for its run (one build instead of one stamp query per action) and stays silent (no
# e-mail to applicants about events years old). Live requests never set these.
_pinned_calendar: contextvars.ContextVar[WorkingCalendar | None] = contextvars.ContextVar(
    "motcua_pinned_calendar", default=None
)
# What a replay reads of the catalogue (the units that steps name, whether a unit offers a
# procedure, its newest version), read once a run as the importer reads the procedures and
# units of its lines, not once a line or an action.
_replay_catalogue: contextvars.ContextVar[dict[tuple[Any, ...], Any] | None] = (
    contextvars.ContextVar("motcua_replay_catalogue", default=None)
)


def _catalogue(key: tuple[Any, ...], read: Callable[[], _T]) -> _T:
    """``read()``; within a replay, once a run for the same ``key``."""
    memo = _replay_catalogue.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return cast(_T, memo[key])


@contextlib.contextmanager
def replaying(calendar: WorkingCalendar | None = None) -> Iterator[WorkingCalendar]:
    """Within this block every action uses ``calendar`` (default: the current one), nobody
    is notified, and hooks registered with ``during_replay=False`` are skipped. The rules
    applied are the live ones."""
    pinned = calendar if calendar is not None else working_calendar()
    cal_token = _pinned_calendar.set(pinned)
    catalogue_token = _replay_catalogue.set({})
    try:
        with replay_mode():
            yield pinned
    finally:
        _replay_catalogue.reset(catalogue_token)
        _pinned_calendar.reset(cal_token)


def _calendar() -> WorkingCalendar:
    pinned = _pinned_calendar.get()
    return pinned if pinned is not None else working_calendar()


def days_and_cutoff(dossier: Dossier) -> tuple[Decimal, dt.time]:
    """The processing time of the dossier's case and its same-day cutoff, from the version
    of the procedure it was received under."""
    record = dossier.procedure_version.record
    return (
        record_processing_days(record, dossier.case_code),
        record_cutoff(record, settings.MOTCUA_SAME_DAY_CUTOFF),
    )


def _start_clock(dossier: Dossier, at: dt.datetime, calendar: WorkingCalendar) -> None:
    days, cutoff = days_and_cutoff(dossier)
    dossier.due_at = calendar.due(at, days, cutoff=cutoff)


def timeliness_of(resolved_at: dt.datetime, due_at: dt.datetime) -> Timeliness:
    """CONTRACT.md §3: late after the due time; early on an earlier local date; else on time."""
    if resolved_at > due_at:
        return Timeliness.LATE
    if timezone.localtime(resolved_at).date() < timezone.localtime(due_at).date():
        return Timeliness.EARLY
    return Timeliness.ON_TIME


# ---------------------------------------------------------------------------- who acts


def steps_of(dossier: Dossier) -> list[dict[str, Any]]:
    return list(dossier.procedure_version.record.get("steps") or []) or DEFAULT_STEPS


def current_step(dossier: Dossier) -> dict[str, Any] | None:
    if dossier.step_index is None:
        return None
    steps = steps_of(dossier)
    return steps[dossier.step_index] if dossier.step_index < len(steps) else None


def step_unit_of(dossier: Dossier, step: dict[str, Any]) -> Unit:
    """The unit holding a workflow step: the step's own unit (inter-agency), else the
    receiving unit."""
    code = step.get("unit")
    if code:
        unit = _catalogue(("unit", code), Unit.objects.filter(code=code).first)
        if unit is not None:
            return unit
    return dossier.unit


@dataclass
class Memberships:
    """The roles a user holds, read once per request."""

    pairs: set[tuple[str, int | None]] = field(default_factory=set)

    @classmethod
    def of(cls, user: User | AnonymousUser | None) -> Memberships:
        if user is None or not user.is_authenticated:
            return cls()
        return cls(set(Membership.objects.filter(user=user).values_list("role", "unit_id")))

    def holds(self, role: str, unit_id: int | None) -> bool:
        return (role, unit_id) in self.pairs


def actor_kinds(
    dossier: Dossier, user: User | None, memberships: Memberships | None = None
) -> set[Actor]:
    """In which capacities ``user`` may act on ``dossier`` (the system actor: all of them)."""
    if user is None:
        return set(Actor)
    m = memberships if memberships is not None else Memberships.of(user)
    units = {dossier.unit_id, dossier.step_unit_id} - {None}
    kinds: set[Actor] = set()
    if m.holds(Role.DESK, dossier.unit_id):
        kinds.add(Actor.DESK)
    for role, kind in (
        (Role.SPECIALIST, Actor.SPECIALIST),
        (Role.LEADER, Actor.LEADER),
        (Role.UNIT_ADMIN, Actor.UNIT_ADMIN),
    ):
        if any(m.holds(role, unit_id) for unit_id in units):
            kinds.add(kind)
    step = current_step(dossier)
    if dossier.status in {Status.PROCESSING, Status.AWAITING_PAYMENT} and step is not None:
        if dossier.assignee_id is not None:
            if dossier.assignee_id == user.pk:
                kinds.add(Actor.HOLDER)
        elif m.holds(step["role"], dossier.step_unit_id):
            kinds.add(Actor.HOLDER)
    if dossier.applicant_user_id is not None and dossier.applicant_user_id == user.pk:
        kinds.add(Actor.APPLICANT)
    return kinds


def _may(action: Action, dossier: Dossier, kinds: set[Actor]) -> bool:
    transition = TRANSITIONS[action]
    if dossier.status not in transition.sources:
        return False
    if action == Action.FORWARD:
        # From reception the desk hands over; inside processing only the step holder moves on.
        needed = {Actor.DESK} if dossier.status == Status.RECEIVED else {Actor.HOLDER}
        if not needed & kinds:
            return False
        return dossier.status == Status.RECEIVED or not _at_last_step(dossier)
    if action == Action.RESOLVE:
        return Actor.HOLDER in kinds and _at_last_step(dossier)
    if action == Action.REFUSE and dossier.status == Status.SUPPLEMENT_REQUESTED:
        return Actor.SYSTEM in kinds
    if action == Action.REFUSE:
        return Actor.DESK in kinds
    if action == Action.REQUEST_SUPPLEMENT:
        # The first request: desk or specialist (a leader too); any further one: a leader.
        needed = {Actor.LEADER} if dossier.supplement_count >= 1 else set(transition.actors)
        return bool(needed & kinds)
    return bool(transition.actors & kinds)


def _at_last_step(dossier: Dossier) -> bool:
    return dossier.step_index is not None and dossier.step_index >= len(steps_of(dossier)) - 1


def available_actions(
    dossier: Dossier, user: User | None, memberships: Memberships | None = None
) -> list[str]:
    """The actions this user may take on this dossier now."""
    kinds = actor_kinds(dossier, user, memberships)
    return [action.value for action in TRANSITIONS if _may(action, dossier, kinds)]


def status_actions(dossier: Dossier) -> list[str]:
    """The actions the current status allows, whoever takes them."""
    return [a.value for a, t in TRANSITIONS.items() if dossier.status in t.sources]


# ---------------------------------------------------------------------------- the runner


def _resolve_at(at: dt.datetime | None) -> dt.datetime:
    if at is None:
        return timezone.now()
    if timezone.is_naive(at):
        raise DossierInvalid({"at": ["Thời điểm phải có múi giờ."]})
    return at


def _act(
    *,
    dossier: Dossier,
    action: Action,
    actor: User | None,
    version: int | None,
    at: dt.datetime | None,
    note: str,
    apply: Callable[[Dossier, dt.datetime, set[Actor]], dict[str, Any]],
) -> Dossier:
    """Lock the dossier, check status, role and version, apply, append one event."""
    at = _resolve_at(at)
    if not isinstance(note, str) or "\x00" in note or len(note) > 2000:
        raise DossierInvalid({"note": ["Ghi chú là văn bản, tối đa 2000 ký tự."]})
    # A replayed history line is one transaction that fails whole: no savepoint per action
    # there (an error marks the line's transaction for rollback, which is what it wants).
    with transaction.atomic(savepoint=not is_replaying()):
        in_hand = _in_hand(dossier)
        if in_hand is not None:
            locked = in_hand.dossier
            last_at = in_hand.last_event_at
        else:
            # Lock the dossier row only (not the unit or procedure rows it joins: other
            # dossiers of the unit must not wait), and read the time of its last event in
            # the same query.
            locked = (
                Dossier.objects.select_for_update(of=("self",))
                .select_related("procedure_version", "unit")
                .annotate(
                    last_event_at=Subquery(
                        DossierEvent.objects.filter(dossier=OuterRef("pk"))
                        .order_by("-seq")
                        .values("at")[:1]
                    )
                )
                .get(pk=dossier.pk)
            )
            last_at = locked.last_event_at
            stored = _field_values(locked)
        transition = TRANSITIONS[action]
        if locked.status not in transition.sources:
            raise ActionNotAllowed(
                f"Không thể “{transition.label}” khi hồ sơ ở trạng thái "
                f"“{Status(locked.status).label}”.",
                allowed_actions=status_actions(locked),
                status=locked.status,
                version=locked.version,
            )
        # A stale version wins over the role check: what the client saw is gone (two officers
        # racing on one version get one success and one 409, whatever the loser's role now).
        if version is not None and version != locked.version:
            raise StaleVersion(
                "Hồ sơ vừa được người khác cập nhật; hãy tải lại để xem trạng thái mới.",
                current_version=locked.version,
                status=locked.status,
                allowed_actions=available_actions(locked, actor),
            )
        kinds = actor_kinds(locked, actor)
        if not _may(action, locked, kinds):
            if action in {Action.FORWARD, Action.RESOLVE} and Actor.HOLDER in kinds:
                raise ActionNotAllowed(
                    "Bước hiện tại là bước cuối: hãy hoàn thành xử lý."
                    if action == Action.FORWARD
                    else "Chỉ hoàn thành xử lý ở bước cuối của quy trình.",
                    allowed_actions=available_actions(locked, actor),
                    status=locked.status,
                    version=locked.version,
                )
            raise ActionForbidden(
                f"Vai trò của bạn không được “{transition.label}” hồ sơ này.",
                allowed_actions=available_actions(locked, actor),
            )
        if last_at is not None and at < last_at:
            raise DossierInvalid({"at": ["Thời điểm trước sự kiện gần nhất của hồ sơ."]})
        from_status = locked.status
        data = apply(locked, at, kinds)
        if locked.status in FINAL_STATUSES:
            locked.closed_at = at
        locked.version += 1
        locked.updated_at = timezone.now()
        event = _append_event(
            locked,
            action=action.value,
            actor=actor,
            at=at,
            from_status=from_status,
            note=note,
            data=data,
        )
        # A replayed dossier in hand is written once, when its line ends (replay_line).
        if in_hand is None:
            _save_changes(locked, stored)
        else:
            in_hand.last_event_at = at
        # Messages to the applicant (and to outside systems) are outbox rows written by
        # the event hooks in this transaction (CONTRACT.md §7).
        run_event_hooks(locked, event)
    return locked


# A history line is one transaction that creates its dossier and replays its events. Nobody
# else sees the row before the commit, so between two of its actions the dossier stays in
# hand: not read again, locked, for each action (the import's largest cost), and written
# once when the line ends, with what its actions changed, the events they appended and the
# units they brought in (its first event and receiving unit included).


@dataclass
class _InHand:
    """A dossier received in the current history line, kept between its actions: the values
    its row holds, the time of its last event, and the events and units not written yet."""

    dossier: Dossier
    written: dict[str, Any]
    last_event_at: dt.datetime
    events: list[DossierEvent] = field(default_factory=list)
    units: set[int] = field(default_factory=set)

    def write_events(self) -> None:
        if self.events:
            DossierEvent.objects.bulk_create(self.events)
            self.events.clear()

    def write_out(self) -> None:
        """What the line's actions changed, the events they appended and the units they
        brought in: one UPDATE and two multi-row INSERTs."""
        _save_changes(self.dossier, self.written)
        self.write_events()
        if self.units:
            _participate(self.dossier, self.units)
            self.units.clear()


# The dossiers received in the current history line (``replay_line``), by the identity of
# the object the line's actions are given.
_line_dossiers: contextvars.ContextVar[dict[int, _InHand] | None] = contextvars.ContextVar(
    "motcua_replay_line", default=None
)


@contextlib.contextmanager
def replay_line() -> Iterator[None]:
    """Within a replay, inside the transaction of one history line: the dossiers the block
    receives stay in hand between their actions, and are written out when it ends without
    an error. On an error nothing is written: the caller's transaction rolls back the
    line."""
    kept: dict[int, _InHand] = {}
    token = _line_dossiers.set(kept)
    try:
        yield
    finally:
        _line_dossiers.reset(token)
    for in_hand in kept.values():
        in_hand.write_out()


def _keep_in_hand() -> bool:
    """Whether dossiers stay in hand between their actions: in a history line of a replay
    (a test and the benchmark switch it off to compare with the locked reads)."""
    return is_replaying() and _line_dossiers.get() is not None


def _in_hand(dossier: Dossier) -> _InHand | None:
    """During a history import, the dossier in hand as this line left it; anywhere else
    None: the row is read and locked."""
    if not _keep_in_hand():
        return None
    return cast(dict[int, _InHand], _line_dossiers.get()).get(id(dossier))


def _require(value: Any, field_name: str, message: str) -> None:
    if value is None or (isinstance(value, str) and not value.strip()) or value == []:
        raise DossierInvalid({field_name: [message]})


# ---------------------------------------------------------------------------- intake


def _next_code(unit: Unit, at: dt.datetime) -> str:
    """``{unit code}-{yyMMdd}-{NNNN}`` from a counter row per unit and local day."""
    day = timezone.localtime(at).date()
    if connection.features.can_return_columns_from_insert:
        # One statement creates the day's row or takes its next number. Outside a transaction
        # it commits at once, so concurrent intakes at one unit wait on the counter row for
        # microseconds, not for each other's whole transaction; an intake that then fails
        # leaves a gap in the numbers, never a reused one (codes are unique, not gapless).
        # Inside one (the history import) the row stays locked until that commit.
        table = DossierCounter._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (unit_id, day, last) VALUES (%s, %s, 1) "  # noqa: S608
                f"ON CONFLICT (unit_id, day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
                [unit.pk, connection.ops.adapt_datefield_value(day)],
            )
            (number,) = cursor.fetchone()
        return f"{unit.code}-{day:%y%m%d}-{number:04d}"
    DossierCounter.objects.bulk_create(  # SQLite before 3.35: no RETURNING
        [DossierCounter(unit=unit, day=day, last=0)], ignore_conflicts=True
    )
    with transaction.atomic():
        counter = DossierCounter.objects.select_for_update().get(unit=unit, day=day)
        DossierCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
        counter.refresh_from_db(fields=["last"])
    return f"{unit.code}-{day:%y%m%d}-{counter.last:04d}"


def dossier_intake(
    *,
    actor: User | None,
    procedure: Procedure,
    unit: Unit,
    channel: str,
    applicant: dict[str, Any],
    summary: str = "",
    documents: Any = None,
    case_code: str = "",
    at: dt.datetime | None = None,
    idempotency_key: str | None = None,
    code: str | None = None,
    import_key: str | None = None,
    applicant_user: User | None = None,
    as_citizen: bool = False,
    eform: Any = None,
    files: Sequence[tuple[int | None, Any]] = (),
    digitised_documents: Collection[int | None] | None = None,
    memberships: Memberships | None = None,
) -> tuple[Dossier, bool]:
    """Receive a dossier (Decree 118/2025, art. on reception): the desk receives at the
    counter or by post (status received, the clock starts now); a citizen submits online
    (status submitted, the clock starts when the desk accepts). The dossier and its first
    event are written together or not at all. Returns (dossier, created). ``memberships``
    are the actor's roles when the caller has read them already (one read per request)."""
    at = _resolve_at(at)
    if idempotency_key and actor is not None:
        existing = IdempotencyKey.objects.filter(user=actor, key=idempotency_key).first()
        if existing is not None:
            return existing.dossier, False

    errors: dict[str, Any] = {}
    if channel not in Channel.values:
        errors["channel"] = ["Kênh phải là counter, online hoặc postal."]
    cleaned, applicant_errors = applicant_clean(applicant)
    if applicant_errors:
        errors["applicant"] = applicant_errors
    if not procedure.is_active:
        errors["procedure"] = ["Thủ tục này không còn áp dụng."]
    elif not _catalogue(
        ("offers", procedure.pk, unit.pk), procedure.units.filter(pk=unit.pk).exists
    ):
        errors["unit"] = [f"{unit.name} không thực hiện thủ tục {procedure.code}."]
    version = _catalogue(("version", procedure.pk), procedure.versions.order_by("-number").first)
    if version is None:
        errors["procedure"] = ["Thủ tục chưa được công bố."]
    case_codes = [c["code"] for c in (version.record.get("cases") or [])] if version else []
    if case_codes and case_code not in case_codes:
        errors["case"] = [f"Chọn một trường hợp: {', '.join(case_codes)}."]
    elif case_code and case_code not in case_codes:
        errors["case"] = [f"Thủ tục không có trường hợp “{case_code}”."]
    if not isinstance(summary, str) or len(summary) > 2000 or "\x00" in summary:
        errors["summary"] = ["Trích yếu là văn bản, tối đa 2000 ký tự."]

    memberships = memberships if memberships is not None else Memberships.of(actor)
    is_desk = actor is None or memberships.holds(Role.DESK, unit.pk)
    if actor is not None and (as_citizen or not is_desk):
        # Anyone else files for themselves, online.
        if channel != Channel.ONLINE and "channel" not in errors:
            if memberships.pairs - {(Role.CITIZEN, None)}:
                raise ActionForbidden(f"Chỉ cán bộ một cửa của {unit.name} được tiếp nhận hồ sơ.")
            errors["channel"] = ["Công dân nộp hồ sơ trực tuyến (channel = online)."]
        if procedure.online == OnlineLevel.NONE:
            errors["procedure"] = ["Thủ tục này chưa cung cấp dịch vụ trực tuyến."]
        applicant_user = actor
    schema = version.record.get("eform") if version is not None else None
    if schema and eform is not None:
        # The declaration (tờ khai điện tử) as typed must be valid against the version's
        # schema. Without one the declaration is on paper or a scan among the documents
        # (the online wizard always asks for it).
        eform_problems = eform_errors(schema, eform)
        if eform_problems:
            errors["eform"] = eform_problems
    elif eform not in (None, {}):
        errors["eform"] = ["Thủ tục này không có tờ khai điện tử."]
    if errors:
        raise DossierInvalid(errors)
    assert version is not None
    checklist = _checklist(version, case_code, documents)

    online = channel == Channel.ONLINE
    try:
        new_code = "" if code else _next_code(unit, at)
        with transaction.atomic():
            dossier = Dossier(
                code=code or new_code,
                procedure=procedure,
                procedure_version=version,
                case_code=case_code,
                unit=unit,
                channel=channel,
                applicant_kind=cleaned["kind"],
                applicant_name=cleaned["name"],
                applicant_name_folded=fold(cleaned["name"])[:255],
                applicant_id_number=cleaned["id_number"],
                applicant_phone=cleaned["phone"],
                applicant_email=cleaned["email"],
                applicant_address=cleaned["address"],
                applicant_user=applicant_user,
                summary=summary.strip(),
                documents=checklist,
                status=Status.SUBMITTED if online else Status.RECEIVED,
                import_key=import_key,
                created_at=at if import_key else timezone.now(),
                fee_amount=record_fee(version.record, case_code),
                eform_data=eform if schema and eform is not None else None,
            )
            if online:
                dossier.submitted_at = at
            else:
                dossier.received_at = at
                _start_clock(dossier, at, _calendar())

            def first_event(stored: list[dict[str, Any]]) -> DossierEvent:
                return _next_event(
                    dossier,
                    action=Action.INTAKE.value,
                    actor=actor,
                    at=at,
                    from_status="",
                    data={"channel": channel, "due_at": _iso(dossier.due_at)}
                    | ({"files": stored} if stored else {}),
                )

            # Without files the first event is known before the dossier's row is written, so
            # the row is inserted with its history head; files need the row to be stored.
            event = None if files else first_event([])
            dossier.save()
            inserted = _field_values(dossier)
            in_hand = None
            if _keep_in_hand():  # its first event and unit are written with the rest of its line
                in_hand = _InHand(dossier, written=inserted, last_event_at=at, units={unit.pk})
                cast(dict[int, _InHand], _line_dossiers.get())[id(dossier)] = in_hand
            else:
                # The receiving unit sees the dossier (the staff scope reads the participants).
                _participate(dossier, [unit.pk])
            # The answer to the intake shows them without reading them back.
            dossier.fees_written = fees_at_intake(dossier)  # type: ignore[attr-defined]
            if event is None:
                event = first_event(
                    _intake_files(
                        dossier, actor, files, len(checklist), digitised=digitised_documents
                    )
                )
            if in_hand is not None:
                in_hand.events.append(event)
            else:
                event.save()
                # What the files, the fees and the first event changed since the INSERT, not
                # every column again (the personal data is not encrypted twice).
                _save_changes(dossier, inserted)
            run_event_hooks(dossier, event)
            if idempotency_key and actor is not None:
                IdempotencyKey.objects.create(user=actor, key=idempotency_key, dossier=dossier)
    except IntegrityError:
        if idempotency_key and actor is not None:
            existing = IdempotencyKey.objects.filter(user=actor, key=idempotency_key).first()
            if existing is not None:
                return existing.dossier, False
        if code and Dossier.objects.filter(code=code).exists():
            raise DossierInvalid({"code": [f"Mã hồ sơ {code} đã tồn tại."]}) from None
        raise
    return dossier, True


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else timezone.localtime(value).isoformat()


# ---------------------------------------------------------------------------- actions


def dossier_accept(
    *,
    dossier: Dossier,
    actor: User | None,
    version: int | None = None,
    at: dt.datetime | None = None,
    note: str = "",
) -> Dossier:
    """The desk accepts an online dossier: it is received and the clock starts now."""

    def apply(d: Dossier, at: dt.datetime, kinds: set[Actor]) -> dict[str, Any]:
        d.status = Status.RECEIVED
        d.received_at = at
        _start_clock(d, at, _calendar())
        return {"due_at": _iso(d.due_at)}

    return _act(
        dossier=dossier,
        action=Action.ACCEPT,
        actor=actor,
        version=version,
        at=at,
        note=note,
        apply=apply,
    )


def dossier_refuse(
    *,
    dossier: Dossier,
    actor: User | None,
    reason: str,
    version: int | None = None,
    at: dt.datetime | None = None,
    note: str = "",
) -> Dossier:
    """The desk refuses an online dossier with a reason (form 03); the system refuses a
    dossier whose supplement deadline passed, for a procedure marked
    ``refuse_on_supplement_expiry`` (CONTRACT.md §3)."""
    _require(reason, "reason", "Vui lòng nêu lý do từ chối.")

    def apply(d: Dossier, at: dt.datetime, kinds: set[Actor]) -> dict[str, Any]:
        expired = d.status == Status.SUPPLEMENT_REQUESTED
        d.status = Status.REFUSED
        d.status_before_supplement = ""
        d.paused_at = None
        data: dict[str, Any] = {"reason": reason.strip()}
        if expired:
            data["supplement_expired"] = True
        return data

    return _act(
        dossier=dossier,
        action=Action.REFUSE,
        actor=actor,
        version=version,
        at=at,
        note=note,
        apply=apply,
    )


def dossier_request_supplement(
    *,
    dossier: Dossier,
    actor: User | None,
    items: Sequence[str],
    deadline: dt.date | None = None,
    version: int | None = None,
    at: dt.datetime | None = None,
    note: str = "",
) -> Dossier:
    """Ask the applicant to add or fix documents (form 02); the clock stops. The request
    carries its deadline: ``deadline`` (a date), else the procedure's ``supplement_days``
    working days (CONTRACT.md §3). A second request on the same dossier is a leader's and
    is flagged in the history and on form 02."""
    if isinstance(items, str):
        items = [items]
    cleaned = [str(i).strip() for i in (items or []) if str(i).strip()]
    _require(cleaned, "items", "Vui lòng liệt kê giấy tờ cần bổ sung.")
    if deadline is not None and (
        not isinstance(deadline, dt.date) or isinstance(deadline, dt.datetime)
    ):
        raise DossierInvalid({"deadline": ["Hạn bổ sung là một ngày (YYYY-MM-DD)."]})

    def apply(d: Dossier, at: dt.datetime, kinds: set[Actor]) -> dict[str, Any]:
        if deadline is not None and deadline <= timezone.localtime(at).date():
            raise DossierInvalid({"deadline": ["Hạn bổ sung phải sau ngày yêu cầu."]})
        calendar = _calendar()
        d.status_before_supplement = d.status
        d.status = Status.SUPPLEMENT_REQUESTED
        d.paused_at = at
        d.supplement_count += 1
        d.supplement_due_at = supplement_due(
            at=at, deadline=deadline, record=d.procedure_version.record, calendar=calendar
        )
        d.supplement_expired_at = None
        data: dict[str, Any] = {
            "items": cleaned,
            "request_number": d.supplement_count,
            "supplement_due_at": _iso(d.supplement_due_at),
        }
        if deadline is not None:
            data["deadline"] = deadline.isoformat()
        if d.supplement_count > 1:
            data["repeated"] = True  # a leader's further request (CONTRACT.md §2)
        return data

    return _act(
        dossier=dossier,
        action=Action.REQUEST_SUPPLEMENT,
        actor=actor,
        version=version,
        at=at,
        note=note,
        apply=apply,
    )


def _mark_supplied(d: Dossier) -> list[str]:
    """The checklist's documents that the last supplement request asked for are handed
    in now: they read "đã bổ sung" instead of "chưa nộp" (the request names them, as the
    counter intake does for missing papers; free-text items that name no document of the
    checklist change nothing)."""
    request = (
        _events_stored(d)
        .filter(action=Action.REQUEST_SUPPLEMENT.value)
        .order_by("-seq")
        .only("data")
        .first()
    )
    asked = [fold(str(i)) for i in ((request.data or {}).get("items") or [])] if request else []
    supplied = []
    documents = list(d.documents or [])
    for item in documents:
        name = fold(str(item.get("name", "")))
        if not item.get("received") and name and any(a and (a in name or name in a) for a in asked):
            item["received"] = True
            item["supplemented"] = True
            supplied.append(str(item.get("name", "")))
    if supplied:
        d.documents = documents
    return supplied


def dossier_supplement(
    *,
    dossier: Dossier,
    actor: User | None,
    version: int | None = None,
    at: dt.datetime | None = None,
    note: str = "",
    attachments: Sequence[int] = (),
) -> Dossier:
    """The applicant (or the desk for them) supplies what was asked. The dossier goes back
    to the status it left. If the clock had started, the clock rule in force on the date
    of the supplement applies (CONTRACT.md §3): ``restart`` gives the full processing time
    again from now; ``shift`` moves the due time by the working time spent waiting."""

    def apply(d: Dossier, at: dt.datetime, kinds: set[Actor]) -> dict[str, Any]:
        waited_from = d.paused_at
        d.status = d.status_before_supplement or Status.SUBMITTED
        d.status_before_supplement = ""
        d.paused_at = None
        d.supplement_due_at = None
        d.supplement_expired_at = None
        data: dict[str, Any] = {"attachments": list(attachments)}
        supplied = _mark_supplied(d)
        if supplied:
            data["supplied"] = supplied
        if d.status != Status.SUBMITTED:
            calendar = _calendar()
            rule = clock_rule_at(at)
            if rule == ClockRule.SHIFT and d.due_at is not None and waited_from is not None:
                waited = calendar.working_seconds_between(waited_from, at)
                d.due_at = calendar.add_working_seconds(d.due_at, waited)
                data["waited_seconds"] = waited
            else:
                _start_clock(d, at, calendar)
            data["clock_rule"] = rule.value
            data["due_at"] = _iso(d.due_at)
        return data

    return _act(
        dossier=dossier,
        action=Action.SUPPLEMENT,
        actor=actor,
        version=version,
        at=at,
        note=note,
        apply=apply,
    )


def dossier_supplement_expired_mark(*, now: dt.datetime) -> int:
    """List every dossier whose supplement deadline passed by ``now`` for the desk and its
    leader (``supplement_expired_at``), once. Not a legal act on the dossier, so no event:
    the dossier stays waiting for the applicant. Returns how many were newly listed."""
    return Dossier.objects.filter(
        status=Status.SUPPLEMENT_REQUESTED,
        supplement_due_at__lte=now,
        supplement_expired_at__isnull=True,
    ).update(supplement_expired_at=now)


def _assignee_for(d: Dossier, username: str | None, step: dict[str, Any], unit: Unit) -> Any:
    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if (
        user is None
        or not Membership.objects.filter(user=user, role=step["role"], unit=unit).exists()
    ):
        raise DossierInvalid(
            {"assignee": [f"“{username}” không giữ vai trò {step['role']} tại {unit.name}."]}
        )
    return user


def _enter_step(d: Dossier, index: int, assignee: str | None) -> dict[str, Any]:
    step = steps_of(d)[index]
    unit = step_unit_of(d, step)
    d.step_index = index
    d.step_unit = unit
    d.step_role = str(step.get("role") or "")[:16]
    d.assignee = _assignee_for(d, assignee, step, unit)
    if unit.pk != d.unit_id:
        # Another unit's hands (inter-agency): it keeps seeing the dossier afterwards. The
        # receiving unit sees it anyway. A replayed dossier in hand writes it when its line
        # ends.
        in_hand = _in_hand(d)
        if in_hand is not None:
            in_hand.units.add(unit.pk)
        else:
            _participate(d, [unit.pk])
    return {
        "step": index,
        "step_name": step["name"],
        "step_unit": unit.code,
        "assignee": d.assignee.get_username() if d.assignee else None,
    }


def dossier_forward(
    *,
    dossier: Dossier,
    actor: User | None,
    assignee: str | None = None,
    version: int | None = None,
    at: dt.datetime | None = None,
    note: str = "",
) -> Dossier:
    """Hand the dossier to the next workflow step (from reception: the first step)."""

    def apply(d: Dossier, at: dt.datetime, kinds: set[Actor]) -> dict[str, Any]:
        index = 0 if d.status == Status.RECEIVED else (d.step_index or 0) + 1
        d.status = Status.PROCESSING
        return _enter_step(d, index, assignee)

    return _act(
        dossier=dossier,
        action=Action.FORWARD,
        actor=actor,
        version=version,
        at=at,
        note=note,
        apply=apply,
    )


def dossier_send_back(
    *,
    dossier: Dossier,
    actor: User | None,
    version: int | None = None,
    at: dt.datetime | None = None,
    note: str = "",
) -> Dossier:
    """Return the dossier to the previous step; from the first step, back to the desk."""

    def apply(d: Dossier, at: dt.datetime, kinds: set[Actor]) -> dict[str, Any]:
        if not d.step_index:
            d.status = Status.RECEIVED
            d.step_index = None
            d.step_unit = None
            d.step_role = ""
            d.assignee = None
            return {"step": None}
        return _enter_step(d, d.step_index - 1, None)

    return _act(
        dossier=dossier,
        action=Action.SEND_BACK,
        actor=actor,
        version=version,
        at=at,
        note=note,
        apply=apply,
    )


def dossier_request_payment(
    *,
    dossier: Dossier,
    actor: User | None,
    amount: int,
    version: int | None = None,
    at: dt.datetime | None = None,
    note: str = "",
) -> Dossier:
    """Ask for the fee or tax (financial obligation); the clock pauses, keeping the working
    time that is left."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise DossierInvalid({"amount": ["Số tiền phải là số nguyên dương (đồng)."]})

    def apply(d: Dossier, at: dt.datetime, kinds: set[Actor]) -> dict[str, Any]:
        calendar = _calendar()
        assert d.due_at is not None
        if at < d.due_at:
            remaining = calendar.working_seconds_between(at, d.due_at)
        else:
            remaining = -calendar.working_seconds_between(d.due_at, at)
        d.status = Status.AWAITING_PAYMENT
        d.paused_at = at
        d.paused_remaining_seconds = remaining
        d.fee_amount = amount
        d.payment_state = PaymentState.REQUESTED
        fees_requested(d, amount)
        return {"amount": amount, "remaining_seconds": remaining}

    return _act(
        dossier=dossier,
        action=Action.REQUEST_PAYMENT,
        actor=actor,
        version=version,
        at=at,
        note=note,
        apply=apply,
    )


def dossier_confirm_payment(
    *,
    dossier: Dossier,
    actor: User | None,
    version: int | None = None,
    at: dt.datetime | None = None,
    note: str = "",
    reference: str = "",
    fee_method: str = "",
    receipt_number: str = "",
) -> Dossier:
    """The fee is paid: processing resumes with the working time that was left. ``fee_method``
    says how it was collected (``FeeMethod``; the desk's default is cash at the counter);
    an online method is what the national portal reads as DuocThanhToanTrucTuyen."""
    if fee_method and fee_method not in FeeMethod.values:
        raise DossierInvalid(
            {"fee_method": [f"Hình thức thu phải là một trong: {', '.join(FeeMethod.values)}."]}
        )
    if not isinstance(receipt_number, str) or len(receipt_number) > 64:
        raise DossierInvalid({"receipt_number": ["Số biên lai tối đa 64 ký tự."]})

    def apply(d: Dossier, at: dt.datetime, kinds: set[Actor]) -> dict[str, Any]:
        remaining = d.paused_remaining_seconds or 0
        if remaining > 0:
            d.due_at = _calendar().add_working_seconds(at, remaining)
        d.status = Status.PROCESSING
        d.paused_at = None
        d.paused_remaining_seconds = None
        d.payment_state = PaymentState.PAID
        d.paid_at = at
        # The applicant confirms only an online payment (CONTRACT §2); the desk, cash.
        online_by_applicant = Actor.APPLICANT in kinds and Actor.DESK not in kinds
        how = fee_method or (FeeMethod.GATEWAY if online_by_applicant else FeeMethod.CASH)
        fees_collected(
            d, method=how, at=at, reference=reference, receipt_number=receipt_number.strip()
        )
        data: dict[str, Any] = {"due_at": _iso(d.due_at), "reference": reference[:100]}
        data["method"] = how
        if how in ONLINE_FEE_METHODS:
            # DuocThanhToanTrucTuyen: 1 the national payment platform, 2 the province's gateway.
            data["online"] = 1 if how == FeeMethod.NATIONAL else 2
        if receipt_number.strip():
            data["receipt_number"] = receipt_number.strip()
        return data

    return _act(
        dossier=dossier,
        action=Action.CONFIRM_PAYMENT,
        actor=actor,
        version=version,
        at=at,
        note=note,
        apply=apply,
    )


def dossier_extend(
    *,
    dossier: Dossier,
    actor: User | None,
    extended_due_at: dt.datetime | None,
    reason: str,
    version: int | None = None,
    at: dt.datetime | None = None,
    note: str = "",
) -> Dossier:
    """Apologise and set a new date (form 04). Timeliness is still judged on ``due_at``."""
    _require(reason, "reason", "Vui lòng nêu lý do gia hạn.")
    if extended_due_at is None or timezone.is_naive(extended_due_at):
        raise DossierInvalid({"extended_due_at": ["Cần ngày hẹn mới, có múi giờ."]})

    def apply(d: Dossier, at: dt.datetime, kinds: set[Actor]) -> dict[str, Any]:
        current = d.extended_due_at or d.due_at
        if extended_due_at <= at or (current is not None and extended_due_at <= current):
            raise DossierInvalid(
                {"extended_due_at": ["Ngày hẹn mới phải sau ngày hẹn hiện tại và sau lúc này."]}
            )
        d.extended_due_at = extended_due_at
        return {"extended_due_at": _iso(extended_due_at), "reason": reason.strip()}

    return _act(
        dossier=dossier,
        action=Action.EXTEND,
        actor=actor,
        version=version,
        at=at,
        note=note,
        apply=apply,
    )


def dossier_stop(
    *,
    dossier: Dossier,
    actor: User | None,
    reason: str,
    version: int | None = None,
    at: dt.datetime | None = None,
    note: str = "",
) -> Dossier:
    """A leader stops processing (form 05)."""
    _require(reason, "reason", "Vui lòng nêu lý do dừng xử lý.")

    def apply(d: Dossier, at: dt.datetime, kinds: set[Actor]) -> dict[str, Any]:
        d.status = Status.STOPPED
        return {"reason": reason.strip()}

    return _act(
        dossier=dossier,
        action=Action.STOP,
        actor=actor,
        version=version,
        at=at,
        note=note,
        apply=apply,
    )


def dossier_resolve(
    *,
    dossier: Dossier,
    actor: User | None,
    outcome: str = Outcome.GRANTED,
    reason: str = "",
    version: int | None = None,
    at: dt.datetime | None = None,
    note: str = "",
) -> Dossier:
    """The holder of the last step resolves: resolved_at and timeliness (CONTRACT.md §3)."""
    if outcome not in Outcome.values:
        raise DossierInvalid({"outcome": ["Kết quả phải là granted hoặc denied."]})
    if outcome == Outcome.DENIED:
        _require(reason, "reason", "Vui lòng nêu lý do không giải quyết.")

    def apply(d: Dossier, at: dt.datetime, kinds: set[Actor]) -> dict[str, Any]:
        assert d.due_at is not None
        d.status = Status.RESOLVED
        d.resolved_at = at
        d.timeliness = timeliness_of(at, d.due_at)
        d.outcome = outcome
        return {"outcome": outcome, "reason": reason.strip(), "timeliness": d.timeliness}

    return _act(
        dossier=dossier,
        action=Action.RESOLVE,
        actor=actor,
        version=version,
        at=at,
        note=note,
        apply=apply,
    )


def dossier_return(
    *,
    dossier: Dossier,
    actor: User | None,
    method: str,
    version: int | None = None,
    at: dt.datetime | None = None,
    note: str = "",
) -> Dossier:
    """The desk returns the result: at the counter, by post or online."""
    if method not in ReturnMethod.values:
        raise DossierInvalid({"method": ["Cách trả phải là counter, post hoặc online."]})

    def apply(d: Dossier, at: dt.datetime, kinds: set[Actor]) -> dict[str, Any]:
        d.status = Status.RETURNED
        d.returned_at = at
        d.return_method = method
        return {"method": method}

    return _act(
        dossier=dossier,
        action=Action.RETURN,
        actor=actor,
        version=version,
        at=at,
        note=note,
        apply=apply,
    )


def dossier_withdraw(
    *,
    dossier: Dossier,
    actor: User | None,
    version: int | None = None,
    at: dt.datetime | None = None,
    note: str = "",
) -> Dossier:
    """The applicant withdraws the dossier (or the desk records their written request)."""

    def apply(d: Dossier, at: dt.datetime, kinds: set[Actor]) -> dict[str, Any]:
        d.status = Status.WITHDRAWN
        return {}

    return _act(
        dossier=dossier,
        action=Action.WITHDRAW,
        actor=actor,
        version=version,
        at=at,
        note=note,
        apply=apply,
    )


def dossier_assign(
    *,
    dossier: Dossier,
    actor: User | None,
    assignee: str | None,
    version: int | None = None,
    at: dt.datetime | None = None,
    note: str = "",
) -> Dossier:
    """A leader or unit administrator assigns the current step to an officer (or clears it)."""

    def apply(d: Dossier, at: dt.datetime, kinds: set[Actor]) -> dict[str, Any]:
        step = current_step(d)
        if step is None or d.step_unit is None:
            raise DossierInvalid({"assignee": ["Hồ sơ chưa ở bước xử lý nào."]})
        d.assignee = _assignee_for(d, assignee, step, d.step_unit)
        return {"assignee": d.assignee.get_username() if d.assignee else None}

    return _act(
        dossier=dossier,
        action=Action.ASSIGN,
        actor=actor,
        version=version,
        at=at,
        note=note,
        apply=apply,
    )


def dossier_correct(
    *,
    dossier: Dossier,
    actor: User | None,
    reason: str,
    upload: Any = None,
    file_name: str | None = None,
    version: int | None = None,
    at: dt.datetime | None = None,
    note: str = "",
) -> Dossier:
    """A leader issues a corrected result (đính chính) of a returned dossier, with the
    reason. The corrected file, when given, becomes the current result; the earlier one
    stays in the record, marked superseded, and both stay in the history. The applicant is
    told (the notification of the ``correct`` action)."""
    _require(reason, "reason", "Vui lòng nêu lý do đính chính.")

    def apply(d: Dossier, at: dt.datetime, kinds: set[Actor]) -> dict[str, Any]:
        from motcua.dossiers.attachments import attachment_add
        from motcua.dossiers.models import Attachment, AttachmentKind

        previous = list(
            Attachment.objects.filter(
                dossier=d, kind=AttachmentKind.RESULT, superseded_at__isnull=True
            ).order_by("id")
        )
        corrections = _events_stored(d).filter(action=Action.CORRECT.value).count()
        data: dict[str, Any] = {
            "reason": reason.strip(),
            "correction_number": corrections + 1,
            "supersedes": [a.pk for a in previous],
        }
        if upload is not None:
            corrected = attachment_add(
                dossier=d,
                actor=actor,
                upload=upload,
                name=file_name or getattr(upload, "name", None),
                kind=AttachmentKind.RESULT,
                correction=True,
            )
            Attachment.objects.filter(pk__in=[a.pk for a in previous]).update(superseded_at=at)
            if previous:
                corrected.corrects = previous[-1]
                corrected.save(update_fields=["corrects"])
            data["attachment"] = corrected.pk
            data["attachment_name"] = corrected.name
            data["sha256"] = corrected.sha256
        return data

    return _act(
        dossier=dossier,
        action=Action.CORRECT,
        actor=actor,
        version=version,
        at=at,
        note=note,
        apply=apply,
    )


ACTION_SERVICES: dict[Action, Callable[..., Dossier]] = {
    Action.ACCEPT: dossier_accept,
    Action.REFUSE: dossier_refuse,
    Action.REQUEST_SUPPLEMENT: dossier_request_supplement,
    Action.SUPPLEMENT: dossier_supplement,
    Action.FORWARD: dossier_forward,
    Action.SEND_BACK: dossier_send_back,
    Action.REQUEST_PAYMENT: dossier_request_payment,
    Action.CONFIRM_PAYMENT: dossier_confirm_payment,
    Action.EXTEND: dossier_extend,
    Action.STOP: dossier_stop,
    Action.RESOLVE: dossier_resolve,
    Action.RETURN: dossier_return,
    Action.WITHDRAW: dossier_withdraw,
    Action.ASSIGN: dossier_assign,
    Action.CORRECT: dossier_correct,
}
# The inputs each action takes besides version, at and note.
ACTION_PARAMS: dict[Action, tuple[str, ...]] = {
    Action.ACCEPT: (),
    Action.REFUSE: ("reason",),
    Action.REQUEST_SUPPLEMENT: ("items", "deadline"),
    Action.SUPPLEMENT: (),
    Action.FORWARD: ("assignee",),
    Action.SEND_BACK: (),
    Action.REQUEST_PAYMENT: ("amount",),
    Action.CONFIRM_PAYMENT: ("reference", "fee_method", "receipt_number"),
    Action.EXTEND: ("extended_due_at", "reason"),
    Action.STOP: ("reason",),
    Action.RESOLVE: ("outcome", "reason"),
    Action.RETURN: ("method",),
    Action.WITHDRAW: (),
    Action.ASSIGN: ("assignee",),
    Action.CORRECT: ("reason", "upload", "file_name"),
}


def dossier_act(
    *,
    dossier: Dossier,
    action: Action,
    actor: User | None,
    params: dict[str, Any],
    version: int | None = None,
    at: dt.datetime | None = None,
    note: str = "",
) -> Dossier:
    """Dispatch one action by name with already-typed parameters (API and import)."""
    service = ACTION_SERVICES[action]
    kwargs = {name: params[name] for name in ACTION_PARAMS[action] if name in params}
    required = {
        Action.REFUSE: "reason",
        Action.REQUEST_SUPPLEMENT: "items",
        Action.REQUEST_PAYMENT: "amount",
        Action.EXTEND: "extended_due_at",
        Action.STOP: "reason",
        Action.RETURN: "method",
        Action.CORRECT: "reason",
    }
    needed = required.get(action)
    if needed and needed not in kwargs:
        raise DossierInvalid({needed: ["Trường này là bắt buộc."]})
    if action == Action.EXTEND and "reason" not in kwargs:
        raise DossierInvalid({"reason": ["Trường này là bắt buộc."]})
    if action == Action.ASSIGN:
        kwargs.setdefault("assignee", None)
    return service(dossier=dossier, actor=actor, version=version, at=at, note=note, **kwargs)
