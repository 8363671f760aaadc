"""The trust anchors of MotCua's signatures: the root certificates that came with the units'
certificates (the chain inside each PKCS#12 file an administrator added) and any certificate
file in ``MOTCUA_SIGNING_TRUST_DIR`` (PEM or DER; the demo CA's root lands there). A file
whose chain ends anywhere else is "of unknown origin"."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from asn1crypto import x509
from django.conf import settings
from pyhanko_certvalidator import ValidationContext

from motcua.signing.devices import certs_from_pem
from motcua.signing.models import SigningCertificate

logger = logging.getLogger(__name__)


def _is_self_signed(cert: x509.Certificate) -> bool:
    return bool(cert.self_signed in {"yes", "maybe"})


def trust_material() -> tuple[list[x509.Certificate], list[x509.Certificate]]:
    """(roots, intermediates) from the database and the trust dir."""
    roots: dict[bytes, x509.Certificate] = {}
    others: dict[bytes, x509.Certificate] = {}
    for chain in SigningCertificate.objects.values_list("chain_pem", flat=True):
        for cert in certs_from_pem(chain):
            (roots if _is_self_signed(cert) else others)[cert.sha256] = cert
    folder = Path(settings.MOTCUA_SIGNING_TRUST_DIR)
    if folder.is_dir():
        for path in sorted(folder.iterdir())[:1000]:
            if path.suffix.lower() not in {".pem", ".crt", ".cer", ".der"}:
                continue
            try:
                for cert in certs_from_pem(path.read_bytes()):
                    (roots if _is_self_signed(cert) else others)[cert.sha256] = cert
            except (OSError, ValueError) as exc:
                logger.warning("trust dir: %s skipped (%s)", path.name, exc)
    return list(roots.values()), list(others.values())


def chain_for(cert: x509.Certificate) -> list[x509.Certificate]:
    """The known CA certificates above ``cert`` (for a device whose token holds only the
    signer's certificate), nearest first; at most a few levels."""
    roots, others = trust_material()
    by_subject = {c.subject.dump(): c for c in [*others, *roots]}
    chain: list[x509.Certificate] = []
    current = cert
    for _ in range(6):
        issuer = by_subject.get(current.issuer.dump())
        if issuer is None or issuer.sha256 == current.sha256:
            break
        chain.append(issuer)
        current = issuer
    return chain


def validation_context(
    *, fetching: bool = False, moment: dt.datetime | None = None
) -> ValidationContext:
    """``fetching``: fetch OCSP responses and CRLs (signing with LTV only; the verification
    page never goes out on the network)."""
    from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend

    roots, others = trust_material()
    return ValidationContext(
        fetcher_backend=RequestsFetcherBackend(settings.MOTCUA_SIGNING_TIMEOUT)
        if fetching
        else None,
        trust_roots=roots,
        other_certs=others,
        allow_fetching=fetching,
        moment=moment,
        revocation_mode="soft-fail",
    )
