"""The national portal's side of the REST API v1 (CONTRACT §8):

- ``POST /api/v1/national/dossiers``: a dossier submitted on the portal (role ``national``);
- ``POST /api/v1/national/ratings``: the applicant's rating collected by the portal;
- ``POST /api/v1/national/feedback``: a feedback (phản ánh, kiến nghị) sent on the portal;
- ``GET /api/v1/national/files/{token}``: a dossier file behind a signed, expiring link
  (what ``TaiLieuNop`` and ``DanhSachGiayToKetQua`` point at).
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.dossiers.api.serializers import DossierSerializer
from motcua.dossiers.models import Attachment, Dossier
from motcua.integrations.dvcqg.inbound import (
    national_dossier_receive,
    national_feedback_receive,
)
from motcua.integrations.dvcqg.mapping import file_from_token
from motcua.units.models import Membership, Role


class IsNationalPortal(BasePermission):
    """The national portal's integration account (``createuser NAME --role national``)."""

    message = "Chỉ tài khoản kết nối của Cổng DVCQG được gọi API này."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and Membership.objects.filter(user=user, role=Role.NATIONAL).exists()
        )


_record_example = OpenApiExample(
    "Hồ sơ nộp trên Cổng DVCQG",
    value={
        "MaHoSo": "000.01.50.H99-261201-0001",
        "MaTTHC": "1.001193",
        "DonViXuLy": "000.01.50.H99",
        "KenhThucHien": 2,
        "ChuHoSo": "Nguyễn Văn A",
        "LoaiDoiTuong": 1,
        "MaDoiTuong": "DVCQG-123456",
        "DinhDanhCHS": [{"LoaiDinhDanh": 1, "SoDinhDanh": "001203004567"}],
        "SoDienThoai": "0901234567",
        "Email": "a@example.vn",
        "DiaChi": "Số 1, phường Mẫu Sơn",
        "TrichYeuHoSo": "Đăng ký khai sinh cho con",
        "NgayNopHoSo": "20261201081500",
        "TaiKhoanDuocXacThucVoiVNeID": 1,
        "TaiLieuNop": [
            {
                "TepDinhKemId": "1",
                "TenTepDinhKem": "to-khai.pdf",
                "MaThanhPhanHoSo": "TP.HT.01",
                "DuongDanTaiTepTin": "https://dichvucong.gov.vn/files/to-khai.pdf",
                "DuocSoHoa": 0,
                "DuocTaiSuDung": 0,
                "DuocLayTuKhoDMQG": 0,
                "IsDeleted": 0,
            }
        ],
    },
    request_only=True,
)


class NationalDossierView(APIView):
    permission_classes = [IsNationalPortal]

    @extend_schema(
        summary="Nhận hồ sơ nộp trên Cổng DVCQG",
        description=(
            "Một bản ghi dạng DongBoHoSoMC; tạo hồ sơ trực tuyến ở trạng thái submitted, giữ "
            "MaHoSo làm mã hồ sơ (201). Gửi lại cùng MaHoSo: 200 với hồ sơ đã có. Sai dữ liệu: "
            "400 với thông báo theo từng trường."
        ),
        request=dict,
        responses={201: DossierSerializer, 200: DossierSerializer},
        examples=[_record_example],
        tags=["national"],
    )
    def post(self, request: Request) -> Response:
        dossier, created = national_dossier_receive(record=request.data)
        dossier = Dossier.objects.select_related(
            "procedure", "unit", "step_unit", "assignee", "procedure_version"
        ).get(pk=dossier.pk)
        return Response(DossierSerializer(dossier, context={}).data, status=201 if created else 200)


class _RatingSerializer(serializers.Serializer):
    MaHoSo = serializers.CharField(max_length=48)
    DiemDanhGia = serializers.IntegerField(min_value=1, max_value=5)
    NoiDung = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class NationalRatingView(APIView):
    permission_classes = [IsNationalPortal]

    @extend_schema(
        summary="Nhận đánh giá của người dân từ Cổng DVCQG",
        request=_RatingSerializer,
        responses={201: dict, 200: dict},
        tags=["national"],
    )
    def post(self, request: Request) -> Response:
        from motcua.portal.models import Rating
        from motcua.portal.ratings import rating_create

        data = _RatingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dossier = Dossier.objects.filter(code=data.validated_data["MaHoSo"]).first()
        if dossier is None:
            raise Http404("Không tìm thấy hồ sơ.")
        existing = Rating.objects.filter(dossier=dossier).first()
        if existing is not None:  # the portal retries: same answer
            return Response({"MaHoSo": dossier.code, "score": existing.score}, status=200)
        rating = rating_create(
            dossier=dossier,
            score=data.validated_data["DiemDanhGia"],
            comment=data.validated_data.get("NoiDung", ""),
        )
        return Response({"MaHoSo": dossier.code, "score": rating.score}, status=201)


