"""The catalogue record of a procedure (CONTRACT.md §4) built from the database rows.

The same canonical record is exported, snapshotted into ``ProcedureVersion`` and served
by the API, so what was imported, what is versioned and what is published agree.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any

from motcua.procedures.models import Procedure


def number(value: Decimal | int | float | None) -> int | float | None:
    """A JSON number: integers stay integers (``15``, not ``15.0``)."""
    if value is None:
        return None
    as_decimal = Decimal(str(value))
    return int(as_decimal) if as_decimal == as_decimal.to_integral_value() else float(as_decimal)


def canonical_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def digest(record: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(record).encode()).hexdigest()


def _document(doc: Any) -> dict[str, Any]:
    return {
        "name": doc.name,
        "kind": doc.kind,
        "count": doc.count,
        "required": doc.required,
        "note": doc.note,
        "national_code": doc.national_code,
    }


def procedure_record(procedure: Procedure) -> dict[str, Any]:
    """The full §4 record. Expects documents, cases, steps and legal basis prefetched
    (``procedure_detail_queryset``) to stay at a fixed number of queries."""
    documents = list(procedure.documents.all())
    cases = []
    for case in procedure.cases.all():
        case_record: dict[str, Any] = {
            "code": case.code,
            "name": case.name,
            "processing_days": number(case.processing_days),
            "fee": None
            if case.fee_amount is None
            else {"amount": case.fee_amount, "note": case.fee_note, "code": case.fee_code},
            "documents": [_document(d) for d in documents if d.case_id == case.pk],
        }
        cases.append(case_record)
    return {
        "code": procedure.code,
        "name": procedure.name,
        "field": procedure.field.code,
        "level": procedure.level,
        "processing_days": number(procedure.processing_days),
        "same_day_cutoff": procedure.same_day_cutoff.strftime("%H:%M")
        if procedure.same_day_cutoff
        else None,
        "fee": {
            "amount": procedure.fee_amount,
            "note": procedure.fee_note,
            "code": procedure.fee_code,
        },
        "charge": None
        if procedure.charge_amount is None
        else {
            "amount": procedure.charge_amount,
            "note": procedure.charge_note,
            "code": procedure.charge_code,
        },
        "online": procedure.online,
        "result": procedure.result,
        # National portal codes (CONTRACT §4 extended; reference/national-portal.md).
        "national_code": procedure.national_code,
        "online_service_code": procedure.online_service_code,
        "result_code": procedure.result_code,
        "description": procedure.description,
        "requirements": procedure.requirements,
        "applicants": procedure.applicants,
        "documents": [_document(d) for d in documents if d.case_id is None],
        "legal_basis": [
            {
                "number": basis.document.number,
                "title": basis.document.title,
                "issued": basis.document.issued.isoformat() if basis.document.issued else None,
                "issuer": basis.document.issuer,
                "url": basis.document.url,
            }
            for basis in procedure.procedurelegalbasis_set.all()
        ],
        "steps": [
            {
                "name": step.name,
                "role": step.role,
                "hours": number(step.hours),
                "unit": step.unit.code if step.unit else None,
            }
            for step in procedure.steps.all()
        ],
        "cases": cases,
        "unverified": list(procedure.unverified),
        "supplement_days": procedure.supplement_days,
        "refuse_on_supplement_expiry": procedure.refuse_on_supplement_expiry,
        "eform": procedure.eform,
    }


# Reading a published record (a ``ProcedureVersion.record``) for one case. A dossier keeps
# the version it was received under, so its terms always come from here, never from the
# current catalogue rows.


def _case(record: dict[str, Any], case_code: str) -> dict[str, Any] | None:
    for case in record.get("cases") or []:
        if case.get("code") == case_code:
            return dict(case)
    return None


def record_documents(record: dict[str, Any], case_code: str) -> list[dict[str, Any]]:
    """The documents to hand in: the case's own first, then the procedure's, in the order
    dossier checklists number them."""
    case = _case(record, case_code)
    own = list(case.get("documents") or []) if case else []
    return own + list(record.get("documents") or [])


def record_processing_days(record: dict[str, Any], case_code: str) -> Decimal:
    days = record.get("processing_days") or 0
    case = _case(record, case_code)
    if case is not None and case.get("processing_days") is not None:
        days = case["processing_days"]
    return Decimal(str(days))


def record_fee(record: dict[str, Any], case_code: str) -> int:
    amount = (record.get("fee") or {}).get("amount", 0)
    case = _case(record, case_code)
    if case is not None and case.get("fee"):
        amount = case["fee"].get("amount", amount)
    return int(amount or 0)


def record_cutoff(record: dict[str, Any], default: str) -> dt.time:
    """The same-day cutoff of a procedure, or the site's default (``HH:MM``)."""
    return dt.time.fromisoformat(record.get("same_day_cutoff") or default)


def record_case_name(record: dict[str, Any], case_code: str) -> str:
    case = _case(record, case_code)
    return str(case.get("name", "")) if case else ""
