"""``motcua archive export --before DATE DIR`` and ``motcua archive verify DIR``
(CONTRACT.md §1, §10; docs/archive.md). Exit 0 success, 1 failure, 2 bad usage."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Archive packages of closed dossiers (BagIt, SHA-256): export, verify."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        exp = sub.add_parser("export", help="a package per dossier closed before DATE")
        exp.add_argument("--before", required=True, help="local date YYYY-MM-DD")
        exp.add_argument("directory", metavar="DIR")
        ver = sub.add_parser("verify", help="check every package under DIR")
        ver.add_argument("directory", metavar="DIR")

    def _usage(self, message: str) -> None:
        self.stderr.write(f"motcua archive: {message}")
        sys.exit(2)

    def handle(self, *args: Any, **options: Any) -> None:
        from motcua.archive.services import ArchiveError, archive_export, archive_verify

        directory = Path(options["directory"]).expanduser()
        if options["action"] == "export":
            try:
                before = dt.date.fromisoformat(options["before"])
            except ValueError:
                self._usage(f"--before: “{options['before']}” is not a date YYYY-MM-DD")
            if directory.exists() and not directory.is_dir():
                self._usage(f"{directory} is not a directory")
            try:
                report = archive_export(before=before, directory=directory)
            except OSError as exc:
                self.stderr.write(f"motcua archive: cannot write to {directory}: {exc.strerror}")
                sys.exit(1)
            for line in report.lines():
                self.stdout.write(line)
            for code, why in report.failed:
                self.stderr.write(f"{code}: FAILED — {why}")
            if report.failed:
                sys.exit(1)
            return
        if not directory.is_dir():
            self._usage(f"{directory}: no such directory")
        try:
            results = archive_verify(directory)
        except ArchiveError as exc:
            self.stderr.write(f"motcua archive: {exc}")
            sys.exit(1)
        bad = {name: problems for name, problems in results.items() if problems}
        for name, problems in results.items():
            if not problems:
                self.stdout.write(f"{name}: OK")
        for name, problems in bad.items():
            self.stderr.write(f"{name}: DOES NOT MATCH — {'; '.join(problems)}")
        self.stdout.write(f"{len(results)} packages, {len(bad)} not intact")
        if bad:
            sys.exit(1)
