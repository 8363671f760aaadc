"""One sign-in policy for every door (CONTRACT.md §2): the staff workspace, the API token
endpoint, the Django admin and the citizens' portal.

- **Lockout per account and address pair, progressive.** After ``MOTCUA_LOGIN_MAX_FAILURES``
  (5) wrong passwords or codes for one user name from one address, that pair is locked for
  ``MOTCUA_LOGIN_LOCK_SECONDS`` (15 minutes); every further failure of the pair within a day
  doubles the lock (30 minutes, 1 hour, … at most a day). Right credentials are refused while
  locked. The same user name from another address is not locked, so nobody can lock an
  officer out of their own office by typing wrong passwords elsewhere.
- **Per address.** Four times as many failures from one address, whatever the user names,
  lock that address for the lock time (a password sprayed over many accounts).
- Counters are the rate-limit counters of :mod:`motcua.core.ratelimit` (a table or Redis,
  never evicted, shared by every process); the address is the client's as
  :func:`motcua.core.ratelimit.client_ip` sees it (trusted proxies only).
- **Second factor.** A user with an active TOTP device must give its code at every door;
  with ``MOTCUA_REQUIRE_TOTP=1`` leaders, unit administrators and system administrators
  must enrol before any page (other than the enrolment page) or any token.

The password check itself is :class:`PolicyBackend`, the only password backend, so
every ``authenticate(request, …)`` — the admin's form, the citizens' form, the workspace and
the token endpoint — goes through the lockout. The other backend, the national identity
(``motcua.accounts.oidc.VneidBackend``), takes no password and answers only its callback; it
refuses a locked pair with :func:`signin_locked` and counts refusals with :func:`signin_failed`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from motcua.core.ratelimit import (
    client_ip,
    counter_clear,
    counter_hit,
    counter_hold,
    counter_key,
    counter_peek,
    counter_ttl,
)
from motcua.core.services import audit_record

BACKEND = "motcua.core.signin.PolicyBackend"
SESSION_SECOND_FACTOR = "signin_second_factor"
MAX_LOCK_SECONDS = 24 * 3600
PAIR_MEMORY_SECONDS = 24 * 3600


class Door(StrEnum):
    WORKSPACE = "workspace"
    API = "api"
    ADMIN = "admin"
    PORTAL = "portal"


def door_of(request: HttpRequest) -> Door:
    path = request.path
    if path.startswith("/api/"):
        return Door.API
    if path.startswith("/admin/"):
        return Door.ADMIN
    if path.startswith("/can-bo/"):
        return Door.WORKSPACE
    return Door.PORTAL


def max_failures() -> int:
    return int(getattr(settings, "MOTCUA_LOGIN_MAX_FAILURES", 5))


def lock_seconds() -> int:
    return int(getattr(settings, "MOTCUA_LOGIN_LOCK_SECONDS", 15 * 60))


def _norm(username: str) -> str:
    return (username or "").strip().lower()[:150]


def _pair(username: str, ip: str) -> str:
    return f"{_norm(username)}|{ip}"


def _live_lock(key: str) -> int:
    return counter_ttl(key) if counter_peek(key) else 0


def signin_locked(*, username: str, ip: str) -> int:
    """Seconds this user name from this address must still wait (0: not locked)."""
    return max(
        _live_lock(counter_key("signin-lock", _pair(username, ip))),
        _live_lock(counter_key("signin-ip-lock", ip)),
    )


def _lock(key: str, seconds: int) -> None:
    counter_hit(key, seconds)
    counter_hold(key, seconds)


def signin_failed(*, username: str, ip: str, reason: str, door: str) -> int:
    """Count one failure of the pair and of the address; lock when a limit is reached.
    Returns the seconds of the lock it set (0 when none)."""
    name = _norm(username)
    audit_record(
        actor=None,
        action="login.failed",
        target=f"user:{name[:100]}",
        data={"ip": ip, "reason": reason, "door": door},
    )
    locked = 0
    failures = counter_hit(counter_key("signin-pair", _pair(name, ip)), PAIR_MEMORY_SECONDS)
    if failures >= max_failures():
        # Progressive: 1×, 2×, 4×, … the lock time for each failure past the limit.
        locked = min(lock_seconds() * 2 ** min(failures - max_failures(), 16), MAX_LOCK_SECONDS)
        _lock(counter_key("signin-lock", _pair(name, ip)), locked)
        audit_record(
            actor=None,
            action="login.locked",
            target=f"user:{name[:100]}",
            data={"ip": ip, "seconds": locked, "key": "pair", "door": door},
        )
    from_address = counter_hit(counter_key("signin-ip", ip), lock_seconds())
    if from_address >= max_failures() * 4:
        _lock(counter_key("signin-ip-lock", ip), lock_seconds())
        locked = max(locked, lock_seconds())
        audit_record(
            actor=None,
            action="login.locked",
            target=f"user:{name[:100]}",
            data={"ip": ip, "seconds": lock_seconds(), "key": "ip", "door": door},
        )
    return locked


def signin_succeeded(*, user: Any, ip: str, door: str) -> None:
    """A full sign-in (password and, where needed, the second factor): forget the failures
    of this pair and audit it."""
    pair = _pair(user.get_username(), ip)
    counter_clear(counter_key("signin-pair", pair), counter_key("signin-lock", pair))
    audit_record(
        actor=user,
        action="login.ok",
        target=f"user:{user.get_username()}",
        data={"ip": ip, "door": door},
    )


class PolicyBackend(ModelBackend):
    """Django's password check behind the lockout. A locked pair gets no user, even with the
    right password; ``request.signin_locked`` then holds the seconds to wait, for the page
    or the API answer. Without a request (scripts, the test client's ``login``) it is the
    plain check."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if request is None or username is None:
            return super().authenticate(request, username=username, password=password, **kwargs)
        ip = client_ip(request)
        door = door_of(request)
        wait = signin_locked(username=username, ip=ip)
        if wait:
            request.signin_locked = wait  # type: ignore[attr-defined]
            audit_record(
                actor=None,
                action="login.refused_locked",
                target=f"user:{_norm(username)[:100]}",
                data={"ip": ip, "door": door},
            )
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            wait = signin_failed(username=username, ip=ip, reason="password", door=door)
            if wait:
                request.signin_locked = wait  # type: ignore[attr-defined]
        return user


class SecondFactor(StrEnum):
    NONE = "none"  # a password is enough
    VERIFY = "verify"  # an active device: its code is needed
    ENROL = "enrol"  # required by the role but not enrolled: nothing until enrolled


def second_factor_of(user: Any) -> SecondFactor:
    """What the second factor asks of this user at every door."""
    from motcua.workspace.auth import staff_of, totp_of, totp_required_for

    device = totp_of(user)
    if device is not None and device.active:
        return SecondFactor.VERIFY
    if totp_required_for(staff_of(user)) or (
        bool(getattr(settings, "MOTCUA_REQUIRE_TOTP", False)) and user.is_staff
    ):
        return SecondFactor.ENROL
    return SecondFactor.NONE


# What the session still owes, kept in the session so a page costs no query: "ok" (nothing,
# or the code was given), "enrol" (must enrol before anything else), "verify" (signed in
# with a password alone although the user has a device: not accepted).
SESSION_OK, SESSION_ENROL, SESSION_VERIFY = "ok", "enrol", "verify"


def second_factor_mark(request: HttpRequest, value: str) -> None:
    request.session[SESSION_SECOND_FACTOR] = value


def _session_state(user: Any) -> str:
    state = second_factor_of(user)
    if state is SecondFactor.ENROL:
        return SESSION_ENROL
    if state is SecondFactor.VERIFY:
        return SESSION_VERIFY
    return SESSION_OK


def second_factor_done(request: HttpRequest) -> bool:
    """The signed-in user of this session has satisfied the second factor (or needs none)."""
    if not request.user.is_authenticated:
        return False
    state = request.session.get(SESSION_SECOND_FACTOR)
    if state is None:
        state = _session_state(request.user)
        second_factor_mark(request, state)
    return state == SESSION_OK


@receiver(user_logged_in, dispatch_uid="motcua-signin-succeeded")
def _on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None:
        return
    if getattr(request, "session", None) is not None:
        # The workspace marks "ok" after the code; any other door starts from the rule.
        second_factor_mark(request, _session_state(user))
    signin_succeeded(user=user, ip=client_ip(request), door=door_of(request))


# Pages a session that must still enrol may open: the enrolment page and the sign-outs.
_ENROL_ALLOWED = ("/can-bo/xac-thuc-hai-lop/", "/can-bo/dang-xuat/", "/tai-khoan/dang-xuat/")


class SecondFactorMiddleware:
    """The second factor at every door that uses the session (workspace, admin, portal, the
    API with a session cookie): a session that must enrol reaches only the enrolment page;
    a session opened with a password alone by a user who has a device is ended."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        signed_in = session is not None and session.session_key and "_auth_user_id" in session
        if session is not None and signed_in and not second_factor_done(request):
            state = session.get(SESSION_SECOND_FACTOR)
            if state == SESSION_VERIFY:
                from django.contrib.auth import logout

                logout(request)
            elif not request.path.startswith(_ENROL_ALLOWED) and not request.path.startswith(
                str(getattr(settings, "STATIC_URL", "/static/"))
            ):
                return self._enrol(request)
        response: HttpResponse = self.get_response(request)
        return response

    @staticmethod
    def _enrol(request: HttpRequest) -> HttpResponse:
        from django.http import JsonResponse
        from django.utils.translation import gettext as _

        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "detail": _(
                        "Vai trò của tài khoản này cần xác thực hai lớp: hãy đăng ký tại "
                        "trang cán bộ trước."
                    )
                },
                status=403,
            )
        return redirect("workspace:totp_setup")


# The Django admin: it has no sign-in of its own. Its login URL leads to the workspace
# sign-in (password, lockout, second factor), and it opens only to a session that passed
# the second factor where one is needed.


def admin_login(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
    next_url = request.GET.get("next") or reverse("admin:index")
    if request.user.is_authenticated and second_factor_of(request.user) is SecondFactor.ENROL:
        return redirect("workspace:totp_setup")
    return redirect(f"{reverse('workspace:login')}?{urlencode({'next': next_url})}")


def admin_has_permission(request: HttpRequest) -> bool:
    user = request.user
    return bool(
        user.is_active and user.is_staff and user.is_authenticated and second_factor_done(request)
    )
