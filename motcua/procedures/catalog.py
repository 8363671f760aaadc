"""Catalogue import and export (CONTRACT.md §4).

The whole file is validated first and every error is reported with its path
(``procedures[3].field: unknown field "XX"``); only a clean file is written, in one
transaction. Writing compares each record with what is stored and touches nothing
that is already the same, so importing a file twice changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from motcua.procedures.eforms import eform_schema_problems
from motcua.procedures.models import (
    DocumentKind,
    Field,
    LegalDocument,
    OnlineLevel,
    Procedure,
    ProcedureCase,
    ProcedureLegalBasis,
    ProcedureLevel,
    RequiredDocument,
    WorkflowStep,
)
from motcua.procedures.records import number, procedure_record
from motcua.procedures.selectors import procedure_detail_queryset
from motcua.procedures.services import procedure_publish
from motcua.units.models import Unit, UnitLevel

_CODE = re.compile(r"^[0-9A-Za-z.\-_]{1,32}$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
# National portal codes: letters, digits and the separators the national catalogues use
# (``1.001193``, ``KQ.G07.000122``, ``000.00.00.H99``); the DVCQG mapping checks them again
# before a dossier is sent.
_NATIONAL_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-_]{0,63}$")
MAX_DAYS = Decimal(365)
STEP_ROLES = {"desk", "specialist", "leader"}


class CatalogError(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ImportReport:
    units_created: int = 0
    units_updated: int = 0
    fields_created: int = 0
    fields_updated: int = 0
    procedures_created: int = 0
    procedures_updated: int = 0
    unchanged: int = 0
    messages: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(
            (
                self.units_created,
                self.units_updated,
                self.fields_created,
                self.fields_updated,
                self.procedures_created,
                self.procedures_updated,
            )
        )

    def summary(self) -> str:
        return (
            f"đơn vị: {self.units_created} mới, {self.units_updated} cập nhật; "
            f"lĩnh vực: {self.fields_created} mới, {self.fields_updated} cập nhật; "
            f"thủ tục: {self.procedures_created} mới, {self.procedures_updated} cập nhật; "
            f"không đổi: {self.unchanged}"
        )


class _Validator:
    """Collects every error of a catalogue document with its JSON path."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")

    def text(
        self,
        obj: dict[str, Any],
        key: str,
        path: str,
        *,
        required: bool = True,
        max_length: int = 500,
    ) -> str:
        value = obj.get(key)
        if value is None or value == "":
            if required:
                self.error(f"{path}.{key}", "missing")
            return ""
        if not isinstance(value, str):
            self.error(f"{path}.{key}", "must be a string")
            return ""
        if len(value) > max_length:
            self.error(f"{path}.{key}", f"longer than {max_length} characters")
        return value.strip()

    def choice(self, obj: dict[str, Any], key: str, path: str, allowed: set[str]) -> str:
        value = obj.get(key)
        if value is None:
            self.error(f"{path}.{key}", "missing")
            return ""
        if not isinstance(value, str) or value not in allowed:
            self.error(f"{path}.{key}", f'"{value}" is not one of {", ".join(sorted(allowed))}')
            return ""
        return str(value)

    def days(self, obj: dict[str, Any], key: str, path: str) -> Decimal | None:
        value = obj.get(key)
        if value is None:
            self.error(f"{path}.{key}", "missing")
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(f"{path}.{key}", "must be a number of working days")
            return None
        try:
            days = Decimal(str(value))
        except InvalidOperation:
            self.error(f"{path}.{key}", "must be a number of working days")
            return None
        if days < 0:
            self.error(f"{path}.{key}", f"must not be negative (got {value})")
            return None
        if days > MAX_DAYS:
            self.error(f"{path}.{key}", f"must be at most {MAX_DAYS} working days")
            return None
        if days != days.quantize(Decimal("0.01")):
            self.error(f"{path}.{key}", "at most two decimals")
            return None
        return days

    def money(
        self, obj: dict[str, Any], key: str, path: str, *, optional: bool
    ) -> dict[str, Any] | None:
        value = obj.get(key)
        if value is None:
            if not optional:
                return {"amount": 0, "note": "", "code": ""}
            return None
        if not isinstance(value, dict):
            self.error(f"{path}.{key}", 'must be an object {"amount", "note"}')
            return None
        amount = value.get("amount", 0)
        if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
            self.error(f"{path}.{key}.amount", "must be a whole, non-negative number of đồng")
            amount = 0
        note = self.text(value, "note", f"{path}.{key}", required=False)
        return {"amount": amount, "note": note, "code": self.code(value, "code", f"{path}.{key}")}

    def code(self, obj: dict[str, Any], key: str, path: str) -> str:
        """An optional national portal code (empty when absent)."""
        value = obj.get(key)
        if value is None or value == "":
            return ""
        if not isinstance(value, str) or not _NATIONAL_CODE.match(value.strip()):
            self.error(f"{path}.{key}", f'"{value}" is not a valid national code')
            return ""
        return value.strip()

    def items(
        self, obj: dict[str, Any], key: str, path: str, *, required: bool = False
    ) -> list[Any]:
        value = obj.get(key)
        if value is None:
            if required:
                self.error(f"{path}.{key}", "missing")
            return []
        if not isinstance(value, list):
            self.error(f"{path}.{key}", "must be a list")
            return []
        return value


