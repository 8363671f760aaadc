"""Object storage (``MOTCUA_STORAGE_URL=s3://BUCKET/prefix``) against moto's standalone S3
server on loopback: uploads land in the bucket, downloads come back byte for byte with their
SHA-256, a file changed in the bucket behind MotCua's back is refused, and backup/restore
move the files between a bucket and a data dir both ways."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from moto.server import ThreadedMotoServer

from conftest import child_env, run_motcua
from motcua import settings as motcua_settings
from motcua.dossiers import services as s
from motcua.dossiers.models import Attachment, Dossier
from motcua.dossiers.tests.conftest import APPLICANT, Province, province
from motcua.dossiers.tests.files import pdf_bytes

REGION = "ap-southeast-1"
__all__ = ["province"]


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server on 127.0.0.1, on a port the system picks; stopped after."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def s3_env(endpoint: str, bucket: str, prefix: str) -> dict[str, str]:
    return {
        "MOTCUA_STORAGE_URL": f"s3://{bucket}/{prefix}",
        "MOTCUA_S3_ENDPOINT_URL": endpoint,
        "MOTCUA_S3_ACCESS_KEY_ID": "motcua-test",
        "MOTCUA_S3_SECRET_ACCESS_KEY": "motcua-test-secret",
        "MOTCUA_S3_REGION": REGION,
    }


def s3_client(endpoint: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="motcua-test",
        aws_secret_access_key="motcua-test-secret",
        region_name=REGION,
    )


def new_bucket(endpoint: str) -> str:
    name = f"motcua-{uuid.uuid4().hex[:12]}"
    s3_client(endpoint).create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    return name


def bucket_objects(endpoint: str, bucket: str, prefix: str) -> dict[str, bytes]:
    """Every object under ``prefix/``, by its name below the prefix."""
    client = s3_client(endpoint)
    found: dict[str, bytes] = {}
    for page in client.get_paginator("list_objects_v2").paginate(
        Bucket=bucket, Prefix=f"{prefix}/"
    ):
        for item in page.get("Contents", []):
            body = client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
            found[item["Key"][len(prefix) + 1 :]] = body
    return found


@pytest.fixture
def bucket(s3_endpoint: str, settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """A fresh bucket as the default storage, configured the way an operator does it."""
    name = new_bucket(s3_endpoint)
    for key, value in s3_env(s3_endpoint, name, "ho-so").items():
        monkeypatch.setenv(key, value)
    settings.STORAGES = motcua_settings._storages()
    settings.MEDIA_ROOT = tmp_path / "unused-files"
    return name


def test_the_storage_url_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOTCUA_STORAGE_URL", raising=False)
    local = motcua_settings._storages()["default"]
    assert local["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    for key, value in s3_env("http://127.0.0.1:9000", "tinh", "mot-cua/tep").items():
        monkeypatch.setenv(key, value)
    s3 = motcua_settings._storages()["default"]
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    options: Any = s3["OPTIONS"]
    assert (options["bucket_name"], options["location"]) == ("tinh", "mot-cua/tep")
    assert options["endpoint_url"] == "http://127.0.0.1:9000"
    assert options["region_name"] == REGION and options["default_acl"] is None
    monkeypatch.setenv("MOTCUA_STORAGE_URL", "ftp://tinh")
    with pytest.raises(RuntimeError, match=r"s3://BUCKET"):
        motcua_settings._storages()


def _dossier(province: Province) -> Dossier:
    d, _ = s.dossier_intake(
        actor=province.users["desk"],
        procedure=province.procedure("2.000001"),
        unit=province.commune,
        channel="counter",
        applicant=APPLICANT,
    )
    return d


def _token_client(username: str) -> Any:
    from rest_framework.test import APIClient

    from motcua.dossiers.tests.conftest import PASSWORD

    client = APIClient()
    token = APIClient().post(
        "/api/v1/auth/token", {"username": username, "password": PASSWORD}, format="json"
    )
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.json()['token']}")
    return client


def test_uploads_land_in_the_bucket_and_come_back_with_their_sha256(
    province: Province, bucket: str, s3_endpoint: str
) -> None:
    d = _dossier(province)
    scan = pdf_bytes("Giay khai sinh - ban quet")
    desk = Client()
    desk.force_login(province.users["desk"])
    # The workspace's upload form, as an officer uses it.
    posted = desk.post(
        f"/can-bo/ho-so/{d.code}/tep/",
        {"file": SimpleUploadedFile("Giấy khai sinh.pdf", scan), "kind": "document"},
    )
    assert posted.status_code == 302
    attachment = Attachment.objects.get(dossier=d)
    assert attachment.sha256 == hashlib.sha256(scan).hexdigest()

    stored = bucket_objects(s3_endpoint, bucket, "ho-so")
    assert stored == {attachment.file.name: scan}
    assert attachment.file.name.startswith("dossiers/")

    page = desk.get(f"/can-bo/ho-so/{d.code}/tep/{attachment.pk}/")
    assert page.status_code == 200
    body = b"".join(page.streaming_content)
    assert body == scan
    assert page["X-Content-SHA256"] == hashlib.sha256(body).hexdigest() == attachment.sha256

    api = _token_client("desk")
    response = api.get(f"/api/v1/dossiers/{d.code}/attachments/{attachment.pk}")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body == scan and response["X-Content-SHA256"] == hashlib.sha256(body).hexdigest()
    assert response["Content-Length"] == str(len(scan))


def test_a_file_changed_in_the_bucket_is_refused_on_download(
    province: Province, bucket: str, s3_endpoint: str
) -> None:
    d = _dossier(province)
    api = _token_client("desk")
    scan = pdf_bytes("So ho khau")
    created = api.post(
        f"/api/v1/dossiers/{d.code}/attachments",
        {"file": SimpleUploadedFile("so-ho-khau.pdf", scan), "kind": "document"},
        format="multipart",
    )
    assert created.status_code == 201, created.content
    attachment = Attachment.objects.get(pk=created.json()["id"])
    # Someone with access to the bucket replaces the file behind MotCua's back.
    forged = pdf_bytes("So ho khau (da sua)")
    s3_client(s3_endpoint).put_object(
        Bucket=bucket, Key=f"ho-so/{attachment.file.name}", Body=forged
    )

    response = api.get(f"/api/v1/dossiers/{d.code}/attachments/{attachment.pk}")
    assert response.status_code == 409
    assert "SHA-256 không khớp" in response.json()["detail"]
    assert forged not in response.content

    desk = Client()
    desk.force_login(province.users["desk"])
    page = desk.get(f"/can-bo/ho-so/{d.code}/tep/{attachment.pk}/")
    assert page.status_code == 409
    html = page.content.decode()
    assert 'id="problem"' in html and "SHA-256 không khớp" in html
    assert forged not in page.content

    # Gone from the bucket altogether: refused with its own message, never a 500.
    s3_client(s3_endpoint).delete_object(Bucket=bucket, Key=f"ho-so/{attachment.file.name}")
    missing = api.get(f"/api/v1/dossiers/{d.code}/attachments/{attachment.pk}")
    assert missing.status_code == 409
    assert "Không tìm thấy tệp" in missing.json()["detail"]


def test_an_issued_form_changed_in_the_bucket_is_refused(
    province: Province, bucket: str, s3_endpoint: str
) -> None:
    from motcua.forms.models import IssuedForm
    from motcua.forms.services import form_issue

    d = _dossier(province)
    pdf, _drawn = form_issue(dossier=d, number="01")  # the receipt, filed in the bucket
    issued = IssuedForm.objects.get(dossier=d, number="01")
    key = f"ho-so/{issued.attachment.file.name}"
    assert bucket_objects(s3_endpoint, bucket, "ho-so")[issued.attachment.file.name] == pdf
    desk = Client()
    desk.force_login(province.users["desk"])
    served = desk.get(f"/can-bo/ho-so/{d.code}/bieu-mau/01/")
    assert served.status_code == 200 and served.content == pdf

    s3_client(s3_endpoint).put_object(Bucket=bucket, Key=key, Body=pdf_bytes("Forged receipt"))
    page = desk.get(f"/can-bo/ho-so/{d.code}/bieu-mau/01/")
    assert page.status_code == 409 and "SHA-256 không khớp" in page.content.decode()
    api = _token_client("desk").get(f"/api/v1/dossiers/{d.code}/forms/01")
    assert api.status_code == 409 and "SHA-256 không khớp" in api.json()["detail"]


# --- backup and restore between a bucket and a data dir, as an operator runs them ---

CATALOG_AND_LIVE = """
from django.core.files.base import ContentFile
from motcua.dossiers.attachments import attachment_add
from motcua.dossiers.lifecycle import Action
from motcua.dossiers.services import dossier_act, dossier_intake
from motcua.dossiers.tests.files import pdf_bytes
from motcua.procedures.models import Procedure
from motcua.units.models import Unit

