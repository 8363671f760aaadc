"""Catalogue import and export (CONTRACT.md §4): validation, all-or-nothing, idempotence."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from conftest import run_motcua
from motcua.core.models import AuditEvent
from motcua.procedures.catalog import CatalogError, catalog_export, catalog_import
from motcua.procedures.models import (
    Field,
    LegalDocument,
    Procedure,
    ProcedureVersion,
    RequiredDocument,
    WorkflowStep,
)
from motcua.units.models import Unit

pytestmark = pytest.mark.django_db


def _normalised(data: dict[str, Any]) -> dict[str, Any]:
    """The catalogue with every optional element of §4 spelt out, in export order.

    Written from the contract, not from the importer, so that it checks the importer."""

    def document(d: dict[str, Any]) -> dict[str, Any]:
        return {
            "name": d["name"],
            "kind": d.get("kind", "original"),
            "count": d.get("count", 1),
            "required": d.get("required", True),
            "note": d.get("note", ""),
            "national_code": d.get("national_code", ""),
        }

    def money(m: dict[str, Any] | None) -> dict[str, Any] | None:
        if m is None:
            return None
        return {"amount": m.get("amount", 0), "note": m.get("note", ""), "code": m.get("code", "")}

    units = [
        {
            "code": u["code"],
            "name": u["name"],
            "level": u["level"],
            "parent": u.get("parent"),
            "address": u.get("address", ""),
            "phone": u.get("phone", ""),
            "national_code": u.get("national_code", ""),
            "hotline": u.get("hotline", ""),
            "working_hours": u.get("working_hours", ""),
            "valid_from": u.get("valid_from"),
            "valid_to": u.get("valid_to"),
            "successor": u.get("successor"),
            "procedures": sorted(u.get("procedures", [])),
        }
        for u in data["units"]
    ]
    procedures = [
        {
            "code": p["code"],
            "name": p["name"],
            "field": p["field"],
            "level": p["level"],
            "processing_days": p["processing_days"],
            "same_day_cutoff": p.get("same_day_cutoff"),
            "fee": money(p.get("fee")) or {"amount": 0, "note": "", "code": ""},
            "charge": money(p.get("charge")),
            "online": p.get("online", "none"),
            "result": p["result"],
            "national_code": p.get("national_code", ""),
            "online_service_code": p.get("online_service_code", ""),
            "result_code": p.get("result_code", ""),
            "description": p.get("description", ""),
            "requirements": p.get("requirements", ""),
            "applicants": p.get("applicants", ""),
            "documents": [document(d) for d in p.get("documents", [])],
            "legal_basis": [
                {
                    "number": b["number"],
                    "title": b["title"],
                    "issued": b.get("issued"),
                    "issuer": b.get("issuer", ""),
                    "url": b.get("url", ""),
                }
                for b in p.get("legal_basis", [])
            ],
            "steps": [
                {"name": s["name"], "role": s["role"], "hours": s["hours"], "unit": s.get("unit")}
                for s in p.get("steps", [])
            ],
            "cases": [
                {
                    "code": c["code"],
                    "name": c["name"],
                    "processing_days": c["processing_days"],
                    "fee": money(c.get("fee")),
                    "documents": [document(d) for d in c.get("documents", [])],
                }
                for c in p.get("cases", [])
            ],
            "unverified": p.get("unverified", []),
            "supplement_days": p.get("supplement_days"),
            "refuse_on_supplement_expiry": p.get("refuse_on_supplement_expiry", False),
            "eform": p.get("eform"),
        }
        for p in data["procedures"]
    ]
    return {
        "units": units,
        "fields": sorted(data["fields"], key=lambda f: f["code"]),
        "procedures": sorted(procedures, key=lambda p: p["code"]),
    }


def _db_state() -> dict[str, Any]:
    """Everything an import may write, to prove that a refused import wrote nothing."""
    return {
        "units": list(Unit.objects.order_by("code").values()),
        "fields": list(Field.objects.order_by("code").values()),
        "procedures": list(Procedure.objects.order_by("code").values()),
        "versions": ProcedureVersion.objects.count(),
        "documents": RequiredDocument.objects.count(),
        "steps": WorkflowStep.objects.count(),
        "legal": LegalDocument.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def _write(tmp_path: Path, data: Any, name: str = "catalog.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False))
    return path


def test_import_creates_units_fields_and_procedures(catalog_data: dict[str, Any]) -> None:
    report = catalog_import(catalog_data)

    assert report.units_created == 8
    assert report.fields_created == 3
    assert report.procedures_created == 7
    birth = Procedure.objects.get(code="1.001193")
    assert birth.name == "Đăng ký khai sinh"
    assert birth.documents.all()[0].name == "Tờ khai đăng ký khai sinh"
    assert birth.versions.count() == 1
    assert set(birth.units.values_list("code", flat=True)) == {"000.20.01.H99", "000.20.02.H99"}


def test_import_links_inter_agency_step_to_its_unit(catalog: dict[str, Any]) -> None:
    steps = list(Procedure.objects.get(code="1.004227").steps.select_related("unit"))

    assert [s.unit.code if s.unit else None for s in steps] == [None, "000.00.13.H99", None]


def test_import_keeps_cases_with_their_own_documents(catalog: dict[str, Any]) -> None:
    permit = Procedure.objects.get(code="1.009972")
    cases = list(permit.cases.all())

    assert [c.code for c in cases] == ["cong-trinh-khong-theo-tuyen", "cong-trinh-theo-tuyen"]
    assert [d.name for d in cases[0].documents.all()] == ["Bản vẽ thiết kế xây dựng"]
    assert [d.name for d in permit.documents.filter(case=None)] == [
        "Đơn đề nghị cấp giấy phép xây dựng"
    ]


def test_second_import_of_same_file_changes_nothing(catalog_data: dict[str, Any]) -> None:
    catalog_import(copy.deepcopy(catalog_data))
    before = _db_state()

    report = catalog_import(copy.deepcopy(catalog_data))

    assert not report.changed
    assert report.unchanged == 7
    assert _db_state() == before  # no new versions, no audit rows, same updated_at


def test_export_then_import_changes_nothing(catalog: dict[str, Any]) -> None:
    exported = catalog_export()
    before = _db_state()

    report = catalog_import(json.loads(json.dumps(exported)))

    assert not report.changed
    assert _db_state() == before


def test_export_equals_the_normalised_input(catalog: dict[str, Any]) -> None:
    assert json.loads(json.dumps(catalog_export())) == _normalised(catalog)


def test_minimal_procedure_gets_the_contract_defaults(db: None) -> None:
    catalog_import(
        {
            "fields": [{"code": "HT", "name": "Hộ tịch"}],
            "procedures": [
                {
                    "code": "9.000001",
                    "name": "Thủ tục tối thiểu",
                    "field": "HT",
                    "level": "commune",
                    "processing_days": 3,
                    "result": "Kết quả",
                    "documents": [{"name": "Đơn"}],
                }
            ],
        }
    )

    (record,) = catalog_export()["procedures"]
    assert record["online"] == "none"
    assert record["fee"] == {"amount": 0, "note": "", "code": ""}
    assert record["charge"] is None
    assert record["same_day_cutoff"] is None
    assert record["national_code"] == ""
    assert record["documents"] == [
        {
            "name": "Đơn",
            "kind": "original",
            "count": 1,
            "required": True,
            "note": "",
            "national_code": "",
        }
    ]


def test_changed_procedure_gets_a_new_version_and_keeps_the_old(
    catalog_data: dict[str, Any], api_client: Any
) -> None:
    catalog_import(copy.deepcopy(catalog_data))
    birth = next(p for p in catalog_data["procedures"] if p["code"] == "1.001193")
    birth["fee"] = {"amount": 8000, "note": "Đăng ký quá hạn"}
    birth["documents"].append({"name": "Giấy tờ tùy thân của người đi đăng ký"})

    report = catalog_import(catalog_data)

    assert report.procedures_updated == 1
    assert report.unchanged == 6
    versions = list(ProcedureVersion.objects.filter(procedure__code="1.001193").order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    old = api_client.get("/api/v1/procedures/1.001193?version=1").json()
    new = api_client.get("/api/v1/procedures/1.001193").json()
    assert old["version"] == 1
    assert old["fee"] == {"amount": 0, "note": "Miễn lệ phí nếu đăng ký đúng hạn", "code": ""}
    assert len(old["documents"]) == 2
    assert new["version"] == 2
    assert new["fee"] == {"amount": 8000, "note": "Đăng ký quá hạn", "code": ""}
    assert len(new["documents"]) == 3


def test_unknown_version_is_404_and_bad_version_400(
    catalog: dict[str, Any], api_client: Any
) -> None:
    assert api_client.get("/api/v1/procedures/1.001193?version=7").status_code == 404
    response = api_client.get("/api/v1/procedures/1.001193?version=abc")
    assert response.status_code == 400
    assert "version" in response.json()


def _broken(catalog_data: dict[str, Any], kind: str) -> tuple[Any, str]:
    """A broken copy of the fixture catalogue and the error it must report."""
    data = copy.deepcopy(catalog_data)
    procedures = data["procedures"]
    if kind == "unknown field":
        procedures[3]["field"] = "XX"
        return data, 'procedures[3].field: unknown field "XX"'
    if kind == "missing name":
        del procedures[1]["name"]
        return data, "procedures[1].name: missing"
    if kind == "negative days":
        procedures[2]["processing_days"] = -1
        return data, "procedures[2].processing_days: must not be negative"
    if kind == "duplicate code":
        procedures[4]["code"] = "1.001193"
        return data, 'procedures[4].code: duplicate procedure code "1.001193"'
    if kind == "unknown parent":
        data["units"][2]["parent"] = "000.99.99.H99"
        return data, 'units[2].parent: unknown unit "000.99.99.H99"'
    if kind == "bad cutoff":
        procedures[0]["same_day_cutoff"] = "25:00"
        return data, 'procedures[0].same_day_cutoff: "25:00" is not a time HH:MM'
    raise AssertionError(kind)


BROKEN = [
    "unknown field",
    "missing name",
    "negative days",
    "duplicate code",
    "unknown parent",
    "bad cutoff",
]


@pytest.mark.parametrize("kind", BROKEN)
def test_broken_catalogue_names_the_error_and_changes_nothing(
    catalog: dict[str, Any], kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, expected = _broken(catalog, kind)
    # Also change a good procedure, to prove nothing of a refused file is written.
    data["procedures"][0]["result"] = "Kết quả đã đổi"
    before = _db_state()

    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_catalog", str(_write(tmp_path, data)))

    assert expected in capsys.readouterr().err
    assert _db_state() == before


def test_bad_json_is_reported_with_its_line(
    db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, '{"fields": [\n  {"code": "HT",}\n]}')

    with pytest.raises(CommandError):
        call_command("import_catalog", str(path))

    assert f"{path}:2:" in capsys.readouterr().err
    assert Field.objects.count() == 0


def test_missing_file_is_an_error_not_a_traceback(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        call_command("import_catalog", str(tmp_path / "nope.json"))


def test_every_error_of_a_file_is_reported_at_once(catalog_data: dict[str, Any]) -> None:
    data = copy.deepcopy(catalog_data)
    data["procedures"][3]["field"] = "XX"
    data["procedures"][2]["processing_days"] = -1
    data["units"][2]["parent"] = "000.99.99.H99"

    with pytest.raises(CatalogError) as raised:
        catalog_import(data)

    assert len(raised.value.errors) == 3


def test_file_with_one_good_and_one_bad_procedure_imports_nothing(
    catalog_data: dict[str, Any],
) -> None:
    good, bad = copy.deepcopy(catalog_data["procedures"][:2])
    bad["processing_days"] = -5
    data = {"fields": catalog_data["fields"], "procedures": [good, bad]}

    with pytest.raises(CatalogError):
        catalog_import(data)

    assert Procedure.objects.count() == 0
    assert Field.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"field": ["HT"]}, "procedures[0].field"),
        ({"processing_days": "5"}, "procedures[0].processing_days"),
        ({"processing_days": 1.005}, "procedures[0].processing_days"),
        ({"steps": [{"name": "X", "role": "citizen", "hours": 1}]}, "procedures[0].steps[0].role"),
        ({"steps": [{"name": "X", "role": "leader", "hours": 0}]}, "procedures[0].steps[0].hours"),
        ({"steps": [{"name": "X", "role": "leader", "hours": 1, "unit": ["a"]}]}, "steps[0].unit"),
        ({"documents": [{"name": "Đơn", "count": 0}]}, "procedures[0].documents[0].count"),
        ({"fee": {"amount": -1}}, "procedures[0].fee.amount"),
        ({"legal_basis": [{"number": "1/QH", "title": "T", "issued": "x"}]}, "issued"),
        ({"online": "sometimes"}, "procedures[0].online"),
        ({"code": {"a": 1}}, "procedures[0].code"),
    ],
)
def test_odd_values_are_reported_not_crashed_on(
    catalog_data: dict[str, Any], change: dict[str, Any], expected: str
) -> None:
    data = copy.deepcopy(catalog_data)
    data["procedures"][0].update(change)

    with pytest.raises(CatalogError) as raised:
        catalog_import(data)

    assert any(expected in error for error in raised.value.errors)
    assert Procedure.objects.count() == 0


def test_same_legal_document_twice_in_a_procedure_is_reported(
    catalog_data: dict[str, Any],
) -> None:
    data = copy.deepcopy(catalog_data)
    birth = data["procedures"][1]
    birth["legal_basis"].append(dict(birth["legal_basis"][0]))

    with pytest.raises(CatalogError) as raised:
        catalog_import(data)

    assert any(e.startswith("procedures[1].legal_basis[2]") for e in raised.value.errors)


def test_not_an_object_is_refused(db: None) -> None:
    with pytest.raises(CatalogError):
        catalog_import(["units"])


@pytest.mark.embedded
def test_import_catalog_command_exits_1_and_prints_every_error_path(
    migrated_data_dir: Path, catalog_data: dict[str, Any]
) -> None:
    data = copy.deepcopy(catalog_data)
    data["procedures"][3]["field"] = "XX"
    data["procedures"][1]["processing_days"] = -2
    del data["procedures"][5]["name"]
    path = _write(migrated_data_dir.parent, data)

    result = run_motcua(
        "--data-dir",
        str(migrated_data_dir),
        "import-catalog",
        str(path),
        data_dir=migrated_data_dir,
    )

    assert result.returncode == 1
    assert 'procedures[3].field: unknown field "XX"' in result.stderr
    assert "procedures[1].processing_days" in result.stderr
    assert "procedures[5].name: missing" in result.stderr
    assert "Traceback" not in result.stderr
    export = run_motcua("export-catalog", "-", data_dir=migrated_data_dir)
    assert json.loads(export.stdout)["procedures"] == []


def test_one_legal_document_described_two_ways_is_reported(
    catalog_data: dict[str, Any],
) -> None:
    # Both descriptions would share one row and overwrite each other on every import.
    data = copy.deepcopy(catalog_data)
    data["procedures"][2]["legal_basis"][0]["title"] = "Luật Hộ tịch năm 2014"

    with pytest.raises(CatalogError) as raised:
        catalog_import(data)

    assert any(
        e.startswith("procedures[2].legal_basis[0]") and "procedures[0].legal_basis[0]" in e
        for e in raised.value.errors
    )


def test_units_carry_their_hotline_and_working_hours(catalog: dict[str, Any]) -> None:
    from motcua.units.models import Unit

    data = json.loads(json.dumps(catalog))
    data["units"][0]["hotline"] = "0299 1022 000"
    data["units"][0]["working_hours"] = "Thứ Hai đến Thứ Sáu, 7:30–11:30, 13:00–17:00"
    catalog_import(data)
    unit = Unit.objects.get(code=data["units"][0]["code"])
    assert unit.hotline == "0299 1022 000"
    assert unit.working_hours.startswith("Thứ Hai")
    exported = catalog_export()["units"]
    assert next(u for u in exported if u["code"] == unit.code)["hotline"] == "0299 1022 000"
