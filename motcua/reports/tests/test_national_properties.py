"""Property: a period's indicators never change when later events are added, and the live
summary stays equal to a rebuild from the histories, whatever happens next."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.dossiers.errors import DossierError
from motcua.dossiers.lifecycle import Action
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_act, dossier_intake, status_actions
from motcua.procedures.models import Procedure
from motcua.reports.national_indicators import national_indicators
from motcua.reports.selectors import stats_report
from motcua.reports.summary import stats_differences
from motcua.reports.tests.conftest import A, Place
from motcua.reports.tests.test_national import P, Q

TZ = dt.timezone(dt.timedelta(hours=7))
FINAL = ["refused", "withdrawn", "stopped", "returned"]
LATER = dt.datetime(2027, 3, 16, 8, 0, tzinfo=TZ)  # after every imported event
PARAMS: dict[str, dict[str, Any]] = {
    "refuse": {"reason": "Không đủ điều kiện"},
    "request-supplement": {"items": ["Giấy tờ bổ sung"]},
    "request-payment": {"amount": 50000},
    "stop": {"reason": "Dừng"},
    "return": {"method": "counter"},
    "extend": {"reason": "Xin lỗi", "extended_due_at": LATER + dt.timedelta(days=60)},
}

steps = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=40),  # which dossier (modulo the open ones)
        st.integers(min_value=0, max_value=40),  # which allowed action (modulo)
        st.integers(min_value=1, max_value=30),  # hours later
        st.booleans(),  # also receive a new dossier at that time
    ),
    min_size=1,
    max_size=12,
)


def _snapshot(place: Place) -> list[Any]:
    out: list[Any] = []
    for unit in (place.province, place.commune):
        for period in (P, Q):
            items = national_indicators(unit=unit, date_from=period[0], date_to=period[1])
            out.append([i.as_dict() for i in items])
            out.append(stats_report(unit=unit, date_from=period[0], date_to=period[1]).total)
    return out


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=steps)
def test_later_events_never_change_a_past_period(
    national: Place, plan: list[tuple[int, int, int, bool]]
) -> None:
    before = _snapshot(national)
    procedure = Procedure.objects.get(code="3.000001")
    with transaction.atomic():
        moment = LATER
        for which, choice, hours, intake in plan:
            moment += dt.timedelta(hours=hours)
            if intake:
                dossier_intake(
                    actor=None, procedure=procedure, unit=national.commune, channel="counter",
                    applicant=A, case_code="lan-dau", at=moment,
                )  # fmt: skip
            open_ = list(Dossier.objects.exclude(status__in=FINAL).order_by("code"))
            if not open_:
                continue
            dossier = open_[which % len(open_)]
            actions = [a for a in status_actions(dossier) if a != "assign"]
            action = actions[choice % len(actions)]
            # e.g. resolve before the last step: the rules refuse it and nothing changes
            with contextlib.suppress(DossierError):
                dossier_act(
                    dossier=dossier, action=Action(action), actor=None,
                    params=PARAMS.get(action, {}), at=moment,
                )  # fmt: skip
        assert _snapshot(national) == before
        assert stats_differences() == []
        transaction.set_rollback(True)
