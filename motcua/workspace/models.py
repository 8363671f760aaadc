"""What the staff workspace stores of its own: each officer's TOTP second factor."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StaffTotp(models.Model):
    """A TOTP secret (RFC 6238) for an officer; active once confirmed with a first code."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_totp"
    )
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    last_used_step = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("xác thực hai lớp")
        verbose_name_plural = _("xác thực hai lớp")

    def __str__(self) -> str:
        return f"TOTP {self.user}"

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None
