"""Citizen feedback API (CONTRACT.md §11). Public: submit, follow by code, add the
information asked for, like or dislike a published answer, list published answers.
Staff of the unit: list, read, and take each handling step."""

from __future__ import annotations

from typing import Any, NoReturn, cast

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status, throttling
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.pagination import Pagination
from motcua.core.validation import query_bool
from motcua.feedback.models import Category, Feedback, FeedbackStatus
from motcua.feedback.selectors import (
    feedback_events,
    feedback_get,
    feedback_list,
    feedback_public,
    feedback_published,
    feedback_scope,
)
from motcua.feedback.services import (
    STEP_LABELS,
    STEPS,
    FeedbackInvalid,
    feedback_act,
    feedback_provide_info,
    feedback_react,
    feedback_steps,
    feedback_submit,
)


def _iso(value: Any) -> str | None:
    return None if value is None else timezone.localtime(value).isoformat()


def public_payload(f: Feedback) -> dict[str, Any]:
    """What anyone with the code sees: no personal data; the answer once published."""
    published = f.status == FeedbackStatus.PUBLISHED
    return {
        "code": f.code,
        "category": f.category,
        "category_label": str(Category(f.category).label),
        "status": f.status,
        "status_label": str(FeedbackStatus(f.status).label),
        "unit": {"code": f.unit.code, "name": f.unit.name},
        "received_at": _iso(f.received_at),
        "answer_due_at": _iso(f.answer_due_at),
        "accepted_at": _iso(f.accepted_at),
        "refused_at": _iso(f.refused_at),
        "refuse_reason": f.refuse_reason if f.refused_at else "",
        "info_requested_at": _iso(f.info_requested_at),
        "info_request": f.info_request if f.status == FeedbackStatus.INFO_REQUESTED else "",
        "published_at": _iso(f.published_at),
        "answer": f.answer if published else "",
        "likes": f.likes,
        "dislikes": f.dislikes,
    }


def staff_payload(f: Feedback, user: Any) -> dict[str, Any]:
    return public_payload(f) | {
        "content": f.content,
        "name": f.name,
        "phone": f.phone,
        "email": f.email,
        "dossier": f.dossier.code if f.dossier else None,
        "reopens": f.reopens.code if f.reopens_id and f.reopens else None,
        "assignee": f.assignee.get_username() if f.assignee else None,
        "refuse_due_at": _iso(f.refuse_due_at),
        "ask_more_due_at": _iso(f.ask_more_due_at),
        "publish_due_at": _iso(f.publish_due_at),
        "info_request": f.info_request,
        "info_reply": f.info_reply,
        "info_received_at": _iso(f.info_received_at),
        "answered_at": _iso(f.answered_at),
        "answer": f.answer,
        "version": f.version,
        "allowed_steps": feedback_steps(f, user),
    }


