"""Reconciliation repairs a deliberately broken remote state; the command and the job."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.integrations.dvcqg.jobs import national_reconcile
from motcua.integrations.dvcqg.reconcile import national_reconcile_run
from motcua.integrations.dvcqg.tests.conftest import Province, drain
from motcua.integrations.dvcqg.tests.standin import StandIn
from motcua.integrations.dvcqg.tests.test_sync import _intake, _life


def test_reconcile_repairs_a_broken_remote_state(province: Province, portal: StandIn) -> None:
    changed = _life(province, _intake(province))
    deleted = _life(province, _intake(province, day=2), day=2)
    intact = _life(province, _intake(province, day=3), day=3)
    drain()
    portal.tamper({"MaHoSo": changed.code, "set": {"TrangThaiHoSo": 9, "NgayTra": ""}})
    portal.tamper({"MaHoSo": deleted.code, "delete": True})

    report = national_reconcile_run()
    drain()

    assert report.checked == 3
    assert report.matching == 1
    assert dict(report.fixed) == {
        changed.code: ["TrangThaiHoSo", "NgayTra"],
        deleted.code: ["MaHoSo"],
    }
    state = portal.state()["dossiers"]
    assert state[changed.code]["record"]["TrangThaiHoSo"] == 10
    assert state[changed.code]["record"]["NgayTra"] == "20270301163000"
    assert state[deleted.code]["record"]["TrangThaiHoSo"] == 10
    assert [s["TrangThai"] for s in state[deleted.code]["steps"]] == [2, 4, 4, 9, 10]
    assert len(state[intact.code]["history"]) == 4  # nothing resent
    # A second run finds nothing left to fix.
    assert national_reconcile_run().fixed == []


def test_dossiers_still_in_flight_are_left_to_the_outbox(
    province: Province, portal: StandIn
) -> None:
    _intake(province)  # queued, not delivered

    report = national_reconcile_run()

    assert (report.checked, report.in_flight, report.fixed) == (0, 1, [])


def test_the_command_reports_what_it_fixed(province: Province, portal: StandIn) -> None:
    dossier = _intake(province)
    drain()
    portal.tamper({"MaHoSo": dossier.code, "delete": True})
    out = io.StringIO()

    call_command("national", "reconcile", "--since", "2020-01-01", stdout=out)

    assert f"gửi lại {dossier.code}: MaHoSo" in out.getvalue()
    drain()
    assert dossier.code in portal.state()["dossiers"]


def test_the_command_refuses_a_bad_date_and_an_unreachable_portal(
    province: Province, portal: StandIn, settings: Any
) -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("national", "reconcile", "--since", "01/02/2027")
    _intake(province)
    drain()
    portal.outage = "refuse"
    with pytest.raises(CommandError, match="HTTP 503"):
        call_command("national", "reconcile")


def test_the_nightly_job_counts_the_resent_dossiers(province: Province, portal: StandIn) -> None:
    from django.utils import timezone

    dossier = _intake(province)
    drain()
    portal.tamper({"MaHoSo": dossier.code, "set": {"NgayHenTra": "20270302170000"}})

    assert national_reconcile(now=timezone.now()) == 1
    drain()
    assert portal.state()["dossiers"][dossier.code]["record"]["NgayHenTra"] == "20270301170000"


def test_without_a_portal_the_job_does_nothing(province: Province) -> None:
    from django.utils import timezone

    _intake(province)
    assert national_reconcile(now=timezone.now()) == 0


def test_replayed_history_is_matched_or_sent(province: Province, portal: StandIn) -> None:
    from motcua.dossiers.services import replaying
    from motcua.integrations.dvcqg.models import NationalSync, SyncState

    with replaying():
        reported = _life(province, _intake(province))
        never_reported = _life(province, _intake(province, day=2), day=2)
    assert not NationalSync.objects.exists()  # history is not sent live
    # The replaced system had reported the first one, as MotCua holds it.
    national_reconcile_run()
    drain()
    portal.tamper({"MaHoSo": never_reported.code, "delete": True})
    NationalSync.objects.all().delete()

    report = national_reconcile_run()
    drain()

    assert report.matching == 1
    assert dict(report.fixed) == {never_reported.code: ["MaHoSo"]}
    assert never_reported.code in portal.state()["dossiers"]
    first = NationalSync.objects.get(dossier=reported)
    assert first.state == SyncState.SYNCED
    assert first.first_synced_at is not None
