import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from motcua.core.server import run_server
from motcua.demo.loader import DEMO_PASSWORD, demo_accounts, demo_is_loaded, demo_load
from motcua.outbox.worker import worker_process, worker_stop


class Command(BaseCommand):
    help = "Create or migrate the database, load the demo data when empty, and serve the site."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("MOTCUA_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("MOTCUA_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--no-serve", action="store_true", help="prepare the database and stop")
        parser.add_argument(
            "--no-worker", action="store_true", help="do not start the background worker"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if not demo_is_loaded():
            self.stdout.write("Đang nạp dữ liệu mẫu (loading demo data)…")
            report = demo_load()
            self.stdout.write(report.summary())
        # issue 16: the labelled demo CA and a certificate per unit (cached in the data dir)
        from motcua.signing.demo import DEMO_CA_NAME, demo_certificates

        if demo_certificates():
            self.stdout.write(f"Chứng thư số thử nghiệm của các đơn vị: {DEMO_CA_NAME}")
        base = f"http://{options['host']}:{options['port']}"
        self.stdout.write("")
        self.stdout.write("MotCua demo")
        self.stdout.write(f"  Cổng dịch vụ công (portal):  {base}/")
        self.stdout.write(f"  Quản trị (admin):            {base}/admin/")
        self.stdout.write(f"  API docs:                    {base}/api/v1/docs")
        self.stdout.write(f"Tài khoản mẫu (demo accounts), mật khẩu / password: {DEMO_PASSWORD}")
        for account in demo_accounts():
            self.stdout.write(f"  {account.username:<16} {account.role:<11} {account.description}")
        if options["no_serve"]:
            return
        self.stdout.write("Nhấn Ctrl+C để dừng (Ctrl+C stops the server).")
        self.stdout.flush()
        worker = None if options["no_worker"] else worker_process()
        try:
            run_server(host=options["host"], port=options["port"], workers=options["workers"])
        finally:
            if worker is not None:
                worker_stop(worker)
