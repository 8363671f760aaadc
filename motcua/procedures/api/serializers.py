from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from motcua.procedures.models import Field, Procedure
from motcua.procedures.records import number, procedure_record


class FieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = Field
        fields = ["code", "name"]


class ProcedureListSerializer(serializers.ModelSerializer):
    field = serializers.SlugRelatedField(slug_field="code", read_only=True)  # type: ignore[var-annotated]
    field_name = serializers.CharField(source="field.name", read_only=True)  # type: ignore[assignment]
    processing_days = serializers.SerializerMethodField()

    class Meta:
        model = Procedure
        fields = [
            "code",
            "name",
            "field",
            "field_name",
            "level",
            "processing_days",
            "fee_amount",
            "online",
            "result",
        ]

    def get_processing_days(self, obj: Procedure) -> float:
        return float(number(obj.processing_days) or 0)


class ProcedureDetailSerializer(serializers.Serializer):
    """The full catalogue record (CONTRACT.md §4) plus version and performing units."""

    def to_representation(self, instance: Procedure) -> dict[str, Any]:
        record = procedure_record(instance)
        latest = instance.versions.order_by("-number").first()
        record["version"] = latest.number if latest else None
        record["field_name"] = instance.field.name
        record["units"] = [
            {"code": u.code, "name": u.name}
            for u in sorted(instance.units.all(), key=lambda u: u.code)
        ]
        return record


@extend_schema_field(serializers.DictField())
class RecordField(serializers.JSONField):
    pass


class ProcedureVersionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    record = RecordField()
