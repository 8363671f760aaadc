from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from motcua.procedures.jobs import procedure_popularity_refresh


class Command(BaseCommand):
    help = "Count each procedure's dossiers of the last year (search puts the most used first)."

    def handle(self, *args: Any, **options: Any) -> None:
        changed = procedure_popularity_refresh(now=timezone.now())
        self.stdout.write(f"{changed} thủ tục được cập nhật số hồ sơ trong năm")
