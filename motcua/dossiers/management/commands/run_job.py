import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from motcua.dossiers.jobs import supplement_expiry
from motcua.feedback.jobs import feedback_reminders

JOBS = {
    "supplement-expiry": supplement_expiry,
    "feedback-reminders": feedback_reminders,
}


class Command(BaseCommand):
    help = (
        "Run one scheduled job now: supplement-expiry (refuse or list dossiers whose "
        "supplement deadline passed), feedback-reminders (remind units of feedback deadlines)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("job", help=", ".join(JOBS))
        parser.add_argument(
            "--now", help="the moment the job runs for (ISO 8601 with offset; default: now)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        job = JOBS.get(options["job"])
        if job is None:
            raise CommandError(
                f"unknown job {options['job']!r}; jobs: {', '.join(JOBS)}", returncode=2
            )
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
        done = job(now=now)
        self.stdout.write(f"{options['job']}: {done}")
