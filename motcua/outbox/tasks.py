"""Background tasks (Django's tasks API through the ``django-tasks`` backport): the
database backend by default, a Redis queue (RQ) when ``MOTCUA_TASKS_URL`` is set."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import router, transaction
from django_tasks import task, task_backends
from django_tasks_db.backend import DatabaseBackend

logger = logging.getLogger(__name__)


def queue_with_commit(enqueue: Callable[[], object], what: str) -> None:
    """Hand work to the queue so that it exists exactly when the current transaction commits.

    With the database backend the task's row is written inside the transaction: it commits
    or rolls back with the event that caused it, and the request pays one commit instead of
    one per task. With any other backend (Redis) the task is queued after the commit; if the
    queue cannot take it then, ``what`` is logged and the caller's own recovery (the outbox
    sweeper, a form made on demand) takes over."""
    from django_tasks_db.models import DBTaskResult

    in_transaction = transaction.get_connection(router.db_for_write(DBTaskResult)).in_atomic_block
    if in_transaction and isinstance(task_backends["default"], DatabaseBackend):
        enqueue()  # a failure here is the database's: the whole action rolls back
        return

    def _after_commit() -> None:
        try:
            enqueue()
        except Exception:
            logger.warning("%s not queued now", what)

    transaction.on_commit(_after_commit)


@task()
def deliver_message(message_id: int) -> str:
    from motcua.outbox.delivery import deliver

    return deliver(message_id)


@task()
def run_job(name: str, run_id: int) -> int:
    from motcua.outbox.scheduler import job_run

    return job_run(name=name, run_id=run_id)


@task()
def call(path: str, kwargs: dict[str, object]) -> object:
    """Run a registered background function (``background_call``) with JSON arguments."""
    from motcua.outbox.scheduler import background_function

    return background_function(path)(**kwargs)
