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
    # Why it failed or what the platform said, in plain words (shown to staff).
    message = models.CharField(_("ghi chú"), max_length=255, blank=True)
    # The e-receipt (GET_BILL), fetched by the outbox after the payment is confirmed.
    receipt_number = models.CharField(_("số biên lai"), max_length=64, blank=True)
    receipt = models.ForeignKey(
        "dossiers.Attachment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The last time the daily reconciliation asked the platform about it.
    checked_at = models.DateTimeField(_("đối soát lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("giao dịch thanh toán")
        verbose_name_plural = _("giao dịch thanh toán")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.reference


class MismatchKind(models.TextChoices):
    AMOUNT = "amount", _("Số tiền trên nền tảng khác số tiền phải nộp")
    PAID_NOT_HERE = (
        "paid_not_here",
        _("Đã thanh toán trên nền tảng nhưng giao dịch ở đây đã hủy, lỗi"),
    )
    NOT_AWAITING = "not_awaiting", _("Đã thanh toán nhưng hồ sơ không còn chờ thanh toán")
    UNKNOWN = "unknown", _("Nền tảng không có giao dịch này")
    PAID_HERE_NOT_THERE = (
        "not_paid_there",
        _("Đã ghi nhận thanh toán nhưng nền tảng báo chưa thanh toán"),
    )


class PaymentMismatch(models.Model):
    """A difference between MotCua and the payment platform, listed for the unit's
    accountant (workspace page "Đối soát thanh toán" and the admin) until resolved."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="mismatches")
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("chênh lệch"), max_length=16, choices=MismatchKind.choices)
    local_amount = models.PositiveBigIntegerField(_("số tiền ở đây"), null=True, blank=True)
    platform_amount = models.PositiveBigIntegerField(
        _("số tiền trên nền tảng"), null=True, blank=True
    )
    platform_status = models.CharField(_("trạng thái trên nền tảng"), max_length=16, blank=True)
    detail = models.CharField(_("chi tiết"), max_length=500, blank=True)
    found_at = models.DateTimeField(_("phát hiện lúc"), default=timezone.now)
    seen_at = models.DateTimeField(_("lần thấy gần nhất"), default=timezone.now)
    resolved_at = models.DateTimeField(_("xử lý lúc"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(_("cách xử lý"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("chênh lệch đối soát thanh toán")
        verbose_name_plural = _("chênh lệch đối soát thanh toán")
        ordering = ["-found_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["payment", "kind"], name="unique_payment_mismatch"),
        ]

    def __str__(self) -> str:
        return f"{self.payment_id}: {self.kind}"


# The national portal's per-dossier sync state lives with its integration (issue 14).
from motcua.integrations.dvcqg.models import NationalSync, Origin, SyncState  # noqa: E402

__all__ = [
    "MismatchKind",
    "NationalSync",
    "Origin",
    "Payment",
    "PaymentMismatch",
    "PaymentStatus",
    "SyncState",
]
