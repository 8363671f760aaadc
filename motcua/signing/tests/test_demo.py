"""The demo's own CA, clearly labelled as a test CA with no legal value, and a certificate for
every unit, made once and kept in the data dir; what the demo signs verifies."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from motcua.signing.demo import DEMO_CA_NAME, demo_certificates
from motcua.signing.models import Signature, SignatureStatus, SigningCertificate
from motcua.signing.tests.conftest import Province, province  # noqa: F401
from motcua.signing.tests.helpers import resolved_with_result
from motcua.signing.tests.test_signing import read
from motcua.signing.verification import pdf_verify
from motcua.units.models import Unit


@pytest.mark.django_db
def test_the_demo_ca_is_labelled_cached_and_its_results_verify(
    province: Province,  # noqa: F811
    settings: Any,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.DATA_DIR = tmp_path
    settings.MOTCUA_SIGNING_TRUST_DIR = str(tmp_path / "signing" / "trust")
    settings.MOTCUA_SIGNING_TSA_URL = ""
    settings.MOTCUA_SIGNING_LTV = False

    long_name = "Ủy ban nhân dân xã Thượng Lâm Đường Hưng, huyện Thạch Thành, tỉnh Thanh Hóa"
    Unit.objects.filter(pk=province.commune2.pk).update(name=long_name)  # > 64 bytes

    made = demo_certificates()
    ca = (tmp_path / "signing" / "demo" / "ca.pem").read_bytes()
    again = demo_certificates()

    assert made == Unit.objects.count() and again == 0
    assert (tmp_path / "signing" / "demo" / "ca.pem").read_bytes() == ca  # cached
    assert (tmp_path / "signing" / "trust" / "demo-ca.pem").exists()
    cert = SigningCertificate.objects.get(unit=province.commune)
    assert DEMO_CA_NAME in cert.issuer
    assert "không có giá trị pháp lý" in cert.subject

    _, result = resolved_with_result(province, django_capture_on_commit_callbacks)

    assert Signature.objects.get(attachment=result).status == SignatureStatus.SIGNED
    verdict = pdf_verify(read(result))
    assert verdict.valid and verdict.issued is not None
