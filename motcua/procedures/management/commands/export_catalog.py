import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.procedures.catalog import catalog_export


class Command(BaseCommand):
    help = "Export the catalogue in the import format (FILE, or - for standard output)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        text = json.dumps(catalog_export(), ensure_ascii=False, indent=2) + "\n"
        if options["file"] == "-":
            sys.stdout.write(text)
            return
        with open(options["file"], "w", encoding="utf-8") as handle:
            handle.write(text)
        self.stdout.write(f"exported to {options['file']}")
