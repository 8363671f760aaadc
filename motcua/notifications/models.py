"""Notification templates administrators edit, and the channels a citizen chooses."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TemplateChannel(models.TextChoices):
    EMAIL = "email", _("Thư điện tử")
    SMS = "sms", _("Tin nhắn SMS")


class NotificationTemplate(models.Model):
    key = models.CharField(_("loại thông báo"), max_length=48)
    channel = models.CharField(_("kênh"), max_length=8, choices=TemplateChannel.choices)
    subject = models.CharField(_("tiêu đề"), max_length=200, blank=True)
    body = models.TextField(_("nội dung"))
    active = models.BooleanField(_("đang dùng"), default=True)
    updated_at = models.DateTimeField(_("sửa lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("mẫu thông báo")
        verbose_name_plural = _("mẫu thông báo")
        ordering = ["key", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["key", "channel"], name="one_template_per_channel"),
        ]

    def __str__(self) -> str:
        from motcua.notifications.defaults import TEMPLATE_LABELS

        return f"{TEMPLATE_LABELS.get(self.key, self.key)} — {self.get_channel_display()}"


class ContactPreference(models.Model):
    """How a citizen wants to hear about their dossiers. Without a row: e-mail when there is
    an address, no SMS."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_preference"
    )
    email = models.BooleanField(_("nhận thư điện tử"), default=True)
    sms = models.BooleanField(_("nhận tin nhắn SMS"), default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("cách nhận thông báo")
        verbose_name_plural = _("cách nhận thông báo")

    def __str__(self) -> str:
        return str(self.user_id)
