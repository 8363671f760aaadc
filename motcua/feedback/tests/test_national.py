"""The feedback app feeds Decision 766 group 5: with the app's own source registered (as
``FeedbackConfig.ready`` does), feedback received in a period counts in 5.1 and 5.2."""

from __future__ import annotations

import datetime as dt

from motcua.dossiers.tests.conftest import Province, local, province  # noqa: F401
from motcua.feedback.national import national_feedback_counts
from motcua.feedback.services import feedback_submit
from motcua.reports.national_indicators import (
    national_indicators,
    register_feedback_source,
    sources_cleared,
)


def test_feedback_received_in_the_period_counts_in_group_5(
    province: Province,  # noqa: F811
) -> None:
    with sources_cleared():
        register_feedback_source(national_feedback_counts)
        for category in ("regulation", "conduct", "other", "other"):
            feedback_submit(
                category=category,
                content="Thủ tục yêu cầu nộp lại giấy tờ đã nộp.",
                name="Nguyễn Văn An",
                phone="0901234567",
                unit_code=province.commune.code,
                at=local(2026, 3, 2, 9, 0),
            )
        feedback_submit(  # after the period: not counted
            category="regulation",
            content="Phản ánh gửi sau kỳ báo cáo.",
            name="Trần Thị Bình",
            phone="0907654321",
            unit_code=province.commune.code,
            at=local(2026, 3, 20, 9, 0),
        )
        got = {
            i.id: i
            for i in national_indicators(
                unit=province.commune, date_from=dt.date(2026, 3, 2), date_to=dt.date(2026, 3, 6)
            )
        }
    assert (got["5.1"].numerator, got["5.1"].denominator, got["5.1"].value) == (2, 4, 50.0)
    # Still within their limits at the period's end: handled on time so far.
    assert (got["5.2"].numerator, got["5.2"].denominator) == (4, 4)
