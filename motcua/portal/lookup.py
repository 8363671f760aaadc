"""Public lookup of a dossier by its code (CONTRACT.md §2): status and dates for anyone;
the applicant's name, documents and timeline details only with the last four digits of
the applicant's phone number."""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils import timezone

from motcua.core.ratelimit import counter_hit, counter_hold, counter_key, counter_peek
from motcua.core.text import comparable
from motcua.dossiers.lifecycle import ACTION_LABELS, Action
from motcua.dossiers.models import Dossier, DossierEvent, Status

# Internal moves that say nothing to the applicant (who holds the step inside the office).
_HIDDEN_ACTIONS = {Action.ASSIGN.value}
_PUBLIC_LABELS: dict[str, str] = {
    Action.INTAKE.value: "Nộp / tiếp nhận hồ sơ",
    Action.FORWARD.value: "Chuyển xử lý",
    Action.SEND_BACK.value: "Chuyển xử lý",
}


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    action: str
    label: str
    status: str
    status_label: str
    items: tuple[str, ...] = ()
    amount: int | None = None
    reason: str = ""


def lookup_find(code: str) -> Dossier | None:
    """The dossier with this exact code, or None (a malformed code is simply not found)."""
    code = (code or "").strip()[:48]
    if not code or not comparable(code):
        return None
    # Public read by design (anyone holding the code): not scoped to a user. Only the
    # fields of CONTRACT.md §2 leave this module.
    return Dossier.objects.select_related("procedure", "unit").filter(code=code).first()


_ASCII_DIGITS = frozenset("0123456789")
# After this many wrong digits for one dossier its check is locked for an hour, right digits
# included (CONTRACT.md §2): 5 guesses of 10,000, then one more guess an hour at most.
VERIFY_MAX_FAILURES = 5
VERIFY_LOCK_SECONDS = 3600


def verify_well_formed(verify: str) -> bool:
    """Exactly four ASCII digits (``¹²³⁴`` or Arabic-Indic digits are not phone digits)."""
    return len(verify) == 4 and all(ch in _ASCII_DIGITS for ch in verify)


def verify_matches(dossier: Dossier, verify: str) -> bool:
    """True when ``verify`` is the last four digits of the applicant's phone (no counting:
    the public checks go through :func:`verify_check`)."""
    verify = (verify or "").strip()
    phone = "".join(ch for ch in (dossier.applicant_phone or "") if ch in _ASCII_DIGITS)
    if not verify_well_formed(verify) or len(phone) < 4:
        return False
    return hmac.compare_digest(verify.encode(), phone[-4:].encode())


class VerifyResult(StrEnum):
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"


def _verify_key(dossier: Dossier) -> str:
    return counter_key("lookup-verify", dossier.code)


def verify_check(dossier: Dossier, verify: str) -> VerifyResult:
    """The public check of the phone digits: counted per dossier, whoever asks; once the
    dossier has had ``VERIFY_MAX_FAILURES`` wrong guesses, every check is LOCKED for an hour,
    the right digits too."""
    key = _verify_key(dossier)
    if counter_peek(key) >= VERIFY_MAX_FAILURES:
        return VerifyResult.LOCKED
    if verify_matches(dossier, verify):
        return VerifyResult.OK
    failures = counter_hit(key, VERIFY_LOCK_SECONDS)
    if failures >= VERIFY_MAX_FAILURES:
        counter_hold(key, VERIFY_LOCK_SECONDS)
    return VerifyResult.WRONG


def public_timeline(dossier: Dossier, *, detailed: bool) -> list[TimelineEntry]:
    """The dossier's events as the public sees them: what happened and when, never who.
    ``detailed`` (the applicant) adds the items asked for, the amount and the reasons."""
    entries = []
    events = DossierEvent.objects.filter(dossier=dossier).order_by("seq")
    for event in events.only("at", "action", "to_status", "data"):
        if event.action in _HIDDEN_ACTIONS:
            continue
        data: dict[str, Any] = event.data or {}
        label = _PUBLIC_LABELS.get(event.action) or ACTION_LABELS.get(
            Action(event.action), event.action
        )
        entries.append(
            TimelineEntry(
                at=event.at,
                action=event.action,
                label=str(label),
                status=event.to_status,
                status_label=str(Status(event.to_status).label),
                items=tuple(data.get("items") or ()) if detailed else (),
                amount=data.get("amount") if detailed else None,
                reason=str(data.get("reason") or "") if detailed else "",
            )
        )
    return entries


def last_supplement_items(dossier: Dossier) -> list[str]:
    """What the office asked for in its latest supplement request."""
    event = (
        DossierEvent.objects.filter(dossier=dossier, action=Action.REQUEST_SUPPLEMENT.value)
        .order_by("-seq")
        .only("data")
        .first()
    )
    return list((event.data or {}).get("items") or []) if event else []


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else timezone.localtime(value).isoformat()


def lookup_payload(dossier: Dossier, *, verified: bool) -> dict[str, Any]:
    """The API body of ``GET /api/v1/lookup/{code}``."""
    payload: dict[str, Any] = {
        "code": dossier.code,
        "procedure": {"code": dossier.procedure.code, "name": dossier.procedure.name},
        "unit": {"code": dossier.unit.code, "name": dossier.unit.name},
        "status": dossier.status,
        "status_label": str(Status(dossier.status).label),
        "national_status": dossier.national_status,
        "submitted_at": _iso(dossier.submitted_at),
        "received_at": _iso(dossier.received_at),
        "due_at": _iso(dossier.due_at),
        "extended_due_at": _iso(dossier.extended_due_at),
        "resolved_at": _iso(dossier.resolved_at),
        "returned_at": _iso(dossier.returned_at),
        "verified": verified,
    }
    if verified:
        payload["applicant_name"] = dossier.applicant_name
        payload["documents"] = [
            {"name": d.get("name", ""), "received": bool(d.get("received"))}
            for d in (dossier.documents or [])
        ]
        payload["timeline"] = [
            {
                "at": _iso(e.at),
                "action": e.action,
                "label": e.label,
                "status": e.status,
                "status_label": e.status_label,
            }
            for e in public_timeline(dossier, detailed=False)
        ]
    return payload
