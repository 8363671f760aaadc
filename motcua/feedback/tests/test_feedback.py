"""Citizen feedback (CONTRACT.md §11) through the services and the API: the public form
with or without a dossier code, the status page, each handling step with its role and
its deadline on the working-time calendar, reminders, published answers, reactions, and
the counts indicators 5.1–5.3 read."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from rest_framework.test import APIClient

from motcua.dossiers import services as ds
from motcua.dossiers.tests.conftest import APPLICANT, PASSWORD, Province, local
from motcua.feedback import services as fs
from motcua.feedback.jobs import feedback_reminders
from motcua.feedback.models import Feedback, FeedbackStatus
from motcua.feedback.selectors import feedback_counts, feedback_on_time, feedback_status_as_of
from motcua.units.models import Unit

S = FeedbackStatus


def submit(**kw: Any) -> Feedback:
    values: dict[str, Any] = {
        "category": "regulation",
        "content": "Thủ tục yêu cầu quá nhiều bản sao giấy tờ.",
        "name": "Trần Thị Bình",
        "phone": "0912345678",
        "at": local(2026, 3, 2, 8, 0),  # a Monday
    }
    values.update(kw)
    return fs.feedback_submit(**values)


def client_for(username: str) -> APIClient:
    client = APIClient()
    token = APIClient().post(
        "/api/v1/auth/token", {"username": username, "password": PASSWORD}, format="json"
    )
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.json()['token']}")
    return client


# ---------------------------------------------------------------------------- receipt


def test_feedback_gets_a_code_unit_and_deadlines_on_the_calendar(province: Province) -> None:
    f = submit(unit_code=province.commune.code)
    assert f.code == "PAKN-260302-0001" and f.status == S.RECEIVED
    assert f.unit == province.commune
    assert f.refuse_due_at == local(2026, 3, 4, 8, 0)
    assert f.ask_more_due_at == local(2026, 3, 9, 8, 0)
    assert f.answer_due_at == local(2026, 3, 23, 8, 0)
    assert f.publish_due_at is None
    assert list(f.events.values_list("action", flat=True)) == ["receive"]
    assert submit().code == "PAKN-260302-0002"


def test_feedback_about_a_dossier_goes_to_its_unit_and_without_either_to_the_province(
    province: Province,
) -> None:
    d, _ = ds.dossier_intake(
        actor=province.users["desk2"],
        procedure=province.procedure("1.001193"),
        unit=province.commune2,
        channel="counter",
        applicant=APPLICANT,
        at=local(2026, 3, 2, 8, 0),
    )
    assert submit(dossier_code=d.code).unit == province.commune2
    assert submit().unit == Unit.objects.get(code=province.province.code)


def test_bad_feedback_gets_vietnamese_errors_per_field(province: Province) -> None:
    with pytest.raises(fs.FeedbackInvalid) as exc:
        submit(category="x", content="", name="", phone="12", dossier_code="KHONG-CO")
    errors = exc.value.errors
    assert set(errors) == {"category", "content", "name", "phone", "dossier_code"}
    assert errors["content"] == ["Vui lòng nhập nội dung phản ánh, kiến nghị."]
    assert not Feedback.objects.exists()
    with pytest.raises(fs.FeedbackInvalid) as exc:
        submit(phone="", email="")
    assert "phone" in exc.value.errors


# ---------------------------------------------------------------------------- handling


def test_handling_steps_with_roles_deadlines_and_history(province: Province) -> None:
    p = province
    f = submit(unit_code=p.commune.code)
    with pytest.raises(fs.FeedbackForbidden):
        fs.feedback_accept(feedback=f, actor=p.users["desk2"])
    f = fs.feedback_accept(feedback=f, actor=p.users["desk"], at=local(2026, 3, 2, 9, 0))
    f = fs.feedback_ask_more(
        feedback=f,
        actor=p.users["specialist"],
        question="Hồ sơ nào, ngày nào?",
        at=local(2026, 3, 3, 9, 0),
    )
    with pytest.raises(fs.FeedbackForbidden):
        fs.feedback_provide_info(feedback=f, verify="0000", reply="Hồ sơ khai sinh")
    f = fs.feedback_provide_info(
        feedback=f, verify="5678", reply="Hồ sơ khai sinh ngày 1/3", at=local(2026, 3, 4, 9, 0)
    )
    assert f.status == S.ACCEPTED and f.info_received_at == local(2026, 3, 4, 9, 0)
    with pytest.raises(fs.FeedbackForbidden):
        fs.feedback_assign(feedback=f, actor=p.users["desk"], assignee="specialist")
    f = fs.feedback_assign(feedback=f, actor=p.users["leader"], assignee="specialist")
    with pytest.raises(fs.FeedbackInvalid):
        fs.feedback_answer(feedback=f, actor=p.users["specialist"], answer="")
    f = fs.feedback_answer(
        feedback=f,
        actor=p.users["specialist"],
        answer="Chỉ cần một bản sao.",
        at=local(2026, 3, 6, 16, 0),
    )
    assert f.publish_due_at == local(2026, 3, 10, 16, 0)
    with pytest.raises(fs.FeedbackForbidden):
        fs.feedback_publish(feedback=f, actor=p.users["specialist"])
    f = fs.feedback_publish(feedback=f, actor=p.users["leader"], at=local(2026, 3, 9, 8, 0))
    with pytest.raises(fs.FeedbackConflict):
        fs.feedback_publish(feedback=f, actor=p.users["leader"])
    assert [e.action for e in f.events.order_by("seq")] == [
        "receive",
        "accept",
        "ask-more",
        "provide-info",
        "assign",
        "answer",
        "publish",
    ]
    assert feedback_on_time(f, as_of=local(2026, 12, 31, 0, 0))


def test_stale_version_is_a_conflict(province: Province) -> None:
    f = submit(unit_code=province.commune.code)
    with pytest.raises(fs.FeedbackConflict):
        fs.feedback_accept(feedback=f, actor=province.users["desk"], version=f.version + 1)


def test_on_time_is_judged_as_of_the_end_of_the_period(province: Province) -> None:
    p = province
    f = submit(unit_code=p.commune.code)
    f = fs.feedback_accept(feedback=f, actor=p.users["desk"], at=local(2026, 3, 2, 9, 0))
    # Open and within 15 working days at the end of the period: on time.
    assert feedback_on_time(f, as_of=local(2026, 3, 20, 23, 0))
    assert not feedback_on_time(f, as_of=local(2026, 3, 24, 0, 0))
    late = fs.feedback_answer(
        feedback=f, actor=p.users["specialist"], answer="Trả lời", at=local(2026, 3, 24, 9, 0)
    )
    # A period that ended before the late answer still reads the same.
    assert feedback_on_time(late, as_of=local(2026, 3, 20, 23, 0))
    assert feedback_status_as_of(late, local(2026, 3, 20, 23, 0)) == S.ACCEPTED
    assert not feedback_on_time(late, as_of=local(2026, 3, 31, 0, 0))

    slow_refusal = submit(unit_code=p.commune.code)
    slow_refusal = fs.feedback_refuse(
        feedback=slow_refusal,
        actor=p.users["desk"],
        reason="Không thuộc thẩm quyền",
        at=local(2026, 3, 4, 8, 1),
    )
    assert not feedback_on_time(slow_refusal, as_of=local(2026, 3, 31, 0, 0))


def test_counts_for_indicators_5_1_to_5_3(province: Province) -> None:
    p = province
    answered = submit(unit_code=p.commune.code)
    answered = fs.feedback_accept(
        feedback=answered, actor=p.users["desk"], at=local(2026, 3, 2, 9, 0)
    )
    answered = fs.feedback_answer(
        feedback=answered, actor=p.users["specialist"], answer="Trả lời", at=local(2026, 3, 3, 9, 0)
    )
    answered = fs.feedback_publish(
        feedback=answered, actor=p.users["leader"], at=local(2026, 3, 3, 10, 0)
    )
    fs.feedback_react(feedback=answered, client="a", liked=False)
    fs.feedback_react(feedback=answered, client="b", liked=False)
    fs.feedback_react(feedback=answered, client="c", liked=True)
    with pytest.raises(fs.FeedbackConflict):
        fs.feedback_react(feedback=answered, client="c", liked=True)
    submit(
        unit_code=p.commune.code,
        category="conduct",
        reopens_code=answered.code,
        at=local(2026, 3, 5, 8, 0),
    )
    submit(unit_code=p.commune2.code, category="other")
    refused = submit(unit_code=p.commune.code, category="other")
    fs.feedback_refuse(
        feedback=refused, actor=p.users["desk"], reason="Trùng lặp", at=local(2026, 3, 10, 8, 0)
    )

    counts = feedback_counts(
        units=Unit.objects.get(code=p.province.code).subtree(),
        start=local(2026, 3, 1, 0, 0),
        end=local(2026, 4, 1, 0, 0),
    )
    # On time at 1 April: only the answered one. Late: the refusal after 2 working days, and
    # the two still open beyond their 15 working days (due 23 and 26 March).
    assert counts == {
        "total": 4,
        "regulation": 1,
        "conduct": 1,
        "other": 2,
        "on_time": 1,
        "late": 3,
        "unsatisfied": 1,
        "raised_again": 1,
    }
    mid_march = feedback_counts(
        units=Unit.objects.get(code=p.province.code).subtree(),
        start=local(2026, 3, 1, 0, 0),
        end=local(2026, 3, 21, 0, 0),
    )
    # At 21 March the two open ones are still within their limits.
    assert (mid_march["on_time"], mid_march["late"]) == (3, 1)
    only_commune = feedback_counts(
        units=[p.commune.pk], start=local(2026, 3, 1, 0, 0), end=local(2026, 4, 1, 0, 0)
    )
    assert only_commune["total"] == 3


# ---------------------------------------------------------------------------- reminders


def test_reminders_go_once_per_limit_to_the_units_staff(province: Province) -> None:
    p = province
    for name in ("desk", "specialist", "leader"):
        p.users[name].email = f"{name}@xa.example.vn"
        p.users[name].save()
    f = submit(unit_code=p.commune.code)
    assert feedback_reminders(now=local(2026, 3, 2, 9, 0)) == 0
    # One working day before the refuse/accept limit (Wed 4 March 08:00).
    assert feedback_reminders(now=local(2026, 3, 3, 8, 0)) == 1
    assert feedback_reminders(now=local(2026, 3, 3, 9, 0)) == 0
    assert len(mail.outbox) == 1
    assert f.code in mail.outbox[0].subject
    assert sorted(mail.outbox[0].to) == [
        "desk@xa.example.vn",
        "leader@xa.example.vn",
        "specialist@xa.example.vn",
    ]
    fs.feedback_accept(feedback=f, actor=p.users["desk"], at=local(2026, 3, 3, 10, 0))
    assert feedback_reminders(now=local(2026, 3, 3, 10, 0)) == 0
    assert feedback_reminders(now=local(2026, 3, 20, 9, 0)) == 1  # answer due Mon 23 08:00


# ---------------------------------------------------------------------------- API


def test_public_api_submit_status_info_reaction_and_published_list(province: Province) -> None:
    public = APIClient()
    r = public.post(
        "/api/v1/feedback",
        {
            "category": "conduct",
            "content": "Cán bộ hẹn nhiều lần.",
            "name": "Lê Văn C",
            "phone": "0987654321",
            "unit": province.commune.code,
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    code = r.json()["code"]
    assert r.json()["status"] == "received"
    bad = public.post("/api/v1/feedback", {"category": "conduct"}, format="json")
    assert bad.status_code == 400 and "content" in bad.json()

    status = public.get(f"/api/v1/feedback/{code}").json()
    assert status["status"] == "received" and status["answer"] == ""
    assert "phone" not in status and "name" not in status
    assert public.get("/api/v1/feedback/PAKN-000000-0000").status_code == 404

    desk, leader = client_for("desk"), client_for("leader")
    assert (
        client_for("desk2")
        .post(f"/api/v1/feedback/{code}/accept", {"version": 1}, format="json")
        .status_code
        == 404
    )
    r = desk.post(
        f"/api/v1/feedback/{code}/ask-more",
        {"version": 1, "question": "Tên cán bộ?"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["status"] == "info_requested"
    assert public.get(f"/api/v1/feedback/{code}").json()["info_request"] == "Tên cán bộ?"
    r = public.post(
        f"/api/v1/feedback/{code}/info", {"verify": "4321", "reply": "Anh D"}, format="json"
    )
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    version = desk.get(f"/api/v1/feedback/{code}").json()["version"]
    r = client_for("specialist").post(
        f"/api/v1/feedback/{code}/answer",
        {"version": version, "answer": "Đã nhắc nhở cán bộ."},
        format="json",
    )
    assert r.status_code == 200
    r = desk.post(
        f"/api/v1/feedback/{code}/publish", {"version": r.json()["version"]}, format="json"
    )
    assert r.status_code == 403
    r = leader.post(f"/api/v1/feedback/{code}/publish", {"version": version + 1}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "published"
    assert public.get(f"/api/v1/feedback/{code}").json()["answer"] == "Đã nhắc nhở cán bộ."
    assert (
        public.post(f"/api/v1/feedback/{code}/reaction", {"liked": True}, format="json").status_code
        == 201
    )
    assert (
        public.post(
            f"/api/v1/feedback/{code}/reaction", {"liked": False}, format="json"
        ).status_code
        == 409
    )
    answers = public.get("/api/v1/feedback-answers").json()
    assert answers["count"] == 1 and answers["results"][0]["likes"] == 1
    history = desk.get(f"/api/v1/feedback/{code}/history").json()
    assert [e["action"] for e in history] == [
        "receive",
        "ask-more",
        "provide-info",
        "answer",
        "publish",
    ]
    listed = desk.get("/api/v1/feedback?status=published").json()
    assert [row["code"] for row in listed["results"]] == [code]
    assert public.get("/api/v1/feedback").status_code == 401


def test_feedback_submissions_are_rate_limited(province: Province, settings: Any) -> None:
    settings.MOTCUA_FEEDBACK_RATE = "2/min"
    public = APIClient()
    body = {
        "category": "other",
        "content": "Góp ý về giờ làm việc.",
        "name": "A",
        "email": "a@example.vn",
    }
    codes = [public.post("/api/v1/feedback", body, format="json").status_code for _ in range(3)]
    assert codes == [201, 201, 429]


def test_deadline_skips_weekends(province: Province) -> None:
    f = submit(at=local(2026, 3, 6, 16, 0))  # Friday afternoon
    assert f.refuse_due_at == local(2026, 3, 10, 16, 0)
    assert f.received_at + dt.timedelta(days=4) == f.refuse_due_at
