"""Citizen sign-in with the national identity (VNeID, through the national portal's single
sign-on) over OpenID Connect: mozilla-django-oidc runs the authorization-code flow with PKCE;
this module validates the id token further, maps the provider's claims to the citizen
profile, links accounts by ID number and applies the one sign-in policy (core/signin.py).

- **Claims** (reference/national-portal.md): the table :data:`CLAIMS` names the provider's
  claim for each field; ``MOTCUA_OIDC_CLAIMS`` (JSON) overrides names per province.
- **Id token**: signature (RS256 with a key of the provider's JWKS), expiry and issue time
  (PyJWT), nonce (the library), audience (our client id) and issuer (``MOTCUA_OIDC_ISSUER``).
- **Accounts**: the identity is keyed by the national account id (TechID). A first sign-in
  creates a citizen account unless an account already holds the same ID number: then the
  sign-in stops and the citizen must confirm the link while signed in to that account
  (:func:`identity_link`). A locked account stays locked; a deactivated one stays out.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import secrets
from dataclasses import dataclass
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from motcua.accounts.models import AccountType, CitizenProfile, NationalIdentity
from motcua.core.crypto import blind_index
from motcua.core.ratelimit import client_ip
from motcua.core.services import audit_record
from motcua.core.signin import signin_failed, signin_locked
from motcua.units.models import Role
from motcua.units.services import user_create_or_update

log = logging.getLogger(__name__)
BACKEND = "motcua.accounts.oidc.VneidBackend"
SESSION_PENDING = "vneid_pending"
SESSION_VIA = "vneid_signed_in"

# field → the provider's claim (defaults: the national portal's single sign-on).
CLAIMS: dict[str, str] = {
    "subject": "TechID",  # national account id; falls back to the standard "sub"
    "id_number": "SoDinhDanh",
    "full_name": "HoVaTen",
    "date_of_birth": "NgayThangNamSinh",
    "address": "DiaChiThuongTru",
    "account_type": "LoaiTaiKhoan",  # 1 citizen, 2 business
    "assurance_level": "LoA",
}
_BUSINESS = {"2", "business", "organization", "doanh_nghiep", "to_chuc"}
_ID_NUMBER = re.compile(r"^[0-9]{12}$")


class VneidRefused(Exception):
    """A sign-in refused, with the sentence shown to the citizen."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


class LinkRequired(Exception):
    """An account with the same ID number exists: the citizen must confirm the link."""

    def __init__(self, identity: NationalIdentity) -> None:
        super().__init__("link required")
        self.identity = identity


def oidc_enabled() -> bool:
    return bool(
        getattr(settings, "OIDC_RP_CLIENT_ID", "")
        and getattr(settings, "OIDC_OP_AUTHORIZATION_ENDPOINT", "")
        and getattr(settings, "OIDC_OP_TOKEN_ENDPOINT", "")
        and getattr(settings, "OIDC_OP_JWKS_ENDPOINT", "")
    )


def claim_names() -> dict[str, str]:
    names = dict(CLAIMS)
    raw = str(getattr(settings, "MOTCUA_OIDC_CLAIMS", "") or "")
    if raw:
        try:
            extra = json.loads(raw)
        except ValueError as exc:
            raise ImproperlyConfigured("MOTCUA_OIDC_CLAIMS must be a JSON object") from exc
        if not isinstance(extra, dict):
            raise ImproperlyConfigured("MOTCUA_OIDC_CLAIMS must be a JSON object")
        names.update({str(k): str(v) for k, v in extra.items() if k in CLAIMS})
    return names


def _date(value: Any) -> str:
    """An ISO date from the provider's ``yyyy-mm-dd``, ``dd/mm/yyyy`` or ``yyyyMMdd``."""
    text = str(value or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%Y%m%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text[:10], fmt).date().isoformat()
        except ValueError:
            continue
    return ""


@dataclass(frozen=True)
class VneidClaims:
    subject: str
    id_number: str
    full_name: str
    date_of_birth: str
    address: str
    account_type: str
    assurance_level: str


def claims_map(claims: dict[str, Any]) -> VneidClaims:
    """The provider's claims as MotCua's fields (the table :data:`CLAIMS`)."""
    names = claim_names()

    def get(field: str) -> str:
        value = claims.get(names[field])
        return "" if value is None else str(value).strip()

    subject = get("subject") or str(claims.get("sub") or "").strip()
    id_number = get("id_number")
    full_name = " ".join(get("full_name").split())
    if not subject or not full_name or not _ID_NUMBER.match(id_number):
        raise VneidRefused(
            _(
                "Tài khoản định danh không cung cấp đủ số định danh cá nhân (12 chữ số) và "
                "họ tên, nên không thể đăng nhập."
            ),
            "claims",
        )
    kind = get("account_type").lower()
    return VneidClaims(
        subject=subject[:128],
        id_number=id_number,
        full_name=full_name[:255],
        date_of_birth=_date(get("date_of_birth")),
        address=get("address")[:500],
        account_type=AccountType.BUSINESS if kind in _BUSINESS else AccountType.CITIZEN,
        assurance_level=get("assurance_level")[:16],
    )


