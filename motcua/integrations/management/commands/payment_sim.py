"""``motcua payment-sim``: the STAND-IN of the national payment platform, for manual trials.

It is clearly not the platform and moves no money: it says so on its payment page and in
its output. Point MotCua at it with the environment it prints.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Run a STAND-IN of the national payment platform (NỀN TẢNG THANH TOÁN GIẢ LẬP) for "
        "manual trials. Not the platform; it moves no money."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8091)
        parser.add_argument("--merchant", default="MC-H99", help="the province's partner code")
        parser.add_argument("--secret", default="bi-mat-thu-nghiem", help="the shared MAC secret")

    def handle(self, *args: Any, **options: Any) -> None:
        from motcua.integrations.payments.standin import LABEL, StandIn

        stand_in = StandIn(merchant=options["merchant"], secret=options["secret"])
        try:
            stand_in.start(options["port"])
        except OSError as exc:
            self.stderr.write(f"cannot listen on 127.0.0.1:{options['port']}: {exc}")
            raise SystemExit(1) from exc
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write(
            f"{LABEL}\n"
            f"listening on {stand_in.url}\n"
            "point MotCua at it with:\n"
            f"  MOTCUA_PAYMENT_PROVIDER=national MOTCUA_PAYMENT_NATIONAL_URL={stand_in.url} "
            f"MOTCUA_PAYMENT_NATIONAL_MERCHANT={options['merchant']} "
            f"MOTCUA_PAYMENT_NATIONAL_SECRET={options['secret']}"
        )
        self.stdout.flush()
        stop.wait()
        stand_in.stop()
        self.stdout.write("stand-in stopped")
