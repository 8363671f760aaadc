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
