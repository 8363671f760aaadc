"""The fee lines of a dossier: filled from the procedure at intake, set by the payment
request, collected at the counter (cash, transfer) with the receipt number; shown to the
officer, printed on form 01 and in the register (form 07)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from motcua.dossiers import services as s
from motcua.dossiers.errors import DossierInvalid
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.conftest import APPLICANT, Province
from motcua.forms.register import register_rows
from motcua.forms.services import form_issue
from motcua.forms.tests.helpers import pdf_text

pytestmark = pytest.mark.django_db


def _permit(p: Province) -> Dossier:
    """A building permit at the department: lệ phí 75.000 đồng in the catalogue."""
    d, _ = s.dossier_intake(
        actor=p.users["dept_desk"],
        procedure=p.procedure("1.009972"),
        unit=p.department,
        channel="counter",
        applicant=APPLICANT,
        documents=[0],
    )
    return d


def _lines(d: Dossier) -> list[tuple[Any, ...]]:
    return list(d.fees.values_list("kind", "name", "amount", "method", "receipt_number"))


def test_intake_fills_the_lines_from_the_procedure_and_its_case(province: Province) -> None:
    permit = _permit(province)
    again, _ = s.dossier_intake(
        actor=province.users["desk"],
        procedure=province.procedure("3.000001"),
        unit=province.commune,
        channel="counter",
        applicant=APPLICANT,
        case_code="cap-lai",
        documents=[0],
    )
    free, _ = s.dossier_intake(
        actor=province.users["desk"],
        procedure=province.procedure("1.001193"),
        unit=province.commune,
        channel="counter",
        applicant=APPLICANT,
        documents=[0, 1],
    )

    assert _lines(permit) == [("fee", "Lệ phí cấp phép", 75000, "", "")]
    assert [line.amount for line in again.fees.all()] == [5000]
    assert not free.fees.exists()


def _to_payment(p: Province, d: Dossier, amount: int) -> Dossier:
    d = s.dossier_forward(dossier=d, actor=p.users["dept_desk"])
    return s.dossier_request_payment(dossier=d, actor=p.users["dept_specialist"], amount=amount)


def test_the_amount_asked_keeps_matching_lines_and_replaces_others(province: Province) -> None:
    same = _to_payment(province, _permit(province), 75000)
    other = _to_payment(province, _permit(province), 120000)

    assert _lines(same) == [("fee", "Lệ phí cấp phép", 75000, "", "")]
    assert [line.amount for line in other.fees.all()] == [120000]


def test_the_desk_collects_by_transfer_with_a_receipt_number(province: Province) -> None:
    d = _to_payment(province, _permit(province), 75000)
    with pytest.raises(DossierInvalid):
        s.dossier_confirm_payment(dossier=d, actor=province.users["dept_desk"], fee_method="gold")
    client = Client()
    client.force_login(province.users["dept_desk"])

    response = client.post(
        f"/can-bo/ho-so/{d.code}/thao-tac/confirm-payment/",
        {"version": d.version + 0, "fee_method": "transfer", "receipt_number": "0001234"},
    )

    assert response.status_code == 302
    d.refresh_from_db()
    assert d.status == "processing"
    assert _lines(d) == [("fee", "Lệ phí cấp phép", 75000, "transfer", "0001234")]
    event = d.events.get(action="confirm-payment")
    assert event.data["method"] == "transfer" and "online" not in event.data
    page = client.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert "Chuyển khoản ngân hàng" in page and "0001234" in page and "75.000 đồng" in page


def test_the_api_takes_the_collection_method(province: Province) -> None:
    d = _to_payment(province, _permit(province), 75000)
    client = Client()
    client.force_login(province.users["dept_desk"])

    bad = client.post(
        f"/api/v1/dossiers/{d.code}/confirm-payment",
        {"version": d.version, "fee_method": "gold"},
        content_type="application/json",
    )
    good = client.post(
        f"/api/v1/dossiers/{d.code}/confirm-payment",
        {"version": d.version, "fee_method": "cash", "receipt_number": "BL-9"},
        content_type="application/json",
    )

    assert bad.status_code == 400 and "fee_method" in bad.json()
    assert good.status_code == 200
    assert _lines(d) == [("fee", "Lệ phí cấp phép", 75000, "cash", "BL-9")]
    detail = client.get(f"/api/v1/dossiers/{d.code}").json()["fee"]
    assert detail["state"] == "paid"
    assert [
        (x["name"], x["amount"], x["method"], x["receipt_number"]) for x in detail["lines"]
    ] == [("Lệ phí cấp phép", 75000, "cash", "BL-9")]
    listed = client.get("/api/v1/dossiers").json()["results"][0]["fee"]
    assert "lines" not in listed  # the list stays one query per page


def test_the_intake_answers_with_the_lines_it_wrote_without_reading_them_back(
    province: Province,
) -> None:
    from django.db import connection

    client = Client()
    client.force_login(province.users["dept_desk"])
    body = {
        "procedure": "1.009972",
        "unit": province.department.code,
        "channel": "counter",
        "applicant": APPLICANT,
        "documents": [0],
    }
    statements: list[str] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        created = client.post("/api/v1/dossiers", body, content_type="application/json")

    assert created.status_code == 201, created.content
    answered = created.json()["fee"]["lines"]
    assert [(x["name"], x["amount"], x["method"]) for x in answered] == [
        ("Lệ phí cấp phép", 75000, "")
    ]
    assert (
        answered == client.get(f"/api/v1/dossiers/{created.json()['code']}").json()["fee"]["lines"]
    )
    fee_statements = [sql.split()[0] for sql in statements if "dossiers_dossierfee" in sql]
    assert fee_statements == ["INSERT"]  # written, not read back


def test_form_01_and_the_register_show_the_fee_lines(province: Province) -> None:
    d = _to_payment(province, _permit(province), 75000)
    d = s.dossier_confirm_payment(
        dossier=d, actor=province.users["dept_desk"], fee_method="cash", receipt_number="0000077"
    )

    content, _ = form_issue(dossier=d, number="01")
    text = " ".join(pdf_text(content).split())
    rows = register_rows(Dossier.objects.filter(pk=d.pk).prefetch_related("events", "fees"))

    assert "7. Phí, lệ phí: 75.000 đồng, gồm:" in text
    assert "Lệ phí cấp phép: 75.000 đồng" in text and "biên lai số 0000077" in text
    assert (
        "Phí, lệ phí: 75.000 đồng (đã nộp: Nộp tiền mặt tại Bộ phận Một cửa; biên lai số 0000077)"
        in rows[0][-1]
    )
