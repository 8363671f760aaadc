"""Dossier endpoints of the REST API v1 (CONTRACT.md §2). Views stay thin: parse, call one
service or selector, serialise."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.models import User
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.pagination import Pagination
from motcua.core.services import personal_data_viewed
from motcua.core.validation import query_bool
from motcua.dossiers.api.serializers import (
    ActionSerializer,
    AttachmentSerializer,
    AttachmentUploadSerializer,
    DossierCreateSerializer,
    DossierSerializer,
    EventSerializer,
)
from motcua.dossiers.attachments import attachment_add, attachment_open
from motcua.dossiers.errors import DossierInvalid
from motcua.dossiers.lifecycle import TRANSITIONS, Action
from motcua.dossiers.models import Status
from motcua.dossiers.selectors import (
    dossier_attachments,
    dossier_get,
    dossier_history,
    dossier_list,
    dossier_rows,
)
from motcua.dossiers.services import Memberships, dossier_act, dossier_intake
from motcua.procedures.models import Procedure
from motcua.units.models import Unit

_intake_example = OpenApiExample(
    "Tiếp nhận tại quầy",
    value={
        "procedure": "1.001193",
        "unit": "000.01.50.H99",
        "channel": "counter",
        "applicant": {
            "kind": "citizen",
            "name": "Nguyễn Văn A",
            "id_number": "001203004567",
            "phone": "0901234567",
            "email": "a@example.vn",
            "address": "Số 1, phường Mẫu Sơn",
        },
        "summary": "Đăng ký khai sinh cho con",
        "documents": ["Tờ khai đăng ký khai sinh"],
    },
    request_only=True,
)
_online_example = OpenApiExample(
    "Công dân nộp trực tuyến",
    value={
        "procedure": "1.001193",
        "unit": "000.01.50.H99",
        "channel": "online",
        "applicant": {"kind": "citizen", "name": "Nguyễn Văn A", "phone": "0901234567"},
        "summary": "Đăng ký khai sinh cho con",
    },
    request_only=True,
)
_invalid_example = OpenApiExample(
    "Thông tin sai (400)",
    value={
        "detail": "applicant: Vui lòng nhập họ tên chủ hồ sơ.",
        "applicant": {
            "name": ["Vui lòng nhập họ tên chủ hồ sơ."],
            "phone": ["Số điện thoại không hợp lệ (ví dụ: 0901234567)."],
        },
    },
    response_only=True,
    status_codes=["400"],
)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Thông báo lỗi bằng tiếng Việt")
    allowed_actions = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="409/403: các hành động được phép lúc này",
    )
    current_version = serializers.IntegerField(
        required=False, help_text="409 khi version đã cũ: phiên bản hiện tại"
    )
    status = serializers.CharField(required=False, help_text="Trạng thái hiện tại")


def _one(request: Request) -> dict[str, Any]:
    """One dossier (create, detail, action): the same answer, with its fee lines."""
    return _context(request) | {"with_fees": True}


def _context(request: Request) -> dict[str, Any]:
    """What the dossier serializer needs to name the allowed actions: the user's roles,
    read once per request (not once per dossier)."""
    return {"user": request.user, "memberships": Memberships.of(request.user)}


class DossierListCreateView(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = Pagination  # read by the schema generator: the list is paginated

    @extend_schema(
        summary="Danh sách hồ sơ trong phạm vi của người dùng",
        parameters=[
            OpenApiParameter("status", description="Một hoặc nhiều trạng thái, cách nhau dấu phẩy"),
            OpenApiParameter("unit", description="Mã đơn vị (tiếp nhận hoặc đang xử lý)"),
            OpenApiParameter("procedure", description="Mã thủ tục"),
            OpenApiParameter("overdue", bool, description="Chỉ hồ sơ đang xử lý quá hạn"),
            OpenApiParameter("search", description="Mã hồ sơ hoặc tên chủ hồ sơ"),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int, description="Tối đa 200, mặc định 20"),
        ],
        responses={200: DossierSerializer(many=True), 400: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        statuses = [s for s in params.get("status", "").split(",") if s]
        unknown = [s for s in statuses if s not in Status.values]
        if unknown:
            raise DossierInvalid(
                {"status": [f"Trạng thái không hợp lệ; dùng: {', '.join(Status.values)}."]}
            )
        overdue_raw = params.get("overdue")
        overdue = query_bool("overdue", overdue_raw)
        dossiers = dossier_list(
            user=request.user,
            status=params.get("status", ""),
            unit=params.get("unit", ""),
            procedure=params.get("procedure", ""),
            overdue=overdue,
            search=params.get("search", ""),
        )
        paginator = Pagination()
        ids = paginator.paginate_queryset(dossiers.values_list("pk", flat=True), request, view=self)
        page = dossier_rows(ids=list(ids or []))
        data = DossierSerializer(page, many=True, context=_context(request)).data
        personal_data_viewed(request=request, user=request.user, dossiers=page, channel="api")
        return paginator.get_paginated_response(data)

    @extend_schema(
        summary="Tiếp nhận hoặc nộp hồ sơ",
        description=(
            "Cán bộ một cửa của đơn vị tiếp nhận được dùng mọi kênh, hồ sơ bắt đầu ở trạng thái "
            "`received`; công dân nộp trực tuyến, hồ sơ ở trạng thái `submitted`. "
            "Header `Idempotency-Key` làm cho lần gửi lại trả về chính hồ sơ đầu tiên."
        ),
        parameters=[OpenApiParameter("Idempotency-Key", location="header", required=False)],
        request=DossierCreateSerializer,
        responses={201: DossierSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
        examples=[_intake_example, _online_example, _invalid_example],
    )
    def post(self, request: Request) -> Response:
        form = DossierCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        errors: dict[str, Any] = {}
        procedure = Procedure.objects.filter(code=data["procedure"]).first()
        if procedure is None:
            errors["procedure"] = [f"Không có thủ tục mã “{data['procedure']}”."]
        unit = Unit.objects.filter(code=data["unit"]).first()
        if unit is None:
            errors["unit"] = [f"Không có đơn vị mã “{data['unit']}”."]
        if errors:
            raise DossierInvalid(errors)
        assert procedure is not None and unit is not None
        key = request.headers.get("Idempotency-Key", "").strip()[:128] or None
        context = _one(request)
        dossier, created = dossier_intake(
            actor=cast(User, request.user),
            procedure=procedure,
            unit=unit,
            channel=data["channel"],
            applicant=data["applicant"],
            summary=data["summary"],
            documents=data.get("documents"),
            case_code=data["case"],
            idempotency_key=key,
            eform=data.get("eform"),
            memberships=context["memberships"],
        )
        response = Response(
            DossierSerializer(dossier, context=context).data,
            status=status.HTTP_201_CREATED,
        )
        if not created:
            response["Idempotent-Replayed"] = "true"
        return response


class DossierDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Chi tiết hồ sơ", responses=DossierSerializer)
    def get(self, request: Request, code: str) -> Response:
        dossier = dossier_get(user=request.user, code=code)
        personal_data_viewed(request=request, user=request.user, dossiers=[dossier], channel="api")
        return Response(DossierSerializer(dossier, context=_one(request)).data)


class DossierHistoryView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Lịch sử xử lý (chuỗi băm)", responses=EventSerializer(many=True))
    def get(self, request: Request, code: str) -> Response:
        dossier = dossier_get(user=request.user, code=code)
        return Response(EventSerializer(dossier_history(dossier=dossier), many=True).data)


class DossierAttachmentsView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(summary="Các tệp của hồ sơ", responses=AttachmentSerializer(many=True))
    def get(self, request: Request, code: str) -> Response:
        dossier = dossier_get(user=request.user, code=code)
        return Response(AttachmentSerializer(dossier_attachments(dossier=dossier), many=True).data)

    @extend_schema(
        summary="Tải tệp lên hồ sơ",
        description="PDF, JPEG, PNG, DOCX, XLSX (theo nội dung); tối đa 20 MB một tệp.",
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer},
    )
    def post(self, request: Request, code: str) -> Response:
        dossier = dossier_get(user=request.user, code=code)
        form = AttachmentUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        upload = form.validated_data["file"]
        attachment = attachment_add(
            dossier=dossier,
            actor=cast(User, request.user),
            upload=upload,
            name=upload.name,
            kind=form.validated_data["kind"],
            document_index=form.validated_data.get("document_index"),
            digitised=form.validated_data.get("digitised"),
        )
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class AttachmentDownloadView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Tải tệp về",
        description=(
            "Tệp được đối chiếu với SHA-256 lúc nộp trước khi trả: 409 khi tệp lưu trữ đã bị "
            "thay đổi hoặc không còn, 503 khi kho lưu trữ không trả lời (docs/storage.md) "
            "hoặc, với Retry-After, khi kết quả đang được ký số."
        ),
        responses={
            (200, "application/octet-stream"): bytes,
            409: ErrorSerializer,
            503: ErrorSerializer,
        },
    )
    def get(self, request: Request, code: str, attachment_id: int) -> FileResponse:
        dossier = dossier_get(user=request.user, code=code)
        attachment = get_object_or_404(dossier.attachments, pk=attachment_id)
        personal_data_viewed(request=request, user=request.user, dossiers=[dossier], channel="file")
        response = FileResponse(
            attachment_open(attachment),  # refused (409, JSON) when changed behind our back
            as_attachment=True,
            filename=attachment.name,
            content_type=attachment.content_type,
        )
        response["X-Content-SHA256"] = attachment.sha256
        return response


def _upload_problem(upload: Any) -> Exception | None:
    """The file checks of ``attachment_add`` made before the action, so a bad corrected
    result never leaves a correction half done (413 too large, 415 wrong type)."""
    from motcua.dossiers.attachments import (
        AttachmentTooLarge,
        AttachmentTypeNotAllowed,
        detect_type,
        max_file_bytes,
    )

    if upload.size > max_file_bytes():
        return AttachmentTooLarge("Tệp lớn hơn giới hạn cho phép.")
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if not head:
        return DossierInvalid({"file": ["Tệp rỗng."]})
    if detect_type(head) is None:
        return AttachmentTypeNotAllowed("Chỉ nhận tệp PDF, JPEG, PNG, DOCX hoặc XLSX.")
    return None


class DossierActionView(APIView):
    """``POST /dossiers/{code}/{action}``: one endpoint per action of the lifecycle table."""

    permission_classes = [IsAuthenticated]
    action_name: Action = Action.ACCEPT

    def post(self, request: Request, code: str) -> Response:
        dossier = dossier_get(user=request.user, code=code)
        form = ActionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        version = data.pop("version")
        note = data.pop("note", "")
        upload = data.pop("file", None)
        if upload is not None:
            if self.action_name != Action.CORRECT:
                raise DossierInvalid({"file": ["Hành động này không nhận tệp."]})
            check = _upload_problem(upload)
            if check is not None:
                raise check
            data["upload"] = upload
            data["file_name"] = upload.name
        dossier = dossier_act(
            dossier=dossier,
            action=self.action_name,
            actor=cast(User, request.user),
            params=data,
            version=version,
            note=note,
        )
        return Response(DossierSerializer(dossier, context=_one(request)).data)


# One example request body per action (CONTRACT.md §2): what a client sends.
ACTION_EXAMPLES: dict[Action, dict[str, Any]] = {
    Action.ACCEPT: {"version": 1, "note": "Hồ sơ đầy đủ"},
    Action.REFUSE: {"version": 1, "reason": "Thủ tục không thuộc thẩm quyền của xã"},
    Action.REQUEST_SUPPLEMENT: {
        "version": 2,
        "items": ["Bản sao giấy chứng sinh"],
        "deadline": "2027-03-20",
    },
    Action.SUPPLEMENT: {"version": 3, "note": "Đã nộp bổ sung bản sao"},
    Action.FORWARD: {"version": 2, "assignee": "chuyenvien.xa"},
    Action.SEND_BACK: {"version": 3, "note": "Thiếu ý kiến thẩm định"},
    Action.REQUEST_PAYMENT: {"version": 3, "amount": 75000},
    Action.CONFIRM_PAYMENT: {"version": 4, "reference": "BL-2027-000123"},
    Action.EXTEND: {
        "version": 4,
        "extended_due_at": "2027-03-15T17:00:00+07:00",
        "reason": "Cần xác minh thực địa",
    },
    Action.STOP: {"version": 3, "reason": "Người nộp đề nghị dừng giải quyết"},
    Action.RESOLVE: {"version": 4, "outcome": "granted"},
    Action.RETURN: {"version": 5, "method": "counter"},
    Action.WITHDRAW: {"version": 2, "note": "Công dân có đơn xin rút hồ sơ"},
    Action.ASSIGN: {"version": 3, "assignee": "chuyenvien.xa"},
    Action.CORRECT: {"version": 7, "reason": "Sai ngày sinh của người được khai sinh"},
}
_ERROR_EXAMPLES = [
    OpenApiExample(
        "Phiên bản đã cũ",
        value={
            "detail": "Hồ sơ vừa được người khác cập nhật; hãy tải lại để xem trạng thái mới.",
            "current_version": 3,
            "status": "processing",
            "allowed_actions": ["request-supplement", "forward"],
        },
        response_only=True,
        status_codes=["409"],
    ),
    OpenApiExample(
        "Không được phép ở trạng thái này",
        value={
            "detail": "Không thể “Tiếp nhận” khi hồ sơ ở trạng thái “Đã trả kết quả”.",
            "allowed_actions": [],
            "status": "returned",
            "version": 7,
        },
        response_only=True,
        status_codes=["409"],
    ),
    OpenApiExample(
        "Vai trò không được phép",
        value={
            "detail": "Vai trò của bạn không được “Dừng xử lý” hồ sơ này.",
            "allowed_actions": ["forward"],
        },
        response_only=True,
        status_codes=["403"],
    ),
]


def action_view(action: Action) -> type[DossierActionView]:
    """A view class per action, so the OpenAPI schema documents each endpoint."""
    transition = TRANSITIONS[action]
    sources = ", ".join(sorted(s.value for s in transition.sources))
    actors = ", ".join(sorted(a.value for a in transition.actors))

    def post(self: DossierActionView, request: Request, code: str) -> Response:
        return DossierActionView.post(self, request, code)

    documented = extend_schema(
        operation_id=f"dossier_{action.name.lower()}",
        summary=f"{transition.label} ({action.value})",
        description=(
            f"Từ trạng thái: {sources}. Người thực hiện: {actors}. {transition.clock} "
            "409 khi `version` đã cũ hoặc trạng thái không cho phép (kèm `allowed_actions`); "
            "403 khi vai trò không được phép; 404 khi hồ sơ ngoài phạm vi của người dùng."
        ),
        request=ActionSerializer,
        responses={
            200: DossierSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
        },
        examples=[
            OpenApiExample(str(transition.label), value=ACTION_EXAMPLES[action], request_only=True),
            *_ERROR_EXAMPLES,
        ],
    )(post)
    name = f"Dossier{action.name.title().replace('_', '')}View"
    return type(name, (DossierActionView,), {"action_name": action, "post": documented})


class DossierEformView(APIView):
    """The e-form declaration of a dossier: the schema of its procedure version and what
    was declared; ``/pdf`` prints it as the annex."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Tờ khai điện tử của hồ sơ (schema và dữ liệu)",
        responses={
            200: inline_serializer(
                "DossierEform",
                {"schema": serializers.JSONField(), "data": serializers.JSONField()},
            )
        },
    )
    def get(self, request: Request, code: str) -> Response:
        dossier = dossier_get(user=request.user, code=code)
        schema = dossier.procedure_version.record.get("eform")
        if not schema:
            raise NotFound("Thủ tục của hồ sơ không có tờ khai điện tử.")
        return Response({"schema": schema, "data": dossier.eform_data})


class DossierEformPdfView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Tờ khai điện tử in thành phụ lục PDF",
        responses={(200, "application/pdf"): bytes},
    )
    def get(self, request: Request, code: str) -> HttpResponse:
        from motcua.forms.documents import FormNotReached, eform_annex

        dossier = dossier_get(user=request.user, code=code)
        try:
            pdf = eform_annex(dossier)
        except FormNotReached:
            raise NotFound("Hồ sơ chưa có tờ khai điện tử.") from None
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="to-khai-{dossier.code}.pdf"'
        return response
