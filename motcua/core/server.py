"""Running the site under gunicorn, a production WSGI server."""

from __future__ import annotations

from typing import Any

from django.db import connections
from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from motcua.wsgi import application

        return application


def run_server(
    *, host: str, port: int, workers: int, threads: int = 4, quiet: bool = False
) -> None:
    """Serve until SIGINT or SIGTERM; gunicorn stops its workers cleanly on either."""
    connections.close_all()  # no connection may be shared with the forked workers
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "timeout": 60,
        "graceful_timeout": 10,
        "accesslog": None if quiet else "-",
        # Access logs carry paths only, never query strings (which may hold phone digits).
        "access_log_format": '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms',
        "errorlog": "-",
        "proc_name": "motcua",
    }
    _Gunicorn(options).run()
