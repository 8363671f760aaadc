"""Staff sign-in: lockout after repeated failures, the TOTP second factor, the idle
timeout, and the decorator every workspace page uses.

The lockout is the one sign-in policy of :mod:`motcua.core.signin` (per user name and
address pair, progressive; per address), shared with the API, the admin and the portal.
Every failure, lock and sign-in is audited.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

import pyotp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from motcua.core.services import audit_record
from motcua.core.signin import Door, signin_failed, signin_locked
from motcua.units.models import STAFF_ROLES, Membership, Role
from motcua.workspace.models import StaffTotp

SESSION_LAST = "ws_last_seen"
SESSION_PENDING = "ws_pending_user"
SESSION_PENDING_NEXT = "ws_pending_next"


def idle_seconds() -> int:
    return int(getattr(settings, "MOTCUA_IDLE_TIMEOUT_SECONDS", 30 * 60))


def totp_required_setting() -> bool:
    return bool(getattr(settings, "MOTCUA_REQUIRE_TOTP", False))


def login_locked(username: str, ip: str) -> bool:
    return bool(signin_locked(username=username, ip=ip))


def login_failed(username: str, ip: str, reason: str) -> None:
    """A failure that is not a wrong password (the backend counts those): a wrong code, a
    user without a staff role."""
    signin_failed(username=username, ip=ip, reason=reason, door=Door.WORKSPACE)


@dataclass
class Staff:
    """Who the officer is in the workspace: the (role, unit id) pairs, read once."""

    pairs: set[tuple[str, int]] = field(default_factory=set)
    unit_names: dict[int, str] = field(default_factory=dict)
    superuser: bool = False

    def units(self, *roles: str) -> set[int]:
        wanted = set(roles) or set(STAFF_ROLES)
        return {unit for role, unit in self.pairs if role in wanted}

    def has(self, *roles: str) -> bool:
        return bool(self.units(*roles))

    @property
    def roles(self) -> set[str]:
        return {role for role, _unit in self.pairs}

    @property
    def primary_role(self) -> str:
        for role in (Role.DESK, Role.SPECIALIST, Role.LEADER, Role.UNIT_ADMIN):
            if role in self.roles:
                return str(role)
        return "admin" if self.superuser else ""


def staff_of(user: Any) -> Staff:
    rows = Membership.objects.filter(user=user, role__in=STAFF_ROLES, unit__isnull=False)
    staff = Staff(superuser=bool(getattr(user, "is_superuser", False)))
    for role, unit_id, unit_name in rows.values_list("role", "unit_id", "unit__name"):
        staff.pairs.add((role, unit_id))
        staff.unit_names[unit_id] = unit_name
    return staff


def totp_required_for(staff: Staff) -> bool:
    """Leaders and administrators need a second factor when the setting says so."""
    return totp_required_setting() and (staff.superuser or staff.has(Role.LEADER, Role.UNIT_ADMIN))


def totp_of(user: Any) -> StaffTotp | None:
    return StaffTotp.objects.filter(user=user).first()


def totp_verify(device: StaffTotp, code: str) -> bool:
    """A code of the current 30-second step (±1 for clock drift), never the same one twice."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return False
    totp = pyotp.TOTP(device.secret)
    now = time.time()
    for drift in (0, -1, 1):
        step = int(now // totp.interval) + drift
        if totp.at(step * totp.interval) == code:
            if device.last_used_step is not None and step <= device.last_used_step:
                return False
            device.last_used_step = step
            device.save(update_fields=["last_used_step"])
            return True
    return False


def safe_next(request: HttpRequest, default: str = "") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default or reverse("workspace:home")


def _expired(request: HttpRequest) -> bool:
    last = request.session.get(SESSION_LAST)
    now = int(timezone.now().timestamp())
    if last is not None and now - int(last) > idle_seconds():
        return True
    if last is None or now - int(last) >= 30:
        # A write of the session at most every 30 seconds, not on every page.
        request.session[SESSION_LAST] = now
    return False


def staff_required(
    view: Callable[..., HttpResponseBase] | None = None, *, allow_totp_setup: bool = False
) -> Any:
    """Every workspace page: signed in, not idle too long, a staff role, the second factor
    when it is required. Sets ``request.staff``."""

    def decorate(func: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            login_url = reverse("workspace:login")
            if not request.user.is_authenticated:
                return redirect(f"{login_url}?next={request.get_full_path()}")
            if _expired(request):
                username = request.user.get_username()
                logout(request)
                audit_record(actor=None, action="logout.idle", target=f"user:{username}")
                messages.warning(
                    request,
                    _("Phiên làm việc đã hết hạn do không thao tác. Vui lòng đăng nhập lại."),
                )
                return redirect(f"{login_url}?next={request.get_full_path()}")
            staff = staff_of(request.user)
            if not staff.pairs and not staff.superuser:
                return render(request, "workspace/forbidden.html", status=403)
            if totp_required_for(staff) and not allow_totp_setup:
                device = totp_of(request.user)
                if device is None or not device.active:
                    messages.info(request, _("Vai trò của bạn cần xác thực hai lớp. Hãy đăng ký."))
                    return redirect("workspace:totp_setup")
            request.staff = staff  # type: ignore[attr-defined]
            return func(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate


def officer(request: HttpRequest) -> Any:
    """The signed-in officer (``staff_required`` guarantees one)."""
    return request.user


class IdleTimeoutMiddleware:
    """Optional: the same idle timeout for every signed-in page of the site (add after
    ``AuthenticationMiddleware``). The workspace enforces it by itself without this."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and _expired(request):
            logout(request)
        return self.get_response(request)
