"""``motcua check-stats``: compare the summary with a full recomputation; exit 1 on any
difference."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.reports.summary import stats_differences


class Command(BaseCommand):
    help = "So sánh số liệu tổng hợp với tính lại từ lịch sử hồ sơ; khác nhau thì thoát mã 1."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=50, help="Số khác biệt tối đa in ra")

    def handle(self, *args: Any, **options: Any) -> None:
        problems = stats_differences(limit=options["limit"])
        if problems:
            for line in problems:
                sys.stderr.write(line + "\n")
            sys.stderr.write("Số liệu tổng hợp KHÁC với tính lại từ lịch sử hồ sơ.\n")
            sys.exit(1)
        self.stdout.write("Số liệu tổng hợp khớp với tính lại từ lịch sử hồ sơ.")
