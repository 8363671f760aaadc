"""Writes of the signing app: a unit's certificate added, and the PDFs MotCua issues signed.

Which files are signed: every official form MotCua files (``IssuedForm``, Circular
03/2025/TT-VPCP) and every PDF result of a dossier once it is resolved (the decision the
leader signs for, Decree 61/2018/NĐ-CP art. 20 and Decree 45/2020/NĐ-CP art. 25: an
electronic result signed digitally has the value of the paper one). Signing is slow (a
timestamp and revocation data come from outside), so it runs in a worker after the commit
(``background_call``), never inside a request; the filed copy is replaced by the signed one
and the attachment's SHA-256 becomes that of the signed file, the original digest staying
on the ``Signature`` row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from asn1crypto import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from motcua.core.people import person_label
from motcua.dossiers.attachments import SignaturePending
from motcua.dossiers.hooks import is_replaying
from motcua.dossiers.models import Attachment, AttachmentKind, Dossier, DossierEvent
from motcua.signing.devices import (
    DeviceError,
    NoCertificate,
    certs_to_pem,
    signing_device,
    unit_certificate,
)
from motcua.signing.models import Signature, SignatureStatus, SigningCertificate
from motcua.signing.pades import Stamp, level, pdf_sign
from motcua.units.models import Unit

logger = logging.getLogger(__name__)
PDF = "application/pdf"
SIGN_TASK = "motcua.signing.services.attachment_sign"


class CertificateRefused(Exception):
    """A PKCS#12 file that cannot become a unit's certificate; the message says why."""


@dataclass(frozen=True)
class CertificateInfo:
    subject: str
    issuer: str
    not_after: dt.datetime


def _name(cert: x509.Certificate, which: str) -> str:
    return str(getattr(cert, which).human_friendly)


def certificate_add(
    *, unit: Unit, p12: bytes, password: str, now: dt.datetime | None = None
) -> SigningCertificate:
    """Open a PKCS#12 file, check it (password, a key that matches the certificate, in its
    validity period, usable for signatures) and store it for ``unit``; the unit's earlier
    certificates stay for the files they signed but are no longer used."""
    now = now or timezone.now()
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(p12, password.encode() or None)
    except ValueError as exc:
        text = str(exc).lower()
        if "password" in text or "mac" in text or "decrypt" in text:
            raise CertificateRefused(
                "wrong password for the PKCS#12 file (MOTCUA_P12_PASSWORD)"
            ) from None
        raise CertificateRefused("the file is not a readable PKCS#12 (.p12/.pfx) file") from None
    if key is None or cert is None:
        raise CertificateRefused("the PKCS#12 file holds no private key with its certificate")
    pub = cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    if (
        key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        != pub
    ):
        raise CertificateRefused("the private key does not belong to the certificate")
    der = cert.public_bytes(serialization.Encoding.DER)
    parsed = x509.Certificate.load(der)
    not_before, not_after = cert.not_valid_before_utc, cert.not_valid_after_utc
    if not_after <= now:
        raise CertificateRefused(
            f"the certificate expired on {timezone.localtime(not_after):%d/%m/%Y}"
        )
    if not_before > now:
        raise CertificateRefused(
            f"the certificate is valid only from {timezone.localtime(not_before):%d/%m/%Y}"
        )
    usage = parsed.key_usage_value
    if usage is not None and not ({"digital_signature", "non_repudiation"} & set(usage.native)):
        raise CertificateRefused("the certificate is not for digital signatures (key usage)")
    chain = [x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in extra]
    fingerprint = hashlib.sha256(der).hexdigest()
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    with transaction.atomic():
        SigningCertificate.objects.filter(unit=unit, active=True).update(active=False)
        record, _ = SigningCertificate.objects.update_or_create(
            fingerprint=fingerprint,
            defaults={
                "unit": unit,
                "subject": _name(parsed, "subject")[:500],
                "issuer": _name(parsed, "issuer")[:500],
                "serial": format(parsed.serial_number, "x")[:80],
                "not_before": not_before,
                "not_after": not_after,
                "certificate_pem": certs_to_pem([parsed]),
                "chain_pem": certs_to_pem(chain),
                "key_pem": key_pem,
                "active": True,
            },
        )
    return record


# --- which files are signed, queued after the commit ----------------------------------


