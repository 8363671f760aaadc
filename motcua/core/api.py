"""Shared pieces of the REST API: pagination, errors, authentication endpoints."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status, throttling
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.models import ApiToken
from motcua.core.services import api_token_create, api_token_revoke
from motcua.core.text import comparable


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


class LoginThrottle(throttling.AnonRateThrottle):
    scope = "login"


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False)


class TokenView(APIView):
    """Exchange a username and password for a bearer token; DELETE revokes the token in use."""

    permission_classes = [AllowAny]
    throttle_classes = [LoginThrottle]

    def get_throttles(self) -> list[throttling.BaseThrottle]:
        return super().get_throttles() if self.request.method == "POST" else []

    @extend_schema(
        request=TokenRequestSerializer,
        responses={201: inline_serializer("Token", {"token": serializers.CharField()})},
        summary="Lấy mã truy cập (token)",
        auth=[],
    )
    def post(self, request: Request) -> Response:
        form = TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=form.validated_data["username"],
            password=form.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise exceptions.AuthenticationFailed(_("Sai tên đăng nhập hoặc mật khẩu."))
        _token, raw = api_token_create(user=user, name="api")
        return Response({"token": raw}, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None}, summary="Thu hồi mã truy cập đang dùng")
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
