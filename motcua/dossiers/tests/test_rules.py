"""Issue 13 rules on dossiers: the second supplement request is a leader's; the supplement
deadline (per request, per procedure, default) and its expiry job; the effective-dated
clock rule on supplement; withdrawal only before the result; corrected results."""

from __future__ import annotations

import copy
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

from motcua.dossiers import services as s
from motcua.dossiers.errors import ActionForbidden, ActionNotAllowed, DossierInvalid
from motcua.dossiers.jobs import supplement_expiry
from motcua.dossiers.models import Attachment, AttachmentKind, Dossier, Status
from motcua.dossiers.selectors import dossier_list
from motcua.forms.documents import form_render
from motcua.forms.selectors import dossier_events
from motcua.procedures.catalog import catalog_import

from .conftest import APPLICANT, CATALOG, Province, local
from .test_services import counter_intake, walk_to_last_step

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _with_procedure(**changes: Any) -> None:
    """Re-import the test catalogue with 2.000001 changed (a new procedure version)."""
    catalog = copy.deepcopy(CATALOG)
    for p in catalog["procedures"]:
        if p["code"] == "2.000001":
            p.update(changes)
    catalog_import(catalog)


def _in_processing(p: Province, at: Any = None) -> Dossier:
    d = counter_intake(p, at=at or local(2026, 3, 2, 8, 0))
    return s.dossier_forward(dossier=d, actor=p.users["desk"], at=local(2026, 3, 2, 9, 0))


# ---------------------------------------------------------------------------- second request


def test_second_supplement_request_needs_a_leader_and_is_flagged(province: Province) -> None:
    p = province
    d = _in_processing(p)
    d = s.dossier_request_supplement(
        dossier=d, actor=p.users["specialist"], items=["Bản vẽ"], at=local(2026, 3, 2, 10, 0)
    )
    d = s.dossier_supplement(dossier=d, actor=p.users["desk"], at=local(2026, 3, 3, 8, 0))
    assert "request-supplement" not in s.available_actions(d, p.users["specialist"])
    assert "request-supplement" in s.available_actions(d, p.users["leader"])
    with pytest.raises(ActionForbidden):
        s.dossier_request_supplement(
            dossier=d, actor=p.users["specialist"], items=["Bản sao"], at=local(2026, 3, 3, 9, 0)
        )
    d.refresh_from_db()
    assert d.status == Status.PROCESSING and d.supplement_count == 1

    d = s.dossier_request_supplement(
        dossier=d, actor=p.users["leader"], items=["Bản sao"], at=local(2026, 3, 3, 9, 0)
    )
    first, second = d.events.filter(action="request-supplement").order_by("seq")
    assert first.data["request_number"] == 1 and "repeated" not in first.data
    assert second.data["request_number"] == 2 and second.data["repeated"] is True
    # Form 02 of the second request says so.
    events = dossier_events(dossier=d)
    text = _pdf_text(form_render(d, "02", events, seq=second.seq))
    assert "lần thứ 2" in text
    assert "lần thứ" not in _pdf_text(form_render(d, "02", events, seq=first.seq))


def _pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


# ---------------------------------------------------------------------------- deadline


def test_supplement_deadline_comes_from_the_request_else_procedure_else_default(
    province: Province,
) -> None:
    p = province
    with override_settings(MOTCUA_SUPPLEMENT_DAYS=30):
        d = _in_processing(p)
        d = s.dossier_request_supplement(
            dossier=d, actor=p.users["specialist"], items=["A"], at=local(2026, 3, 2, 10, 0)
        )
        # 30 working days from Monday 2 March 10:00 (no holidays in the test calendar).
        assert d.supplement_due_at == local(2026, 4, 13, 10, 0)

    _with_procedure(supplement_days=3)
    d = _in_processing(p)
    d = s.dossier_request_supplement(
        dossier=d, actor=p.users["specialist"], items=["A"], at=local(2026, 3, 2, 10, 0)
    )
    assert d.supplement_due_at == local(2026, 3, 5, 10, 0)

    d = _in_processing(p)
    import datetime as dt

    d = s.dossier_request_supplement(
        dossier=d,
        actor=p.users["specialist"],
        items=["A"],
        deadline=dt.date(2026, 3, 20),
        at=local(2026, 3, 2, 10, 0),
    )
    assert d.supplement_due_at == local(2026, 3, 20, 17, 0)
    assert d.events.last().data["deadline"] == "2026-03-20"
    with pytest.raises(DossierInvalid) as exc:
        s.dossier_request_supplement(
            dossier=_in_processing(p),
            actor=p.users["specialist"],
            items=["A"],
            deadline=dt.date(2026, 3, 2),
            at=local(2026, 3, 2, 10, 0),
        )
    assert "deadline" in exc.value.errors


