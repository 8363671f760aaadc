"""Units (cơ quan, đơn vị): an effective-dated tree, and users' memberships in them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    DISTRICT = "district", _("Cấp huyện (trước 01/7/2025)")
    COMMUNE = "commune", _("Cấp xã")
    CENTRE = "centre", _("Trung tâm phục vụ hành chính công")


class Role(models.TextChoices):
    DESK = "desk", _("Cán bộ một cửa")
    SPECIALIST = "specialist", _("Chuyên viên xử lý")
    LEADER = "leader", _("Lãnh đạo")
    UNIT_ADMIN = "unit_admin", _("Quản trị đơn vị")
    CITIZEN = "citizen", _("Công dân, tổ chức")
    # The national public service portal's integration account (CONTRACT §8): no unit.
    NATIONAL = "national", _("Cổng Dịch vụ công quốc gia (tài khoản kết nối)")


STAFF_ROLES = frozenset({Role.DESK, Role.SPECIALIST, Role.LEADER, Role.UNIT_ADMIN})


class Unit(models.Model):
    """An organisation. ``path`` holds the ids from the root (``/1/7/``) so that
    "this unit and every unit below it" is one indexed prefix filter."""

    code = models.CharField(_("mã định danh"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    level = models.CharField(_("cấp"), max_length=16, choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("đơn vị cấp trên"),
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    # The agency code the national portal knows the unit by (madonvi, DonViXuLy); empty
    # means the unit's own code, which is its electronic identifier.
    national_code = models.CharField(
        _("mã cơ quan trên Cổng DVCQG"),
        max_length=32,
        blank=True,
        help_text=_("Để trống: dùng mã định danh của đơn vị."),
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=32, blank=True)
    hotline = models.CharField(_("đường dây nóng"), max_length=32, blank=True)
    working_hours = models.CharField(
        _("giờ làm việc"),
        max_length=255,
        blank=True,
        help_text=_("Ví dụ: Thứ Hai đến Thứ Sáu, sáng 7:30–11:30, chiều 13:00–17:00."),
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hết hiệu lực"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
        verbose_name=_("đơn vị kế thừa"),
        help_text=_("Đơn vị tiếp nhận sau khi sáp nhập."),
    )

    class Meta:
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = _("cơ quan, đơn vị")
        ordering = ["path", "code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        expected = (self.parent.path if self.parent else "/") + f"{self.pk}/"
        if self.path != expected:
            old = self.path
            Unit.objects.filter(pk=self.pk).update(path=expected)
            self.path = expected
            if old:
                # Move the whole subtree with it.
                for child in Unit.objects.filter(path__startswith=old).exclude(pk=self.pk):
                    child.path = expected + child.path[len(old) :]
                    Unit.objects.filter(pk=child.pk).update(path=child.path)

    def subtree(self) -> models.QuerySet[Unit]:
        return Unit.objects.filter(path__startswith=self.path)


class Membership(models.Model):
    """A user holds a role in a unit (citizens hold ``citizen`` with no unit)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("vai trò"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("vai trò người dùng")
        verbose_name_plural = _("vai trò người dùng")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="unique_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit or '-'}"


class StaffProfile(models.Model):
    """How an officer is named wherever a person is shown: pages, history, assignment
    lists, signed forms and reminders. ``full_name`` is one field in natural Vietnamese
    order ("Nguyễn Văn An"), never split into given and family names."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    full_name = models.CharField(_("họ và tên"), max_length=255)
    title = models.CharField(
        _("chức danh"),
        max_length=255,
        blank=True,
        help_text=_("Ví dụ: Công chức Tư pháp - Hộ tịch."),
    )
    phone = models.CharField(_("số điện thoại"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("thông tin cán bộ")
        verbose_name_plural = _("thông tin cán bộ")

    def __str__(self) -> str:
        return self.full_name
