from __future__ import annotations

from datetime import date
from typing import Any

from rest_framework import serializers

from motcua.calendars.models import CalendarDay, DayKind
from motcua.calendars.services import NAME_MAX
from motcua.calendars.workingtime import WEEKDAYS_VI

_KINDS = "“holiday” (ngày nghỉ) hoặc “workday” (ngày làm bù)."


class CalendarDaySerializer(serializers.ModelSerializer):
    weekday = serializers.SerializerMethodField()
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    updated_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = CalendarDay
        fields = [
            "date",
            "weekday",
            "kind",
            "kind_label",
            "name",
            "source",
            "source_label",
            "updated_at",
            "updated_by",
        ]

    def get_weekday(self, obj: CalendarDay) -> str:
        day: date = obj.date
        return WEEKDAYS_VI[day.weekday()]


class CalendarDayWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=DayKind.choices,
        error_messages={
            "required": "Cần cho biết loại ngày: " + _KINDS,
            "invalid_choice": "Loại ngày phải là " + _KINDS,
        },
    )
    name = serializers.CharField(
        max_length=NAME_MAX,
        allow_blank=True,
        required=False,
        default="",
        error_messages={"max_length": f"Tên ngày dài tối đa {NAME_MAX} ký tự."},
    )


class DaySerializer(serializers.Serializer):
    date = serializers.DateField()
    weekday = serializers.CharField()
    working = serializers.BooleanField(help_text="Có phải ngày làm việc không")
    kind = serializers.ChoiceField(choices=DayKind.choices, allow_null=True)
    name = serializers.CharField(allow_blank=True)
    source = serializers.CharField(allow_null=True)  # type: ignore[assignment]


class SkippedDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    reason = serializers.ChoiceField(choices=["weekend", "holiday"])
    name = serializers.CharField(allow_blank=True)


class CountedWorkdaySerializer(serializers.Serializer):
    date = serializers.DateField()
    name = serializers.CharField(allow_blank=True)


class ExplanationSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    effective_start = serializers.DateTimeField(
        help_text="Thời điểm bắt đầu tính (đầu phiên làm việc kế tiếp nếu nhận ngoài giờ)"
    )
    days = serializers.FloatField()
    working_seconds = serializers.IntegerField()
    same_day = serializers.BooleanField()
    cutoff = serializers.CharField(allow_null=True)
    due_at = serializers.DateTimeField()
    skipped = SkippedDaySerializer(many=True, help_text="Ngày nghỉ đã bỏ qua")
    workdays = CountedWorkdaySerializer(many=True, help_text="Ngày làm bù đã tính")
    lines = serializers.ListField(child=serializers.CharField(), help_text="Diễn giải tiếng Việt")


class DueSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    days = serializers.FloatField()
    cutoff = serializers.CharField(allow_null=True, help_text="Chỉ với thủ tục trong ngày")
    due_at = serializers.DateTimeField(help_text="Hạn trả kết quả, giờ Việt Nam (+07:00)")
    explanation = ExplanationSerializer(required=False)
