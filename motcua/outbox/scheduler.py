"""Scheduled jobs without cron (CONTRACT.md §7): every ``motcua worker`` runs an APScheduler
clock that, at each slot of a job, inserts a ``ScheduledRun`` row and queues the job. The
row is unique per job and slot, so with several workers on several servers each slot runs
once. ``motcua run-job NAME`` runs a job by hand (or from cron, if a site prefers cron).

Apps register their jobs in ``AppConfig.ready`` with ``register_job``; a job is a function
``job(*, now) -> int`` returning how many things it did.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from motcua.outbox.models import ScheduledRun

logger = logging.getLogger(__name__)

JobFunction = Callable[..., int]


@dataclass(frozen=True)
class Job:
    name: str
    path: str  # dotted path of the function, so the task can import it in any process
    label: str
    # APScheduler cron fields in local time (Asia/Ho_Chi_Minh), e.g. {"minute": "*"}.
    cron: dict[str, Any] = field(default_factory=dict)
    # strftime of the slot a run belongs to: one run per minute, hour or day.
    slot_format: str = "%Y-%m-%dT%H:%M"


_jobs: dict[str, Job] = {}
_functions: set[str] = set()


def register_job(
    name: str, path: str, *, label: str, cron: dict[str, Any], slot_format: str = "%Y-%m-%dT%H:%M"
) -> None:
    _jobs[name] = Job(name, path, label, cron, slot_format)


def jobs_all() -> list[Job]:
    return sorted(_jobs.values(), key=lambda j: j.name)


def job_get(name: str) -> Job | None:
    return _jobs.get(name)


def register_background(path: str) -> None:
    """Allow ``background_call(path, ...)``: only registered functions run from the queue."""
    _functions.add(path)


def background_function(path: str) -> Callable[..., Any]:
    if path not in _functions:
        raise ValueError(f"{path} is not a registered background function")
    return import_string(path)


def background_call(path: str, **kwargs: Any) -> None:
    """Queue ``path(**kwargs)`` to run once the current transaction has committed (with the
    database queue, its task row is written in that transaction)."""
    from motcua.outbox.tasks import call, queue_with_commit

    if path not in _functions:
        raise ValueError(f"{path} is not a registered background function")
    # If the queue is down, the work is derived (a form, a cleanup) and is made again on
    # demand or by the next scheduled run.
    queue_with_commit(lambda: call.enqueue(path, kwargs), f"background call {path}")


def job_claim(name: str, *, now: dt.datetime | None = None) -> ScheduledRun | None:
    """The run of job ``name`` for the slot ``now`` falls in, or ``None`` when another
    worker already took that slot."""
    job = _jobs[name]
    now = now or timezone.now()
    slot = timezone.localtime(now).strftime(job.slot_format)
    try:
        with transaction.atomic():
            return ScheduledRun.objects.create(job=name, slot=slot, started_at=now)
    except IntegrityError:
        return None


def job_fire(name: str) -> bool:
    """Called by the clock at a job's slot: claim it and queue it."""
    from motcua.outbox.tasks import run_job

    run = job_claim(name)
    if run is None:
        return False
    try:
        run_job.enqueue(name, run.pk)
    except Exception:
        logger.warning("job %s not queued; running it in the clock's process", name)
        job_run(name=name, run_id=run.pk)
    return True


def job_run(*, name: str, run_id: int | None = None, now: dt.datetime | None = None) -> int:
    """Run a job now and record its result on its run row."""
    job = _jobs[name]
    func: JobFunction = import_string(job.path)
    try:
        result = int(func(now=now or timezone.now()))
    except Exception as exc:
        if run_id is not None:
            ScheduledRun.objects.filter(pk=run_id).update(
                finished_at=timezone.now(), error=f"{type(exc).__name__}: {exc}"[:1000]
            )
        raise
    if run_id is not None:
        ScheduledRun.objects.filter(pk=run_id).update(finished_at=timezone.now(), result=result)
    return result


def clock_start() -> Any:
    """Start the background clock of the scheduled jobs; returns the scheduler to stop."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.cron import CronTrigger

    scheduler = BackgroundScheduler(timezone="Asia/Ho_Chi_Minh")
    for job in jobs_all():
        scheduler.add_job(
            job_fire,
            CronTrigger(timezone="Asia/Ho_Chi_Minh", **job.cron),
            args=[job.name],
            id=job.name,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=300,
        )
    scheduler.start()
    return scheduler
