"""Scheduled jobs: each slot runs once however many workers' clocks fire it; a job run by
hand says what it did; ``motcua status`` tells the truth about the queue."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from motcua.outbox.channels import PermanentError, register_channel
from motcua.outbox.delivery import deliver
from motcua.outbox.models import ScheduledRun, WorkerHeartbeat
from motcua.outbox.scheduler import job_claim, job_fire, job_run, jobs_all
from motcua.outbox.services import outbox_enqueue
from motcua.outbox.status import status_collect

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_every_background_job_is_registered() -> None:
    names = {job.name for job in jobs_all()}
    assert {"outbox-sweep", "reminders", "clean-uploads", "prune-tasks"} <= names


@pytest.mark.django_db
def test_a_slot_is_claimed_once_whatever_the_number_of_clocks() -> None:
    now = timezone.now()
    first = job_claim("reminders", now=now)
    assert first is not None
    assert job_claim("reminders", now=now + dt.timedelta(hours=1)) is None  # same day
    assert job_claim("reminders", now=now + dt.timedelta(days=1)) is not None
    assert job_claim("outbox-sweep", now=now) is not None
    assert job_claim("outbox-sweep", now=now + dt.timedelta(minutes=1)) is not None


@pytest.mark.django_db
@override_settings(TASKS=DB_TASKS)
def test_two_clocks_firing_one_slot_queue_one_task(
    django_capture_on_commit_callbacks: Any,
) -> None:
    assert job_fire("outbox-sweep")
    assert not job_fire("outbox-sweep")
    assert DBTaskResult.objects.filter(task_path__endswith="run_job").count() == 1


@pytest.mark.django_db
def test_a_job_run_records_its_result() -> None:
    run = job_claim("outbox-sweep")
    assert run is not None
    assert job_run(name="outbox-sweep", run_id=run.pk) == 0
    run.refresh_from_db()
    assert run.result == 0
    assert run.finished_at is not None


@pytest.mark.django_db
def test_run_job_command_lists_and_runs_jobs(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("run_job")
    assert "reminders" in capsys.readouterr().out
    call_command("run_job", "outbox-sweep", "--once")
    assert capsys.readouterr().out.strip() == "outbox-sweep: 0"
    call_command("run_job", "outbox-sweep", "--once")
    assert "already ran" in capsys.readouterr().out
    assert ScheduledRun.objects.filter(job="outbox-sweep").count() == 1


@pytest.mark.django_db
@override_settings(TASKS=DB_TASKS)
def test_status_is_healthy_with_a_live_worker_and_an_empty_queue(
    capsys: pytest.CaptureFixture[str],
) -> None:
    WorkerHeartbeat.objects.create(name="w1", host="may-chu", pid=1)
    status = status_collect()
    assert status.healthy, status.problems
    call_command("status", "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["healthy"] is True
    assert report["queue"]["backend"] == "database"


@pytest.mark.django_db
@override_settings(TASKS=DB_TASKS, MOTCUA_STATUS_STUCK_SECONDS=60)
def test_status_says_unhealthy_when_the_queue_is_stuck_or_rows_are_dead(
    django_capture_on_commit_callbacks: Any,
) -> None:
    register_channel("status-test", lambda m: (_ for _ in ()).throw(PermanentError("hỏng")))
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox_enqueue(channel="status-test", payload={})
    DBTaskResult.objects.update(enqueued_at=timezone.now() - dt.timedelta(minutes=10))
    status = status_collect()
    assert not status.healthy
    assert any("hàng đợi bị tắc" in p for p in status.problems)
    assert any("không có tiến trình nền" in p for p in status.problems)
    deliver(message.pk)
    status = status_collect()
    assert any("status-test: 1 tin không gửi được" in p for p in status.problems)
    with pytest.raises(SystemExit) as exit_info:
        call_command("status")
    assert exit_info.value.code == 1
