from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """``{{ errors|get:action|get:"reason" }}``: a key of a dict, or nothing."""
    if isinstance(mapping, dict):
        return mapping.get(key, {} if key in {"upload"} else None)
    return None


ACTION_NAMES = {
    "intake": "Tiếp nhận hồ sơ",
    "accept": "Tiếp nhận",
    "refuse": "Từ chối tiếp nhận",
    "request-supplement": "Yêu cầu bổ sung",
    "supplement": "Bổ sung hồ sơ",
    "forward": "Chuyển bước tiếp",
    "send-back": "Trả lại bước trước",
    "request-payment": "Yêu cầu nghĩa vụ tài chính",
    "confirm-payment": "Xác nhận đã thanh toán",
    "extend": "Gia hạn",
    "stop": "Dừng xử lý",
    "resolve": "Hoàn thành xử lý",
    "return": "Trả kết quả",
    "withdraw": "Rút hồ sơ",
    "assign": "Phân công",
}


@register.filter
def action_name(action: str) -> str:
    return ACTION_NAMES.get(action, action)


@register.filter
def status_name(status: str) -> str:
    from motcua.dossiers.models import Status

    return str(Status(status).label) if status in Status.values else status


@register.filter
def doc_kind(kind: str) -> str:
    """``original`` → ``Bản chính`` (the catalogue's document kinds)."""
    from motcua.procedures.models import DocumentKind

    return str(DocumentKind(kind).label) if kind in DocumentKind.values else kind


@register.filter
def iso_local(value: str) -> str:
    """An ISO 8601 time stored in a history event, shown ``HH:MM dd/mm/yyyy``."""
    import datetime as dt

    from django.utils import timezone

    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")
