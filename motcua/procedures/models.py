"""The catalogue of administrative procedures (TTHC).

The current state of a procedure lives in relational rows (searchable, filterable and
editable in the admin). Every change also writes an immutable ``ProcedureVersion``:
the full catalogue record (CONTRACT.md §4) as JSON, so a dossier keeps the exact
version it was received under and an old version stays readable.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.units.models import Role, Unit


class ProcedureLevel(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    DEPARTMENT = "department", _("Cấp sở, ngành")
    DISTRICT = "district", _("Cấp huyện (trước 01/7/2025)")
    COMMUNE = "commune", _("Cấp xã")


class OnlineLevel(models.TextChoices):
    FULL = "full", _("Trực tuyến toàn trình")
    PARTIAL = "partial", _("Trực tuyến một phần")
    NONE = "none", _("Chỉ nộp trực tiếp hoặc qua bưu chính")


class DocumentKind(models.TextChoices):
    ORIGINAL = "original", _("Bản chính")
    COPY = "copy", _("Bản sao")
    CERTIFIED_COPY = "certified_copy", _("Bản sao chứng thực")
    ORIGINAL_OR_COPY = "original_or_copy", _("Bản chính hoặc bản sao")


class Field(models.Model):
    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=255)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LegalDocument(models.Model):
    number = models.CharField(_("số, ký hiệu"), max_length=64, unique=True)
    title = models.CharField(_("trích yếu"), max_length=500)
    issued = models.DateField(_("ngày ban hành"), null=True, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)
    url = models.URLField(_("đường dẫn"), max_length=500, blank=True)
    file = models.FileField(_("tệp văn bản"), upload_to="legal/", blank=True)

    class Meta:
        verbose_name = _("văn bản pháp luật")
        verbose_name_plural = _("văn bản pháp luật")
        ordering = ["-issued", "number"]

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"


class Procedure(models.Model):
    code = models.CharField(_("mã thủ tục"), max_length=32, unique=True)
    name = models.CharField(_("tên thủ tục"), max_length=500)
    field = models.ForeignKey(
        Field, on_delete=models.PROTECT, related_name="procedures", verbose_name=_("lĩnh vực")
    )
    level = models.CharField(_("cấp thực hiện"), max_length=16, choices=ProcedureLevel.choices)
    processing_days = models.DecimalField(
        _("thời hạn giải quyết (ngày làm việc)"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("0 là giải quyết trong ngày."),
    )
    same_day_cutoff = models.TimeField(
        _("giờ tiếp nhận cuối để trả trong ngày"), null=True, blank=True
    )
    fee_amount = models.PositiveBigIntegerField(_("lệ phí (đồng)"), default=0)
    fee_note = models.CharField(_("ghi chú lệ phí"), max_length=500, blank=True)
    charge_amount = models.PositiveBigIntegerField(_("phí (đồng)"), null=True, blank=True)
    charge_note = models.CharField(_("ghi chú phí"), max_length=500, blank=True)
    online = models.CharField(_("mức trực tuyến"), max_length=16, choices=OnlineLevel.choices)
    result = models.CharField(_("kết quả"), max_length=500)
    # Codes of the national public service portal (reference/national-portal.md).
    national_code = models.CharField(
        _("mã TTHC quốc gia"),
        max_length=64,
        blank=True,
        help_text=_("MaTTHC trên Cổng DVCQG; để trống: dùng mã thủ tục."),
    )
    online_service_code = models.CharField(
        _("mã dịch vụ công trực tuyến"), max_length=64, blank=True
    )
    result_code = models.CharField(
        _("mã kết quả quốc gia"),
        max_length=64,
        blank=True,
        help_text=_("MaGiayToKetQua, ví dụ KQ.G07.000122."),
    )
    fee_code = models.CharField(_("mã lệ phí"), max_length=64, blank=True)
    charge_code = models.CharField(_("mã phí"), max_length=64, blank=True)
    description = models.TextField(_("trình tự thực hiện"), blank=True)
    requirements = models.TextField(_("yêu cầu, điều kiện"), blank=True)
    applicants = models.TextField(_("đối tượng thực hiện"), blank=True)
    unverified = models.JSONField(
        _("yếu tố chưa đối chiếu"),
        default=list,
        blank=True,
        help_text=_("Các yếu tố chưa được đối chiếu với văn bản công bố."),
    )
    legal_basis = models.ManyToManyField(
        LegalDocument, through="ProcedureLegalBasis", related_name="procedures", blank=True
    )
    units = models.ManyToManyField(
        Unit, related_name="procedures", blank=True, verbose_name=_("đơn vị thực hiện")
    )
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    # Supplement limits (CONTRACT.md §3): the working days an applicant has to bring a
    # supplement (empty: MOTCUA_SUPPLEMENT_DAYS), and whether the system then refuses.
    supplement_days = models.PositiveSmallIntegerField(
        _("thời hạn bổ sung (ngày làm việc)"), null=True, blank=True
    )
    refuse_on_supplement_expiry = models.BooleanField(
        _("từ chối khi quá hạn bổ sung"), default=False
    )
    # Retention of its closed dossiers in the archive (issue 16, docs/archive.md): years,
    # 0 for permanent; empty: MOTCUA_ARCHIVE_RETENTION_YEARS.
    retention_years = models.PositiveSmallIntegerField(
        _("thời hạn lưu trữ (năm)"),
        null=True,
        blank=True,
        help_text=_(
            "0 là lưu trữ vĩnh viễn; để trống: mặc định của hệ thống. Theo Thông tư "
            "10/2022/TT-BNV; tỉnh cần đối chiếu."
        ),
    )
    # The electronic declaration (tờ khai điện tử) as a JSON Schema; empty: none.
    eform = models.JSONField(_("tờ khai điện tử (JSON Schema)"), null=True, blank=True)
    updated_at = models.DateTimeField(_("cập nhật"), default=timezone.now)
    # Folded (lower-case, no diacritics, đ→d, i/y) copies for accent-insensitive search,
    # each word between spaces (" dang ki khai sinh ") so that a match starts a word.
    search_name = models.TextField(editable=False, default="")
    search_text = models.TextField(editable=False, default="")
    # Dossiers received in the last year: among equally good matches, the procedure people
    # use most comes first (refreshed by ``procedures.jobs.procedure_popularity_refresh``).
    popularity = models.PositiveIntegerField(_("số hồ sơ trong năm"), default=0, editable=False)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def is_same_day(self) -> bool:
        return self.processing_days == 0

    @property
    def current_version(self) -> ProcedureVersion | None:
        return self.versions.order_by("-number").first()


class ProcedureCase(models.Model):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="cases")
    order = models.PositiveSmallIntegerField(default=0)
    code = models.SlugField(_("mã trường hợp"), max_length=64)
    name = models.CharField(_("tên trường hợp"), max_length=500)
    processing_days = models.DecimalField(
        _("thời hạn (ngày làm việc)"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    fee_amount = models.PositiveBigIntegerField(_("lệ phí (đồng)"), null=True, blank=True)
    fee_note = models.CharField(_("ghi chú lệ phí"), max_length=500, blank=True)
    fee_code = models.CharField(_("mã lệ phí"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("trường hợp")
        verbose_name_plural = _("trường hợp")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "code"], name="unique_case_code"),
        ]

    def __str__(self) -> str:
        return self.name


class RequiredDocument(models.Model):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="documents")
    case = models.ForeignKey(
        ProcedureCase,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("chỉ cho trường hợp"),
    )
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    kind = models.CharField(_("loại bản"), max_length=20, choices=DocumentKind.choices)
    count = models.PositiveSmallIntegerField(_("số lượng"), default=1)
    required = models.BooleanField(_("bắt buộc"), default=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    national_code = models.CharField(
        _("mã giấy tờ quốc gia"),
        max_length=64,
        blank=True,
        help_text=_("MaThanhPhanHoSo trên Cổng DVCQG."),
    )

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class ProcedureLegalBasis(models.Model):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE)
    document = models.ForeignKey(LegalDocument, on_delete=models.PROTECT)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("căn cứ pháp lý")
        verbose_name_plural = _("căn cứ pháp lý")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "document"], name="unique_legal_basis"),
        ]

    def __str__(self) -> str:
        return str(self.document)


class WorkflowStep(models.Model):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("tên bước"), max_length=255)
    role = models.CharField(
        _("vai trò"),
        max_length=16,
        choices=[
            (r.value, r.label)
            for r in Role
            if r not in {Role.CITIZEN, Role.UNIT_ADMIN, Role.NATIONAL}
        ],
    )
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị (liên thông)"),
        help_text=_("Để trống: đơn vị tiếp nhận hồ sơ thực hiện bước này."),
    )
    hours = models.DecimalField(
        _("thời gian (giờ làm việc)"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    class Meta:
        verbose_name = _("bước quy trình nội bộ")
        verbose_name_plural = _("bước quy trình nội bộ")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.order + 1}. {self.name}"


class ProcedureVersion(models.Model):
    """An immutable snapshot of a procedure's full record; never edited, never deleted."""

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("phiên bản"))
    record = models.JSONField(_("nội dung"))
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="unique_version_number"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number}"


class SearchSynonym(models.Model):
    """What people type → what the catalogue says: "sổ đỏ" → "giấy chứng nhận quyền sử
    dụng đất", "GPXD" → "giấy phép xây dựng". Administrators edit the table; the search
    of the portal, the API and the desk's picker all read it."""

    phrase = models.CharField(
        _("cụm từ người dân gõ"),
        max_length=120,
        help_text=_("Ví dụ: sổ đỏ, GPXD, làm giấy khai sinh. Không phân biệt dấu, hoa thường."),
    )
    replacement = models.CharField(
        _("thay bằng"),
        max_length=255,
        blank=True,
        help_text=_("Cách gọi trong danh mục thủ tục. Để trống: bỏ cụm từ khỏi câu tìm."),
    )
    folded = models.CharField(max_length=120, unique=True, editable=False)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("từ đồng nghĩa, viết tắt khi tìm thủ tục")
        verbose_name_plural = _("từ đồng nghĩa, viết tắt khi tìm thủ tục")
        ordering = ["folded"]

    def __str__(self) -> str:
        return f"{self.phrase} → {self.replacement or '∅'}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        from motcua.core.text import fold_variants

        self.folded = fold_variants(self.phrase)
        super().save(*args, **kwargs)
