"""Payments of dossier fees through an outside provider (a record per attempt)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Đang chờ thanh toán")
    PAID = "paid", _("Đã thanh toán")
    CANCELLED = "cancelled", _("Đã hủy")
    FAILED = "failed", _("Không thành công")


class Payment(models.Model):
    """One attempt to pay a dossier's fee. ``reference`` is ours, sent to the provider;
    ``provider_reference`` is the provider's transaction number."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(_("cổng thanh toán"), max_length=32)
    reference = models.CharField(_("mã giao dịch"), max_length=64, unique=True)
    provider_reference = models.CharField(_("mã giao dịch của cổng"), max_length=128, blank=True)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("giao dịch thanh toán")
        verbose_name_plural = _("giao dịch thanh toán")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.reference


# The national portal's per-dossier sync state lives with its integration (issue 14).
from motcua.integrations.dvcqg.models import NationalSync, Origin, SyncState  # noqa: E402

__all__ = ["NationalSync", "Origin", "Payment", "PaymentStatus", "SyncState"]