def test_expired_supplement_is_refused_with_form_03_when_the_procedure_says_so(
    province: Province,
) -> None:
    p = province
    _with_procedure(supplement_days=2, refuse_on_supplement_expiry=True)
    d = _in_processing(p)
    d = s.dossier_request_supplement(
        dossier=d, actor=p.users["specialist"], items=["A"], at=local(2026, 3, 2, 10, 0)
    )
    assert supplement_expiry(now=local(2026, 3, 4, 9, 59)) == 0
    assert supplement_expiry(now=local(2026, 3, 4, 10, 0)) == 1
    d.refresh_from_db()
    assert d.status == Status.REFUSED and d.closed_at == local(2026, 3, 4, 10, 0)
    last = d.events.last()
    assert last.action == "refuse" and last.actor_name == "system"
    assert last.data == {"reason": "Quá hạn bổ sung hồ sơ", "supplement_expired": True}
    assert "Quá hạn bổ sung hồ sơ" in _pdf_text(form_render(d, "03", dossier_events(dossier=d)))
    # Running again does nothing more.
    assert supplement_expiry(now=local(2026, 3, 5, 10, 0)) == 0


def test_expired_supplement_is_listed_for_desk_and_leader_otherwise(province: Province) -> None:
    p = province
    _with_procedure(supplement_days=2)
    d = _in_processing(p)
    d = s.dossier_request_supplement(
        dossier=d, actor=p.users["specialist"], items=["A"], at=local(2026, 3, 2, 10, 0)
    )
    now = local(2026, 3, 5, 8, 0)
    assert supplement_expiry(now=now) == 1
    assert supplement_expiry(now=now) == 0  # listed once
    d.refresh_from_db()
    assert d.status == Status.SUPPLEMENT_REQUESTED and d.supplement_expired_at == now
    for user in ("desk", "leader", "province_leader"):
        listed = dossier_list(user=p.users[user], supplement_overdue=True, now=now)
        assert list(listed.values_list("code", flat=True)) == [d.code]
    assert not dossier_list(user=p.users["desk2"], supplement_overdue=True, now=now).exists()
    # The applicant may still bring it; the listing ends.
    d = s.dossier_supplement(dossier=d, actor=p.users["desk"], at=local(2026, 3, 5, 9, 0))
    assert d.supplement_expired_at is None and d.supplement_due_at is None


def test_a_citizen_cannot_refuse_nor_can_the_desk_refuse_a_waiting_dossier(
    province: Province,
) -> None:
    p = province
    d = _in_processing(p)
    d = s.dossier_request_supplement(
        dossier=d, actor=p.users["specialist"], items=["A"], at=local(2026, 3, 2, 10, 0)
    )
    with pytest.raises(ActionForbidden):
        s.dossier_refuse(dossier=d, actor=p.users["desk"], reason="x", at=local(2026, 3, 3, 8))


def test_run_job_command_runs_supplement_expiry(province: Province) -> None:
    p = province
    _with_procedure(supplement_days=1, refuse_on_supplement_expiry=True)
    d = _in_processing(p)
    s.dossier_request_supplement(
        dossier=d, actor=p.users["specialist"], items=["A"], at=local(2026, 3, 2, 10, 0)
    )
    out = io.StringIO()
    call_command("run_job", "supplement-expiry", "--now", "2026-03-04T08:00:00+07:00", stdout=out)
    assert out.getvalue().strip() == "supplement-expiry: 1"
    d.refresh_from_db()
    assert d.status == Status.REFUSED


# ---------------------------------------------------------------------------- clock rule


