"""Signing with a hardware token through PKCS#11: SoftHSM (Debian ``softhsm2``, installed by
``scripts/test`` when it may) stands in for the token. The unit's key and certificate are
put on a fresh token labelled with the unit code; MotCua signs a result with it, and the
file validates in pyHanko. The key never leaves the token."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from motcua.signing.models import Signature, SignatureStatus
from motcua.signing.tests.conftest import Province, province  # noqa: F401
from motcua.signing.tests.helpers import resolved_with_result
from motcua.signing.tests.pki import PASSWORD, TestPKI
from motcua.signing.tests.test_signing import check_in_pyhanko, read

MODULES = ["/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"]
PIN = "123456"


def _module() -> str | None:
    return next((m for m in MODULES if Path(m).exists()), None)


@pytest.fixture(scope="module")
def token(tmp_path_factory: pytest.TempPathFactory, pki: TestPKI) -> Iterator[dict[str, str]]:
    module = _module()
    if shutil.which("softhsm2-util") is None or module is None:
        pytest.skip(
            "SoftHSM is not installed (Debian package softhsm2; scripts/test installs it as root)"
        )
    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\n")
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(
        [
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            "motcua",
            "--pin",
            PIN,
            "--so-pin",
            "654321",
        ],
        check=True,
        capture_output=True,
        env=os.environ | {"SOFTHSM2_CONF": str(conf)},
    )
    yield {"module": module, "conf": str(conf)}
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous


def _put_on_token(token: dict[str, str], pki: TestPKI, label: str) -> None:
    import pkcs11
    from pkcs11.util.rsa import decode_rsa_private_key
    from pkcs11.util.x509 import decode_x509_certificate

    key, cert, _ = pkcs12.load_key_and_certificates(pki.p12("unit"), PASSWORD)
    assert key is not None and cert is not None
    lib = pkcs11.lib(token["module"])
    with lib.get_token(token_label="motcua").open(rw=True, user_pin=PIN) as session:
        attrs = decode_rsa_private_key(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.TraditionalOpenSSL,
                serialization.NoEncryption(),
            )
        )
        attrs.update(
            {
                pkcs11.Attribute.LABEL: label,
                pkcs11.Attribute.ID: b"\x01",
                pkcs11.Attribute.TOKEN: True,
                pkcs11.Attribute.SIGN: True,
                pkcs11.Attribute.SENSITIVE: True,
                pkcs11.Attribute.EXTRACTABLE: False,
            }
        )
        session.create_object(attrs)
        cert_attrs = decode_x509_certificate(cert.public_bytes(serialization.Encoding.DER))
        cert_attrs.update(
            {
                pkcs11.Attribute.LABEL: label,
                pkcs11.Attribute.ID: b"\x01",
                pkcs11.Attribute.TOKEN: True,
            }
        )
        session.create_object(cert_attrs)


@pytest.mark.django_db
def test_a_result_is_signed_with_the_key_on_a_pkcs11_token(
    province: Province,  # noqa: F811
    signing: TestPKI,
    token: dict[str, str],
    settings: Any,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _put_on_token(token, signing, province.commune.code)
    trust = Path(settings.MOTCUA_SIGNING_TRUST_DIR)
    trust.mkdir(parents=True, exist_ok=True)
    (trust / "test-root.pem").write_bytes(signing.pem("root") + signing.pem("interm"))
    settings.MOTCUA_SIGNING_DEVICE = "pkcs11"
    settings.MOTCUA_PKCS11_MODULE = token["module"]
    settings.MOTCUA_PKCS11_TOKEN = "motcua"
    settings.MOTCUA_PKCS11_PIN = PIN

    _, result = resolved_with_result(province, django_capture_on_commit_callbacks)

    signature = Signature.objects.get(attachment=result)
    assert signature.status == SignatureStatus.SIGNED, signature.problem
    assert signature.device == "pkcs11"
    _, status = check_in_pyhanko(read(result), signing)
    assert status.bottom_line, status.pretty_print_details()
    assert status.signing_cert.subject.native["common_name"] == "UBND xã Thử Nghiệm"
    assert status.timestamp_validity is not None


@pytest.mark.django_db
def test_a_unit_without_a_key_on_the_token_is_not_signed_and_says_why(
    province: Province,  # noqa: F811
    signing: TestPKI,
    token: dict[str, str],
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.MOTCUA_SIGNING_DEVICE = "pkcs11"
    settings.MOTCUA_PKCS11_MODULE = token["module"]
    settings.MOTCUA_PKCS11_TOKEN = "motcua"
    settings.MOTCUA_PKCS11_PIN = PIN
    settings.MOTCUA_PKCS11_KEY_LABEL = "khong-co-{unit}"

    _, result = resolved_with_result(province, django_capture_on_commit_callbacks)

    signature = Signature.objects.get(attachment=result)
    assert signature.status == SignatureStatus.FAILED
    assert "khong-co-" in signature.problem