def _identity_fill(identity: NationalIdentity, c: VneidClaims) -> None:
    identity.full_name = c.full_name
    identity.id_number = c.id_number
    identity.date_of_birth = c.date_of_birth
    identity.address = c.address
    identity.account_type = c.account_type
    identity.assurance_level = c.assurance_level
    identity.last_signin_at = timezone.now()


def _profile_fill(user: Any, identity: NationalIdentity) -> None:
    """The provider vouches for the person: its data replaces the profile's, and the
    account counts as verified (no e-mail check needed)."""
    profile, _created = CitizenProfile.objects.get_or_create(
        user=user, defaults={"full_name": identity.full_name}
    )
    profile.full_name = identity.full_name
    profile.id_number = identity.id_number
    profile.date_of_birth = identity.date_of_birth
    if identity.address:
        profile.address = identity.address
    if profile.email_verified_at is None:
        profile.email_verified_at = timezone.now()
    profile.save()
    parts = identity.full_name.rsplit(" ", 1)
    user.last_name, user.first_name = (parts[0], parts[1]) if len(parts) == 2 else ("", parts[0])
    user.save(update_fields=["first_name", "last_name"])


def _holder_of(id_number: str) -> Any:
    digest = blind_index(id_number)
    profile = CitizenProfile.objects.filter(id_hash=digest).select_related("user").first()
    return profile.user if profile is not None else None


def identity_sign_in(claims: dict[str, Any]) -> Any:
    """The user a verified set of claims signs in as: the linked account, else a new
    citizen account. Raises :class:`LinkRequired` when another account holds the ID number
    (the pending identity is kept for the confirmation)."""
    user, pending = _sign_in(claims_map(claims))
    if pending is not None:
        raise LinkRequired(pending)
    return user


@transaction.atomic
def _sign_in(c: VneidClaims) -> tuple[Any, NationalIdentity | None]:
    identity = NationalIdentity.objects.select_for_update().filter(subject=c.subject).first()
    if identity is None:
        identity = NationalIdentity(subject=c.subject)
    _identity_fill(identity, c)
    if identity.user_id is not None:
        identity.save()
        _profile_fill(identity.user, identity)
        return identity.user, None
    holder = _holder_of(c.id_number)
    if holder is not None and not NationalIdentity.objects.filter(user=holder).exists():
        identity.save()
        return None, identity
    if holder is not None:
        # The ID number's account is already linked to another national account.
        raise VneidRefused(
            _(
                "Số định danh này đã gắn với một tài khoản định danh khác. Vui lòng liên hệ "
                "bộ phận một cửa."
            ),
            "conflict",
        )
    return _new_account(identity), None


def _new_account(identity: NationalIdentity) -> Any:
    user = user_create_or_update(
        username=f"vneid-{identity.subject}"[:150],
        password=secrets.token_urlsafe(32),
        roles=[(Role.CITIZEN.value, None)],
        email="",
        full_name=identity.full_name,
    )
    # Signs in through VNeID only, until the citizen sets a password (password reset).
    user.set_unusable_password()
    user.save(update_fields=["password"])
    identity.user = user  # type: ignore[assignment]
    identity.linked_at = timezone.now()
    identity.save()
    _profile_fill(user, identity)
    audit_record(
        actor=user, action="vneid.account_created", target=f"user:{user.get_username()}", data={}
    )
    return user


@transaction.atomic
def identity_new_account(*, identity: NationalIdentity) -> Any:
    """A pending identity whose citizen says the account with the same ID number is not
    theirs (anyone can type a number into a profile): a new account of its own, which the
    national identity vouches for; the other account stays as it is."""
    identity = NationalIdentity.objects.select_for_update().get(pk=identity.pk)
    if identity.user_id is not None:
        raise VneidRefused(_("Tài khoản định danh này đã được liên kết."), "link")
    return _new_account(identity)


@transaction.atomic
def identity_link(*, identity: NationalIdentity, user: Any) -> None:
    """Link a pending national identity to the signed-in account that holds the same ID
    number, after the citizen confirmed it."""
    identity = NationalIdentity.objects.select_for_update().get(pk=identity.pk)
    profile = CitizenProfile.objects.filter(user=user).first()
    if (
        identity.user_id is not None
        or profile is None
        or profile.id_hash != identity.id_hash
        or NationalIdentity.objects.filter(user=user).exists()
    ):
        raise VneidRefused(
            _("Tài khoản đang đăng nhập không có cùng số định danh nên không thể liên kết."),
            "link",
        )
    identity.user = user
    identity.linked_at = timezone.now()
    identity.save(update_fields=["user", "linked_at"])
    _profile_fill(user, identity)
    audit_record(actor=user, action="vneid.linked", target=f"user:{user.get_username()}", data={})


