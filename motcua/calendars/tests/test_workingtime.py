"""The pure working-time module: the contract's examples, edge cases and explanations."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from motcua.calendars.tests.conftest import vn
from motcua.calendars.tests.reference import reference_between, reference_due
from motcua.calendars.workingtime import WorkingCalendar, parse_days, parse_sessions

CAL = WorkingCalendar()


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (vn(2027, 3, 1, 8), 1, vn(2027, 3, 2, 8)),  # Monday 08:00 + 1 → Tuesday 08:00
        (vn(2027, 3, 5, 16), 1, vn(2027, 3, 8, 16)),  # Friday 16:00 + 1 → Monday 16:00
        (vn(2027, 3, 1, 13), Decimal("0.5"), vn(2027, 3, 1, 17)),  # ends at a session's end
        (vn(2027, 3, 1, 10), 0.5, vn(2027, 3, 1, 15, 30)),  # 1.5 h + 2.5 h across lunch
        (vn(2027, 3, 1, 11, 30), 0.5, vn(2027, 3, 1, 17)),  # the morning is over at 11:30
        (vn(2027, 3, 1, 7, 30), 0.5, vn(2027, 3, 1, 11, 30)),  # not 13:00: earliest instant
        (vn(2027, 3, 1, 12), 1, vn(2027, 3, 2, 11, 30)),  # lunch: from 13:00
        (vn(2027, 3, 5, 17, 30), 1, vn(2027, 3, 8, 17)),  # Friday evening: from Monday 07:30
        (vn(2027, 3, 6, 9), 1, vn(2027, 3, 8, 17)),  # Saturday: from Monday 07:30
        (vn(2027, 3, 1, 6), 1, vn(2027, 3, 1, 17)),  # before work: from 07:30 the same day
        (vn(2027, 3, 1, 8), 5, vn(2027, 3, 8, 8)),
        (vn(2027, 3, 1, 8), 0.125, vn(2027, 3, 1, 9)),
    ],
)
def test_due_examples(start: datetime, days: object, expected: datetime) -> None:
    assert CAL.due(start, days) == expected  # type: ignore[arg-type]
    assert CAL.due(start, days) == reference_due(CAL, start, days)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (vn(2027, 3, 3, 15, 20), vn(2027, 3, 4, 17)),  # Wednesday after the cut-off → Thursday
        (vn(2027, 3, 3, 15, 0), vn(2027, 3, 3, 17)),  # at the cut-off → the same day
        (vn(2027, 3, 3, 15, 0, 1), vn(2027, 3, 4, 17)),  # one second late → next working day
        (vn(2027, 3, 3, 6, 45), vn(2027, 3, 3, 17)),  # early morning counts as that day
        (vn(2027, 3, 5, 16), vn(2027, 3, 8, 17)),  # Friday late → Monday
        (vn(2027, 3, 6, 9), vn(2027, 3, 8, 17)),  # Saturday → Monday
    ],
)
def test_same_day_procedures_follow_the_cutoff(start: datetime, expected: datetime) -> None:
    assert CAL.due(start, 0) == expected


def test_same_day_cutoff_is_per_procedure() -> None:
    assert CAL.due(vn(2027, 3, 3, 10, 30), 0, cutoff=time(10)) == vn(2027, 3, 4, 17)
    assert CAL.due(vn(2027, 3, 3, 10, 30), 0, cutoff=time(11)) == vn(2027, 3, 3, 17)


def test_any_time_zone_in_local_time_out() -> None:
    start = datetime(2027, 3, 1, 1, 0, tzinfo=UTC)  # 08:00 in Hà Nội
    result = CAL.due(start, 1)
    assert result == vn(2027, 3, 2, 8)
    assert result.utcoffset() == timedelta(hours=7)
    paris = datetime(2027, 3, 1, 2, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert CAL.due(paris, 1) == vn(2027, 3, 2, 8)


@pytest.mark.parametrize("days", [-1, Decimal("-0.5"), 366, 1000, float("nan"), float("inf")])
def test_out_of_range_days_are_refused(days: object) -> None:
    with pytest.raises(ValueError):
        CAL.due(vn(2027, 3, 1, 8), days)  # type: ignore[arg-type]


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.due(datetime(2027, 3, 1, 8), 1)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.working_seconds_between(datetime(2027, 3, 1, 8), vn(2027, 3, 2, 8))


def test_fractional_days_round_up_to_a_whole_second() -> None:
    assert parse_days(0.1) == Decimal("0.1")
    assert CAL.days_to_seconds(Decimal("0.00001")) == 1  # never 0: that would be same-day
    assert CAL.due(vn(2027, 3, 1, 8), Decimal("0.00001")) == vn(2027, 3, 1, 8, 0, 1)


def test_a_365_day_deadline_crosses_years_like_the_reference() -> None:
    start = vn(2027, 12, 31, 16)
    assert CAL.due(start, 365) == reference_due(CAL, start, 365)
    assert CAL.working_seconds_between(start, CAL.due(start, 365)) == 365 * 8 * 3600


def test_working_seconds_between_counts_seconds_across_years() -> None:
    a, b = vn(2026, 12, 31, 16, 59, 30), vn(2027, 1, 4, 7, 30, 45)
    # Friday 1 January 2027 is a working day in a calendar without holidays.
    assert CAL.working_seconds_between(a, b) == 30 + 8 * 3600 + 45 == reference_between(CAL, a, b)
    assert CAL.working_seconds_between(b, a) == 0
    assert CAL.working_seconds_between(a, a) == 0


def test_pause_keeps_the_working_time_left_and_resume_continues_it() -> None:
    received = vn(2027, 3, 1, 8)
    due_at = CAL.due(received, 3)  # Thursday 08:00
    paused = vn(2027, 3, 2, 14)  # Tuesday 14:00: 7.5 h + 5 h done → 11.5 h left
    remaining = CAL.working_seconds_between(paused, due_at)
    assert remaining == 11 * 3600 + 1800
    resumed = vn(2027, 3, 9, 9)  # a week later: 6.5 h that Tuesday, 5 h on Wednesday
    assert CAL.add_working_seconds(resumed, remaining) == vn(2027, 3, 10, 14)
    assert CAL.add_working_seconds(resumed, 0) == resumed


def test_holidays_and_workdays_change_working_days() -> None:
    cal = WorkingCalendar(
        holidays={date(2027, 3, 2): "Nghỉ"}, workdays={date(2027, 3, 6): "Làm bù"}
    )
    assert not cal.is_working_day(date(2027, 3, 2))
    assert cal.is_working_day(date(2027, 3, 6))
    assert not cal.is_working_day(date(2027, 3, 7))
    assert cal.due(vn(2027, 3, 1, 8), 1) == vn(2027, 3, 3, 8)
    assert cal.due(vn(2027, 3, 5, 16), 1) == vn(2027, 3, 6, 16)  # the make-up Saturday


def test_a_date_cannot_be_both_holiday_and_workday() -> None:
    with pytest.raises(ValueError, match="both"):
        WorkingCalendar(holidays={date(2027, 3, 6): "a"}, workdays={date(2027, 3, 6): "b"})


def test_calendar_is_immutable() -> None:
    with pytest.raises(AttributeError):
        CAL.tz = ZoneInfo("UTC")  # type: ignore[misc]
    with pytest.raises(TypeError):
        CAL.holidays[date(2027, 1, 1)] = "x"  # type: ignore[index]


def test_sessions_are_configurable_and_checked() -> None:
    sessions = parse_sessions("08:00-12:00, 13:30-17:30")
    cal = WorkingCalendar(sessions=sessions)
    assert cal.day_seconds == 8 * 3600
    assert cal.due(vn(2027, 3, 3, 15, 0), 0) == vn(2027, 3, 3, 17, 30)
    with pytest.raises(ValueError, match="HH:MM"):
        parse_sessions("8h-12h")
    with pytest.raises(ValueError, match="overlap"):
        WorkingCalendar(sessions=parse_sessions("07:30-12:00,11:00-17:00"))
    with pytest.raises(ValueError, match="ends before"):
        WorkingCalendar(sessions=parse_sessions("12:00-07:00"))


def test_explanation_lists_skipped_and_counted_days_in_vietnamese() -> None:
    cal = WorkingCalendar(
        holidays={date(2027, 3, 8): "Ngày nghỉ thử"}, workdays={date(2027, 3, 13): "Làm bù"}
    )
    explanation = cal.explain(vn(2027, 3, 5, 17, 30), 6)
    assert explanation.effective_start == vn(2027, 3, 9, 7, 30)
    assert explanation.due_at == cal.due(vn(2027, 3, 5, 17, 30), 6) == vn(2027, 3, 15, 17)
    assert [(s.day.day, s.reason) for s in explanation.skipped] == [
        (6, "weekend"),
        (7, "weekend"),
        (8, "holiday"),
        (14, "weekend"),
    ]
    assert [w.day for w in explanation.workdays] == [date(2027, 3, 13)]
    lines = explanation.lines_vi()
    assert lines[0] == "Tiếp nhận lúc 17:30 Thứ Sáu 05/03/2027."
    assert "Ngoài giờ làm việc: bắt đầu tính từ 07:30 Thứ Ba 09/03/2027." in lines
    assert "Bỏ qua Thứ Bảy 06/03/2027 (ngày nghỉ cuối tuần)." in lines
    assert "Bỏ qua Thứ Hai 08/03/2027 (ngày nghỉ lễ: Ngày nghỉ thử)." in lines
    assert "Tính Thứ Bảy 13/03/2027 là ngày làm bù (Làm bù)." in lines
    assert lines[-1] == "Hạn trả kết quả: 17:00 Thứ Hai 15/03/2027."
    data = explanation.as_dict()
    assert data["due_at"] == "2027-03-15T17:00:00+07:00"
    assert data["skipped"][2] == {
        "date": "2027-03-08",
        "reason": "holiday",
        "name": "Ngày nghỉ thử",
    }


def test_explanation_of_fractional_and_same_day_deadlines() -> None:
    half = CAL.explain(vn(2027, 3, 1, 10), Decimal("0.5"))
    assert "Thời hạn giải quyết: 0,5 ngày làm việc (4 giờ làm việc)." in half.lines_vi()
    same_day = CAL.explain(vn(2027, 3, 3, 15, 20), 0)
    assert same_day.same_day
    assert same_day.cutoff == time(15)
    assert same_day.due_at == vn(2027, 3, 4, 17)
    assert same_day.lines_vi()[-1] == "Hạn trả kết quả: 17:00 Thứ Năm 04/03/2027."
