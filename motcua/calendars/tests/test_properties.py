"""Invariants of due() under hypothesis (issue 3), for d > 0; same-day has its own rule."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.calendars.selectors import working_calendar
from motcua.calendars.tests.conftest import package_calendar
from motcua.calendars.tests.reference import reference_between, reference_due
from motcua.calendars.workingtime import WorkingCalendar

# derandomize: the same examples on every run, so CI never flakes.
FAST = settings(max_examples=200, deadline=None, derandomize=True)

BASE = package_calendar()
FIRST, LAST = date(2026, 1, 1), date(2028, 12, 31)
ZONES = [ZoneInfo("Asia/Ho_Chi_Minh"), ZoneInfo("UTC"), ZoneInfo("Europe/Paris")]

starts = st.datetimes(
    min_value=datetime(2026, 1, 1),
    max_value=datetime(2027, 12, 31),
    timezones=st.sampled_from(ZONES),
).map(lambda moment: moment.replace(microsecond=0))
# Two decimal places keep d × 8 h a whole number of seconds, so sums are exact.
day_counts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(60), places=2)
dates = st.dates(min_value=FIRST, max_value=LAST)


@st.composite
def calendars(draw: st.DrawFn) -> WorkingCalendar:
    """The package's calendar with extra random holidays and make-up Saturdays."""
    extra_holidays = draw(st.sets(dates, max_size=30))
    near = {day + timedelta(days=5 - day.weekday()) for day in draw(st.sets(dates, max_size=6))}
    saturdays = {day for day in near if day <= LAST}
    return BASE.with_days(
        holidays=dict.fromkeys(extra_holidays - saturdays, "Nghỉ thêm"),
        workdays=dict.fromkeys(saturdays, "Làm bù"),
    )


def _in_working_time_or_at_a_session_end(cal: WorkingCalendar, moment: datetime) -> bool:
    local = moment.astimezone(cal.tz)
    if not cal.is_working_day(local.date()):
        return False
    return any(begin < local.time() <= end for begin, end in cal.sessions)


@FAST
@given(cal=calendars(), start=starts, days=day_counts)
def test_working_time_to_due_is_exactly_d_times_8_hours(
    cal: WorkingCalendar, start: datetime, days: Decimal
) -> None:
    due_at = cal.due(start, days)
    assert cal.working_seconds_between(start, due_at) == days * 8 * 3600
    assert reference_between(cal, start, due_at) == days * 8 * 3600


@FAST
@given(cal=calendars(), start=starts, days=day_counts)
def test_due_equals_the_naive_reference(
    cal: WorkingCalendar, start: datetime, days: Decimal
) -> None:
    assert cal.due(start, days) == reference_due(cal, start, days)


@FAST
@given(cal=calendars(), start=starts, cutoff=st.times(min_value=time(7), max_value=time(17)))
def test_same_day_rule_equals_the_naive_reference(
    cal: WorkingCalendar, start: datetime, cutoff: time
) -> None:
    due_at = cal.due(start, 0, cutoff=cutoff)
    assert due_at == reference_due(cal, start, 0, cutoff=cutoff)
    assert due_at.time() == time(17)
    assert cal.is_working_day(due_at.date())
    assert due_at > start


@FAST
@given(cal=calendars(), start=starts, days=day_counts)
def test_due_is_inside_working_time_or_at_a_session_end(
    cal: WorkingCalendar, start: datetime, days: Decimal
) -> None:
    assert _in_working_time_or_at_a_session_end(cal, cal.due(start, days))


@FAST
@given(
    cal=calendars(),
    start=starts,
    later=st.integers(min_value=0, max_value=20 * 86400),
    days=day_counts,
    more=st.decimals(min_value=Decimal(0), max_value=Decimal(30), places=2),
)
def test_due_never_decreases_when_start_or_days_grow(
    cal: WorkingCalendar, start: datetime, later: int, days: Decimal, more: Decimal
) -> None:
    assert cal.due(start + timedelta(seconds=later), days) >= cal.due(start, days)
    assert cal.due(start, days + more) >= cal.due(start, days)


@FAST
@given(cal=calendars(), start=starts, a=day_counts, b=day_counts)
def test_due_of_a_due_adds_up(
    cal: WorkingCalendar, start: datetime, a: Decimal, b: Decimal
) -> None:
    assert cal.due(cal.due(start, a), b) == cal.due(start, a + b)


@FAST
@given(cal=calendars(), start=starts, days=day_counts, holiday=dates)
def test_adding_a_holiday_never_makes_a_due_earlier(
    cal: WorkingCalendar, start: datetime, days: Decimal, holiday: date
) -> None:
    with_holiday = cal.with_days(holidays={holiday: "Nghỉ đột xuất"})
    assert with_holiday.due(start, days) >= cal.due(start, days)


@FAST
@given(
    cal=calendars(),
    start=starts,
    pause_after=st.integers(min_value=0, max_value=40 * 3600),
    pause_for=st.integers(min_value=0, max_value=30 * 86400),
    days=day_counts,
)
def test_pause_and_resume_keep_the_working_time(
    cal: WorkingCalendar, start: datetime, pause_after: int, pause_for: int, days: Decimal
) -> None:
    due_at = cal.due(start, days)
    paused = start + timedelta(seconds=pause_after)
    remaining = cal.working_seconds_between(paused, due_at)
    resumed = paused + timedelta(seconds=pause_for)
    new_due = cal.add_working_seconds(resumed, remaining)
    assert cal.working_seconds_between(resumed, new_due) == remaining
    if paused <= due_at:
        spent = cal.working_seconds_between(start, paused)
        assert spent + remaining == days * 8 * 3600
        assert new_due >= due_at


@pytest.mark.django_db
@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(start=starts, days=day_counts, b=day_counts)
def test_properties_hold_on_the_calendar_from_the_database(
    start: datetime, days: Decimal, b: Decimal
) -> None:
    cal = working_calendar()  # the seeded table of this SQLite or PostgreSQL run
    due_at = cal.due(start, days)
    assert cal.working_seconds_between(start, due_at) == days * 8 * 3600
    assert _in_working_time_or_at_a_session_end(cal, due_at)
    assert cal.due(due_at, b) == cal.due(start, days + b)
    assert due_at == reference_due(cal, start, days)