def vneid_verified(user: Any) -> bool:
    """Whether this account is linked to a national identity (VNeID-verified)."""
    if user is None or not getattr(user, "pk", None):
        return False
    return NationalIdentity.objects.filter(user_id=user.pk, linked_at__isnull=False).exists()


class VneidBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, answering only the VNeID callback when configured."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.configured = oidc_enabled()
        if self.configured:
            super().__init__(*args, **kwargs)

    def get_user(self, user_id: Any) -> Any:
        # Sessions opened through VNeID name this backend; they stay readable even when the
        # provider is no longer configured (then nothing else of this backend is set up).
        user = get_user_model().objects.filter(pk=user_id).first()
        return user if user is not None and user.is_active else None

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        if (
            not self.configured
            or request is None
            or "password" in kwargs
            or request.path != reverse("accounts:vneid_callback")
        ):
            return None
        try:
            return super().authenticate(request, **kwargs)
        except requests.HTTPError as exc:
            # The token endpoint refused the code: replayed, expired or for another client.
            raise VneidRefused(
                _(
                    "Hệ thống định danh không chấp nhận mã đăng nhập (đã dùng hoặc đã hết hạn). "
                    "Vui lòng đăng nhập lại."
                ),
                "code",
            ) from exc
        except (requests.RequestException, ValueError) as exc:
            log.warning("VNeID provider unreachable: %s", type(exc).__name__)
            raise VneidRefused(
                _("Không kết nối được với hệ thống định danh. Vui lòng thử lại sau."),
                "provider",
            ) from exc

    def verify_token(self, token: str, **kwargs: Any) -> Any:
        try:
            payload = super().verify_token(token, **kwargs)
        except jwt.ExpiredSignatureError as exc:
            raise VneidRefused(
                _("Phiên đăng nhập VNeID đã hết hạn. Vui lòng đăng nhập lại."), "expired"
            ) from exc
        except (jwt.PyJWTError, SuspiciousOperation, KeyError, ValueError) as exc:
            raise VneidRefused(
                _("Mã xác thực từ hệ thống định danh không hợp lệ. Vui lòng đăng nhập lại."),
                "token",
            ) from exc
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        issuer = str(getattr(settings, "MOTCUA_OIDC_ISSUER", "") or "")
        if self.OIDC_RP_CLIENT_ID not in audiences or (
            issuer and str(payload.get("iss", "")).rstrip("/") != issuer
        ):
            raise VneidRefused(
                _("Mã xác thực không dành cho hệ thống này. Vui lòng đăng nhập lại."), "audience"
            )
        return payload

    def get_or_create_user(self, access_token: str, id_token: str, payload: Any) -> Any:
        info = self.get_userinfo(access_token, id_token, payload)
        if str(info.get("sub", payload.get("sub"))) != str(payload.get("sub")):
            raise VneidRefused(_("Mã xác thực không hợp lệ. Vui lòng đăng nhập lại."), "userinfo")
        claims = {**payload, **info}
        user = identity_sign_in(claims)
        assert self.request is not None
        ip = client_ip(self.request)
        if not user.is_active or signin_locked(username=user.get_username(), ip=ip):
            audit_record(
                actor=None,
                action="login.refused_locked",
                target=f"user:{user.get_username()[:100]}",
                data={"ip": ip, "door": "portal", "via": "vneid"},
            )
            raise VneidRefused(
                _("Tài khoản này đang bị khóa. Vui lòng thử lại sau hoặc liên hệ bộ phận một cửa."),
                "locked",
            )
        return user


def refused(request: HttpRequest, reason: str) -> None:
    """Count a refused VNeID sign-in like a wrong password, by address (the lockout)."""
    signin_failed(username="vneid", ip=client_ip(request), reason=f"vneid-{reason}", door="portal")


def provider_logout_url(request: HttpRequest) -> str:
    """Where signing out leads: the provider's end-session endpoint with the id token as a
    hint and the portal's home as the way back (``OIDC_OP_LOGOUT_URL_METHOD``)."""
    end_session = str(getattr(settings, "MOTCUA_OIDC_END_SESSION_URL", "") or "")
    home = request.build_absolute_uri(reverse("portal:home"))
    id_token = request.session.get("oidc_id_token")
    if not end_session or not id_token:
        return home
    query = urlencode({"id_token_hint": id_token, "post_logout_redirect_uri": home})
    return f"{end_session}?{query}"
