"""Sign-in pages of the staff workspace: password, then the TOTP code when the officer
has one; enrolment of the second factor with a QR code; sign-out."""

from __future__ import annotations

import io

import pyotp
import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from motcua.core.ratelimit import client_ip
from motcua.core.services import audit_record
from motcua.core.signin import (
    BACKEND,
    SESSION_OK,
    lock_seconds,
    second_factor_mark,
    signin_locked,
)
from motcua.workspace.auth import (
    SESSION_LAST,
    SESSION_PENDING,
    SESSION_PENDING_NEXT,
    login_failed,
    login_locked,
    officer,
    safe_next,
    staff_of,
    staff_required,
    totp_of,
    totp_verify,
)
from motcua.workspace.models import StaffTotp


def _locked_message(seconds: int = 0) -> str:
    minutes = max(1, (seconds or lock_seconds()) // 60)
    return _(
        "Tài khoản hoặc máy này tạm bị khóa đăng nhập %(minutes)d phút do nhập sai nhiều lần."
    ) % {"minutes": minutes}


def _finish_login(
    request: HttpRequest, user: object, next_url: str, *, second_factor: bool = False
) -> HttpResponse:
    login(request, user, backend=BACKEND)  # type: ignore[arg-type]  # audits login.ok
    if second_factor:
        second_factor_mark(request, SESSION_OK)
    request.session[SESSION_LAST] = int(timezone.now().timestamp())
    return redirect(next_url)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request)
    error = ""
    username = ""
    status = 200
    if request.method == "POST":
        username = request.POST.get("username", "").strip()[:150]
        password = request.POST.get("password", "")
        ip = client_ip(request)
        # The backend applies the lockout (and audits); a locked pair gets no user.
        user = authenticate(request, username=username, password=password)
        if user is None:
            wait = int(getattr(request, "signin_locked", 0))
            if wait:
                error, status = _locked_message(wait), 429
            else:
                error, status = _("Tên đăng nhập hoặc mật khẩu không đúng."), 400
        else:
            staff = staff_of(user)
            if not staff.pairs and not staff.superuser and not user.is_staff:
                login_failed(username, ip, "not_staff")
                error, status = _("Tài khoản này không có vai trò cán bộ."), 403
            else:
                device = totp_of(user)
                if device is not None and device.active:
                    request.session.cycle_key()
                    request.session[SESSION_PENDING] = user.pk
                    request.session[SESSION_PENDING_NEXT] = next_url
                    return redirect("workspace:totp_verify")
                return _finish_login(request, user, next_url)
    return render(
        request,
        "workspace/login.html",
        {"error": error, "username": username, "next": next_url},
        status=status,
    )


@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def totp_verify_view(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(SESSION_PENDING)
    user = get_user_model().objects.filter(pk=pending, is_active=True).first() if pending else None
    if user is None:
        return redirect("workspace:login")
    error, status = "", 200
    if request.method == "POST":
        ip = client_ip(request)
        device = totp_of(user)
        wait = signin_locked(username=user.get_username(), ip=ip)
        if wait:
            error, status = _locked_message(wait), 429
        elif device is not None and totp_verify(device, request.POST.get("code", "")):
            next_url = request.session.pop(SESSION_PENDING_NEXT, "") or safe_next(request)
            request.session.pop(SESSION_PENDING, None)
            return _finish_login(request, user, next_url, second_factor=True)
        else:
            login_failed(user.get_username(), ip, "totp")
            if login_locked(user.get_username(), ip):
                error, status = _locked_message(), 429
            else:
                error, status = _("Mã xác thực không đúng hoặc đã hết hạn."), 400
    return render(request, "workspace/totp_verify.html", {"error": error}, status=status)


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue().decode()


@staff_required(allow_totp_setup=True)
@never_cache
@require_http_methods(["GET", "POST"])
def totp_setup_view(request: HttpRequest) -> HttpResponse:
    device, _created = StaffTotp.objects.get_or_create(
        user=officer(request), defaults={"secret": pyotp.random_base32()}
    )
    error, status = "", 200
    if request.method == "POST":
        if request.POST.get("disable") and device.active:
            if totp_verify(device, request.POST.get("code", "")):
                device.delete()
                audit_record(
                    actor=request.user,
                    action="totp.disable",
                    target=f"user:{request.user.get_username()}",
                )
                messages.success(request, _("Đã tắt xác thực hai lớp."))
                return redirect("workspace:totp_setup")
            error, status = _("Mã xác thực không đúng."), 400
        elif totp_verify(device, request.POST.get("code", "")):
            device.confirmed_at = timezone.now()
            device.save(update_fields=["confirmed_at"])
            # The officer just proved holding the device: this session is complete.
            second_factor_mark(request, SESSION_OK)
            audit_record(
                actor=request.user,
                action="totp.enrol",
                target=f"user:{request.user.get_username()}",
            )
            messages.success(request, _("Đã bật xác thực hai lớp."))
            return redirect("workspace:home")
        else:
            error, status = _("Mã xác thực không đúng. Kiểm tra giờ trên điện thoại."), 400
    uri = pyotp.TOTP(device.secret).provisioning_uri(
        name=request.user.get_username(), issuer_name="MotCua"
    )
    return render(
        request,
        "workspace/totp_setup.html",
        {"device": device, "qr_svg": _qr_svg(uri), "secret": device.secret, "error": error},
        status=status,
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit_record(
            actor=request.user, action="logout", target=f"user:{request.user.get_username()}"
        )
    logout(request)
    messages.info(request, _("Bạn đã đăng xuất."))
    return redirect("workspace:login")
