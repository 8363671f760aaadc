"""A naive reference of the working-time rules: walks day by day, session by session.

It is the oracle of the tests and the baseline of ``bench/bench_due.py``. It shares
nothing with the fast implementation but the calendar's days, sessions and zone, so
a mistake in the precomputed tables cannot hide in both. Pure Python, no Django.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal

from motcua.calendars.workingtime import DEFAULT_CUTOFF, WorkingCalendar


def _seconds(value: time) -> float:
    return value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6


def _at(cal: WorkingCalendar, day: date, seconds: float) -> datetime:
    midnight = datetime(day.year, day.month, day.day, tzinfo=cal.tz)
    return midnight + timedelta(seconds=seconds)


def reference_add(cal: WorkingCalendar, start: datetime, seconds: int) -> datetime:
    """Consume ``seconds`` of working time session by session from ``start``."""
    local = start.astimezone(cal.tz)
    if seconds == 0:
        return local
    day = local.date()
    now = _seconds(local.time())
    remaining = seconds
    while True:
        if cal.is_working_day(day):
            for begin, end in cal.sessions:
                begin_s, end_s = _seconds(begin), _seconds(end)
                start_s = max(begin_s, now)
                if start_s >= end_s:
                    continue
                taken = min(end_s - start_s, remaining)
                remaining -= taken
                if remaining == 0:
                    return _at(cal, day, start_s + taken)
        day += timedelta(days=1)
        now = 0


def reference_between(cal: WorkingCalendar, a: datetime, b: datetime) -> int:
    """Sum the overlap of ``[a, b]`` with every session of every working day."""
    if b <= a:
        return 0
    a_local, b_local = a.astimezone(cal.tz), b.astimezone(cal.tz)
    total = 0.0
    day = a_local.date()
    while day <= b_local.date():
        if cal.is_working_day(day):
            low = _seconds(a_local.time()) if day == a_local.date() else 0.0
            high = _seconds(b_local.time()) if day == b_local.date() else 86400.0
            for begin, end in cal.sessions:
                overlap = min(high, _seconds(end)) - max(low, _seconds(begin))
                if overlap > 0:
                    total += overlap
        day += timedelta(days=1)
    return int(round(total, 6) // 1)


def reference_due(
    cal: WorkingCalendar,
    start: datetime,
    days: Decimal | int | float,
    *,
    cutoff: time | None = None,
) -> datetime:
    """CONTRACT.md §3 read literally."""
    value = Decimal(str(days))
    if value < 0 or value > 365:
        raise ValueError("days out of range")
    seconds = int((value * cal.day_seconds).to_integral_value(rounding=ROUND_CEILING))
    if seconds > 0:
        return reference_add(cal, start, seconds)
    local = start.astimezone(cal.tz)
    day = local.date()
    if not (cal.is_working_day(day) and local.time() <= (cutoff or DEFAULT_CUTOFF)):
        day += timedelta(days=1)
        while not cal.is_working_day(day):
            day += timedelta(days=1)
    end = cal.sessions[-1][1]
    return datetime.combine(day, end, tzinfo=cal.tz)
