"""The lifecycle through the services: every row of the table, its clock rule, and the
transitions it refuses."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.dossiers import services as s
from motcua.dossiers.errors import ActionForbidden, ActionNotAllowed, DossierInvalid, StaleVersion
from motcua.dossiers.history import broken_dossiers
from motcua.dossiers.lifecycle import TRANSITIONS
from motcua.dossiers.models import Dossier, DossierEvent, Status

from .conftest import APPLICANT, Province, local


def counter_intake(p: Province, code: str = "2.000001", at: dt.datetime | None = None, **kw):
    dossier, _ = s.dossier_intake(
        actor=p.users["desk"],
        procedure=p.procedure(code),
        unit=p.commune,
        channel="counter",
        applicant=APPLICANT,
        at=at or local(2026, 3, 2, 8, 0),
        **kw,
    )
    return dossier


def online_submit(p: Province, at: dt.datetime | None = None) -> Dossier:
    dossier, _ = s.dossier_intake(
        actor=p.users["citizen"],
        procedure=p.procedure("2.000001"),
        unit=p.commune,
        channel="online",
        applicant=APPLICANT,
        at=at or local(2026, 3, 2, 8, 0),
    )
    return dossier


def walk_to_last_step(p: Province, d: Dossier, at: dt.datetime) -> Dossier:
    d = s.dossier_forward(dossier=d, actor=p.users["desk"], at=at)
    d = s.dossier_forward(dossier=d, actor=p.users["specialist"], at=at)
    return s.dossier_forward(dossier=d, actor=p.users["dept_specialist"], at=at)


def test_counter_intake_is_received_with_code_and_due(province: Province) -> None:
    d = counter_intake(province)
    assert d.status == Status.RECEIVED
    assert d.code == "000.01.01.T01-260302-0001"
    assert d.received_at == local(2026, 3, 2, 8, 0)
    # 5 working days from Monday 08:00 is the next Monday 08:00.
    assert d.due_at == local(2026, 3, 9, 8, 0)
    assert d.event_count == 1
    assert list(d.events.values_list("action", flat=True)) == ["intake"]


def test_codes_are_consecutive_per_unit_and_day(province: Province) -> None:
    codes = [counter_intake(province).code for _ in range(3)]
    assert codes == [f"000.01.01.T01-260302-000{i}" for i in (1, 2, 3)]
    next_day = counter_intake(province, at=local(2026, 3, 3, 9, 0))
    assert next_day.code == "000.01.01.T01-260303-0001"


def test_same_day_procedure_after_cutoff_is_due_next_working_day(province: Province) -> None:
    d = counter_intake(province, code="1.001193", at=local(2026, 3, 4, 15, 20))
    assert d.due_at == local(2026, 3, 5, 17, 0)
    before = counter_intake(province, code="1.001193", at=local(2026, 3, 4, 14, 59))
    assert before.due_at == local(2026, 3, 4, 17, 0)


def test_case_processing_time_and_fee_apply(province: Province) -> None:
    d = counter_intake(province, code="3.000001", case_code="cap-lai")
    assert d.due_at == local(2026, 3, 3, 8, 0)
    assert d.fee_amount == 5000
    with pytest.raises(DossierInvalid) as exc:
        counter_intake(province, code="3.000001")
    assert "case" in exc.value.errors


def test_online_dossier_clock_starts_at_acceptance(province: Province) -> None:
    d = online_submit(province)
    assert d.status == Status.SUBMITTED and d.due_at is None
    d = s.dossier_accept(dossier=d, actor=province.users["desk"], at=local(2026, 3, 3, 10, 0))
    assert d.status == Status.RECEIVED
    assert d.received_at == local(2026, 3, 3, 10, 0)
    assert d.due_at == local(2026, 3, 10, 10, 0)


def test_refuse_needs_a_reason_and_is_final(province: Province) -> None:
    d = online_submit(province)
    with pytest.raises(DossierInvalid):
        s.dossier_refuse(dossier=d, actor=province.users["desk"], reason="  ")
    d = s.dossier_refuse(dossier=d, actor=province.users["desk"], reason="Sai thẩm quyền")
    assert d.status == Status.REFUSED and d.closed_at is not None
    with pytest.raises(ActionNotAllowed) as exc:
        s.dossier_accept(dossier=d, actor=province.users["desk"])
    assert exc.value.extra["allowed_actions"] == []


def test_supplement_during_reception_returns_to_submitted_without_clock(province: Province) -> None:
    d = online_submit(province)
    d = s.dossier_request_supplement(
        dossier=d, actor=province.users["desk"], items=["Bản sao CCCD"], at=local(2026, 3, 2, 9)
    )
    assert d.status == Status.SUPPLEMENT_REQUESTED
    d = s.dossier_supplement(dossier=d, actor=province.users["citizen"], at=local(2026, 3, 4, 9))
    assert d.status == Status.SUBMITTED
    assert d.due_at is None and d.received_at is None


def test_supplement_during_processing_restarts_the_full_clock(province: Province) -> None:
    d = counter_intake(province)
    d = s.dossier_forward(dossier=d, actor=province.users["desk"], at=local(2026, 3, 2, 9))
    d = s.dossier_request_supplement(
        dossier=d, actor=province.users["specialist"], items=["Bản vẽ"], at=local(2026, 3, 3, 9)
    )
    d = s.dossier_supplement(dossier=d, actor=province.users["desk"], at=local(2026, 3, 5, 14))
    assert d.status == Status.PROCESSING
    assert d.step_index == 0
    assert d.due_at == local(2026, 3, 12, 14, 0)


def test_payment_pauses_and_resumes_with_the_time_left(province: Province) -> None:
    d = counter_intake(province)  # due Monday 2027-03-08 08:00
    d = s.dossier_forward(dossier=d, actor=province.users["desk"], at=local(2026, 3, 2, 9))
    # Friday 08:00: one working day (8 h) is left.
    d = s.dossier_request_payment(
        dossier=d, actor=province.users["specialist"], amount=50000, at=local(2026, 3, 6, 8, 0)
    )
    assert d.status == Status.AWAITING_PAYMENT and d.paused_remaining_seconds == 8 * 3600
    d = s.dossier_confirm_payment(
        dossier=d,
        actor=province.users["desk"],
        at=local(2026, 3, 11, 13, 0),
    )
    assert d.status == Status.PROCESSING and d.payment_state == "paid"
    # Wednesday 13:00 + 8 working hours: 4 h that afternoon, 4 h Thursday morning.
    assert d.due_at == local(2026, 3, 12, 11, 30)


def test_extension_keeps_due_at_as_the_yardstick(province: Province) -> None:
    d = counter_intake(province)
    d = walk_to_last_step(province, d, local(2026, 3, 3, 9))
    d = s.dossier_extend(
        dossier=d,
        actor=province.users["leader"],
        extended_due_at=local(2026, 3, 13, 17),
        reason="Cần xác minh thêm",
        at=local(2026, 3, 6, 9),
    )
    assert d.extended_due_at == local(2026, 3, 13, 17)
    d = s.dossier_resolve(dossier=d, actor=province.users["leader"], at=local(2026, 3, 11, 9))
    assert d.timeliness == "late"


@pytest.mark.parametrize(
    ("resolved_at", "expected"),
    [
        (local(2026, 3, 6, 16, 0), "early"),
        (local(2026, 3, 9, 7, 45), "on_time"),
        (local(2026, 3, 9, 8, 0), "on_time"),
        (local(2026, 3, 9, 8, 1), "late"),
    ],
)
def test_resolve_sets_timeliness(
    province: Province, resolved_at: dt.datetime, expected: str
) -> None:
    d = counter_intake(province)
    d = walk_to_last_step(province, d, local(2026, 3, 2, 9))
    d = s.dossier_resolve(dossier=d, actor=province.users["leader"], at=resolved_at)
    assert d.status == Status.RESOLVED and d.resolved_at == resolved_at
    assert d.timeliness == expected


def test_resolve_only_at_the_last_step(province: Province) -> None:
    d = counter_intake(province)
    d = s.dossier_forward(dossier=d, actor=province.users["desk"], at=local(2026, 3, 2, 9))
    with pytest.raises(ActionNotAllowed):
        s.dossier_resolve(dossier=d, actor=province.users["specialist"])


def test_return_and_withdraw_are_final(province: Province) -> None:
    d = counter_intake(province)
    d = walk_to_last_step(province, d, local(2026, 3, 2, 9))
    d = s.dossier_resolve(dossier=d, actor=province.users["leader"], at=local(2026, 3, 4, 9))
    d = s.dossier_return(
        dossier=d, actor=province.users["desk"], method="counter", at=local(2026, 3, 4, 10)
    )
    assert d.status == Status.RETURNED and d.returned_at == local(2026, 3, 4, 10)
    other = counter_intake(province)
    other = s.dossier_withdraw(dossier=other, actor=province.users["desk"])
    assert other.status == Status.WITHDRAWN


def test_stop_needs_a_leader_and_a_reason(province: Province) -> None:
    d = counter_intake(province)
    with pytest.raises(ActionForbidden):
        s.dossier_stop(dossier=d, actor=province.users["desk"], reason="x")
    d = s.dossier_stop(dossier=d, actor=province.users["leader"], reason="Người nộp đề nghị dừng")
    assert d.status == Status.STOPPED


def test_inter_agency_step_moves_to_the_other_unit_and_both_see_it(province: Province) -> None:
    from motcua.dossiers.selectors import dossier_scope

    d = counter_intake(province)
    d = s.dossier_forward(dossier=d, actor=province.users["desk"], at=local(2026, 3, 2, 9))
    d = s.dossier_forward(dossier=d, actor=province.users["specialist"], at=local(2026, 3, 2, 10))
    assert d.step_unit == province.department
    assert s.available_actions(d, province.users["dept_specialist"]) == [
        "request-supplement",
        "forward",
        "send-back",
        "request-payment",
    ]
    assert s.available_actions(d, province.users["specialist"]) == [
        "request-supplement",
        "request-payment",
    ]
    for name in ("dept_specialist", "desk", "province_leader"):
        assert dossier_scope(user=province.users[name]).filter(pk=d.pk).exists(), name
    assert not dossier_scope(user=province.users["desk2"]).filter(pk=d.pk).exists()
    d = s.dossier_forward(
        dossier=d, actor=province.users["dept_specialist"], at=local(2026, 3, 3, 9)
    )
    # After the department's step it still sees the dossier it worked on.
    assert dossier_scope(user=province.users["dept_specialist"]).filter(pk=d.pk).exists()


def test_the_unfiltered_list_is_newest_first_and_shows_each_dossier_once(
    province: Province,
) -> None:
    """Read from the participants' own index for one unit (one entry per unit that sees a
    dossier), and through the scope's semi-join for several, the list keeps the dossiers'
    order and shows a dossier held by two of the officer's units once."""
    from motcua.core.pagination import capped_count
    from motcua.dossiers.selectors import dossier_list, dossier_scope
    from motcua.units.services import user_create_or_update

    both = user_create_or_update(
        username="hai_don_vi",
        password="mat-khau-thu-nghiem",
        roles=[("desk", "000.01.01.T01"), ("specialist", "000.00.01.T01")],
    )
    first = counter_intake(province)
    shared = counter_intake(province)
    shared = s.dossier_forward(dossier=shared, actor=province.users["desk"])
    shared = s.dossier_forward(dossier=shared, actor=province.users["specialist"])
    assert shared.step_unit == province.department  # seen by the commune and the department
    last = counter_intake(province)

    def newest(user: object) -> list[int]:
        return list(dossier_list(user=user).values_list("pk", flat=True))

    assert newest(both) == [last.pk, shared.pk, first.pk]
    assert capped_count(dossier_list(user=both)) == 3
    assert newest(province.users["dept_specialist"]) == [shared.pk]
    assert newest(province.users["desk2"]) == []
    for name in ("desk", "dept_leader", "province_leader", "citizen"):
        user = province.users[name]
        in_scope = dossier_scope(user=user).order_by("-created_at", "-id")
        assert newest(user) == list(in_scope.values_list("pk", flat=True)), name


