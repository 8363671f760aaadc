"""Scheduled jobs of the core app (the lead wires them into the scheduler)."""

from __future__ import annotations

import datetime as dt

from motcua.core.ratelimit import counters_purge


def purge_counters(*, now: dt.datetime) -> int:
    """Delete rate-limit and lockout counters whose time has passed; how many."""
    return counters_purge(now=now.timestamp())
