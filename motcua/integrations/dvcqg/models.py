"""Per dossier, where it stands with the national portal.

``NationalSync.first_synced_at`` is when the portal first accepted the dossier's record:
indicator 1.4 (share synchronised) counts the dossiers that have it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier


class SyncState(models.TextChoices):
    PENDING = "pending", _("Đang chờ gửi")
    SYNCED = "synced", _("Đã đồng bộ")
    FAILING = "failing", _("Gửi lỗi, đang thử lại")
    INVALID = "invalid", _("Thiếu hoặc sai dữ liệu, không gửi được")


class Origin(models.TextChoices):
    MOTCUA = "motcua", _("Tiếp nhận tại MotCua")
    NATIONAL = "national", _("Nộp trên Cổng DVCQG")


class NationalSync(models.Model):
    dossier = models.OneToOneField(
        Dossier, on_delete=models.CASCADE, related_name="national_sync", verbose_name=_("hồ sơ")
    )
    origin = models.CharField(
        _("nguồn"), max_length=10, choices=Origin.choices, default=Origin.MOTCUA
    )
    state = models.CharField(
        _("trạng thái đồng bộ"), max_length=10, choices=SyncState.choices, default=SyncState.PENDING
    )
    # The history seq of the newest dossier record and the newest step the portal accepted.
    synced_seq = models.PositiveIntegerField(_("sự kiện đã đồng bộ"), default=0)
    progress_seq = models.PositiveIntegerField(default=0)
    queued_seq = models.PositiveIntegerField(_("sự kiện đã xếp hàng"), default=0)
    first_synced_at = models.DateTimeField(_("đồng bộ lần đầu"), null=True, blank=True)
    last_synced_at = models.DateTimeField(_("đồng bộ gần nhất"), null=True, blank=True)
    # Since when the portal is behind this dossier (None: up to date); the sync lag.
    pending_since = models.DateTimeField(_("chờ gửi từ"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    last_error_at = models.DateTimeField(_("lỗi lúc"), null=True, blank=True)
    reconciled_at = models.DateTimeField(_("đối soát lúc"), null=True, blank=True)
    # What the national portal told us about a dossier submitted there.
    national_account_id = models.CharField(
        _("tài khoản DVCQG (MaDoiTuong)"), max_length=64, blank=True
    )
    applicant_type = models.PositiveSmallIntegerField(_("LoaiDoiTuong"), null=True, blank=True)
    identifiers = models.JSONField(_("định danh chủ hồ sơ"), default=list, blank=True)
    vneid_verified = models.BooleanField(_("tài khoản xác thực VNeID"), default=False)
    inbound_files = models.JSONField(_("tệp nộp trên Cổng DVCQG"), default=list, blank=True)

    class Meta:
        verbose_name = _("đồng bộ Cổng DVCQG")
        verbose_name_plural = _("đồng bộ Cổng DVCQG")
        indexes = [
            models.Index(fields=["state"]),
            models.Index(fields=["first_synced_at"]),
            models.Index(fields=["pending_since"]),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.state}"
