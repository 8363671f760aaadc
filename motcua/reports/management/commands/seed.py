"""``motcua seed --dossiers N [--units M] [--years Y]``: generate a realistic history."""

from __future__ import annotations

import resource
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.reports.seed import seed_dossiers


class Command(BaseCommand):
    help = "Sinh dữ liệu mẫu nhiều năm (hồ sơ, lịch sử, số liệu tổng hợp) bằng ghi hàng loạt."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dossiers", type=int, required=True)
        parser.add_argument("--units", type=int, default=100)
        parser.add_argument("--years", type=int, default=3)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--prefix", default="S01", help="Hậu tố mã đơn vị của tỉnh mẫu")
        parser.add_argument("--batch", type=int, default=5000)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()

        def progress(n: int) -> None:
            if n % 100_000 < options["batch"]:
                rate = n / max(time.monotonic() - started, 1e-6)
                self.stdout.write(f"  {n} hồ sơ ({rate:.0f}/s)")

        result = seed_dossiers(
            dossiers=options["dossiers"],
            units=options["units"],
            years=options["years"],
            seed=options["seed"],
            prefix=options["prefix"],
            batch=options["batch"],
            progress=progress,
        )
        elapsed = time.monotonic() - started
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            f"Đã sinh {result.dossiers} hồ sơ, {result.events} sự kiện trong {elapsed:.1f} s "
            f"(bộ nhớ tối đa {rss:.0f} MB)."
        )
