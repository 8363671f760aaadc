"""How people are named on every page, form, history entry and message.

Staff are named by their profile (``units.StaffProfile``: full name in natural Vietnamese
order, title, phone), citizens by theirs (``accounts.CitizenProfile``); a username is what
one signs in with, never what others read. Everyone who shows a person calls
``person_label``.
"""

from __future__ import annotations

from typing import Any

SYSTEM_LABEL = "Hệ thống"


def _profile(user: Any, name: str) -> Any:
    try:
        return getattr(user, name)
    except Exception:
        return None


def person_name(user: Any) -> str:
    """The full name of ``user`` in natural order, or ``""`` when nobody told it."""
    if user is None:
        return ""
    for relation in ("staff_profile", "citizen_profile"):
        profile = _profile(user, relation)
        if profile is not None and profile.full_name.strip():
            return str(profile.full_name).strip()
    # Accounts made before profiles existed: Django keeps two fields; Vietnamese order
    # is family name first.
    first = (getattr(user, "first_name", "") or "").strip()
    last = (getattr(user, "last_name", "") or "").strip()
    return f"{last} {first}".strip()


def person_title(user: Any) -> str:
    profile = _profile(user, "staff_profile") if user is not None else None
    return str(profile.title).strip() if profile is not None else ""


def person_phone(user: Any) -> str:
    profile = _profile(user, "staff_profile") if user is not None else None
    return str(profile.phone).strip() if profile is not None else ""


def person_label(user: Any, *, with_title: bool = False, fallback: str = "") -> str:
    """``Nguyễn Văn An`` (``Nguyễn Văn An, Công chức Tư pháp - Hộ tịch`` with the title).

    Without a name: ``fallback`` when given (e.g. the role), else "Cán bộ" for staff and
    "Hệ thống" for no user — never the username."""
    if user is None:
        return fallback or SYSTEM_LABEL
    name = person_name(user)
    if not name:
        return fallback or "Cán bộ"
    title = person_title(user) if with_title else ""
    return f"{name}, {title}" if title else name
