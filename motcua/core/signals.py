"""A password change revokes every API token of the user (CONTRACT.md §2)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from motcua.core.models import ApiToken

User = get_user_model()


@receiver(pre_save, sender=User, dispatch_uid="motcua-password-changed-pre")
def _remember_password_change(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.pk is None or kwargs.get("raw"):
        return
    old = sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    instance._motcua_password_changed = old is not None and old != instance.password


@receiver(post_save, sender=User, dispatch_uid="motcua-password-changed-post")
def _revoke_tokens_on_password_change(sender: Any, instance: Any, **kwargs: Any) -> None:
    if getattr(instance, "_motcua_password_changed", False):
        instance._motcua_password_changed = False
        ApiToken.objects.filter(user=instance, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
