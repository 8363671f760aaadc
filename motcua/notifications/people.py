"""How a message names a person: the staff profile's full name when there is one (issue
12 adds profiles), else the account's first and last name, else a neutral form of address."""

from __future__ import annotations

from typing import Any


def person_name(user: Any) -> str:
    for attr in ("staff_profile", "profile", "citizen_profile"):
        profile = getattr(user, attr, None)
        name = getattr(profile, "full_name", "") if profile is not None else ""
        if name:
            return str(name)
    full = " ".join(p for p in (user.last_name, user.first_name) if p).strip()
    return full or "ông/bà"
