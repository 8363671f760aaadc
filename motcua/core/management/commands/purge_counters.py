from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from motcua.core.jobs import purge_counters


class Command(BaseCommand):
    help = "Delete expired rate-limit and lockout counters (run hourly or daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = purge_counters(now=timezone.now())
        self.stdout.write(f"{count} expired counters deleted")
