"""Checking a PDF someone holds: is it signed, untouched since, by a certificate whose chain
ends at one of MotCua's trust anchors (``motcua.signing.trust``), and is it the very file
MotCua issued (its SHA-256 is that of a signed result or form on record)?

pyHanko's validator does the work, on the bytes only: nothing is fetched from the network
during a check (the page is public), so revocation is checked from what the file embeds
(soft-fail). A certificate that expired after a trusted timestamp proves the signature was
made in time still validates at the timestamp's moment."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
from pyhanko.sign.validation import validate_pdf_signature

from motcua.signing.models import Signature, SignatureStatus
from motcua.signing.trust import validation_context

logger = logging.getLogger(__name__)

MESSAGES: dict[str, Any] = {
    "valid": _(
        "Chữ ký số hợp lệ: tệp còn nguyên vẹn từ khi ký và chứng thư số của đơn vị ký được tin cậy."
    ),
    "tampered": _("Tệp đã bị sửa đổi sau khi ký: chữ ký số không còn khớp với nội dung tệp."),
    "unsigned": _("Tệp chưa được ký số."),
    "untrusted": _("Chữ ký số không rõ nguồn: chứng thư số không do tổ chức được tin cậy cấp."),
    "expired": _("Chứng thư số của người ký đã hết hạn, chữ ký số không còn giá trị."),
    "revoked": _("Chứng thư số của người ký đã bị thu hồi."),
    "invalid": _("Chữ ký số không hợp lệ."),
    "not_pdf": _("Tệp không phải là tệp PDF đọc được."),
}
EXPIRED = {
    AdESIndeterminate.EXPIRED,
    AdESIndeterminate.OUT_OF_BOUNDS_NO_POE,
    AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED,
}
REVOKED = {
    AdESFailure.REVOKED,
    AdESIndeterminate.REVOKED_NO_POE,
    AdESIndeterminate.REVOKED_CA_NO_POE,
}
NOT_YET_VALID = {AdESFailure.NOT_YET_VALID, AdESIndeterminate.NOT_YET_VALID}


@dataclass
class Verdict:
    outcome: str
    sha256: str
    signer: str | None = None
    signed_at: dt.datetime | None = None
    timestamped: bool = False
    issued: Signature | None = None
    details: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.outcome == "valid"

    @property
    def message(self) -> str:
        return str(MESSAGES[self.outcome])

    @property
    def dossier_code(self) -> str | None:
        return self.issued.dossier.code if self.issued else None

    @property
    def unit_name(self) -> str | None:
        return self.issued.unit.name if self.issued else None


def issued_signature(sha256: str) -> Signature | None:
    return (
        Signature.objects.select_related("dossier", "unit")
        .filter(sha256=sha256, status=SignatureStatus.SIGNED)
        .first()
    )


def _common_name(cert: Any) -> str:
    try:
        name = cert.subject.native
    except (AttributeError, ValueError):
        return ""
    return str(name.get("common_name") or cert.subject.human_friendly)


def _status(sig: Any, moment: dt.datetime | None = None) -> Any:
    context = validation_context(moment=moment)
    return validate_pdf_signature(sig, context, ts_validation_context=validation_context())


def _judge(status: Any) -> str:
    if not status.intact or not status.valid:
        return "tampered"
    if status.docmdp_ok is False:
        return "tampered"
    if not status.trusted:
        indic = status.trust_problem_indic
        if indic in EXPIRED:
            return "expired"
        if indic in REVOKED:
            return "revoked"
        if indic in NOT_YET_VALID:
            return "invalid"
        return "untrusted"
    return "valid"


def pdf_verify(data: bytes) -> Verdict:
    """The verdict on ``data``; never raises on garbage."""
    sha256 = hashlib.sha256(data).hexdigest()
    verdict = Verdict(outcome="not_pdf", sha256=sha256, issued=issued_signature(sha256))
    if b"%PDF-" not in data[:1024]:
        return verdict
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = list(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        verdict.details.append(type(exc).__name__)
        return verdict
    except Exception as exc:  # a damaged file may fail anywhere in the parser
        logger.info("verify: unreadable PDF (%s)", type(exc).__name__)
        return verdict
    if not signatures:
        verdict.outcome = "unsigned"
        return verdict
    outcome = "valid"
    for sig in signatures:
        try:
            status = _status(sig)
        except Exception as exc:  # a signature the validator cannot even parse
            logger.info("verify: signature not checkable (%s)", type(exc).__name__)
            verdict.outcome = "tampered"
            return verdict
        judged = _judge(status)
        ts = status.timestamp_validity
        if judged == "expired" and ts is not None and ts.intact and ts.valid and ts.trusted:
            # Proof of existence while the certificate was valid (PAdES-B-T/LT).
            judged = _judge(_status(sig, moment=ts.timestamp))
        if verdict.signer is None:
            verdict.signer = _common_name(status.signing_cert)
            verdict.timestamped = ts is not None
            verdict.signed_at = ts.timestamp if ts is not None else status.signer_reported_dt
        if judged != "valid" and outcome == "valid":
            outcome = judged
    verdict.outcome = outcome
    return verdict
