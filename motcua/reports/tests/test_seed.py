"""A generated data set: the summary the seed fills equals a recomputation from the
histories; the commands rebuild and check it."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from motcua.dossiers.models import Dossier, DossierEvent, Status
from motcua.dossiers.services import dossier_resolve, dossier_withdraw
from motcua.reports.models import StatDelta
from motcua.reports.recompute import recompute
from motcua.reports.seed import seed_dossiers
from motcua.reports.selectors import stats_report
from motcua.reports.summary import stats_differences
from motcua.units.models import Unit


@pytest.fixture
def seeded(db: None) -> Unit:
    result = seed_dossiers(dossiers=600, units=6, years=2, prefix="T07")
    assert result.dossiers == 600
    return Unit.objects.get(code="000.00.00.T07")


def test_the_seed_makes_a_realistic_history(seeded: Unit) -> None:
    statuses = set(Dossier.objects.values_list("status", flat=True))
    assert {Status.RETURNED, Status.PROCESSING} <= statuses
    actions = set(DossierEvent.objects.values_list("action", flat=True))
    assert {"intake", "accept", "forward", "resolve", "return", "request-supplement",
            "supplement", "request-payment", "confirm-payment"} <= actions  # fmt: skip
    assert set(Dossier.objects.values_list("channel", flat=True)) == {"online", "counter", "postal"}
    assert set(Dossier.objects.exclude(timeliness="").values_list("timeliness", flat=True)) == {
        "early", "on_time", "late",
    }  # fmt: skip


def test_the_seeded_histories_verify(seeded: Unit) -> None:
    out = StringIO()
    call_command("verify_history", stdout=out)
    assert "600" in out.getvalue()


def test_the_seeded_summary_equals_the_recomputation(seeded: Unit) -> None:
    assert stats_differences() == []
    today = timezone.localdate()
    periods = [
        (today.replace(month=1, day=1), today),
        (today - dt.timedelta(days=400), today - dt.timedelta(days=200)),
        (today - dt.timedelta(days=45), today - dt.timedelta(days=17)),
    ]
    commune = Unit.objects.filter(parent=seeded, level="commune").first()
    assert commune is not None
    for start, end in periods:
        for unit in (seeded, commune):
            for group_by in ("unit", "field"):
                report = stats_report(unit=unit, date_from=start, date_to=end, group_by=group_by)
                expected = recompute(unit=unit, date_from=start, date_to=end, group_by=group_by)
                assert report.total == expected["total"]


def test_live_actions_on_seeded_dossiers_keep_the_summary_right(seeded: Unit) -> None:
    now = timezone.now()
    open_ = Dossier.objects.filter(status=Status.PROCESSING, step_index=1)[:3]
    for d in open_:
        dossier_resolve(dossier=d, actor=None, at=now)
    other = Dossier.objects.filter(status=Status.SUPPLEMENT_REQUESTED).first()
    if other is not None:
        dossier_withdraw(dossier=other, actor=None, at=now)
    assert stats_differences() == []


def test_check_stats_exits_1_on_a_difference_and_rebuild_fixes_it(seeded: Unit) -> None:
    out = StringIO()
    call_command("check_stats", stdout=out)
    assert "khớp" in out.getvalue()
    row = StatDelta.objects.filter(grain="m").first()
    assert row is not None
    StatDelta.objects.filter(pk=row.pk).update(overdue=row.overdue + 1)
    with pytest.raises(SystemExit) as exc:
        call_command("check_stats", stdout=StringIO(), stderr=StringIO())
    assert exc.value.code == 1
    call_command("rebuild_stats", stdout=StringIO())
    call_command("check_stats", stdout=StringIO())