def test_assignee_alone_holds_the_step(province: Province) -> None:
    d = counter_intake(province)
    d = s.dossier_forward(dossier=d, actor=province.users["desk"], assignee="specialist2")
    with pytest.raises(ActionForbidden):
        s.dossier_forward(dossier=d, actor=province.users["specialist"])
    with pytest.raises(DossierInvalid):
        s.dossier_assign(dossier=d, actor=province.users["leader"], assignee="desk")
    d = s.dossier_assign(dossier=d, actor=province.users["leader"], assignee="specialist")
    d = s.dossier_forward(dossier=d, actor=province.users["specialist"])
    assert d.step_index == 1


def test_send_back_from_first_step_returns_to_the_desk(province: Province) -> None:
    d = counter_intake(province)
    d = s.dossier_forward(dossier=d, actor=province.users["desk"])
    d = s.dossier_forward(dossier=d, actor=province.users["specialist"])
    d = s.dossier_send_back(dossier=d, actor=province.users["dept_specialist"])
    assert (d.status, d.step_index) == (Status.PROCESSING, 0)
    d = s.dossier_send_back(dossier=d, actor=province.users["specialist"])
    assert (d.status, d.step_index) == (Status.RECEIVED, None)


def test_stale_version_is_a_conflict(province: Province) -> None:
    d = counter_intake(province)
    s.dossier_forward(dossier=d, actor=province.users["desk"], version=d.version)
    with pytest.raises(StaleVersion):
        s.dossier_stop(dossier=d, actor=province.users["leader"], reason="x", version=d.version)


