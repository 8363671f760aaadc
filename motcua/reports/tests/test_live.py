"""The hook keeps the summary right through live actions, and past periods stay put."""

from __future__ import annotations

import datetime as dt

from motcua.dossiers.models import Dossier
from motcua.dossiers.services import (
    dossier_confirm_payment,
    dossier_forward,
    dossier_intake,
    dossier_request_payment,
    dossier_request_supplement,
    dossier_resolve,
    dossier_return,
    dossier_supplement,
    dossier_withdraw,
)
from motcua.procedures.models import Procedure
from motcua.reports.recompute import recompute
from motcua.reports.selectors import stats_report
from motcua.reports.summary import stats_differences, stats_rebuild
from motcua.reports.tests.conftest import A, Place
from motcua.reports.tests.test_hand import COMMUNE_P, P, _counts

TZ = dt.timezone(dt.timedelta(hours=7))


def at(day: int, hour: int, month: int = 4) -> dt.datetime:
    return dt.datetime(2027, month, day, hour, tzinfo=TZ)


def test_a_past_period_does_not_change_when_dossiers_move_on(hand: Place) -> None:
    before = stats_report(unit=hand.province, date_from=P[0], date_to=P[1])
    d4 = Dossier.objects.get(code="D04")
    dossier_request_payment(dossier=d4, actor=None, amount=5000, at=at(1, 9))
    dossier_confirm_payment(dossier=d4, actor=None, at=at(2, 9))
    dossier_resolve(dossier=d4, actor=None, at=at(2, 10))
    d6 = Dossier.objects.get(code="D06")
    dossier_resolve(dossier=d6, actor=None, at=at(5, 10))
    dossier_return(dossier=d6, actor=None, method="counter", at=at(5, 11))
    dossier_withdraw(dossier=Dossier.objects.get(code="D14"), actor=None, at=at(6, 8))
    after = stats_report(unit=hand.province, date_from=P[0], date_to=P[1])
    assert after.rows == before.rows and after.total == before.total
    commune = stats_report(unit=hand.commune, date_from=P[0], date_to=P[1])
    assert _counts(commune.total) == COMMUNE_P
    april = stats_report(unit=hand.commune, date_from=at(1, 0).date(), date_to=at(30, 0).date())
    assert april.total["resolved_late"] == 2 and april.total["withdrawn"] == 1
    assert stats_differences() == []


def test_live_actions_keep_the_summary_equal_to_a_rebuild(hand: Place) -> None:
    desk, specialist = hand.users["desk"], hand.users["specialist"]
    procedure = Procedure.objects.get(code="3.000001")
    dossier, _ = dossier_intake(
        actor=desk, procedure=procedure, unit=hand.commune, channel="counter",
        applicant=A, case_code="lan-dau", at=at(12, 8),
    )  # fmt: skip
    dossier_forward(dossier=dossier, actor=desk, assignee="specialist", at=at(12, 9))
    dossier_request_supplement(dossier=dossier, actor=specialist, items=["Tờ khai"], at=at(13, 9))
    dossier_supplement(dossier=dossier, actor=desk, at=at(20, 9))
    assert stats_differences() == []
    report = stats_report(unit=hand.commune, date_from=at(1, 0).date(), date_to=at(30, 0).date())
    expected = recompute(unit=hand.commune, date_from=at(1, 0).date(), date_to=at(30, 0).date())
    assert report.total == expected["total"]
    by_officer = stats_report(
        unit=hand.commune, date_from=at(1, 0).date(), date_to=at(30, 0).date(), group_by="officer"
    )
    assert by_officer.total == report.total
    snapshot = stats_report(
        unit=hand.province, date_from=dt.date(2025, 1, 1), date_to=at(30, 0).date()
    )
    stats_rebuild()
    assert stats_differences() == []
    again = stats_report(
        unit=hand.province, date_from=dt.date(2025, 1, 1), date_to=at(30, 0).date()
    )
    assert again.total == snapshot.total and again.rows == snapshot.rows


def test_a_tampered_summary_is_detected(hand: Place) -> None:
    from motcua.reports.models import StatDelta

    row = StatDelta.objects.filter(grain="y").first()
    assert row is not None
    StatDelta.objects.filter(pk=row.pk).update(received_counter=row.received_counter + 1)
    assert stats_differences() != []
    stats_rebuild()
    assert stats_differences() == []


def test_an_intake_adds_its_counts_in_one_statement_without_reading_the_summary(
    hand: Place,
) -> None:
    """A new dossier has nothing stored in the summary yet: its intake reads none of it, and
    the day, month and year rows of the summary and of the national readings are one upsert.
    The counts are still those of a rebuild."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    procedure = Procedure.objects.get(code="3.000001")
    with CaptureQueriesContext(connection) as ctx:
        dossier_intake(
            actor=hand.users["desk"], procedure=procedure, unit=hand.commune,
            channel="counter", applicant=A, case_code="lan-dau", at=at(12, 8),
        )  # fmt: skip
    statements = [q["sql"] for q in ctx.captured_queries]
    stored = ("reports_statstate", "reports_nationalfact", "dossiers_dossierevent")
    summary_reads = [
        sql for sql in statements if sql.startswith("SELECT") and any(t in sql for t in stored)
    ]
    assert summary_reads == []
    assert sum("INTO reports_statdelta" in sql for sql in statements) == 1
    assert stats_differences() == []
