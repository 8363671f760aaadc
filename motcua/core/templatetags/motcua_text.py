"""Filters that turn values into what people read: Vietnamese numbers and money, people
by their names, role and catalogue codes by their labels."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from motcua.core import numbers
from motcua.core.people import person_label

register = template.Library()

# Names of the catalogue elements a procedure record may mark as not yet checked against
# the published announcement (``unverified`` in the catalogue import, CONTRACT.md §4).
RECORD_ELEMENTS = {
    "name": _("tên thủ tục"),
    "code": _("mã thủ tục"),
    "field": _("lĩnh vực"),
    "level": _("cấp thực hiện"),
    "processing_days": _("thời hạn giải quyết"),
    "fee": _("phí, lệ phí"),
    "charge": _("phí"),
    "documents": _("thành phần hồ sơ"),
    "legal_basis": _("căn cứ pháp lý"),
    "steps": _("quy trình nội bộ"),
    "cases": _("các trường hợp"),
    "result": _("kết quả"),
    "online": _("mức độ trực tuyến"),
    "requirements": _("yêu cầu, điều kiện"),
    "applicants": _("đối tượng thực hiện"),
}


@register.filter
def vn_number(value: Any, decimals: Any = None) -> str:
    return numbers.vn_number(value, None if decimals in (None, "") else int(decimals))


@register.filter
def capped(value: Any) -> str:
    """A count of a long list (``core.pagination``): "hơn 1.000" past the cap."""
    from motcua.core.pagination import COUNT_CAP

    if isinstance(value, int) and value > COUNT_CAP:
        return str(_("hơn %(n)s") % {"n": numbers.vn_number(COUNT_CAP)})
    return numbers.vn_number(value)


@register.filter
def vn_money(value: Any) -> str:
    return numbers.vn_money(value)


@register.filter
def vn_percent(value: Any, decimals: Any = 1) -> str:
    return numbers.vn_percent(value, int(decimals))


@register.filter
def person(user: Any, fallback: str = "") -> str:
    """``{{ event.actor|person }}``: the person's full name, never the username."""
    return person_label(user, fallback=fallback)


@register.filter
def person_titled(user: Any) -> str:
    return person_label(user, with_title=True)


@register.filter
def role_name(role: Any) -> str:
    """``specialist`` → ``Chuyên viên xử lý``."""
    from motcua.units.models import Role

    return str(Role(role).label) if role in Role.values else str(role or "")


@register.filter
def record_elements(names: Any) -> str:
    """``["fee", "name"]`` → ``phí, lệ phí; tên thủ tục``."""
    return "; ".join(str(RECORD_ELEMENTS.get(name, name)) for name in names or ())


@register.filter
def get_key(mapping: Any, key: Any) -> Any:
    """A key of a dict (never one of its methods: ``data.items`` would be ``dict.items``)."""
    return mapping.get(key) if isinstance(mapping, dict) else None