def _dossier_in(p: Province, status: Status) -> Dossier:
    d = counter_intake(p)
    desk, spec, lead = p.users["desk"], p.users["specialist"], p.users["leader"]
    if status == Status.SUBMITTED:
        return online_submit(p)
    if status == Status.RECEIVED:
        return d
    if status == Status.REFUSED:
        return s.dossier_refuse(dossier=online_submit(p), actor=desk, reason="x")
    if status == Status.WITHDRAWN:
        return s.dossier_withdraw(dossier=d, actor=desk)
    if status == Status.STOPPED:
        return s.dossier_stop(dossier=d, actor=lead, reason="x")
    if status == Status.SUPPLEMENT_REQUESTED:
        return s.dossier_request_supplement(dossier=d, actor=desk, items=["a"])
    d = s.dossier_forward(dossier=d, actor=desk)
    if status == Status.PROCESSING:
        return d
    if status == Status.AWAITING_PAYMENT:
        return s.dossier_request_payment(dossier=d, actor=spec, amount=1000)
    d = walk_to_last_step(p, counter_intake(p), local(2026, 3, 2, 9))
    d = s.dossier_resolve(dossier=d, actor=lead, at=local(2026, 3, 3, 9))
    if status == Status.RESOLVED:
        return d
    return s.dossier_return(dossier=d, actor=desk, method="counter", at=local(2026, 3, 3, 10))


