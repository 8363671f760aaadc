"""Reads from a PostgreSQL streaming replica (issue 17, item 4; docs/operations.md).

With ``MOTCUA_READ_DATABASE_URL`` set, settings add a ``replica`` database alias and this
router. Reads go to the replica only inside code marked with ``replica_reads`` (the public
lookup, the transparency page, the reports, their exports and the indicators API) and only
when all of these hold:

- the client has not written in the last ``MOTCUA_READ_AFTER_WRITE_SECONDS``: a successful
  non-safe request leaves a signed cookie, and while it is fresh that client reads from the
  primary, so an applicant sees the dossier just filed even if the replica is behind;
- no transaction is open on the primary (a read inside one must see that transaction);
- the model is not one whose freshness matters more than its cost (sessions, users, tokens,
  rate counters, the cache table, the task queue);
- the replica answered its last check, and its replay lag was under
  ``MOTCUA_READ_REPLICA_MAX_LAG`` seconds.

Raw SQL takes its connection from ``read_connection(Model)`` to follow the same rule.

A replica that does not answer (connection refused, or the 2 s connect timeout) is marked
down for ``MOTCUA_READ_REPLICA_RETRY_SECONDS`` so later requests do not pay the timeout again;
a request that was reading from it when it went away is served again from the primary, never
a 500. Writes always go to the primary.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, router
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
# Read-after-write: a signed cookie whose timestamp is the last successful write.
WROTE_COOKIE = "motcua_wrote"
_WROTE_SALT = "motcua.core.replica.wrote"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Models always read on the primary: who is signed in, the limits and locks that guard the
# public pages, the cache and the queue. A stale copy of these is a security or a duplicate-
# work bug, and they are small.
PRIMARY_ONLY_APPS = frozenset(
    {
        "auth",
        "accounts",
        "contenttypes",
        "sessions",
        "core",
        "django_cache",
        "django_tasks_database",
        "outbox",
    }
)
# How long a good check of the replica is trusted before the next one.
CHECK_SECONDS = 2.0

_allowed: ContextVar[bool] = ContextVar("motcua_replica_allowed", default=False)
_pinned: ContextVar[bool] = ContextVar("motcua_replica_pinned", default=False)
_used: ContextVar[bool] = ContextVar("motcua_replica_used", default=False)

logger = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])


class _Health:
    """The last verdict on the replica, shared by the threads of one server process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.usable = False
        self.until = 0.0  # monotonic time until which the verdict holds
        self.lag = 0.0
        self.reachable = False
        self.known = False  # no verdict yet

    def reset(self) -> None:
        with self.lock:
            self.usable, self.until, self.lag, self.reachable = False, 0.0, 0.0, False
            self.known = False


