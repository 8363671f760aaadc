"""A database that stays locked past its busy timeout (SQLite under many writers) answers
503 with Retry-After, never 500 (issue 11, finding 11)."""

from __future__ import annotations

import os
from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from rest_framework.test import APIClient

from motcua.units.services import user_create_or_update

pytestmark = pytest.mark.django_db


def test_a_locked_database_is_503_with_retry_after_on_the_api() -> None:
    user_create_or_update(username="canbo", password="mat-khau-an-toan-9")
    with mock.patch(
        "motcua.core.api.api_token_create", side_effect=OperationalError("database is locked")
    ):
        response = APIClient().post(
            "/api/v1/auth/token",
            {"username": "canbo", "password": "mat-khau-an-toan-9"},
            format="json",
        )
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "detail" in response.json()


def test_a_locked_database_is_503_on_a_page() -> None:
    with mock.patch(
        "motcua.portal.lookup_views.lookup_find",
        side_effect=OperationalError("database is locked"),
    ):
        response = Client().get("/tra-cuu/", {"code": "000.01.01.T01-260302-0001"})
    assert response.status_code == 503
    assert "Retry-After" in response


def test_other_database_errors_are_not_disguised() -> None:
    with (
        mock.patch(
            "motcua.portal.lookup_views.lookup_find",
            side_effect=OperationalError("no such table: x"),
        ),
        pytest.raises(OperationalError),
    ):
        Client(raise_request_exception=True).get("/tra-cuu/", {"code": "X-1"})


# ---------------------------------------------------------------------------- the real thing


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("MOTCUA_DATABASE_URL", "").startswith("postgres"),
    reason="the busy timeout is SQLite's: PostgreSQL writers wait on row locks, and "
    "concurrent servers on it are tested in test_live_server.py and bench/bench_load.py",
)
def test_four_server_processes_and_an_import_at_once_never_answer_500(tmp_path: Any) -> None:
    """Finding 11 as it was seen: two servers of two processes each on one data dir, eight
    desks submitting while a history import writes. Every answer is 201, or 503 with
    Retry-After when the database stayed busy past its timeout; the import loses no line;
    every history chain holds."""
    import json
    import threading
    import urllib.error
    import urllib.request

    from motcua.dossiers.tests.conftest import APPLICANT
    from motcua.dossiers.tests.test_live_server import (
        COMMUNE,
        Site,
        _prepare,
        free_port,
        request,
        wait_until,
    )

    prepared = _prepare(tmp_path, "busy")
    site = next(prepared)
    second = Site(data_dir=site.data_dir, env=site.env, port=free_port())
    lines = 120
    history = tmp_path / "history.jsonl"
    with history.open("w", encoding="utf-8") as out:
        for i in range(lines):
            record = {
                "procedure": "2.000001",
                "unit": COMMUNE,
                "channel": "counter",
                "applicant": APPLICANT,
                "summary": f"Hồ sơ lịch sử số {i + 1}",
                "documents": [0],
                "received_at": "2026-03-02T08:00:00+07:00",
                "events": [{"action": "forward", "at": "2026-03-02T09:00:00+07:00", "by": "desk"}],
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    answers: list[tuple[int, str | None]] = []
    lock = threading.Lock()
    done = threading.Event()
    try:
        second.start()
        token = site.token("desk")

        def intake(base: str) -> tuple[int, str | None]:
            body = {
                "procedure": "2.000001",
                "unit": COMMUNE,
                "channel": "counter",
                "applicant": APPLICANT,
                "summary": "Hồ sơ nộp trong lúc nhập lịch sử",
            }
            req = urllib.request.Request(
                base + "/api/v1/dossiers",
                data=json.dumps(body).encode(),
                method="POST",
                headers={
                    "Content-Type": "application/json",
                    "Host": "127.0.0.1",
                    "Authorization": f"Bearer {token}",
                },
            )
            try:
                with urllib.request.urlopen(req, timeout=60) as response:
                    return response.status, None
            except urllib.error.HTTPError as exc:
                return exc.code, exc.headers.get("Retry-After")

        def desk(i: int) -> None:
            base = (site.base, second.base)[i % 2]
            for _ in range(200):  # bounded; stops when the import is done
                if done.is_set():
                    return
                answer = intake(base)
                with lock:
                    answers.append(answer)

        threads = [threading.Thread(target=desk, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        wait_until(lambda: len(answers) >= 8, timeout=60, what="the first intakes")
        imported = site.motcua("import-dossiers", str(history), timeout=600)
        done.set()
        for t in threads:
            t.join(timeout=120)
        verify = site.motcua("verify-history")
        # Lists count at most 1,000 rows unless a page further on is asked for: the last page
        # of one row each counts them all, and must be the last.
        expected = sum(1 for status, _ in answers if status == 201) + lines
        status, page = request(
            site, "GET", f"/api/v1/dossiers?page_size=1&page={expected}", None, "desk"
        )
        assert status == 200, page
    finally:
        done.set()
        second.kill()
        with pytest.raises(StopIteration):
            next(prepared)  # stops the first server and drops its database

    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert f"{lines} dossiers imported" in imported.stdout
    statuses = {status for status, _ in answers}
    assert statuses <= {201, 503}, sorted(set(answers))
    assert all(int(retry or 0) > 0 for status, retry in answers if status == 503)
    assert 201 in statuses
    accepted = sum(1 for status, _ in answers if status == 201)
    assert page["count"] == accepted + lines and page["next"] is None
    assert verify.returncode == 0, verify.stdout + verify.stderr
