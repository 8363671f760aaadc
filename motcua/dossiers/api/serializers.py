from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from motcua.dossiers.lifecycle import ACTION_LABELS, Action
from motcua.dossiers.models import (
    ApplicantKind,
    Attachment,
    AttachmentKind,
    Channel,
    Dossier,
    DossierEvent,
    FeeKind,
    FeeMethod,
    Outcome,
    PaymentState,
    ReturnMethod,
    Status,
    Timeliness,
)
from motcua.dossiers.services import available_actions, current_step


def local_iso(value: Any) -> str | None:
    return None if value is None else timezone.localtime(value).isoformat()


class ApplicantSerializer(serializers.Serializer):
    """The applicant as the client sends it (validated by the service, Vietnamese messages)."""

    kind = serializers.ChoiceField(choices=ApplicantKind.choices, default=ApplicantKind.CITIZEN)
    name = serializers.CharField(max_length=255)
    id_number = serializers.CharField(max_length=32, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    address = serializers.CharField(max_length=500, required=False, allow_blank=True)


@extend_schema_field(ApplicantSerializer)
class ApplicantField(serializers.JSONField):
    """Any JSON here: the service checks it field by field and answers in Vietnamese."""


class DossierCreateSerializer(serializers.Serializer):
    """Intake input. Applicant details are validated by the service (Vietnamese messages)."""

    procedure = serializers.CharField(max_length=32, help_text="Mã thủ tục, ví dụ 1.001193")
    unit = serializers.CharField(max_length=32, help_text="Mã đơn vị tiếp nhận")
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.ONLINE)
    case = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    applicant = ApplicantField(
        help_text="Chủ hồ sơ: {kind, name, id_number, phone, email, address}"
    )
    summary = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    documents = serializers.ListField(
        child=serializers.JSONField(),
        required=False,
        help_text=(
            "Giấy tờ đã nhận: tên hoặc số thứ tự trong thành phần hồ sơ, hoặc "
            '{"index", "count"} với số bản đã nhận'
        ),
    )
    eform = serializers.JSONField(
        required=False,
        help_text="Tờ khai điện tử theo JSON Schema của thủ tục (eform); lỗi theo từng trường",
    )


class _NamedRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class _ApplicantOutSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ApplicantKind.choices)
    name = serializers.CharField()
    id_number = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)
    address = serializers.CharField(allow_blank=True)


class _ChecklistItemSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField(help_text="original (bản chính) hoặc copy (bản sao)")
    count = serializers.IntegerField()
    required = serializers.BooleanField()  # type: ignore[assignment]  # a field, not the flag
    received = serializers.BooleanField(help_text="Đã nhận khi tiếp nhận")


class _StepSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="Thứ tự bước, từ 0")
    name = serializers.CharField()
    role = serializers.CharField(help_text="Vai trò giữ bước: specialist, leader, …")
    unit = serializers.CharField(allow_null=True, help_text="Mã đơn vị đang giữ bước")


class _FeeLineSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=FeeKind.choices, help_text="fee lệ phí, charge phí")
    code = serializers.CharField(allow_blank=True, help_text="Mã phí, lệ phí")
    name = serializers.CharField()
    amount = serializers.IntegerField(help_text="đồng")
    method = serializers.CharField(allow_blank=True, help_text="Hình thức thu; rỗng khi chưa nộp")
    paid_at = serializers.DateTimeField(allow_null=True)
    receipt_number = serializers.CharField(allow_blank=True)
    receipt = serializers.IntegerField(allow_null=True, help_text="Tệp biên lai (id tệp đính kèm)")


class _FeeSerializer(serializers.Serializer):
    amount = serializers.IntegerField(help_text="Số tiền phải nộp (đồng)")
    state = serializers.ChoiceField(choices=PaymentState.choices)
    paid_at = serializers.DateTimeField(allow_null=True)
    lines = _FeeLineSerializer(
        many=True,
        required=False,
        help_text="Các khoản phí, lệ phí (khi trả về một hồ sơ, không có trong danh sách)",
    )


