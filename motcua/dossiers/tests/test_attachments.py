"""Files of a dossier through the API: stored under the data dir with SHA-256, size and the
type read from the content; limits per file and per dossier (413), types by content (415),
sanitised names, downloads only inside the scope and always as attachments."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from rest_framework.test import APIClient

from motcua.dossiers import services as s
from motcua.dossiers.attachments import sanitise_name
from motcua.dossiers.models import Attachment, Dossier
from motcua.dossiers.tests.files import JPEG, PDF, PNG

from .conftest import APPLICANT, PASSWORD, Province

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
TEXT = "Đây là một tệp văn bản thường, không phải PDF.\n".encode()


def xlsx_bytes() -> bytes:
    book = Workbook()
    book.active["A1"] = "Bảng kê"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.MOTCUA_MAX_UPLOAD_MB = 1
    return Path(settings.MEDIA_ROOT)


def client_for(username: str) -> APIClient:
    client = APIClient()
    token = APIClient().post(
        "/api/v1/auth/token", {"username": username, "password": PASSWORD}, format="json"
    )
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.json()['token']}")
    return client


@pytest.fixture
def dossier(province: Province) -> Dossier:
    d, _ = s.dossier_intake(
        actor=province.users["desk"],
        procedure=province.procedure("2.000001"),
        unit=province.commune,
        channel="counter",
        applicant=APPLICANT,
    )
    return d


def upload(client: APIClient, code: str, name: str, content: bytes, kind: str = "document"):
    return client.post(
        f"/api/v1/dossiers/{code}/attachments",
        {"file": SimpleUploadedFile(name, content), "kind": kind},
        format="multipart",
    )


def test_upload_stores_the_file_with_its_sha256_and_serves_it_as_a_download(
    dossier: Dossier, media: Path
) -> None:
    desk = client_for("desk")
    response = upload(desk, dossier.code, "Tờ khai khai sinh.pdf", PDF)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert body["size"] == len(PDF) and body["kind"] == "document"
    assert body["content_type"] == "application/pdf"
    assert body["name"] == "Tờ_khai_khai_sinh.pdf"

    stored = Attachment.objects.get(pk=body["id"])
    path = Path(stored.file.path)
    assert path.is_relative_to(media)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == body["sha256"]

    listing = desk.get(f"/api/v1/dossiers/{dossier.code}/attachments").json()
    assert [a["id"] for a in listing] == [body["id"]]

    download = desk.get(f"/api/v1/dossiers/{dossier.code}/attachments/{body['id']}")
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    assert hashlib.sha256(content).hexdigest() == body["sha256"]
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''T%E1%BB%9D_khai_khai_sinh.pdf" in disposition
    assert download["X-Content-SHA256"] == body["sha256"]
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "content", "mime", "stored_name"),
    [
        ("scan.png", PDF, "application/pdf", "scan.pdf"),  # a PDF renamed .png is a PDF
        ("anh.jpg", PNG, "image/png", "anh.png"),
        ("anh", JPEG, "image/jpeg", "anh.jpg"),
        (
            "bang ke.xlsx",
            xlsx_bytes(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "bang_ke.xlsx",
        ),
    ],
)
def test_type_comes_from_the_content(
    dossier: Dossier, name: str, content: bytes, mime: str, stored_name: str
) -> None:
    response = upload(client_for("desk"), dossier.code, name, content)
    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == mime
    assert response.json()["name"] == stored_name


@pytest.mark.parametrize(
    ("name", "content"),
    [("setup.exe", EXE), ("hoa-don.pdf", EXE), ("ghi-chu.pdf", TEXT), ("a.docx", b"PK\x03\x04")],
)
def test_other_types_are_415_and_nothing_is_kept(
    dossier: Dossier, media: Path, name: str, content: bytes
) -> None:
    response = upload(client_for("desk"), dossier.code, name, content)
    assert response.status_code == 415, response.content
    assert "detail" in response.json()
    assert Attachment.objects.count() == 0
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_file_over_the_limit_is_413(dossier: Dossier) -> None:
    big = PDF + b"0" * (1024 * 1024)
    response = upload(client_for("desk"), dossier.code, "lon.pdf", big)
    assert response.status_code == 413
    assert Attachment.objects.count() == 0


def test_dossier_over_its_total_is_413(dossier: Dossier, settings: Any) -> None:
    settings.MOTCUA_MAX_DOSSIER_UPLOAD_MB = 2
    desk = client_for("desk")
    part = PDF + b"0" * (700 * 1024)
    assert upload(desk, dossier.code, "1.pdf", part).status_code == 201
    assert upload(desk, dossier.code, "2.pdf", part).status_code == 201
    assert upload(desk, dossier.code, "3.pdf", part).status_code == 413
    assert Attachment.objects.count() == 2


def test_empty_or_missing_file_is_400(dossier: Dossier) -> None:
    desk = client_for("desk")
    assert upload(desk, dossier.code, "rong.pdf", b"").status_code == 400
    response = desk.post(f"/api/v1/dossiers/{dossier.code}/attachments", {"kind": "document"})
    assert response.status_code == 400 and "file" in response.json()
    assert upload(desk, dossier.code, "a.pdf", PDF, kind="virus").status_code == 400


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system32.pdf", "system32.pdf"),
        ("Giấy khai sinh của bé Đào.pdf", "Giấy_khai_sinh_của_bé_Đào.pdf"),
        ("Gia\u0302\u0301y to\u031b\u0300.pdf", "Giấy_tờ.pdf"),  # decomposed accents are composed
        ("<script>alert(1)</script>.pdf", "script.pdf"),
        ('a"; rm -rf *;.pdf', "a_rm_-rf.pdf"),
        ("...", "tep.pdf"),
        ("a" * 300 + ".pdf", "a" * 100 + ".pdf"),
    ],
)
def test_names_are_sanitised_and_stay_readable(raw: str, expected: str) -> None:
    assert sanitise_name(raw, "pdf") == expected


def test_path_traversal_name_is_stored_inside_the_data_dir(dossier: Dossier, media: Path) -> None:
    response = upload(client_for("desk"), dossier.code, "../../etc/passwd.pdf", PDF)
    assert response.status_code == 201
    assert response.json()["name"] == "passwd.pdf"
    path = Path(Attachment.objects.get().file.path).resolve()
    assert path.is_relative_to(media.resolve())


def test_downloads_and_uploads_only_inside_the_scope(province: Province, dossier: Dossier) -> None:
    desk = client_for("desk")
    attachment = upload(desk, dossier.code, "a.pdf", PDF).json()
    url = f"/api/v1/dossiers/{dossier.code}/attachments/{attachment['id']}"
    for outsider in ("desk2", "citizen2", "dept_desk"):
        client = client_for(outsider)
        assert client.get(url).status_code == 404
        assert upload(client, dossier.code, "b.pdf", PDF).status_code == 404
    assert APIClient().get(url).status_code == 401
    assert client_for("province_leader").get(url).status_code == 200
    # An attachment id of another dossier is not reachable through this one.
    other, _ = s.dossier_intake(
        actor=province.users["desk"],
        procedure=province.procedure("2.000001"),
        unit=province.commune,
        channel="counter",
        applicant=APPLICANT,
    )
    assert (
        desk.get(f"/api/v1/dossiers/{other.code}/attachments/{attachment['id']}").status_code == 404
    )


def test_applicant_adds_files_only_while_the_dossier_waits_for_them(province: Province) -> None:
    citizen = client_for("citizen")
    d, _ = s.dossier_intake(
        actor=province.users["citizen"],
        procedure=province.procedure("2.000001"),
        unit=province.commune,
        channel="online",
        applicant=APPLICANT,
    )
    assert upload(citizen, d.code, "a.pdf", PDF).status_code == 201
    d = s.dossier_accept(dossier=d, actor=province.users["desk"])
    assert upload(citizen, d.code, "b.pdf", PDF).status_code == 403
    d = s.dossier_request_supplement(dossier=d, actor=province.users["desk"], items=["Bản sao"])
    assert upload(citizen, d.code, "c.pdf", PDF, kind="supplement").status_code == 201
    assert citizen.get(f"/api/v1/dossiers/{d.code}/attachments").status_code == 200
