"""Results and official forms come out signed (PAdES) with the issuing unit's certificate,
in a worker after the commit, and validate in pyHanko: intact, the right signer, a timestamp
from the TSA and the revocation data of the chain embedded (PAdES-B-LT)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from motcua.dossiers.models import Attachment, AttachmentKind
from motcua.forms.models import IssuedForm
from motcua.signing.models import Signature, SignatureStatus
from motcua.signing.services import attachment_sign, signatures_retry
from motcua.signing.tests.conftest import Province, province  # noqa: F401
from motcua.signing.tests.helpers import add_unit_certificate, name_leader, resolved_with_result
from motcua.signing.tests.pki import TestPKI


def read(attachment: Attachment) -> bytes:
    with attachment.file.open("rb") as handle:
        return handle.read()


def check_in_pyhanko(data: bytes, pki: TestPKI) -> Any:
    """pyHanko's own validation against the test root only (not MotCua's code)."""
    reader = PdfFileReader(io.BytesIO(data))
    (sig,) = reader.embedded_signatures
    context = ValidationContext(trust_roots=[pki.arch.get_cert("root")])
    status = validate_pdf_signature(sig, context, ts_validation_context=context)
    return reader, status


@pytest.mark.django_db
def test_a_resolved_result_is_signed_by_the_unit_and_validates_in_pyhanko(
    province: Province,  # noqa: F811
    signing: TestPKI,
    django_capture_on_commit_callbacks: Any,
) -> None:
    add_unit_certificate(province, signing)
    name_leader(province)

    dossier, result = resolved_with_result(province, django_capture_on_commit_callbacks)

    signature = Signature.objects.get(attachment=result)
    assert signature.status == SignatureStatus.SIGNED, signature.problem
    data = read(result)
    reader, status = check_in_pyhanko(data, signing)
    assert status.bottom_line, status.pretty_print_details()
    assert status.intact and status.valid and status.trusted
    assert status.signing_cert.subject.native["common_name"] == "UBND xã Thử Nghiệm"
    # PAdES-B-T: a timestamp token from the TSA, itself valid and trusted.
    assert status.timestamp_validity is not None
    assert status.timestamp_validity.valid and status.timestamp_validity.trusted
    # PAdES-B-LT: the OCSP response of the signer's certificate embedded in the DSS.
    dss = reader.root["/DSS"]
    assert len(dss["/OCSPs"]) >= 1
    assert signature.level == "PAdES-B-LT"
    # The visible stamp's QR code links to this file's public verification page.
    page = reader.root["/Pages"]["/Kids"][0]
    links = [a.get_object() for a in page["/Annots"] if a.get_object()["/Subtype"] == "/Link"]
    assert [str(a["/A"]["/URI"]) for a in links] == [
        f"http://127.0.0.1:8000/xac-thuc/{signature.token}/"
    ]
    # The stamp names the person who signed for the unit, with the title.
    assert signature.signer_name == "Lê Văn Cường"
    assert signature.signer_title == "Phó Chủ tịch UBND xã"
    # The dossier's file is now the signed one, with its SHA-256.
    import hashlib

    assert result.sha256 == hashlib.sha256(data).hexdigest() == signature.sha256
    assert signature.original_sha256 != signature.sha256
    assert result.size == len(data)
    assert dossier.code


@pytest.mark.django_db
def test_an_issued_form_is_signed_with_the_receiving_units_certificate(
    province: Province,  # noqa: F811
    signing: TestPKI,
    django_capture_on_commit_callbacks: Any,
) -> None:
    add_unit_certificate(province, signing)

    resolved_with_result(province, django_capture_on_commit_callbacks)

    issued = IssuedForm.objects.select_related("attachment").get(number="01")
    signature = Signature.objects.get(attachment=issued.attachment)
    assert signature.status == SignatureStatus.SIGNED, signature.problem
    assert signature.unit == province.commune
    _, status = check_in_pyhanko(read(issued.attachment), signing)
    assert status.bottom_line, status.pretty_print_details()
    assert status.timestamp_validity is not None


@pytest.mark.django_db
def test_a_result_filed_while_processing_waits_for_the_resolve(
    province: Province,  # noqa: F811
    signing: TestPKI,
    django_capture_on_commit_callbacks: Any,
) -> None:
    add_unit_certificate(province, signing)
    result = Attachment.objects.none()
    from motcua.dossiers import services as s
    from motcua.dossiers.attachments import attachment_add
    from motcua.dossiers.tests.conftest import APPLICANT
    from motcua.dossiers.tests.files import pdf_bytes

    u = province.users
    with django_capture_on_commit_callbacks(execute=True):
        d, _ = s.dossier_intake(
            actor=u["desk"],
            procedure=province.procedure("1.001193"),
            unit=province.commune,
            channel="counter",
            applicant=APPLICANT,
        )
        d = s.dossier_forward(dossier=d, actor=u["desk"])
        result = attachment_add(
            dossier=d,
            actor=u["specialist"],
            upload=io.BytesIO(pdf_bytes("du thao")),
            name="du-thao.pdf",
            kind=AttachmentKind.RESULT,
        )

    assert not Signature.objects.filter(attachment=result).exists()


@pytest.mark.django_db
def test_without_a_certificate_nothing_is_signed_until_one_is_added(
    province: Province,  # noqa: F811
    signing: TestPKI,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _, result = resolved_with_result(province, django_capture_on_commit_callbacks)
    signature = Signature.objects.get(attachment=result)
    assert signature.status == SignatureStatus.FAILED
    assert "chưa có chứng thư số" in signature.problem
    assert result.sha256 == signature.original_sha256  # the file is untouched

    add_unit_certificate(province, signing)
    with django_capture_on_commit_callbacks(execute=True):
        queued = signatures_retry()

    assert queued >= 2  # the result and the receipt (form 01)
    signature.refresh_from_db()
    result.refresh_from_db()
    assert signature.status == SignatureStatus.SIGNED
    assert result.sha256 == signature.sha256
    assert attachment_sign(attachment_id=result.pk) == "signed"  # idempotent


@pytest.mark.django_db
def test_without_a_tsa_the_signature_is_pades_b_b(
    province: Province,  # noqa: F811
    signing: TestPKI,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.MOTCUA_SIGNING_TSA_URL = ""
    settings.MOTCUA_SIGNING_LTV = False
    add_unit_certificate(province, signing)

    _, result = resolved_with_result(province, django_capture_on_commit_callbacks)

    signature = Signature.objects.get(attachment=result)
    assert signature.level == "PAdES-B-B"
    reader, status = check_in_pyhanko(read(result), signing)
    assert status.bottom_line
    assert status.timestamp_validity is None
    assert "/DSS" not in reader.root


@pytest.mark.django_db
def test_the_officer_sees_which_files_are_signed(
    province: Province,  # noqa: F811
    signing: TestPKI,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.test import Client

    add_unit_certificate(province, signing)
    dossier, _ = resolved_with_result(province, django_capture_on_commit_callbacks)
    client = Client()
    client.force_login(province.users["leader"])

    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()

    assert page.count("đã ký số") >= 2  # the result and the receipt (form 01)
