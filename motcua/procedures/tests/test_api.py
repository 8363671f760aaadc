"""Catalogue API (CONTRACT.md §2) and its OpenAPI schema."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

RECORD_KEYS = {
    "code",
    "name",
    "field",
    "level",
    "processing_days",
    "same_day_cutoff",
    "fee",
    "charge",
    "online",
    "result",
    "documents",
    "legal_basis",
    "steps",
    "cases",
}


def test_detail_has_every_element_of_the_catalogue_record(
    catalog: dict[str, Any], api_client: Any
) -> None:
    response = api_client.get("/api/v1/procedures/1.001193")

    assert response.status_code == 200
    record = response.json()
    assert set(record) >= RECORD_KEYS
    assert record["name"] == "Đăng ký khai sinh"
    assert record["field"] == "HT"
    assert record["level"] == "commune"
    assert record["processing_days"] == 0
    assert record["same_day_cutoff"] == "15:00"
    assert record["fee"] == {"amount": 0, "note": "Miễn lệ phí nếu đăng ký đúng hạn", "code": ""}
    assert record["online"] == "full"
    assert record["result"] == "Giấy khai sinh (bản chính)"
    assert record["documents"][0] == {
        "name": "Tờ khai đăng ký khai sinh",
        "kind": "original",
        "count": 1,
        "required": True,
        "note": "",
        "national_code": "",
    }
    assert record["legal_basis"][0] == {
        "number": "60/2014/QH13",
        "title": "Luật Hộ tịch",
        "issued": "2014-11-20",
        "issuer": "Quốc hội",
        "url": "https://vbpl.vn/luat-ho-tich-2014",
    }
    assert [s["role"] for s in record["steps"]] == ["specialist", "leader"]
    assert record["version"] == 1
    assert {u["code"] for u in record["units"]} == {"000.20.01.H99", "000.20.02.H99"}


def test_detail_has_cases_charge_and_inter_agency_steps(
    catalog: dict[str, Any], api_client: Any
) -> None:
    permit = api_client.get("/api/v1/procedures/1.009972").json()
    land = api_client.get("/api/v1/procedures/1.004227").json()

    assert permit["charge"] == {"amount": 50000, "note": "Phí thẩm định", "code": ""}
    assert [c["code"] for c in permit["cases"]] == [
        "cong-trinh-khong-theo-tuyen",
        "cong-trinh-theo-tuyen",
    ]
    assert permit["cases"][1]["processing_days"] == 15.5
    assert permit["cases"][1]["documents"][0]["required"] is False
    assert land["steps"][1]["unit"] == "000.00.13.H99"
    assert land["unverified"] == ["fee"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/procedures/9.999999",
        "/api/v1/procedures/%00",
        "/api/v1/procedures/9.999999/versions",
        "/api/v1/procedures/%00/versions",
        "/api/v1/fields/XX",
        "/api/v1/fields/%00",
        "/api/v1/units/%00",
    ],
)
def test_unknown_code_is_404_json(catalog: dict[str, Any], api_client: Any, url: str) -> None:
    response = api_client.get(url)

    assert response.status_code == 404
    assert "detail" in response.json()


def test_versions_lists_every_version(catalog: dict[str, Any], api_client: Any) -> None:
    response = api_client.get("/api/v1/procedures/1.001193/versions")

    assert response.status_code == 200
    (version,) = response.json()
    assert version["number"] == 1
    assert version["record"]["code"] == "1.001193"


def test_fields_list_every_field(catalog: dict[str, Any], api_client: Any) -> None:
    response = api_client.get("/api/v1/fields")

    assert response.status_code == 200
    assert {f["code"]: f["name"] for f in response.json()} == {
        "DD": "Đất đai",
        "HT": "Hộ tịch",
        "XD": "Hoạt động xây dựng",
    }


def test_catalogue_is_read_only_for_anonymous(catalog: dict[str, Any], api_client: Any) -> None:
    response = api_client.post("/api/v1/procedures", {"code": "x"}, format="json")

    assert response.status_code in {401, 403, 405}


def test_detail_queries_do_not_grow_with_documents(
    catalog: dict[str, Any], api_client: Any
) -> None:
    def count(code: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api_client.get(f"/api/v1/procedures/{code}").status_code == 200
        return len(queries)

    # 1.009972 has cases, their documents, a charge; 1.001766 has one step.
    assert count("1.009972") == count("1.001766")


def _api_paths() -> set[str]:
    """Every route Django resolves under /api/v1/, in OpenAPI spelling."""
    paths: set[str] = set()

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                paths.add(prefix + str(pattern.pattern))

    walk(get_resolver().url_patterns, "/")
    return {p for p in paths if p.startswith("/api/v1/")}


def _openapi(path: str) -> str:
    path = path.replace("^", "").replace("$", "")
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", path)
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path)


def test_schema_validates_and_documents_every_endpoint(api_client: Any) -> None:
    response = api_client.get("/api/v1/schema", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    documented = set(schema["paths"])
    undocumented = {
        _openapi(p)
        for p in _api_paths()
        if not p.endswith(("schema", "docs", "redoc")) and "format" not in p
    } - documented
    assert not undocumented
    for path in (
        "/api/v1/procedures",
        "/api/v1/procedures/{code}",
        "/api/v1/units",
        "/api/v1/units/{code}",
        "/api/v1/fields",
        "/api/v1/auth/token",
    ):
        assert path in documented


def test_schema_generation_has_no_warning(tmp_path: Any) -> None:
    # --validate checks the schema against the OpenAPI 3 specification.
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3")


def test_api_docs_page_renders(api_client: Any) -> None:
    response = api_client.get("/api/v1/docs")

    assert response.status_code == 200
    # The page's script is a file of its own (no inline script under the CSP); it points
    # the viewer at the schema.
    script = api_client.get("/api/v1/docs?script=")
    assert script.status_code == 200
    assert b"/api/v1/schema" in script.content
