"""``POST /api/v1/verify`` (CONTRACT.md §10): anyone sends a PDF, MotCua says whether its
signature is valid, who signed and when, and whether it is the file MotCua issued."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status, throttling
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.ratelimit import client_ip, rate_limited, rate_wait
from motcua.signing.verification import Verdict, pdf_verify


def max_verify_bytes() -> int:
    return int(settings.MOTCUA_VERIFY_MAX_MB) * 1024 * 1024


class VerifyThrottle(throttling.BaseThrottle):
    """Checks per client address (``MOTCUA_VERIFY_RATE``) on MotCua's shared counters."""

    def allow_request(self, request: Request, view: Any) -> bool:
        return not rate_limited("api-verify", client_ip(request._request), self.rate())

    def rate(self) -> str:
        return str(settings.MOTCUA_VERIFY_RATE)

    def wait(self) -> float | None:
        return float(rate_wait(self.rate()))


def verdict_payload(verdict: Verdict) -> dict[str, Any]:
    """What anyone may see: no personal data, the dossier code and the unit only."""
    issued = verdict.issued
    return {
        "valid": verdict.valid,
        "outcome": verdict.outcome,
        "message": verdict.message,
        "signer": verdict.signer,
        "signed_at": timezone.localtime(verdict.signed_at).isoformat()
        if verdict.signed_at
        else None,
        "timestamped": verdict.timestamped,
        "dossier_code": verdict.dossier_code,
        "unit": verdict.unit_name,
        "issued_by_motcua": issued is not None,
        "sha256": verdict.sha256,
    }


class VerifyRequest(serializers.Serializer):
    file = serializers.FileField()


class VerifyView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    parser_classes = [MultiPartParser, FormParser]
    throttle_classes = [VerifyThrottle]

    def throttled(self, request: Request, wait: float | None) -> NoReturn:
        raise exceptions.Throttled(wait=wait, detail="Quá nhiều yêu cầu; vui lòng thử lại sau.")

    @extend_schema(
        request={"multipart/form-data": VerifyRequest},
        responses={
            200: inline_serializer(
                "VerifyResult",
                {
                    "valid": serializers.BooleanField(),
                    "outcome": serializers.ChoiceField(
                        choices=[
                            "valid",
                            "tampered",
                            "unsigned",
                            "untrusted",
                            "expired",
                            "revoked",
                            "invalid",
                            "not_pdf",
                        ]
                    ),
                    "message": serializers.CharField(),
                    "signer": serializers.CharField(allow_null=True),
                    "signed_at": serializers.DateTimeField(allow_null=True),
                    "timestamped": serializers.BooleanField(),
                    "dossier_code": serializers.CharField(allow_null=True),
                    "unit": serializers.CharField(allow_null=True),
                    "issued_by_motcua": serializers.BooleanField(),
                    "sha256": serializers.CharField(),
                },
            )
        },
        auth=[],
        summary="Xác thực tệp PDF đã ký số (public)",
    )
    def post(self, request: Request) -> Response:
        upload = request.FILES.get("file") if hasattr(request, "FILES") else None
        if upload is None:
            return Response(
                {"detail": "Vui lòng gửi tệp PDF.", "file": ["Vui lòng gửi tệp PDF."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if upload.size is None or upload.size > max_verify_bytes():
            return Response(
                {"detail": f"Tệp lớn hơn {settings.MOTCUA_VERIFY_MAX_MB} MB."},
                status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        data = upload.read(max_verify_bytes() + 1)
        if not data:
            return Response({"detail": "Tệp rỗng."}, status=status.HTTP_400_BAD_REQUEST)
        return Response(verdict_payload(pdf_verify(data)))