_feedback_example = OpenApiExample(
    "Phản ánh gửi trên Cổng DVCQG",
    value={
        "MaPAKN": "PAKN-2026-000123",
        "LoaiPAKN": 1,
        "NoiDung": "Đề nghị niêm yết rõ lệ phí đăng ký khai sinh tại bộ phận một cửa.",
        "HoTen": "Nguyễn Văn A",
        "SoDienThoai": "0901234567",
        "Email": "a@example.vn",
        "MaCoQuan": "000.01.50.H99",
        "NgayGui": "20261201081500",
    },
    request_only=True,
)


class _NationalFeedbackSerializer(serializers.Serializer):
    """What the schema shows; the view reads the record itself, to answer per national
    field."""

    MaPAKN = serializers.CharField(max_length=48, help_text="Mã phản ánh trên Cổng DVCQG")
    LoaiPAKN = serializers.IntegerField(
        required=False, help_text="1 quy định hành chính, 2 hành vi cán bộ, 3 khác (mặc định)"
    )
    NoiDung = serializers.CharField(max_length=5000)
    HoTen = serializers.CharField(max_length=255)
    SoDienThoai = serializers.CharField(required=False, allow_blank=True)
    Email = serializers.CharField(required=False, allow_blank=True)
    MaHoSo = serializers.CharField(required=False, allow_blank=True)
    MaCoQuan = serializers.CharField(
        required=False, allow_blank=True, help_text="Đơn vị xử lý; mặc định là đơn vị của hồ sơ"
    )
    NgayGui = serializers.CharField(required=False, help_text="yyyyMMddHHmmss, giờ địa phương")


class _NationalFeedbackReply(serializers.Serializer):
    MaPAKN = serializers.CharField()
    code = serializers.CharField(help_text="Mã phản ánh trong MotCua: GET /api/v1/feedback/{code}")
    status = serializers.CharField()


class NationalFeedbackView(APIView):
    permission_classes = [IsNationalPortal]

    @extend_schema(
        summary="Nhận phản ánh, kiến nghị gửi trên Cổng DVCQG",
        description=(
            "Tạo phản ánh như gửi trên cổng của tỉnh (thời hạn tính từ NgayGui). Gửi lại cùng "
            "MaPAKN trả 200 với phản ánh đã có. Tiến độ và trả lời đã công khai đọc tại "
            "GET /api/v1/feedback/{code}."
        ),
        request=_NationalFeedbackSerializer,
        responses={201: _NationalFeedbackReply, 200: _NationalFeedbackReply},
        examples=[_feedback_example],
        tags=["national"],
    )
    def post(self, request: Request) -> Response:
        feedback, created = national_feedback_receive(record=request.data)
        body = {"MaPAKN": feedback.national_code, "code": feedback.code, "status": feedback.status}
        return Response(body, status=201 if created else 200)


class NationalFileView(APIView):
    """A file behind a signed link: no account, the link is the permission."""

    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []

    @extend_schema(
        summary="Tải tệp hồ sơ theo đường dẫn có chữ ký",
        responses={(200, "application/octet-stream"): bytes},
        tags=["national"],
    )
    def get(self, request: Request, token: str) -> FileResponse:
        attachment_id = file_from_token(token)
        attachment = Attachment.objects.filter(pk=attachment_id).first() if attachment_id else None
        if attachment is None:
            raise Http404("Đường dẫn không hợp lệ hoặc đã hết hạn.")
        from motcua.dossiers.attachments import attachment_open

        return FileResponse(
            attachment_open(attachment),  # refused (409, JSON) when changed behind our back
            as_attachment=True,
            filename=attachment.name,
            content_type=attachment.content_type,
        )
