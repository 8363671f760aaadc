"""Which reads may go to the read replica (issue 17, item 4), decided in process: only
inside ``replica_reads``, never for who just wrote, never inside a transaction on the
primary, never for sessions and limits, never when the replica failed its check; a replica
that fails mid-request is replaced by the primary. The real replica is in test_replica.py."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core import signing
from django.db import OperationalError, transaction
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings

from conftest import child_env, run_motcua
from motcua.core import replica
from motcua.core.replica import (
    REPLICA,
    WROTE_COOKIE,
    ReadAfterWriteMiddleware,
    ReplicaRouter,
    reading_from_replica,
    replica_reads,
)
from motcua.dossiers.models import Dossier

router = ReplicaRouter()


@pytest.fixture
def healthy_replica(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A replica configured and judged healthy, without a second database to ask."""
    monkeypatch.setattr(replica, "replica_configured", lambda: True)
    replica.health.usable, replica.health.until = True, time.monotonic() + 3600
    yield
    replica.health.reset()


def test_reads_stay_on_the_primary_outside_marked_code(healthy_replica: None) -> None:
    assert router.db_for_read(Dossier) == "default"
    with reading_from_replica():
        assert router.db_for_read(Dossier) == REPLICA
    assert router.db_for_read(Dossier) == "default"


def test_writes_and_migrations_never_go_to_the_replica(healthy_replica: None) -> None:
    with reading_from_replica():
        assert router.db_for_write(Dossier) == "default"
    assert router.allow_migrate(REPLICA, "dossiers") is False
    assert router.allow_migrate("default", "dossiers") is None


def test_sessions_and_limits_are_always_read_on_the_primary(healthy_replica: None) -> None:
    from motcua.core.models import RateCounter

    with reading_from_replica():
        assert router.db_for_read(Session) == "default"
        assert router.db_for_read(RateCounter) == "default"


@pytest.mark.django_db(transaction=True)
def test_a_read_inside_a_transaction_on_the_primary_stays_there(healthy_replica: None) -> None:
    with reading_from_replica(), transaction.atomic():
        assert router.db_for_read(Dossier) == "default"


def test_a_replica_that_failed_its_check_is_not_used(healthy_replica: None) -> None:
    replica.health.usable = False
    with reading_from_replica():
        assert router.db_for_read(Dossier) == "default"


def test_a_view_whose_replica_fails_is_answered_from_the_primary(
    healthy_replica: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks: list[bool] = []
    monkeypatch.setattr(replica, "replica_check", lambda fresh: checks.append(fresh) or False)
    calls: list[str] = []

    @replica_reads
    def view(request: Any) -> str:
        where = router.db_for_read(Dossier)
        calls.append(str(where))
        if where == REPLICA:
            raise OperationalError("server closed the connection unexpectedly")
        return "answer"

    assert view(None) == "answer"
    assert calls == [REPLICA, "default"]
    assert checks == [True]  # judged again, so the next requests skip it


def test_an_error_of_the_primary_is_not_hidden(healthy_replica: None) -> None:
    @replica_reads
    def view(request: Any) -> str:
        raise OperationalError("the primary is broken")

    with pytest.raises(OperationalError):
        view(None)


# --------------------------------------------------------------- read-after-write


def _middleware(seen: list[str], status: int = 200) -> ReadAfterWriteMiddleware:
    def view(request: HttpRequest) -> HttpResponse:
        seen.append(str(router.db_for_read(Dossier)))
        return HttpResponse(status=status)

    return ReadAfterWriteMiddleware(replica_reads(view))


@override_settings(MOTCUA_READ_AFTER_WRITE_SECONDS=10)
def test_who_just_wrote_reads_the_primary_and_others_the_replica(healthy_replica: None) -> None:
    seen: list[str] = []
    middleware = _middleware(seen)
    factory = RequestFactory()
    written = middleware(factory.post("/api/v1/dossiers"))
    cookie = written.cookies[WROTE_COOKIE]
    assert cookie["httponly"] and int(cookie["max-age"]) == 10
    stranger = factory.get("/api/v1/lookup/X")
    writer = factory.get("/api/v1/lookup/X")
    writer.COOKIES[WROTE_COOKIE] = cookie.value
    assert WROTE_COOKIE not in middleware(stranger).cookies  # reading does not pin
    middleware(writer)
    assert seen == [REPLICA, REPLICA, "default"]


@override_settings(MOTCUA_READ_AFTER_WRITE_SECONDS=10)
def test_a_failed_write_leaves_no_mark(healthy_replica: None) -> None:
    response = _middleware([], status=400)(RequestFactory().post("/api/v1/dossiers"))
    assert WROTE_COOKIE not in response.cookies


@override_settings(MOTCUA_READ_AFTER_WRITE_SECONDS=10)
def test_an_old_or_forged_mark_is_ignored(healthy_replica: None) -> None:
    class Earlier(signing.TimestampSigner):
        def timestamp(self) -> str:
            return signing.b62_encode(int(time.time()) - 11)

    from django.conf import settings

    old = Earlier(key=settings.SECRET_KEY, salt=WROTE_COOKIE + replica._WROTE_SALT).sign("1")
    seen: list[str] = []
    middleware = _middleware(seen)
    for value in (old, "1", old[:-1] + "x"):
        request = RequestFactory().get("/api/v1/lookup/X")
        request.COOKIES[WROTE_COOKIE] = value
        middleware(request)
    assert seen == [REPLICA, REPLICA, REPLICA]


def test_without_a_replica_nothing_changes() -> None:
    seen: list[str] = []
    response = _middleware(seen)(RequestFactory().post("/api/v1/dossiers"))
    assert WROTE_COOKIE not in response.cookies
    assert seen == ["default"]


def test_a_replica_without_a_postgresql_primary_is_refused_in_plain_words(data_dir: Path) -> None:
    env = child_env(data_dir, MOTCUA_READ_DATABASE_URL="postgres://motcua@db2.example.vn/motcua")
    env.pop("MOTCUA_DATABASE_URL", None)  # the embedded SQLite

    result = run_motcua("manage", "check", data_dir=data_dir, env=env)

    assert result.returncode == 1
    assert "MOTCUA_READ_DATABASE_URL needs a PostgreSQL MOTCUA_DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr
