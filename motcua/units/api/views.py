from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import AllowAny

from motcua.core.api import CodeLookupMixin
from motcua.core.text import comparable
from motcua.core.validation import query_choice
from motcua.units.api.serializers import UnitSerializer
from motcua.units.models import Unit, UnitLevel
from motcua.units.selectors import unit_list


@extend_schema_view(
    list=extend_schema(
        summary="Danh sách cơ quan, đơn vị",
        parameters=[
            OpenApiParameter("level", enum=[level.value for level in UnitLevel]),
            OpenApiParameter("parent", description="Mã đơn vị cấp trên"),
        ],
    ),
    retrieve=extend_schema(summary="Một cơ quan, đơn vị"),
)
class UnitViewSet(CodeLookupMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = UnitSerializer
    permission_classes = [AllowAny]
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"

    def get_queryset(self) -> QuerySet[Unit]:
        units = unit_list().select_related("successor")
        level = (
            query_choice(
                "level", self.request.query_params.get("level"), [v.value for v in UnitLevel]
            )
            or ""
        )
        parent = self.request.query_params.get("parent", "")
        if not (comparable(level) and comparable(parent)):
            return units.none()
        if level:
            units = units.filter(level=level)
        if parent:
            units = units.filter(parent__code=parent)
        return units
