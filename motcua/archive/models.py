"""Where each closed dossier's archive package is (docs/archive.md): its directory, the
SHA-256 of its manifest and when it was last verified, so that an exported dossier stays
findable by its code and the weekly re-check knows what to look at."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier


class ArchivePackage(models.Model):
    dossier = models.OneToOneField(
        Dossier, on_delete=models.PROTECT, related_name="archive_package", verbose_name=_("hồ sơ")
    )
    path = models.CharField(_("thư mục gói lưu trữ"), max_length=1000)
    # SHA-256 of the bag's manifest-sha256.txt: one digest that changes with any file.
    manifest_sha256 = models.CharField(_("SHA-256 của bảng kê"), max_length=64)
    history_head = models.CharField(_("mã băm sự kiện cuối"), max_length=64)
    retention_years = models.PositiveSmallIntegerField(
        _("thời hạn lưu trữ (năm)"), help_text=_("0 là vĩnh viễn.")
    )
    retain_until = models.DateField(_("lưu trữ đến"), null=True, blank=True)
    exported_at = models.DateTimeField(_("xuất lúc"), default=timezone.now)
    verified_at = models.DateTimeField(_("kiểm tra lúc"), null=True, blank=True)
    verified_ok = models.BooleanField(_("toàn vẹn"), null=True)
    problem = models.TextField(_("sai lệch"), blank=True)

    class Meta:
        verbose_name = _("gói lưu trữ")
        verbose_name_plural = _("gói lưu trữ")
        ordering = ["-exported_at", "-id"]
        indexes = [models.Index(fields=["verified_ok"])]

    def __str__(self) -> str:
        return f"{self.dossier} → {self.path}"
