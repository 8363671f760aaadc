"""Nothing that is to be signed goes out unsigned: a form asked for before the worker
signed it, or a result between the resolve and its signature, answers "being signed"
(503 with Retry-After; the page reloads itself) and then the signed copy. A scanned result
is filed as a PDF so it can be signed; a Word or Excel result is refused."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from motcua.dossiers import services as s
from motcua.dossiers.attachments import AttachmentTypeNotAllowed, attachment_add
from motcua.dossiers.models import Attachment, AttachmentKind, Dossier
from motcua.dossiers.tests.files import docx_bytes, image_bytes, pdf_bytes
from motcua.forms.models import IssuedForm
from motcua.signing.models import Signature, SignatureStatus
from motcua.signing.tests.conftest import APPLICANT, Province, province  # noqa: F401
from motcua.signing.tests.helpers import add_unit_certificate
from motcua.signing.tests.pki import TestPKI
from motcua.signing.tests.test_signing import check_in_pyhanko, read

pytestmark = pytest.mark.django_db


def counter_intake(province: Province) -> Dossier:  # noqa: F811
    d, _ = s.dossier_intake(
        actor=province.users["desk"],
        procedure=province.procedure("1.001193"),
        unit=province.commune,
        channel="counter",
        applicant=APPLICANT,
    )
    return d


def received_before_the_worker(
    province: Province,  # noqa: F811
    signing: TestPKI,
    capture: Any,
) -> Dossier:
    """A counter intake at a commune with a certificate; no worker has run yet (its form 01
    is neither drawn nor signed)."""
    add_unit_certificate(province, signing)
    with capture(execute=False):
        return counter_intake(province)


def desk(province: Province) -> Client:  # noqa: F811
    client = Client()
    client.force_login(province.users["desk"])
    return client


def test_a_receipt_asked_for_before_the_worker_signed_it_waits_then_comes_signed(
    province: Province,  # noqa: F811
    signing: TestPKI,
    django_capture_on_commit_callbacks: Any,
) -> None:
    d = received_before_the_worker(province, signing, django_capture_on_commit_callbacks)
    client = desk(province)
    url = f"/can-bo/ho-so/{d.code}/bieu-mau/01/"

    with django_capture_on_commit_callbacks(execute=True):
        waiting = client.get(url)  # drawn and filed now; its signature queued

    assert waiting.status_code == 503
    assert waiting["Retry-After"] == "3"
    page = waiting.content.decode()
    assert "Biểu mẫu đang được ký số" in page
    assert '<meta http-equiv="refresh" content="3">' in page
    assert waiting["Content-Type"].startswith("text/html")

    signed = client.get(url)  # the worker signed it after the commit

    assert signed.status_code == 200 and signed["Content-Type"] == "application/pdf"
    issued = IssuedForm.objects.select_related("attachment").get(dossier=d, number="01")
    assert Signature.objects.get(attachment=issued.attachment).status == SignatureStatus.SIGNED
    assert signed.content == read(issued.attachment)
    _, status = check_in_pyhanko(signed.content, signing)
    assert status.bottom_line, status.pretty_print_details()


def test_the_api_answers_503_with_retry_after_while_the_form_is_signed(
    province: Province,  # noqa: F811
    signing: TestPKI,
    django_capture_on_commit_callbacks: Any,
) -> None:
    d = received_before_the_worker(province, signing, django_capture_on_commit_callbacks)
    client = desk(province)
    url = f"/api/v1/dossiers/{d.code}/forms/01"

    with django_capture_on_commit_callbacks(execute=True):
        waiting = client.get(url)

    assert waiting.status_code == 503
    assert waiting["Retry-After"] == "3"
    assert waiting.json() == {
        "detail": "Biểu mẫu đang được ký số; vui lòng đợi vài giây rồi tải lại."
    }
    signed = client.get(url)
    assert signed.status_code == 200
    check_in_pyhanko(signed.content, signing)


def test_a_form_no_worker_will_sign_is_served_as_filed(
    province: Province,  # noqa: F811
    signing: TestPKI,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # No certificate for the commune or its parents: nothing will sign the receipt, and the
    # counter must still print it.
    with django_capture_on_commit_callbacks(execute=False):
        d = counter_intake(province)

    response = desk(province).get(f"/can-bo/ho-so/{d.code}/bieu-mau/01/")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert not PdfReader(io.BytesIO(response.content)).get_fields()  # no signature field


def test_a_form_still_unsigned_when_the_workers_are_down_is_served_after_the_wait(
    province: Province,  # noqa: F811
    signing: TestPKI,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    d = received_before_the_worker(province, signing, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):
        client = desk(province)
        url = f"/can-bo/ho-so/{d.code}/bieu-mau/01/"
        assert client.get(url).status_code == 503  # filed; no worker runs
        issued = IssuedForm.objects.get(dossier=d, number="01")
        Attachment.objects.filter(pk=issued.attachment_id).update(
            uploaded_at=issued.attachment.uploaded_at
            - dt.timedelta(seconds=settings.MOTCUA_SIGNING_WAIT_SECONDS + 1)
        )

        late = client.get(url)

    assert late.status_code == 200 and late["Content-Type"] == "application/pdf"
    assert not Signature.objects.filter(attachment_id=issued.attachment_id).exists()


def at_last_step(province: Province) -> Dossier:  # noqa: F811
    """A dossier with the commune's leader, who resolves it."""
    u = province.users
    d = counter_intake(province)
    d = s.dossier_forward(dossier=d, actor=u["desk"])
    return s.dossier_forward(dossier=d, actor=u["specialist"])


