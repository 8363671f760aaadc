"""The demo's own certificate authority, clearly labelled "CA THỬ NGHIỆM — không có giá trị
pháp lý" (a test CA with no legal value), and a signing certificate for every demo unit, so
the demo's results and forms come out signed and verify on ``/xac-thuc/``. Made once at demo
start and kept in the data dir (``signing/demo/``); its root goes into the trust dir. Never
used outside the demo: production units get certificates from a licensed CA
(``motcua signing add-certificate``)."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.utils import timezone

from motcua.signing.models import SigningCertificate
from motcua.signing.services import certificate_add
from motcua.units.models import Unit

DEMO_CA_NAME = "CA THỬ NGHIỆM — không có giá trị pháp lý"
DEMO_LABEL = "THỬ NGHIỆM — không có giá trị pháp lý"


def _folder() -> Path:
    path = Path(settings.DATA_DIR) / "signing" / "demo"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _fit(text: str, limit: int = 64) -> str:
    """X.509 bounds a common name to 64 bytes of UTF-8 (Vietnamese letters take two or
    three): long unit names are cut on a character boundary."""
    while len(text.encode()) > limit:
        text = text[:-1]
    return text.rstrip()


def _name(common: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "MotCua demo"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, DEMO_LABEL),
            x509.NameAttribute(NameOID.COMMON_NAME, _fit(common)),
        ]
    )


def demo_ca() -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """The demo CA's key and certificate, made on first use and kept in the data dir."""
    folder = _folder()
    key_path, cert_path = folder / "ca.key.pem", folder / "ca.pem"
    if key_path.exists() and cert_path.exists():
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        return key, x509.load_pem_x509_certificate(cert_path.read_bytes())
    key = ec.generate_private_key(ec.SECP256R1())
    now = timezone.now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(DEMO_CA_NAME))
        .issuer_name(_name(DEMO_CA_NAME))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    trust = Path(settings.MOTCUA_SIGNING_TRUST_DIR)
    trust.mkdir(mode=0o700, parents=True, exist_ok=True)
    (trust / "demo-ca.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key, cert


def demo_unit_p12(unit: Unit, password: bytes) -> bytes:
    ca_key, ca = demo_ca()
    key = ec.generate_private_key(ec.SECP256R1())
    now = timezone.now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(unit.name))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=730))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        unit.code.encode(),
        key,
        cert,
        [ca],
        serialization.BestAvailableEncryption(password),
    )


def demo_certificates() -> int:
    """A demo certificate for every unit that has no active one; returns how many were made.
    The demo CA's root is (re)written into the trust dir."""
    demo_ca()
    made = 0
    now = timezone.now()
    with_cert = set(
        SigningCertificate.objects.filter(active=True, not_after__gt=now).values_list(
            "unit_id", flat=True
        )
    )
    for unit in Unit.objects.exclude(pk__in=with_cert).order_by("pk")[:500]:
        password = secrets.token_urlsafe(12)
        certificate_add(unit=unit, p12=demo_unit_p12(unit, password.encode()), password=password)
        made += 1
    return made
