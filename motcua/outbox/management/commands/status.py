import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.outbox.status import status_collect


def _seconds(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 120:
        return f"{value:.0f} s"
    if value < 7200:
        return f"{value / 60:.0f} min"
    return f"{value / 3600:.1f} h"


class Command(BaseCommand):
    help = (
        "Health of the site: database, background queue, outbox per channel, national sync "
        "lag, workers. Exit 1 when unhealthy (CONTRACT.md §1)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="machine-readable output")

    def handle(self, *args: Any, **options: Any) -> None:
        status = status_collect()
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "healthy": status.healthy,
                        "database": status.database,
                        "queue": {
                            "backend": status.backend,
                            "pending": status.queue_pending,
                            "oldest_pending_seconds": status.queue_oldest_seconds,
                            "running": status.queue_running,
                            "failed_last_day": status.queue_failed,
                        },
                        "workers": [
                            {**w, "seen_at": w["seen_at"].isoformat()} for w in status.workers
                        ],
                        "outbox": {
                            c.name: {
                                "pending": c.pending,
                                "failing": c.failing,
                                "dead": c.dead,
                                "delivered": c.delivered,
                                "oldest_pending_seconds": c.oldest_pending_seconds,
                            }
                            for c in status.channels
                        },
                        "national_sync_lag_seconds": status.national_lag_seconds,
                        "archive": {
                            "packages": status.archive_packages,
                            "not_intact": status.archive_bad,
                            "last_checked_at": status.archive_checked_at.isoformat()
                            if status.archive_checked_at
                            else None,
                        },
                        "problems": status.problems,
                    },
                    ensure_ascii=False,
                )
            )
        else:
            w = self.stdout.write
            w(f"database     {status.database}")
            w(
                f"queue        {status.backend}: {status.queue_pending} pending "
                f"(oldest {_seconds(status.queue_oldest_seconds)}), {status.queue_running} "
                f"running, {status.queue_failed} failed in the last day"
            )
            w(f"workers      {len(status.workers)} alive")
            for worker in status.workers:
                w(f"  {worker['name']} ({worker['concurrency']} processes)")
            w("outbox       channel: pending / failing / dead / delivered")
            for c in status.channels:
                w(
                    f"  {c.name:<10} {c.pending} / {c.failing} / {c.dead} / {c.delivered}"
                    f"  (oldest pending {_seconds(c.oldest_pending_seconds)})"
                )
            if status.national_configured:
                w(f"national     sync lag {_seconds(status.national_lag_seconds)}")
            else:
                w("national     sync off (MOTCUA_DVCQG_URL is empty)")
            checked = (
                status.archive_checked_at.isoformat(timespec="minutes")
                if status.archive_checked_at
                else "never"
            )
            w(
                f"archive      {status.archive_packages} packages, {status.archive_bad} not "
                f"intact (last checked {checked})"
            )
            if status.problems:
                w("UNHEALTHY:")
                for problem in status.problems:
                    w(f"  - {problem}")
            else:
                w("healthy")
        if not status.healthy:
            sys.exit(1)
