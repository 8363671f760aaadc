"""``motcua national-sim``: the STAND-IN of the national portal, for the demo and tests.

It is clearly not the national portal: it says so on every answer and in its output.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Run a STAND-IN of the national public service portal (CỔNG DVCQG GIẢ LẬP) for the "
        "demo and tests. Not the national portal."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8090)
        parser.add_argument("--username", default="motcua")
        parser.add_argument("--password", default="matkhau-dvcqg")
        parser.add_argument("--agency", default="000.00.00.H99", help="the province's madonvi")
        parser.add_argument(
            "--session-seconds", type=float, default=1800, help="lifetime of a session"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from motcua.integrations.dvcqg.tests.standin import LABEL, StandIn

        if options["host"] not in {"127.0.0.1", "localhost", "::1"}:
            self.stderr.write("the stand-in listens on loopback addresses only")
            raise SystemExit(2)
        standin = StandIn(
            username=options["username"],
            password=options["password"],
            agency=options["agency"],
            session_seconds=options["session_seconds"],
        )
        try:
            standin.serve(options["host"], options["port"])
        except OSError as exc:
            self.stderr.write(f"cannot listen on {options['host']}:{options['port']}: {exc}")
            raise SystemExit(1) from exc
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write(
            f"{LABEL}\n"
            f"listening on {standin.url}\n"
            f"point MotCua at it with:\n"
            f"  MOTCUA_DVCQG_URL={standin.url} MOTCUA_DVCQG_USERNAME={options['username']} "
            f"MOTCUA_DVCQG_PASSWORD={options['password']} "
            f"MOTCUA_DVCQG_AGENCY={options['agency']}\n"
            f"what it holds: {standin.url}/_sim/state",
        )
        self.stdout.flush()
        stop.wait()
        standin.stop()
        self.stdout.write("stand-in stopped")
