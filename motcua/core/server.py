"""Running the site under gunicorn, a production WSGI server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # settings an older gunicorn lacks are skipped
                self.cfg.set(key, value)

    def load(self) -> Any:
        from motcua.wsgi import application

        return application


def run_server(
    *, host: str, port: int, workers: int, threads: int = 2, quiet: bool = False
) -> None:
    """Serve until SIGINT or SIGTERM; gunicorn stops its workers cleanly on either."""
    connections.close_all()  # no connection may be shared with the forked workers
    # WhiteNoise serves from the app directories; it only wants STATIC_ROOT to exist.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    options: dict[str, Any] = {
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
    if settings.MOTCUA_LOG_FORMAT == "json":
        # gunicorn's own logs (access lines, worker starts) as JSON too, masked.
        options["logconfig_dict"] = _gunicorn_logging()
    options["child_exit"] = _child_exit
    # Gunicorn 24+ opens a control socket at a fixed path in $HOME: two servers on one
    # machine (tests, several sites) would fight over it, and MotCua does not use it.
    options["control_socket_disable"] = True
    _Gunicorn(options).run()


def _child_exit(server: Any, worker: Any) -> None:
    import os

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # set by ``motcua serve`` (motcua/cli.py)
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def _gunicorn_logging() -> dict[str, Any]:
    from motcua.core.logs import logging_config

    config = logging_config("json", "INFO")
    config["root"]["level"] = settings.LOGGING["root"]["level"]
    config["loggers"] = {
        name: {"handlers": ["console"], "level": "INFO", "propagate": False}
        for name in ("gunicorn.error", "gunicorn.access")
    }
    return config
