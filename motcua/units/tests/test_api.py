"""``GET /api/v1/units`` and ``/units/{code}`` (CONTRACT.md §2, catalogue)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.procedures.catalog import catalog_import

pytestmark = pytest.mark.django_db


def test_unit_list_is_paginated_with_the_contract_fields(
    catalog: dict[str, Any], api_client: Any
) -> None:
    response = api_client.get("/api/v1/units")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 8
    province = body["results"][0]
    assert {"code", "name", "level", "parent"} <= set(province)
    assert province["code"] == "000.00.00.H99"
    assert province["parent"] is None


def test_unit_detail_names_its_parent_and_successor(
    catalog: dict[str, Any], api_client: Any
) -> None:
    response = api_client.get("/api/v1/units/000.10.01.H99")

    assert response.status_code == 200
    unit = response.json()
    assert unit["name"] == "UBND xã Sơn Thủy"
    assert unit["level"] == "commune"
    assert unit["parent"] == "000.10.00.H99"
    assert unit["successor"] == "000.20.01.H99"
    assert unit["valid_to"] == "2025-06-30"


def test_unknown_unit_is_404_json(catalog: dict[str, Any], api_client: Any) -> None:
    response = api_client.get("/api/v1/units/000.99.99.H99")

    assert response.status_code == 404
    assert "detail" in response.json()


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("level=department", {"000.00.13.H99", "000.00.14.H99"}),
        ("level=district", {"000.10.00.H99"}),
        ("parent=000.10.00.H99", {"000.10.01.H99"}),
        ("level=commune&parent=000.00.00.H99", {"000.20.01.H99", "000.20.02.H99"}),
    ],
)
def test_unit_list_filters(
    catalog: dict[str, Any], api_client: Any, query: str, codes: set[str]
) -> None:
    response = api_client.get(f"/api/v1/units?{query}")

    assert response.status_code == 200
    assert {u["code"] for u in response.json()["results"]} == codes


def test_unit_list_queries_do_not_grow_with_the_page(db: None, api_client: Any) -> None:
    def count_for(n: int) -> int:
        catalog_import(
            {
                "units": [
                    {"code": "R", "name": "Tỉnh", "level": "province"},
                    *[
                        {
                            "code": f"C{i}",
                            "name": f"Xã {i}",
                            "level": "commune",
                            "parent": "R",
                            "successor": "R",
                        }
                        for i in range(n)
                    ],
                ]
            }
        )
        with CaptureQueriesContext(connection) as queries:
            assert api_client.get("/api/v1/units?page_size=100").status_code == 200
        return len(queries)

    assert count_for(3) == count_for(30)


@pytest.mark.parametrize("query", ["level=nonsense", "level=%00", "level='; DROP TABLE x; --"])
def test_a_level_outside_the_list_is_400_never_500(
    catalog: dict[str, Any], api_client: Any, query: str
) -> None:
    # level is one of a fixed list (the schema's enum): anything else is bad input.
    response = api_client.get(f"/api/v1/units?{query}")
    assert response.status_code == 400
    assert "level" in response.json()


@pytest.mark.parametrize("query", ["parent=%00", "parent='; DROP TABLE x; --"])
def test_strange_unit_filter_is_200_never_500(
    catalog: dict[str, Any], api_client: Any, query: str
) -> None:
    response = api_client.get(f"/api/v1/units?{query}")

    assert response.status_code == 200
    # NUL characters are dropped from query strings before any view runs: a lone NUL is
    # no filter at all; anything else strange matches nothing.
    expected = len(catalog["units"]) if query.endswith("%00") else 0
    assert response.json()["count"] == expected
