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
    clock: StrOrPromise  # what the action does, in the words of the one who takes it
    label: StrOrPromise


def _t(
    action: Action,
    sources: set[Status],
    actors: set[Actor],
    target: Status | None,
    clock: StrOrPromise,
    label: StrOrPromise,
) -> Transition:
    return Transition(action, frozenset(sources), frozenset(actors), target, clock, label)


# What each action does, as the officer reads it above the action's form.
_RULES: dict[str, StrOrPromise] = {
    "ACCEPT": pgettext_lazy(
        "dossier rule",
        "Thời hạn giải quyết bắt đầu tính từ lúc tiếp nhận.",
    ),
    "REFUSE": pgettext_lazy(
        "dossier rule",
        "Bắt buộc nêu lý do; in Phiếu từ chối (mẫu 03). Hồ sơ đang chờ bổ sung chỉ bị hệ "
        "thống từ chối khi quá hạn bổ sung.",
    ),
    "REQUEST_SUPPLEMENT": pgettext_lazy(
        "dossier rule",
        "Bắt buộc nêu giấy tờ cần bổ sung, có thể nêu hạn bổ sung; in Phiếu yêu cầu bổ sung "
        "(mẫu 02). Thời hạn tạm dừng. Yêu cầu bổ sung lần thứ hai chỉ do lãnh đạo.",
    ),
    "SUPPLEMENT": pgettext_lazy(
        "dossier rule",
        "Hồ sơ trở lại bước trước khi yêu cầu bổ sung; thời hạn được tính lại theo quy tắc "
        "đang áp dụng (tính lại từ đầu, hoặc lùi hạn bằng thời gian chờ).",
    ),
    "FORWARD": pgettext_lazy(
        "dossier rule",
        "Chuyển sang bước tiếp theo của quy trình.",
    ),
    "SEND_BACK": pgettext_lazy(
        "dossier rule",
        "Trả về bước trước; từ bước đầu tiên trả về Bộ phận Một cửa.",
    ),
    "REQUEST_PAYMENT": pgettext_lazy(
        "dossier rule",
        "Bắt buộc nêu số tiền; thời hạn tạm dừng đến khi thanh toán.",
    ),
    "CONFIRM_PAYMENT": pgettext_lazy(
        "dossier rule",
        "Thời hạn tiếp tục với thời gian làm việc còn lại.",
    ),
    "EXTEND": pgettext_lazy(
        "dossier rule",
        "Bắt buộc nêu ngày hẹn trả mới và lý do; in Văn bản xin lỗi và đề nghị gia hạn "
        "(mẫu 04). Việc đúng hạn vẫn xét theo hạn ban đầu.",
    ),
    "STOP": pgettext_lazy(
        "dossier rule",
        "Bắt buộc nêu lý do; in Thông báo dừng giải quyết (mẫu 05).",
    ),
    "RESOLVE": pgettext_lazy(
        "dossier rule",
        "Chỉ ở bước cuối của quy trình; ghi nhận thời điểm hoàn thành và việc đúng hạn.",
    ),
    "RETURN": pgettext_lazy(
        "dossier rule",
        "Chọn cách trả: tại Bộ phận Một cửa, qua bưu chính hoặc trực tuyến.",
    ),
    "WITHDRAW": pgettext_lazy(
        "dossier rule",
        "Hồ sơ kết thúc theo đề nghị của người nộp; chỉ khi chưa có kết quả.",
    ),
    "CORRECT": pgettext_lazy(
        "dossier rule",
        "Bắt buộc nêu lý do và tệp kết quả đã đính chính; người nộp được thông báo.",
    ),
    "ASSIGN": pgettext_lazy(
        "dossier rule",
        "Giao bước hiện tại cho một cán bộ của đơn vị xử lý.",
    ),
}

