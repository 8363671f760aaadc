"""Benchmark of due(): calls per second for 1-, 15- and 60-day deadlines.

    .venv/bin/python bench/bench_due.py [--seconds S]

Uses only the pure working-time module (no Django, no database): the precomputed
calendar against the naive day-by-day reference, in the same run, on the same starts.
The cost of one due() must not grow with the number of days: the 60-day/1-day ratio
of the time per call should stay under 1.5 (issue 3).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import holidays

from motcua.calendars.tests.reference import reference_due
from motcua.calendars.workingtime import VN_TZ, WorkingCalendar

DEADLINES = (1, 15, 60)
YEARS = (2026, 2027, 2028)


def build_calendar() -> WorkingCalendar:
    """The calendar the seeded table holds: holidays and swapped Saturdays of the package."""
    vn = holidays.country_holidays("VN", years=YEARS, language="vi")
    workdays = {d: "Làm bù" for d in vn.weekend_workdays if d.year in YEARS and d not in vn}
    return WorkingCalendar(holidays=dict(vn.items()), workdays=workdays)


def starts(count: int) -> list[datetime]:
    rng = random.Random(3)  # the same starts on every run
    first = datetime(2027, 1, 1, tzinfo=VN_TZ)
    return [first + timedelta(seconds=rng.randrange(365 * 86400)) for _ in range(count)]


def calls_per_second(
    call: Callable[[datetime], object], moments: list[datetime], budget: float
) -> float:
    calls = 0
    began = time.perf_counter()
    elapsed = 0.0
    while elapsed < budget:
        for moment in moments:
            call(moment)
        calls += len(moments)
        elapsed = time.perf_counter() - began
    return calls / elapsed


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=0.3, help="time budget per measurement")
    parser.add_argument("--rounds", type=int, default=5, help="measurements; the best one counts")
    args = parser.parse_args()

    cal = build_calendar()
    began = time.perf_counter()
    for year in (*YEARS, YEARS[-1] + 1):
        cal.due(datetime(year, 6, 1, 8, tzinfo=VN_TZ), 1)  # builds the year's table
    build_ms = (time.perf_counter() - began) * 1000
    moments = starts(500)

    for days in DEADLINES:  # the two must agree before their speeds mean anything
        for moment in moments[:50]:
            assert cal.due(moment, days) == reference_due(cal, moment, days)

    # Rounds interleave the deadlines and keep each one's best figure (as timeit does), so
    # a burst of load from another process does not skew one deadline against another.
    fast = dict.fromkeys(DEADLINES, 0.0)
    naive = dict.fromkeys(DEADLINES, 0.0)
    for _round in range(args.rounds):
        for days in DEADLINES:
            fast[days] = max(
                fast[days],
                calls_per_second(lambda m, d=days: cal.due(m, d), moments, args.seconds),
            )
            naive[days] = max(
                naive[days],
                calls_per_second(lambda m, d=days: reference_due(cal, m, d), moments, args.seconds),
            )

    print(f"due() benchmark — {datetime.now().date().isoformat()}")
    print(
        f"machine: {os.cpu_count()} CPU ({cpu_model()}), Python {platform.python_version()} "
        f"({platform.python_implementation()}), {platform.system()} {platform.machine()}"
    )
    print(
        f"best of {args.rounds} rounds of {args.seconds:g} s per figure, "
        f"{len(moments)} starts in 2027"
    )
    print(f"year tables built in {build_ms:.1f} ms for {len(YEARS) + 1} years (once per calendar)")
    print()
    header = (
        f"{'deadline':>9} | {'precomputed calls/s':>20} | {'naive calls/s':>14} | {'speed-up':>8}"
    )
    print(header)
    print("-" * len(header))
    for days in DEADLINES:
        print(
            f"{days:>4} days | {fast[days]:>20,.0f} | {naive[days]:>14,.0f} | "
            f"{fast[days] / naive[days]:>7.1f}x"
        )
    print()
    # Time per call grows by (calls/s at 1 day) / (calls/s at 60 days).
    fast_ratio = fast[1] / fast[60]
    naive_ratio = naive[1] / naive[60]
    verdict = "OK" if fast_ratio < 1.5 else "TOO SLOW"
    print(
        f"60-day/1-day time per call: precomputed {fast_ratio:.2f} (target < 1.5: {verdict}), "
        f"naive {naive_ratio:.2f}"
    )
    if fast_ratio >= 1.5:
        sys.exit(1)


if __name__ == "__main__":
    main()
