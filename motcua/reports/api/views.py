"""``GET /api/v1/stats`` (CONTRACT.md §2, §6) and ``GET /api/v1/indicators`` (§9)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ParseError, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.replica import replica_reads
from motcua.reports.national_indicators import national_indicators
from motcua.reports.query import StatsForbidden, report_query
from motcua.reports.selectors import COUNT_KEYS, EXTRA_KEYS, StatsError, stats_report


def _counts_fields() -> dict[str, serializers.Field]:
    fields: dict[str, serializers.Field] = {k: serializers.IntegerField() for k in COUNT_KEYS}
    for k in EXTRA_KEYS:
        fields[k] = (
            serializers.FloatField(allow_null=True, help_text="% giải quyết trước hạn và đúng hạn")
            if k == "on_time_share"
            else serializers.IntegerField()
        )
    return fields


Counts = inline_serializer("StatsCounts", fields=_counts_fields())
Rows = inline_serializer(
    "StatsRow",
    many=True,
    fields={
        "key": serializers.CharField(help_text="Mã đơn vị, lĩnh vực, thủ tục hoặc tên đăng nhập"),
        "label": serializers.CharField(),
        **_counts_fields(),
    },
)


class StatsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Thống kê tình hình giải quyết hồ sơ",
        description=(
            "Số liệu của CONTRACT.md §6 cho một kỳ (ngày theo giờ Việt Nam, tính cả hai đầu), "
            "cộng dồn đơn vị và mọi đơn vị cấp dưới (kể cả đơn vị đã sáp nhập vào chúng), tại "
            "thời điểm cuối kỳ. Lãnh đạo xem đơn vị mình và cấp dưới; quản trị hệ thống xem tất "
            "cả. group_by=unit: một dòng cho hồ sơ do chính đơn vị tiếp nhận, rồi mỗi đơn vị "
            "trực thuộc (cộng dồn); tổng các dòng bằng total."
        ),
        parameters=[
            OpenApiParameter("unit", description="Mã đơn vị (mặc định: đơn vị của lãnh đạo)"),
            OpenApiParameter("from", description="YYYY-MM-DD (mặc định: 1/1 năm nay)"),
            OpenApiParameter("to", description="YYYY-MM-DD (mặc định: hôm nay)"),
            OpenApiParameter("group_by", enum=["unit", "field", "procedure", "officer"]),
            OpenApiParameter("field", description="Chỉ lĩnh vực này (mã)"),
            OpenApiParameter("procedure", description="Chỉ thủ tục này (mã)"),
        ],
        responses={
            200: inline_serializer(
                "StatsReport",
                fields={
                    "unit": serializers.CharField(),
                    "from": serializers.DateField(),
                    "to": serializers.DateField(),
                    "group_by": serializers.CharField(),
                    "rows": Rows,
                    "total": Counts,
                },
            )
        },
    )
    @replica_reads
    def get(self, request: Request) -> Response:
        try:
            q = report_query(request.user, request.query_params)
        except StatsError as exc:
            raise ParseError(str(exc)) from None
        except StatsForbidden as exc:
            raise PermissionDenied(str(exc)) from None
        report = stats_report(
            unit=q.unit,
            date_from=q.date_from,
            date_to=q.date_to,
            group_by=q.group_by,
            field_id=q.field_id,
            procedure_id=q.procedure_id,
            tree=q.tree,
        )
        return Response(report.as_dict())


Indicator = inline_serializer(
    "Indicator766",
    fields={
        "id": serializers.CharField(help_text="Mã chỉ số theo Quyết định 766 (2.1, 3.3, …)"),
        "group": serializers.CharField(help_text="Nhóm chỉ số (1–5)"),
        "group_name": serializers.CharField(),
        "name": serializers.CharField(),
        "numerator": serializers.FloatField(allow_null=True),
        "denominator": serializers.FloatField(allow_null=True),
        "value": serializers.FloatField(
            allow_null=True, help_text="%, làm tròn 2 chữ số; null khi mẫu số bằng 0 (N/A)"
        ),
        "unit": serializers.CharField(help_text="“%”, hoặc đơn vị thời gian của chỉ số 2.2"),
        "points": serializers.FloatField(allow_null=True),
        "max_points": serializers.FloatField(allow_null=True),
        "formula": serializers.CharField(),
        "note": serializers.CharField(help_text="Vì sao chưa có số liệu, nếu có"),
    },
)


class IndicatorsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Chỉ số Quyết định 766/QĐ-TTg theo cách tính của Cổng Dịch vụ công quốc gia",
        description=(
            "Mỗi chỉ số của reference/766-indicators.md mà dữ liệu MotCua tính được, cho một "
            "đơn vị và mọi đơn vị cấp dưới, tại thời điểm cuối kỳ: tử số, mẫu số, giá trị, "
            "điểm và cách tính. Chỉ số cần dữ liệu chưa có (đồng bộ, kho dữ liệu, VNeID, phản "
            "ánh kiến nghị) có value null và note nêu lý do. Phạm vi như /api/v1/stats."
        ),
        parameters=[
            OpenApiParameter("unit", description="Mã đơn vị (mặc định: đơn vị của lãnh đạo)"),
            OpenApiParameter("from", description="YYYY-MM-DD (mặc định: 1/1 năm nay)"),
            OpenApiParameter("to", description="YYYY-MM-DD (mặc định: hôm nay)"),
            OpenApiParameter("field", description="Chỉ lĩnh vực này (mã)"),
            OpenApiParameter("procedure", description="Chỉ thủ tục này (mã); cần cho chỉ số 2.2"),
        ],
        responses={
            200: inline_serializer(
                "Indicators766",
                fields={
                    "unit": serializers.CharField(),
                    "from": serializers.DateField(),
                    "to": serializers.DateField(),
                    "field": serializers.CharField(allow_null=True),
                    "procedure": serializers.CharField(allow_null=True),
                    "indicators": serializers.ListField(child=Indicator),
                },
            )
        },
    )
    @replica_reads
    def get(self, request: Request) -> Response:
        try:
            q = report_query(request.user, request.query_params)
        except StatsError as exc:
            raise ParseError(str(exc)) from None
        except StatsForbidden as exc:
            raise PermissionDenied(str(exc)) from None
        items = national_indicators(
            unit=q.unit,
            date_from=q.date_from,
            date_to=q.date_to,
            field_id=q.field_id,
            procedure=q.procedure,
            tree=q.tree,
        )
        return Response(
            {
                "unit": q.unit.code,
                "from": q.date_from.isoformat(),
                "to": q.date_to.isoformat(),
                "field": q.field.code if q.field else None,
                "procedure": q.procedure.code if q.procedure else None,
                "indicators": [i.as_dict() for i in items],
            }
        )
