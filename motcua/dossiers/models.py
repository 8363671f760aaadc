"""Dossiers (hồ sơ), their append-only hash-chained history and their files.

Only ``motcua.dossiers.services`` writes these tables; everything else reads them
through ``motcua.dossiers.selectors``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.crypto import EncryptedChar, blind_index
from motcua.procedures.models import Procedure, ProcedureVersion
from motcua.units.models import Unit


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Mới đăng ký")
    RECEIVED = "received", _("Được tiếp nhận")
    REFUSED = "refused", _("Không được tiếp nhận")
    PROCESSING = "processing", _("Đang xử lý")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Yêu cầu bổ sung giấy tờ")
    AWAITING_PAYMENT = "awaiting_payment", _("Yêu cầu thực hiện nghĩa vụ tài chính")
    WITHDRAWN = "withdrawn", _("Công dân yêu cầu rút hồ sơ")
    STOPPED = "stopped", _("Dừng xử lý")
    RESOLVED = "resolved", _("Đã xử lý xong")
    RETURNED = "returned", _("Đã trả kết quả")


# TrangThaiHoSo of the national portal (DESIGN.md).
NATIONAL_STATUS = {
    Status.SUBMITTED: 1,
    Status.RECEIVED: 2,
    Status.REFUSED: 3,
    Status.PROCESSING: 4,
    Status.SUPPLEMENT_REQUESTED: 5,
    Status.AWAITING_PAYMENT: 6,
    Status.WITHDRAWN: 7,
    Status.STOPPED: 8,
    Status.RESOLVED: 9,
    Status.RETURNED: 10,
}
FINAL_STATUSES = frozenset({Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED})


class Channel(models.TextChoices):
    COUNTER = "counter", _("Trực tiếp")
    ONLINE = "online", _("Trực tuyến")
    POSTAL = "postal", _("Bưu chính công ích")


class ApplicantKind(models.TextChoices):
    CITIZEN = "citizen", _("Công dân")
    ORGANISATION = "organisation", _("Tổ chức, doanh nghiệp")


class Timeliness(models.TextChoices):
    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")


class Outcome(models.TextChoices):
    GRANTED = "granted", _("Giải quyết")
    DENIED = "denied", _("Không giải quyết")


class PaymentState(models.TextChoices):
    NONE = "none", _("Không phát sinh")
    REQUESTED = "requested", _("Chờ thanh toán")
    PAID = "paid", _("Đã thanh toán")


class ReturnMethod(models.TextChoices):
    COUNTER = "counter", _("Trả trực tiếp")
    POST = "post", _("Trả qua bưu chính")
    ONLINE = "online", _("Trả trực tuyến")


class DossierCounter(models.Model):
    """The last number used for one unit and one local day; locked while a code is taken."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="unique_counter_day")]


