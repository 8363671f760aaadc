import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from motcua.outbox.scheduler import job_claim, job_get, job_run, jobs_all


class Command(BaseCommand):
    help = (
        "Run a scheduled job now. Sites that prefer cron to the worker's clock call this "
        "from cron; with --once a slot another worker already ran is skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", nargs="?", help="the job; without it, list the jobs")
        parser.add_argument(
            "--once", action="store_true", help="skip when this slot already ran elsewhere"
        )
        parser.add_argument(
            "--now", help="the moment the job runs for (ISO 8601 with offset; default: now)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"]
        if not name:
            for job in jobs_all():
                self.stdout.write(f"{job.name:<16} {job.label}")
            return
        if job_get(name) is None:
            known = ", ".join(j.name for j in jobs_all())
            raise CommandError(f"unknown job {name!r} (jobs: {known})", returncode=2)
        now = timezone.now()
        if options["now"]:
            try:
                now = dt.datetime.fromisoformat(options["now"])
            except ValueError:
                raise CommandError(
                    f"--now: {options['now']!r} is not an ISO 8601 time", returncode=2
                ) from None
            if now.tzinfo is None:
                raise CommandError(
                    "--now needs an offset, e.g. 2027-03-01T08:00:00+07:00", returncode=2
                )
        run_id = None
        if options["once"]:
            run = job_claim(name, now=now)
            if run is None:
                self.stdout.write(f"{name}: this slot already ran")
                return
            run_id = run.pk
        try:
            result = job_run(name=name, run_id=run_id, now=now)
        except Exception as exc:
            raise CommandError(f"{name} failed: {type(exc).__name__}: {exc}") from None
        self.stdout.write(f"{name}: {result}")
