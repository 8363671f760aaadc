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
    # From the national identity (VNeID) when the account is linked to one: ISO date.
    date_of_birth = EncryptedChar(_("ngày sinh"), max_length=10, blank=True)
    id_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    email_verified_at = models.DateTimeField(_("xác nhận thư điện tử lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("hồ sơ công dân")
        verbose_name_plural = _("hồ sơ công dân")

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.phone_hash = blind_index(self.phone)
        self.id_hash = blind_index(self.id_number)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "phone" in update_fields:
            kwargs["update_fields"] = {*update_fields, "phone_hash"}
        if update_fields is not None and "id_number" in update_fields:
            kwargs["update_fields"] = {*kwargs["update_fields"], "id_hash"}
        super().save(*args, **kwargs)

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None


class AccountType(models.TextChoices):
    CITIZEN = "citizen", _("công dân")
    BUSINESS = "business", _("tổ chức, doanh nghiệp")


class NationalIdentity(models.Model):
    """A national identity (VNeID, through the national portal's single sign-on) as the
    provider vouched for it at the last sign-in, keyed by the national account id (TechID).

    ``user`` is empty while a sign-in waits for the citizen to confirm linking it to an
    existing account with the same ID number (docs/vneid.md); the account counts as
    VNeID-verified once linked. Personal data encrypted at rest like the profile."""

    subject = models.CharField(_("mã tài khoản định danh (TechID)"), max_length=128, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="national_identity",
    )
    full_name = models.CharField(_("họ và tên"), max_length=255)
    id_number = EncryptedChar(_("số định danh cá nhân"), max_length=12, blank=True)
    id_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    date_of_birth = EncryptedChar(_("ngày sinh"), max_length=10, blank=True)
    address = EncryptedChar(_("địa chỉ thường trú"), max_length=500, blank=True)
    account_type = models.CharField(
        _("loại tài khoản"), max_length=10, choices=AccountType.choices, default=AccountType.CITIZEN
    )
    assurance_level = models.CharField(_("mức độ xác thực"), max_length=16, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    linked_at = models.DateTimeField(_("liên kết lúc"), null=True, blank=True)
    last_signin_at = models.DateTimeField(_("đăng nhập gần nhất"), null=True, blank=True)

    class Meta:
        verbose_name = _("tài khoản định danh điện tử (VNeID)")
        verbose_name_plural = _("tài khoản định danh điện tử (VNeID)")

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.id_hash = blind_index(self.id_number)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "id_number" in update_fields:
            kwargs["update_fields"] = {*update_fields, "id_hash"}
        super().save(*args, **kwargs)