S = Status
TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in [
        _t(Action.ACCEPT, {S.SUBMITTED}, {Actor.DESK}, S.RECEIVED,
           _RULES["ACCEPT"], pgettext_lazy("dossier action", "Tiếp nhận")),
        # From supplement_requested only the system refuses: the supplement deadline passed
        # for a procedure marked refuse_on_supplement_expiry (CONTRACT.md §3).
        _t(Action.REFUSE, {S.SUBMITTED, S.SUPPLEMENT_REQUESTED}, {Actor.DESK, Actor.SYSTEM},
           S.REFUSED, _RULES["REFUSE"],
           pgettext_lazy("dossier action", "Từ chối tiếp nhận")),
        # A second request on the same dossier is a leader's (CONTRACT.md §2): the national
        # 766 formulas count a dossier asked more than once as late (indicator 2.1).
        _t(Action.REQUEST_SUPPLEMENT, {S.SUBMITTED, S.RECEIVED, S.PROCESSING},
           {Actor.DESK, Actor.SPECIALIST, Actor.LEADER}, S.SUPPLEMENT_REQUESTED,
           _RULES["REQUEST_SUPPLEMENT"],
           pgettext_lazy("dossier action", "Yêu cầu bổ sung")),
        _t(Action.SUPPLEMENT, {S.SUPPLEMENT_REQUESTED}, {Actor.APPLICANT, Actor.DESK}, None,
           _RULES["SUPPLEMENT"],
           pgettext_lazy("dossier action", "Bổ sung hồ sơ")),
        _t(Action.FORWARD, {S.RECEIVED, S.PROCESSING}, {Actor.DESK, Actor.HOLDER}, S.PROCESSING,
           _RULES["FORWARD"],
           pgettext_lazy("dossier action", "Chuyển bước tiếp")),
        _t(Action.SEND_BACK, {S.PROCESSING}, {Actor.HOLDER}, None,
           _RULES["SEND_BACK"],
           pgettext_lazy("dossier action", "Trả lại bước trước")),
        _t(Action.REQUEST_PAYMENT, {S.PROCESSING}, {Actor.SPECIALIST, Actor.LEADER},
           S.AWAITING_PAYMENT, _RULES["REQUEST_PAYMENT"],
           pgettext_lazy("dossier action", "Yêu cầu nghĩa vụ tài chính")),
        _t(Action.CONFIRM_PAYMENT, {S.AWAITING_PAYMENT}, {Actor.DESK, Actor.APPLICANT},
           S.PROCESSING, _RULES["CONFIRM_PAYMENT"],
           pgettext_lazy("dossier action", "Xác nhận đã thanh toán")),
        _t(Action.EXTEND, {S.PROCESSING, S.AWAITING_PAYMENT}, {Actor.LEADER}, None,
           _RULES["EXTEND"],
           pgettext_lazy("dossier action", "Gia hạn")),
        _t(Action.STOP, {S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT},
           {Actor.LEADER}, S.STOPPED, _RULES["STOP"],
           pgettext_lazy("dossier action", "Dừng xử lý")),
        _t(Action.RESOLVE, {S.PROCESSING}, {Actor.HOLDER}, S.RESOLVED,
           _RULES["RESOLVE"],
           pgettext_lazy("dossier action", "Hoàn thành xử lý")),
        _t(Action.RETURN, {S.RESOLVED}, {Actor.DESK}, S.RETURNED,
           _RULES["RETURN"], pgettext_lazy("dossier action", "Trả kết quả")),
        # Only before the result exists: a resolved dossier has one (CONTRACT.md §2).
        _t(Action.WITHDRAW,
           {S.SUBMITTED, S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT},
           {Actor.APPLICANT, Actor.DESK}, S.WITHDRAWN, _RULES["WITHDRAW"],
           pgettext_lazy("dossier action", "Rút hồ sơ")),
        _t(Action.ASSIGN, {S.PROCESSING, S.AWAITING_PAYMENT}, {Actor.LEADER, Actor.UNIT_ADMIN},
           None, _RULES["ASSIGN"],
           pgettext_lazy("dossier action", "Phân công")),
        # A corrected result (đính chính) of a returned dossier: both results stay.
        _t(Action.CORRECT, {S.RETURNED}, {Actor.LEADER}, S.RETURNED,
           _RULES["CORRECT"],
           pgettext_lazy("dossier action", "Đính chính kết quả")),
    ]
}  # fmt: skip

ACTION_LABELS: dict[Action, StrOrPromise] = {
    action: t.label for action, t in TRANSITIONS.items()
} | {Action.INTAKE: pgettext_lazy("dossier action", "Tiếp nhận hồ sơ")}


def allowed_from(status: Status) -> list[Action]:
    return [action for action, t in TRANSITIONS.items() if status in t.sources]
