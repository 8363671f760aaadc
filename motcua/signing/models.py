"""Signing certificates of the units and the signatures MotCua put on its PDFs.

A unit's PKCS#12 file is not kept: ``motcua signing add-certificate`` opens it with the
password from the environment, checks it, and stores the certificate, its chain and the
private key (PKCS#8) in the database, the key encrypted at rest with the field keys of
``motcua.core.crypto`` (Fernet under ``MOTCUA_SECRET_KEY``); whoever holds the database
and the secret key can sign (a backup, like the personal data in it, holds the key
decrypted and is its owner's only). Units whose key must never leave a
device use PKCS#11 or a remote-signing service instead (docs/signing.md)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from encrypted_fields.fields import EncryptedTextField


class SigningCertificate(models.Model):
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="signing_certificates",
        verbose_name=_("đơn vị"),
    )
    subject = models.CharField(_("chủ thể"), max_length=500)
    issuer = models.CharField(_("tổ chức cấp"), max_length=500)
    serial = models.CharField(_("số hiệu"), max_length=80)
    fingerprint = models.CharField(_("dấu vân tay SHA-256"), max_length=64, unique=True)
    not_before = models.DateTimeField(_("hiệu lực từ"))
    not_after = models.DateTimeField(_("hiệu lực đến"))
    certificate_pem = models.TextField()
    chain_pem = models.TextField(blank=True, default="")
    key_pem = EncryptedTextField()
    active = models.BooleanField(_("đang dùng"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["unit", "-not_after"]
        verbose_name = _("chứng thư số của đơn vị")
        verbose_name_plural = _("chứng thư số của đơn vị")

    def __str__(self) -> str:
        return f"{self.subject} ({self.not_after:%d/%m/%Y})"


class SignatureStatus(models.TextChoices):
    PENDING = "pending", _("Đang ký")
    SIGNED = "signed", _("Đã ký")
    FAILED = "failed", _("Chưa ký được")


class Signature(models.Model):
    """One PDF MotCua signed (a result or an official form). ``token`` is the key of the
    public verification link printed as a QR code on the stamp; ``sha256`` is the digest
    of the signed file, the one MotCua issued."""

    attachment = models.OneToOneField(
        "dossiers.Attachment", on_delete=models.PROTECT, related_name="signature"
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="signatures"
    )
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    token = models.CharField(max_length=32, unique=True)
    status = models.CharField(
        max_length=8, choices=SignatureStatus.choices, default=SignatureStatus.PENDING
    )
    problem = models.CharField(max_length=500, blank=True, default="")
    certificate = models.ForeignKey(
        SigningCertificate, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    device = models.CharField(max_length=16, blank=True, default="")
    signer_name = models.CharField(max_length=255, blank=True, default="")
    signer_title = models.CharField(max_length=255, blank=True, default="")
    level = models.CharField(max_length=16, blank=True, default="")
    original_sha256 = models.CharField(max_length=64)
    sha256 = models.CharField(max_length=64, blank=True, default="", db_index=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.token} {self.status}"