def test_clock_rule_is_applied_by_the_date_of_the_supplement(province: Province) -> None:
    p = province
    call_command("supplement_clock", "set", "2026-03-10", "shift", stdout=io.StringIO())

    def waited(supplied_at: Any) -> Dossier:
        d = _in_processing(p)  # received Mon 2 March 08:00, due Mon 9 March 08:00
        d = s.dossier_request_supplement(
            dossier=d, actor=p.users["specialist"], items=["A"], at=local(2026, 3, 2, 10, 0)
        )
        return s.dossier_supplement(dossier=d, actor=p.users["desk"], at=supplied_at)

    # Before the setting takes effect: restart, the full 5 days from the supplement.
    before = waited(local(2026, 3, 9, 10, 0))
    assert before.due_at == local(2026, 3, 16, 10, 0)
    assert before.events.last().data["clock_rule"] == "restart"
    # From 10 March: shift, the due time moves by the working time waited (10 March 10:00
    # less 2 March 10:00 is 6 working days).
    after = waited(local(2026, 3, 10, 10, 0))
    assert after.due_at == local(2026, 3, 17, 8, 0)
    assert after.events.last().data["clock_rule"] == "shift"


# ---------------------------------------------------------------------------- withdraw


def test_withdraw_is_refused_once_the_result_exists(province: Province) -> None:
    p = province
    d = walk_to_last_step(p, counter_intake(p), local(2026, 3, 2, 9, 0))
    d = s.dossier_resolve(dossier=d, actor=p.users["leader"], at=local(2026, 3, 3, 9, 0))
    assert "withdraw" not in s.available_actions(d, p.users["desk"])
    with pytest.raises(ActionNotAllowed):
        s.dossier_withdraw(dossier=d, actor=p.users["desk"], at=local(2026, 3, 3, 10, 0))
    d.refresh_from_db()
    assert d.status == Status.RESOLVED


# ---------------------------------------------------------------------------- correction


def _returned(p: Province) -> Dossier:
    d = walk_to_last_step(p, counter_intake(p), local(2026, 3, 2, 9, 0))
    d = s.dossier_resolve(dossier=d, actor=p.users["leader"], at=local(2026, 3, 3, 9, 0))
    from motcua.dossiers.attachments import attachment_add

    attachment_add(
        dossier=d,
        actor=p.users["leader"],
        upload=io.BytesIO(PDF),
        name="ket-qua.pdf",
        kind=AttachmentKind.RESULT,
    )
    return s.dossier_return(
        dossier=d, actor=p.users["desk"], method="online", at=local(2026, 3, 3, 10, 0)
    )


def test_leader_corrects_a_returned_result_and_both_stay(province: Province) -> None:
    p = province
    d = _returned(p)
    original = Attachment.objects.get(dossier=d, kind=AttachmentKind.RESULT)
    with pytest.raises(ActionForbidden):
        s.dossier_correct(dossier=d, actor=p.users["desk"], reason="Sai ngày sinh")
    with pytest.raises(DossierInvalid):
        s.dossier_correct(dossier=d, actor=p.users["leader"], reason=" ")
    d = s.dossier_correct(
        dossier=d,
        actor=p.users["leader"],
        reason="Sai ngày sinh",
        upload=io.BytesIO(PDF + b"%corrected\n"),
        file_name="ket-qua-dinh-chinh.pdf",
        at=local(2026, 3, 5, 9, 0),
    )
    assert d.status == Status.RETURNED
    results = list(Attachment.objects.filter(dossier=d, kind=AttachmentKind.RESULT).order_by("id"))
    assert results[0].pk == original.pk and len(results) == 2
    original.refresh_from_db()
    assert original.superseded_at == local(2026, 3, 5, 9, 0)
    assert results[1].superseded_at is None and results[1].corrects_id == original.pk
    event = d.events.last()
    assert event.action == "correct" and event.data["reason"] == "Sai ngày sinh"
    assert event.data["supersedes"] == [original.pk] and event.data["attachment"] == results[1].pk
    from motcua.dossiers.selectors import dossier_current_results

    assert [a.pk for a in dossier_current_results(dossier=d)] == [results[1].pk]