for i in range(2):
    d, _created = dossier_intake(
        actor=None,
        procedure=Procedure.objects.get(code="3.000001"),
        unit=Unit.objects.get(code="000.01.01.T01"),
        channel="counter",
        applicant={"kind": "citizen", "name": "Lê Văn Cường", "phone": "0912345678"},
        case_code="lan-dau",
    )
    attachment_add(
        dossier=d, actor=None, upload=ContentFile(pdf_bytes(f"To khai {i}")),
        name=f"Tờ khai {i}.pdf",
    )
    d = dossier_act(dossier=d, action=Action.FORWARD, actor=None, params={})
    d = dossier_act(dossier=d, action=Action.RESOLVE, actor=None, params={})
"""

CHECK_FILES = """
from motcua.dossiers.attachments import attachment_open
from motcua.dossiers.models import Attachment

n = 0
for a in Attachment.objects.all():
    with attachment_open(a):
        n += 1
print(f"{n} files match their SHA-256")
"""


def _ok(result: Any) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return str(result.stdout)


def _site(data_dir: Path, tmp_path: Path, env: dict[str, str]) -> None:
    """A site with live dossiers, their files and their issued forms."""
    from motcua.dossiers.tests.conftest import CATALOG

    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps(CATALOG, ensure_ascii=False), encoding="utf-8")
    _ok(run_motcua("migrate", data_dir=data_dir, env=env))
    _ok(run_motcua("import-catalog", str(catalog), data_dir=data_dir, env=env))
    _ok(run_motcua("manage", "shell", "-c", CATALOG_AND_LIVE, data_dir=data_dir, env=env))
    _ok(
        run_motcua(
            "manage", "db_worker", "--batch", "--queue-name", "*", data_dir=data_dir, env=env
        )
    )


def _local_files(data_dir: Path) -> dict[str, bytes]:
    root = data_dir / "files"
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.slow
@pytest.mark.embedded
def test_backup_from_a_bucket_restores_into_a_data_dir_and_back(
    s3_endpoint: str, tmp_path: Path
) -> None:
    source_bucket = new_bucket(s3_endpoint)
    source = tmp_path / "source"
    source.mkdir()
    source_env = child_env(source, **s3_env(s3_endpoint, source_bucket, "tinh/tep"))
    _site(source, tmp_path, source_env)
    in_bucket = bucket_objects(s3_endpoint, source_bucket, "tinh/tep")
    # Two applicants' files and at least the receipts (form 01) of both dossiers.
    assert len(in_bucket) >= 4
    assert not (source / "files").exists()  # nothing went to the local data dir

    archive = tmp_path / "from-s3.tar.gz"
    assert f"({len(in_bucket)} files)" in _ok(
        run_motcua("backup", str(archive), data_dir=source, env=source_env)
    )

    # S3 → a fresh local data dir.
    local = tmp_path / "local"
    local.mkdir()
    _ok(run_motcua("restore", str(archive), data_dir=local))
    assert _local_files(local) == in_bucket
    assert "all 2 dossier histories are intact" in _ok(run_motcua("verify-history", data_dir=local))
    assert f"{len(in_bucket)} files match" in _ok(
        run_motcua("manage", "shell", "-c", CHECK_FILES, data_dir=local)
    )

    # Local → another bucket: a backup of the local site restores into S3.
    second = tmp_path / "from-local.tar.gz"
    _ok(run_motcua("backup", str(second), data_dir=local))
    target_bucket = new_bucket(s3_endpoint)
    target = tmp_path / "target"
    target.mkdir()
    target_env = child_env(target, **s3_env(s3_endpoint, target_bucket, "khoi-phuc"))
    _ok(run_motcua("restore", str(second), data_dir=target, env=target_env))
    assert bucket_objects(s3_endpoint, target_bucket, "khoi-phuc") == in_bucket
    assert not (target / "files").exists()
    assert "all 2 dossier histories are intact" in _ok(
        run_motcua("verify-history", data_dir=target, env=target_env)
    )
    assert f"{len(in_bucket)} files match" in _ok(
        run_motcua("manage", "shell", "-c", CHECK_FILES, data_dir=target, env=target_env)
    )

    # Restoring again into the same bucket is refused (its database is no longer empty).
    again = run_motcua("restore", str(second), data_dir=target, env=target_env)
    assert again.returncode == 1 and "not empty" in again.stderr
