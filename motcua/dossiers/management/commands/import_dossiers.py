import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import OperationalError

from motcua.dossiers.importer import ImportResult, import_dossiers, read_lines


class Command(BaseCommand):
    help = "Replay historical dossiers from a JSON Lines file (CONTRACT.md §5)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--progress-every", type=int, default=1000)
        parser.add_argument(
            "--batch",
            type=int,
            default=None,
            help="lines per transaction (default: 500 on PostgreSQL, 1 on SQLite)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        if options["batch"] is not None and options["batch"] < 1:
            raise CommandError("--batch: at least 1 line per transaction", returncode=2)

        def progress(line: int, result: ImportResult) -> None:
            rate = line / max(time.monotonic() - started, 1e-9)
            self.stderr.write(
                f"… dòng {line}: {result.imported} nhập, {result.skipped} đã có, "
                f"{result.failed} lỗi ({rate:.0f} dòng/giây)"
            )

        try:
            # Bytes: each line is decoded alone, so a line that is not UTF-8 is refused with
            # its number and the lines after it still import.
            handle = open(options["file"], "rb")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"{options['file']}: {exc.strerror}") from exc
        with handle:
            try:
                result = import_dossiers(
                    read_lines(handle),
                    progress=progress,
                    progress_every=max(1, options["progress_every"]),
                    on_error=self.stderr.write,
                    batch=options["batch"],
                )
            except IsADirectoryError as exc:
                raise CommandError(f"{options['file']}: is a directory") from exc
            except OperationalError as exc:
                raise CommandError(
                    f"the database stayed busy past its timeout ({exc}); the lines imported "
                    "so far are kept: run the same command again to import the rest"
                ) from exc
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"{result.imported} dossiers imported, {result.skipped} already there, "
            f"{result.failed} lines refused, in {elapsed:.1f} s"
        )
        if result.failed:
            sys.exit(1)
