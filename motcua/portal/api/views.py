"""Public lookup API (CONTRACT.md §2): ``GET /api/v1/lookup/{code}`` and
``POST /api/v1/lookup/{code}/rating``. No login; rate-limited per client (429 beyond)."""

from __future__ import annotations

from typing import Any, NoReturn

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.replica import replica_reads
from motcua.core.throttles import LookupThrottle
from motcua.portal.lookup import (
    VERIFY_LOCK_SECONDS,
    VerifyResult,
    lookup_find,
    lookup_payload,
    verify_check,
    verify_well_formed,
)
from motcua.portal.ratings import RatingConflict, rating_create


class Throttled429(exceptions.Throttled):
    default_detail = "Quá nhiều yêu cầu tra cứu; vui lòng thử lại sau."


class _Base(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [LookupThrottle]
    authentication_classes: list[Any] = []

    def throttled(self, request: Request, wait: float | None) -> NoReturn:
        raise Throttled429(wait=wait)

    def _dossier(self, code: str) -> Any:
        dossier = lookup_find(code)
        if dossier is None:
            raise exceptions.NotFound("Không tìm thấy hồ sơ với mã này.")
        return dossier

    def _verified(self, dossier: Any, verify: str) -> bool:
        if not verify:
            return False
        result = verify_check(dossier, verify)
        if result is VerifyResult.LOCKED:
            raise Throttled429(
                detail="Đã nhập sai 4 số cuối điện thoại quá nhiều lần cho hồ sơ này; "
                "vui lòng thử lại sau một giờ.",
                wait=VERIFY_LOCK_SECONDS,
            )
        return result is VerifyResult.OK

    @staticmethod
    def _well_formed(verify: str) -> str:
        verify = verify.strip()
        if verify and not verify_well_formed(verify):
            raise exceptions.ValidationError(
                {"verify": ["Nhập đúng 4 chữ số cuối của số điện thoại (0–9)."]}
            )
        return verify


class LookupView(_Base):
    @extend_schema(
        summary="Tra cứu hồ sơ theo mã",
        parameters=[
            OpenApiParameter(
                "verify",
                str,
                description="4 số cuối điện thoại của chủ hồ sơ: thêm tên, giấy tờ, tiến trình",
            )
        ],
        responses={200: inline_serializer("Lookup", {"code": serializers.CharField()})},
        auth=[],
    )
    @replica_reads
    def get(self, request: Request, code: str) -> Response:
        dossier = self._dossier(code)
        verify = self._well_formed(str(request.query_params.get("verify", ""))[:16])
        verified = self._verified(dossier, verify)
        return Response(lookup_payload(dossier, verified=verified))


class RatingRequestSerializer(serializers.Serializer):
    verify = serializers.CharField(max_length=16)
    score = serializers.IntegerField()
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    liked = serializers.BooleanField(required=False, allow_null=True, help_text="Thích/không thích")


class LookupRatingView(_Base):
    @extend_schema(
        summary="Đánh giá mức độ hài lòng (một lần mỗi hồ sơ, sau khi trả kết quả)",
        request=RatingRequestSerializer,
        responses={
            201: inline_serializer(
                "Rating",
                {
                    "code": serializers.CharField(),
                    "score": serializers.IntegerField(),
                    "comment": serializers.CharField(),
                    "created_at": serializers.DateTimeField(),
                },
            )
        },
        auth=[],
    )
    def post(self, request: Request, code: str) -> Response:
        dossier = self._dossier(code)
        data = request.data if isinstance(request.data, dict) else {}
        verify = self._well_formed(str(data.get("verify", ""))[:16])
        if not self._verified(dossier, verify):
            raise exceptions.PermissionDenied(
                "4 số cuối điện thoại (verify) không khớp với chủ hồ sơ."
            )
        rating = rating_create(
            dossier=dossier,
            score=data.get("score"),
            comment=data.get("comment", ""),
            via_lookup=True,
            liked=data.get("liked"),
        )
        return Response(
            {
                "code": dossier.code,
                "score": rating.score,
                "comment": rating.comment,
                "liked": rating.liked,
                "created_at": rating.created_at.isoformat(),
            },
            status=status.HTTP_201_CREATED,
        )


__all__ = ["LookupRatingView", "LookupThrottle", "LookupView", "RatingConflict"]
