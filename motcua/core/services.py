"""Writes of the core app."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import transaction
from django.utils import timezone

from motcua.core.models import ApiToken, AuditEvent, hash_token


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    target: str,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one entry to the administrative audit log."""
    user = actor if isinstance(actor, User) else None
    return AuditEvent.objects.create(actor=user, action=action, target=target, data=data or {})


@transaction.atomic
def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Issue a bearer token valid ``MOTCUA_TOKEN_HOURS`` (8); the raw key is returned once
    and never stored."""
    raw = ApiToken.new_raw_key()
    hours = int(getattr(settings, "MOTCUA_TOKEN_HOURS", 8))
    token = ApiToken.objects.create(
        user=user,
        key_hash=hash_token(raw),
        name=name,
        expires_at=timezone.now() + timedelta(hours=hours),
    )
    audit_record(actor=user, action="token.create", target=f"token:{token.pk}")
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> None:
    """Revoke a token at once: every later request with it is 401."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=token.user, action="token.revoke", target=f"token:{token.pk}")


def personal_data_viewed(*, request: Any, user: Any, dossiers: Any, channel: str) -> int:
    """Log that ``user`` was shown the personal data of these dossiers (objects or ids);
    the applicant looking at their own dossier is not logged. Returns how many rows."""
    from motcua.core.models import PersonalDataAccess
    from motcua.core.ratelimit import client_ip

    if not getattr(user, "is_authenticated", False):
        return 0
    ip = client_ip(request) if request is not None else ""
    now = timezone.now()
    rows = []
    for dossier in dossiers:
        if getattr(dossier, "applicant_user_id", None) == user.pk:
            continue
        dossier_id = dossier if isinstance(dossier, int) else dossier.pk
        rows.append(
            PersonalDataAccess(at=now, user=user, dossier_id=dossier_id, channel=channel, ip=ip)
        )
    PersonalDataAccess.objects.bulk_create(rows)
    return len(rows)
