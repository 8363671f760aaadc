from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.core.backup import backup_create


class Command(BaseCommand):
    help = "Back up everything (database and files, with checksums) into PATH (.tar.gz)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")

    def handle(self, *args: Any, **options: Any) -> None:
        manifest = backup_create(options["path"])
        self.stdout.write(f"backup written to {manifest['path']} ({len(manifest['files'])} files)")
