"""Forms of citizen accounts, with a Vietnamese message beside each field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.core.crypto import blind_index
from motcua.dossiers.validation import applicant_clean

REQUIRED = _("Vui lòng nhập thông tin này.")


def clean_phone(value: str, *, required: bool) -> str:
    """The phone rule of dossier intake (one source of truth), normalised."""
    value = (value or "").strip()
    if not value:
        if required:
            raise ValidationError(REQUIRED, code="required")
        return ""
    cleaned, errors = applicant_clean({"name": "-", "phone": value})
    if "phone" in errors:
        raise ValidationError(_("Số điện thoại không hợp lệ (ví dụ: 0901234567)."), code="phone")
    return cleaned["phone"]


def clean_id_number(value: str) -> str:
    value = (value or "").replace(" ", "")
    if not value:
        return ""
    cleaned, errors = applicant_clean({"name": "-", "id_number": value})
    if "id_number" in errors:
        raise ValidationError(_("Số CCCD gồm 12 chữ số (hoặc CMND cũ 9 chữ số)."), code="id_number")
    return cleaned["id_number"]


class CitizenFormMixin:
    """Vietnamese "required" message on every field; no browser-side validation so the
    server's messages are the ones people read."""

    fields: dict[str, forms.Field]

    def _vietnamese_required(self) -> None:
        for field in self.fields.values():
            field.error_messages["required"] = REQUIRED


class RegisterForm(CitizenFormMixin, forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=255)
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        help_text=_("Ví dụ: 0901234567. Dùng để tra cứu hồ sơ (4 số cuối)."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("Thư điện tử"),
        max_length=254,
        help_text=_("Chúng tôi gửi thư xác nhận đến địa chỉ này."),
        error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        help_text=_("Ít nhất 8 ký tự, không toàn chữ số, không quá giống thông tin cá nhân."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._vietnamese_required()
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"

    def clean_full_name(self) -> str:
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"], required=True)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        users = get_user_model().objects
        if users.filter(Q(email__iexact=email) | Q(username__iexact=email)).exists():
            raise ValidationError(
                _("Thư điện tử này đã được đăng ký. Hãy đăng nhập hoặc lấy lại mật khẩu."),
                code="taken",
            )
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Hai mật khẩu không khớp."))
        elif p1:
            probe = get_user_model()(
                username=data.get("email") or "", email=data.get("email") or ""
            )
            probe.first_name = data.get("full_name") or ""
            try:
                password_validation.validate_password(p1, probe)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


class CitizenLoginForm(CitizenFormMixin, AuthenticationForm):
    """Sign in with the e-mail, the phone number or the user name; the password is checked by
    Django's authentication backends (``AUTHENTICATION_BACKENDS``). Sign-in with the national
    identity (VNeID, OpenID Connect) is its own button and callback: ``accounts.oidc``."""

    error_messages = {
        "invalid_login": _(
            "Sai thông tin đăng nhập hoặc mật khẩu. Lưu ý mật khẩu phân biệt chữ hoa, chữ thường."
        ),
        "inactive": _("Tài khoản này đã bị khóa."),
        "unverified": _(
            "Tài khoản chưa được kích hoạt: hãy mở liên kết trong thư xác nhận đã gửi đến "
            "hộp thư của bạn."
        ),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._vietnamese_required()
        self.fields["username"].label = _("Thư điện tử, số điện thoại hoặc tên đăng nhập")
        self.fields["password"].label = _("Mật khẩu")

    def clean(self) -> dict[str, Any]:
        identifier = (self.cleaned_data.get("username") or "").strip()
        if identifier:
            self.cleaned_data["username"] = username_for(identifier)
        return super().clean()

    def get_invalid_login_error(self) -> ValidationError:
        wait = int(getattr(self.request, "signin_locked", 0) or 0)
        if wait:
            minutes = max(1, (wait + 59) // 60)
            return ValidationError(
                _(
                    "Tài khoản tạm bị khóa đăng nhập từ máy này %(minutes)d phút do nhập sai "
                    "nhiều lần."
                )
                % {"minutes": minutes},
                code="locked",
            )
        return super().get_invalid_login_error()

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        from motcua.core.signin import SecondFactor, second_factor_of

        if second_factor_of(user) is not SecondFactor.NONE:
            # One policy for every door: this door has no second factor, so an account that
            # needs one signs in where it is asked.
            raise ValidationError(
                _("Tài khoản cán bộ dùng xác thực hai lớp: hãy đăng nhập tại trang cán bộ."),
                code="second_factor",
            )
        profile = getattr(user, "citizen_profile", None)
        if profile is not None and not profile.is_verified:
            raise ValidationError(self.error_messages["unverified"], code="unverified")


def username_for(identifier: str) -> str:
    """The user name behind an e-mail address or a phone number (or the identifier itself)."""
    users = get_user_model().objects
    if "@" in identifier:
        match = users.filter(email__iexact=identifier).order_by("pk").first()
        if match is not None:
            return str(match.get_username())
        return identifier.lower()
    digits = identifier.replace(" ", "").replace(".", "")
    if digits.isdigit() or digits.startswith("+"):
        match = users.filter(citizen_profile__phone_hash=blind_index(digits)).order_by("pk").first()
        if match is not None:
            return str(match.get_username())
    return identifier


class ResendVerificationForm(CitizenFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("Thư điện tử đã đăng ký"),
        error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._vietnamese_required()


class CitizenPasswordResetForm(CitizenFormMixin, PasswordResetForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._vietnamese_required()
        self.fields["email"].label = _("Thư điện tử đã đăng ký")
        self.fields["email"].error_messages["invalid"] = _("Địa chỉ thư điện tử không hợp lệ.")


class CitizenSetPasswordForm(CitizenFormMixin, SetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._vietnamese_required()
        self.fields["new_password1"].label = _("Mật khẩu mới")
        self.fields["new_password2"].label = _("Nhập lại mật khẩu mới")
        self.error_messages["password_mismatch"] = _("Hai mật khẩu không khớp.")


class ProfileForm(CitizenFormMixin, forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=255)
    id_number = forms.CharField(
        label=_("Số định danh cá nhân (CCCD)"),
        max_length=20,
        required=False,
        help_text=_("12 chữ số trên căn cước công dân."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("Thư điện tử"),
        max_length=254,
        help_text=_("Nếu đổi địa chỉ, bạn cần xác nhận lại qua thư."),
        error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    address = forms.CharField(
        label=_("Địa chỉ"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self._vietnamese_required()
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"
        from motcua.accounts.oidc import vneid_verified

        self.vneid = vneid_verified(user)
        if self.vneid:
            # The national identity vouches for these: they change only through VNeID.
            for name in ("full_name", "id_number"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Theo dữ liệu định danh điện tử (VNeID).")

    def clean_full_name(self) -> str:
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"], required=True)

    def clean_id_number(self) -> str:
        return clean_id_number(self.cleaned_data["id_number"])

    def clean_address(self) -> str:
        return " ".join(self.cleaned_data["address"].split())

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        taken = (
            get_user_model()
            .objects.filter(Q(email__iexact=email) | Q(username__iexact=email))
            .exclude(pk=self.user.pk)
            .exists()
        )
        if taken:
            raise ValidationError(_("Thư điện tử này đã được tài khoản khác dùng."), code="taken")
        return email
