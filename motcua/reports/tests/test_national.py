"""Decision 766 indicators as the national portal computes them, on a hand-built history
with answers worked out by hand (docs/statistics.md, "The national hand-built history")."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from motcua.reports.national_indicators import (
    FeedbackCounts,
    Scope,
    national_indicators,
    register_count_source,
    register_feedback_source,
    sources_cleared,
)
from motcua.reports.recompute import recompute_national
from motcua.reports.summary import stats_differences, stats_rebuild
from motcua.reports.tests.conftest import Place

P = (dt.date(2027, 3, 3), dt.date(2027, 3, 10))
Q = (dt.date(2027, 3, 4), dt.date(2027, 3, 5))


@pytest.fixture(autouse=True)
def _no_sources() -> Any:
    """These tests start without the apps' sources and put them back after: the other tests
    of the same process see the sources the apps registered."""
    with sources_cleared():
        yield


def _by_id(place: Place, period: tuple[dt.date, dt.date], **kw: Any) -> dict[str, Any]:
    unit = kw.pop("unit", place.commune)
    items = national_indicators(unit=unit, date_from=period[0], date_to=period[1], **kw)
    return {i.id: i for i in items}


# What the hand gives (docs/statistics.md): on time / all dossiers received or processed.
# P: N01 N03 N05 N07 N09 N10 N12 N13 N15 on time; N02 N04 N06 N08 late; N11 not counted.
# Q: N03 N05 N08 N09 N10 N15 on time; N02 N04 N06 N12 late; N01 ended before, N07 N13 later.
@pytest.mark.parametrize(
    ("period", "numerator", "denominator", "value"),
    [(P, 9, 13, 69.23), (Q, 6, 10, 60.0)],
)
def test_on_time_share_matches_the_hand_computed_numbers(
    national: Place, period: tuple[dt.date, dt.date], numerator: int, denominator: int,
    value: float,
) -> None:  # fmt: skip
    got = _by_id(national, period)["2.1"]
    assert (got.numerator, got.denominator, got.value) == (numerator, denominator, value)
    assert got.points == round(20 * value / 100, 2)
    assert got.max_points == 20


def test_the_province_adds_the_late_dossier_of_the_other_commune(national: Place) -> None:
    got = _by_id(national, P, unit=national.province)["2.1"]
    assert (got.numerator, got.denominator) == (9, 14)


def test_average_resolution_time_is_per_procedure_in_working_days(national: Place) -> None:
    from motcua.procedures.models import Procedure

    procedure = Procedure.objects.get(code="3.000001")
    # P: only N13 (received 8th 08:00, resolved 9th 10:00: 10 working hours).
    got = _by_id(national, P, procedure=procedure)["2.2"]
    assert (got.numerator, got.denominator, got.value) == (1.25, 1, 1.25)
    assert got.unit == "ngày làm việc" and got.points is None
    # 3–12 March adds N12 (50 h − 16 h waited) and N07 (34 h): 78 h / 3 = 26 h = 3.25 days.
    got = _by_id(national, (P[0], dt.date(2027, 3, 12)), procedure=procedure)["2.2"]
    assert (got.numerator, got.denominator, got.value) == (9.75, 3, 3.25)
    assert _by_id(national, P)["2.2"].value is None  # only for one procedure


@pytest.mark.parametrize(
    "period",
    [P, Q, (dt.date(2027, 3, 1), dt.date(2027, 3, 31)),
     (dt.date(2027, 3, 11), dt.date(2027, 3, 31)),
     (dt.date(2027, 3, 5), dt.date(2027, 3, 5)), (dt.date(2027, 3, 9), dt.date(2027, 3, 16)),
     (dt.date(2027, 1, 1), dt.date(2027, 12, 31)), (dt.date(2027, 3, 2), dt.date(2027, 3, 2))],
)  # fmt: skip
def test_the_summary_matches_a_recomputation_from_the_histories(
    national: Place, period: tuple[dt.date, dt.date]
) -> None:
    for unit in (national.province, national.commune, national.commune2):
        got = _by_id(national, period, unit=unit)["2.1"]
        assert (got.numerator, got.denominator) == recompute_national(
            unit=unit, date_from=period[0], date_to=period[1]
        )


def test_check_stats_finds_the_live_summary_equal_to_a_rebuild(national: Place) -> None:
    assert stats_differences() == []
    before = {i.id: i.as_dict() for i in national_indicators(
        unit=national.province, date_from=P[0], date_to=P[1])}  # fmt: skip
    stats_rebuild()
    after = {i.id: i.as_dict() for i in national_indicators(
        unit=national.province, date_from=P[0], date_to=P[1])}  # fmt: skip
    assert after == before


def test_indicators_without_data_read_not_available(national: Place) -> None:
    got = _by_id(national, P)
    for ident in ("1.4", "4.3", "4.4", "4.5", "5.1", "5.2", "5.3", "5.4"):
        assert got[ident].value is None and got[ident].points is None
        assert got[ident].note.startswith("Chưa có dữ liệu")
    # Returned in P: N02 without an electronic result file: a real 0 %, not N/A.
    assert (got["4.1"].numerator, got["4.1"].denominator, got["4.1"].value) == (0, 1, 0.0)
    assert got["3.3"].denominator == 7  # received in P: N05 N07 N08 N09 N12 N13 N15


def test_a_registered_source_feeds_its_indicator_and_the_multiplier(national: Place) -> None:
    seen: list[Scope] = []

    def synced(scope: Scope) -> int:
        seen.append(scope)
        return 7

    register_count_source("1.4", synced)
    got = _by_id(national, P)
    assert (got["1.4"].numerator, got["1.4"].denominator, got["1.4"].value) == (7, 7, 100.0)
    assert got["1.4"].points == 18
    assert seen[0].date_from == P[0] and seen[0].unit_ids is not None
    assert got["3.3"].note == ""
    with pytest.raises(ValueError, match=r"2\.1"):
        register_count_source("2.1", synced)


def test_the_feedback_app_feeds_satisfaction(national: Place) -> None:
    register_feedback_source(
        lambda scope: FeedbackCounts(
            received=10, about_rules_or_conduct=4, handled=8, handled_on_time=6, unsatisfied=1,
            late=2, raised_again=1, dossiers_flagged=1,
        )
    )  # fmt: skip
    got = _by_id(national, P)
    assert got["5.1"].value == 40.0 and got["5.1"].points is None
    assert got["5.2"].value == 75.0 and got["5.2"].points == 4.5
    assert (got["5.3"].numerator, got["5.3"].value) == (6, 60.0)
    # Resolved in P: N01 N02 N03 N13 (N02 late) → 100 − 25 − 25 = 50 %; full points at 90 %.
    assert (got["5.4"].numerator, got["5.4"].denominator, got["5.4"].value) == (2, 4, 50.0)
    assert got["5.4"].points == round(6 * 50 / 90, 2)


def test_the_api_gives_every_indicator_in_the_contract_shape(
    national: Place, client: Client
) -> None:
    client.force_login(national.users["leader"])
    r = client.get("/api/v1/indicators", {"from": "2027-03-03", "to": "2027-03-10"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["unit"], body["from"], body["to"]) == ("000.01.01.T01", "2027-03-03", "2027-03-10")
    ids = [i["id"] for i in body["indicators"]]
    assert ids[:3] == ["1.4", "2.1", "2.2"] and "5.4" in ids
    first = next(i for i in body["indicators"] if i["id"] == "2.1")
    assert {"id", "group", "name", "numerator", "denominator", "value", "points", "max_points",
            "formula"} <= set(first)  # fmt: skip
    assert (first["group"], first["numerator"], first["denominator"], first["value"]) == (
        "2", 9, 13, 69.23,
    )  # fmt: skip
    r = client.get("/api/v1/indicators", {"from": "2027-03-03", "to": "2027-03-10",
                                          "procedure": "3.000001"})  # fmt: skip
    assert next(i for i in r.json()["indicators"] if i["id"] == "2.2")["value"] == 1.25


def test_the_api_scopes_and_validates_like_the_statistics(national: Place, client: Client) -> None:
    assert client.get("/api/v1/indicators").status_code in {401, 403}
    client.force_login(national.users["leader2"])
    assert client.get("/api/v1/indicators", {"unit": "000.01.01.T01"}).status_code == 403
    client.force_login(national.users["desk"])
    assert client.get("/api/v1/indicators").status_code == 403
    client.force_login(national.users["leader"])
    r = client.get("/api/v1/indicators", {"from": "2027-13-01"})
    assert r.status_code == 400 and "from" in r.json()["detail"]
    r = client.get("/api/v1/indicators", {"procedure": "9.999"})
    assert r.status_code == 400


def test_the_dashboard_shows_the_national_numbers_of_the_api(
    national: Place, client: Client
) -> None:
    client.force_login(national.users["leader"])
    html = client.get("/can-bo/thong-ke/", {"from": "2027-03-03", "to": "2027-03-10"}).content
    text = html.decode()
    assert 'id="national-table"' in text
    assert '<td class="num" data-value="2.1">69,23 %<br><small>9 / 13</small>' in text
    assert "Chưa có dữ liệu: chưa đồng bộ với Cổng DVCQG." in text
    with_procedure = client.get(
        "/can-bo/thong-ke/", {"from": "2027-03-03", "to": "2027-03-10", "procedure": "3.000001"}
    ).content.decode()
    assert 'data-value="2.2">1,25 ngày làm việc' in with_procedure


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_the_national_indicators_export_to_excel_and_pdf(
    national: Place, client: Client, fmt: str
) -> None:
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    client.force_login(national.users["leader"])
    r = client.get(f"/can-bo/thong-ke/xuat/national.{fmt}", {"from": "2027-03-03",
                                                              "to": "2027-03-10"})  # fmt: skip
    assert r.status_code == 200
    if fmt == "xlsx":
        ws = load_workbook(io.BytesIO(r.content)).active
        assert ws is not None
        rows = [[c.value for c in row] for row in ws.iter_rows()]
        row = next(r for r in rows if r[0] == "2.1")
        assert row[3:8] == ["69,23 %", "9", "13", "13,85", "20"]
        assert next(r for r in rows if r[0] == "1.4")[3] == "N/A"
    else:
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(r.content)).pages)
        assert "Cổng Dịch vụ công quốc gia" in text and "69,23 %" in text


def test_the_public_page_shows_the_national_indicators(national: Place, client: Client) -> None:
    from django.core.cache import cache

    cache.clear()
    html = client.get("/cong-khai/", {"unit": national.commune.code}).content.decode()
    assert "Quyết định 766/QĐ-TTg (cách tính của Cổng Dịch vụ công quốc gia)" in html
    assert html.count('<tr data-indicator="2.1">') == 3  # month, quarter, year


def test_the_indicators_endpoint_is_in_the_openapi_schema(place: Place, client: Client) -> None:
    client.force_login(place.users["admin"])
    schema = client.get("/api/v1/schema", {"format": "json"}).json()
    get = schema["paths"]["/api/v1/indicators"]["get"]
    assert {p["name"] for p in get["parameters"]} >= {"unit", "from", "to", "field", "procedure"}
    item = schema["components"]["schemas"]["Indicator766"]["properties"]
    assert {"id", "numerator", "denominator", "value", "points", "max_points", "formula"} <= set(
        item
    )


def test_a_province_sets_its_own_points(monkeypatch: pytest.MonkeyPatch) -> None:
    from motcua.reports.national_indicators import max_points, points_of

    assert max_points("2.1") == 20 and points_of("3.1", 40.0) == 2.0  # half of the 80 % bar
    monkeypatch.setenv("MOTCUA_766_POINTS", '{"2.1": 12}')
    assert max_points("2.1") == 12 and points_of("2.1", 50.0) == 6.0
    assert max_points("3.1") == 4  # not in the table: the default
    monkeypatch.setenv("MOTCUA_766_POINTS", "not json")
    assert max_points("2.1") == 20
