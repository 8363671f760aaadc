import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.server import run_server
from motcua.outbox.worker import worker_process, worker_stop


class Command(BaseCommand):
    help = "Run the production server (gunicorn). Apply migrations first with `motcua migrate`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("MOTCUA_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("MOTCUA_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
        # Two threads a process: the request's waits on the database overlap, and the
        # processes, not threads fighting over one interpreter lock, share the cores
        # (bench/bench_intake.py: more requests a second than four threads a process).
        parser.add_argument("--threads", type=int, default=2)
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not start a background worker beside the server (run `motcua worker`)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.ALLOWED_HOSTS:
            raise CommandError(
                "MOTCUA_ALLOWED_HOSTS is empty: set it to the host names the site answers to"
            )
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1")
        call_command("check", deploy=settings.PRODUCTION, fail_level="ERROR")
        worker = None if options["no_worker"] else worker_process()
        try:
            run_server(
                host=options["host"],
                port=options["port"],
                workers=options["workers"],
                threads=options["threads"],
            )
        finally:
            if worker is not None:
                worker_stop(worker)
