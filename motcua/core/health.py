"""``/readyz``: whether this server can take traffic now (a load balancer or systemd asks).
``/healthz`` (the portal's) only says the process answers and reaches its database."""

from __future__ import annotations

import contextlib
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from motcua.core.replica import replica_configured, replica_status

_migrated = False  # once every migration is applied it stays so for this process


def _database() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _migrations() -> str:
    global _migrated
    if not _migrated:
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            return f"{len(plan)} bản cập nhật cơ sở dữ liệu chưa chạy (motcua migrate)"
        _migrated = True
    return "ok"


def _queue() -> str:
    if not settings.MOTCUA_TASKS_URL:
        return "ok"  # the database backend: the database check covers it
    import redis

    client = redis.Redis.from_url(settings.MOTCUA_TASKS_URL, socket_timeout=2)
    try:
        client.ping()
    finally:
        with contextlib.suppress(Exception):
            client.close()
    return "ok"


def _files() -> str:
    if getattr(settings, "MOTCUA_STORAGE_URL", ""):
        return "ok"  # object storage: checked by its own client on use
    media = settings.MEDIA_ROOT
    from pathlib import Path

    path = Path(media)
    path.mkdir(parents=True, exist_ok=True)
    probe = path / ".readyz"
    probe.write_bytes(b"")
    probe.unlink()
    return "ok"


CHECKS = {"database": _database, "migrations": _migrations, "queue": _queue, "files": _files}


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, Any] = {}
    for name, check in CHECKS.items():
        try:
            checks[name] = check()
        except Exception as exc:  # a check that fails is the answer, not a 500
            checks[name] = f"lỗi: {type(exc).__name__}"
        if name == "database" and checks[name] != "ok":
            break  # nothing else can be read without it
    ready = all(value == "ok" for value in checks.values()) and len(checks) == len(CHECKS)
    body: dict[str, Any] = {"status": "ready" if ready else "not ready", "checks": checks}
    if replica_configured():  # issue 17: informative only, the primary stands in for it
        body["replica"] = replica_status()
    response = JsonResponse(body, status=200 if ready else 503)
    response["Cache-Control"] = "no-store"
    return response
