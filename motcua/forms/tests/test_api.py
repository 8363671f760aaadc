"""``GET /api/v1/dossiers/{code}/forms/{01..06}`` and ``GET /api/v1/registers``, and the
forms archived automatically after the matching action."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from motcua.dossiers import services as s
from motcua.dossiers.attachments import attachment_add
from motcua.dossiers.errors import DossierInvalid
from motcua.dossiers.models import Attachment
from motcua.dossiers.tests import files
from motcua.forms import services as form_services

from .conftest import APPLICANT, Province, local
from .helpers import pdf_text, walk_all_forms


def _client(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def test_form_endpoint_returns_the_pdf(province: Province, api_client) -> None:
    walked = walk_all_forms(province)
    client = _client(api_client, province.users["desk"])
    response = client.get(f"/api/v1/dossiers/{walked.full.code}/forms/01")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in pdf_text(response.content)
    for number in ("02", "04", "06"):
        assert client.get(f"/api/v1/dossiers/{walked.full.code}/forms/{number}").status_code == 200
    assert client.get(f"/api/v1/dossiers/{walked.refused.code}/forms/03").status_code == 200
    assert client.get(f"/api/v1/dossiers/{walked.stopped.code}/forms/05").status_code == 200


@pytest.mark.parametrize("number", ["03", "05", "07", "1", "xx"])
def test_form_never_reached_is_404(province: Province, api_client, number: str) -> None:
    walked = walk_all_forms(province)
    client = _client(api_client, province.users["desk"])
    response = client.get(f"/api/v1/dossiers/{walked.full.code}/forms/{number}")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_form_of_a_dossier_outside_scope_is_404(province: Province, api_client) -> None:
    walked = walk_all_forms(province)
    client = _client(api_client, province.users["desk2"])
    assert client.get(f"/api/v1/dossiers/{walked.full.code}/forms/01").status_code == 404


def test_forms_need_authentication(province: Province, api_client) -> None:
    walked = walk_all_forms(province)
    assert api_client.get(f"/api/v1/dossiers/{walked.full.code}/forms/01").status_code == 401


def test_register_pdf_and_xlsx(province: Province, api_client) -> None:
    walked = walk_all_forms(province)
    client = _client(api_client, province.users["leader"])
    params = {"unit": province.commune.code, "from": "2026-03-01", "to": "2026-03-31"}
    pdf = client.get("/api/v1/registers", params)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert walked.full.code in pdf_text(pdf.content).replace("\n", "")
    xlsx = client.get("/api/v1/registers", {**params, "format": "xlsx"})
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert walked.stopped.code in [c.value for row in sheet.iter_rows() for c in row]


def test_register_bad_input_and_permissions(province: Province, api_client) -> None:
    client = _client(api_client, province.users["leader"])
    assert client.get("/api/v1/registers").status_code == 400
    bad = client.get("/api/v1/registers", {"unit": province.commune.code, "from": "x", "to": "y"})
    assert bad.status_code == 400 and "from" in bad.json()
    backwards = {"unit": province.commune.code, "from": "2026-03-31", "to": "2026-03-01"}
    assert client.get("/api/v1/registers", backwards).status_code == 400
    fmt = {"unit": province.commune.code, "from": "2026-03-01", "to": "2026-03-31", "format": "doc"}
    assert client.get("/api/v1/registers", fmt).status_code == 400
    other = {"unit": province.department.code, "from": "2026-03-01", "to": "2026-03-31"}
    assert client.get("/api/v1/registers", other).status_code == 403
    assert client.get("/api/v1/registers", {**other, "unit": "000.99.99.X"}).status_code == 404
    # A province leader may take the register of a unit below.
    leader = _client(api_client, province.users["province_leader"])
    assert leader.get("/api/v1/registers", other).status_code == 200


def test_forms_are_archived_after_the_matching_actions(
    province: Province, django_capture_on_commit_callbacks
) -> None:
    u = province.users
    with django_capture_on_commit_callbacks(execute=True):
        d, _ = s.dossier_intake(
            actor=u["desk"],
            procedure=province.procedure("2.000001"),
            unit=province.commune,
            channel="counter",
            applicant=APPLICANT,
            at=local(2026, 3, 2, 8, 0),
        )
    with django_capture_on_commit_callbacks(execute=True):
        d = s.dossier_request_supplement(
            dossier=d, actor=u["desk"], items=["Đơn"], at=local(2026, 3, 2, 9, 0)
        )
    with django_capture_on_commit_callbacks(execute=True):
        d = s.dossier_supplement(dossier=d, actor=u["desk"], at=local(2026, 3, 2, 10, 0))
        d = s.dossier_forward(dossier=d, actor=u["desk"], at=local(2026, 3, 2, 10, 30))
        d = s.dossier_extend(
            dossier=d,
            actor=u["leader"],
            extended_due_at=local(2026, 3, 30, 17, 0),
            reason="Chờ ý kiến",
            at=local(2026, 3, 3, 9, 0),
        )
    names = list(Attachment.objects.filter(dossier=d, kind="form").values_list("name", flat=True))
    assert [n.split("-")[1] for n in names] == ["01", "02", "04"]
    first = Attachment.objects.filter(dossier=d, kind="form").first()
    assert first.content_type == "application/pdf" and first.uploaded_by is None


def test_forms_of_closing_acts_are_archived_too(
    province: Province, django_capture_on_commit_callbacks
) -> None:
    u = province.users
    with django_capture_on_commit_callbacks(execute=True):
        d, _ = s.dossier_intake(
            actor=u["desk"],
            procedure=province.procedure("2.000001"),
            unit=province.commune,
            channel="counter",
            applicant=APPLICANT,
            at=local(2026, 3, 2, 8, 0),
        )
    with django_capture_on_commit_callbacks(execute=True):
        d = s.dossier_stop(dossier=d, actor=u["leader"], reason="Theo đề nghị của người nộp")
    names = list(Attachment.objects.filter(dossier=d, kind="form").values_list("name", flat=True))
    assert [n.split("-")[1] for n in names] == ["01", "05"]
    # Nobody else may add files to the closed dossier.
    with pytest.raises(DossierInvalid):
        attachment_add(dossier=d, actor=u["desk"], upload=io.BytesIO(files.PDF), name="x.pdf")


def test_a_failing_pdf_never_undoes_the_action(
    province: Province, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    def broken(*args, **kwargs):
        raise ValueError("renderer down")

    monkeypatch.setattr(form_services, "form_render", broken)
    with django_capture_on_commit_callbacks(execute=True):
        d, _ = s.dossier_intake(
            actor=province.users["desk"],
            procedure=province.procedure("1.001193"),
            unit=province.commune,
            channel="counter",
            applicant=APPLICANT,
        )
    assert d.pk is not None and d.event_count == 1
    assert not Attachment.objects.filter(dossier=d).exists()


def test_online_submission_has_no_receipt_until_accepted(
    province: Province, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        d, _ = s.dossier_intake(
            actor=province.users["citizen"],
            procedure=province.procedure("1.001193"),
            unit=province.commune,
            channel="online",
            applicant=APPLICANT,
        )
    assert not Attachment.objects.filter(dossier=d).exists()
    with django_capture_on_commit_callbacks(execute=True):
        s.dossier_accept(dossier=d, actor=province.users["desk"])
    assert Attachment.objects.filter(dossier=d, kind="form").count() == 1
