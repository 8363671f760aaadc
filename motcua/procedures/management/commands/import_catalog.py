from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.procedures.catalog import CatalogError, catalog_import_file


class Command(BaseCommand):
    help = "Import units, fields and procedures from a catalogue JSON file (CONTRACT.md §4)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = catalog_import_file(options["file"])
        except CatalogError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(f"{len(exc.errors)} error(s); nothing was imported") from exc
        self.stdout.write(report.summary())
