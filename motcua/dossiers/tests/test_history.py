"""`motcua verify-history` (CONTRACT.md §1) and the event hooks other apps register."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command

from motcua.dossiers import hooks
from motcua.dossiers import services as s
from motcua.dossiers.importer import import_dossiers
from motcua.dossiers.models import DossierEvent

from .conftest import APPLICANT, Province, local


def _verify() -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_history", stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def _intake(p: Province):
    d, _ = s.dossier_intake(
        actor=p.users["desk"],
        procedure=p.procedure("2.000001"),
        unit=p.commune,
        channel="counter",
        applicant=APPLICANT,
        at=local(2026, 3, 2, 8),
    )
    return s.dossier_forward(dossier=d, actor=p.users["desk"], at=local(2026, 3, 2, 9))


def test_verify_history_exits_0_when_intact_and_1_naming_each_broken_dossier(
    province: Province,
) -> None:
    first, second, third = _intake(province), _intake(province), _intake(province)
    code, out, _ = _verify()
    assert code == 0 and "all 3 dossier histories are intact" in out

    DossierEvent.objects.filter(dossier=first, seq=2).update(note="sửa lén")
    DossierEvent.objects.filter(dossier=third, seq=1).update(at=local(2026, 3, 1, 8))
    code, out, err = _verify()
    assert code == 1
    assert f"{first.code}\tevent 2 was altered" in out
    assert f"{third.code}\tevent 1 was altered" in out
    assert second.code not in out
    assert "2 of 3 dossiers have a broken history" in err


@pytest.fixture
def recorder() -> Any:
    seen: dict[str, list[str]] = {"always": [], "live_only": []}

    def always(dossier: Any, event: Any) -> None:
        seen["always"].append(event.action)

    def live_only(dossier: Any, event: Any) -> None:
        seen["live_only"].append(event.action)

    saved = list(hooks._hooks)
    hooks.register_event_hook(always)
    hooks.register_event_hook(live_only, during_replay=False)
    hooks.register_event_hook(always)  # registering twice changes nothing
    yield seen
    hooks._hooks[:] = saved


def test_hooks_run_in_the_action_and_may_stay_out_of_a_history_import(
    province: Province, recorder: dict[str, list[str]]
) -> None:
    _intake(province)
    assert recorder == {"always": ["intake", "forward"], "live_only": ["intake", "forward"]}
    line = {
        "procedure": "2.000001",
        "unit": "000.01.01.T01",
        "channel": "counter",
        "applicant": APPLICANT,
        "received_at": "2026-03-02T08:00:00+07:00",
        "events": [{"action": "forward", "at": "2026-03-02T09:00:00+07:00"}],
    }
    assert import_dossiers(iter([(1, json.dumps(line))])).imported == 1
    assert recorder["always"] == ["intake", "forward", "intake", "forward"]
    assert recorder["live_only"] == ["intake", "forward"]
    assert not hooks.is_replaying()
