"""Every write of citizen feedback (phản ánh, kiến nghị): one function per step, each one
audited event (CONTRACT.md §11).

Legal frame: Decree 20/2008/NĐ-CP on receiving and handling feedback and recommendations
of individuals and organisations on administrative regulations (amended by Decree
92/2017/NĐ-CP), and the time limits Decision 766/QĐ-TTg scores (reference/766-indicators.md
group 5): refuse within 2 working days of receipt, ask for more within 5, answer within 15,
publish the answer within 2 working days after it is ready. Deadlines run on the
working-time calendar.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from motcua.calendars.selectors import working_calendar
from motcua.core.errors import DomainError
from motcua.dossiers.models import Dossier
from motcua.feedback.models import (
    Category,
    Feedback,
    FeedbackCounter,
    FeedbackEvent,
    FeedbackReaction,
    FeedbackStatus,
)
from motcua.units.models import Membership, Role, Unit

REFUSE_DAYS = 2
ASK_MORE_DAYS = 5
ANSWER_DAYS = 15
PUBLISH_DAYS = 2
CONTENT_MAX = 5000
_PHONE = re.compile(r"^0\d{9,10}$")

S = FeedbackStatus


class FeedbackInvalid(DomainError):
    status_code = 400

    def __init__(self, errors: dict[str, list[str]]) -> None:
        field, messages = next(iter(errors.items()))
        super().__init__(f"{field}: {messages[0]}")
        self.errors = errors

    def payload(self) -> dict[str, Any]:
        return {"detail": self.message, **self.errors}


class FeedbackConflict(DomainError):
    status_code = 409


class FeedbackForbidden(DomainError):
    status_code = 403


# Which step is allowed from which status, and who takes it (staff of the feedback's unit).
STEPS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "accept": (frozenset({S.RECEIVED}), frozenset({Role.DESK, Role.SPECIALIST, Role.LEADER})),
    "refuse": (frozenset({S.RECEIVED}), frozenset({Role.DESK, Role.SPECIALIST, Role.LEADER})),
    "ask-more": (
        frozenset({S.RECEIVED, S.ACCEPTED}),
        frozenset({Role.DESK, Role.SPECIALIST, Role.LEADER}),
    ),
    "assign": (
        frozenset({S.ACCEPTED, S.INFO_REQUESTED}),
        frozenset({Role.LEADER, Role.UNIT_ADMIN}),
    ),
    "answer": (frozenset({S.ACCEPTED}), frozenset({Role.SPECIALIST, Role.LEADER})),
    "publish": (frozenset({S.ANSWERED}), frozenset({Role.LEADER})),
}
STEP_LABELS = {
    "receive": "Tiếp nhận phản ánh",
    "accept": "Thụ lý",
    "refuse": "Từ chối xử lý",
    "ask-more": "Đề nghị bổ sung thông tin",
    "provide-info": "Người gửi bổ sung thông tin",
    "assign": "Phân công xử lý",
    "answer": "Dự thảo trả lời",
    "publish": "Công khai trả lời",
}


# ---------------------------------------------------------------------------- receipt


def _text(
    value: Any, name: str, errors: dict[str, list[str]], *, required: bool, limit: int, message: str
) -> str:
    if value is None or value == "":
        if required:
            errors[name] = [message]
        return ""
    if not isinstance(value, str) or "\x00" in value:
        errors[name] = ["Phải là văn bản."]
        return ""
    text = value.strip()
    if required and not text:
        errors[name] = [message]
    elif len(text) > limit:
        errors[name] = [f"Tối đa {limit} ký tự."]
    return text


def _next_code(at: dt.datetime) -> str:
    """``PAKN-{yyMMdd}-{NNNN}`` from a locked counter row per local day."""
    day = timezone.localtime(at).date()
    FeedbackCounter.objects.bulk_create([FeedbackCounter(day=day, last=0)], ignore_conflicts=True)
    counter = FeedbackCounter.objects.select_for_update().get(day=day)
    FeedbackCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    return f"PAKN-{day:%y%m%d}-{counter.last:04d}"


def _root_unit() -> Unit | None:
    return Unit.objects.filter(parent__isnull=True).order_by("path", "code").first()


def feedback_submit(
    *,
    category: Any,
    content: Any,
    name: Any,
    phone: Any = "",
    email: Any = "",
    dossier_code: Any = "",
    unit_code: Any = "",
    reopens_code: Any = "",
    at: dt.datetime | None = None,
    national_code: str | None = None,
) -> Feedback:
    """Receive a feedback from the public portal (or the API). The unit handling it is the
    one named, else the dossier's receiving unit, else the province (the root unit). The
    deadlines are set at once from the working-time calendar."""
    at = at or timezone.now()
    errors: dict[str, list[str]] = {}
    if category not in Category.values:
        errors["category"] = ["Chọn nhóm phản ánh: quy định hành chính, hành vi cán bộ hoặc khác."]
    text = _text(
        content,
        "content",
        errors,
        required=True,
        limit=CONTENT_MAX,
        message="Vui lòng nhập nội dung phản ánh, kiến nghị.",
    )
    if text and len(text) < 10 and "content" not in errors:
        errors["content"] = ["Nội dung quá ngắn (ít nhất 10 ký tự)."]
    who = _text(
        name, "name", errors, required=True, limit=255, message="Vui lòng nhập họ tên người gửi."
    )
    phone_ = _text(phone, "phone", errors, required=False, limit=16, message="")
    phone_ = re.sub(r"[\s.\-]", "", phone_)
    if phone_ and not _PHONE.match(phone_):
        errors["phone"] = ["Số điện thoại không hợp lệ (ví dụ: 0901234567)."]
    email_ = _text(email, "email", errors, required=False, limit=254, message="")
    if email_:
        try:
            validate_email(email_)
        except ValidationError:
            errors["email"] = ["Địa chỉ thư điện tử không hợp lệ."]
    if not phone_ and not email_ and "phone" not in errors and "email" not in errors:
        errors["phone"] = ["Để lại số điện thoại hoặc thư điện tử để nhận trả lời."]
    dossier = None
    code = _text(dossier_code, "dossier_code", errors, required=False, limit=48, message="")
    if code:
        dossier = Dossier.objects.select_related("unit").filter(code=code).first()
        if dossier is None:
            errors["dossier_code"] = ["Không tìm thấy hồ sơ với mã này."]
    unit = None
    ucode = _text(unit_code, "unit", errors, required=False, limit=32, message="")
    if ucode:
        unit = Unit.objects.filter(code=ucode).first()
        if unit is None:
            errors["unit"] = ["Không có đơn vị với mã này."]
    reopens = None
    rcode = _text(reopens_code, "reopens", errors, required=False, limit=24, message="")
    if rcode:
        reopens = Feedback.objects.filter(code=rcode, status=S.PUBLISHED).first()
        if reopens is None:
            errors["reopens"] = ["Chỉ phản ánh lại được về một trả lời đã công khai."]
    if errors:
        raise FeedbackInvalid(errors)
    unit = unit or (dossier.unit if dossier else None) or (reopens.unit if reopens else None)
    unit = unit or _root_unit()
    if unit is None:
        raise FeedbackInvalid({"unit": ["Chưa có đơn vị nào tiếp nhận phản ánh."]})
    calendar = working_calendar()
    with transaction.atomic():
        feedback = Feedback.objects.create(
            code=_next_code(at),
            national_code=national_code or None,
            unit=unit,
            dossier=dossier,
            reopens=reopens,
            category=category,
            content=text,
            name=who,
            phone=phone_,
            email=email_,
            status=S.RECEIVED,
            received_at=at,
            refuse_due_at=calendar.due(at, REFUSE_DAYS),
            ask_more_due_at=calendar.due(at, ASK_MORE_DAYS),
            answer_due_at=calendar.due(at, ANSWER_DAYS),
        )
        _event(
            feedback,
            action="receive",
            actor=None,
            at=at,
            from_status="",
            data={"category": category},
        )
    return feedback


def _event(
    feedback: Feedback,
    *,
    action: str,
    actor: User | None,
    at: dt.datetime,
    from_status: str,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> FeedbackEvent:
    seq = (feedback.events.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
    return FeedbackEvent.objects.create(
        feedback=feedback,
        seq=seq,
        action=action,
        actor=actor,
        actor_name=actor.get_username() if actor is not None else "citizen",
        at=at,
        from_status=from_status,
        to_status=feedback.status,
        note=note,
        data=data or {},
    )


# ---------------------------------------------------------------------------- handling


def feedback_roles(feedback: Feedback, user: User | None) -> set[str]:
    """The roles ``user`` holds at the feedback's unit (leaders also above it)."""
    if user is None or not user.is_authenticated:
        return set()
    if user.is_superuser:
        return {Role.DESK, Role.SPECIALIST, Role.LEADER, Role.UNIT_ADMIN}
    roles = set(
        Membership.objects.filter(user=user, unit=feedback.unit).values_list("role", flat=True)
    )
    above = Membership.objects.filter(user=user, role=Role.LEADER).values_list(
        "unit__path", flat=True
    )
    if any(path and feedback.unit.path.startswith(path) for path in above):
        roles.add(Role.LEADER)
    return roles


