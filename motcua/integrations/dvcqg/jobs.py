"""Scheduled jobs of the national portal integration (``motcua run-job NAME``)."""

from __future__ import annotations

import datetime as dt

from motcua.integrations.dvcqg.client import sync_enabled


def national_reconcile(*, now: dt.datetime) -> int:
    """Nightly: reconcile the recent dossiers with the portal; returns how many were resent."""
    if not sync_enabled():
        return 0
    from motcua.integrations.dvcqg.reconcile import national_reconcile_run

    return len(national_reconcile_run(now=now).fixed)