def test_correction_through_the_history_import(province: Province) -> None:
    import json

    from motcua.dossiers.importer import import_dossiers, read_lines

    line = {
        "procedure": "1.001193",
        "unit": province.commune.code,
        "channel": "counter",
        "applicant": APPLICANT,
        "received_at": "2026-03-02T08:00:00+07:00",
        "events": [
            {"action": "forward", "at": "2026-03-02T08:10:00+07:00"},
            {"action": "forward", "at": "2026-03-02T08:20:00+07:00"},
            {"action": "resolve", "at": "2026-03-02T10:00:00+07:00"},
            {"action": "return", "at": "2026-03-02T11:00:00+07:00", "method": "counter"},
            {"action": "correct", "at": "2026-03-04T09:00:00+07:00", "reason": "Sai tên"},
            {
                "action": "request-supplement",
                "at": "2026-03-04T09:00:00+07:00",
                "items": ["x"],
            },
        ],
    }
    result = import_dossiers(read_lines([json.dumps(line, ensure_ascii=False)]))
    assert result.failed == 1 and "request-supplement" in result.errors[0]
    line["events"] = line["events"][:-1]
    result = import_dossiers(read_lines([json.dumps(line, ensure_ascii=False)]))
    assert result.imported == 1
    d = Dossier.objects.get()
    assert [e.action for e in d.events.order_by("seq")][-1] == "correct"


# ---------------------------------------------------------------------------- files per document


def test_counter_intake_checks_copies_and_ties_each_file_to_its_document(
    province: Province,
) -> None:
    p = province
    catalog = copy.deepcopy(CATALOG)
    for proc in catalog["procedures"]:
        if proc["code"] == "1.001193":
            proc["documents"][1] = {"name": "Giấy chứng sinh", "kind": "copy", "count": 2}
    catalog_import(catalog)
    with pytest.raises(DossierInvalid) as exc:
        s.dossier_intake(
            actor=p.users["desk"],
            procedure=p.procedure("1.001193"),
            unit=p.commune,
            channel="counter",
            applicant=APPLICANT,
            documents=[{"index": 0, "count": 1}, {"index": 1, "count": 1}],
        )
    assert exc.value.errors == {
        "documents": {"document-1": ["“Giấy chứng sinh”: cần 2 bản sao, mới nhận 1."]}
    }
    assert not Dossier.objects.exists()

    scans = [
        (0, _named(PDF, "to-khai.pdf")),
        (1, _named(PDF + b"1", "cs-1.pdf")),
        (1, _named(PDF + b"2", "cs-2.pdf")),
        (None, _named(PDF + b"3", "khac.pdf")),
    ]
    d, _ = s.dossier_intake(
        actor=p.users["desk"],
        procedure=p.procedure("1.001193"),
        unit=p.commune,
        channel="counter",
        applicant=APPLICANT,
        documents=[{"index": 0, "count": 1}, {"name": "Giấy chứng sinh", "count": 2}],
        files=scans,
    )
    assert [(i["received"], i.get("received_count")) for i in d.documents] == [(True, 1), (True, 2)]
    assert list(d.attachments.order_by("id").values_list("document_index", "name")) == [
        (0, "to-khai.pdf"),
        (1, "cs-1.pdf"),
        (1, "cs-2.pdf"),
        (None, "khac.pdf"),
    ]
    files = d.events.get(action="intake").data["files"]
    assert [(f["document"], f["name"]) for f in files] == [
        (0, "to-khai.pdf"),
        (1, "cs-1.pdf"),
        (1, "cs-2.pdf"),
        (None, "khac.pdf"),
    ]


def _named(content: bytes, name: str) -> io.BytesIO:
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def test_a_refused_file_refuses_the_whole_intake(province: Province) -> None:
    from motcua.dossiers.attachments import AttachmentTypeNotAllowed

    with pytest.raises(AttachmentTypeNotAllowed):
        s.dossier_intake(
            actor=province.users["desk"],
            procedure=province.procedure("1.001193"),
            unit=province.commune,
            channel="counter",
            applicant=APPLICANT,
            files=[(0, _named(b"MZ not a document", "virus.exe"))],
        )
    assert not Dossier.objects.exists() and not Attachment.objects.exists()


# ---------------------------------------------------------------------------- API and pages


