"""The time decomposition: the signed rows of ``prefix_ranges(D)`` cover every day up to
D exactly once and no day after it."""

from __future__ import annotations

import datetime as dt

from motcua.reports.selectors import prefix_ranges


def _coverage(day: dt.date, end: dt.date) -> int:
    total = 0
    for grain, lo, hi, sign in prefix_ranges(end):
        start = {"y": day.replace(month=1, day=1), "m": day.replace(day=1), "d": day}[grain]
        # A row of that grain holds ``day`` when its period start is in [lo, hi).
        if lo <= start < hi:
            total += sign
    return total


def test_every_prefix_covers_exactly_the_days_up_to_its_end() -> None:
    first = dt.date(2027, 1, 1)
    for offset in range(366 + 31):
        end = first + dt.timedelta(days=offset)
        for probe in (-400, -40, -16, -1, 0, 1, 2, 16, 40, 400):
            day = end + dt.timedelta(days=probe)
            assert _coverage(day, end) == (1 if day <= end else 0), (end, day)
