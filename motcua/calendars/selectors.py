"""Reads of the working-time calendar.

``working_calendar()`` is what every deadline uses. Building it reads the whole table,
so each process keeps the last one built together with a *stamp* of the table (the
newest change and the row count, one indexed aggregate query). A change made by any
server process moves the stamp, so every process rebuilds on its next call: the check
costs one small query, never a read of the table.
"""

from __future__ import annotations

import calendar as pycalendar
import threading
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Max, QuerySet

from motcua.calendars.models import CalendarDay, DayKind
from motcua.calendars.workingtime import VN_TZ, WEEKDAYS_VI, WorkingCalendar, parse_sessions

_lock = threading.Lock()
_cached: tuple[tuple[object, ...], WorkingCalendar] | None = None


@lru_cache(maxsize=4)
def _sessions(text: str) -> tuple[tuple[time, time], ...]:
    try:
        sessions = parse_sessions(text)
        WorkingCalendar(sessions=sessions)  # validates order and overlap
    except ValueError as exc:
        raise ImproperlyConfigured(f"MOTCUA_WORK_SESSIONS: {exc}") from exc
    return sessions


def calendar_stamp() -> tuple[object, ...]:
    """What changes whenever the table or the sessions change: one aggregate query."""
    stamp = CalendarDay.objects.aggregate(latest=Max("updated_at"), count=Count("id"))
    return (stamp["latest"], stamp["count"], settings.MOTCUA_WORK_SESSIONS)


def working_calendar_build() -> WorkingCalendar:
    """A calendar from the table and the configured sessions, uncached."""
    holidays: dict[date, str] = {}
    workdays: dict[date, str] = {}
    for day, kind, name in CalendarDay.objects.values_list("date", "kind", "name"):
        (holidays if kind == DayKind.HOLIDAY else workdays)[day] = name
    return WorkingCalendar(
        sessions=_sessions(settings.MOTCUA_WORK_SESSIONS),
        holidays=holidays,
        workdays=workdays,
        tz=VN_TZ,
    )


def working_calendar() -> WorkingCalendar:
    """The current working calendar (CONTRACT.md §3), rebuilt only when the table changed."""
    global _cached
    stamp = calendar_stamp()
    cached = _cached
    if cached is not None and cached[0] == stamp:
        return cached[1]
    # The stamp is read before the rows: a change in between only costs one more rebuild.
    built = working_calendar_build()
    with _lock:
        _cached = (stamp, built)
    return built


def calendar_day_list(*, year: int | None = None, kind: str | None = None) -> QuerySet[CalendarDay]:
    days = CalendarDay.objects.select_related("updated_by").order_by("date")
    if year is not None:
        days = days.filter(date__gte=date(year, 1, 1), date__lte=date(year, 12, 31))
    if kind:
        days = days.filter(kind=kind)
    return days


@dataclass(frozen=True)
class DayCell:
    day: date
    in_month: bool
    working: bool
    mark: str  # "holiday", "workday", "weekend" or ""
    name: str

    @property
    def weekday(self) -> str:
        return WEEKDAYS_VI[self.day.weekday()]


@dataclass(frozen=True)
class MonthGrid:
    year: int
    month: int
    weeks: list[list[DayCell]]

    @property
    def title(self) -> str:
        return f"Tháng {self.month}"


def calendar_year_grid(*, year: int, cal: WorkingCalendar | None = None) -> list[MonthGrid]:
    """Twelve month grids (weeks from Monday) with every day's status, for the admin page
    and ``motcua calendar show``."""
    cal = cal or working_calendar()
    weeks_of = pycalendar.Calendar(firstweekday=0)
    months = []
    for month in range(1, 13):
        weeks = []
        for week in weeks_of.monthdatescalendar(year, month):
            cells = []
            for day in week:
                if day in cal.workdays:
                    mark, name = "workday", cal.workdays[day]
                elif day in cal.holidays:
                    mark, name = "holiday", cal.holidays[day]
                elif not cal.is_working_day(day):
                    mark, name = "weekend", ""
                else:
                    mark, name = "", ""
                cells.append(DayCell(day, day.month == month, cal.is_working_day(day), mark, name))
            weeks.append(cells)
        months.append(MonthGrid(year, month, weeks))
    return months


def local_now() -> datetime:
    return datetime.now(VN_TZ)
