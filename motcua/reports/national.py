"""Decision 766 indicator 2.1 as the national portal computes it, kept in the summary, and
the per-dossier facts behind the cohort indicators (2.2, 3.6). See reference/766-indicators.md
and docs/statistics.md ("The national readings").

2.1 = dossiers done or in progress on time ÷ dossiers received or processed in the period.
Each dossier has a national *processing interval*: it starts when the dossier is received
(or, for a dossier refused before reception, at the refusal) and ends at the first of
resolved, stopped, withdrawn (only after reception) or refused. A dossier counts in period
[F, T] when its interval meets the period, i.e. it either ended in the period or is still
open at the end of T. So, from the summary:

- ``nat_ended``, ``nat_ended_on_time``: flows on the local date the interval ended, with the
  on-time verdict of the end;
- ``nat_active`` (open, not waiting for a supplement) with ``nat_overdue`` scheduled like the
  §6 ``overdue`` stock on the local date of its *threshold* (due time + time waited for the
  citizen: end − wait ≤ due ⟺ end ≤ due + wait), judged at the end of T;
- ``nat_waiting`` and ``nat_waiting_on_time``: open and waiting for a supplement; the verdict
  is fixed when the request is made (the request time is its end; a second request makes it
  late).

denominator = nat_ended(period) + nat_active(T) + nat_waiting(T);
numerator = nat_ended_on_time(period) + nat_active(T) − nat_overdue(T) + nat_waiting_on_time(T).

Every delta falls on the day of its event or later, so a past period never changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from motcua.calendars.workingtime import WorkingCalendar
from motcua.dossiers.models import Status

NAT_FLOWS = ("nat_ended", "nat_ended_on_time")
NAT_STOCKS = ("nat_active", "nat_overdue", "nat_waiting", "nat_waiting_on_time")
ENDING = frozenset({Status.RESOLVED, Status.STOPPED, Status.WITHDRAWN, Status.REFUSED})

Change = tuple[dt.date, int, str, int]  # as in summary: (day, officer, column, ±n)
LocalDay = Callable[[dt.datetime], dt.date]


@dataclass(frozen=True)
class NatContribution:
    """An open dossier's part in the 2.1 stocks."""

    waiting: bool
    threshold_day: dt.date | None = None  # active: late at the end of any day ≥ this
    on_time: bool = False  # waiting: the verdict fixed at the request

    def stocks(self) -> list[str]:
        if self.waiting:
            return ["nat_waiting", "nat_waiting_on_time"] if self.on_time else ["nat_waiting"]
        return ["nat_active"]


@dataclass
class Fact:
    """What the cohort indicators need of one received dossier; every field is set once."""

    received_day: dt.date
    resolved_day: dt.date | None = None
    resolution_seconds: int | None = None  # working time, net of supplement waits
    paid_online_day: dt.date | None = None


@dataclass
class _Clock:
    """Supplement requests and waits counted from one start (reception, or submission for
    a dossier refused before reception)."""

    waited: dt.timedelta = dt.timedelta(0)
    waited_working: int = 0
    requests: int = 0
    waiting_since: dt.datetime | None = None

    def verdict_waiting(self, due: dt.datetime) -> bool:
        assert self.waiting_since is not None
        return self.requests <= 1 and self.waiting_since - self.waited <= due


