"""The audit of every query to the population database (who, when, for which dossier,
why). The ID number asked about is kept only as its keyed hash (motcua.core.crypto), which
lets an auditor check "was this person looked up?" with the number in hand, and tells
nobody else anything; the answer itself is never stored."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    FOUND = "found", _("Tìm thấy")
    NOT_FOUND = "not_found", _("Không tìm thấy")
    UNAVAILABLE = "unavailable", _("Hệ thống không phản hồi")
    REFUSED = "refused", _("Hệ thống từ chối")


class PopulationQuery(models.Model):
    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cán bộ tra cứu"),
    )
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("đơn vị"),
    )
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=64, blank=True, db_index=True)
    reason = models.CharField(_("lý do tra cứu"), max_length=500)
    id_hash = models.CharField(_("mã băm số định danh"), max_length=64, db_index=True)
    with_name = models.BooleanField(_("kèm họ tên"), default=False)
    with_birth_year = models.BooleanField(_("kèm năm sinh"), default=False)
    provider = models.CharField(_("nguồn"), max_length=16)
    outcome = models.CharField(_("kết quả"), max_length=12, choices=Outcome.choices)
    duration_ms = models.PositiveIntegerField(_("thời gian (ms)"), default=0)

    class Meta:
        verbose_name = _("lượt tra cứu CSDL dân cư")
        verbose_name_plural = _("nhật ký tra cứu CSDL quốc gia về dân cư")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.officer_id}"
