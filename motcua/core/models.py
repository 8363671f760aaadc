"""Cross-cutting records: API tokens and the audit log of administrative changes."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        """Neither revoked nor expired (a token without an end date is not valid)."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A bearer token; only its SHA-256 is stored, the raw value is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    name = models.CharField(_("tên"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"), null=True, blank=True, db_index=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")

    def __str__(self) -> str:
        return f"{self.user} ({self.name or self.pk})"

    @staticmethod
    def new_raw_key() -> str:
        return secrets.token_urlsafe(32)


class AuditEvent(models.Model):
    """One administrative change (catalogue, calendar, users): who, when, what."""

    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("người thực hiện"),
    )
    action = models.CharField(_("hành động"), max_length=64)
    target = models.CharField(_("đối tượng"), max_length=200)
    data = models.JSONField(_("dữ liệu"), default=dict, blank=True)

    class Meta:
        verbose_name = _("nhật ký thay đổi")
        verbose_name_plural = _("nhật ký thay đổi")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target}"


class RateCounter(models.Model):
    """One counter of the rate limits and sign-in lockouts (CONTRACT.md §2).

    A table, not the cache: a cache evicts entries when it is flooded, which would wipe a
    limit exactly when an attacker floods it, and a table is shared by every server process.
    ``expires`` is a Unix time; a row past it counts as zero and is purged by
    ``motcua purge-counters`` (a scheduled job)."""

    key = models.CharField(max_length=120, primary_key=True)
    count = models.IntegerField(default=0)
    expires = models.BigIntegerField(db_index=True)

    class Meta:
        verbose_name = _("bộ đếm giới hạn")
        verbose_name_plural = _("bộ đếm giới hạn")

    def __str__(self) -> str:
        return f"{self.key}={self.count}"


class PersonalDataAccess(models.Model):
    """Who saw which dossier's personal data, when, through which door (issue 11): one row
    per dossier shown to a user other than its applicant, on a staff page or the API. The
    unit administrator reads the rows of the unit's dossiers in the admin."""

    class Channel(models.TextChoices):
        WORKSPACE = "workspace", _("trang cán bộ")
        API = "api", _("API")
        FORM = "form", _("biểu mẫu")
        FILE = "file", _("tệp hồ sơ")

    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người xem"),
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("hồ sơ"),
    )
    channel = models.CharField(_("qua"), max_length=16, choices=Channel.choices)
    ip = models.CharField(_("địa chỉ máy"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("lượt xem dữ liệu cá nhân")
        verbose_name_plural = _("nhật ký xem dữ liệu cá nhân")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["dossier", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.dossier_id}"
