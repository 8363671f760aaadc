"""The lifecycle of a dossier in one table (Decree 118/2025/NĐ-CP; CONTRACT.md §2).

Read a row as: the action, the statuses it may be taken from, who may take it, the
status it leads to, and what it does to the clock. ``services`` applies the table; no
other module decides whether an action is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import pgettext_lazy

from motcua.dossiers.models import Status

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Action(StrEnum):
    INTAKE = "intake"
    ACCEPT = "accept"
    REFUSE = "refuse"
    REQUEST_SUPPLEMENT = "request-supplement"
    SUPPLEMENT = "supplement"
    FORWARD = "forward"
    SEND_BACK = "send-back"
    REQUEST_PAYMENT = "request-payment"
    CONFIRM_PAYMENT = "confirm-payment"
    EXTEND = "extend"
    STOP = "stop"
    RESOLVE = "resolve"
    RETURN = "return"
    WITHDRAW = "withdraw"
    ASSIGN = "assign"
    CORRECT = "correct"


class Actor(StrEnum):
    """Who may act: a role at the dossier's unit, the holder of the current step, or the
    applicant (the citizen who owns the dossier)."""

    DESK = "desk"  # one-stop desk of the receiving unit
    SPECIALIST = "specialist"  # specialist of the receiving unit or of the current step's unit
    LEADER = "leader"  # leader of the receiving unit or of the current step's unit
    UNIT_ADMIN = "unit_admin"  # administrator of the current step's unit (assignment)
    HOLDER = "holder"  # whoever holds the current workflow step
    APPLICANT = "applicant"
    SYSTEM = "system"  # the system itself (scheduled jobs, history import without ``by``)


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[Status]
    actors: frozenset[Actor]
    target: Status | None  # None: decided by the rule (see ``clock``)
    clock: str
    label: StrOrPromise


def _t(
    action: Action,
    sources: set[Status],
    actors: set[Actor],
    target: Status | None,
    clock: str,
    label: StrOrPromise,
) -> Transition:
    return Transition(action, frozenset(sources), frozenset(actors), target, clock, label)


S = Status
TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in [
        _t(Action.ACCEPT, {S.SUBMITTED}, {Actor.DESK}, S.RECEIVED,
           "the clock starts at acceptance", pgettext_lazy("dossier action", "Tiếp nhận")),
        # From supplement_requested only the system refuses: the supplement deadline passed
        # for a procedure marked refuse_on_supplement_expiry (CONTRACT.md §3).
        _t(Action.REFUSE, {S.SUBMITTED, S.SUPPLEMENT_REQUESTED}, {Actor.DESK, Actor.SYSTEM},
           S.REFUSED, "reason required (form 03); from supplement_requested only the system, "
           "when the supplement deadline passed",
           pgettext_lazy("dossier action", "Từ chối tiếp nhận")),
        # A second request on the same dossier is a leader's (CONTRACT.md §2): the national
        # 766 formulas count a dossier asked more than once as late (indicator 2.1).
        _t(Action.REQUEST_SUPPLEMENT, {S.SUBMITTED, S.RECEIVED, S.PROCESSING},
           {Actor.DESK, Actor.SPECIALIST, Actor.LEADER}, S.SUPPLEMENT_REQUESTED,
           "items required (form 02), optional deadline; the clock stops; "
           "a second request only by a leader",
           pgettext_lazy("dossier action", "Yêu cầu bổ sung")),
        _t(Action.SUPPLEMENT, {S.SUPPLEMENT_REQUESTED}, {Actor.APPLICANT, Actor.DESK}, None,
           "back to the status it left; a started clock restarts with the full time",
           pgettext_lazy("dossier action", "Bổ sung hồ sơ")),
        _t(Action.FORWARD, {S.RECEIVED, S.PROCESSING}, {Actor.DESK, Actor.HOLDER}, S.PROCESSING,
           "to the next workflow step (the first one from received)",
           pgettext_lazy("dossier action", "Chuyển bước tiếp")),
        _t(Action.SEND_BACK, {S.PROCESSING}, {Actor.HOLDER}, None,
           "to the previous step; from the first step back to the desk (received)",
           pgettext_lazy("dossier action", "Trả lại bước trước")),
        _t(Action.REQUEST_PAYMENT, {S.PROCESSING}, {Actor.SPECIALIST, Actor.LEADER},
           S.AWAITING_PAYMENT, "amount required; the clock pauses",
           pgettext_lazy("dossier action", "Yêu cầu nghĩa vụ tài chính")),
        _t(Action.CONFIRM_PAYMENT, {S.AWAITING_PAYMENT}, {Actor.DESK, Actor.APPLICANT},
           S.PROCESSING, "the clock resumes with the working time that was left",
           pgettext_lazy("dossier action", "Xác nhận đã thanh toán")),
        _t(Action.EXTEND, {S.PROCESSING, S.AWAITING_PAYMENT}, {Actor.LEADER}, None,
           "extended_due_at and reason required (form 04); timeliness still judged on due_at",
           pgettext_lazy("dossier action", "Gia hạn")),
        _t(Action.STOP, {S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT},
           {Actor.LEADER}, S.STOPPED, "reason required (form 05)",
           pgettext_lazy("dossier action", "Dừng xử lý")),
        _t(Action.RESOLVE, {S.PROCESSING}, {Actor.HOLDER}, S.RESOLVED,
           "only at the last step; resolved_at and timeliness set",
           pgettext_lazy("dossier action", "Hoàn thành xử lý")),
        _t(Action.RETURN, {S.RESOLVED}, {Actor.DESK}, S.RETURNED,
           "method counter, post or online", pgettext_lazy("dossier action", "Trả kết quả")),
        # Only before the result exists: a resolved dossier has one (CONTRACT.md §2).
        _t(Action.WITHDRAW,
           {S.SUBMITTED, S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT},
           {Actor.APPLICANT, Actor.DESK}, S.WITHDRAWN, "only before the result exists",
           pgettext_lazy("dossier action", "Rút hồ sơ")),
        _t(Action.ASSIGN, {S.PROCESSING, S.AWAITING_PAYMENT}, {Actor.LEADER, Actor.UNIT_ADMIN},
           None, "assign the current step to an officer of its unit",
           pgettext_lazy("dossier action", "Phân công")),
        # A corrected result (đính chính) of a returned dossier: both results stay.
        _t(Action.CORRECT, {S.RETURNED}, {Actor.LEADER}, S.RETURNED,
           "reason and the corrected result file required; the applicant is notified",
           pgettext_lazy("dossier action", "Đính chính kết quả")),
    ]
}  # fmt: skip

ACTION_LABELS: dict[Action, StrOrPromise] = {
    action: t.label for action, t in TRANSITIONS.items()
} | {Action.INTAKE: pgettext_lazy("dossier action", "Tiếp nhận hồ sơ")}


def allowed_from(status: Status) -> list[Action]:
    return [action for action, t in TRANSITIONS.items() if status in t.sources]
