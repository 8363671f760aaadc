import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.dossiers.models import ClockRule, SupplementClockSetting


class Command(BaseCommand):
    help = (
        "Show or set the clock rule on supplement (CONTRACT.md §3): `list`, or "
        "`set DATE restart|shift [--basis TEXT]` effective from DATE (a supplement made on "
        "or after DATE follows it)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("verb", choices=["list", "set"])
        parser.add_argument("date", nargs="?", help="YYYY-MM-DD (set)")
        parser.add_argument("rule", nargs="?", choices=ClockRule.values, help="restart or shift")
        parser.add_argument("--basis", default="", help="the decision that sets it")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verb"] == "set":
            if not options["date"] or not options["rule"]:
                raise CommandError("set needs DATE and RULE (restart or shift)", returncode=2)
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(
                    f"{options['date']!r} is not a date YYYY-MM-DD", returncode=2
                ) from None
            SupplementClockSetting.objects.update_or_create(
                effective_from=day,
                defaults={"rule": options["rule"], "legal_basis": options["basis"][:255]},
            )
        rows = SupplementClockSetting.objects.order_by("effective_from")
        if not rows:
            self.stdout.write("restart (default; no setting)")
        for row in rows:
            basis = f"  ({row.legal_basis})" if row.legal_basis else ""
            self.stdout.write(f"from {row.effective_from}: {row.rule}{basis}")
