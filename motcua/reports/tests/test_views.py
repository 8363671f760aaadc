"""The dashboard, the exports and the transparency page show the API's numbers."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.cache import cache
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from motcua.reports.selectors import stats_report
from motcua.reports.tests.conftest import Place
from motcua.reports.tests.test_api import client_for

P = {"from": "2027-03-03", "to": "2027-03-10"}


def browser_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _card(html: str, name: str) -> str:
    match = re.search(rf'data-count="{name}">([^<]*)<', html)
    assert match, name
    return match.group(1).strip()


def test_the_dashboard_shows_the_numbers_of_the_api(hand: Place) -> None:
    api = client_for(hand.users["leader"]).get("/api/v1/stats", {**P, "unit": hand.commune.code})
    total = api.json()["total"]
    response = browser_for(hand.users["leader"]).get(
        "/can-bo/thong-ke/", {**P, "unit": hand.commune.code}
    )
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("received", "carried_over", "resolved", "in_progress_overdue"):
        assert _card(html, name) == str(total[name])
    assert _card(html, "on_time_share") == f"{total['on_time_share']} %".replace(".", ",")
    assert "<svg" in html and 'id="trend-table"' in html
    assert 'href="/can-bo/ho-so/D13/"' in html  # overdue now: drill-down to the dossier
    assert "Quyết định 766/QĐ-TTg" in html


def test_the_dashboard_is_for_leaders_only(hand: Place) -> None:
    response = browser_for(hand.users["desk"]).get("/can-bo/thong-ke/")
    assert response.status_code == 403
    other = browser_for(hand.users["leader"]).get("/can-bo/thong-ke/", {"unit": hand.commune2.code})
    assert other.status_code == 403
    assert Client().get("/can-bo/thong-ke/").status_code in {302, 403}


def test_the_dashboard_reports_bad_dates(hand: Place) -> None:
    response = browser_for(hand.users["leader"]).get("/can-bo/thong-ke/", {"from": "x"})
    assert response.status_code == 400


def test_the_field_filter_narrows_the_numbers(hand: Place) -> None:
    client = browser_for(hand.users["admin"])
    html = client.get("/can-bo/thong-ke/", {**P, "field": "XD"}).content.decode()
    assert _card(html, "received") == "0"


@pytest.mark.parametrize(
    "table", ["units", "fields", "procedures", "officers", "trend", "indicators", "overdue"]
)
def test_every_table_exports_to_excel_with_the_same_numbers(hand: Place, table: str) -> None:
    response = browser_for(hand.users["province_leader"]).get(
        f"/can-bo/thong-ke/xuat/{table}.xlsx", P
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert "UBND tỉnh Thử" in values[1][0]
    assert "03/03/2027" in values[2][0] and "10/03/2027" in values[2][0]
    assert values[3][0].startswith("Lập lúc")
    if table == "units":
        report = stats_report(
            unit=hand.province, date_from=dt.date(2027, 3, 3), date_to=dt.date(2027, 3, 10)
        )
        header = values[5]
        rows = {r[0]: dict(zip(header, r, strict=True)) for r in values[6:]}
        commune = rows[hand.commune.code]
        assert commune["Tổng tiếp nhận"] == report.rows[2]["received"] or commune[
            "Tổng tiếp nhận"
        ] == next(r["received"] for r in report.rows if r["key"] == hand.commune.code)
        assert values[-1][1] == "Tổng cộng"
        assert values[-1][header.index("Tổng tiếp nhận")] == report.total["received"]
        assert values[-1][header.index("Kỳ trước chuyển sang")] == report.total["carried_over"]


@pytest.mark.parametrize("table", ["units", "indicators", "overdue"])
def test_the_pdf_export_carries_the_heading(hand: Place, table: str) -> None:
    response = browser_for(hand.users["leader"]).get(
        f"/can-bo/thong-ke/xuat/{table}.pdf", {**P, "unit": hand.commune.code}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "UBND xã Một" in text
    assert "03/03/2027" in text and "10/03/2027" in text
    assert "Lập lúc" in text
    # An official report: the national heading and the signature blocks, plain Vietnamese.
    flat = " ".join(text.split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat
    assert "NGƯỜI LẬP BIỂU" in flat and "THỦ TRƯỞNG ĐƠN VỊ" in flat
    from motcua.core.textcheck import text_problems

    usernames = [u.get_username() for u in hand.users.values()]
    assert text_problems(flat, usernames=usernames) == []


def test_exports_are_scoped_too(hand: Place) -> None:
    response = browser_for(hand.users["leader"]).get(
        "/can-bo/thong-ke/xuat/units.xlsx", {**P, "unit": hand.province.code}
    )
    assert response.status_code == 403


def test_the_transparency_page_shows_the_numbers_of_the_api(hand: Place) -> None:
    cache.clear()
    response = Client().get("/cong-khai/", {"unit": hand.commune.code})
    assert response.status_code == 200
    html = response.content.decode()
    api = client_for(hand.users["admin"])
    for i, (start, end) in enumerate(_periods(), start=1):
        total = api.get(
            "/api/v1/stats", {"unit": hand.commune.code, "from": start, "to": end}
        ).json()["total"]
        section = html.split(f'id="period-{i}"')[1]
        assert _card(section, "received") == str(total["received"])
        assert _card(section, "resolved") == str(total["resolved"])
    assert "Nguyễn Văn An" not in html and "0901234567" not in html
    assert "public" in response["Cache-Control"]


def _periods() -> list[tuple[str, str]]:
    from django.utils import timezone

    from motcua.reports.selectors import periods_of

    return [(s.isoformat(), e.isoformat()) for _l, s, e in periods_of(timezone.localdate())]
