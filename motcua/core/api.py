"""Shared pieces of the REST API: pagination, errors, authentication endpoints."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status, throttling
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.models import ApiToken
from motcua.core.ratelimit import client_ip
from motcua.core.services import api_token_create, api_token_revoke
from motcua.core.signin import (
    Door,
    SecondFactor,
    second_factor_of,
    signin_failed,
    signin_locked,
    signin_succeeded,
)
from motcua.core.text import comparable
from motcua.core.throttles import LoginThrottle


class CodeLookupMixin:
    """For viewsets that look objects up by code: a code the database cannot compare
    (one with a NUL character) is simply not found, never a 500."""

    kwargs: dict[str, Any]
    lookup_field: str

    def get_object(self) -> Any:
        if not comparable(str(self.kwargs.get(self.lookup_field, ""))):
            raise Http404
        return super().get_object()  # type: ignore[misc]


class BearerAuthScheme(OpenApiAuthenticationExtension):
    target_class = "motcua.core.auth.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer"}


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False)
    otp = serializers.CharField(
        max_length=16,
        required=False,
        allow_blank=True,
        help_text="Mã xác thực hai lớp (TOTP, 6 chữ số) khi tài khoản dùng xác thực hai lớp",
    )


class Locked(exceptions.Throttled):
    default_detail = _("Tài khoản tạm bị khóa đăng nhập từ địa chỉ này do nhập sai nhiều lần.")


class SecondFactorNeeded(exceptions.AuthenticationFailed):
    default_detail = _("Tài khoản này dùng xác thực hai lớp: cần gửi mã (otp).")


class EnrolmentNeeded(exceptions.PermissionDenied):
    default_detail = _(
        "Vai trò của tài khoản này cần xác thực hai lớp: hãy đăng ký tại trang cán bộ "
        "(/can-bo/xac-thuc-hai-lop/) trước khi lấy mã truy cập."
    )


class TokenView(APIView):
    """Exchange a username, password and (when the user has a second factor) a TOTP code for
    a bearer token that expires; DELETE revokes the token in use. The same lockout, rate
    limit and second factor as every other sign-in (:mod:`motcua.core.signin`)."""

    permission_classes = [AllowAny]
    throttle_classes = [LoginThrottle]

    def get_throttles(self) -> list[throttling.BaseThrottle]:
        return super().get_throttles() if self.request.method == "POST" else []

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            201: inline_serializer(
                "Token",
                {"token": serializers.CharField(), "expires_at": serializers.DateTimeField()},
            ),
        },
        summary="Lấy mã truy cập (token)",
        auth=[],
    )
    def post(self, request: Request) -> Response:
        form = TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        username = form.validated_data["username"]
        ip = client_ip(request._request)
        wait = signin_locked(username=username, ip=ip)
        if wait:
            raise Locked(wait=wait)
        user = authenticate(
            request._request, username=username, password=form.validated_data["password"]
        )
        if user is None or not user.is_active:
            wait = getattr(request._request, "signin_locked", 0)
            if wait:
                raise Locked(wait=wait)
            raise exceptions.AuthenticationFailed(_("Sai tên đăng nhập hoặc mật khẩu."))
        state = second_factor_of(user)
        if state is SecondFactor.ENROL:
            raise EnrolmentNeeded()
        if state is SecondFactor.VERIFY:
            from motcua.workspace.auth import totp_of, totp_verify

            code = form.validated_data.get("otp") or ""
            if not code:
                raise SecondFactorNeeded()
            device = totp_of(user)
            if device is None or not totp_verify(device, code):
                wait = signin_failed(username=username, ip=ip, reason="totp", door=Door.API)
                if wait:
                    raise Locked(wait=wait)
                raise exceptions.AuthenticationFailed(_("Mã xác thực không đúng hoặc đã hết hạn."))
        signin_succeeded(user=user, ip=ip, door=Door.API)
        token, raw = api_token_create(user=user, name="api")
        assert token.expires_at is not None
        return Response(
            {"token": raw, "expires_at": timezone.localtime(token.expires_at).isoformat()},
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=None,
        responses={204: None},
        summary="Thu hồi mã truy cập đang dùng",
    )
    def delete(self, request: Request) -> Response:
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        token = request.auth
        if not isinstance(token, ApiToken):
            raise exceptions.ValidationError({"detail": _("Yêu cầu này cần một mã truy cập.")})
        api_token_revoke(token=token)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def get_permissions(self) -> Any:
        if self.request.method == "DELETE":
            return [IsAuthenticated()]
        return super().get_permissions()
