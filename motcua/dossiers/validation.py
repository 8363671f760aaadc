"""Validation of applicant details and intake input, with Vietnamese per-field messages."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from motcua.dossiers.models import ApplicantKind

# Mobile numbers: 0 and 9 digits starting 3, 5, 7, 8 or 9 (10 digits in all); landlines:
# 0, an area code starting 2, and the subscriber number (11 digits in all).
_PHONE = re.compile(r"^(0|\+84)([35789]\d{8}|2\d{9})$")
_CITIZEN_ID = re.compile(r"^(\d{9}|\d{12})$")
_TAX_CODE = re.compile(r"^\d{10}(-\d{3})?$")
# Control characters (NUL above all: PostgreSQL refuses it) have no place in a name.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def normalise_phone(raw: str) -> str:
    return re.sub(r"[\s.\-()]", "", raw)


def applicant_clean(data: Any) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Return the cleaned applicant and the errors per field (empty when valid)."""
    errors: dict[str, list[str]] = {}
    if not isinstance(data, dict):
        return {}, {"applicant": ["Thông tin chủ hồ sơ phải là một đối tượng."]}

    def text(key: str, max_length: int) -> str:
        value = data.get(key) or ""
        if not isinstance(value, str):
            errors[key] = ["Phải là chuỗi ký tự."]
            return ""
        if _CONTROL.search(value):
            errors[key] = ["Chứa ký tự điều khiển không hợp lệ."]
            return ""
        value = " ".join(value.split())
        if len(value) > max_length:
            errors[key] = [f"Dài quá {max_length} ký tự."]
        return value

    kind = data.get("kind") or ApplicantKind.CITIZEN
    if kind not in ApplicantKind.values:
        errors["kind"] = ["Phải là “citizen” (công dân) hoặc “organisation” (tổ chức)."]
        kind = ApplicantKind.CITIZEN
    name = text("name", 255)
    if not name and "name" not in errors:
        errors["name"] = ["Vui lòng nhập họ tên chủ hồ sơ."]
    id_number = text("id_number", 32).replace(" ", "")
    if id_number:
        pattern = _CITIZEN_ID if kind == ApplicantKind.CITIZEN else _TAX_CODE
        if not pattern.match(id_number):
            errors["id_number"] = [
                "Số CCCD gồm 12 chữ số (hoặc CMND 9 chữ số)."
                if kind == ApplicantKind.CITIZEN
                else "Mã số thuế gồm 10 chữ số (hoặc 10 chữ số, dấu gạch và 3 chữ số)."
            ]
    phone = normalise_phone(text("phone", 20))
    if phone and not _PHONE.match(phone):
        errors["phone"] = ["Số điện thoại không hợp lệ (ví dụ: 0901234567)."]
    email = text("email", 254)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = ["Địa chỉ thư điện tử không hợp lệ."]
    address = text("address", 500)
    return (
        {
            "kind": str(kind),
            "name": name,
            "id_number": id_number,
            "phone": phone,
            "email": email,
            "address": address,
        },
        errors,
    )
