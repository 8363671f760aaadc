"""MotCua's record of a dossier as of one history event, written into the outbox row.

Why a snapshot and not "read the dossier at delivery": the outbox may deliver hours after
the event (an outage), and retries an older row while newer events happen. A row that read
the dossier at delivery would send today's state under yesterday's event, and a retried
older row could overwrite a newer status on the portal. A row that carries its own state
sends exactly what the dossier was after that event, in history order.

What is *not* frozen, on purpose, is resolved at delivery by ``mapping``: the national codes
(from the current catalogue, so an administrator who fills in a missing code can resend a
refused row) and the signed download links (they expire; a link signed at enqueue time would
be dead after a long outage).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from motcua.dossiers.models import Attachment, AttachmentKind, Dossier, DossierEvent
from motcua.units.models import Membership, Role

SNAPSHOT_VERSION = 1
# Actions after which the dossier record itself changes (status, dates, fees, files);
# every other action (assignment, moving between steps) is a processing step only.
RECORD_ACTIONS = frozenset(
    {
        "intake",
        "accept",
        "refuse",
        "request-supplement",
        "supplement",
        "request-payment",
        "confirm-payment",
        "extend",
        "stop",
        "resolve",
        "return",
        "withdraw",
    }
)
ROLE_TITLES = {
    Role.LEADER: "Lãnh đạo",
    Role.SPECIALIST: "Chuyên viên",
    Role.DESK: "Cán bộ một cửa",
    Role.UNIT_ADMIN: "Quản trị đơn vị",
}


def iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).isoformat()


def parse(value: str | None) -> dt.datetime | None:
    return None if not value else dt.datetime.fromisoformat(value)


def changes_record(event: DossierEvent) -> bool:
    return event.action in RECORD_ACTIONS or event.from_status != event.to_status


def _supplements(events: list[DossierEvent]) -> list[dict[str, Any]]:
    """Each supplement request with its answer, and the due date before and after it."""
    out: list[dict[str, Any]] = []
    due: str | None = None
    for event in events:
        data = event.data or {}
        if event.action == "request-supplement":
            out.append(
                {
                    "id": event.seq,
                    "by": event.actor_name,
                    "items": list(data.get("items") or []),
                    "note": event.note,
                    "requested_at": iso(event.at),
                    "supplied_at": None,
                    "due_before": due,
                    "due_after": None,
                }
            )
        elif event.action == "supplement" and out and out[-1]["supplied_at"] is None:
            out[-1]["supplied_at"] = iso(event.at)
            out[-1]["due_after"] = _as_utc(data.get("due_at"))
        if data.get("due_at"):
            due = _as_utc(data["due_at"])
    return out


def _as_utc(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    return dt.datetime.fromisoformat(value).astimezone(dt.UTC).isoformat()


def _title(event: DossierEvent, dossier: Dossier) -> str:
    if event.actor_id is None:
        return "Hệ thống"
    units = [u for u in (dossier.unit_id, dossier.step_unit_id) if u is not None]
    roles = set(
        Membership.objects.filter(user_id=event.actor_id, unit_id__in=units).values_list(
            "role", flat=True
        )
    )
    for role, title in ROLE_TITLES.items():
        if role in roles:
            return title
    return "Công dân" if dossier.applicant_user_id == event.actor_id else ""


def _actor_name(event: DossierEvent) -> str:
    actor = event.actor
    if actor is not None:
        # Vietnamese order: family name first.
        full = " ".join(p for p in (actor.last_name, actor.first_name) if p).strip()
        return full or actor.get_username()
    return "Hệ thống" if event.actor_name == "system" else event.actor_name


def dossier_snapshot(dossier: Dossier, event: DossierEvent) -> dict[str, Any]:
    """The dossier after ``event``, as plain JSON (times in UTC ISO 8601)."""
    events = list(
        DossierEvent.objects.filter(dossier_id=dossier.pk, seq__lte=event.seq)
        .only("seq", "action", "at", "actor_name", "data", "note")
        .order_by("seq")
    )
    refused_at = next((e.at for e in events if e.action == "refuse"), None)
    requests = [e for e in events if e.action == "request-supplement"]
    sync = getattr(dossier, "national_sync", None)
    origin = sync.origin if sync is not None else "motcua"
    files = []
    for att in Attachment.objects.filter(
        dossier_id=dossier.pk,
        kind__in=[AttachmentKind.DOCUMENT, AttachmentKind.SUPPLEMENT, AttachmentKind.RESULT],
    ).order_by("id"):
        # The flags are the attachment's own (marked at the counter, set by a reuse from
        # the data store, or sent by the portal with an inbound file).
        files.append(
            {
                "id": att.pk,
                "name": att.name,
                "kind": att.kind,
                "document_index": att.document_index,
                "digitised": att.digitised,
                "reused": att.reused,
                "from_store": att.from_national_store,
                "result_code": att.result_code,
            }
        )
    # DuocThanhToanTrucTuyen: how the fee lines were collected (1 the national payment
    # platform, 2 the province's gateway, 0 at the counter or not paid).
    fees = [
        {
            "kind": f.kind,
            "code": f.code,
            "name": f.name,
            "amount": f.amount,
            "method": f.method,
            "paid_at": iso(f.paid_at),
            "receipt_number": f.receipt_number,
        }
        for f in dossier.fees.all()
    ]
    methods = {f["method"] for f in fees if f["paid_at"]}
    payment_channel = 1 if "national" in methods else 2 if "gateway" in methods else 0
    if dossier.paid_at is not None and not fees:
        from motcua.integrations.models import Payment, PaymentStatus

        paid = Payment.objects.filter(dossier_id=dossier.pk, status=PaymentStatus.PAID).first()
        if paid is not None:
            payment_channel = 1 if paid.provider in {"dvcqg", "national"} else 2
    return {
        "v": SNAPSHOT_VERSION,
        "seq": event.seq,
        "action": event.action,
        "code": dossier.code,
        "procedure": dossier.procedure.code,
        "case_code": dossier.case_code,
        "unit": dossier.unit.code,
        "channel": dossier.channel,
        "origin": origin,
        "applicant": {
            "kind": dossier.applicant_kind,
            "name": dossier.applicant_name,
            "id_number": dossier.applicant_id_number,
            "phone": dossier.applicant_phone,
            "email": dossier.applicant_email,
            "address": dossier.applicant_address,
            "national_account_id": sync.national_account_id if sync else "",
            "type_code": sync.applicant_type if sync else None,
            "identifiers": list(sync.identifiers) if sync else [],
            "vneid": bool(sync and sync.vneid_verified),
        },
        "summary": dossier.summary,
        "documents": [
            {"index": d.get("index"), "name": d.get("name")} for d in (dossier.documents or [])
        ],
        "status": dossier.status,
        "submitted_at": iso(dossier.submitted_at),
        "received_at": iso(dossier.received_at),
        "due_at": iso(dossier.due_at),
        "extended_due_at": iso(dossier.extended_due_at),
        "resolved_at": iso(dossier.resolved_at),
        "returned_at": iso(dossier.returned_at),
        "closed_at": iso(dossier.closed_at),
        "refused_at": iso(refused_at),
        "supplement_requested_at": iso(requests[-1].at) if requests else None,
        "return_method": dossier.return_method,
        "outcome": dossier.outcome,
        "fee_amount": dossier.fee_amount,
        "payment_state": dossier.payment_state,
        "payment_channel": payment_channel,
        "fees": fees,
        "supplements": _supplements(events),
        "files": files,
    }


def step_snapshot(dossier: Dossier, event: DossierEvent) -> dict[str, Any]:
    """One processing step (an event) for ``CapNhatTienDoHoSoMC``."""
    from motcua.calendars.selectors import working_calendar
    from motcua.dossiers.services import current_step

    step = current_step(dossier) if event.step is not None else None
    unit = dossier.step_unit or dossier.unit
    if step is not None:
        seconds = int(Decimal(str(step.get("hours") or 0)) * 3600)
        step_due: dt.datetime | None = working_calendar().add_working_seconds(event.at, seconds)
    else:
        step_due = dossier.due_at
    return {
        "v": SNAPSHOT_VERSION,
        "seq": event.seq,
        "code": dossier.code,
        "action": event.action,
        "actor": _actor_name(event),
        "title": _title(event, dossier),
        "at": iso(event.at),
        "unit": unit.name,
        "note": event.note,
        "data": event.data,
        "status": event.to_status,
        "step_name": step.get("name") if step else "",
        "step_due": iso(step_due),
        "recorded_at": iso(timezone.now()),
    }