def _signable(attachment: Attachment) -> bool:
    return attachment.content_type == PDF and attachment.kind in {
        AttachmentKind.FORM,
        AttachmentKind.RESULT,
    }


def attachment_filed(sender: Any, instance: Attachment, created: bool, **kwargs: Any) -> None:
    """``post_save`` of an attachment: a new form or result PDF is queued for signing (a
    result is signed only once its dossier is resolved; see ``signing_event_hook``)."""
    from motcua.outbox.scheduler import background_call

    if not created or kwargs.get("raw") or is_replaying() or not _signable(instance):
        return
    background_call(SIGN_TASK, attachment_id=instance.pk)


def signing_event_hook(dossier: Dossier, event: DossierEvent) -> None:
    """At resolve and at a correction, the results already filed are queued for signing."""
    from motcua.outbox.scheduler import background_call

    if event.action not in {"resolve", "correct"} or dossier.import_key:
        return
    pending = Attachment.objects.filter(
        dossier=dossier,
        kind=AttachmentKind.RESULT,
        content_type=PDF,
        superseded_at__isnull=True,
    ).exclude(signature__status=SignatureStatus.SIGNED)
    for attachment_id in pending.values_list("pk", flat=True)[:100]:
        background_call(SIGN_TASK, attachment_id=attachment_id)


def _issuing_unit(attachment: Attachment) -> Unit:
    """The unit whose certificate signs: for a result the unit that resolved, for a form the
    unit that received."""
    dossier = attachment.dossier
    if attachment.kind == AttachmentKind.RESULT:
        return dossier.step_unit or dossier.unit
    return dossier.unit


def _signing_expected(attachment: Attachment) -> bool:
    """Whether a worker will sign this file: always with a token or a remote service (a
    failure is recorded on its ``Signature``), with PKCS#12 files only when the issuing unit
    (or a parent) has a certificate valid now."""
    if (settings.MOTCUA_SIGNING_DEVICE or "pkcs12") != "pkcs12":
        return True
    try:
        unit_certificate(_issuing_unit(attachment))
    except NoCertificate:
        return False
    return True


def signature_pending_check(attachment: Attachment) -> None:
    """Registered with ``attachments.register_open_check``: a form or a resolved dossier's
    result that a worker has yet to sign is not served unsigned (``SignaturePending``, 503
    with ``Retry-After``; pages refresh themselves). A file whose signing failed is served
    as filed (the failure is on its ``Signature`` and retried every hour), and so is a form
    still unsigned after ``MOTCUA_SIGNING_WAIT_SECONDS``: the counter must be able to print
    the receipt even when the workers are down."""
    if not _signable(attachment) or attachment.superseded_at is not None:
        return
    if attachment.kind == AttachmentKind.RESULT and attachment.dossier.resolved_at is None:
        return  # a draft result, read by the officers before the leader signs it at resolve
    status = (
        Signature.objects.filter(attachment=attachment).values_list("status", flat=True).first()
    )
    if status in {SignatureStatus.SIGNED, SignatureStatus.FAILED}:
        return
    if not _signing_expected(attachment):
        return
    waited = (timezone.now() - attachment.uploaded_at).total_seconds()
    if attachment.kind == AttachmentKind.FORM and waited > settings.MOTCUA_SIGNING_WAIT_SECONDS:
        logger.warning(
            "form attachment %s served unsigned: not signed %d s after it was filed",
            attachment.pk,
            waited,
        )
        return
    raise SignaturePending(
        "Biểu mẫu đang được ký số; vui lòng đợi vài giây rồi tải lại."
        if attachment.kind == AttachmentKind.FORM
        else "Kết quả đang được ký số; vui lòng đợi vài giây rồi tải lại."
    )


def _who(attachment: Attachment) -> tuple[Unit, Any, dt.datetime | None]:
    """The issuing unit and the person who signs for it: for a result, the unit that
    resolved and the leader who resolved (or corrected); for a form, the unit that received
    and the officer of the event the form reports."""
    dossier = attachment.dossier
    if attachment.kind == AttachmentKind.RESULT:
        event = (
            dossier.events.filter(action__in=["resolve", "correct"])
            .select_related("actor")
            .order_by("-seq")
            .first()
        )
    else:
        issued = getattr(attachment, "issued_form", None)
        event = (
            dossier.events.filter(seq=issued.seq).select_related("actor").first()
            if issued
            else None
        )
    return _issuing_unit(attachment), event.actor if event else None, event.at if event else None


