"""``POST /api/v1/verify`` and the page ``/xac-thuc/`` (CONTRACT.md §10): valid for the file
MotCua issued; a changed byte, an unsigned file, a certificate of an unknown CA or an expired
one are said plainly; garbage never makes a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pyhanko.sign import signers
from rest_framework.test import APIClient

from motcua.core.ratelimit import client_ip  # noqa: F401 - the limiter the views use
from motcua.dossiers.models import Attachment
from motcua.dossiers.tests.files import pdf_bytes
from motcua.signing.models import Signature
from motcua.signing.pades import Stamp, pdf_sign
from motcua.signing.tests.conftest import Province, province  # noqa: F401
from motcua.signing.tests.helpers import add_unit_certificate, resolved_with_result
from motcua.signing.tests.pki import PASSWORD, TestPKI


def read(attachment: Attachment) -> bytes:
    with attachment.file.open("rb") as handle:
        return handle.read()


def verify(data: bytes, client: APIClient | None = None) -> dict[str, Any]:
    client = client or APIClient()
    response = client.post(
        "/api/v1/verify",
        {"file": SimpleUploadedFile("ketqua.pdf", data, content_type="application/pdf")},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    return dict(response.json())


def signed_by(pki: TestPKI, label: str, settings: Any) -> bytes:
    """A PDF signed outside MotCua with the test PKI's ``label`` certificate, no TSA."""
    settings.MOTCUA_SIGNING_TSA_URL = ""
    settings.MOTCUA_SIGNING_LTV = False
    signer = signers.SimpleSigner.load_pkcs12_data(
        pki.p12(label), other_certs=[], passphrase=PASSWORD
    )
    from django.utils import timezone

    return pdf_sign(
        pdf_bytes("Ban sao"),
        signer=signer,
        stamp=Stamp(unit="Nơi khác", person="Ai đó", url="http://127.0.0.1/", when=timezone.now()),
    )


@pytest.fixture
def issued(
    province: Province,  # noqa: F811
    signing: TestPKI,
    django_capture_on_commit_callbacks: Any,
) -> tuple[Any, Attachment]:
    add_unit_certificate(province, signing)
    return resolved_with_result(province, django_capture_on_commit_callbacks)


@pytest.mark.django_db
def test_the_issued_result_is_valid_and_matches_the_file_motcua_issued(issued: Any) -> None:
    dossier, result = issued

    body = verify(read(result))

    assert body["valid"] is True
    assert body["outcome"] == "valid"
    assert body["signer"] == "UBND xã Thử Nghiệm"
    assert body["dossier_code"] == dossier.code
    assert body["issued_by_motcua"] is True
    assert body["sha256"] == result.sha256
    assert body["timestamped"] is True
    assert body["signed_at"].startswith(
        str(Signature.objects.get(attachment=result).signed_at.year)
    )
    assert "Nguyễn" not in str(body)  # nobody's name: the applicant is private


@pytest.mark.django_db
def test_a_changed_byte_is_caught(issued: Any) -> None:
    _, result = issued
    data = bytearray(read(result))
    at = data.index(b"Giay khai sinh") if b"Giay khai sinh" in data else data.index(b"stream") + 20
    data[at] ^= 0x01

    body = verify(bytes(data))

    assert body["valid"] is False
    assert body["outcome"] == "tampered"
    assert "bị sửa đổi" in body["message"]
    assert body["issued_by_motcua"] is False


@pytest.mark.django_db
def test_a_file_signed_by_an_unknown_ca_is_of_unknown_origin(
    issued: Any, signing: TestPKI, settings: Any
) -> None:
    body = verify(signed_by(signing, "stranger", settings))

    assert body["valid"] is False
    assert body["outcome"] == "untrusted"
    assert "không rõ nguồn" in body["message"]
    assert body["signer"] == "Người lạ"


@pytest.mark.django_db
def test_a_file_signed_with_an_expired_certificate_says_so(
    issued: Any, signing: TestPKI, settings: Any
) -> None:
    body = verify(signed_by(signing, "old", settings))

    assert body["valid"] is False
    assert body["outcome"] == "expired"
    assert "hết hạn" in body["message"]