class Dossier(models.Model):
    code = models.CharField(_("mã hồ sơ"), max_length=48, unique=True)
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("thủ tục")
    )
    procedure_version = models.ForeignKey(
        ProcedureVersion, on_delete=models.PROTECT, related_name="dossiers"
    )
    case_code = models.CharField(_("trường hợp"), max_length=64, blank=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("nơi tiếp nhận")
    )
    channel = models.CharField(_("kênh"), max_length=8, choices=Channel.choices)

    applicant_kind = models.CharField(max_length=16, choices=ApplicantKind.choices)
    applicant_name = models.CharField(_("chủ hồ sơ"), max_length=255)
    applicant_name_folded = models.CharField(max_length=255, db_index=True, editable=False)
    # Personal data, encrypted at rest (motcua.core.crypto); found by the keyed hashes.
    applicant_id_number = EncryptedChar(_("số giấy tờ"), max_length=32, blank=True)
    applicant_phone = EncryptedChar(_("điện thoại"), max_length=16, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = EncryptedChar(_("địa chỉ"), max_length=500, blank=True)
    applicant_id_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    applicant_phone_hash = models.CharField(
        max_length=64, blank=True, db_index=True, editable=False
    )
    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="own_dossiers",
    )
    summary = models.TextField(_("trích yếu"), blank=True)
    documents = models.JSONField(_("giấy tờ đã nhận"), default=list, blank=True)

    status = models.CharField(_("trạng thái"), max_length=24, choices=Status.choices)
    step_index = models.PositiveSmallIntegerField(null=True, blank=True)
    step_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The role that holds the current step, copied from the procedure version's workflow
    # when the step is entered, so that "my steps" is an index lookup, not a JSON walk.
    step_role = models.CharField(max_length=16, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_dossiers",
    )
    status_before_supplement = models.CharField(max_length=24, blank=True)
    # Supplement limits (CONTRACT.md §3): how many requests so far (a second one is a
    # leader's), until when the applicant has to answer the open one, and when the
    # scheduled job found it expired (listed for the desk and the leader).
    supplement_count = models.PositiveSmallIntegerField(default=0)
    supplement_due_at = models.DateTimeField(null=True, blank=True)
    supplement_expired_at = models.DateTimeField(null=True, blank=True)
    # The e-form declaration (tờ khai điện tử) as filled in, valid against the schema of
    # the procedure version.
    eform_data = models.JSONField(_("tờ khai điện tử"), null=True, blank=True)

    submitted_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True, db_index=True)
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    extended_due_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_remaining_seconds = models.BigIntegerField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    timeliness = models.CharField(max_length=8, choices=Timeliness.choices, blank=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, blank=True)
    return_method = models.CharField(max_length=8, choices=ReturnMethod.choices, blank=True)

    fee_amount = models.PositiveBigIntegerField(_("số tiền phải nộp"), default=0)
    payment_state = models.CharField(
        max_length=10, choices=PaymentState.choices, default=PaymentState.NONE
    )
    paid_at = models.DateTimeField(null=True, blank=True)

    version = models.PositiveIntegerField(default=1)
    event_count = models.PositiveIntegerField(default=0)
    history_head = models.CharField(max_length=64, blank=True)
    import_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["step_unit", "status"]),
            models.Index(fields=["step_unit", "step_role", "status"], name="dossier_step_holder"),
            models.Index(fields=["assignee", "status"], name="dossier_assignee_status"),
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["status", "supplement_due_at"], name="dossier_supplement_due"),
            # Lists are newest first: a page is read from this index, not sorted.
            models.Index(fields=["-created_at", "-id"], name="dossier_newest_first"),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The keyed hashes follow the encrypted values they index.
        self.applicant_phone_hash = blind_index(self.applicant_phone)
        self.applicant_id_hash = blind_index(self.applicant_id_number)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"applicant_phone", "applicant_id_number"} & set(
            update_fields
        ):
            kwargs["update_fields"] = {*update_fields, "applicant_phone_hash", "applicant_id_hash"}
        super().save(*args, **kwargs)

    @property
    def national_status(self) -> int:
        return NATIONAL_STATUS[Status(self.status)]

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


class DossierParticipant(models.Model):
    """A unit that sees the dossier: the receiving unit, and every unit that has held a step
    of it (inter-agency work), which keeps seeing it. The staff scope is one index lookup
    here (unit → dossiers), whatever the size of the dossiers table."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="participants")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    # The dossier's own ``created_at``, copied (it never changes): a unit's newest dossiers
    # are then the first entries of this table's index, without reading the dossiers table's
    # newest-first index from the top and testing each row against the unit.
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dossier", "unit"], name="unique_participant"),
        ]
        indexes = [
            models.Index(fields=["unit", "-created_at", "-dossier"], name="participant_unit_newest")
        ]


def participant_created_at(sender: Any, instance: DossierParticipant, **kwargs: Any) -> None:
    """A participant row saved without its dossier's creation time takes it: the rows of a
    backup made before participants carried it (``dossiers/0008``) restore with it."""
    if instance.created_at is None:
        instance.created_at = Dossier.objects.values_list("created_at", flat=True).get(
            pk=instance.dossier_id
        )


class DossierEvent(models.Model):
    """One legal action on a dossier. Append-only; each event carries the SHA-256 of its
    canonical encoding chained to the previous one, so an edit, a deletion or a reordering
    is detected by ``motcua verify-history``."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    action = models.CharField(max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_name = models.CharField(max_length=150)
    at = models.DateTimeField()
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["dossier", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "seq"], name="unique_event_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.seq} {self.action}"