_DOSSIER_EXAMPLE = {
    "code": "000.01.50.H99-261201-0001",
    "procedure": {"code": "1.001193", "name": "Đăng ký khai sinh"},
    "procedure_version": 1,
    "case": None,
    "unit": {"code": "000.01.50.H99", "name": "Ủy ban nhân dân phường Mẫu Sơn"},
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
    "documents": [
        {
            "index": 0,
            "name": "Tờ khai đăng ký khai sinh",
            "kind": "original",
            "count": 1,
            "required": True,
            "received": True,
        }
    ],
    "status": "received",
    "status_label": "Được tiếp nhận",
    "national_status": 2,
    "step": None,
    "assignee": None,
    "submitted_at": None,
    "received_at": "2026-12-01T08:15:00+07:00",
    "due_at": "2026-12-01T17:00:00+07:00",
    "extended_due_at": None,
    "resolved_at": None,
    "returned_at": None,
    "timeliness": None,
    "outcome": None,
    "return_method": None,
    "fee": {"amount": 0, "state": "none", "paid_at": None},
    "eform": None,
    "supplement_due_at": None,
    "supplement_count": 0,
    "version": 1,
    "allowed_actions": ["request-supplement", "forward", "withdraw"],
    "created_at": "2026-12-01T08:15:00+07:00",
}


def _fee_lines(d: Dossier) -> list[dict[str, Any]]:
    # A dossier just received carries the lines its intake wrote (no query to read them back).
    lines = getattr(d, "fees_written", None)
    return [
        {
            "kind": f.kind,
            "code": f.code,
            "name": f.name,
            "amount": f.amount,
            "method": f.method,
            "paid_at": local_iso(f.paid_at),
            "receipt_number": f.receipt_number,
            "receipt": f.receipt_id,
        }
        for f in (d.fees.all() if lines is None else lines)
    ]


@extend_schema_serializer(
    examples=[OpenApiExample("Hồ sơ vừa tiếp nhận tại quầy", value=_DOSSIER_EXAMPLE)]
)
class DossierSerializer(serializers.Serializer):
    """The dossier as CONTRACT.md §2 names it; timestamps in local time with offset.

    The fields below document the output; ``to_representation`` builds it directly from
    the row and its ``select_related`` neighbours (no query per dossier)."""

    code = serializers.CharField(help_text="{mã đơn vị}-{yyMMdd}-{NNNN}")
    procedure = _NamedRefSerializer()
    procedure_version = serializers.IntegerField()
    case = serializers.CharField(allow_null=True, help_text="Mã trường hợp của thủ tục")
    unit = _NamedRefSerializer(help_text="Đơn vị tiếp nhận")
    channel = serializers.ChoiceField(choices=Channel.choices)
    applicant = _ApplicantOutSerializer()
    summary = serializers.CharField(allow_blank=True)
    documents = _ChecklistItemSerializer(many=True, help_text="Thành phần hồ sơ đã nhận")
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField()
    national_status = serializers.IntegerField(help_text="TrangThaiHoSo (1–10)")
    step = _StepSerializer(allow_null=True, help_text="Bước xử lý hiện tại")
    assignee = serializers.CharField(allow_null=True, help_text="Người được phân công")
    submitted_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True, help_text="Ngày hẹn trả")
    extended_due_at = serializers.DateTimeField(allow_null=True, help_text="Ngày hẹn mới")
    resolved_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    timeliness = serializers.ChoiceField(
        choices=Timeliness.choices, allow_null=True, help_text="null khi chưa giải quyết"
    )
    outcome = serializers.ChoiceField(choices=Outcome.choices, allow_null=True)
    return_method = serializers.ChoiceField(choices=ReturnMethod.choices, allow_null=True)
    fee = _FeeSerializer()
    eform = serializers.JSONField(allow_null=True, help_text="Tờ khai điện tử đã khai")
    supplement_due_at = serializers.DateTimeField(
        allow_null=True, help_text="Hạn bổ sung của yêu cầu bổ sung đang chờ"
    )
    supplement_count = serializers.IntegerField(help_text="Số lần đã yêu cầu bổ sung")
    version = serializers.IntegerField(help_text="Gửi lại trong mọi hành động")
    allowed_actions = serializers.ListField(
        child=serializers.CharField(), help_text="Hành động người dùng này được làm lúc này"
    )
    created_at = serializers.DateTimeField()

    def to_representation(self, d: Dossier) -> dict[str, Any]:
        step = current_step(d)
        user = self.context.get("user")
        memberships = self.context.get("memberships")
        return {
            "code": d.code,
            "procedure": {"code": d.procedure.code, "name": d.procedure.name},
            "procedure_version": d.procedure_version.number,
            "case": d.case_code or None,
            "unit": {"code": d.unit.code, "name": d.unit.name},
            "channel": d.channel,
            "applicant": {
                "kind": d.applicant_kind,
                "name": d.applicant_name,
                "id_number": d.applicant_id_number,
                "phone": d.applicant_phone,
                "email": d.applicant_email,
                "address": d.applicant_address,
            },
            "summary": d.summary,
            "documents": d.documents,
            "status": d.status,
            "status_label": str(Status(d.status).label),
            "national_status": d.national_status,
            "step": None
            if step is None
            else {
                "index": d.step_index,
                "name": step["name"],
                "role": step["role"],
                "unit": d.step_unit.code if d.step_unit else None,
            },
            "assignee": d.assignee.get_username() if d.assignee else None,
            "submitted_at": local_iso(d.submitted_at),
            "received_at": local_iso(d.received_at),
            "due_at": local_iso(d.due_at),
            "extended_due_at": local_iso(d.extended_due_at),
            "resolved_at": local_iso(d.resolved_at),
            "returned_at": local_iso(d.returned_at),
            "timeliness": d.timeliness or None,
            "outcome": d.outcome or None,
            "return_method": d.return_method or None,
            "fee": {
                "amount": d.fee_amount,
                "state": d.payment_state,
                "paid_at": local_iso(d.paid_at),
            }
            | ({"lines": _fee_lines(d)} if self.context.get("with_fees") else {}),
            "eform": d.eform_data,
            "supplement_due_at": local_iso(d.supplement_due_at),
            "supplement_count": d.supplement_count,
            "version": d.version,
            "allowed_actions": (
                available_actions(d, user, memberships) if user is not None else []
            ),
            "created_at": local_iso(d.created_at),
        }


