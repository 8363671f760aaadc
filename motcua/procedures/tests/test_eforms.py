"""E-forms (tờ khai điện tử): a procedure version's declaration as JSON Schema, checked on
catalogue import, validated at intake with Vietnamese messages per field (API, counter
page, online wizard), stored with the dossier, shown to officers and printed as an annex."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.conftest import APPLICANT, CATALOG, PASSWORD, Province
from motcua.procedures.catalog import CatalogError, catalog_import
from motcua.procedures.eforms import eform_errors, eform_schema_problems

DEMO = Path(__file__).resolve().parents[2] / "demo" / "catalog.json"
DEMO_PROCEDURES = {p["code"]: p for p in json.loads(DEMO.read_text(encoding="utf-8"))["procedures"]}
BIRTH = DEMO_PROCEDURES["1.001193"]["eform"]

GOOD = {
    "requester": {"full_name": "Nguyễn Văn An", "id_number": "001203004567", "relationship": "cha"},
    "child": {
        "full_name": "Nguyễn Minh Khôi",
        "birth_date": "2026-02-20",
        "gender": "nam",
        "birth_place": "Trạm y tế xã Một",
    },
    "mother": {"full_name": "Trần Thị Bình", "birth_year": 1995},
}


@pytest.fixture
def with_eform(province: Province) -> Province:
    catalog = copy.deepcopy(CATALOG)
    for p in catalog["procedures"]:
        if p["code"] == "1.001193":
            p["eform"] = BIRTH
    catalog_import(catalog)
    return province


def test_the_demo_carries_the_five_declarations() -> None:
    wanted = {
        "1.001193": "khai sinh",
        "1.000894": "kết hôn",
        "1.004194": "cư trú",
        "1.001612": "hộ kinh doanh",
        "1.013225": "giấy phép xây dựng",
    }
    for code, words in wanted.items():
        schema = DEMO_PROCEDURES[code]["eform"]
        assert words in schema["title"].lower()
        assert eform_schema_problems(schema) == []


def test_catalogue_import_checks_the_schema_with_its_path(db: None) -> None:
    catalog = copy.deepcopy(CATALOG)
    catalog["procedures"][0]["eform"] = {"type": "object", "properties": {"x": {"type": "str"}}}
    catalog["procedures"][1]["eform"] = {"type": "object", "properties": {"y": {"type": "string"}}}
    with pytest.raises(CatalogError) as exc:
        catalog_import(catalog)
    assert any(
        e.startswith("procedures[0].eform: not a valid JSON Schema") for e in exc.value.errors
    )
    assert "procedures[1].eform: properties.y: a title (the label people read) is required" in (
        exc.value.errors
    )


def test_validation_speaks_vietnamese_beside_each_field() -> None:
    assert eform_errors(BIRTH, GOOD) == {}
    bad = copy.deepcopy(GOOD)
    bad["requester"]["id_number"] = "0012"
    bad["child"]["gender"] = "khac"
    bad["child"]["birth_date"] = "2026-02-31"
    del bad["child"]["full_name"]
    bad["mother"]["birth_year"] = "một chín chín lăm"
    errors = eform_errors(BIRTH, bad)
    assert errors == {
        "requester.id_number": ["Số định danh cá nhân gồm đúng 12 chữ số."],
        "child.gender": ["Vui lòng chọn một giá trị trong danh sách."],
        "child.birth_date": ["Ngày không hợp lệ (ngày/tháng/năm)."],
        "child.full_name": ["Vui lòng nhập thông tin này."],
        "mother.birth_year": ["Phải là số nguyên."],
    }
    future = copy.deepcopy(GOOD)
    future["child"]["birth_date"] = "2999-01-01"
    assert eform_errors(BIRTH, future) == {"child.birth_date": ["Ngày không được sau hôm nay."]}
    assert eform_errors(BIRTH, {})["child"] == ["Vui lòng khai mục “Người được khai sinh”."]


def _token(username: str) -> str:
    response = APIClient().post(
        "/api/v1/auth/token", {"username": username, "password": PASSWORD}, format="json"
    )
    return str(response.json()["token"])


def test_api_intake_validates_stores_and_prints_the_declaration(with_eform: Province) -> None:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {_token('desk')}")
    body: dict[str, Any] = {
        "procedure": "1.001193",
        "unit": with_eform.commune.code,
        "channel": "counter",
        "applicant": APPLICANT,
        "eform": {**GOOD, "child": {**GOOD["child"], "gender": "x"}},
    }
    bad = api.post("/api/v1/dossiers", body, format="json")
    assert bad.status_code == 400
    assert bad.json()["eform"] == {"child.gender": ["Vui lòng chọn một giá trị trong danh sách."]}
    assert not Dossier.objects.exists()

    body["eform"] = GOOD
    created = api.post("/api/v1/dossiers", body, format="json")
    assert created.status_code == 201, created.content
    code = created.json()["code"]
    assert created.json()["eform"] == GOOD
    eform = api.get(f"/api/v1/dossiers/{code}/eform").json()
    assert eform["data"] == GOOD and eform["schema"]["title"] == BIRTH["title"]
    pdf = api.get(f"/api/v1/dossiers/{code}/eform/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Nguyễn Minh Khôi" in text and "20/02/2026" in text and "Nam" in text


def test_counter_page_renders_the_declaration_and_keeps_errors_beside_fields(
    with_eform: Province,
) -> None:
    client = Client()
    client.force_login(with_eform.users["desk"])
    url = f"/can-bo/tiep-nhan/1.001193/?unit={with_eform.commune.code}"
    page = client.get(url).content.decode()
    assert 'name="ef-child-full_name"' in page and 'name="ef-child-gender"' in page
    assert 'type="date"' in page
    form = {
        "unit": with_eform.commune.code,
        "kind": "citizen",
        "name": "Nguyễn Văn An",
        "phone": "0901234567",
        "channel": "counter",
        "ef-child-full_name": "Nguyễn Minh Khôi",
        "ef-requester-id_number": "12345",
    }
    response = client.post(url, form)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="ef-requester-id_number-error"' in html
    assert "Số định danh cá nhân gồm đúng 12 chữ số." in html
    assert 'value="Nguyễn Minh Khôi"' in html
    assert not Dossier.objects.exists()
    # Nothing typed: the declaration was handed in on paper.
    paper = {k: v for k, v in form.items() if not k.startswith("ef-")}
    assert client.post(url, paper).status_code == 302
    assert Dossier.objects.get().eform_data is None


def test_officer_sees_the_declaration_and_its_annex(with_eform: Province) -> None:
    from motcua.dossiers.services import dossier_intake

    dossier, _ = dossier_intake(
        actor=with_eform.users["desk"],
        procedure=with_eform.procedure("1.001193"),
        unit=with_eform.commune,
        channel="counter",
        applicant=APPLICANT,
        eform=GOOD,
    )
    client = Client()
    client.force_login(with_eform.users["specialist"])
    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert "Người được khai sinh" in page and "Trạm y tế xã Một" in page and "Cha" in page
    pdf = client.get(f"/can-bo/ho-so/{dossier.code}/to-khai.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_online_wizard_asks_for_the_declaration_and_files_it(with_eform: Province) -> None:
    client = Client()
    client.force_login(with_eform.users["citizen"])
    base = "/thu-tuc/1.001193/nop-truc-tuyen/"
    client.post(base, {"unit": with_eform.commune.code})
    page = client.get(base + "nguoi-nop/").content.decode()
    assert "Tờ khai đăng ký khai sinh" in page and 'name="ef-child-birth_date"' in page
    applicant = {"name": "Nguyễn Văn An", "phone": "0901234567", "id_number": "001203004567"}
    missing = client.post(base + "nguoi-nop/", applicant)
    assert missing.status_code == 400
    assert 'id="ef-child-full_name-error"' in missing.content.decode()
    typed = {
        "ef-requester-full_name": "Nguyễn Văn An",
        "ef-requester-id_number": "001203004567",
        "ef-requester-relationship": "cha",
        "ef-child-full_name": "Nguyễn Minh Khôi",
        "ef-child-birth_date": "2026-02-20",
        "ef-child-gender": "nam",
        "ef-child-birth_place": "Trạm y tế xã Một",
        "ef-mother-full_name": "Trần Thị Bình",
        "ef-mother-birth_year": "1995",
    }
    assert client.post(base + "nguoi-nop/", applicant | typed).status_code == 302
    from motcua.portal import wizard

    state = client.session[wizard.SESSION_KEY]["1.001193"]
    assert state["eform"] == GOOD
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    upload = io.BytesIO(pdf)
    upload.name = "to-khai.pdf"
    upload2 = io.BytesIO(pdf)
    upload2.name = "chung-sinh.pdf"
    client.post(base + "giay-to/", {"doc_0": upload, "doc_1": upload2})
    review = client.get(base + "xem-lai/").content.decode()
    assert "Nguyễn Minh Khôi" in review and "20/02/2026" in review
    client.post(base + "xem-lai/", {"confirm": "on", "wizard": state["id"]})
    assert Dossier.objects.get().eform_data == GOOD
