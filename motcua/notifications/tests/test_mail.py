"""Mail never slows an action (CONTRACT.md §7): against a real SMTP server that is down,
then hangs, then comes back, every action succeeds at once and each message arrives exactly
once; a message the server refuses for good ends dead."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from motcua.dossiers.services import dossier_intake, dossier_request_supplement
from motcua.dossiers.tests.conftest import APPLICANT, Province, province  # noqa: F401
from motcua.notifications.tests.conftest import HangingServer, MailServer
from motcua.outbox.delivery import deliver_due
from motcua.outbox.models import MessageStatus, OutboxMessage

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
SMTP = "django.core.mail.backends.smtp.EmailBackend"


def later(minutes: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(minutes=minutes)


@pytest.fixture
def smtp_at() -> Any:
    """Point the e-mail channel at a port on this machine (a database task queue, as in
    production: the action only writes rows)."""

    def configure(port: int) -> Any:
        return override_settings(
            TASKS=DB_TASKS,
            MOTCUA_EMAIL_TRANSPORT=SMTP,
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_TIMEOUT=1,
            EMAIL_USE_TLS=False,
            MOTCUA_SMS_PROVIDER="",
        )

    return configure


def receive(province: Province, **applicant: str) -> Any:  # noqa: F811
    dossier, _ = dossier_intake(
        actor=province.users["desk"],
        procedure=province.procedure("1.001193"),
        unit=province.commune,
        channel="counter",
        applicant={**APPLICANT, **applicant},
    )
    return dossier


def email_rows() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(channel="email").order_by("id"))


@pytest.mark.django_db
def test_mail_server_down_then_back_delivers_each_message_once(
    province: Province,  # noqa: F811
    mail_server: MailServer,
    smtp_at: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with (
        smtp_at(mail_server.port),  # nothing listens there yet
        django_capture_on_commit_callbacks(execute=True),
    ):
        dossier = receive(province)
        dossier_request_supplement(
            dossier=dossier, actor=province.users["desk"], items=["Bản sao giấy chứng sinh"]
        )
    with smtp_at(mail_server.port):
        assert len(email_rows()) == 2  # the actions succeeded; their messages wait
        assert DBTaskResult.objects.count() >= 2  # handed to the task queue
        assert deliver_due() == {"retry": 2}
        assert {m.status for m in email_rows()} == {MessageStatus.PENDING}
        assert "không gửi được tới máy chủ thư" in email_rows()[0].last_error

        mail_server.start()
        assert deliver_due(now=later(60)) == {"delivered": 2}
        assert deliver_due(now=later(600)) == {}  # nothing is sent twice

    assert len(mail_server.messages) == 2
    subjects = sorted(m["Subject"] for m in mail_server.messages)
    assert all(dossier.code in s for s in subjects)
    ids = {m["Message-ID"] for m in mail_server.messages}
    assert ids == {f"<motcua-outbox-{row.pk}@motcua.local>" for row in email_rows()}
    # Delivered rows no longer hold the address or the text.
    assert all("to" not in row.payload and "body" not in row.payload for row in email_rows())


@pytest.mark.django_db
def test_a_hanging_mail_server_times_out_in_the_worker_not_in_the_action(
    province: Province,  # noqa: F811
    hanging_server: HangingServer,
    mail_server: MailServer,
    smtp_at: Any,
) -> None:
    with smtp_at(hanging_server.port):
        dossier = receive(province)
        # The action returned without opening any connection to the mail server.
        assert hanging_server.held == []
        assert deliver_due() == {"retry": 1}
        assert len(hanging_server.held) == 1
        assert "không trả lời sau 1 giây" in email_rows()[0].last_error
    mail_server.start()
    with smtp_at(mail_server.port):
        assert deliver_due(now=later(60)) == {"delivered": 1}
    assert [m["Subject"].strip() for m in mail_server.messages] == [
        f"Hồ sơ {dossier.code} đã được nhận"
    ]


@pytest.mark.django_db
def test_a_recipient_refused_for_good_is_dead_at_once(
    province: Province,  # noqa: F811
    mail_server: MailServer,
    smtp_at: Any,
) -> None:
    mail_server.rcpt_reply = "550 5.1.1 no such user"
    mail_server.start()
    with smtp_at(mail_server.port):
        receive(province, email="khong-co@example.vn")
        assert deliver_due() == {"dead": 1}
    row = email_rows()[0]
    assert row.status == MessageStatus.DEAD
    assert "example.vn" not in row.last_error


@pytest.mark.django_db
def test_a_poison_message_ends_dead_after_its_attempts(
    province: Province,  # noqa: F811
    mail_server: MailServer,
    smtp_at: Any,
) -> None:
    mail_server.rcpt_reply = "451 4.3.0 try again later"
    mail_server.start()
    with smtp_at(mail_server.port), override_settings(MOTCUA_EMAIL_MAX_ATTEMPTS=4):
        receive(province)
        row = email_rows()[0]
        outcomes = [deliver_due(now=later(minutes=90 * (i + 1))) for i in range(row.max_attempts)]
    assert outcomes[-1] == {"dead": 1}
    assert all(o == {"retry": 1} for o in outcomes[:-1])
    row.refresh_from_db()
    assert (row.status, row.attempts) == (MessageStatus.DEAD, row.max_attempts)
    assert mail_server.messages == []


@pytest.mark.django_db
def test_send_mail_goes_through_the_outbox(mail_server: MailServer, smtp_at: Any) -> None:
    """Every e-mail of the product (password reset, verification) takes the same road."""
    from django.core.mail import send_mail

    mail_server.start()
    with (
        smtp_at(mail_server.port),
        override_settings(EMAIL_BACKEND="motcua.notifications.mail.OutboxEmailBackend"),
    ):
        send_mail("Đặt lại mật khẩu", "Mở liên kết sau để đặt lại mật khẩu.", None, ["a@b.vn"])
        assert mail_server.messages == []
        assert deliver_due() == {"delivered": 1}
    assert mail_server.messages[0]["Subject"] == "Đặt lại mật khẩu"
    assert mail.outbox == []