def test_a_result_is_not_downloaded_before_it_is_signed(
    province: Province,  # noqa: F811
    signing: TestPKI,
    django_capture_on_commit_callbacks: Any,
) -> None:
    add_unit_certificate(province, signing)
    u = province.users
    with django_capture_on_commit_callbacks(execute=False):
        d = at_last_step(province)
        result = attachment_add(
            dossier=d,
            actor=u["leader"],
            upload=io.BytesIO(pdf_bytes("Giay khai sinh")),
            name="giay-khai-sinh.pdf",
            kind=AttachmentKind.RESULT,
        )
        leader = Client()
        leader.force_login(u["leader"])
        url = f"/api/v1/dossiers/{d.code}/attachments/{result.pk}"
        assert leader.get(url).status_code == 200  # a draft before the resolve: read as is
    with django_capture_on_commit_callbacks(execute=True):
        s.dossier_resolve(dossier=d, actor=u["leader"])
        waiting = leader.get(url)  # resolved; the worker has yet to sign

    assert waiting.status_code == 503
    assert waiting.json()["detail"].startswith("Kết quả đang được ký số")
    signed = leader.get(url)
    assert signed.status_code == 200
    result.refresh_from_db()
    assert signed["X-Content-SHA256"] == result.sha256
    check_in_pyhanko(b"".join(signed.streaming_content), signing)


def test_a_scanned_result_is_filed_as_a_pdf_and_signed(
    province: Province,  # noqa: F811
    signing: TestPKI,
    django_capture_on_commit_callbacks: Any,
) -> None:
    add_unit_certificate(province, signing)
    u = province.users
    scan = image_bytes("JPEG", size=(1200, 1700))
    with django_capture_on_commit_callbacks(execute=True):
        d = at_last_step(province)
        result = attachment_add(
            dossier=d,
            actor=u["leader"],
            upload=io.BytesIO(scan),
            name="Giấy khai sinh (bản quét).jpg",
            kind=AttachmentKind.RESULT,
        )
    assert result.content_type == "application/pdf"
    assert result.name == "Giấy_khai_sinh_bản_quét.pdf"
    page = PdfReader(io.BytesIO(read(result))).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 portrait
    (image,) = page.images
    assert image.data == scan  # the JPEG embedded as scanned, not re-encoded

    with django_capture_on_commit_callbacks(execute=True):
        s.dossier_resolve(dossier=d, actor=u["leader"])

    result.refresh_from_db()
    assert Signature.objects.get(attachment=result).status == SignatureStatus.SIGNED
    _, status = check_in_pyhanko(read(result), signing)
    assert status.bottom_line, status.pretty_print_details()


def test_a_word_result_is_refused_and_nothing_is_stored(
    province: Province,  # noqa: F811
) -> None:
    d = at_last_step(province)

    with pytest.raises(AttachmentTypeNotAllowed) as refused:
        attachment_add(
            dossier=d,
            actor=province.users["leader"],
            upload=io.BytesIO(docx_bytes()),
            name="ket-qua.docx",
            kind=AttachmentKind.RESULT,
        )

    assert "phải là tệp PDF" in refused.value.message
    assert refused.value.status_code == 415
    assert not d.attachments.filter(kind=AttachmentKind.RESULT).exists()
    # The same file is still taken as a document of the dossier.
    attachment_add(
        dossier=d,
        actor=province.users["leader"],
        upload=io.BytesIO(docx_bytes()),
        name="ghi-chu.docx",
        kind=AttachmentKind.DOCUMENT,
    )