def feedback_steps(feedback: Feedback, user: User | None) -> list[str]:
    """The steps this user may take on this feedback now."""
    roles = feedback_roles(feedback, user)
    return [
        step
        for step, (sources, allowed) in STEPS.items()
        if feedback.status in sources and roles & allowed
    ]


def _step(
    *,
    feedback: Feedback,
    step: str,
    actor: User,
    version: int | None,
    at: dt.datetime | None,
    note: str,
    apply: Callable[[Feedback, dt.datetime], dict[str, Any]],
) -> Feedback:
    at = at or timezone.now()
    if not isinstance(note, str) or len(note) > 2000:
        raise FeedbackInvalid({"note": ["Ghi chú là văn bản, tối đa 2000 ký tự."]})
    with transaction.atomic():
        locked = (
            Feedback.objects.select_for_update(of=("self",))
            .select_related("unit")
            .get(pk=feedback.pk)
        )
        sources, allowed = STEPS[step]
        if locked.status not in sources:
            raise FeedbackConflict(
                f"Không thể “{STEP_LABELS[step]}” khi phản ánh ở trạng thái "
                f"“{S(locked.status).label}”."
            )
        if version is not None and version != locked.version:
            raise FeedbackConflict(
                "Phản ánh vừa được người khác cập nhật; hãy tải lại để xem trạng thái mới."
            )
        if not feedback_roles(locked, actor) & allowed:
            raise FeedbackForbidden(f"Vai trò của bạn không được “{STEP_LABELS[step]}”.")
        from_status = locked.status
        data = apply(locked, at)
        locked.version += 1
        locked.save()
        _event(
            locked, action=step, actor=actor, at=at, from_status=from_status, note=note, data=data
        )
    return locked


