"""Pages of citizen accounts: register, verify the e-mail, sign in and out, reset the
password, profile. Sign-in and password reset are rate-limited per client and per account."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.accounts import services
from motcua.accounts.forms import (
    CitizenLoginForm,
    CitizenPasswordResetForm,
    CitizenSetPasswordForm,
    ProfileForm,
    RegisterForm,
    ResendVerificationForm,
    username_for,
)
from motcua.core.ratelimit import client_ip, rate_limited


def _rate(scope: str) -> str:
    config: Any = settings.REST_FRAMEWORK
    return str(config["DEFAULT_THROTTLE_RATES"][scope])


def too_many(request: HttpRequest, message: str) -> HttpResponse:
    """The Vietnamese "too many requests" page (429)."""
    return render(request, "accounts/too_many.html", {"message": message}, status=429)


def _limited(request: HttpRequest, scope: str, *idents: str) -> bool:
    """One hit per client address and per account named in the form."""
    keys = [f"ip:{client_ip(request)}", *(f"id:{i.lower()}" for i in idents if i)]
    # Count every key (no short-circuit), then judge.
    hits = [rate_limited(scope, key, _rate("login")) for key in keys]
    return any(hits)


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("portal:my_dossiers")
    form = RegisterForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if _limited(request, "register"):
            return too_many(
                request, _("Bạn đã đăng ký quá nhiều lần. Vui lòng thử lại sau ít phút.")
            )
        if form.is_valid():
            data = form.cleaned_data
            services.citizen_register(
                full_name=data["full_name"],
                phone=data["phone"],
                email=data["email"],
                password=data["password1"],
            )
            request.session["verify_email"] = data["email"]
            return redirect("accounts:verify_sent")
    return render(request, "accounts/register.html", {"form": form})


@require_http_methods(["GET", "POST"])
def verify_sent(request: HttpRequest) -> HttpResponse:
    """ "Check your mailbox", with a form to send the link again."""
    form = ResendVerificationForm(
        request.POST if request.method == "POST" else None,
        initial={"email": request.session.get("verify_email", "")},
    )
    if request.method == "POST":
        email = request.POST.get("email", "")
        if _limited(request, "verify", email):
            return too_many(request, _("Đã gửi quá nhiều thư. Vui lòng thử lại sau ít phút."))
        if form.is_valid():
            user = (
                get_user_model()
                .objects.filter(email__iexact=form.cleaned_data["email"], is_active=True)
                .first()
            )
            profile = services.profile_of(user) if user else None
            if user is not None and profile is not None and not profile.is_verified:
                services.verification_send(user=user)
            # The same answer whether or not the address is known: no account discovery.
            messages.success(
                request, _("Nếu địa chỉ này cần xác nhận, một thư mới vừa được gửi đến.")
            )
            return redirect("accounts:verify_sent")
    return render(request, "accounts/verify_sent.html", {"form": form})


@require_http_methods(["GET"])
def verify(request: HttpRequest, token: str) -> HttpResponse:
    user = services.email_verify(token=token)
    if user is None:
        return render(request, "accounts/verify_failed.html", status=400)
    messages.success(request, _("Đã xác nhận thư điện tử. Mời bạn đăng nhập."))
    return redirect("accounts:login")


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = CitizenLoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        identifier = username_for(request.POST.get("username", "").strip())
        if _limited(request, "login", identifier):
            return too_many(
                request,
                _("Bạn đã đăng nhập sai quá nhiều lần. Vui lòng đợi một phút rồi thử lại."),
            )
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from motcua.accounts.oidc import oidc_enabled

        return super().get_context_data(**kwargs) | {"vneid": oidc_enabled()}

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        if getattr(self.request, "signin_locked", 0):
            response.status_code = 429
        return response

    def get_default_redirect_url(self) -> str:
        return str(reverse_lazy("portal:my_dossiers"))


class LogoutView(auth_views.LogoutView):
    """Sign out here; a session opened through VNeID also signs out at the provider
    (its end-session endpoint), which sends the citizen back to the portal's home."""

    next_page = "portal:home"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from motcua.accounts.oidc import SESSION_VIA, provider_logout_url

        provider = provider_logout_url(request) if request.session.get(SESSION_VIA) else ""
        response = super().post(request, *args, **kwargs)
        if provider:
            return redirect(provider)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    form_class = CitizenPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if _limited(request, "reset", request.POST.get("email", "").strip()):
            return too_many(request, _("Đã gửi quá nhiều yêu cầu. Vui lòng thử lại sau ít phút."))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        # Links in mail point at the public address, not at whatever Host the request had.
        self.extra_email_context = {"SITE_URL": settings.SITE_URL}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = CitizenSetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@login_required(login_url="accounts:login")
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    current = services.applicant_of(user)
    form = ProfileForm(
        request.POST if request.method == "POST" else None,
        user=user,
        initial={
            "full_name": current.name,
            "id_number": current.id_number,
            "phone": current.phone,
            "email": current.email,
            "address": current.address,
        },
    )
    if request.method == "POST" and form.is_valid():
        changed = services.profile_update(user=user, **form.cleaned_data)
        messages.success(request, _("Đã lưu thông tin cá nhân."))
        if changed:
            messages.warning(
                request,
                _(
                    "Hãy mở liên kết trong thư vừa gửi đến địa chỉ mới để xác nhận "
                    "trước lần đăng nhập sau."
                ),
            )
        return redirect("accounts:profile")
    stored = services.profile_of(user)
    born = stored.date_of_birth if stored is not None else ""
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "date_of_birth": "/".join(reversed(born.split("-"))) if born else ""},
    )


