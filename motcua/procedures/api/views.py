from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from motcua.core.api import CodeLookupMixin
from motcua.core.text import comparable
from motcua.core.validation import is_ascii_int, query_choice
from motcua.procedures.api.serializers import (
    FieldSerializer,
    ProcedureDetailSerializer,
    ProcedureListSerializer,
    ProcedureVersionSerializer,
)
from motcua.procedures.models import Field, Procedure, ProcedureLevel
from motcua.procedures.selectors import field_list, procedure_detail_queryset, procedure_search


@extend_schema_view(list=extend_schema(summary="Danh sách lĩnh vực"))
class FieldViewSet(CodeLookupMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = FieldSerializer
    permission_classes = [AllowAny]
    pagination_class = None
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Field]:
        return field_list()


_record_example = OpenApiExample(
    "Đăng ký khai sinh",
    value={
        "code": "1.001193",
        "name": "Đăng ký khai sinh",
        "field": "HT",
        "level": "commune",
        "processing_days": 0,
        "same_day_cutoff": "15:00",
        "fee": {"amount": 0, "note": "Miễn lệ phí nếu đăng ký đúng hạn"},
        "online": "full",
        "result": "Giấy khai sinh",
        "documents": [
            {"name": "Tờ khai đăng ký khai sinh", "kind": "original", "count": 1, "required": True}
        ],
        "legal_basis": [
            {
                "number": "60/2014/QH13",
                "title": "Luật Hộ tịch",
                "issued": "2014-11-20",
                "issuer": "Quốc hội",
            }
        ],
        "steps": [{"name": "Thẩm định", "role": "specialist", "hours": 4}],
        "version": 1,
    },
    response_only=True,
)


@extend_schema_view(
    list=extend_schema(
        summary="Tìm thủ tục hành chính",
        description=(
            "Tìm không phân biệt hoa thường, dấu và đ/d: `dang ky khai sinh` tìm thấy "
            "“Đăng ký khai sinh”. Kết quả khớp tên đứng trước."
        ),
        parameters=[
            OpenApiParameter("search", description="Từ khóa, ví dụ: dang ky khai sinh"),
            OpenApiParameter("field", description="Mã lĩnh vực"),
            OpenApiParameter("level", enum=[level.value for level in ProcedureLevel]),
            OpenApiParameter("unit", description="Mã đơn vị thực hiện"),
        ],
    ),
    retrieve=extend_schema(
        summary="Toàn bộ thông tin một thủ tục",
        responses={200: inline_serializer("ProcedureRecord", {"code": serializers.CharField()})},
        examples=[_record_example],
        parameters=[OpenApiParameter("version", int, description="Một phiên bản cũ")],
    ),
)
class ProcedureViewSet(CodeLookupMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Procedure]]:
        return ProcedureListSerializer if self.action == "list" else ProcedureDetailSerializer

    def get_queryset(self) -> QuerySet[Procedure]:
        if self.action != "list":
            return procedure_detail_queryset()
        params = self.request.query_params
        return procedure_search(
            query=params.get("search", ""),
            field=params.get("field", ""),
            level=query_choice("level", params.get("level"), [v.value for v in ProcedureLevel])
            or "",
            unit=params.get("unit", ""),
        )

    def retrieve(self, request: Request, *args: object, **kwargs: object) -> Response:
        procedure = self.get_object()
        version = request.query_params.get("version")
        if version is not None:
            if not is_ascii_int(version) or len(version) > 9:
                raise serializers.ValidationError({"version": "Phiên bản phải là một số nguyên."})
            snapshot = get_object_or_404(procedure.versions, number=int(version))
            return Response({**snapshot.record, "version": snapshot.number})
        return Response(ProcedureDetailSerializer(procedure).data)

    @extend_schema(
        summary="Các phiên bản của thủ tục", responses=ProcedureVersionSerializer(many=True)
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def versions(self, request: Request, code: str) -> Response:
        if not comparable(code):
            raise Http404
        procedure = get_object_or_404(Procedure, code=code)
        data = ProcedureVersionSerializer(procedure.versions.order_by("-number"), many=True).data
        return Response(data)
