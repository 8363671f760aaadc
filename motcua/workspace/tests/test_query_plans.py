"""The staff lists and the home page cost what the officer may see, not the whole table
(issue 17): on PostgreSQL every query they run on the dossiers can be answered from an index
(the planner, told not to scan, still finds a plan without a sequential scan of the dossiers,
their events or their participants, and without a filter probing every row against a list),
and a page runs the same number of queries whatever the number of dossiers."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier

from .conftest import APPLICANT, Province

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="query plans are PostgreSQL's (CI runs both)"
)
TABLES = ("dossiers_dossier", "dossiers_dossierevent", "dossiers_dossierparticipant")
# A desk and a specialist of a commune (single-unit scopes), a department leader (the units
# below), the province leader (no filter).
OFFICERS = ["desk", "specialist", "dept_leader", "province_leader"]


def _intake(p: Province, unit: Any, name: str, forward: bool) -> Dossier:
    dossier, _ = s.dossier_intake(
        actor=p.users["desk" if unit == p.commune else "desk2"],
        procedure=p.procedure("1.001193"),
        unit=unit,
        channel="counter",
        applicant={**APPLICANT, "name": name, "phone": "0912345678"},
    )
    if forward:
        dossier = s.dossier_forward(
            dossier=dossier, actor=p.users["desk" if unit == p.commune else "desk2"]
        )
    return dossier


def _dossiers(p: Province, n: int) -> Dossier:
    last = None
    for i in range(n):
        unit = p.commune if i % 3 else p.commune2
        last = _intake(p, unit, ["Trần Thị Đào", "Nguyễn Văn An"][i % 2], forward=i % 2 == 0)
    assert last is not None
    return last


def _urls(code: str) -> list[str]:
    from motcua.workspace.selectors import LISTS

    lists = [f"/can-bo/ho-so/?list={item.key}" for item in LISTS]
    return [
        "/can-bo/",
        *lists,
        "/can-bo/ho-so/?list=all&q=tran+thi",
        f"/can-bo/ho-so/?list=all&q={code[-11:]}",
        f"/can-bo/ho-so/?list=all&q={code[:14]}",
        "/can-bo/ho-so/?list=all&q=0912345678",
        "/can-bo/ho-so/?list=all&sort=due",
        "/can-bo/ho-so/?list=all&page=2",
        "/api/v1/dossiers",
        "/api/v1/dossiers?status=processing",
        "/api/v1/dossiers?search=nguyen+van",
        f"/api/v1/dossiers?search={code}",
        "/api/v1/dossiers?overdue=true",
    ]


def _dossier_queries(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code in (200, 403), (url, response.status_code)
    return [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].lstrip().upper().startswith("SELECT") and any(t in q["sql"] for t in TABLES)
    ]


def _sequential_scans(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute(f"EXPLAIN {sql}")
            plan = [row[0] for row in cursor.fetchall()]
        finally:
            cursor.execute("RESET enable_seqscan")
    # A sequential scan of a big table, or a filter that probes every row it reads against a
    # hashed list (what an ``OR id IN (…)`` scope does): both cost the whole table.
    return [
        line.strip()
        for line in plan
        if ("Seq Scan" in line and any(t in line for t in TABLES))
        or ("Filter:" in line and "hashed SubPlan" in line)
    ]


@pytest.mark.parametrize("officer", OFFICERS)
def test_every_staff_list_is_answered_from_indexes(province: Province, officer: str) -> None:
    code = _dossiers(province, 4).code
    client = Client()
    client.force_login(province.users[officer])
    client.get("/can-bo/")  # warm the calendar cache
    checked = 0
    for url in _urls(code):
        for sql in _dossier_queries(client, url):
            assert not _sequential_scans(sql), (url, sql, _sequential_scans(sql))
            checked += 1
    assert checked >= len(_urls(code))  # every page read the dossiers at least once


@pytest.mark.parametrize("officer", ["desk", "province_leader"])
def test_staff_pages_run_the_same_queries_at_any_size(province: Province, officer: str) -> None:
    code = _dossiers(province, 3).code
    client = Client()
    client.force_login(province.users[officer])
    urls = _urls(code)
    client.get("/can-bo/")
    small = {url: _shape(_all_queries(client, url)) for url in urls}
    _dossiers(province, 20)
    large = {url: _shape(_all_queries(client, url)) for url in urls}
    # The same queries; only a list that has grown past its first page is now counted (a
    # first page that holds the whole list is counted from its own rows).
    assert {url: n for url, (n, _) in large.items()} == {url: n for url, (n, _) in small.items()}
    for url, (_, counts) in large.items():
        assert small[url][1] <= counts <= small[url][1] + 1, url


def _shape(queries: list[dict[str, Any]]) -> tuple[int, int]:
    """(queries other than capped counts, capped counts)."""
    counts = sum(q["sql"].startswith("SELECT COUNT(*) FROM (SELECT") for q in queries)
    return len(queries) - counts, counts


def _all_queries(client: Client, url: str) -> list[dict[str, Any]]:
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return list(ctx.captured_queries)
