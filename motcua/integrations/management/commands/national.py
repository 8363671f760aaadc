"""``motcua national reconcile [--since DATE]`` and ``motcua national resend CODE...``
(CONTRACT §1, §8)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from motcua.dossiers.models import Dossier
from motcua.integrations.dvcqg.client import PortalError, sync_enabled


class Command(BaseCommand):
    help = "The national public service portal (DVCQG): reconcile, resend."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rec = sub.add_parser("reconcile", help="read back what the portal holds; resend diffs")
        rec.add_argument("--since", help="local date YYYY-MM-DD (default: 30 days ago)")
        res = sub.add_parser("resend", help="send dossiers again (dead rows first)")
        res.add_argument("codes", nargs="+", metavar="CODE")

    def handle(self, *args: Any, **options: Any) -> None:
        if not sync_enabled():
            raise CommandError("MOTCUA_DVCQG_URL is empty: the national sync is off.")
        if options["action"] == "reconcile":
            self._reconcile(options.get("since"))
        else:
            self._resend(options["codes"])

    def _reconcile(self, since_text: str | None) -> None:
        from motcua.integrations.dvcqg.reconcile import national_reconcile_run

        since = None
        if since_text:
            try:
                day = dt.date.fromisoformat(since_text)
            except ValueError as exc:
                raise CommandError(f"--since: “{since_text}” is not a date YYYY-MM-DD") from exc
            since = timezone.make_aware(dt.datetime.combine(day, dt.time()))
        try:
            report = national_reconcile_run(since=since)
        except PortalError as exc:
            raise CommandError(f"reconciliation stopped: {exc}") from exc
        for line in report.lines():
            self.stdout.write(line)

    def _resend(self, codes: list[str]) -> None:
        from motcua.integrations.dvcqg.sync import national_resend

        missing = [c for c in codes if not Dossier.objects.filter(code=c).exists()]
        if missing:
            raise CommandError("no such dossier: " + ", ".join(missing))
        for code in codes:
            with transaction.atomic():
                count = national_resend(dossier=Dossier.objects.get(code=code))
            self.stdout.write(f"{code}: {count} tin được gửi lại")
