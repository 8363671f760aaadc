"""Prometheus metrics (issue 17): request latency by route, and at every scrape the state of
the background queue, the outbox per channel, the national sync lag and the database
connections.

Under ``motcua serve`` (gunicorn, several worker processes) each process writes its samples
to ``PROMETHEUS_MULTIPROC_DIR`` (``run_server`` sets it to a folder of the data dir and
empties it at start), and ``/metrics`` adds them up, so one scrape sees the whole server.
``/metrics`` answers only to the addresses in ``MOTCUA_METRICS_ALLOWED`` (default: this
machine) or to ``Authorization: Bearer $MOTCUA_METRICS_TOKEN``.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

# Seconds: from a cached catalogue read to a slow export.
_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

REQUEST_SECONDS = Histogram(
    "motcua_http_request_duration_seconds",
    "Time to answer a request, by route (the URL pattern, never the path with its codes).",
    ["route", "method", "status"],
    buckets=_BUCKETS,
)


def _route(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return "/" + str(match.route).lstrip("^").rstrip("$") if match.route else match.view_name


class MetricsMiddleware:
    """Times every request; the label is the route pattern (``can-bo/ho-so/<str:code>/``)
    so dossier codes and phone digits never become label values."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        REQUEST_SECONDS.labels(
            route=_route(request),
            method=request.method if request.method in _METHODS else "other",
            status=f"{response.status_code // 100}xx",
        ).observe(time.perf_counter() - started)
        return response


_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


class StateCollector(Collector):
    """Read at scrape time from the database (``motcua status`` reads the same)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from motcua.outbox.status import status_collect

        status = status_collect()
        up = GaugeMetricFamily("motcua_database_up", "1 when the database answers.")
        up.add_metric([], 1.0 if status.database == "ok" else 0.0)
        yield up
        pending = GaugeMetricFamily("motcua_queue_pending", "Background tasks waiting.")
        pending.add_metric([], float(status.queue_pending))
        yield pending
        oldest = GaugeMetricFamily(
            "motcua_queue_oldest_pending_seconds", "Age of the oldest waiting task (0: none)."
        )
        oldest.add_metric([], float(status.queue_oldest_seconds or 0))
        yield oldest
        failed = GaugeMetricFamily("motcua_queue_failed", "Background tasks that failed.")
        failed.add_metric([], float(status.queue_failed))
        yield failed
        workers = GaugeMetricFamily("motcua_workers", "Worker processes seen in the last minute.")
        workers.add_metric([], float(len(status.workers)))
        yield workers
        outbox = GaugeMetricFamily(
            "motcua_outbox_messages",
            "Outbox messages by channel and state.",
            labels=["channel", "state"],
        )
        lag = GaugeMetricFamily(
            "motcua_outbox_oldest_pending_seconds",
            "Age of the oldest message still to deliver, by channel (0: none).",
            labels=["channel"],
        )
        for channel in status.channels:
            for state in ("pending", "failing", "dead"):
                outbox.add_metric([channel.name, state], float(getattr(channel, state)))
            lag.add_metric([channel.name], float(channel.oldest_pending_seconds or 0))
        yield outbox
        yield lag
        national = GaugeMetricFamily(
            "motcua_national_sync_lag_seconds",
            "Age of the oldest update not yet accepted by the national portal (0: none).",
        )
        national.add_metric([], float(status.national_lag_seconds or 0))
        yield national
        if status.database == "ok":
            yield _connections()


def _connections() -> GaugeMetricFamily:
    """Open database connections: the server's own on PostgreSQL (pg_stat_activity of this
    database), this process's on SQLite."""
    family = GaugeMetricFamily(
        "motcua_database_connections", "Open connections to the database.", labels=["state"]
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COALESCE(state, 'unknown'), COUNT(*) FROM pg_stat_activity "
                "WHERE datname = current_database() GROUP BY 1"
            )
            for state, count in cursor.fetchall():
                family.add_metric([str(state)], float(count))
    else:
        family.add_metric(["open"], 1.0)
    return family


def _allowed(request: HttpRequest) -> bool:
    token = settings.MOTCUA_METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        return hmac.compare_digest(header[7:].strip(), token)
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(n, strict=False) for n in settings.MOTCUA_METRICS_ALLOWED
    )


def metrics_view(request: HttpRequest) -> HttpResponse:
    if request.method not in {"GET", "HEAD"}:
        return JsonResponse({"detail": "Chỉ đọc (GET)."}, status=405)
    if not _allowed(request):
        return JsonResponse({"detail": "Không được xem số đo của máy chủ."}, status=403)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        processes = CollectorRegistry()
        multiprocess.MultiProcessCollector(processes)
        output = generate_latest(processes)
    else:
        output = generate_latest(REGISTRY)  # one process (tests, the development server)
    state = CollectorRegistry()
    state.register(StateCollector())
    output += generate_latest(state)
    response = HttpResponse(output, content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
