import sys
from typing import Any

from django.core.management.base import BaseCommand

from motcua.dossiers.history import broken_dossiers
from motcua.dossiers.models import Dossier


class Command(BaseCommand):
    help = "Check every dossier's hash-chained history; exit 1 and list the broken ones."

    def handle(self, *args: Any, **options: Any) -> None:
        broken = 0
        for code, reason in broken_dossiers():
            broken += 1
            self.stdout.write(f"{code}\t{reason}")
        total = Dossier.objects.count()
        if broken:
            self.stderr.write(f"{broken} of {total} dossiers have a broken history")
            sys.exit(1)
        self.stdout.write(f"all {total} dossier histories are intact")
