"""Operations (issue 17): Prometheus metrics, readiness, logs without personal data."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from motcua.core.logs import PersonalDataFilter, json_formatter, mask

PERSONAL = "Hồ sơ của 0901 234 567, CCCD 001203004567, thư an.nguyen@example.vn"


@pytest.mark.django_db
def test_metrics_show_latency_by_route_and_the_queue(client: Client) -> None:
    assert client.get("/thu-tuc/").status_code == 200
    client.get("/thu-tuc/1.999999/")  # a 404: its route is the pattern, not the code
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert 'motcua_http_request_duration_seconds_count{method="GET",route="/thu-tuc/"' in text
    assert 'route="/thu-tuc/<str:code>/",status="4xx"' in text
    assert "1.999999" not in text
    for name in (
        "motcua_database_up 1.0",
        "motcua_queue_pending",
        "motcua_queue_oldest_pending_seconds",
        "motcua_outbox_messages{",
        "motcua_national_sync_lag_seconds",
        "motcua_database_connections{",
    ):
        assert name in text, name


@pytest.mark.django_db
def test_metrics_answer_only_this_machine_or_the_token(settings: Any) -> None:
    outside = Client(REMOTE_ADDR="203.0.113.9")
    assert outside.get("/metrics").status_code == 403
    settings.MOTCUA_METRICS_TOKEN = "so-do-bi-mat-123"
    assert outside.get("/metrics", HTTP_AUTHORIZATION="Bearer sai").status_code == 403
    ok = outside.get("/metrics", HTTP_AUTHORIZATION="Bearer so-do-bi-mat-123")
    assert ok.status_code == 200
    assert Client().post("/metrics").status_code in {403, 405}


@pytest.mark.django_db
def test_readyz_says_ready_and_names_what_is_not(client: Client, settings: Any) -> None:
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "queue": "ok", "files": "ok"},
    }
    settings.MOTCUA_TASKS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    down = client.get("/readyz")
    assert down.status_code == 503
    body = down.json()
    assert body["status"] == "not ready"
    assert body["checks"]["queue"].startswith("lỗi:")
    assert body["checks"]["database"] == "ok"


def test_personal_data_is_masked_in_every_log_line() -> None:
    masked = mask(PERSONAL + " /tai-khoan/dat-lai-mat-khau/MQ/abc-123def456/")
    assert "0901 234 567" not in masked and "001203004567" not in masked
    assert "an.nguyen@example.vn" not in masked and "abc-123def456" not in masked
    assert "[số điện thoại]" in masked and "[số định danh]" in masked
    # Codes and dates stay readable.
    kept = "Hồ sơ 000.01.50.H99-261201-0001, thủ tục 1.001193, lúc 20261201081500"
    assert mask(kept) == kept


def test_json_logs_are_one_object_a_line_without_personal_data() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(json_formatter())
    handler.addFilter(PersonalDataFilter())
    logger = logging.getLogger("motcua.test.json")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("Không gửi được thư: %s", PERSONAL)
    finally:
        logger.removeHandler(handler)
    (line,) = stream.getvalue().splitlines()
    record = json.loads(line)
    assert record["level"] == "warning"
    assert record["logger"] == "motcua.test.json"
    assert "timestamp" in record
    assert record["event"].startswith("Không gửi được thư: Hồ sơ của [số điện thoại]")
    assert "001203004567" not in line


@pytest.mark.slow
def test_a_real_server_sums_its_processes_metrics_and_logs_json(tmp_path: Path) -> None:
    from motcua.dossiers.tests.test_live_server import _prepare, request

    prepared = _prepare(tmp_path, "ops")
    site = next(prepared)
    try:
        for _ in range(20):
            assert request(site, "GET", "/api/v1/units")[0] == 200
        import urllib.request

        with urllib.request.urlopen(site.base + "/metrics", timeout=30) as response:
            text = response.read().decode()
        with urllib.request.urlopen(site.base + "/readyz", timeout=30) as response:
            ready = json.loads(response.read())
    finally:
        with pytest.raises(StopIteration):
            next(prepared)
    counts = [
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("motcua_http_request_duration_seconds_count")
        and 'route="/api/v1/units"' in line
    ]
    # Two gunicorn processes answered; the scrape counts both (plus the start-up probes).
    assert sum(counts) >= 20
    assert ready["status"] == "ready"
    lines = [
        line for line in (site.data_dir / "server.log").read_text().splitlines() if line.strip()
    ]
    # gunicorn's own plain lines ("[INFO] Booting worker") are JSON objects now too; what
    # else is there is the system check's report, printed before serving.
    assert not [line for line in lines if "] [INFO]" in line or "] [ERROR]" in line]
    entries = [json.loads(line) for line in lines if line.startswith("{")]
    access = [e for e in entries if '"GET /api/v1/units"' in e["event"]]
    assert len(access) >= 20
    assert all(entry["logger"] == "gunicorn.access" for entry in access)
