"""The OpenAPI schema's examples are real: every unit, procedure and field code in them
exists in the demo province, and the request examples succeed against it as written."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from motcua.demo.loader import demo_load
from motcua.procedures.models import Field, Procedure
from motcua.units.models import Unit

UNIT = re.compile(r"\b\d{3}\.\d{2}\.\d{2}\.H\d{2}\b")
PROCEDURE = re.compile(r"^\d\.\d{6}$")


def _examples(node: Any, path: str = "") -> list[tuple[str, Any]]:
    """Every example value in the schema, with where it is."""
    found: list[tuple[str, Any]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{path}/{key}"
            if key == "examples" and isinstance(value, dict):
                found += [(f"{here}/{n}", e.get("value")) for n, e in value.items()]
            elif key == "example":
                found.append((here, value))
            else:
                found += _examples(value, here)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _examples(value, f"{path}/{i}")
    return found


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@pytest.fixture
def schema(db: Any) -> dict[str, Any]:
    demo_load(history=False)
    response = APIClient().get("/api/v1/schema", {"format": "json"})
    assert response.status_code == 200
    return dict(response.json())


def test_every_code_in_an_example_exists_in_the_demo(schema: dict[str, Any]) -> None:
    examples = _examples(schema)
    assert len(examples) >= 10
    units = set(Unit.objects.values_list("code", flat=True))
    procedures = set(Procedure.objects.values_list("code", flat=True))
    fields = set(Field.objects.values_list("code", flat=True))
    missing = []
    for where, value in examples:
        for text in _strings(value):
            missing += [f"{where}: unit {c}" for c in UNIT.findall(text) if c not in units]
            if PROCEDURE.match(text) and text not in procedures:
                missing.append(f"{where}: procedure {text}")
        field = value.get("field") if isinstance(value, dict) else None
        if isinstance(field, str) and field not in fields:
            missing.append(f"{where}: field {field}")
    assert not missing, "\n".join(missing)


def _request_examples(schema: dict[str, Any], path: str) -> dict[str, Any]:
    body = schema["paths"][path]["post"]["requestBody"]["content"]["application/json"]
    return {name: e["value"] for name, e in body["examples"].items()}


def test_the_intake_examples_are_accepted_by_the_demo(schema: dict[str, Any]) -> None:
    users = get_user_model().objects
    examples = _request_examples(schema, "/api/v1/dossiers")
    assert examples
    for name, value in examples.items():
        api = APIClient()
        who = "congdan" if value["channel"] == "online" else "motcua.xa"
        api.force_authenticate(users.get(username=who))
        response = api.post("/api/v1/dossiers", value, format="json")
        assert response.status_code == 201, (name, response.json())
        assert response.json()["unit"]["code"] == value["unit"]


def test_the_national_portal_example_is_received_by_the_demo(schema: dict[str, Any]) -> None:
    (value,) = _request_examples(schema, "/api/v1/national/dossiers").values()
    record = copy.deepcopy(value)
    # The files are fetched from the national portal in the background: not from a test.
    record["TaiLieuNop"] = []
    api = APIClient()
    api.force_authenticate(get_user_model().objects.get(username="dvcqg"))
    response = api.post("/api/v1/national/dossiers", record, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["code"] == value["MaHoSo"]
