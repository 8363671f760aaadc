"""``motcua rebuild-stats``: recompute the statistics summary from the histories."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from motcua.reports.summary import stats_rebuild


class Command(BaseCommand):
    help = "Tính lại toàn bộ số liệu tổng hợp từ lịch sử hồ sơ."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        count = stats_rebuild(progress=lambda n: self.stdout.write(f"  {n} hồ sơ"))
        self.stdout.write(f"Đã tính lại từ {count} hồ sơ trong {time.monotonic() - started:.1f} s.")