def _known(code: Any, codes: set[str]) -> bool:
    """A reference to a code: a string among ``codes`` (a list or object is a bad value,
    never a crash)."""
    return isinstance(code, str) and code in codes


def _documents(v: _Validator, items: list[Any], path: str) -> list[dict[str, Any]]:
    documents = []
    for i, item in enumerate(items):
        p = f"{path}[{i}]"
        if not isinstance(item, dict):
            v.error(p, "must be an object")
            continue
        count = item.get("count", 1)
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            v.error(f"{p}.count", "must be a whole number of at least 1")
            count = 1
        required = item.get("required", True)
        if not isinstance(required, bool):
            v.error(f"{p}.required", "must be true or false")
            required = True
        documents.append(
            {
                "name": v.text(item, "name", p),
                "kind": v.choice(
                    {"kind": item.get("kind", "original")}, "kind", p, set(DocumentKind.values)
                ),
                "count": count,
                "required": required,
                "note": v.text(item, "note", p, required=False),
                "national_code": v.code(item, "national_code", p),
            }
        )
    return documents


@dataclass
class _Plan:
    units: list[dict[str, Any]]
    fields: list[dict[str, Any]]
    procedures: list[dict[str, Any]]


def validate_catalog(data: Any) -> _Plan:
    """Check a whole catalogue document; raise ``CatalogError`` with every error found."""
    v = _Validator()
    if not isinstance(data, dict):
        raise CatalogError(
            ["$: the catalogue must be a JSON object with units, fields, procedures"]
        )
    unknown = set(data) - {"units", "fields", "procedures"}
    for key in sorted(unknown):
        v.error(key, "unknown section")

    fields: list[dict[str, Any]] = []
    field_codes = set(Field.objects.values_list("code", flat=True))
    seen: set[str] = set()
    for i, item in enumerate(v.items(data, "fields", "$")):
        p = f"fields[{i}]"
        if not isinstance(item, dict):
            v.error(p, "must be an object")
            continue
        code = v.text(item, "code", p, max_length=32)
        if code in seen:
            v.error(f"{p}.code", f'duplicate field code "{code}"')
        seen.add(code)
        fields.append({"code": code, "name": v.text(item, "name", p, max_length=255)})
    field_codes |= seen

    procedures_raw = v.items(data, "procedures", "$")
    procedure_codes = set(Procedure.objects.values_list("code", flat=True))
    procedure_codes |= {
        item["code"]
        for item in procedures_raw
        if isinstance(item, dict) and isinstance(item.get("code"), str)
    }

    units: list[dict[str, Any]] = []
    unit_codes = set(Unit.objects.values_list("code", flat=True))
    units_raw = v.items(data, "units", "$")
    file_unit_codes = [u.get("code") for u in units_raw if isinstance(u, dict)]
    unit_codes |= {c for c in file_unit_codes if isinstance(c, str)}
    seen = set()
    for i, item in enumerate(units_raw):
        p = f"units[{i}]"
        if not isinstance(item, dict):
            v.error(p, "must be an object")
            continue
        code = v.text(item, "code", p, max_length=32)
        if code and not _CODE.match(code):
            v.error(f"{p}.code", f'"{code}" is not a valid unit code')
        if code in seen:
            v.error(f"{p}.code", f'duplicate unit code "{code}"')
        seen.add(code)
        parent = item.get("parent")
        if parent is not None and not _known(parent, unit_codes):
            v.error(f"{p}.parent", f'unknown unit "{parent}"')
            parent = None
        if parent == code and code:
            v.error(f"{p}.parent", "a unit cannot be its own parent")
        successor = item.get("successor")
        if successor is not None and not _known(successor, unit_codes):
            v.error(f"{p}.successor", f'unknown unit "{successor}"')
        dates: dict[str, dt.date | None] = {}
        for key in ("valid_from", "valid_to"):
            raw = item.get(key)
            dates[key] = None
            if raw is not None:
                try:
                    dates[key] = dt.date.fromisoformat(str(raw))
                except ValueError:
                    v.error(f"{p}.{key}", f'"{raw}" is not a date (YYYY-MM-DD)')
        performed = []
        for j, proc in enumerate(v.items(item, "procedures", p)):
            if not _known(proc, procedure_codes):
                v.error(f"{p}.procedures[{j}]", f'unknown procedure "{proc}"')
            else:
                performed.append(proc)
        units.append(
            {
                "code": code,
                "name": v.text(item, "name", p, max_length=255),
                "level": v.choice(item, "level", p, set(UnitLevel.values)),
                "parent": parent,
                "address": v.text(item, "address", p, required=False, max_length=255),
                "phone": v.text(item, "phone", p, required=False, max_length=32),
                "national_code": v.code(item, "national_code", p),
                "successor": successor,
                "procedures": performed if "procedures" in item else None,
                **dates,
            }
        )
    _check_unit_cycles(v, units)

    procedures: list[dict[str, Any]] = []
    legal_documents: dict[str, tuple[str, dict[str, Any]]] = {}
    seen = set()
    for i, item in enumerate(procedures_raw):
        p = f"procedures[{i}]"
        if not isinstance(item, dict):
            v.error(p, "must be an object")
            continue
        code = v.text(item, "code", p, max_length=32)
        if code and not _CODE.match(code):
            v.error(f"{p}.code", f'"{code}" is not a valid procedure code')
        if code in seen:
            v.error(f"{p}.code", f'duplicate procedure code "{code}"')
        seen.add(code)
        field_code = item.get("field")
        if field_code is None:
            v.error(f"{p}.field", "missing")
        elif not _known(field_code, field_codes):
            v.error(f"{p}.field", f'unknown field "{field_code}"')
        days = v.days(item, "processing_days", p)
        cutoff = item.get("same_day_cutoff")
        if cutoff is not None and (not isinstance(cutoff, str) or not _TIME.match(cutoff)):
            v.error(f"{p}.same_day_cutoff", f'"{cutoff}" is not a time HH:MM')
            cutoff = None
        steps = []
        for j, step in enumerate(v.items(item, "steps", p)):
            sp = f"{p}.steps[{j}]"
            if not isinstance(step, dict):
                v.error(sp, "must be an object")
                continue
            hours = step.get("hours")
            if isinstance(hours, bool) or not isinstance(hours, int | float) or hours <= 0:
                v.error(f"{sp}.hours", "must be a positive number of working hours")
                hours = 1
            step_unit = step.get("unit")
            if step_unit is not None and not _known(step_unit, unit_codes):
                v.error(f"{sp}.unit", f'unknown unit "{step_unit}"')
            steps.append(
                {
                    "name": v.text(step, "name", sp, max_length=255),
                    "role": v.choice(step, "role", sp, STEP_ROLES),
                    "hours": Decimal(str(hours)),
                    "unit": step_unit,
                }
            )
        cases = []
        case_codes: set[str] = set()
        for j, case in enumerate(v.items(item, "cases", p)):
            cp = f"{p}.cases[{j}]"
            if not isinstance(case, dict):
                v.error(cp, "must be an object")
                continue
            case_code = v.text(case, "code", cp, max_length=64)
            if case_code and not re.match(r"^[-a-zA-Z0-9_]+$", case_code):
                v.error(f"{cp}.code", f'"{case_code}" may hold only letters, digits, - and _')
            if case_code in case_codes:
                v.error(f"{cp}.code", f'duplicate case code "{case_code}"')
            case_codes.add(case_code)
            cases.append(
                {
                    "code": case_code,
                    "name": v.text(case, "name", cp),
                    "processing_days": v.days(case, "processing_days", cp),
                    "fee": v.money(case, "fee", cp, optional=True),
                    "documents": _documents(v, v.items(case, "documents", cp), f"{cp}.documents"),
                }
            )
        legal = []
        numbers: set[str] = set()
        for j, basis in enumerate(v.items(item, "legal_basis", p)):
            lp = f"{p}.legal_basis[{j}]"
            if not isinstance(basis, dict):
                v.error(lp, "must be an object")
                continue
            issued = None
            if basis.get("issued") is not None:
                try:
                    issued = dt.date.fromisoformat(str(basis["issued"]))
                except ValueError:
                    v.error(f"{lp}.issued", f'"{basis["issued"]}" is not a date (YYYY-MM-DD)')
            document = {
                "number": v.text(basis, "number", lp, max_length=64),
                "title": v.text(basis, "title", lp),
                "issued": issued,
                "issuer": v.text(basis, "issuer", lp, required=False, max_length=255),
                "url": v.text(basis, "url", lp, required=False),
            }
            number_ = str(document["number"])
            if number_ in numbers:
                v.error(f"{lp}.number", f'"{number_}" is listed twice')
            numbers.add(number_)
            # One legal document is one row shared by every procedure citing it: two
            # different descriptions of it would overwrite each other on every import.
            first = legal_documents.setdefault(number_, (f"{lp}", document))
            if number_ and first[1] != document:
                v.error(lp, f'"{number_}" differs from the same document at {first[0]}')
            legal.append(document)
        supplement_days_ = item.get("supplement_days")
        if supplement_days_ is not None and (
            isinstance(supplement_days_, bool)
            or not isinstance(supplement_days_, int)
            or not 1 <= supplement_days_ <= 365
        ):
            v.error(f"{p}.supplement_days", "must be a whole number of working days, 1 to 365")
            supplement_days_ = None
        refuse_on_expiry = item.get("refuse_on_supplement_expiry", False)
        if not isinstance(refuse_on_expiry, bool):
            v.error(f"{p}.refuse_on_supplement_expiry", "must be true or false")
            refuse_on_expiry = False
        eform = item.get("eform")
        if eform is not None:
            for problem in eform_schema_problems(eform):
                v.error(f"{p}.eform", problem)
        unverified = item.get("unverified", [])
        if not isinstance(unverified, list) or not all(isinstance(u, str) for u in unverified):
            v.error(f"{p}.unverified", "must be a list of element names")
            unverified = []
        procedures.append(
            {
                "code": code,
                "name": v.text(item, "name", p),
                "field": field_code,
                "level": v.choice(item, "level", p, set(ProcedureLevel.values)),
                "processing_days": days,
                "same_day_cutoff": dt.time.fromisoformat(cutoff) if cutoff else None,
                "fee": v.money(item, "fee", p, optional=False),
                "charge": v.money(item, "charge", p, optional=True),
                "online": v.choice(
                    {"online": item.get("online", "none")}, "online", p, set(OnlineLevel.values)
                ),
                "result": v.text(item, "result", p),
                "national_code": v.code(item, "national_code", p),
                "online_service_code": v.code(item, "online_service_code", p),
                "result_code": v.code(item, "result_code", p),
                "description": v.text(item, "description", p, required=False, max_length=20000),
                "requirements": v.text(item, "requirements", p, required=False, max_length=20000),
                "applicants": v.text(item, "applicants", p, required=False, max_length=20000),
                "documents": _documents(v, v.items(item, "documents", p), f"{p}.documents"),
                "legal_basis": legal,
                "steps": steps,
                "cases": cases,
                "unverified": unverified,
                "supplement_days": supplement_days_,
                "refuse_on_supplement_expiry": refuse_on_expiry,
                "eform": eform,
            }
        )
    if v.errors:
        raise CatalogError(v.errors)
    return _Plan(units=units, fields=fields, procedures=procedures)


