"""The scheduled integrity re-check of archive packages (weekly, ``archive-recheck``)."""

from __future__ import annotations

import datetime as dt


def archive_recheck(*, now: dt.datetime) -> int:
    from motcua.archive.services import archive_recheck as recheck

    return recheck(now=now)
