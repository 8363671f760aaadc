"""Background tasks (Django's tasks API through the ``django-tasks`` backport): the
database backend by default, a Redis queue (RQ) when ``MOTCUA_TASKS_URL`` is set."""

from __future__ import annotations

from django_tasks import task


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
