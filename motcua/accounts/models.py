"""Citizen accounts: the profile that pre-fills online submissions, and e-mail verification."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.crypto import EncryptedChar, blind_index


class CitizenProfile(models.Model):
    """What a citizen tells about themselves once, to pre-fill every submission.

    Accounts created by an administrator (``motcua createuser``) have no profile and count
    as verified; a self-registered account must confirm its e-mail before signing in.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="citizen_profile"
    )
    full_name = models.CharField(_("họ và tên"), max_length=255)
    # Personal data, encrypted at rest (motcua.core.crypto); the phone is found by its hash.
    id_number = EncryptedChar(_("số định danh cá nhân (CCCD)"), max_length=12, blank=True)
    phone = EncryptedChar(_("số điện thoại"), max_length=16, blank=True)
    address = EncryptedChar(_("địa chỉ"), max_length=500, blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    email_verified_at = models.DateTimeField(_("xác nhận thư điện tử lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("hồ sơ công dân")
        verbose_name_plural = _("hồ sơ công dân")

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.phone_hash = blind_index(self.phone)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "phone" in update_fields:
            kwargs["update_fields"] = {*update_fields, "phone_hash"}
        super().save(*args, **kwargs)

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None