class IdempotencyKey(models.Model):
    """A client's ``Idempotency-Key`` for an intake: a retry returns the first dossier."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=128)
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="unique_idempotency_key"),
        ]


class AttachmentKind(models.TextChoices):
    DOCUMENT = "document", _("Thành phần hồ sơ")
    SUPPLEMENT = "supplement", _("Bổ sung")
    RESULT = "result", _("Kết quả")
    FORM = "form", _("Biểu mẫu")
    RECEIPT = "receipt", _("Biên lai thu phí, lệ phí")
    OTHER = "other", _("Khác")


def attachment_path(instance: Attachment, filename: str) -> str:
    day = timezone.localdate()
    return f"dossiers/{day:%Y/%m}/{instance.sha256[:2]}/{instance.sha256}-{filename}"


class Attachment(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(max_length=16, choices=AttachmentKind.choices)
    document_index = models.PositiveSmallIntegerField(null=True, blank=True)
    name = models.CharField(max_length=255)
    file = models.FileField(upload_to=attachment_path, max_length=500)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=128)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    # A corrected result (đính chính) replaces an earlier one; both stay.
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrected_by"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)
    # Digitisation flags (Decision 766, indicators 4.2–4.4; DuocSoHoa, DuocTaiSuDung,
    # DuocLayTuKhoDMQG of the national portal): a paper scanned at the counter, a file reused
    # from the applicant's data store (``reused_from``: the same stored file and SHA-256),
    # a file taken from the national data store.
    digitised = models.BooleanField(_("bản số hóa"), default=False)
    reused = models.BooleanField(_("dùng lại từ kho dữ liệu"), default=False)
    from_national_store = models.BooleanField(_("lấy từ kho dữ liệu quốc gia"), default=False)
    reused_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reuses"
    )
    # A result's national result code (MaGiayToKetQua) from the procedure, when issued.
    result_code = models.CharField(_("mã kết quả quốc gia"), max_length=64, blank=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class ClockRule(models.TextChoices):
    RESTART = "restart", _("Tính lại toàn bộ thời hạn từ ngày bổ sung")
    SHIFT = "shift", _("Lùi thời hạn bằng thời gian chờ bổ sung")


class SupplementClockSetting(models.Model):
    """The clock rule on supplement (CONTRACT.md §3), effective-dated: a supplement made on
    date D follows the row with the latest ``effective_from`` on or before D (none: restart)."""

    effective_from = models.DateField(_("áp dụng từ ngày"), unique=True)
    rule = models.CharField(_("cách tính"), max_length=8, choices=ClockRule.choices)
    legal_basis = models.CharField(_("căn cứ"), max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("cách tính thời hạn khi bổ sung")
        verbose_name_plural = _("cách tính thời hạn khi bổ sung")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.effective_from}: {self.rule}"


class FeeKind(models.TextChoices):
    FEE = "fee", _("Lệ phí")
    CHARGE = "charge", _("Phí")


class FeeMethod(models.TextChoices):
    """How a fee line was collected (HinhThucThu on the national portal: counter or online)."""

    CASH = "cash", _("Nộp tiền mặt tại Bộ phận Một cửa")
    TRANSFER = "transfer", _("Chuyển khoản ngân hàng")
    NATIONAL = "national", _("Nền tảng thanh toán quốc gia")
    GATEWAY = "gateway", _("Cổng thanh toán của tỉnh")


ONLINE_FEE_METHODS = frozenset({FeeMethod.NATIONAL, FeeMethod.GATEWAY})


class DossierFee(models.Model):
    """One fee line of a dossier (lệ phí or phí): filled from the procedure at intake,
    set by the officer's payment request, marked collected when paid, with the receipt."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="fees")
    order = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("loại"), max_length=8, choices=FeeKind.choices)
    code = models.CharField(_("mã phí, lệ phí"), max_length=64, blank=True)
    name = models.CharField(_("tên phí, lệ phí"), max_length=255)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    method = models.CharField(
        _("hình thức thu"), max_length=10, choices=FeeMethod.choices, blank=True
    )
    paid_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    reference = models.CharField(_("mã giao dịch"), max_length=128, blank=True)
    receipt_number = models.CharField(_("số biên lai"), max_length=64, blank=True)
    receipt = models.ForeignKey(
        Attachment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("phí, lệ phí của hồ sơ")
        verbose_name_plural = _("phí, lệ phí của hồ sơ")
        ordering = ["dossier", "order", "id"]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount}"