@pytest.mark.django_db
def test_an_unsigned_pdf_and_garbage_are_answered_plainly(db: None) -> None:
    assert verify(pdf_bytes("khong ky"))["outcome"] == "unsigned"
    for junk in (b"not a pdf at all", b"%PDF-1.7\n garbage \x00\xff", pdf_bytes()[:200]):
        body = verify(junk)
        assert body["valid"] is False
        assert body["outcome"] in {"not_pdf", "unsigned"}
    client = APIClient()
    assert client.post("/api/v1/verify", {}, format="multipart").status_code == 400
    empty = SimpleUploadedFile("a.pdf", b"", content_type="application/pdf")
    assert client.post("/api/v1/verify", {"file": empty}, format="multipart").status_code == 400
    assert client.post("/api/v1/verify", b"{}", content_type="application/json").status_code in {
        400,
        415,
    }


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused(db: None, settings: Any) -> None:
    settings.MOTCUA_VERIFY_MAX_MB = 1
    big = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10))

    response = APIClient().post("/api/v1/verify", {"file": big}, format="multipart")

    assert response.status_code == 413


@pytest.mark.django_db
def test_checks_are_rate_limited_per_client(db: None, settings: Any) -> None:
    settings.MOTCUA_VERIFY_RATE = "2/min"
    client = APIClient()
    data = pdf_bytes()

    codes = [
        client.post(
            "/api/v1/verify", {"file": SimpleUploadedFile("a.pdf", data)}, format="multipart"
        ).status_code
        for _ in range(3)
    ]

    assert codes == [200, 200, 429]


@pytest.mark.django_db
def test_the_page_checks_an_upload_in_vietnamese(issued: Any, signing: TestPKI) -> None:
    dossier, result = issued
    client = Client()

    assert client.get("/xac-thuc/").status_code == 200
    good = client.post("/xac-thuc/", {"file": SimpleUploadedFile("kq.pdf", read(result))})
    data = bytearray(read(result))
    data[data.index(b"stream") + 20] ^= 0x01
    bad = client.post("/xac-thuc/", {"file": SimpleUploadedFile("kq.pdf", bytes(data))})

    assert good.status_code == 200
    page = good.content.decode()
    assert "Chữ ký số hợp lệ" in page
    assert dossier.code in page
    assert "Tệp trùng khớp với văn bản hệ thống đã cấp" in page
    assert "bị sửa đổi" in bad.content.decode()


@pytest.mark.django_db
def test_the_qr_link_shows_the_issued_file_without_personal_data(issued: Any) -> None:
    dossier, result = issued
    signature = Signature.objects.get(attachment=result)
    client = Client()

    page = client.get(f"/xac-thuc/{signature.token}/")
    by_hash = client.get(f"/xac-thuc/{signature.sha256}/")
    compared = client.post(
        f"/xac-thuc/{signature.token}/", {"file": SimpleUploadedFile("kq.pdf", read(result))}
    )
    other = client.post(
        f"/xac-thuc/{signature.token}/", {"file": SimpleUploadedFile("kq.pdf", pdf_bytes())}
    )

    assert page.status_code == by_hash.status_code == 200
    text = page.content.decode()
    assert dossier.code in text and dossier.unit.name in text
    assert signature.sha256 in text
    assert dossier.applicant_name not in text
    assert "Tệp trùng khớp" in compared.content.decode()
    assert "không trùng khớp" in other.content.decode()
    assert client.get("/xac-thuc/khong-co-ma-nay-123/").status_code == 404


@pytest.mark.django_db
def test_the_page_in_english(issued: Any) -> None:
    _, result = issued
    client = Client(headers={"Accept-Language": "en"})
    client.cookies["django_language"] = "en"

    response = client.post("/xac-thuc/", {"file": SimpleUploadedFile("kq.pdf", read(result))})

    assert "The digital signature is valid" in response.content.decode()


@pytest.mark.django_db
def test_the_verdict_page_reads_as_plain_vietnamese(issued: Any) -> None:
    from django.utils.html import strip_tags

    from motcua.core.textcheck import text_problems

    _, result = issued
    signature = Signature.objects.get(attachment=result)

    response = Client().post(
        f"/xac-thuc/{signature.token}/", {"file": SimpleUploadedFile("kq.pdf", read(result))}
    )

    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    flat = " ".join(strip_tags(main).split())
    assert text_problems(flat) == []