class EventSerializer(serializers.ModelSerializer):
    at = serializers.SerializerMethodField()
    actor = serializers.CharField(source="actor_name")
    action_label = serializers.SerializerMethodField()

    class Meta:
        model = DossierEvent
        fields = [
            "seq",
            "action",
            "action_label",
            "actor",
            "at",
            "from_status",
            "to_status",
            "step",
            "note",
            "data",
            "prev_hash",
            "hash",
        ]

    def get_at(self, event: DossierEvent) -> str | None:
        return local_iso(event.at)

    def get_action_label(self, event: DossierEvent) -> str:
        try:
            return str(ACTION_LABELS[Action(event.action)])
        except ValueError:
            return event.action


class AttachmentSerializer(serializers.ModelSerializer):
    uploaded_at = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "name",
            "size",
            "sha256",
            "kind",
            "document_index",
            "content_type",
            "uploaded_at",
            "corrects",
            "superseded_at",
            "digitised",
            "reused",
            "reused_from",
            "from_national_store",
            "result_code",
        ]

    def get_uploaded_at(self, attachment: Attachment) -> str | None:
        return local_iso(attachment.uploaded_at)


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)
    kind = serializers.ChoiceField(choices=AttachmentKind.choices, default=AttachmentKind.DOCUMENT)
    document_index = serializers.IntegerField(required=False, min_value=0, max_value=200)
    digitised = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="bản scan của giấy tờ nộp tại quầy (số hóa); bỏ trống: tự xác định",
    )


class ActionSerializer(serializers.Serializer):
    """Inputs of an action; which of them an action needs is in CONTRACT.md §2."""

    version = serializers.IntegerField(min_value=1, help_text="Phiên bản hồ sơ đã đọc")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text="refuse, extend, stop, resolve (denied), correct: lý do",
    )
    items = serializers.ListField(
        child=serializers.CharField(max_length=500),
        required=False,
        max_length=50,
        help_text="request-supplement: giấy tờ cần bổ sung",
    )
    amount = serializers.IntegerField(
        required=False, min_value=1, max_value=10**12, help_text="request-payment: số tiền (đồng)"
    )
    method = serializers.ChoiceField(
        choices=ReturnMethod.choices, required=False, help_text="return: cách trả kết quả"
    )
    extended_due_at = serializers.DateTimeField(
        required=False, help_text="extend: ngày hẹn mới, có múi giờ"
    )
    assignee = serializers.CharField(
        max_length=150,
        required=False,
        allow_blank=True,
        help_text="forward, assign: tên đăng nhập người được giao",
    )
    outcome = serializers.ChoiceField(
        choices=Outcome.choices, required=False, help_text="resolve: mặc định granted"
    )
    reference = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="confirm-payment: số biên lai hoặc mã giao dịch",
    )
    fee_method = serializers.ChoiceField(
        choices=FeeMethod.choices,
        required=False,
        help_text="confirm-payment: hình thức thu (mặc định cash, tiền mặt tại quầy)",
    )
    receipt_number = serializers.CharField(
        max_length=64, required=False, allow_blank=True, help_text="confirm-payment: số biên lai"
    )
    deadline = serializers.DateField(
        required=False,
        help_text="request-supplement: hạn bổ sung (ngày); mặc định theo thủ tục",
    )
    file = serializers.FileField(
        required=False,
        help_text="correct (multipart): tệp kết quả đã đính chính",
    )
