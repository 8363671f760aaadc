from rest_framework import serializers

from motcua.units.models import Unit


class UnitSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)  # type: ignore[var-annotated,assignment]
    successor = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)  # type: ignore[var-annotated]
    level_label = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Unit
        fields = [
            "code",
            "name",
            "level",
            "level_label",
            "parent",
            "address",
            "phone",
            "valid_from",
            "valid_to",
            "successor",
        ]
