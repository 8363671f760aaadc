"""``migrate`` that also creates the cache table the rate limits live in."""

from typing import Any

from django.core.management import call_command
from django.core.management.commands.migrate import Command as DjangoMigrateCommand


class Command(DjangoMigrateCommand):
    help = "Create or upgrade the database (tables, then the cache table)."

    def handle(self, *args: Any, **options: Any) -> None:
        super().handle(*args, **options)
        call_command("createcachetable", database=options["database"], verbosity=0)
