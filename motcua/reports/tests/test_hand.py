"""Every count of the hand-built data set, computed by hand (docs/statistics.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.reports.recompute import recompute
from motcua.reports.selectors import COUNT_KEYS, stats_report
from motcua.reports.summary import stats_differences
from motcua.reports.tests.conftest import Place

P = (dt.date(2027, 3, 3), dt.date(2027, 3, 10))
Q = (dt.date(2027, 3, 4), dt.date(2027, 3, 5))

ZERO = dict.fromkeys(COUNT_KEYS, 0)
COMMUNE_P = ZERO | {
    "carried_over": 4,
    "received_online": 1,
    "received_counter": 4,
    "received_postal": 1,
    "resolved_early": 1,
    "resolved_on_time": 2,
    "resolved_late": 1,
    "in_progress_on_time": 2,
    "in_progress_overdue": 2,
    "refused": 1,
    "withdrawn": 1,
    "stopped": 1,
    "returned": 2,
}
COMMUNE_Q = ZERO | {
    "carried_over": 6,
    "received_postal": 1,
    "resolved_early": 1,
    "resolved_late": 1,
    "in_progress_on_time": 1,
    "in_progress_overdue": 2,
    "paused_supplement": 2,
    "paused_payment": 1,
    "refused": 1,
    "returned": 2,
}


def _counts(row: dict[str, object]) -> dict[str, object]:
    return {k: row[k] for k in COUNT_KEYS}


@pytest.mark.parametrize(("period", "expected"), [(P, COMMUNE_P), (Q, COMMUNE_Q)])
def test_commune_counts_match_the_hand_computed_numbers(
    hand: Place, period: tuple[dt.date, dt.date], expected: dict[str, int]
) -> None:
    report = stats_report(unit=hand.commune, date_from=period[0], date_to=period[1])
    assert _counts(report.total) == expected
    assert report.rows[0]["key"] == hand.commune.code


def test_the_merged_commune_counts_in_its_successor(hand: Place) -> None:
    report = stats_report(unit=hand.province, date_from=P[0], date_to=P[1])
    rows = {r["key"]: r for r in report.rows}
    assert _counts(rows[hand.commune.code]) == COMMUNE_P
    assert rows[hand.old_commune.code]["carried_over"] == 0
    assert rows[hand.commune2.code]["received_counter"] == 1
    assert rows[hand.commune2.code]["resolved_late"] == 1
    assert report.total["received_counter"] == 5
    assert report.total["resolved_late"] == 2
    old = stats_report(unit=hand.old_commune, date_from=P[0], date_to=P[1])
    assert old.total["carried_over"] == 1 and old.total["in_progress_overdue"] == 1


def test_overdue_starts_on_the_day_the_due_time_falls(hand: Place) -> None:
    # D01 and D06 are due on 4 March 08:00: in time at the end of the 3rd, overdue at the end
    # of the 4th.
    on_3rd = stats_report(unit=hand.commune, date_from=P[0], date_to=dt.date(2027, 3, 3))
    on_4th = stats_report(unit=hand.commune, date_from=P[0], date_to=dt.date(2027, 3, 4))
    assert on_3rd.total["in_progress_overdue"] == 1  # D13 only
    assert on_4th.total["in_progress_overdue"] == 3


@pytest.mark.parametrize(
    "period",
    [P, Q, (dt.date(2027, 3, 1), dt.date(2027, 3, 31)),
     (dt.date(2025, 1, 1), dt.date(2027, 12, 31)), (dt.date(2027, 3, 5), dt.date(2027, 3, 5)),
     (dt.date(2026, 12, 15), dt.date(2027, 3, 2)), (dt.date(2025, 6, 17), dt.date(2027, 3, 20)),
     (dt.date(2027, 3, 4), dt.date(2027, 3, 16))],
)  # fmt: skip
@pytest.mark.parametrize("group_by", ["unit", "field", "procedure"])
def test_every_count_matches_a_recomputation_from_the_histories(
    hand: Place, period: tuple[dt.date, dt.date], group_by: str
) -> None:
    for unit in (hand.province, hand.commune, hand.commune2, hand.old_commune):
        report = stats_report(unit=unit, date_from=period[0], date_to=period[1], group_by=group_by)
        expected = recompute(unit=unit, date_from=period[0], date_to=period[1], group_by=group_by)
        got = {
            r["key"]: {k: v for k, v in r.items() if k not in {"key", "label"}}
            for r in report.rows
            if any(r[k] for k in COUNT_KEYS)
        }
        assert got == expected["rows"]
        assert report.total == expected["total"]


def test_the_summary_equals_a_full_rebuild(hand: Place) -> None:
    assert stats_differences() == []


@pytest.mark.parametrize(
    "period",
    [(dt.date(2025, 6, 1), dt.date(2027, 3, 20)), (dt.date(2027, 3, 2), dt.date(2027, 3, 9)),
     (dt.date(2025, 6, 20), dt.date(2027, 3, 31))],
)  # fmt: skip
def test_the_monthly_trend_adds_up_to_the_period(
    hand: Place, period: tuple[dt.date, dt.date]
) -> None:
    from motcua.reports.selectors import monthly_trend

    report = stats_report(unit=hand.province, date_from=period[0], date_to=period[1])
    months = monthly_trend(unit=hand.province, date_from=period[0], date_to=period[1])
    for key in ("received", "resolved_early", "resolved_on_time", "resolved_late"):
        assert sum(m[key] for m in months) == report.total[key]
