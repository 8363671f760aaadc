"""Working-time API (CONTRACT.md §2): due times for anyone, the day table for administrators."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.calendars.api.serializers import (
    CalendarDaySerializer,
    CalendarDayWriteSerializer,
    DaySerializer,
    DueSerializer,
)
from motcua.calendars.models import CalendarDay, DayKind
from motcua.calendars.selectors import calendar_day_list, working_calendar
from motcua.calendars.services import calendar_day_delete, calendar_day_set
from motcua.calendars.workingtime import MAX_DAYS, WEEKDAYS_VI, parse_days
from motcua.core.permissions import IsSystemAdminOrReadOnly
from motcua.core.validation import is_ascii_int, iso_date, query_bool

# A "+" left unencoded in a query string arrives as a space: "08:00:00 07:00".
_SPACED_OFFSET = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}(?::?\d{2})?)$")
_HHMM = re.compile(r"(\d{1,2}):(\d{2})")


def _bad(field: str, message: str) -> ValidationError:
    return ValidationError({"detail": message, field: [message]})


def parse_start(raw: str | None) -> datetime:
    if not raw:
        raise _bad("start", "Thiếu thời điểm tiếp nhận (start), ví dụ 2027-03-01T08:00:00+07:00.")
    text = _SPACED_OFFSET.sub(r"\1+\2", raw.strip())
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise _bad(
            "start",
            f"Thời điểm “{raw}” không hợp lệ; cần dạng ISO 8601 có múi giờ, "
            "ví dụ 2027-03-01T08:00:00+07:00.",
        ) from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise _bad(
            "start",
            "Thời điểm tiếp nhận phải ghi rõ múi giờ, ví dụ 2027-03-01T08:00:00+07:00.",
        )
    if not 1900 <= value.year <= 9000:
        raise _bad("start", "Năm của thời điểm tiếp nhận nằm ngoài phạm vi hỗ trợ (1900–9000).")
    return value


def parse_days_param(raw: str | None) -> Decimal:
    if raw is None or not raw.strip():
        raise _bad("days", "Thiếu số ngày làm việc (days), ví dụ 1, 0,5 hoặc 0 (trong ngày).")
    text = raw.strip().replace(",", ".")
    if len(text) > 20:
        raise _bad("days", "Số ngày làm việc quá dài.")
    try:
        value = parse_days(text)
    except ValueError:
        try:
            number = Decimal(text)
        except ArithmeticError:
            number = None
        if number is not None and number.is_finite() and number < 0:
            raise _bad("days", "Số ngày làm việc không được âm.") from None
        if number is not None and number.is_finite() and number > MAX_DAYS:
            raise _bad(
                "days", f"Số ngày làm việc tối đa là {MAX_DAYS}; “{raw}” là quá lớn."
            ) from None
        raise _bad("days", f"Số ngày làm việc “{raw}” không phải là một số.") from None
    return value


def parse_cutoff(raw: str | None) -> time:
    text = (raw or settings.MOTCUA_SAME_DAY_CUTOFF).strip()
    match = _HHMM.fullmatch(text)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise _bad("cutoff", f"Giờ chốt nhận “{raw}” không hợp lệ; cần dạng HH:MM, ví dụ 15:00.")


def parse_day(raw: str) -> date:
    try:
        return iso_date(raw)
    except ValueError:
        raise _bad("date", f"Ngày “{raw}” không hợp lệ; cần dạng YYYY-MM-DD.") from None


_due_examples = [
    OpenApiExample(
        "Thứ Sáu 16:00 + 1 ngày",
        value={
            "start": "2027-03-05T16:00:00+07:00",
            "days": 1,
            "cutoff": None,
            "due_at": "2027-03-08T16:00:00+07:00",
        },
        response_only=True,
    ),
    OpenApiExample(
        "Có diễn giải (explain=1)",
        value={
            "start": "2027-03-05T16:00:00+07:00",
            "days": 1,
            "cutoff": None,
            "due_at": "2027-03-08T16:00:00+07:00",
            "explanation": {
                "start": "2027-03-05T16:00:00+07:00",
                "effective_start": "2027-03-05T16:00:00+07:00",
                "days": 1,
                "working_seconds": 28800,
                "same_day": False,
                "cutoff": None,
                "due_at": "2027-03-08T16:00:00+07:00",
                "skipped": [
                    {"date": "2027-03-06", "reason": "weekend", "name": ""},
                    {"date": "2027-03-07", "reason": "weekend", "name": ""},
                ],
                "workdays": [],
                "lines": [
                    "Tiếp nhận lúc 16:00 Thứ Sáu 05/03/2027.",
                    "Thời hạn giải quyết: 1 ngày làm việc (8 giờ làm việc).",
                    "Bỏ qua Thứ Bảy 06/03/2027 (ngày nghỉ cuối tuần).",
                    "Bỏ qua Chủ Nhật 07/03/2027 (ngày nghỉ cuối tuần).",
                    "Hạn trả kết quả: 16:00 Thứ Hai 08/03/2027.",
                ],
            },
        },
        response_only=True,
    ),
    OpenApiExample(
        "Số ngày âm",
        value={
            "detail": "Số ngày làm việc không được âm.",
            "days": ["Số ngày làm việc không được âm."],
        },
        response_only=True,
        status_codes=["400"],
    ),
]


class DueView(APIView):
    """The due time of a dossier received at ``start`` with ``days`` working days."""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="Tính ngày hẹn trả kết quả",
        description=(
            "Cộng `days` ngày làm việc (8 giờ mỗi ngày, phiên 07:30–11:30 và 13:00–17:00, "
            "trừ ngày nghỉ, tính cả ngày làm bù) vào thời điểm tiếp nhận `start`. Nhận ngoài "
            "giờ thì tính từ đầu phiên làm việc kế tiếp. `days=0` là thủ tục giải quyết "
            "trong ngày: nhận trong ngày làm việc đến giờ chốt `cutoff` (mặc định 15:00) thì "
            "hẹn 17:00 cùng ngày, sau đó thì 17:00 ngày làm việc tiếp theo (CONTRACT.md §3)."
        ),
        parameters=[
            OpenApiParameter(
                "start",
                OpenApiTypes.DATETIME,
                required=True,
                description="Thời điểm tiếp nhận, ISO 8601 có múi giờ (mã hóa “+” thành %2B)",
                examples=[OpenApiExample("Thứ Hai 08:00", value="2027-03-01T08:00:00+07:00")],
            ),
            OpenApiParameter(
                "days",
                OpenApiTypes.NUMBER,
                required=True,
                description="Số ngày làm việc, 0 đến 365; 0,5 = 4 giờ; 0 = trong ngày",
                examples=[OpenApiExample("Một ngày", value=1)],
            ),
            OpenApiParameter(
                "cutoff", OpenApiTypes.STR, description="Giờ chốt của thủ tục trong ngày, HH:MM"
            ),
            OpenApiParameter(
                "explain", OpenApiTypes.BOOL, description="1 để kèm diễn giải các ngày bỏ qua"
            ),
        ],
        responses={200: DueSerializer, 400: OpenApiTypes.OBJECT},
        examples=_due_examples,
        auth=[],
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        errors: dict[str, Any] = {}
        values: dict[str, Any] = {}
        for field, parse in (
            ("start", parse_start),
            ("days", parse_days_param),
            ("cutoff", parse_cutoff),
        ):
            try:
                values[field] = parse(params.get(field))
            except ValidationError as exc:
                detail: Any = exc.detail  # always {"detail": ..., field: [...]} from _bad()
                errors[field] = detail[field]
                errors.setdefault("detail", detail["detail"])
        if errors:
            raise ValidationError(errors)
        start, days, cutoff = values["start"], values["days"], values["cutoff"]
        cal = working_calendar()
        same_day = days == 0
        try:
            if query_bool("explain", params.get("explain")):
                explanation = cal.explain(start, days, cutoff=cutoff)
                due_at = explanation.due_at
                extra: dict[str, Any] = {"explanation": explanation.as_dict()}
            else:
                due_at = cal.due(start, days, cutoff=cutoff)
                extra = {}
        except ValueError as exc:  # a date beyond what the calendar can count
            raise _bad("start", f"Không tính được hạn: {exc}.") from None
        body = {
            "start": start.astimezone(cal.tz).isoformat(),
            "days": float(days) if days % 1 else int(days),
            "cutoff": cutoff.strftime("%H:%M") if same_day else None,
            "due_at": due_at.isoformat(),
            **extra,
        }
        return Response(body)


@extend_schema(
    summary="Danh sách ngày nghỉ, ngày làm bù",
    description="Bảng ngày nghỉ lễ, Tết và ngày làm bù (bảng này là căn cứ tính thời hạn).",
    parameters=[
        OpenApiParameter("year", OpenApiTypes.INT, description="Năm, ví dụ 2027"),
        OpenApiParameter("kind", OpenApiTypes.STR, enum=DayKind.values),
    ],
    auth=[],
)
class CalendarDayListView(generics.ListAPIView):
    serializer_class = CalendarDaySerializer
    permission_classes = [AllowAny]

    def get_queryset(self) -> QuerySet[CalendarDay]:
        params = self.request.query_params
        year: int | None = None
        raw_year = params.get("year")
        if raw_year:
            raw_year = raw_year.strip()
            if not is_ascii_int(raw_year) or not 1900 <= int(raw_year) <= 9000:
                raise _bad("year", f"Năm “{raw_year}” không hợp lệ, ví dụ 2027.")
            year = int(raw_year)
        kind = params.get("kind")
        if kind is not None and kind not in DayKind.values:
            raise _bad("kind", "Loại ngày phải là “holiday” hoặc “workday”.")
        return calendar_day_list(year=year, kind=kind)


_day_parameter = OpenApiParameter(
    "day", OpenApiTypes.DATE, OpenApiParameter.PATH, description="Ngày, dạng YYYY-MM-DD"
)


class CalendarDayView(APIView):
    """One date of the table: read by anyone, set or reset by a system administrator."""

    permission_classes = [IsSystemAdminOrReadOnly]

    @extend_schema(
        summary="Trạng thái một ngày",
        parameters=[_day_parameter],
        responses={200: DaySerializer, 400: OpenApiTypes.OBJECT},
        auth=[],
    )
    def get(self, request: Request, day: str) -> Response:
        when = parse_day(day)
        row = CalendarDay.objects.filter(date=when).first()
        cal = working_calendar()
        body = {
            "date": when,
            "weekday": WEEKDAYS_VI[when.weekday()],
            "working": cal.is_working_day(when),
            "kind": row.kind if row else None,
            "name": row.name if row else "",
            "source": row.source if row else None,
        }
        return Response(DaySerializer(body).data)

    @extend_schema(
        summary="Đặt ngày nghỉ hoặc ngày làm bù",
        description="Chỉ quản trị hệ thống. Ngày đặt tay không bị dữ liệu mặc định ghi đè.",
        parameters=[_day_parameter],
        request=CalendarDayWriteSerializer,
        responses={200: CalendarDaySerializer, 400: OpenApiTypes.OBJECT},
        examples=[
            OpenApiExample(
                "Làm bù thứ Bảy",
                value={"kind": "workday", "name": "Làm bù cho ngày 05/02/2027"},
                request_only=True,
            ),
            OpenApiExample(
                "Nghỉ Tết",
                value={"kind": "holiday", "name": "Nghỉ Tết Nguyên đán"},
                request_only=True,
            ),
        ],
    )
    def put(self, request: Request, day: str) -> Response:
        when = parse_day(day)
        form = CalendarDayWriteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        row = calendar_day_set(
            day=when,
            kind=form.validated_data["kind"],
            name=form.validated_data["name"],
            actor=request.user,
        )
        return Response(CalendarDaySerializer(row).data)

    @extend_schema(
        summary="Trả một ngày về mặc định",
        description=(
            "Chỉ quản trị hệ thống. Ngày trở về giá trị mặc định của gói `holidays` nếu có, "
            "nếu không thì theo quy tắc thứ Hai–thứ Sáu."
        ),
        parameters=[_day_parameter],
        responses={204: None, 400: OpenApiTypes.OBJECT},
    )
    def delete(self, request: Request, day: str) -> Response:
        calendar_day_delete(day=parse_day(day), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
