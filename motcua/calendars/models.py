"""The table of holidays and make-up working days: the authority for working time.

Vietnam's Tết and swap days are set by the government each year, so the rows seeded
from the ``holidays`` package are only a starting point: rows an administrator sets
or imports win over them and are never overwritten by a later seeding.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Ngày nghỉ")
    WORKDAY = "workday", _("Ngày làm bù")


class DaySource(models.TextChoices):
    PACKAGE = "package", _("Mặc định (gói holidays)")
    ADMIN = "admin", _("Quản trị viên")
    IMPORT = "import", _("Nhập từ tệp")


class CalendarDay(models.Model):
    """A date that departs from the weekday rule: a holiday, or a make-up working day."""

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=16, choices=DayKind.choices)
    name = models.CharField(_("tên"), max_length=200, blank=True)
    source = models.CharField(
        _("nguồn"), max_length=16, choices=DaySource.choices, default=DaySource.ADMIN
    )
    # Indexed: the newest change is part of the calendar's cache stamp, read per request.
    updated_at = models.DateTimeField(_("cập nhật lúc"), default=timezone.now, db_index=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người cập nhật"),
    )

    class Meta:
        verbose_name = _("ngày nghỉ, ngày làm bù")
        verbose_name_plural = _("ngày nghỉ, ngày làm bù")
        ordering = ["date"]

    def __str__(self) -> str:
        label = self.get_kind_display()
        return f"{self.date:%d/%m/%Y} — {label}" + (f": {self.name}" if self.name else "")