def _api(username: str) -> Any:
    from rest_framework.test import APIClient

    from .conftest import PASSWORD

    token = APIClient().post(
        "/api/v1/auth/token", {"username": username, "password": PASSWORD}, format="json"
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.json()['token']}")
    return client


def test_api_supplement_deadline_withdraw_and_correction(province: Province) -> None:
    p = province
    d = _in_processing(p, at=local(2026, 3, 2, 8, 0))
    spec, lead, desk = _api("specialist"), _api("leader"), _api("desk")
    url = f"/api/v1/dossiers/{d.code}"
    r = spec.post(
        url + "/request-supplement",
        {"version": d.version, "items": ["Bản vẽ"], "deadline": "2099-01-05"},
        format="json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["supplement_due_at"] == "2099-01-05T17:00:00+07:00"
    assert r.json()["supplement_count"] == 1
    bad = desk.post(url + "/supplement", {"version": r.json()["version"] + 5}, format="json")
    assert bad.status_code == 409
    r = desk.post(url + "/supplement", {"version": r.json()["version"]}, format="json")
    second = spec.post(
        url + "/request-supplement",
        {"version": r.json()["version"], "items": ["Bản sao"]},
        format="json",
    )
    assert second.status_code == 403
    assert (
        lead.post(
            url + "/request-supplement",
            {"version": r.json()["version"], "items": ["Bản sao"]},
            format="json",
        ).status_code
        == 200
    )

    done = walk_to_last_step(p, counter_intake(p), local(2026, 3, 2, 9, 0))
    done = s.dossier_resolve(dossier=done, actor=p.users["leader"], at=local(2026, 3, 3, 9, 0))
    r = desk.post(
        f"/api/v1/dossiers/{done.code}/withdraw", {"version": done.version}, format="json"
    )
    assert r.status_code == 409 and "withdraw" not in r.json()["allowed_actions"]
    done = s.dossier_return(
        dossier=done, actor=p.users["desk"], method="online", at=local(2026, 3, 3, 10, 0)
    )
    not_leader = desk.post(
        f"/api/v1/dossiers/{done.code}/correct",
        {"version": done.version, "reason": "Sai tên"},
        format="json",
    )
    assert not_leader.status_code == 403
    wrong_type = lead.post(
        f"/api/v1/dossiers/{done.code}/correct",
        {"version": done.version, "reason": "Sai tên", "file": _named(b"MZ", "x.exe")},
        format="multipart",
    )
    assert wrong_type.status_code == 415
    r = lead.post(
        f"/api/v1/dossiers/{done.code}/correct",
        {"version": done.version, "reason": "Sai tên", "file": _named(PDF, "dinh-chinh.pdf")},
        format="multipart",
    )
    assert r.status_code == 200, r.content
    listed = lead.get(f"/api/v1/dossiers/{done.code}/attachments").json()
    assert [(a["kind"], a["superseded_at"]) for a in listed] == [("result", None)]
    history = lead.get(f"/api/v1/dossiers/{done.code}/history").json()
    assert history[-1]["action"] == "correct" and history[-1]["data"]["reason"] == "Sai tên"


def test_citizen_downloads_only_the_corrected_result(province: Province) -> None:
    from django.test import Client

    p = province
    d = _returned(p)
    d.applicant_user = p.users["citizen"]
    Dossier.objects.filter(pk=d.pk).update(applicant_user=p.users["citizen"])
    original = Attachment.objects.get(dossier=d, kind=AttachmentKind.RESULT)
    d = s.dossier_correct(
        dossier=d,
        actor=p.users["leader"],
        reason="Sai ngày sinh",
        upload=_named(PDF + b"%c\n", "dinh-chinh.pdf"),
    )
    corrected = Attachment.objects.get(dossier=d, kind=AttachmentKind.RESULT, corrects=original)
    client = Client()
    client.force_login(p.users["citizen"])
    page = client.get(f"/ho-so-cua-toi/{d.code}/").content.decode()
    assert "dinh-chinh.pdf" in page and "Sai ngày sinh" in page
    assert client.get(f"/ho-so-cua-toi/{d.code}/tep/{corrected.pk}/").status_code == 200
    assert client.get(f"/ho-so-cua-toi/{d.code}/tep/{original.pk}/").status_code == 404


def test_correction_notifies_the_applicant(
    province: Province, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    calls: list[tuple[int, str]] = []

    def fake(*, dossier_id: int, action: str) -> bool:
        calls.append((dossier_id, action))
        return True

    monkeypatch.setattr("motcua.notifications.services.notify_applicant", fake)
    d = _returned(province)
    with django_capture_on_commit_callbacks(execute=True):
        s.dossier_correct(dossier=d, actor=province.users["leader"], reason="Sai tên")
    assert calls == [(d.pk, "correct")]


def test_workspace_offers_correction_to_the_leader_only(province: Province) -> None:
    from django.test import Client

    d = _returned(province)
    leader, desk = Client(), Client()
    leader.force_login(province.users["leader"])
    desk.force_login(province.users["desk"])
    assert 'id="action-correct"' in leader.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert 'id="action-correct"' not in desk.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    empty = leader.post(
        f"/can-bo/ho-so/{d.code}/thao-tac/correct/", {"version": d.version, "reason": ""}
    )
    assert empty.status_code == 400 and "Vui lòng nêu lý do đính chính." in empty.content.decode()
    ok = leader.post(
        f"/can-bo/ho-so/{d.code}/thao-tac/correct/",
        {"version": d.version, "reason": "Sai tên", "file": _named(PDF, "dc.pdf")},
    )
    assert ok.status_code == 302
    page = leader.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert "bản đính chính" in page and "đã được đính chính" in page


def test_import_replays_supplements_once_twice_never_answered_and_by_whom(
    province: Province,
) -> None:
    import json

    from motcua.dossiers.importer import import_dossiers, read_lines

    def line(events: list[dict[str, Any]]) -> str:
        return json.dumps(
            {
                "procedure": "2.000001",
                "unit": province.commune.code,
                "channel": "counter",
                "applicant": APPLICANT,
                "received_at": "2026-03-02T08:00:00+07:00",
                "events": [{"action": "forward", "at": "2026-03-02T09:00:00+07:00"}, *events],
            },
            ensure_ascii=False,
        )

    twice = line(
        [
            {
                "action": "request-supplement",
                "at": "2026-03-02T10:00:00+07:00",
                "items": ["A"],
                "deadline": "2026-03-06",
            },
            {"action": "supplement", "at": "2026-03-03T08:00:00+07:00"},
            {"action": "request-supplement", "at": "2026-03-03T09:00:00+07:00", "items": ["B"]},
        ]
    )
    by_specialist = line(
        [
            {
                "action": "request-supplement",
                "at": "2026-03-02T10:00:00+07:00",
                "items": ["A"],
                "by": "specialist",
            },
            {"action": "supplement", "at": "2026-03-03T08:00:00+07:00"},
            {
                "action": "request-supplement",
                "at": "2026-03-03T09:00:00+07:00",
                "items": ["B"],
                "by": "specialist",
            },
        ]
    )
    bad_deadline = line(
        [
            {
                "action": "request-supplement",
                "at": "2026-03-02T10:00:00+07:00",
                "items": ["A"],
                "deadline": "6/3/2026",
            }
        ]
    )
    result = import_dossiers(read_lines([twice, by_specialist, bad_deadline]))
    assert result.imported == 1 and result.failed == 2
    assert "dòng 2" in result.errors[0] and "request-supplement" in result.errors[0]
    assert "dòng 3" in result.errors[1] and "deadline" in result.errors[1]
    d = Dossier.objects.get()
    assert d.status == Status.SUPPLEMENT_REQUESTED and d.supplement_count == 2
    first, second = d.events.filter(action="request-supplement").order_by("seq")
    assert first.data["supplement_due_at"] == "2026-03-06T17:00:00+07:00"
    assert second.data["repeated"] is True


def test_commands_refuse_bad_usage_in_plain_words(data_dir: Any) -> None:
    from conftest import run_motcua  # the project's root conftest

    bad_job = run_motcua("run-job", "tidy-up", data_dir=data_dir)
    assert bad_job.returncode == 2 and "unknown job 'tidy-up'" in bad_job.stderr
    assert "Traceback" not in bad_job.stderr
    naive = run_motcua(
        "run-job", "supplement-expiry", "--now", "2027-03-01T08:00", data_dir=data_dir
    )
    assert naive.returncode == 2 and "offset" in naive.stderr
    clock = run_motcua("supplement-clock", "set", "01/03/2027", "shift", data_dir=data_dir)
    assert clock.returncode == 2 and "is not a date" in clock.stderr


def test_counter_page_shows_kind_and_count_and_checks_copies(province: Province) -> None:
    from django.test import Client

    catalog = copy.deepcopy(CATALOG)
    for proc in catalog["procedures"]:
        if proc["code"] == "1.001193":
            proc["documents"][1] = {"name": "Giấy chứng sinh", "kind": "copy", "count": 2}
    catalog_import(catalog)
    client = Client()
    client.force_login(province.users["desk"])
    url = f"/can-bo/tiep-nhan/1.001193/?unit={province.commune.code}"
    page = client.get(url).content.decode()
    assert "Bản sao: 2 bản" in page and 'name="files-1"' in page
    form = {
        "unit": province.commune.code,
        "kind": "citizen",
        "name": "Nguyễn Văn An",
        "phone": "0901234567",
        "channel": "counter",
        "documents": ["0", "1"],
        "count-0": "1",
        "count-1": "1",
    }
    short = client.post(url, form)
    html = short.content.decode()
    assert short.status_code == 400
    assert 'id="err-intake-document-1"' in html
    assert "“Giấy chứng sinh”: cần 2 bản sao, mới nhận 1." in html
    assert not Dossier.objects.exists()
    form["count-1"] = "2"
    form["files-1"] = [_named(PDF, "cs-1.pdf"), _named(PDF + b"2", "cs-2.pdf")]
    assert client.post(url, form).status_code == 302
    d = Dossier.objects.get()
    assert sorted(d.attachments.values_list("name", flat=True)) == ["cs-1.pdf", "cs-2.pdf"]
    assert set(d.attachments.values_list("document_index", flat=True)) == {1}
    detail = client.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert "đã nhận 2" in detail and "cs-2.pdf" in detail


def test_clock_rule_setting_is_edited_in_the_admin(province: Province) -> None:
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.test import Client

    from motcua.dossiers.models import SupplementClockSetting
    from motcua.dossiers.rules import clock_rule_on

    admin = get_user_model().objects.create_superuser("root", "root@example.vn", "mat-khau-9x")
    client = Client()
    client.force_login(admin)
    response = client.post(
        "/admin/dossiers/supplementclocksetting/add/",
        {"effective_from": "2027-01-01", "rule": "shift", "legal_basis": "Quyết định thử"},
    )
    assert response.status_code == 302
    assert SupplementClockSetting.objects.get().rule == "shift"
    assert clock_rule_on(dt.date(2026, 12, 31)) == "restart"
    assert clock_rule_on(dt.date(2027, 1, 1)) == "shift"
    assert client.get("/admin/feedback/feedback/").status_code == 200


def test_citizen_pages_do_not_offer_withdrawal_once_resolved(province: Province) -> None:
    from django.test import Client

    p = province
    d, _ = s.dossier_intake(
        actor=p.users["citizen"],
        procedure=p.procedure("2.000001"),
        unit=p.commune,
        channel="online",
        applicant=APPLICANT,
        at=local(2026, 3, 2, 8, 0),
    )
    client = Client()
    client.force_login(p.users["citizen"])
    withdraw = f"/ho-so-cua-toi/{d.code}/rut-ho-so/"
    assert withdraw in client.get(f"/ho-so-cua-toi/{d.code}/").content.decode()
    d = s.dossier_accept(dossier=d, actor=p.users["desk"], at=local(2026, 3, 2, 8, 30))
    d = walk_to_last_step(p, d, local(2026, 3, 2, 9, 0))
    d = s.dossier_resolve(dossier=d, actor=p.users["leader"], at=local(2026, 3, 3, 9, 0))
    assert withdraw not in client.get(f"/ho-so-cua-toi/{d.code}/").content.decode()
    page = client.get(withdraw, follow=True).content.decode()
    assert "Hồ sơ đã có kết quả hoặc đã kết thúc, không thể rút." in page
    assert client.post(withdraw, {"version": d.version}).status_code == 302
    d.refresh_from_db()
    assert d.status == Status.RESOLVED
