"""The outbox (CONTRACT.md §7): a row per message in the event's transaction, delivered at
least once with backoff, dead after its attempts, ordered per dossier where the channel
needs it, and never lost when a worker dies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from motcua.dossiers.services import dossier_intake
from motcua.dossiers.tests.conftest import APPLICANT, Province, province  # noqa: F401
from motcua.outbox.channels import PermanentError, RetryableError, register_channel
from motcua.outbox.delivery import backoff, deliver, deliver_due, scrub, sweep
from motcua.outbox.models import MessageStatus, OutboxMessage
from motcua.outbox.services import outbox_discard, outbox_enqueue, outbox_retry

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


class Receiver:
    """A remote system that records what it got and fails on demand."""

    def __init__(self) -> None:
        self.received: list[tuple[int, dict[str, Any]]] = []
        self.fail: Exception | None = None

    def __call__(self, message: OutboxMessage) -> None:
        if self.fail is not None:
            raise self.fail
        self.received.append((message.pk, message.payload))


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    register_channel("test", r, label="Kênh thử", max_attempts=3)
    register_channel("test-ordered", r, label="Kênh thử có thứ tự", max_attempts=3)
    with override_settings(TASKS=DUMMY_TASKS):
        yield r


def later(seconds: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(seconds=seconds)


@pytest.mark.django_db(transaction=True)
def test_a_message_exists_only_if_its_transaction_commits(receiver: Receiver) -> None:
    with transaction.atomic():
        outbox_enqueue(channel="test", payload={"n": 1})

    def failing_action() -> None:
        with transaction.atomic():
            outbox_enqueue(channel="test", payload={"n": 2})
            raise RuntimeError("the action failed")

    with pytest.raises(RuntimeError):
        failing_action()
    assert [m.payload for m in OutboxMessage.objects.all()] == [{"n": 1}]


@pytest.mark.django_db(transaction=True)
def test_with_the_database_queue_a_task_is_written_with_its_action(receiver: Receiver) -> None:
    """The delivery task's row is part of the action's transaction: it exists if and only if
    the action commits, and a worker never sees a task whose message is not there."""
    from django_tasks_db.models import DBTaskResult

    db_tasks = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    with override_settings(TASKS=db_tasks):
        with transaction.atomic():
            kept = outbox_enqueue(channel="test", payload={"n": 1})
            # Written already, before the commit, in the same transaction.
            assert DBTaskResult.objects.filter(args_kwargs__args=[kept.pk]).exists()

        def failing_action() -> None:
            with transaction.atomic():
                outbox_enqueue(channel="test", payload={"n": 2})
                raise RuntimeError("the action failed")

        with pytest.raises(RuntimeError):
            failing_action()
    assert [t.args_kwargs["args"] for t in DBTaskResult.objects.all()] == [[kept.pk]]
    assert list(OutboxMessage.objects.values_list("pk", flat=True)) == [kept.pk]


@pytest.mark.django_db
def test_delivery_marks_the_row_delivered_once(receiver: Receiver) -> None:
    message = outbox_enqueue(channel="test", payload={"n": 1})
    assert deliver(message.pk) == "delivered"
    assert deliver(message.pk) == "skipped"
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED
    assert message.attempts == 1
    assert receiver.received == [(message.pk, {"n": 1})]


@pytest.mark.django_db
def test_a_failing_receiver_is_retried_with_growing_delays_then_dead(receiver: Receiver) -> None:
    receiver.fail = RetryableError("máy chủ không trả lời")
    message = outbox_enqueue(channel="test", payload={"n": 1})
    assert deliver(message.pk) == "retry"
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING
    assert message.last_error == "máy chủ không trả lời"
    first_wait = message.next_attempt_at
    assert first_wait > timezone.now()
    # Not due yet: nothing happens.
    assert deliver(message.pk) == "skipped"
    assert deliver(message.pk, now=later(3600)) == "retry"
    message.refresh_from_db()
    assert message.next_attempt_at > first_wait
    assert deliver(message.pk, now=later(7200)) == "dead"
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.DEAD, 3)
    assert receiver.received == []


@pytest.mark.django_db
def test_a_permanent_error_is_dead_at_once(receiver: Receiver) -> None:
    receiver.fail = PermanentError("địa chỉ không tồn tại")
    message = outbox_enqueue(channel="test", payload={})
    assert deliver(message.pk) == "dead"


@pytest.mark.django_db
def test_an_unexpected_exception_counts_as_a_retryable_failure(receiver: Receiver) -> None:
    receiver.fail = ValueError("bad reply")
    message = outbox_enqueue(channel="test", payload={})
    assert deliver(message.pk) == "retry"
    message.refresh_from_db()
    assert message.last_error == "ValueError: bad reply"


@override_settings(MOTCUA_OUTBOX_BACKOFF_SECONDS=30, MOTCUA_OUTBOX_BACKOFF_MAX_SECONDS=3600)
def test_backoff_doubles_with_jitter_and_is_capped() -> None:
    for attempt, full in ((1, 30), (2, 60), (3, 120), (10, 3600), (30, 3600)):
        waits = [backoff(attempt).total_seconds() for _ in range(50)]
        assert all(full * 0.5 <= w <= full for w in waits)
        assert len(set(waits)) > 1  # jitter: rows failing together do not retry together


@pytest.mark.django_db
def test_dead_rows_can_be_retried_or_discarded(receiver: Receiver) -> None:
    receiver.fail = PermanentError("tạm hỏng")
    a = outbox_enqueue(channel="test", payload={"n": "a"})
    b = outbox_enqueue(channel="test", payload={"n": "b"})
    deliver(a.pk)
    deliver(b.pk)
    receiver.fail = None
    assert outbox_retry(message=a)
    assert outbox_discard(message=b)
    assert deliver(a.pk) == "delivered"
    b.refresh_from_db()
    assert b.status == MessageStatus.DISCARDED
    assert [p for _id, p in receiver.received] == [{"n": "a"}]
    assert not outbox_retry(message=b)


@pytest.mark.django_db
def test_ordered_rows_of_a_dossier_wait_for_the_earlier_ones(
    receiver: Receiver,
    province: Province,  # noqa: F811
) -> None:
    dossier, _ = dossier_intake(
        actor=province.users["desk"],
        procedure=province.procedure("1.001193"),
        unit=province.commune,
        channel="counter",
        applicant=APPLICANT,
    )
    first = outbox_enqueue(channel="test-ordered", payload={"n": 1}, dossier=dossier, ordered=True)
    second = outbox_enqueue(channel="test-ordered", payload={"n": 2}, dossier=dossier, ordered=True)
    receiver.fail = RetryableError("mất kết nối")
    assert deliver(first.pk) == "retry"
    receiver.fail = None
    # The second update may not overtake the first, whatever its own timing.
    assert deliver(second.pk) == "waiting"
    deliver_due(now=later(3600))
    assert [p["n"] for _id, p in receiver.received] == [1, 2]
    assert set(
        OutboxMessage.objects.filter(channel="test-ordered").values_list("status", flat=True)
    ) == {MessageStatus.DELIVERED}


@pytest.mark.django_db
def test_a_dead_ordered_row_holds_the_rest_until_discarded(
    receiver: Receiver,
    province: Province,  # noqa: F811
) -> None:
    dossier, _ = dossier_intake(
        actor=province.users["desk"],
        procedure=province.procedure("1.001193"),
        unit=province.commune,
        channel="counter",
        applicant=APPLICANT,
    )
    first = outbox_enqueue(channel="test-ordered", payload={"n": 1}, dossier=dossier, ordered=True)
    second = outbox_enqueue(channel="test-ordered", payload={"n": 2}, dossier=dossier, ordered=True)
    receiver.fail = PermanentError("bản ghi sai")
    assert deliver(first.pk) == "dead"
    receiver.fail = None
    assert deliver(second.pk) == "waiting"
    outbox_discard(message=first)
    assert deliver(second.pk) == "delivered"


@pytest.mark.django_db
def test_a_key_makes_a_second_enqueue_return_the_first_row(receiver: Receiver) -> None:
    a = outbox_enqueue(channel="test", payload={"n": 1}, key="nhac-viec:1:2027-03-01")
    b = outbox_enqueue(channel="test", payload={"n": 2}, key="nhac-viec:1:2027-03-01")
    assert a.pk == b.pk
    assert OutboxMessage.objects.count() == 1


@pytest.mark.django_db
def test_a_row_whose_worker_died_is_delivered_after_its_lease(receiver: Receiver) -> None:
    message = outbox_enqueue(channel="test", payload={"n": 1})
    # A worker claimed it and died: the row is "sending" with a lease.
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENDING, leased_until=later(60), attempts=1
    )
    assert sweep() == 0  # the lease still runs
    assert deliver(message.pk) == "skipped"
    sweep(now=later(120))
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING
    assert deliver(message.pk, now=later(121)) == "delivered"
    assert len(receiver.received) == 1


@pytest.mark.django_db
def test_the_sweeper_queues_rows_whose_task_never_ran(receiver: Receiver) -> None:
    from django_tasks import default_task_backend

    message = outbox_enqueue(channel="test", payload={"n": 1})
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=later(-600))
    default_task_backend.clear()  # type: ignore[attr-defined]
    assert sweep() == 1
    queued = default_task_backend.results  # type: ignore[attr-defined]
    assert [r.args for r in queued] == [[message.pk]]


def test_error_texts_keep_no_personal_data() -> None:
    text = scrub("550 <an.nguyen@example.vn> unknown; phone 0912345678, id 001099012345")
    assert "example.vn" not in text
    assert "0912345678" not in text
    assert "001099012345" not in text


@pytest.mark.django_db
def test_an_unknown_channel_is_refused_at_enqueue() -> None:
    with pytest.raises(ValueError, match="unknown outbox channel"):
        outbox_enqueue(channel="fax", payload={})
