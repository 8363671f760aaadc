"""The real server and its worker (``motcua serve``: gunicorn, production settings, one
background worker) against the stand-in of the national portal over HTTP.

A dossier's whole life, taken through the API, arrives in order; an expired session is
renewed; an outage spanning many retry rounds with a dozen dossiers in flight loses and
reorders nothing; the same inbound ``MaHoSo`` twice creates one dossier.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from motcua.dossiers.tests.test_live_server import Site, _own_database, request, wait_until
from motcua.integrations.dvcqg.tests.conftest import (
    AGENCY,
    APPLICANT,
    CATALOG,
    COMMUNE,
    PASSWORD,
)
from motcua.integrations.dvcqg.tests.standin import StandIn

pytestmark = pytest.mark.slow

USERS = {
    "desk": [("desk", COMMUNE)],
    "specialist": [("specialist", COMMUNE)],
    "leader": [("leader", COMMUNE)],
    "portal": [("national", None)],
}
_DROP = ("MOTCUA_DATABASE_URL", "MOTCUA_DATA_DIR", "DJANGO_SETTINGS_MODULE", "MOTCUA_ENV")


@pytest.fixture
def portal() -> Iterator[StandIn]:
    standin = StandIn(agency=AGENCY).serve()
    yield standin
    standin.stop()


@pytest.fixture
def site(tmp_path: Path, portal: StandIn) -> Iterator[Site]:
    import os

    data_dir = tmp_path / "var"
    data_dir.mkdir()
    database_url, drop = _own_database("dvcqg")
    env = {k: v for k, v in os.environ.items() if k not in _DROP}
    env.update(
        MOTCUA_ENV="production",
        MOTCUA_SITE_URL="http://127.0.0.1:8000",
        MOTCUA_DATA_DIR=str(data_dir),
        MOTCUA_SECRET_KEY=secrets.token_urlsafe(40),
        MOTCUA_ALLOWED_HOSTS="127.0.0.1",
        MOTCUA_SSL_REDIRECT="0",
        MOTCUA_SECURE_COOKIES="0",
        MOTCUA_HSTS_SECONDS="0",
        MOTCUA_LOGIN_RATE="1000/min",
        PYTHONUNBUFFERED="1",
        MOTCUA_DVCQG_URL=portal.url,
        MOTCUA_DVCQG_USERNAME=portal.username,
        MOTCUA_DVCQG_PASSWORD=portal.password,
        MOTCUA_DVCQG_AGENCY=AGENCY,
        MOTCUA_DVCQG_TIMEOUT="3",
        # Short backoff so that an outage spans many retry rounds within the test.
        MOTCUA_OUTBOX_BACKOFF_SECONDS="0.5",
        MOTCUA_OUTBOX_BACKOFF_MAX_SECONDS="5",
        MOTCUA_OUTBOX_SWEEP_GRACE_SECONDS="2",
        MOTCUA_WORKER_POLL_SECONDS="0.2",
    )
    if database_url:
        env["MOTCUA_DATABASE_URL"] = database_url
    site = Site(data_dir=data_dir, env=env)
    try:
        result = site.motcua("migrate")
        assert result.returncode == 0, result.stderr
        catalog = tmp_path / "catalog.json"
        catalog.write_text(json.dumps(CATALOG, ensure_ascii=False), encoding="utf-8")
        result = site.motcua("import-catalog", str(catalog))
        assert result.returncode == 0, result.stderr
        for name, roles in USERS.items():
            args = ["createuser", name, "--password", PASSWORD]
            for role, unit in roles:
                args += ["--role", role] + (["--unit", unit] if unit else [])
            result = site.motcua(*args)
            assert result.returncode == 0, result.stderr
        site.start()
        yield site
    finally:
        site.kill()
        drop()


def _act(site: Site, code: str, action: str, user: str, **body: Any) -> dict[str, Any]:
    _, current = request(site, "GET", f"/api/v1/dossiers/{code}", user=user)
    status, answer = request(
        site,
        "POST",
        f"/api/v1/dossiers/{code}/{action}",
        {"version": current["version"], **body},
        user,
    )
    assert status == 200, answer
    return answer


def _life(site: Site) -> str:
    status, dossier = request(
        site,
        "POST",
        "/api/v1/dossiers",
        {"procedure": "1.001193", "unit": COMMUNE, "channel": "counter", "applicant": APPLICANT,
         "summary": "Đăng ký khai sinh", "documents": ["Tờ khai đăng ký khai sinh"]},
        "desk",
    )  # fmt: skip
    assert status == 201, dossier
    code = dossier["code"]
    _act(site, code, "forward", "desk")
    _act(site, code, "forward", "specialist")
    _act(site, code, "resolve", "leader")
    _act(site, code, "return", "desk", method="counter")
    return str(code)


def _complete(portal: StandIn, codes: list[str]) -> bool:
    held = portal.state()["dossiers"]
    return all(code in held and len(held[code]["steps"]) == 5 for code in codes)


def test_the_live_site_mirrors_every_dossier_through_sessions_and_outages(
    site: Site, portal: StandIn
) -> None:
    first = _life(site)
    wait_until(lambda: _complete(portal, [first]), timeout=60, what="the first dossier")
    held = portal.state()["dossiers"][first]
    assert [(h["isUpdating"], h["record"]["TrangThaiHoSo"]) for h in held["history"]] == [
        (False, 2),
        (True, 4),
        (True, 9),
        (True, 10),
    ]
    assert [s["TrangThai"] for s in held["steps"]] == [2, 4, 4, 9, 10]
    assert held["record"]["DonViXuLy"] == COMMUNE
    assert held["record"]["MaTTHC"] == "1.001193"
    assert portal.state()["logins"] == 1

    # An expired session: the worker logs in again and goes on.
    portal.expire_sessions()
    second = _life(site)
    wait_until(lambda: _complete(portal, [second]), timeout=60, what="after the new session")
    assert portal.state()["logins"] == 2

    # An outage: a dozen dossiers live their lives while the portal is down (each life is
    # five calls in order; test_sync.py puts dozens in flight in-process).
    portal.outage = "refuse"
    codes = [_life(site) for _ in range(12)]

    def retried() -> bool:
        result = site.motcua("status", "--json")
        outbox = json.loads(result.stdout)["outbox"].get("dvcqg", {})
        return int(outbox.get("failing", 0)) >= len(codes)

    wait_until(retried, timeout=120, what="the worker to retry during the outage")
    assert not set(codes) & set(portal.state()["dossiers"])
    status = json.loads(site.motcua("status", "--json").stdout)
    assert status["national_sync_lag_seconds"] > 0
    assert status["outbox"]["dvcqg"]["dead"] == 0

    portal.outage = None
    wait_until(lambda: _complete(portal, codes), timeout=180, what="the backlog to drain")
    state = portal.state()
    for code in codes:
        held = state["dossiers"][code]
        assert [h["record"]["TrangThaiHoSo"] for h in held["history"]] == [2, 4, 9, 10]
        assert [s["TrangThai"] for s in held["steps"]] == [2, 4, 4, 9, 10]
        times = [s["ThoiDiemXuLy"] for s in held["steps"]]
        assert times == sorted(times)
    assert state["rejected"] == []

    # Inbound: the same MaHoSo twice creates one dossier.
    record = {
        "MaHoSo": f"{COMMUNE}-261201-9001",
        "MaTTHC": "1.001193",
        "DonViXuLy": COMMUNE,
        "KenhThucHien": 2,
        "ChuHoSo": "Trần Thị Bình",
        "LoaiDoiTuong": 1,
        "NgayNopHoSo": "20261201080000",
    }
    first_post = request(site, "POST", "/api/v1/national/dossiers", record, "portal")
    second_post = request(site, "POST", "/api/v1/national/dossiers", record, "portal")
    assert (first_post[0], second_post[0]) == (201, 200)
    _, listed = request(site, "GET", "/api/v1/dossiers?status=submitted", user="desk")
    assert [d["code"] for d in listed["results"]] == [record["MaHoSo"]]
    bad = request(site, "POST", "/api/v1/national/dossiers", {**record, "MaHoSo": ""}, "portal")
    assert bad[0] == 400
    assert "MaHoSo" in bad[1]
