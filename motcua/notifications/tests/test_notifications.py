"""What applicants and officers read in their messages: plain Vietnamese from the
administrators' templates, the dossier by its code and procedure, dates and money as
Vietnamese write them — never program data."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from motcua.dossiers.services import (
    dossier_extend,
    dossier_forward,
    dossier_intake,
    dossier_request_payment,
    dossier_request_supplement,
    dossier_resolve,
    dossier_return,
    dossier_supplement,
)
from motcua.dossiers.tests.conftest import APPLICANT, Province, local, province  # noqa: F401
from motcua.notifications.admin import NotificationTemplateForm
from motcua.notifications.jobs import reminders_send
from motcua.notifications.models import ContactPreference, NotificationTemplate
from motcua.notifications.services import vn_datetime, vn_money
from motcua.outbox.models import OutboxMessage

# Program data that must never reach a reader.
PROGRAM_DATA = re.compile(r"\('|\{'|\[\]|\bNone\b|\bTrue\b|\bFalse\b|\[\d|\{\{|\}\}|\{%")


def bodies(channel: str = "email") -> list[str]:
    rows = OutboxMessage.objects.filter(channel=channel).order_by("id")
    return [
        f"{r.payload.get('subject', '')}\n{r.payload.get('body', r.payload.get('text', ''))}"
        for r in rows
    ]


def walk(province: Province) -> Any:  # noqa: F811
    """A building permit through every step that tells the applicant something."""
    u = province.users
    at = local(2027, 3, 1, 8, 0)
    d, _ = dossier_intake(
        actor=province.users["dept_desk"],
        procedure=province.procedure("1.009972"),
        unit=province.department,
        channel="counter",
        applicant=APPLICANT,
        at=at,
    )
    d = dossier_request_supplement(
        dossier=d,
        actor=u["dept_desk"],
        items=["Bản vẽ thiết kế", "Giấy tờ về quyền sử dụng đất"],
        at=at + dt.timedelta(hours=1),
    )
    d = dossier_supplement(dossier=d, actor=u["dept_desk"], at=at + dt.timedelta(hours=2))
    d = dossier_forward(dossier=d, actor=u["dept_desk"], at=at + dt.timedelta(hours=3))
    d = dossier_request_payment(
        dossier=d, actor=u["dept_specialist"], amount=75000, at=at + dt.timedelta(hours=4)
    )
    from motcua.dossiers.services import dossier_confirm_payment

    d = dossier_confirm_payment(dossier=d, actor=u["dept_desk"], at=at + dt.timedelta(hours=5))
    d = dossier_extend(
        dossier=d,
        actor=u["dept_leader"],
        extended_due_at=local(2027, 4, 30, 17, 0),
        reason="Cần xác minh thực địa",
        at=at + dt.timedelta(hours=6),
    )
    d = dossier_forward(dossier=d, actor=u["dept_specialist"], at=at + dt.timedelta(hours=7))
    d = dossier_resolve(dossier=d, actor=u["dept_leader"], at=at + dt.timedelta(days=2))
    return dossier_return(
        dossier=d, actor=u["dept_desk"], method="counter", at=at + dt.timedelta(days=3)
    )


@pytest.mark.django_db
def test_every_message_of_a_dossier_reads_as_plain_vietnamese(
    province: Province,  # noqa: F811
) -> None:
    dossier = walk(province)
    texts = bodies()
    assert len(texts) == 6  # intake, supplement, payment, extension, result, return
    for text in texts:
        assert not PROGRAM_DATA.search(text), text
        assert dossier.code in text
        assert "Cấp giấy phép xây dựng nhà ở riêng lẻ" in text
        assert "Kính gửi Nguyễn Văn An" in text
    supplement = next(t for t in texts if "bổ sung" in t)
    assert "  - Bản vẽ thiết kế\n  - Giấy tờ về quyền sử dụng đất" in supplement
    assert "Số tiền phải nộp: 75.000 đồng" in next(t for t in texts if "nghĩa vụ" in t)
    assert "Ngày hẹn trả kết quả mới: 17:00 ngày 30/04/2027" in next(
        t for t in texts if "xin lỗi" in t
    )
    assert "trực tiếp tại bộ phận một cửa" in texts[-1]


@pytest.mark.django_db
def test_an_administrator_edits_a_template_and_the_next_message_uses_it(
    province: Province,  # noqa: F811
) -> None:
    row = NotificationTemplate.objects.get(key="intake", channel="email")
    row.subject = "Đã nhận hồ sơ {{ code }}"
    row.body = "Chào {{ applicant }}, hồ sơ {{ code }} hẹn trả {{ due }}."
    row.save()
    dossier_intake(
        actor=province.users["desk"],
        procedure=province.procedure("1.001193"),
        unit=province.commune,
        channel="counter",
        applicant=APPLICANT,
        at=local(2027, 3, 1, 8, 0),
    )
    (text,) = bodies()
    assert "Chào Nguyễn Văn An, hồ sơ" in text
    assert "hẹn trả 17:00 ngày 01/03/2027." in text


def test_a_broken_template_is_refused_in_the_admin_with_a_vietnamese_message() -> None:
    form = NotificationTemplateForm(
        data={
            "subject": "Hồ sơ {{ code|khong_co }}",
            "body": "{% if due %}thiếu endif",
            "active": True,
        }
    )
    assert not form.is_valid()
    errors = " ".join(form.non_field_errors())
    assert "Tiêu đề: mẫu viết sai cú pháp" in errors
    assert "Nội dung: mẫu viết sai cú pháp" in errors


@pytest.mark.django_db
@override_settings(MOTCUA_SMS_PROVIDER="sandbox")
def test_a_citizen_who_chose_sms_gets_an_sms_and_no_email(
    province: Province,  # noqa: F811
) -> None:
    citizen = province.users["citizen"]
    ContactPreference.objects.create(user=citizen, email=False, sms=True)
    dossier_intake(
        actor=citizen,
        procedure=province.procedure("1.001193"),
        unit=province.commune,
        channel="online",
        applicant=APPLICANT,
        applicant_user=citizen,
        as_citizen=True,
    )
    assert bodies("email") == []
    (sms,) = OutboxMessage.objects.filter(channel="sms")
    assert sms.payload["to"] == APPLICANT["phone"]
    assert not PROGRAM_DATA.search(sms.payload["text"])


@pytest.mark.django_db
def test_an_imported_history_tells_nobody(province: Province) -> None:  # noqa: F811
    from motcua.dossiers.importer import import_dossiers

    line = (
        '{"procedure": "1.001193", "unit": "000.01.01.T01", "channel": "counter", '
        '"applicant": {"kind": "citizen", "name": "Trần Thị Bình", "email": "b@example.vn"}, '
        '"received_at": "2027-03-01T08:15:00+07:00", "events": []}'
    )
    result = import_dossiers([(1, line)])
    assert result.imported == 1
    assert OutboxMessage.objects.count() == 0


def test_money_and_dates_as_vietnamese_write_them() -> None:
    assert vn_money(75000) == "75.000 đồng"
    assert vn_money(1250000) == "1.250.000 đồng"
    assert vn_datetime(local(2027, 3, 8, 16, 0)) == "16:00 ngày 08/03/2027"


@pytest.mark.django_db
def test_reminders_one_digest_per_officer_on_working_days_only(
    province: Province,  # noqa: F811
) -> None:
    user_model = get_user_model()
    user_model.objects.filter(username__in=["specialist", "leader"]).update(
        email="canbo@example.vn"
    )
    user_model.objects.filter(username="leader").update(email="lanhdao@example.vn")
    morning = local(2027, 3, 1, 8, 0)  # a Monday
    d, _ = dossier_intake(
        actor=province.users["desk"],
        procedure=province.procedure("1.001193"),  # same day: due 17:00 today
        unit=province.commune,
        channel="counter",
        applicant=APPLICANT,
        at=morning,
    )
    dossier_forward(dossier=d, actor=province.users["desk"], at=morning)
    OutboxMessage.objects.all().delete()  # keep only the reminders

    assert reminders_send(now=local(2027, 3, 6, 7, 0)) == 0  # Saturday: nothing
    assert reminders_send(now=morning) == 1
    assert reminders_send(now=morning) == 0  # one digest per person and day
    (digest,) = OutboxMessage.objects.all()
    assert digest.payload["to"] == ["canbo@example.vn"]
    assert d.code in digest.payload["body"]
    assert "hạn 17:00 ngày 01/03/2027" in digest.payload["body"]
    assert not PROGRAM_DATA.search(digest.payload["body"])

    # The next working day the dossier is overdue: the leader hears of it.
    assert reminders_send(now=local(2027, 3, 2, 7, 0)) == 1
    leader = OutboxMessage.objects.get(payload__to=["lanhdao@example.vn"])
    assert "1 hồ sơ quá hạn" in leader.payload["subject"]


@pytest.mark.django_db
def test_a_citizen_chooses_sms_on_their_account_page(province: Province) -> None:  # noqa: F811
    from django.test import Client

    client = Client()
    client.force_login(province.users["citizen"])
    page = client.get("/tai-khoan/thong-bao/")
    assert page.status_code == 200
    assert "Nhận thông báo qua tin nhắn SMS" in page.content.decode()
    response = client.post("/tai-khoan/thong-bao/", {"sms": "on"})
    assert response.status_code == 302
    pref = ContactPreference.objects.get(user=province.users["citizen"])
    assert (pref.email, pref.sms) == (False, True)
