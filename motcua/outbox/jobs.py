"""Scheduled jobs of the outbox app itself."""

from __future__ import annotations

import datetime as dt

from django.conf import settings


def outbox_sweep(*, now: dt.datetime) -> int:
    from motcua.outbox.delivery import sweep

    return sweep(now=now)


def uploads_clean(*, now: dt.datetime) -> int:
    """What ``motcua clean-uploads`` does, daily: files of online submissions abandoned
    for a day."""
    from motcua.portal.wizard import wizard_files_sweep

    return wizard_files_sweep(older_than=dt.timedelta(hours=24))


def tasks_prune(*, now: dt.datetime) -> int:
    """Finished task results of the database backend are kept a week, then deleted."""
    if settings.MOTCUA_TASKS_URL:
        return 0
    from django_tasks_db.models import DBTaskResult

    cutoff = now - dt.timedelta(days=7)
    deleted, _ = DBTaskResult.objects.filter(
        status__in=["SUCCESSFUL", "FAILED"], finished_at__lt=cutoff
    ).delete()
    return deleted


def stats_check(*, now: dt.datetime) -> int:
    """Nightly: compare the statistics summary with a full recomputation (the heavy part of
    the statistics runs here, never in a request); returns the number of differences, which
    ``motcua status`` reports."""
    from motcua.reports.summary import stats_differences

    return len(stats_differences(limit=100))
