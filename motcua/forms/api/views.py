"""Form endpoints of the REST API v1 (CONTRACT.md §2): a dossier's forms 01–06 and the
register (form 07) of a unit for a period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from motcua.core.services import personal_data_viewed
from motcua.core.validation import iso_date
from motcua.dossiers.api.views import ErrorSerializer
from motcua.dossiers.selectors import dossier_get
from motcua.forms.documents import FormNotReached, form_filename
from motcua.forms.register import register_pdf, register_xlsx
from motcua.forms.selectors import FORM_NUMBERS, Period, register_dossiers
from motcua.units.models import STAFF_ROLES, Membership, Unit

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def pdf_response(content: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(content, content_type=PDF)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def dossier_form_response(
    request: Any, request_user: object, code: str, number: str, inline: bool
) -> HttpResponse:
    """The form's PDF; it names the applicant with their address and phone, so the view is
    written to the personal-data access log like the dossier page."""
    if number not in FORM_NUMBERS:
        raise Http404("Không có biểu mẫu này.")
    from motcua.forms.services import form_issue

    dossier = dossier_get(user=request_user, code=code)  # type: ignore[arg-type]
    try:
        content, _drawn = form_issue(dossier=dossier, number=number)
    except FormNotReached:
        raise Http404("Hồ sơ chưa có biểu mẫu này.") from None
    personal_data_viewed(request=request, user=request_user, dossiers=[dossier], channel="form")
    return pdf_response(content, form_filename(dossier, number), inline=inline)


class DossierFormView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Biểu mẫu của hồ sơ (Thông tư 03/2025/TT-VPCP), PDF",
        description=(
            "01 giấy tiếp nhận và hẹn trả kết quả, 02 phiếu yêu cầu bổ sung, 03 phiếu từ chối, "
            "04 văn bản xin lỗi và đề nghị gia hạn, 05 thông báo dừng, 06 phiếu kiểm soát. "
            "404 khi hồ sơ không thuộc phạm vi hoặc chưa đến bước có biểu mẫu đó; 503 với "
            "Retry-After khi biểu mẫu đang được ký số (thử lại sau số giây đó)."
        ),
        responses={(200, PDF): OpenApiTypes.BINARY, 503: ErrorSerializer},
    )
    def get(self, request: Request, code: str, number: str) -> HttpResponse:
        return dossier_form_response(request, request.user, code, number, inline=True)


def _date(value: str, name: str) -> dt.date:
    try:
        return iso_date(value)
    except ValueError:
        raise ValidationError({name: ["Ngày theo dạng YYYY-MM-DD (năm 1900–9000)."]}) from None


def register_unit(user: Any, code: str) -> Unit:
    """The unit of a register: one the user works at or leads (or any, for a superuser)."""
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise Http404("Không có đơn vị này.")
    if getattr(user, "is_superuser", False):
        return unit
    memberships = Membership.objects.filter(user=user, role__in=STAFF_ROLES).select_related("unit")
    for m in memberships:
        if m.unit_id == unit.pk or (
            m.role == "leader" and m.unit is not None and unit.path.startswith(m.unit.path)
        ):
            return unit
    raise PermissionDenied("Bạn không làm việc tại đơn vị này.")


class RegisterView(APIView):
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]  # for errors; the register itself is a file

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # ``format`` is this endpoint's own parameter (pdf or xlsx, CONTRACT.md §2), not
        # DRF's renderer override.
        renderer = self.get_renderers()[0]
        return renderer, renderer.media_type

    @extend_schema(
        summary="Sổ theo dõi hồ sơ (mẫu 07) của một đơn vị trong một khoảng thời gian",
        parameters=[
            OpenApiParameter("unit", str, required=True, description="Mã đơn vị tiếp nhận"),
            OpenApiParameter("from", OpenApiTypes.DATE, required=True),
            OpenApiParameter("to", OpenApiTypes.DATE, required=True),
            OpenApiParameter("format", str, enum=["pdf", "xlsx"], description="Mặc định pdf"),
        ],
        responses={(200, PDF): OpenApiTypes.BINARY, (200, XLSX): OpenApiTypes.BINARY},
    )
    def get(self, request: Request) -> HttpResponse:
        params = request.query_params
        missing = {
            n: ["Trường này là bắt buộc."] for n in ("unit", "from", "to") if not params.get(n)
        }
        if missing:
            raise ValidationError(missing)
        period = Period(_date(params["from"], "from"), _date(params["to"], "to"))
        if period.end < period.start:
            raise ValidationError({"to": ["Ngày kết thúc trước ngày bắt đầu."]})
        if (period.end - period.start).days > 366:
            raise ValidationError({"to": ["Tối đa một năm mỗi sổ."]})
        fmt = params.get("format", "pdf")
        if fmt not in {"pdf", "xlsx"}:
            raise ValidationError({"format": ["pdf hoặc xlsx."]})
        unit = register_unit(request.user, params["unit"])
        return register_response(request, request.user, unit, period, fmt)


def register_response(
    request: Any, user: object, unit: Unit, period: Period, fmt: str
) -> HttpResponse:
    """The register lists each applicant's name, address and phone: every dossier in it is
    written to the personal-data access log."""
    dossiers = register_dossiers(user=user, unit_code=unit.code, period=period)
    personal_data_viewed(request=request, user=user, dossiers=dossiers, channel="form")
    name = f"so-theo-doi-{unit.code}-{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    if fmt == "xlsx":
        response = HttpResponse(
            register_xlsx(unit=unit, period=period, dossiers=dossiers), content_type=XLSX
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    return pdf_response(register_pdf(unit=unit, period=period, dossiers=dossiers), f"{name}.pdf")
