"""``migrate`` that also creates the cache table the rate limits live in."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.commands.migrate import Command as DjangoMigrateCommand


class Command(DjangoMigrateCommand):
    help = "Create or upgrade the database (tables, then the cache table)."

    def handle(self, *args: Any, **options: Any) -> None:
        _private_data_dir()
        super().handle(*args, **options)
        call_command("createcachetable", database=options["database"], verbosity=0)
        _private_database()


def _private_data_dir() -> None:
    """The data dir exists (created when missing) and only its owner can read it."""
    data_dir = Path(settings.DATA_DIR)
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    data_dir.chmod(0o700)


def _private_database() -> None:
    """The embedded database file and its WAL side files: owner only."""
    config = settings.DATABASES["default"]
    if config["ENGINE"].endswith("sqlite3") and str(config["NAME"]) != ":memory:":
        for suffix in ("", "-wal", "-shm"):
            path = Path(f"{config['NAME']}{suffix}")
            if path.exists():
                path.chmod(0o600)