# --- Sign-in with the national identity (VNeID, issue 15; docs/vneid.md) ---------------


def _vneid_refused(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    return render(request, "accounts/vneid_failed.html", {"message": message}, status=status)


@require_http_methods(["GET"])
def vneid_start(request: HttpRequest) -> HttpResponse:
    """To the provider's sign-in page (state, nonce and the PKCE challenge in the session)."""
    from mozilla_django_oidc.views import OIDCAuthenticationRequestView

    from motcua.accounts.oidc import oidc_enabled

    if not oidc_enabled():
        raise Http404
    return OIDCAuthenticationRequestView.as_view()(request)


def _callback_view() -> Any:
    from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

    from motcua.accounts.oidc import SESSION_VIA

    class Callback(OIDCAuthenticationCallbackView):
        @property
        def success_url(self) -> str:
            return self.request.session.get("oidc_login_next") or str(
                reverse_lazy("portal:my_dossiers")
            )

        def login_success(self) -> HttpResponse:
            response: HttpResponse = super().login_success()
            self.request.session[SESSION_VIA] = True
            return response

        def login_failure(self) -> HttpResponse:
            return _vneid_refused(
                self.request,
                _("Đăng nhập bằng VNeID không thành công hoặc đã bị hủy. Vui lòng thử lại."),
            )

    return Callback.as_view()


@require_http_methods(["GET"])
def vneid_callback(request: HttpRequest) -> HttpResponse:
    """The provider sends the citizen back here with a code; the backend exchanges it (with
    the PKCE verifier), validates the id token and signs the citizen in, or asks to link."""
    from django.core.exceptions import SuspiciousOperation

    from motcua.accounts.oidc import (
        SESSION_PENDING,
        LinkRequired,
        VneidRefused,
        oidc_enabled,
        refused,
    )

    if not oidc_enabled():
        raise Http404
    if _limited(request, "login"):
        return too_many(
            request, _("Bạn đã đăng nhập quá nhiều lần. Vui lòng đợi một phút rồi thử lại.")
        )
    try:
        return _callback_view()(request)
    except LinkRequired as exc:
        request.session[SESSION_PENDING] = exc.identity.pk
        return redirect("accounts:vneid_link")
    except VneidRefused as exc:
        refused(request, exc.reason)
        return _vneid_refused(request, exc.message, status=429 if exc.reason == "locked" else 400)
    except SuspiciousOperation:
        refused(request, "state")
        return _vneid_refused(
            request,
            _(
                "Phiên đăng nhập VNeID không hợp lệ hoặc đã hết hạn (mã trạng thái không khớp). "
                "Vui lòng bắt đầu lại từ nút “Đăng nhập bằng VNeID”."
            ),
        )


@require_http_methods(["GET", "POST"])
def vneid_link(request: HttpRequest) -> HttpResponse:
    """Confirm linking the national identity to the existing account with the same ID
    number: only signed in to that account, only after the citizen says so."""
    from motcua.accounts.models import NationalIdentity
    from motcua.accounts.oidc import SESSION_PENDING, SESSION_VIA, VneidRefused, identity_link

    pending = request.session.get(SESSION_PENDING)
    identity = (
        NationalIdentity.objects.filter(pk=pending, user__isnull=True).first()
        if isinstance(pending, int)
        else None
    )
    if identity is None:
        return _vneid_refused(
            request, _("Không có yêu cầu liên kết tài khoản nào đang chờ xác nhận."), status=404
        )
    if request.method == "POST" and not request.user.is_authenticated:
        if request.POST.get("confirm") != "new":
            return redirect("accounts:vneid_link")
        from django.contrib.auth import login

        from motcua.accounts.oidc import BACKEND, identity_new_account

        try:
            user = identity_new_account(identity=identity)
        except VneidRefused as exc:
            return _vneid_refused(request, exc.message)
        login(request, user, backend=BACKEND)
        request.session.pop(SESSION_PENDING, None)
        request.session[SESSION_VIA] = True
        messages.success(request, _("Đã tạo tài khoản mới bằng định danh điện tử (VNeID)."))
        return redirect("portal:my_dossiers")
    if request.method == "POST" and request.user.is_authenticated:
        if request.POST.get("confirm") != "yes":
            request.session.pop(SESSION_PENDING, None)
            messages.info(request, _("Đã hủy liên kết tài khoản định danh."))
            return redirect("portal:my_dossiers")
        try:
            identity_link(identity=identity, user=request.user)
        except VneidRefused as exc:
            return _vneid_refused(request, exc.message)
        request.session.pop(SESSION_PENDING, None)
        request.session[SESSION_VIA] = True
        messages.success(
            request, _("Đã liên kết tài khoản với tài khoản định danh điện tử (VNeID).")
        )
        return redirect("portal:my_dossiers")
    return render(
        request,
        "accounts/vneid_link.html",
        {"identity": identity, "login_url": f"{reverse('accounts:login')}?next={request.path}"},
    )