def _required(value: Any, name: str, message: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FeedbackInvalid({name: [message]})
    if len(value) > CONTENT_MAX or "\x00" in value:
        raise FeedbackInvalid({name: [f"Tối đa {CONTENT_MAX} ký tự."]})
    return value.strip()


def feedback_accept(
    *,
    feedback: Feedback,
    actor: User,
    version: int | None = None,
    at: dt.datetime | None = None,
    note: str = "",
    assignee: str | None = None,
) -> Feedback:
    """Take the feedback up (thụ lý); optionally name the officer who handles it."""

    def apply(f: Feedback, at: dt.datetime) -> dict[str, Any]:
        f.status = S.ACCEPTED
        f.accepted_at = at
        if assignee:
            f.assignee = _assignee(f, assignee)
        return {"assignee": f.assignee.get_username() if f.assignee else None}

    return _step(
        feedback=feedback,
        step="accept",
        actor=actor,
        version=version,
        at=at,
        note=note,
        apply=apply,
    )


def feedback_refuse(
    *,
    feedback: Feedback,
    actor: User,
    reason: str,
    version: int | None = None,
    at: dt.datetime | None = None,
    note: str = "",
) -> Feedback:
    """Refuse to handle it (outside the scope of Decree 20/2008, anonymous, already
    answered…), with the reason; within 2 working days of receipt to be on time."""
    text = _required(reason, "reason", "Vui lòng nêu lý do từ chối.")

    def apply(f: Feedback, at: dt.datetime) -> dict[str, Any]:
        f.status = S.REFUSED
        f.refused_at = at
        f.refuse_reason = text
        return {"reason": text, "on_time": at <= f.refuse_due_at}

    return _step(
        feedback=feedback,
        step="refuse",
        actor=actor,
        version=version,
        at=at,
        note=note,
        apply=apply,
    )


def feedback_ask_more(
    *,
    feedback: Feedback,
    actor: User,
    question: str,
    version: int | None = None,
    at: dt.datetime | None = None,
    note: str = "",
) -> Feedback:
    """Ask the sender for more information; within 5 working days of receipt."""
    text = _required(question, "question", "Vui lòng nêu thông tin cần bổ sung.")

    def apply(f: Feedback, at: dt.datetime) -> dict[str, Any]:
        if f.accepted_at is None:
            f.accepted_at = at
        f.status = S.INFO_REQUESTED
        f.info_requested_at = at
        f.info_request = text
        return {"question": text, "on_time": at <= f.ask_more_due_at}

    return _step(
        feedback=feedback,
        step="ask-more",
        actor=actor,
        version=version,
        at=at,
        note=note,
        apply=apply,
    )


def _assignee(f: Feedback, username: str) -> Any:
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if (
        user is None
        or not Membership.objects.filter(
            user=user, unit=f.unit, role__in=[Role.SPECIALIST, Role.LEADER]
        ).exists()
    ):
        raise FeedbackInvalid(
            {"assignee": [f"“{username}” không phải chuyên viên hoặc lãnh đạo của {f.unit.name}."]}
        )
    return user


def feedback_assign(
    *,
    feedback: Feedback,
    actor: User,
    assignee: str,
    version: int | None = None,
    at: dt.datetime | None = None,
    note: str = "",
) -> Feedback:
    """A leader or the unit administrator gives the feedback to an officer."""
    name = _required(assignee, "assignee", "Chọn người xử lý.")

    def apply(f: Feedback, at: dt.datetime) -> dict[str, Any]:
        f.assignee = _assignee(f, name)
        return {"assignee": name}

    return _step(
        feedback=feedback,
        step="assign",
        actor=actor,
        version=version,
        at=at,
        note=note,
        apply=apply,
    )


def feedback_answer(
    *,
    feedback: Feedback,
    actor: User,
    answer: str,
    version: int | None = None,
    at: dt.datetime | None = None,
    note: str = "",
) -> Feedback:
    """The answer is ready to publish; within 15 working days of receipt. Publishing is due
    2 working days later."""
    text = _required(answer, "answer", "Vui lòng nhập nội dung trả lời.")

    def apply(f: Feedback, at: dt.datetime) -> dict[str, Any]:
        f.status = S.ANSWERED
        f.answered_at = at
        f.answer = text
        f.publish_due_at = working_calendar().due(at, PUBLISH_DAYS)
        return {"on_time": at <= f.answer_due_at}

    return _step(
        feedback=feedback,
        step="answer",
        actor=actor,
        version=version,
        at=at,
        note=note,
        apply=apply,
    )


def feedback_publish(
    *,
    feedback: Feedback,
    actor: User,
    version: int | None = None,
    at: dt.datetime | None = None,
    note: str = "",
) -> Feedback:
    """A leader publishes the answer on the portal; within 2 working days of the answer."""

    def apply(f: Feedback, at: dt.datetime) -> dict[str, Any]:
        f.status = S.PUBLISHED
        f.published_at = at
        return {"on_time": f.publish_due_at is None or at <= f.publish_due_at}

    return _step(
        feedback=feedback,
        step="publish",
        actor=actor,
        version=version,
        at=at,
        note=note,
        apply=apply,
    )


def feedback_provide_info(
    *, feedback: Feedback, verify: Any, reply: Any, at: dt.datetime | None = None
) -> Feedback:
    """The sender brings the information asked for; proven by the last four digits of the
    phone number given (or the e-mail address when no phone was). Handling resumes."""
    at = at or timezone.now()
    text = _required(reply, "reply", "Vui lòng nhập thông tin bổ sung.")
    with transaction.atomic():
        f = Feedback.objects.select_for_update().get(pk=feedback.pk)
        if not _verified(f, verify):
            raise FeedbackForbidden("Thông tin xác minh không đúng.")
        if f.status != S.INFO_REQUESTED:
            raise FeedbackConflict("Phản ánh này không chờ bổ sung thông tin.")
        f.status = S.ACCEPTED
        f.info_received_at = at
        f.info_reply = text
        f.version += 1
        f.save()
        _event(f, action="provide-info", actor=None, at=at, from_status=S.INFO_REQUESTED)
    return f


def _verified(f: Feedback, verify: Any) -> bool:
    if not isinstance(verify, str) or not verify.strip():
        return False
    value = verify.strip()
    if f.phone:
        return len(value) == 4 and f.phone.endswith(value)
    return value.lower() == f.email.lower()


def feedback_react(*, feedback: Feedback, client: str, liked: bool) -> Feedback:
    """A reader likes or dislikes a published answer, once per client (indicator 5.3
    counts an answer with more dislikes than likes as unsatisfying)."""
    if feedback.status != S.PUBLISHED:
        raise FeedbackConflict("Chỉ bày tỏ ý kiến về trả lời đã công khai.")
    digest = hashlib.sha256(f"{feedback.pk}:{client}".encode()).hexdigest()
    try:
        with transaction.atomic():
            FeedbackReaction.objects.create(feedback=feedback, client=digest, liked=liked)
            column = "likes" if liked else "dislikes"
            Feedback.objects.filter(pk=feedback.pk).update(**{column: F(column) + 1})
    except IntegrityError:
        raise FeedbackConflict("Bạn đã bày tỏ ý kiến về trả lời này.") from None
    feedback.refresh_from_db(fields=["likes", "dislikes"])
    return feedback


STEP_SERVICES: dict[str, Callable[..., Feedback]] = {
    "accept": feedback_accept,
    "refuse": feedback_refuse,
    "ask-more": feedback_ask_more,
    "assign": feedback_assign,
    "answer": feedback_answer,
    "publish": feedback_publish,
}
STEP_PARAMS: dict[str, tuple[str, ...]] = {
    "accept": ("assignee",),
    "refuse": ("reason",),
    "ask-more": ("question",),
    "assign": ("assignee",),
    "answer": ("answer",),
    "publish": (),
}


def feedback_act(
    *,
    feedback: Feedback,
    step: str,
    actor: User,
    params: dict[str, Any],
    version: int | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> Feedback:
    """Dispatch one handling step by name (API and pages)."""
    service = STEP_SERVICES[step]
    kwargs = {name: params.get(name, "") for name in STEP_PARAMS[step]}
    if step == "accept":
        kwargs["assignee"] = params.get("assignee") or None
    return service(feedback=feedback, actor=actor, version=version, at=at, note=note, **kwargs)