class _UnitRef(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class FeedbackPublicSerializer(serializers.Serializer):
    """What anyone with the code sees (no personal data; the answer once published)."""

    code = serializers.CharField(help_text="PAKN-yyMMdd-NNNN")
    category = serializers.ChoiceField(choices=Category.choices)
    category_label = serializers.CharField()
    status = serializers.ChoiceField(choices=FeedbackStatus.choices)
    status_label = serializers.CharField()
    unit = _UnitRef()
    received_at = serializers.DateTimeField()
    answer_due_at = serializers.DateTimeField()
    accepted_at = serializers.DateTimeField(allow_null=True)
    refused_at = serializers.DateTimeField(allow_null=True)
    refuse_reason = serializers.CharField(allow_blank=True)
    info_requested_at = serializers.DateTimeField(allow_null=True)
    info_request = serializers.CharField(allow_blank=True)
    published_at = serializers.DateTimeField(allow_null=True)
    answer = serializers.CharField(allow_blank=True)
    likes = serializers.IntegerField()
    dislikes = serializers.IntegerField()


class FeedbackStaffSerializer(FeedbackPublicSerializer):
    """The whole record, for the staff of the unit."""

    content = serializers.CharField()
    name = serializers.CharField()
    phone = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)
    dossier = serializers.CharField(allow_null=True)
    reopens = serializers.CharField(allow_null=True)
    assignee = serializers.CharField(allow_null=True)
    refuse_due_at = serializers.DateTimeField()
    ask_more_due_at = serializers.DateTimeField()
    publish_due_at = serializers.DateTimeField(allow_null=True)
    info_reply = serializers.CharField(allow_blank=True)
    info_received_at = serializers.DateTimeField(allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField()
    allowed_steps = serializers.ListField(child=serializers.CharField())


class FeedbackEventSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    action = serializers.CharField()
    action_label = serializers.CharField()
    actor = serializers.CharField()
    at = serializers.DateTimeField()
    from_status = serializers.CharField(allow_blank=True)
    to_status = serializers.CharField()
    note = serializers.CharField(allow_blank=True)
    data = serializers.JSONField()  # type: ignore[assignment]  # a field, not .data


class FeedbackThrottle(throttling.SimpleRateThrottle):
    scope = "feedback"

    def get_rate(self) -> str:
        return str(settings.MOTCUA_FEEDBACK_RATE)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if request.method != "POST":
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ReadThrottle(throttling.SimpleRateThrottle):
    scope = "lookup"

    def get_cache_key(self, request: Request, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class _Public(APIView):
    permission_classes = [AllowAny]

    def throttled(self, request: Request, wait: float | None) -> NoReturn:
        raise exceptions.Throttled(wait=wait, detail="Quá nhiều yêu cầu; vui lòng thử lại sau.")

    def _feedback(self, code: str) -> Feedback:
        f = feedback_public(code)
        if f is None:
            raise exceptions.NotFound("Không tìm thấy phản ánh với mã này.")
        return f


class SubmitSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.choices)
    content = serializers.CharField(max_length=5000)
    name = serializers.CharField(max_length=255)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    dossier_code = serializers.CharField(max_length=48, required=False, allow_blank=True)
    unit = serializers.CharField(max_length=32, required=False, allow_blank=True)
    reopens = serializers.CharField(
        max_length=24,
        required=False,
        allow_blank=True,
        help_text="Mã phản ánh đã được trả lời mà người gửi phản ánh lại",
    )


class FeedbackListCreateView(_Public):
    pagination_class = Pagination  # the staff list (GET) is paginated; the schema says so
    throttle_classes = [FeedbackThrottle]

    @extend_schema(
        operation_id="feedback_create",
        summary="Gửi phản ánh, kiến nghị (công khai)",
        request=SubmitSerializer,
        responses={
            201: inline_serializer(
                "FeedbackCreated",
                {"code": serializers.CharField(), "status": serializers.CharField()},
            )
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        f = feedback_submit(
            category=data.get("category"),
            content=data.get("content"),
            name=data.get("name"),
            phone=data.get("phone", ""),
            email=data.get("email", ""),
            dossier_code=data.get("dossier_code", ""),
            unit_code=data.get("unit", ""),
            reopens_code=data.get("reopens", ""),
        )
        return Response(
            {
                "code": f.code,
                "status": f.status,
                "received_at": _iso(f.received_at),
                "answer_due_at": _iso(f.answer_due_at),
            },
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        operation_id="feedback_list",
        summary="Danh sách phản ánh của đơn vị (cán bộ)",
        responses={200: FeedbackStaffSerializer(many=True)},
        parameters=[
            OpenApiParameter("status", description="Một hoặc nhiều trạng thái, cách nhau dấu phẩy"),
            OpenApiParameter("unit", description="Mã đơn vị"),
            OpenApiParameter("overdue", bool, description="Chỉ phản ánh quá hạn"),
        ],
    )
    def get(self, request: Request) -> Response:
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        params = request.query_params
        statuses = [s for s in params.get("status", "").split(",") if s]
        if any(s not in FeedbackStatus.values for s in statuses):
            raise FeedbackInvalid(
                {"status": [f"Trạng thái không hợp lệ; dùng: {', '.join(FeedbackStatus.values)}."]}
            )
        rows = feedback_list(
            user=request.user,
            status=params.get("status", ""),
            unit=params.get("unit", ""),
            overdue=bool(query_bool("overdue", params.get("overdue"))),
            now=timezone.now(),
        ).select_related("reopens")
        paginator = Pagination()
        page = paginator.paginate_queryset(rows, request, view=self) or []
        return paginator.get_paginated_response([staff_payload(f, request.user) for f in page])


class FeedbackDetailView(_Public):
    throttle_classes = [ReadThrottle]

    @extend_schema(
        operation_id="feedback_retrieve",
        summary="Tình trạng phản ánh theo mã (công khai; cán bộ của đơn vị: toàn bộ hồ sơ)",
        responses={200: FeedbackPublicSerializer},
    )
    def get(self, request: Request, code: str) -> Response:
        f = self._feedback(code)
        if (
            request.user.is_authenticated
            and feedback_scope(user=request.user).filter(pk=f.pk).exists()
        ):
            return Response(staff_payload(f, request.user))
        return Response(public_payload(f))


class FeedbackInfoView(_Public):
    throttle_classes = [FeedbackThrottle]

    @extend_schema(
        summary="Người gửi bổ sung thông tin được đề nghị",
        request=inline_serializer(
            "FeedbackInfo", {"verify": serializers.CharField(), "reply": serializers.CharField()}
        ),
        responses={200: FeedbackPublicSerializer},
        auth=[],
    )
    def post(self, request: Request, code: str) -> Response:
        f = self._feedback(code)
        data = request.data if isinstance(request.data, dict) else {}
        f = feedback_provide_info(feedback=f, verify=data.get("verify"), reply=data.get("reply"))
        return Response(public_payload(f))


class FeedbackReactionView(_Public):
    throttle_classes = [FeedbackThrottle]

    @extend_schema(
        summary="Thích hoặc không thích trả lời đã công khai (một lần mỗi người)",
        request=inline_serializer("FeedbackReaction", {"liked": serializers.BooleanField()}),
        responses={
            201: inline_serializer(
                "FeedbackReactions",
                {"likes": serializers.IntegerField(), "dislikes": serializers.IntegerField()},
            )
        },
        auth=[],
    )
    def post(self, request: Request, code: str) -> Response:
        f = self._feedback(code)
        data = request.data if isinstance(request.data, dict) else {}
        liked = data.get("liked")
        if not isinstance(liked, bool):
            raise FeedbackInvalid({"liked": ["Chọn thích (true) hoặc không thích (false)."]})
        f = feedback_react(feedback=f, client=FeedbackThrottle().get_ident(request), liked=liked)
        return Response({"likes": f.likes, "dislikes": f.dislikes}, status=status.HTTP_201_CREATED)


class PublishedAnswersView(_Public):
    throttle_classes = [ReadThrottle]
    pagination_class = Pagination

    @extend_schema(
        summary="Các trả lời phản ánh, kiến nghị đã công khai",
        responses={200: FeedbackPublicSerializer(many=True)},
        auth=[],
    )
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(feedback_published(), request, view=self) or []
        return paginator.get_paginated_response(
            [public_payload(f) | {"content": f.content} for f in page]
        )


class StepSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    question = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    answer = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    assignee = serializers.CharField(max_length=150, required=False, allow_blank=True)


class FeedbackStepView(APIView):
    permission_classes = [IsAuthenticated]
    step = "accept"

    def post(self, request: Request, code: str) -> Response:
        f = feedback_get(user=request.user, code=code)
        form = StepSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        f = feedback_act(
            feedback=f,
            step=self.step,
            actor=cast(User, request.user),
            params=data,
            version=data.pop("version"),
            note=data.pop("note", ""),
        )
        return Response(staff_payload(f, request.user))


def step_view(step: str) -> type[FeedbackStepView]:
    sources = ", ".join(sorted(STEPS[step][0]))
    roles = ", ".join(sorted(STEPS[step][1]))

    def post(self: FeedbackStepView, request: Request, code: str) -> Response:
        return FeedbackStepView.post(self, request, code)

    documented = extend_schema(
        operation_id=f"feedback_{step.replace('-', '_')}",
        summary=f"{STEP_LABELS[step]} ({step})",
        description=f"Từ trạng thái: {sources}. Vai trò: {roles} của đơn vị xử lý.",
        request=StepSerializer,
        responses={200: FeedbackStaffSerializer},
    )(post)
    name = "Feedback" + step.title().replace("-", "") + "View"
    return type(name, (FeedbackStepView,), {"step": step, "post": documented})


class FeedbackHistoryView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Lịch sử xử lý phản ánh", responses={200: FeedbackEventSerializer(many=True)}
    )
    def get(self, request: Request, code: str) -> Response:
        f = feedback_get(user=request.user, code=code)
        return Response(
            [
                {
                    "seq": e.seq,
                    "action": e.action,
                    "action_label": STEP_LABELS.get(e.action, e.action),
                    "actor": e.actor_name,
                    "at": _iso(e.at),
                    "from_status": e.from_status,
                    "to_status": e.to_status,
                    "note": e.note,
                    "data": e.data,
                }
                for e in feedback_events(feedback=f)
            ]
        )
