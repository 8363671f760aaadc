"""``GET /api/v1/stats``: shape, scope and errors (CONTRACT.md §2)."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from motcua.reports.tests.conftest import Place
from motcua.reports.tests.test_hand import COMMUNE_P

URL = "/api/v1/stats"
P = {"from": "2027-03-03", "to": "2027-03-10"}


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_commune_leader_reads_their_commune(hand: Place) -> None:
    response = client_for(hand.users["leader"]).get(URL, {**P, "unit": hand.commune.code})
    assert response.status_code == 200
    body = response.json()
    assert body["unit"] == hand.commune.code and body["group_by"] == "unit"
    assert body["from"] == "2027-03-03" and body["to"] == "2027-03-10"
    assert {k: body["total"][k] for k in COMMUNE_P} == COMMUNE_P
    assert body["rows"][0]["key"] == hand.commune.code


def test_a_commune_leader_cannot_read_another_commune(hand: Place) -> None:
    response = client_for(hand.users["leader"]).get(URL, {**P, "unit": hand.commune2.code})
    assert response.status_code == 403
    assert "detail" in response.json()


def test_a_commune_leader_cannot_read_the_province(hand: Place) -> None:
    response = client_for(hand.users["leader"]).get(URL, {**P, "unit": hand.province.code})
    assert response.status_code == 403


def test_a_commune_leader_reads_the_commune_merged_into_theirs(hand: Place) -> None:
    response = client_for(hand.users["leader"]).get(URL, {**P, "unit": hand.old_commune.code})
    assert response.status_code == 200


def test_the_province_leader_reads_every_unit_below(hand: Place) -> None:
    client = client_for(hand.users["province_leader"])
    for unit in (hand.province, hand.commune, hand.commune2, hand.department, hand.old_commune):
        assert client.get(URL, {**P, "unit": unit.code}).status_code == 200
    body = client.get(URL, P).json()
    assert body["unit"] == hand.province.code
    keys = [r["key"] for r in body["rows"]]
    assert keys[0] == hand.province.code
    assert set(keys) >= {hand.commune.code, hand.commune2.code, hand.department.code}
    assert sum(r["received"] for r in body["rows"]) == body["total"]["received"]


def test_a_system_administrator_reads_all(hand: Place) -> None:
    response = client_for(hand.users["admin"]).get(URL, {**P, "unit": hand.commune2.code})
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["desk", "specialist", "citizen"])
def test_others_are_forbidden(hand: Place, who: str) -> None:
    response = client_for(hand.users[who]).get(URL, {**P, "unit": hand.commune.code})
    assert response.status_code == 403


def test_anonymous_is_401(hand: Place) -> None:
    assert APIClient().get(URL, P).status_code in {401, 403}


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2027-13-01"},
        {"to": "hôm qua"},
        {"from": "2027-03-10", "to": "2027-03-01"},
        {"unit": "KHONG-CO"},
        {"group_by": "month"},
        {"field": "ZZ"},
    ],
)
def test_bad_input_is_400(hand: Place, params: dict[str, str]) -> None:
    response = client_for(hand.users["admin"]).get(URL, params)
    assert response.status_code == 400
    assert "detail" in response.json()


@pytest.mark.parametrize("group_by", ["field", "procedure", "officer"])
def test_other_groupings_add_up_to_the_same_total(hand: Place, group_by: str) -> None:
    client = client_for(hand.users["admin"])
    by_unit = client.get(URL, {**P, "unit": hand.province.code}).json()
    other = client.get(URL, {**P, "unit": hand.province.code, "group_by": group_by}).json()
    assert other["total"] == by_unit["total"]


def test_the_stats_endpoint_is_in_the_openapi_schema(place: Place) -> None:
    response = client_for(place.users["admin"]).get("/api/v1/schema", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/stats" in schema["paths"]
    names = [p["name"] for p in schema["paths"]["/api/v1/stats"]["get"]["parameters"]]
    assert {"unit", "from", "to", "group_by"} <= set(names)