def _check_unit_cycles(v: _Validator, units: list[dict[str, Any]]) -> None:
    parents = dict(Unit.objects.values_list("code", "parent__code"))
    parents.update({u["code"]: u["parent"] for u in units})
    for i, unit in enumerate(units):
        seen = {unit["code"]}
        current = unit["parent"]
        while current is not None:
            if current in seen:
                v.error(f"units[{i}].parent", "the unit tree has a cycle")
                break
            seen.add(current)
            current = parents.get(current)


def _set_if_changed(obj: Any, values: dict[str, Any]) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def _normalise(record: dict[str, Any]) -> dict[str, Any]:
    """A validated import record in the exact shape ``procedure_record`` exports."""

    def money(m: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if m is None else {"amount": m["amount"], "note": m["note"], "code": m["code"]}

    return {
        "code": record["code"],
        "name": record["name"],
        "field": record["field"],
        "level": record["level"],
        "processing_days": number(record["processing_days"]),
        "same_day_cutoff": record["same_day_cutoff"].strftime("%H:%M")
        if record["same_day_cutoff"]
        else None,
        "fee": money(record["fee"]),
        "charge": money(record["charge"]),
        "online": record["online"],
        "result": record["result"],
        "national_code": record["national_code"],
        "online_service_code": record["online_service_code"],
        "result_code": record["result_code"],
        "description": record["description"],
        "requirements": record["requirements"],
        "applicants": record["applicants"],
        "documents": record["documents"],
        "legal_basis": [
            {
                **b,
                "issued": b["issued"].isoformat() if b["issued"] else None,
            }
            for b in record["legal_basis"]
        ],
        "steps": [{**s, "hours": number(s["hours"])} for s in record["steps"]],
        "cases": [
            {
                **c,
                "processing_days": number(c["processing_days"]),
                "fee": money(c["fee"]),
            }
            for c in record["cases"]
        ],
        "unverified": record["unverified"],
        "supplement_days": record["supplement_days"],
        "refuse_on_supplement_expiry": record["refuse_on_supplement_expiry"],
        "eform": record["eform"],
    }


def _write_procedure(
    record: dict[str, Any], fields: dict[str, Field], units: dict[str, Unit]
) -> str:
    """Create or replace one procedure; returns created, updated or unchanged."""
    existing = procedure_detail_queryset().filter(code=record["code"]).first()
    if existing is not None and procedure_record(existing) == _normalise(record):
        return "unchanged"
    values = {
        "name": record["name"],
        "field": fields[record["field"]],
        "level": record["level"],
        "processing_days": record["processing_days"],
        "same_day_cutoff": record["same_day_cutoff"],
        "fee_amount": record["fee"]["amount"],
        "fee_note": record["fee"]["note"],
        "fee_code": record["fee"]["code"],
        "charge_amount": record["charge"]["amount"] if record["charge"] else None,
        "charge_note": record["charge"]["note"] if record["charge"] else "",
        "charge_code": record["charge"]["code"] if record["charge"] else "",
        "online": record["online"],
        "result": record["result"],
        "national_code": record["national_code"],
        "online_service_code": record["online_service_code"],
        "result_code": record["result_code"],
        "description": record["description"],
        "requirements": record["requirements"],
        "applicants": record["applicants"],
        "unverified": record["unverified"],
        "supplement_days": record["supplement_days"],
        "refuse_on_supplement_expiry": record["refuse_on_supplement_expiry"],
        "eform": record["eform"],
    }
    if existing is None:
        procedure = Procedure.objects.create(code=record["code"], **values)
        outcome = "created"
    else:
        procedure = existing
        _set_if_changed(procedure, values)
        procedure.save()
        procedure.documents.all().delete()
        procedure.cases.all().delete()
        procedure.steps.all().delete()
        ProcedureLegalBasis.objects.filter(procedure=procedure).delete()
        outcome = "updated"
    RequiredDocument.objects.bulk_create(
        [
            RequiredDocument(procedure=procedure, order=i, **d)
            for i, d in enumerate(record["documents"])
        ]
    )
    for i, case in enumerate(record["cases"]):
        fee = case["fee"]
        case_row = ProcedureCase.objects.create(
            procedure=procedure,
            order=i,
            code=case["code"],
            name=case["name"],
            processing_days=case["processing_days"],
            fee_amount=fee["amount"] if fee else None,
            fee_note=fee["note"] if fee else "",
            fee_code=fee["code"] if fee else "",
        )
        RequiredDocument.objects.bulk_create(
            [
                RequiredDocument(procedure=procedure, case=case_row, order=j, **d)
                for j, d in enumerate(case["documents"])
            ]
        )
    WorkflowStep.objects.bulk_create(
        [
            WorkflowStep(
                procedure=procedure,
                order=i,
                name=s["name"],
                role=s["role"],
                hours=s["hours"],
                unit=units[s["unit"]] if s["unit"] else None,
            )
            for i, s in enumerate(record["steps"])
        ]
    )
    for i, basis in enumerate(record["legal_basis"]):
        document, _created = LegalDocument.objects.get_or_create(
            number=basis["number"],
            defaults={k: basis[k] for k in ("title", "issued", "issuer", "url")},
        )
        if _set_if_changed(document, {k: basis[k] for k in ("title", "issued", "issuer", "url")}):
            document.save()
        ProcedureLegalBasis.objects.create(procedure=procedure, document=document, order=i)
    procedure_publish(procedure=procedure)
    return outcome


@transaction.atomic
def catalog_import(data: Any) -> ImportReport:
    """Validate and upsert a catalogue document, all or nothing."""
    plan = validate_catalog(data)
    report = ImportReport()

    for item in plan.fields:
        row = Field.objects.filter(code=item["code"]).first()
        if row is None:
            Field.objects.create(**item)
            report.fields_created += 1
        elif _set_if_changed(row, {"name": item["name"]}):
            row.save()
            report.fields_updated += 1

    # Units in two passes: rows first, then parents and successors, so a file may list
    # a unit before its parent.
    by_code = {u.code: u for u in Unit.objects.all()}
    created_codes: set[str] = set()
    for item in plan.units:
        values = {
            k: item[k]
            for k in (
                "name",
                "level",
                "address",
                "phone",
                "national_code",
                "valid_from",
                "valid_to",
            )
        }
        unit_row = by_code.get(item["code"])
        if unit_row is None:
            by_code[item["code"]] = Unit.objects.create(code=item["code"], **values)
            created_codes.add(item["code"])
            report.units_created += 1
        elif _set_if_changed(unit_row, values):
            unit_row.save()
            report.units_updated += 1
    for item in plan.units:
        linked = by_code[item["code"]]
        links = {
            "parent": by_code[item["parent"]] if item["parent"] else None,
            "successor": by_code[item["successor"]] if item["successor"] else None,
        }
        if _set_if_changed(linked, links):
            linked.save()
            if linked.code not in created_codes:
                report.units_updated += 1

    fields = {f.code: f for f in Field.objects.all()}
    for record in plan.procedures:
        outcome = _write_procedure(record, fields, by_code)
        if outcome == "created":
            report.procedures_created += 1
        elif outcome == "updated":
            report.procedures_updated += 1
        else:
            report.unchanged += 1

    procedures = {p.code: p for p in Procedure.objects.all()}
    for item in plan.units:
        if item["procedures"] is None:
            continue
        unit = by_code[item["code"]]
        wanted = {procedures[c].pk for c in item["procedures"]}
        current = set(unit.procedures.values_list("pk", flat=True))
        if wanted != current:
            unit.procedures.set(wanted)
            if unit.code not in created_codes:
                report.units_updated += 1
    return report


def catalog_import_file(path: str) -> ImportReport:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError as exc:
        raise CatalogError([f"{path}: no such file"]) from exc
    except IsADirectoryError as exc:
        raise CatalogError([f"{path}: is a directory, not a catalogue file"]) from exc
    except UnicodeDecodeError as exc:
        raise CatalogError([f"{path}: not UTF-8 text ({exc.reason})"]) from exc
    except json.JSONDecodeError as exc:
        raise CatalogError([f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}"]) from exc
    except RecursionError as exc:
        raise CatalogError([f"{path}: JSON nested too deeply"]) from exc
    except OSError as exc:
        raise CatalogError([f"{path}: {exc.strerror or exc}"]) from exc
    try:
        return catalog_import(data)
    except RecursionError as exc:
        raise CatalogError([f"{path}: JSON nested too deeply"]) from exc


def catalog_export() -> dict[str, Any]:
    """The whole catalogue in the import format; importing it back changes nothing."""
    units = Unit.objects.select_related("parent", "successor").prefetch_related("procedures")
    return {
        "units": [
            {
                "code": u.code,
                "name": u.name,
                "level": u.level,
                "parent": u.parent.code if u.parent else None,
                "address": u.address,
                "phone": u.phone,
                "national_code": u.national_code,
                "valid_from": u.valid_from.isoformat() if u.valid_from else None,
                "valid_to": u.valid_to.isoformat() if u.valid_to else None,
                "successor": u.successor.code if u.successor else None,
                "procedures": sorted(p.code for p in u.procedures.all()),
            }
            for u in units.order_by("path")
        ],
        "fields": [{"code": f.code, "name": f.name} for f in Field.objects.order_by("code")],
        "procedures": [procedure_record(p) for p in procedure_detail_queryset().order_by("code")],
    }
