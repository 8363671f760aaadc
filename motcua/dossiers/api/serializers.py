from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework import serializers

from motcua.dossiers.lifecycle import ACTION_LABELS, Action
from motcua.dossiers.models import Attachment, Dossier, DossierEvent, Status
from motcua.dossiers.services import available_actions, current_step


def local_iso(value: Any) -> str | None:
    return None if value is None else timezone.localtime(value).isoformat()


class ApplicantSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["citizen", "organisation"], default="citizen")
    name = serializers.CharField(max_length=255)
    id_number = serializers.CharField(max_length=32, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    address = serializers.CharField(max_length=500, required=False, allow_blank=True)


class DossierCreateSerializer(serializers.Serializer):
    """Intake input. Applicant details are validated by the service (Vietnamese messages)."""

    procedure = serializers.CharField(max_length=32, help_text="Mã thủ tục, ví dụ 1.001193")
    unit = serializers.CharField(max_length=32, help_text="Mã đơn vị tiếp nhận")
    channel = serializers.ChoiceField(choices=["counter", "online", "postal"], default="online")
    case = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    applicant = serializers.JSONField(help_text="{kind, name, id_number, phone, email, address}")
    summary = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    documents = serializers.ListField(
        child=serializers.JSONField(),
        required=False,
        help_text="Giấy tờ đã nhận: tên hoặc số thứ tự trong thành phần hồ sơ",
    )


class DossierSerializer(serializers.ModelSerializer):
    """The dossier as CONTRACT.md §2 names it; timestamps in local time with offset."""

    def to_representation(self, d: Dossier) -> dict[str, Any]:
        step = current_step(d)
        user = self.context.get("user")
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
            "status_label": Status(d.status).label,
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
            },
            "version": d.version,
            "allowed_actions": available_actions(d, user) if user is not None else [],
            "created_at": local_iso(d.created_at),
        }

    class Meta:
        model = Dossier
        fields = ["code"]


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
        fields = ["id", "name", "size", "sha256", "kind", "content_type", "uploaded_at"]

    def get_uploaded_at(self, attachment: Attachment) -> str | None:
        return local_iso(attachment.uploaded_at)


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)
    kind = serializers.ChoiceField(
        choices=["document", "supplement", "result", "other"], default="document"
    )
    document_index = serializers.IntegerField(required=False, min_value=0, max_value=200)


class ActionSerializer(serializers.Serializer):
    """Inputs of an action; which of them an action needs is in CONTRACT.md §2."""

    version = serializers.IntegerField(min_value=1, help_text="Phiên bản hồ sơ đã đọc")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    items = serializers.ListField(
        child=serializers.CharField(max_length=500), required=False, max_length=50
    )
    amount = serializers.IntegerField(required=False, min_value=1, max_value=10**12)
    method = serializers.ChoiceField(choices=["counter", "post", "online"], required=False)
    extended_due_at = serializers.DateTimeField(required=False)
    assignee = serializers.CharField(max_length=150, required=False, allow_blank=True)
    outcome = serializers.ChoiceField(choices=["granted", "denied"], required=False)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
