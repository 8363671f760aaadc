"""Turning request parameters into a report query, the same way for the API, the
dashboard and the exports: defaults, validation (400) and scope (403)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext

from motcua.procedures.models import Field, Procedure
from motcua.reports.selectors import (
    GROUP_BYS,
    StatsError,
    UnitTree,
    default_unit,
    may_read,
    parse_day,
)
from motcua.units.models import Unit


class StatsForbidden(Exception):
    """The user may not read this unit's statistics (403)."""


@dataclass
class ReportQuery:
    unit: Unit
    date_from: dt.date
    date_to: dt.date
    group_by: str
    field: Field | None
    procedure: Procedure | None
    tree: UnitTree

    @property
    def field_id(self) -> int | None:
        return self.field.pk if self.field else None

    @property
    def procedure_id(self) -> int | None:
        return self.procedure.pk if self.procedure else None


def report_query(user: AbstractBaseUser | AnonymousUser, params: Mapping[str, str]) -> ReportQuery:
    """Leaders read their unit and every unit below it; system administrators all units."""
    if not user.is_authenticated:
        raise StatsForbidden(gettext("Cần đăng nhập."))
    today = timezone.localdate()
    date_from = parse_day(params.get("from"), "from") or today.replace(month=1, day=1)
    date_to = parse_day(params.get("to"), "to") or today
    if date_from > date_to:
        raise StatsError(gettext("from phải trước hoặc bằng to."))
    if (date_to - date_from).days > 366 * 20:
        raise StatsError(gettext("Khoảng thời gian tối đa 20 năm."))
    group_by = params.get("group_by", "unit")
    if group_by not in GROUP_BYS:
        raise StatsError(gettext("group_by phải là unit, field, procedure hoặc officer."))
    tree = UnitTree.load()
    code = params.get("unit") or ""
    if code:
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise StatsError(gettext("unit: không có đơn vị “%(code)s”.") % {"code": code})
    else:
        found = default_unit(user)
        if found is None:
            raise StatsForbidden(
                gettext("Chỉ lãnh đạo đơn vị và quản trị hệ thống xem được thống kê.")
            )
        unit = found
    if not may_read(user, unit, tree):
        raise StatsForbidden(gettext("Bạn không được xem thống kê của đơn vị này."))
    field = None
    if params.get("field"):
        field = Field.objects.filter(code=params["field"]).first()
        if field is None:
            raise StatsError(
                gettext("field: không có lĩnh vực “%(code)s”.") % {"code": params["field"]}
            )
    procedure = None
    if params.get("procedure"):
        procedure = Procedure.objects.filter(code=params["procedure"]).first()
        if procedure is None:
            raise StatsError(
                gettext("procedure: không có thủ tục “%(code)s”.") % {"code": params["procedure"]}
            )
    return ReportQuery(unit, date_from, date_to, group_by, field, procedure, tree)
