"""``motcua worker``: N worker processes of the configured task backend, the clock of the
scheduled jobs, and a heartbeat. SIGINT or SIGTERM stops the children gracefully (each
finishes the task it is running); a child that dies is started again."""

from __future__ import annotations

import contextlib
import logging
import os
import select
import signal
import socket
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import timezone

from motcua.outbox.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10
STOP_GRACE_SECONDS = 30


def uses_redis() -> bool:
    return bool(settings.MOTCUA_TASKS_URL)


def _child_command(index: int, name: str) -> list[str]:
    base = [sys.executable, "-m", "motcua", "manage"]
    if uses_redis():
        return [
            *base,
            *("rqworker", "default", "--with-scheduler", "--name", f"{name}-{index}"),
            *("--job-class", "django_tasks_rq.Job"),
            *("--worker-class", "motcua.outbox.rq_worker.Worker"),
        ]
    return [
        *base,
        "db_worker",
        "--queue-name",
        "*",
        "--interval",
        str(settings.MOTCUA_WORKER_POLL_SECONDS),
        "--no-startup-delay",
        "--no-reload",
        "--worker-id",
        f"{name}-{index}"[:64],
        "--verbosity",
        "0",
    ]


def _lower_priority() -> None:
    """Background work yields the CPU to the web server on a shared box: the worker and its
    children (which inherit it) run at ``MOTCUA_WORKER_NICE``. During a burst of intakes the
    requests keep their pace and the receipts and e-mails follow in the gaps."""
    wanted = max(0, min(19, int(settings.MOTCUA_WORKER_NICE)))
    with contextlib.suppress(OSError, AttributeError):  # AttributeError: no os.nice (Windows)
        current = os.nice(0)
        if wanted > current:
            os.nice(wanted - current)


class Supervisor:
    def __init__(self, *, concurrency: int, scheduler: bool, parent_pid: int | None = None) -> None:
        self.concurrency = concurrency
        self.with_scheduler = scheduler
        self.parent_pid = parent_pid
        self.name = f"{socket.gethostname()}-{os.getpid()}"
        self.children: dict[int, subprocess.Popen[bytes]] = {}
        # A stop asked by a signal is a plain flag, and the signal's byte on a socket wakes
        # the waits below: a signal handler may not take a lock, and Event.set() takes one
        # (two SIGTERMs close together, one from the process group and one from `serve`,
        # could deadlock the supervisor on it).
        self.stop_asked = False
        self._wakeup, self._wakeup_write = socket.socketpair()
        self.clock: Any = None

    def _start_child(self, index: int) -> None:
        env = dict(os.environ)
        env["MOTCUA_WORKER_CHILD"] = "1"
        self.children[index] = subprocess.Popen(_child_command(index, self.name), env=env)

    def _heartbeat(self) -> None:
        try:
            close_old_connections()
            WorkerHeartbeat.objects.update_or_create(
                name=self.name,
                defaults={
                    "host": socket.gethostname(),
                    "pid": os.getpid(),
                    "seen_at": timezone.now(),
                    "concurrency": self.concurrency,
                },
            )
        except Exception:
            logger.warning("worker heartbeat not written (database unreachable)")

    def stop(self, *_: Any) -> None:
        self.stop_asked = True

    def _wait(self, seconds: float) -> bool:
        """Wait ``seconds``, or less when a stop is asked; True when stopping."""
        if not self.stop_asked:
            readable, _, _ = select.select([self._wakeup], [], [], seconds)
            if readable:
                with contextlib.suppress(BlockingIOError):
                    self._wakeup.recv(4096)
        return self.stop_asked

    def run(self) -> int:
        for end in (self._wakeup, self._wakeup_write):
            end.setblocking(False)
        signal.set_wakeup_fd(self._wakeup_write.fileno(), warn_on_full_buffer=False)
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        _lower_priority()
        connections.close_all()
        for index in range(self.concurrency):
            self._start_child(index)
        if self.with_scheduler:
            from motcua.outbox.scheduler import clock_start

            self.clock = clock_start()
        restarts = 0
        try:
            while not self.stop_asked:
                self._heartbeat()
                if self.parent_pid and os.getppid() != self.parent_pid:
                    logger.warning("the server that started this worker is gone; stopping")
                    break
                for index, child in list(self.children.items()):
                    if child.poll() is not None and not self.stop_asked:
                        restarts += 1
                        logger.warning("worker process %s exited; starting it again", index)
                        # Bounded: a child failing at once every time backs off; a stop
                        # asked meanwhile is not kept waiting.
                        if self._wait(min(30, restarts)):
                            break
                        self._start_child(index)
                self._wait(HEARTBEAT_SECONDS)
        finally:
            self._shutdown()
        return 0

    def _shutdown(self) -> None:
        if self.clock is not None:
            with contextlib.suppress(Exception):
                self.clock.shutdown(wait=False)
        for child in self.children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in self.children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        with contextlib.suppress(Exception):
            WorkerHeartbeat.objects.filter(name=self.name).delete()


def worker_process(*, concurrency: int = 1) -> subprocess.Popen[bytes]:
    """Start ``motcua worker`` beside a web server (``serve``, ``demo``); it stops by itself
    when this process is gone."""
    env = dict(os.environ)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "motcua",
            "worker",
            "--concurrency",
            str(concurrency),
            "--parent-pid",
            str(os.getpid()),
        ],
        env=env,
    )


def worker_stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_GRACE_SECONDS + 5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
