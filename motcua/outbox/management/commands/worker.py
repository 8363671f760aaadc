import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.outbox.worker import Supervisor


class Command(BaseCommand):
    help = (
        "Run background workers: N worker processes of the task queue and the clock of the "
        "scheduled jobs (CONTRACT.md §7)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--concurrency", type=int, default=1, help="worker processes")
        parser.add_argument(
            "--no-scheduler", action="store_true", help="leave the scheduled jobs to another worker"
        )
        parser.add_argument("--parent-pid", type=int, default=None, help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        if not 1 <= options["concurrency"] <= 64:
            raise CommandError("--concurrency must be between 1 and 64")
        Supervisor(
            concurrency=options["concurrency"],
            scheduler=not options["no_scheduler"],
            parent_pid=options["parent_pid"],
        ).run()