@pytest.mark.parametrize("status", list(Status))
def test_every_transition_outside_the_table_is_refused(province: Province, status: Status) -> None:
    d = _dossier_in(province, status)
    assert d.status == status
    for action, transition in TRANSITIONS.items():
        if status in transition.sources:
            continue
        with pytest.raises(ActionNotAllowed):
            s.dossier_act(
                dossier=d,
                action=action,
                actor=None,
                params={
                    "reason": "x",
                    "items": ["a"],
                    "amount": 1,
                    "method": "counter",
                    "extended_due_at": local(2030, 1, 1, 9),
                    "assignee": None,
                },
            )
    assert Dossier.objects.get(pk=d.pk).version == d.version


def test_history_is_chained_and_tampering_is_found(province: Province) -> None:
    d = counter_intake(province)
    d = s.dossier_forward(dossier=d, actor=province.users["desk"])
    d = s.dossier_forward(dossier=d, actor=province.users["specialist"])
    intact = counter_intake(province)
    assert list(broken_dossiers()) == []
    events = list(d.events.order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[1].prev_hash == events[0].hash
    DossierEvent.objects.filter(pk=events[1].pk).update(note="sửa lén")
    assert [code for code, _ in broken_dossiers()] == [d.code]
    assert intact.code not in dict(broken_dossiers())


@pytest.mark.parametrize("tamper", ["delete_last", "delete_middle", "reorder"])
def test_deleted_or_reordered_events_are_found(province: Province, tamper: str) -> None:
    d = counter_intake(province)
    d = s.dossier_forward(dossier=d, actor=province.users["desk"])
    d = s.dossier_forward(dossier=d, actor=province.users["specialist"])
    events = list(d.events.order_by("seq"))
    if tamper == "delete_last":
        events[-1].delete()
    elif tamper == "delete_middle":
        events[1].delete()
    else:
        DossierEvent.objects.filter(pk=events[1].pk).update(seq=99)
        DossierEvent.objects.filter(pk=events[2].pk).update(seq=2)
        DossierEvent.objects.filter(pk=events[1].pk).update(seq=3)
    assert [code for code, _ in broken_dossiers()] == [d.code]


def test_phone_numbers_have_ten_digits_or_eleven_for_landlines() -> None:
    from motcua.dossiers.validation import applicant_clean

    def phone_ok(phone: str) -> bool:
        return "phone" not in applicant_clean({"name": "An", "phone": phone})[1]

    assert phone_ok("0901234567") and phone_ok("+84901234567")
    assert phone_ok("02433334444")  # Hà Nội landline
    assert not phone_ok("09012345678")  # a mobile number with one digit too many
    assert not phone_ok("090123456")
