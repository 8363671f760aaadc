"""The catalogue record of a procedure (CONTRACT.md §4) built from the database rows.

The same canonical record is exported, snapshotted into ``ProcedureVersion`` and served
by the API, so what was imported, what is versioned and what is published agree.
"""

from __future__ import annotations

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
            else {"amount": case.fee_amount, "note": case.fee_note},
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
        "fee": {"amount": procedure.fee_amount, "note": procedure.fee_note},
        "charge": None
        if procedure.charge_amount is None
        else {"amount": procedure.charge_amount, "note": procedure.charge_note},
        "online": procedure.online,
        "result": procedure.result,
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
    }
