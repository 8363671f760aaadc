"""Forms of the citizen pages: submission wizard, supplement, rating, withdrawal, lookup."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from motcua.accounts.forms import REQUIRED, CitizenFormMixin
from motcua.dossiers.attachments import detect_type, max_file_bytes
from motcua.dossiers.validation import applicant_clean
from motcua.portal.lookup import verify_well_formed

ACCEPT = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx,application/pdf,image/jpeg,image/png"


def upload_problem(upload: UploadedFile) -> str | None:
    """Why an uploaded file cannot be attached (size, emptiness, type by content), or None."""
    limit = max_file_bytes()
    if upload.size is not None and upload.size > limit:
        return str(
            _("Tệp “%(name)s” lớn hơn %(mb)s MB; hãy giảm dung lượng (ví dụ quét ở 150 dpi).")
            % {"name": upload.name, "mb": limit // (1024 * 1024)}
        )
    if not upload.size:
        return str(_("Tệp “%(name)s” rỗng.") % {"name": upload.name})
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if detect_type(head) is None:
        return str(
            _("Tệp “%(name)s” không đúng định dạng: chỉ nhận PDF, JPEG, PNG, DOCX hoặc XLSX.")
            % {"name": upload.name}
        )
    return None


class PlaceForm(CitizenFormMixin, forms.Form):
    unit = forms.ChoiceField(label=_("Nơi nộp hồ sơ"), widget=forms.RadioSelect)
    case = forms.ChoiceField(label=_("Trường hợp"), widget=forms.RadioSelect, required=False)

    def __init__(
        self, *args: Any, units: list[tuple[str, str]], cases: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._vietnamese_required()
        self.fields["unit"].choices = units  # type: ignore[attr-defined]
        self.fields["unit"].error_messages["required"] = _("Chọn nơi nộp hồ sơ.")
        self.fields["unit"].error_messages["invalid_choice"] = _("Chọn một nơi trong danh sách.")
        if cases:
            self.fields["case"].choices = cases  # type: ignore[attr-defined]
            self.fields["case"].required = True
            self.fields["case"].error_messages["required"] = _("Chọn trường hợp của bạn.")
            self.fields["case"].error_messages["invalid_choice"] = _(
                "Chọn một trường hợp trong danh sách."
            )
        else:
            del self.fields["case"]


class ApplicantForm(CitizenFormMixin, forms.Form):
    name = forms.CharField(label=_("Họ và tên chủ hồ sơ"), max_length=255)
    id_number = forms.CharField(
        label=_("Số định danh cá nhân (CCCD)"),
        max_length=20,
        required=False,
        help_text=_("12 chữ số."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        help_text=_("4 số cuối dùng để tra cứu chi tiết hồ sơ."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.CharField(
        label=_("Thư điện tử"),
        max_length=254,
        required=False,
        help_text=_("Biên nhận và thông báo được gửi đến địa chỉ này."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    address = forms.CharField(
        label=_("Địa chỉ"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    summary = forms.CharField(
        label=_("Trích yếu nội dung yêu cầu"),
        max_length=2000,
        required=False,
        help_text=_("Ví dụ: xin cấp giấy phép xây dựng nhà ở tại thửa số 12, tờ bản đồ số 3."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._vietnamese_required()
        self.fields["name"].widget.attrs["autocomplete"] = "name"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        cleaned, errors = applicant_clean(
            {k: data.get(k, "") for k in ("name", "id_number", "phone", "email", "address")}
        )
        for key, messages in errors.items():
            if key in self.fields and key not in self.errors:
                self.add_error(key, messages)
        for key in ("name", "id_number", "phone", "email", "address"):
            if key not in self.errors and key in cleaned:
                data[key] = cleaned[key]
        return data


class ReviewForm(CitizenFormMixin, forms.Form):
    confirm = forms.BooleanField(
        label=_("Tôi cam đoan các thông tin và giấy tờ trên là đúng sự thật."),
        error_messages={"required": _("Đánh dấu ô cam đoan trước khi nộp.")},
    )
    wizard = forms.CharField(widget=forms.HiddenInput)


class SupplementForm(CitizenFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Ghi chú cho cán bộ"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, items: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for i, item in enumerate(items):
            self.fields[f"item_{i}"] = forms.FileField(
                label=item,
                widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
                error_messages={"required": _("Chọn tệp cho giấy tờ này.")},
            )
        self.order_fields([f"item_{i}" for i in range(len(items))] + ["note", "version"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(len(self.items)):
            upload = data.get(f"item_{i}")
            if upload is not None:
                problem = upload_problem(upload)
                if problem:
                    self.add_error(f"item_{i}", problem)
        return data

    def item_fields(self) -> list[forms.BoundField]:
        return [self[f"item_{i}"] for i in range(len(self.items))]


class RatingForm(CitizenFormMixin, forms.Form):
    score = forms.TypedChoiceField(
        label=_("Mức độ hài lòng"),
        choices=[
            (5, _("5 — Rất hài lòng")),
            (4, _("4 — Hài lòng")),
            (3, _("3 — Bình thường")),
            (2, _("2 — Không hài lòng")),
            (1, _("1 — Rất không hài lòng")),
        ],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Chọn mức hài lòng từ 1 đến 5."),
            "invalid_choice": _("Chọn mức hài lòng từ 1 đến 5."),
        },
    )
    # "Like/dislike" of the service (Decision 766/QĐ-TTg indicator 5.4 counts dislikes).
    liked = forms.TypedChoiceField(
        label=_("Bạn thích hay không thích cách giải quyết hồ sơ này? (không bắt buộc)"),
        choices=[("1", _("👍 Thích")), ("0", _("👎 Không thích"))],
        coerce=lambda v: v == "1",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Góp ý (không bắt buộc)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Góp ý tối đa 2000 ký tự.")},
    )


class LookupForm(CitizenFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Mã hồ sơ"),
        max_length=48,
        help_text=_("In trên giấy biên nhận, ví dụ 000.01.50.H99-250701-0001."),
        error_messages={"required": _("Nhập mã hồ sơ cần tra cứu.")},
    )
    verify = forms.CharField(
        label=_("4 số cuối điện thoại của chủ hồ sơ (không bắt buộc)"),
        max_length=4,
        min_length=4,
        required=False,
        help_text=_("Để xem thêm tên chủ hồ sơ và danh sách giấy tờ."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={
            "min_length": _("Nhập đúng 4 chữ số."),
            "max_length": _("Nhập đúng 4 chữ số."),
        },
    )

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip()

    def clean_verify(self) -> str:
        value = str(self.cleaned_data.get("verify") or "").strip()
        if value and not verify_well_formed(value):
            raise forms.ValidationError(_("Nhập đúng 4 chữ số."))
        return value


class WithdrawForm(CitizenFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Lý do rút hồ sơ (không bắt buộc)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


__all__ = [
    "REQUIRED",
    "ApplicantForm",
    "LookupForm",
    "PlaceForm",
    "RatingForm",
    "ReviewForm",
    "SupplementForm",
    "WithdrawForm",
    "upload_problem",
]