def signature_url(token: str) -> str:
    return f"{settings.SITE_URL}{reverse('signing:token', args=[token])}"


def attachment_sign(*, attachment_id: int) -> str:
    """The background task: sign one form or result PDF with the issuing unit's key and put
    the signed copy in place of the filed one. Idempotent: a signed file is left alone."""
    attachment = (
        Attachment.objects.select_related(
            "dossier", "dossier__unit", "dossier__step_unit", "issued_form"
        )
        .filter(pk=attachment_id)
        .first()
    )
    if attachment is None or not _signable(attachment) or attachment.superseded_at:
        return "skipped"
    if attachment.kind == AttachmentKind.RESULT and attachment.dossier.resolved_at is None:
        return "not resolved"
    existing = Signature.objects.filter(attachment=attachment).first()
    if existing is not None and existing.status == SignatureStatus.SIGNED:
        return "signed"
    unit, actor, _ = _who(attachment)
    try:
        with transaction.atomic():
            signature = existing or Signature.objects.create(
                attachment=attachment,
                dossier=attachment.dossier,
                unit=unit,
                token=secrets.token_urlsafe(16),
                original_sha256=attachment.sha256,
            )
    except IntegrityError:
        return "taken"  # another worker is signing this file (queued twice: filed, resolved)
    with attachment.file.open("rb") as handle:
        original = handle.read()
    if hashlib.sha256(original).hexdigest() != attachment.sha256:
        return _failed(signature, "the filed file no longer matches its SHA-256")
    device = signing_device()
    now = timezone.now()
    person = person_label(actor, with_title=True, fallback="")
    try:
        with device.signer(unit) as found:
            signed = pdf_sign(
                original,
                signer=found.signer,
                stamp=Stamp(
                    unit=unit.name,
                    person=person or unit.name,
                    url=signature_url(signature.token),
                    when=now,
                ),
            )
    except NoCertificate as exc:
        return _failed(signature, str(exc))
    except DeviceError as exc:
        return _failed(signature, str(exc))
    except Exception as exc:  # pyHanko, the TSA, a revocation fetch: retried by the job
        logger.warning("signing of attachment %s failed: %r", attachment.pk, exc)
        return _failed(signature, f"{type(exc).__name__}: {exc}"[:500])
    digest = hashlib.sha256(signed).hexdigest()
    with transaction.atomic():
        locked = Attachment.objects.select_for_update().get(pk=attachment.pk)
        if locked.sha256 != signature.original_sha256:
            return "changed meanwhile"
        old_name = str(locked.file.name)
        locked.sha256 = digest
        locked.size = len(signed)
        locked.file.save(locked.name, ContentFile(signed), save=False)
        locked.save(update_fields=["file", "size", "sha256"])
        signature.status = SignatureStatus.SIGNED
        signature.problem = ""
        signature.sha256 = digest
        signature.signed_at = now
        signature.level = level()
        signature.device = device.name
        signature.certificate = found.record
        signature.signer_name = person_label(actor, fallback="") if actor else ""
        signature.signer_title = _title(actor)
        signature.save()
        storage = locked.file.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return "signed"


def _title(actor: Any) -> str:
    from motcua.core.people import person_title

    return person_title(actor) if actor is not None else ""


def _failed(signature: Signature, problem: str) -> str:
    logger.warning("signature %s not made: %s", signature.pk, problem)
    Signature.objects.filter(pk=signature.pk).update(
        status=SignatureStatus.FAILED, problem=problem[:500]
    )
    return "failed"


def signatures_retry(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """The scheduled job: queue again the signatures that failed (a certificate added
    since, a TSA back up) and forms or results never tried; at most ``limit`` per run."""
    from motcua.outbox.scheduler import background_call

    if settings.MOTCUA_SIGNING_DEVICE == "pkcs12" and not SigningCertificate.objects.exists():
        return 0  # signing is not set up here
    ids = list(
        Attachment.objects.filter(
            Q(kind=AttachmentKind.FORM)
            | Q(kind=AttachmentKind.RESULT, dossier__resolved_at__isnull=False),
            content_type=PDF,
            superseded_at__isnull=True,
        )
        .exclude(signature__status=SignatureStatus.SIGNED)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    with transaction.atomic():
        for attachment_id in ids:
            background_call(SIGN_TASK, attachment_id=attachment_id)
    return len(ids)
