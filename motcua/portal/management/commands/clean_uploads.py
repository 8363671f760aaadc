import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.portal.wizard import wizard_files_sweep


class Command(BaseCommand):
    help = "Delete files of online submissions abandoned before they were sent (run daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hours", type=int, default=24, help="age of abandoned files")

    def handle(self, *args: Any, **options: Any) -> None:
        removed = wizard_files_sweep(older_than=dt.timedelta(hours=max(1, options["hours"])))
        self.stdout.write(f"{removed} abandoned upload(s) deleted")
