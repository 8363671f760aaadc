"""What ``motcua status`` and the administrators' queue page show (CONTRACT.md §1): the
database, the task queue, the outbox per channel, the national sync lag, the workers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Min
from django.utils import timezone

from motcua.outbox.channels import channels_all
from motcua.outbox.models import MessageStatus, OutboxMessage, ScheduledRun, WorkerHeartbeat

WORKER_ALIVE_SECONDS = 60


@dataclass
class ChannelStatus:
    name: str
    label: str
    pending: int = 0
    failing: int = 0  # pending again after at least one failed attempt
    dead: int = 0
    delivered: int = 0
    oldest_pending_seconds: float | None = None


@dataclass
class Status:
    database: str = "ok"
    backend: str = ""
    queue_pending: int = 0
    queue_oldest_seconds: float | None = None
    queue_running: int = 0
    queue_failed: int = 0
    workers: list[dict[str, Any]] = field(default_factory=list)
    channels: list[ChannelStatus] = field(default_factory=list)
    national_lag_seconds: float | None = None
    national_configured: bool = False
    # Archive packages (issue 16): how many, how many not intact at their last check, when.
    archive_packages: int = 0
    archive_bad: int = 0
    archive_checked_at: dt.datetime | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.problems


def _age(since: dt.datetime | None, now: dt.datetime) -> float | None:
    return None if since is None else max(0.0, (now - since).total_seconds())


def _queue_database(status: Status, now: dt.datetime) -> None:
    from django_tasks_db.models import DBTaskResult

    status.backend = "database"
    ready = DBTaskResult.objects.ready()  # due now: deferred tasks count from their time
    status.queue_pending = ready.count()
    since = None
    for enqueued, run_after in ready.order_by("enqueued_at").values_list(
        "enqueued_at", "run_after"
    )[:200]:
        waiting_from = (
            enqueued if run_after is None or run_after.year > 9000 else max(enqueued, run_after)
        )
        since = waiting_from if since is None else min(since, waiting_from)
    status.queue_oldest_seconds = _age(since, now)
    status.queue_running = DBTaskResult.objects.filter(status="RUNNING").count()
    status.queue_failed = DBTaskResult.objects.filter(
        status="FAILED", finished_at__gte=now - dt.timedelta(days=1)
    ).count()


def _queue_redis(status: Status, now: dt.datetime) -> None:
    import django_rq

    status.backend = "redis"
    queue = django_rq.get_queue("default")
    status.queue_pending = queue.count
    jobs = queue.get_jobs(0, 0)
    if jobs and jobs[0].enqueued_at is not None:
        enqueued = jobs[0].enqueued_at
        if timezone.is_naive(enqueued):
            enqueued = enqueued.replace(tzinfo=dt.UTC)
        status.queue_oldest_seconds = _age(enqueued, now)
    status.queue_running = queue.started_job_registry.count
    status.queue_failed = queue.failed_job_registry.count


def status_collect(*, now: dt.datetime | None = None) -> Status:
    now = now or timezone.now()
    status = Status()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        status.database = f"không kết nối được: {type(exc).__name__}"
        status.problems.append("cơ sở dữ liệu không kết nối được")
        return status
    try:
        if settings.MOTCUA_TASKS_URL:
            _queue_redis(status, now)
        else:
            _queue_database(status, now)
    except Exception as exc:
        status.problems.append(f"hàng đợi không đọc được ({type(exc).__name__})")
    stuck = settings.MOTCUA_STATUS_STUCK_SECONDS
    if status.queue_oldest_seconds is not None and status.queue_oldest_seconds > stuck:
        status.problems.append(
            f"hàng đợi bị tắc: việc chờ lâu nhất đã {int(status.queue_oldest_seconds)} giây"
        )
    alive = now - dt.timedelta(seconds=WORKER_ALIVE_SECONDS)
    status.workers = [
        dict(row)
        for row in WorkerHeartbeat.objects.filter(seen_at__gte=alive).values(
            "name", "host", "pid", "concurrency", "seen_at"
        )
    ]
    if not status.workers and status.queue_pending:
        status.problems.append("không có tiến trình nền nào đang chạy (motcua worker)")
    rows = (
        OutboxMessage.objects.exclude(status=MessageStatus.DISCARDED)
        .values("channel", "status")
        .annotate(n=Count("id"), oldest=Min("created_at"))
    )
    failing = dict(
        OutboxMessage.objects.filter(status=MessageStatus.PENDING, attempts__gt=0)
        .values_list("channel")
        .annotate(n=Count("id"))
    )
    by_name = {c.name: ChannelStatus(c.name, c.label) for c in channels_all()}
    for row in rows:
        ch = by_name.setdefault(row["channel"], ChannelStatus(row["channel"], row["channel"]))
        if row["status"] in (MessageStatus.PENDING, MessageStatus.SENDING):
            ch.pending += row["n"]
            age = _age(row["oldest"], now)
            if age is not None:
                ch.oldest_pending_seconds = max(ch.oldest_pending_seconds or 0, age)
        elif row["status"] == MessageStatus.DEAD:
            ch.dead += row["n"]
        elif row["status"] == MessageStatus.DELIVERED:
            ch.delivered += row["n"]
    for name, n in failing.items():
        if name in by_name:
            by_name[name].failing = n
    status.channels = sorted(by_name.values(), key=lambda c: c.name)
    for ch in status.channels:
        if ch.dead:
            status.problems.append(f"kênh {ch.label}: {ch.dead} tin không gửi được")
    last_check = ScheduledRun.objects.filter(job="check-stats", finished_at__isnull=False).first()
    if last_check is not None and last_check.result:
        status.problems.append(
            f"số liệu thống kê lệch {last_check.result} chỗ so với tính lại (motcua check-stats)"
        )
    _archive(status)
    status.national_configured = bool(getattr(settings, "MOTCUA_DVCQG_URL", ""))
    national = by_name.get("dvcqg")
    if national is not None:
        status.national_lag_seconds = national.oldest_pending_seconds or 0.0
    return status


def _archive(status: Status) -> None:
    """The archive packages and the last integrity re-check (docs/archive.md)."""
    from django.db.models import Max, Q

    from motcua.archive.models import ArchivePackage

    agg = ArchivePackage.objects.aggregate(
        n=Count("id"), bad=Count("id", filter=Q(verified_ok=False)), at=Max("verified_at")
    )
    status.archive_packages = int(agg["n"] or 0)
    status.archive_bad = int(agg["bad"] or 0)
    status.archive_checked_at = agg["at"]
    if status.archive_bad:
        status.problems.append(
            f"lưu trữ: {status.archive_bad} gói không còn toàn vẹn (motcua archive verify)"
        )