@dataclass
class NationalReplay:
    """Walks one dossier's events in order; ``step`` returns the deltas of each event."""

    local_day: LocalDay
    calendar: Callable[[], WorkingCalendar]
    applicant_user_id: int | None = None
    days: Decimal | None = None
    cutoff: dt.time | None = None
    status: str = ""
    submitted_at: dt.datetime | None = None
    received_at: dt.datetime | None = None
    due: dt.datetime | None = None
    ended: bool = False
    since_submission: _Clock = field(default_factory=_Clock)
    since_reception: _Clock = field(default_factory=_Clock)
    current: NatContribution | None = None
    fact: Fact | None = None

    def step(self, event: dict[str, Any]) -> list[Change]:
        at: dt.datetime = event["at"]
        to = event["to_status"]
        data = event.get("data") or {}
        before = self.status
        changes: list[Change] = []
        if self.submitted_at is None:
            self.submitted_at = at
        if data.get("due_at"):
            self.due = dt.datetime.fromisoformat(data["due_at"])
        if to == Status.RECEIVED and self.received_at is None:
            self.received_at = at
            self.fact = Fact(received_day=self.local_day(at))
        clocks = [self.since_submission] + ([self.since_reception] if self.received_at else [])
        if to == Status.SUPPLEMENT_REQUESTED and before != Status.SUPPLEMENT_REQUESTED:
            for c in clocks:
                c.requests += 1
                c.waiting_since = at
        elif before == Status.SUPPLEMENT_REQUESTED and to not in ENDING:
            for c in clocks:
                if c.waiting_since is not None:
                    c.waited += at - c.waiting_since
                    c.waited_working += self.calendar().working_seconds_between(c.waiting_since, at)
                    c.waiting_since = None
        if (
            event["action"] == "confirm-payment"
            and self.fact is not None
            and self.fact.paid_online_day is None
            and (
                # DuocThanhToanTrucTuyen as the payment recorded it (1 national platform,
                # 2 the province's gateway); before fee methods, the applicant's own confirm.
                data.get("online") in (1, 2)
                or (
                    "online" not in data
                    and data.get("method") in (None, "national", "gateway")
                    and event.get("actor_id") is not None
                    and event.get("actor_id") == self.applicant_user_id
                )
            )
        ):
            self.fact.paid_online_day = self.local_day(at)
        day = self.local_day(at)
        new: NatContribution | None = None
        if not self.ended and to in ENDING and (self.received_at is not None or to == "refused"):
            self.ended = True
            on_time = self._on_time_at_end(at, before)
            changes.append((day, 0, "nat_ended", 1))
            if on_time:
                changes.append((day, 0, "nat_ended_on_time", 1))
            if to == Status.RESOLVED and self.fact is not None and self.received_at is not None:
                self.fact.resolved_day = day
                self.fact.resolution_seconds = max(
                    0,
                    self.calendar().working_seconds_between(self.received_at, at)
                    - self.since_reception.waited_working,
                )
        elif not self.ended and self.received_at is not None and self.due is not None:
            if to == Status.SUPPLEMENT_REQUESTED:
                new = NatContribution(True, on_time=self.since_reception.verdict_waiting(self.due))
            else:
                threshold = self.due + self.since_reception.waited
                new = NatContribution(False, threshold_day=self.local_day(threshold))
        changes[:0] = _stock_changes(self.current, new, day)
        self.current = new
        self.status = to
        return changes

    def _on_time_at_end(self, at: dt.datetime, before: str) -> bool:
        if self.received_at is not None and self.due is not None:
            clock, due = self.since_reception, self.due
        else:
            # Refused before reception: no due time, so the procedure's maximum time from
            # submission stands in for it (reference: "without a due time").
            assert self.submitted_at is not None
            clock = self.since_submission
            days = self.days or Decimal(0)
            due = self.calendar().due(self.submitted_at, days, cutoff=self.cutoff)
        if before == Status.SUPPLEMENT_REQUESTED and clock.waiting_since is not None:
            return clock.verdict_waiting(due)
        return at - clock.waited <= due


def _stock_changes(
    old: NatContribution | None, new: NatContribution | None, day: dt.date
) -> list[Change]:
    if old == new:
        return []
    out: list[Change] = []
    for c, sign in ((old, -1), (new, 1)):
        if c is None:
            continue
        for name in c.stocks():
            out.append((day, 0, name, sign))
        if not c.waiting and c.threshold_day is not None:
            out.append((max(c.threshold_day, day), 0, "nat_overdue", sign))
    return out


def national_replay(
    events: Iterable[dict[str, Any]],
    *,
    local_day: LocalDay,
    calendar: Callable[[], WorkingCalendar],
    applicant_user_id: int | None,
    days: Decimal | None,
    cutoff: dt.time | None,
) -> tuple[list[list[Change]], Fact | None]:
    """The 2.1 deltas of each event of one dossier, and its final fact."""
    walker = NationalReplay(
        local_day=local_day,
        calendar=calendar,
        applicant_user_id=applicant_user_id,
        days=days,
        cutoff=cutoff,
    )
    per_event = [walker.step(e) for e in events]
    return per_event, walker.fact
