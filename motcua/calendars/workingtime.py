"""Working-time arithmetic (CONTRACT.md §3): pure Python, no database, no Django.

A :class:`WorkingCalendar` knows the daily sessions, the holidays and the make-up
working days. Every computation maps an instant to a *working-time coordinate*:
the working microseconds elapsed since 1 January of its year. Per year the calendar
builds, once and lazily, the cumulative working time at the start of each day; an
instant's coordinate is then one table lookup plus the part of its own day, and the
inverse (the instant at which a coordinate is reached) is one bisection. So a 60-day
deadline costs the same as a 1-day one.

Times are wall-clock times in the calendar's zone (Asia/Ho_Chi_Minh has had no
daylight saving since 1975): sessions are what the office clock shows.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any, Literal
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_SESSIONS: tuple[tuple[time, time], ...] = (
    (time(7, 30), time(11, 30)),
    (time(13, 0), time(17, 0)),
)
DEFAULT_CUTOFF = time(15, 0)
MAX_DAYS = 365
WEEKEND = frozenset({5, 6})  # Saturday, Sunday (date.weekday())
WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")

_US = 1_000_000
_DAY_US = 86_400 * _US

Days = Decimal | int | float


def _tod_us(value: time) -> int:
    return ((value.hour * 60 + value.minute) * 60 + value.second) * _US + value.microsecond


def parse_sessions(text: str) -> tuple[tuple[time, time], ...]:
    """Parse ``"07:30-11:30,13:00-17:00"`` (the ``MOTCUA_WORK_SESSIONS`` setting)."""
    sessions = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            begin, end = (time.fromisoformat(item.strip()) for item in part.split("-"))
        except ValueError as exc:
            raise ValueError(f"bad working session {part!r}; expected HH:MM-HH:MM") from exc
        sessions.append((begin, end))
    return tuple(sessions)


def parse_days(days: Days | str) -> Decimal:
    """A number of working days as a Decimal; ValueError when negative, over 365 or not a number."""
    if isinstance(days, bool):
        raise ValueError("days must be a number")
    try:
        # str() first: a float like 0.1 means the decimal 0.1, not its binary neighbour.
        value = days if isinstance(days, Decimal) else Decimal(str(days))
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"days must be a number, not {days!r}") from exc
    if not value.is_finite():
        raise ValueError("days must be a finite number")
    if value < 0:
        raise ValueError("days must not be negative")
    if value > MAX_DAYS:
        raise ValueError(f"days must not exceed {MAX_DAYS}")
    return value


@dataclass(frozen=True, slots=True)
class _Year:
    """Working time of one calendar year, precomputed."""

    first: date
    working: tuple[bool, ...]
    cum: tuple[int, ...]  # cum[i] = working µs before day i; len(cum) == days in year + 1

    @property
    def total(self) -> int:
        return self.cum[-1]


@dataclass(frozen=True, slots=True)
class SkippedDay:
    day: date
    reason: Literal["weekend", "holiday"]
    name: str = ""


@dataclass(frozen=True, slots=True)
class CountedWorkday:
    day: date
    name: str = ""


def _fmt_day(day: date) -> str:
    return f"{WEEKDAYS_VI[day.weekday()]} {day:%d/%m/%Y}"


def _fmt_instant(moment: datetime) -> str:
    return f"{moment:%H:%M} {_fmt_day(moment.date())}"


def _fmt_number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.replace(".", ",")  # Vietnamese decimal comma


def _fmt_duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes = rest // 60
    if minutes:
        return f"{hours} giờ {minutes} phút"
    return f"{hours} giờ"


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a due time is what it is: the effective start and every day skipped or counted."""

    start: datetime
    effective_start: datetime
    days: Decimal
    working_seconds: int
    same_day: bool
    cutoff: time | None
    due_at: datetime
    skipped: tuple[SkippedDay, ...]
    workdays: tuple[CountedWorkday, ...]

    def lines_vi(self) -> list[str]:
        """Vietnamese sentences for the UI, in date order."""
        lines = [f"Tiếp nhận lúc {_fmt_instant(self.start)}."]
        if self.same_day:
            assert self.cutoff is not None
            lines.append(
                f"Thủ tục giải quyết trong ngày: tiếp nhận trong ngày làm việc đến "
                f"{self.cutoff:%H:%M} thì trả trong ngày, sau đó thì trả vào cuối ngày "
                f"làm việc tiếp theo."
            )
        else:
            if self.effective_start != self.start:
                lines.append(
                    f"Ngoài giờ làm việc: bắt đầu tính từ {_fmt_instant(self.effective_start)}."
                )
            lines.append(
                f"Thời hạn giải quyết: {_fmt_number(self.days)} ngày làm việc "
                f"({_fmt_duration(self.working_seconds)} làm việc)."
            )
        events: list[tuple[date, str]] = []
        for skipped in self.skipped:
            if skipped.reason == "weekend":
                reason = "ngày nghỉ cuối tuần"
            else:
                reason = f"ngày nghỉ lễ: {skipped.name}" if skipped.name else "ngày nghỉ lễ"
            events.append((skipped.day, f"Bỏ qua {_fmt_day(skipped.day)} ({reason})."))
        for workday in self.workdays:
            suffix = f" ({workday.name})" if workday.name else ""
            events.append((workday.day, f"Tính {_fmt_day(workday.day)} là ngày làm bù{suffix}."))
        lines += [text for _day, text in sorted(events, key=lambda item: item[0])]
        lines.append(f"Hạn trả kết quả: {_fmt_instant(self.due_at)}.")
        return lines

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form (ISO 8601 strings with offset)."""
        return {
            "start": self.start.isoformat(),
            "effective_start": self.effective_start.isoformat(),
            "days": float(self.days) if self.days % 1 else int(self.days),
            "working_seconds": self.working_seconds,
            "same_day": self.same_day,
            "cutoff": self.cutoff.strftime("%H:%M") if self.cutoff else None,
            "due_at": self.due_at.isoformat(),
            "skipped": [
                {"date": s.day.isoformat(), "reason": s.reason, "name": s.name}
                for s in self.skipped
            ],
            "workdays": [{"date": w.day.isoformat(), "name": w.name} for w in self.workdays],
            "lines": self.lines_vi(),
        }


class WorkingCalendar:
    """Sessions, holidays and make-up working days; immutable once built.

    ``holidays`` are dates off work (named), ``workdays`` are dates worked although
    they would not be (make-up Saturdays, named). A date in both is an error.
    """

    __slots__ = (
        "_day_us",
        "_holidays",
        "_sessions",
        "_sessions_us",
        "_tz",
        "_workdays",
        "_years",
    )
    _day_us: int
    _holidays: Mapping[date, str]
    _sessions: tuple[tuple[time, time], ...]
    _sessions_us: tuple[tuple[int, int], ...]
    _tz: ZoneInfo
    _workdays: Mapping[date, str]
    _years: dict[int, _Year]

    def __init__(
        self,
        *,
        sessions: tuple[tuple[time, time], ...] = DEFAULT_SESSIONS,
        holidays: Mapping[date, str] | None = None,
        workdays: Mapping[date, str] | None = None,
        tz: ZoneInfo = VN_TZ,
    ) -> None:
        sessions = tuple((begin, end) for begin, end in sessions)
        if not sessions:
            raise ValueError("at least one working session is needed")
        spans = [(_tod_us(begin), _tod_us(end)) for begin, end in sessions]
        previous_end = -1
        for (begin_us, end_us), (begin, end) in zip(spans, sessions, strict=True):
            if begin.tzinfo is not None or end.tzinfo is not None:
                raise ValueError("sessions are local wall-clock times without a time zone")
            if begin_us >= end_us:
                raise ValueError(f"session {begin:%H:%M}-{end:%H:%M} ends before it begins")
            if begin_us < previous_end:
                raise ValueError("sessions must be in order and must not overlap")
            previous_end = end_us
        holidays = dict(holidays or {})
        workdays = dict(workdays or {})
        both = sorted(set(holidays) & set(workdays))
        if both:
            listed = ", ".join(day.isoformat() for day in both)
            raise ValueError(f"a date cannot be both a holiday and a workday: {listed}")
        set_ = object.__setattr__
        set_(self, "_sessions", sessions)
        set_(self, "_sessions_us", tuple(spans))
        set_(self, "_day_us", sum(end - begin for begin, end in spans))
        set_(self, "_holidays", MappingProxyType(holidays))
        set_(self, "_workdays", MappingProxyType(workdays))
        set_(self, "_tz", tz)
        # The only mutable state: a cache of derived per-year tables. Building the same
        # year twice from two threads gives equal tables, so no lock is needed.
        set_(self, "_years", {})

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("WorkingCalendar is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("WorkingCalendar is immutable")

    def __repr__(self) -> str:
        sessions = ",".join(f"{b:%H:%M}-{e:%H:%M}" for b, e in self._sessions)
        return (
            f"WorkingCalendar(sessions={sessions}, holidays={len(self._holidays)}, "
            f"workdays={len(self._workdays)}, tz={self._tz.key})"
        )

    # -- public attributes -------------------------------------------------------------

    @property
    def sessions(self) -> tuple[tuple[time, time], ...]:
        return self._sessions

    @property
    def holidays(self) -> Mapping[date, str]:
        return self._holidays

    @property
    def workdays(self) -> Mapping[date, str]:
        return self._workdays

    @property
    def tz(self) -> ZoneInfo:
        return self._tz

    @property
    def day_seconds(self) -> int:
        """Working seconds in one working day (8 hours with the default sessions)."""
        return self._day_us // _US

    @property
    def day_end(self) -> time:
        return self._sessions[-1][1]

    def with_days(
        self,
        *,
        holidays: Mapping[date, str] | None = None,
        workdays: Mapping[date, str] | None = None,
    ) -> WorkingCalendar:
        """A copy with more holidays or workdays (later entries win over earlier ones)."""
        new_holidays = dict(self._holidays)
        new_workdays = dict(self._workdays)
        for day, name in (holidays or {}).items():
            new_workdays.pop(day, None)
            new_holidays[day] = name
        for day, name in (workdays or {}).items():
            new_holidays.pop(day, None)
            new_workdays[day] = name
        return WorkingCalendar(
            sessions=self._sessions, holidays=new_holidays, workdays=new_workdays, tz=self._tz
        )

    # -- days --------------------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        """Monday–Friday that is not a holiday, or any date marked as a workday."""
        if d in self._workdays:
            return True
        if d in self._holidays:
            return False
        return d.weekday() not in WEEKEND

    def non_working_reason(self, d: date) -> SkippedDay | None:
        """Why ``d`` is off (a named holiday wins over the weekend), or None on a working day."""
        if self.is_working_day(d):
            return None
        if d in self._holidays:
            return SkippedDay(d, "holiday", self._holidays[d])
        return SkippedDay(d, "weekend")

    def next_working_day(self, d: date) -> date:
        """The first working day after ``d``."""
        year = self._year(d.year)
        index = (d - year.first).days + 1
        while True:
            if index < len(year.working):
                if year.working[index]:
                    return year.first + timedelta(days=index)
                index += 1
                continue
            year = self._year(year.first.year + 1)
            index = 0

    def _year(self, y: int) -> _Year:
        cached = self._years.get(y)
        if cached is not None:
            return cached
        if not 1 <= y <= 9998:
            raise ValueError("date out of the supported range")
        first = date(y, 1, 1)
        count = (date(y + 1, 1, 1) - first).days
        working = tuple(self.is_working_day(first + timedelta(days=i)) for i in range(count))
        cum = [0]
        for flag in working:
            cum.append(cum[-1] + (self._day_us if flag else 0))
        built = _Year(first=first, working=working, cum=tuple(cum))
        self._years[y] = built
        return built

    # -- instants ----------------------------------------------------------------------

    def _local(self, moment: datetime) -> tuple[date, int]:
        if not isinstance(moment, datetime):
            raise TypeError("expected a datetime")
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("datetime must be timezone-aware")
        local = moment.astimezone(self._tz)
        return local.date(), _tod_us(local.time())

    def _instant(self, d: date, tod_us: int) -> datetime:
        seconds, micro = divmod(tod_us, _US)
        minutes, second = divmod(seconds, 60)
        hour, minute = divmod(minutes, 60)
        return datetime(d.year, d.month, d.day, hour, minute, second, micro, tzinfo=self._tz)

    def _within_day(self, tod_us: int) -> int:
        """Working µs of a working day that have passed at time-of-day ``tod_us``."""
        elapsed = 0
        for begin, end in self._sessions_us:
            if tod_us <= begin:
                break
            elapsed += min(tod_us, end) - begin
        return elapsed

    def _coordinate(self, d: date, tod_us: int) -> tuple[_Year, int]:
        year = self._year(d.year)
        index = (d - year.first).days
        within = self._within_day(tod_us) if year.working[index] else 0
        return year, year.cum[index] + within

    def _at_coordinate(self, year: _Year, target: int) -> datetime:
        """The earliest instant of ``year`` with coordinate ``target`` (0 < target <= total)."""
        index = bisect.bisect_left(year.cum, target) - 1
        remaining = target - year.cum[index]
        day = year.first + timedelta(days=index)
        for begin, end in self._sessions_us:
            length = end - begin
            if remaining <= length:
                return self._instant(day, begin + remaining)
            remaining -= length
        raise AssertionError("coordinate beyond the day")  # pragma: no cover

    def _add_us(self, start: datetime, amount: int) -> datetime:
        d, tod = self._local(start)
        if amount <= 0:
            return start.astimezone(self._tz)
        year, position = self._coordinate(d, tod)
        target = position + amount
        # At most two or three years are crossed for a deadline of up to 365 days.
        while target > year.total:
            target -= year.total
            year = self._year(year.first.year + 1)
        return self._at_coordinate(year, target)

    def add_working_seconds(self, start: datetime, seconds: int) -> datetime:
        """The earliest instant at which ``seconds`` of working time have passed since ``start``.

        This resumes a paused clock: ``add_working_seconds(resume_at, remaining)``.
        """
        if seconds < 0:
            raise ValueError("seconds must not be negative")
        return self._add_us(start, int(seconds) * _US)

    def working_seconds_between(self, a: datetime, b: datetime) -> int:
        """Whole seconds of working time in ``[a, b]``; 0 when ``b <= a``."""
        local_a, local_b = self._local(a), self._local(b)
        if b <= a:
            return 0
        year_a, pos_a = self._coordinate(*local_a)
        year_b, pos_b = self._coordinate(*local_b)
        if year_a.first == year_b.first:
            total = pos_b - pos_a
        else:
            total = year_a.total - pos_a + pos_b
            for y in range(year_a.first.year + 1, year_b.first.year):
                total += self._year(y).total
        return total // _US

    def days_to_seconds(self, days: Days) -> int:
        """Working seconds of ``days`` working days, rounded up to a whole second so that a
        fractional deadline is never shortened."""
        value = parse_days(days) * self.day_seconds
        return int(value.to_integral_value(rounding=ROUND_CEILING))

    def due(self, start: datetime, days: Days, *, cutoff: time | None = None) -> datetime:
        """The due time of a dossier received at ``start`` with ``days`` working days
        (CONTRACT.md §3). ``days == 0`` is a same-day procedure with its ``cutoff``."""
        seconds = self.days_to_seconds(days)
        if seconds == 0:
            return self._same_day_due(start, cutoff)
        return self._add_us(start, seconds * _US)

    def _same_day_due(self, start: datetime, cutoff: time | None) -> datetime:
        d, tod = self._local(start)
        limit = _tod_us(cutoff or DEFAULT_CUTOFF)
        if not (self.is_working_day(d) and tod <= limit):
            d = self.next_working_day(d)
        return self._instant(d, _tod_us(self.day_end))

    def is_working_time(self, moment: datetime) -> bool:
        """Whether working time is running at ``moment`` (session starts in, ends out)."""
        d, tod = self._local(moment)
        return self.is_working_day(d) and any(b <= tod < e for b, e in self._sessions_us)

    def explain(self, start: datetime, days: Days, *, cutoff: time | None = None) -> Explanation:
        """The due time with what was skipped and counted on the way."""
        value = parse_days(days)
        due_at = self.due(start, value, cutoff=cutoff)
        local_start = start.astimezone(self._tz)
        seconds = self.days_to_seconds(value)
        same_day = seconds == 0
        # The earliest instant after which working time runs: one microsecond of work
        # lands just after it.
        effective = local_start if same_day else self._add_us(start, 1) - timedelta(microseconds=1)
        skipped: list[SkippedDay] = []
        counted: list[CountedWorkday] = []
        for day in _date_range(local_start.date(), due_at.date()):
            reason = self.non_working_reason(day)
            if reason is not None:
                skipped.append(reason)
            elif day in self._workdays and day >= effective.date():
                counted.append(CountedWorkday(day, self._workdays[day]))
        return Explanation(
            start=local_start,
            effective_start=effective,
            days=value,
            working_seconds=seconds,
            same_day=same_day,
            cutoff=(cutoff or DEFAULT_CUTOFF) if same_day else None,
            due_at=due_at,
            skipped=tuple(skipped),
            workdays=tuple(counted),
        )


def _date_range(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)