health = _Health()


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def _lag_seconds() -> float:
    """Seconds the replica's replay is behind; 0 when it has replayed all it received (an
    idle primary sends nothing, and an old last-replay time then means nothing)."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(
            "SELECT CASE WHEN NOT pg_is_in_recovery() "
            "OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
            "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) "
            "END"
        )
        row = cursor.fetchone()
    return float(row[0]) if row else 0.0


def _close_replica() -> None:
    with contextlib.suppress(DatabaseError):
        connections[REPLICA].close()


def replica_check(*, fresh: bool = False) -> bool:
    """Ask the replica now whether it answers and how far behind it is; remember the
    verdict: a good one for ``CHECK_SECONDS``; a replica behind for ``CHECK_SECONDS`` too
    (the lag is measured from the last replayed commit, so a write after a quiet hour looks
    like an hour of lag for the instant before it is replayed); an unreachable one for
    ``MOTCUA_READ_REPLICA_RETRY_SECONDS``, so requests do not each wait for the connect
    timeout. ``fresh``: on a new connection (the old one may be the broken part). Logs only
    changes of state."""
    if fresh:
        _close_replica()
    max_lag = float(settings.MOTCUA_READ_REPLICA_MAX_LAG)
    error = ""
    try:
        lag = _lag_seconds() if connections[REPLICA].vendor == "postgresql" else 0.0
        reachable = True
        usable = max_lag <= 0 or lag <= max_lag
    except DatabaseError as exc:
        _close_replica()
        usable, lag, reachable, error = False, 0.0, False, str(exc)
    hold = CHECK_SECONDS if reachable else float(settings.MOTCUA_READ_REPLICA_RETRY_SECONDS)
    with health.lock:
        changed = not health.known or (usable, reachable) != (health.usable, health.reachable)
        health.usable, health.lag, health.reachable = usable, lag, reachable
        health.until, health.known = time.monotonic() + hold, True
    if changed and not reachable:
        logger.warning("read replica unreachable, reading the primary: %s", error)
    elif changed and not usable:
        logger.warning("read replica %.1f s behind (max %s s): reading the primary", lag, max_lag)
    elif changed:
        logger.info("read replica in use (%.1f s behind)", lag)
    return usable


def replica_status() -> dict[str, Any]:
    """For ``/readyz``: the replica's state as this process sees it (asked again once the last
    verdict has expired). A replica that is down or behind does not make the server unready,
    since the primary answers in its place."""
    usable = replica_usable()
    if usable:
        text = "ok"
    elif health.reachable:
        text = f"chậm {health.lag:.0f} giây: đang đọc từ máy chủ chính"
    else:
        text = "không kết nối được: đang đọc từ máy chủ chính"
    return {"status": text, "lag_seconds": round(health.lag, 1) if health.reachable else None}


def replica_usable() -> bool:
    if time.monotonic() < health.until:
        return health.usable
    return replica_check()


class ReplicaRouter:
    """Reads to the replica inside ``replica_reads`` when it is safe (module docstring);
    everything else, and every write, to the primary."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if not _allowed.get() or _pinned.get():
            return DEFAULT_DB_ALIAS
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block or not replica_usable():
            return DEFAULT_DB_ALIAS
        _used.set(True)
        return REPLICA

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database, two copies of it

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None


def read_connection(model: type[Any]) -> Any:
    """The connection a read of ``model`` goes to, for raw SQL (which no router sees): the
    replica inside ``replica_reads`` when the router allows it, else the primary."""
    return connections[router.db_for_read(model)]


@contextlib.contextmanager
def reading_from_replica() -> Iterator[None]:
    """Let the reads inside go to the replica (when the router finds it safe)."""
    allowed, used = _allowed.set(True), _used.set(False)
    try:
        yield
    finally:
        _allowed.reset(allowed)
        _used.reset(used)


def replica_reads(view: F) -> F:
    """Mark a read-only view (or a view method) as served from the replica. If the replica
    fails under it, it is marked down and the view runs again on the primary."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not replica_configured():
            return view(*args, **kwargs)
        with reading_from_replica():
            try:
                return view(*args, **kwargs)
            except DatabaseError:
                if not _used.get():
                    raise  # the primary's error, not the replica's
        # A broken connection, a replica gone, or a query cancelled by replay: judge the
        # replica afresh (the verdict holds for the next requests) and answer from the
        # primary, which is always right. The view only reads, so running it again is safe
        # (a rate-limited page counts the request twice, once per try: a rare, small cost).
        logger.warning("read replica failed mid-request; answering from the primary")
        replica_check(fresh=True)
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


# ------------------------------------------------------------------- read-after-write


def _wrote_recently(request: HttpRequest) -> bool:
    window = int(settings.MOTCUA_READ_AFTER_WRITE_SECONDS)
    if window <= 0 or WROTE_COOKIE not in request.COOKIES:
        return False
    value = request.get_signed_cookie(WROTE_COOKIE, default=None, salt=_WROTE_SALT, max_age=window)
    return value is not None


class ReadAfterWriteMiddleware:
    """After a successful write, the same client reads from the primary for
    ``MOTCUA_READ_AFTER_WRITE_SECONDS``: a signed, timestamped cookie marks it. Does nothing
    when no replica is configured."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_configured():
            return self.get_response(request)
        pinned = _pinned.set(_wrote_recently(request))
        try:
            response = self.get_response(request)
        finally:
            _pinned.reset(pinned)
        window = int(settings.MOTCUA_READ_AFTER_WRITE_SECONDS)
        if request.method not in SAFE_METHODS and response.status_code < 400 and window > 0:
            response.set_signed_cookie(
                WROTE_COOKIE,
                "1",
                salt=_WROTE_SALT,
                max_age=window,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
