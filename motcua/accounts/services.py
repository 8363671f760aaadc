"""Writes of citizen accounts: registration, e-mail verification, profile."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.models import CitizenProfile
from motcua.units.models import Role
from motcua.units.services import user_create_or_update

logger = logging.getLogger(__name__)
VERIFY_SALT = "motcua.accounts.verify-email"
VERIFY_MAX_AGE = 3 * 24 * 3600


@dataclass(frozen=True)
class Applicant:
    """What pre-fills the applicant step of the submission wizard."""

    name: str = ""
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""


@transaction.atomic
def citizen_register(*, full_name: str, phone: str, email: str, password: str) -> Any:
    """Create a citizen account (role ``citizen``), not yet verified; the e-mail is the user
    name. The verification mail is sent after the commit."""
    user = user_create_or_update(
        username=email,
        password=password,
        roles=[(Role.CITIZEN.value, None)],
        email=email,
        full_name=full_name,
    )
    CitizenProfile.objects.create(user=user, full_name=full_name, phone=phone)  # type: ignore[misc]
    transaction.on_commit(lambda: verification_send(user=user))
    return user


def verification_token(user: Any) -> str:
    return signing.dumps({"u": user.pk, "e": getattr(user, "email", "")}, salt=VERIFY_SALT)


def verification_url(user: Any) -> str:
    path = reverse("accounts:verify", kwargs={"token": verification_token(user)})
    return f"{settings.SITE_URL}{path}"


def verification_send(*, user: Any) -> bool:
    """Mail the verification link; a failed delivery is logged, never raised."""
    email = getattr(user, "email", "")
    if not email:
        return False
    profile = CitizenProfile.objects.filter(user=user).first()
    body = render_to_string(
        "accounts/email_verify.txt",
        {"name": profile.full_name if profile else "", "url": verification_url(user)},
    )
    try:
        send_mail("[MotCua] Xác nhận địa chỉ thư điện tử", body, None, [email])
    except OSError:
        logger.warning("verification mail to user %s failed", user.pk)
        return False
    return True


def email_verify(*, token: str) -> AbstractBaseUser | None:
    """Mark the e-mail verified from a signed link; None when the link is bad or expired, or
    the address changed since it was sent."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.BadSignature:
        return None
    user = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or (user.email or "").lower() != str(data.get("e", "")).lower():
        return None
    profile, _ = CitizenProfile.objects.get_or_create(
        user=user, defaults={"full_name": user.get_full_name() or user.get_username()}
    )
    if profile.email_verified_at is None:
        profile.email_verified_at = timezone.now()
        profile.save(update_fields=["email_verified_at"])
    return user


def profile_of(user: Any) -> CitizenProfile | None:
    return CitizenProfile.objects.filter(user=user).first()


def applicant_of(user: Any) -> Applicant:
    """The applicant details of a signed-in citizen (profile first, then the account)."""
    if not getattr(user, "is_authenticated", False):
        return Applicant()
    profile = profile_of(user)
    name = (profile.full_name if profile else "") or " ".join(
        p for p in (user.last_name, user.first_name) if p
    )
    return Applicant(
        name=name,
        id_number=profile.id_number if profile else "",
        phone=profile.phone if profile else "",
        email=user.email or "",
        address=profile.address if profile else "",
    )


@transaction.atomic
def profile_update(
    *, user: Any, full_name: str, id_number: str, phone: str, email: str, address: str
) -> bool:
    """Save the profile; returns True when the e-mail changed (a new link is sent and the
    new address must be confirmed before the next sign-in)."""
    profile, _created = CitizenProfile.objects.get_or_create(
        user=user,
        defaults={"full_name": full_name, "email_verified_at": timezone.now()},
    )
    profile.full_name = full_name
    profile.id_number = id_number
    profile.phone = phone
    profile.address = address
    changed = (user.email or "").lower() != email.lower()
    if changed:
        profile.email_verified_at = None
    profile.save()
    parts = full_name.rsplit(" ", 1)
    user.last_name, user.first_name = (parts[0], parts[1]) if len(parts) == 2 else ("", parts[0])
    user.email = email
    user.save(update_fields=["first_name", "last_name", "email"])
    if changed:
        transaction.on_commit(lambda: verification_send(user=user))
    return changed
