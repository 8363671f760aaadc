"""Every report table of the dashboard as (title, headers, rows): one source for the
page, the Excel and the PDF exports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from motcua.reports.indicators import indicators
from motcua.reports.national_indicators import NationalIndicator, national_indicators
from motcua.reports.query import ReportQuery
from motcua.reports.selectors import (
    COUNT_LABELS,
    monthly_trend,
    overdue_dossiers,
    stats_report,
)

TABLE_COLUMNS = (
    "carried_over", "received_online", "received_counter", "received_postal", "received",
    "resolved_early", "resolved_on_time", "resolved_late", "resolved", "on_time_share",
    "in_progress_on_time", "in_progress_overdue", "paused_supplement", "paused_payment",
    "refused", "withdrawn", "stopped", "returned",
)  # fmt: skip
GROUP_TITLES = {
    "unit": ("units", _("Theo đơn vị"), _("Đơn vị")),
    "field": ("fields", _("Theo lĩnh vực"), _("Lĩnh vực")),
    "procedure": ("procedures", _("Theo thủ tục"), _("Thủ tục")),
    "officer": ("officers", _("Theo cán bộ xử lý"), _("Cán bộ")),
}
TABLES = (
    "units", "fields", "procedures", "officers", "trend", "indicators", "national", "overdue",
)  # fmt: skip


@dataclass
class Table:
    name: str
    title: str
    headers: list[str]
    rows: list[list[Any]]
    total: list[Any] | None = None


def _group_table(q: ReportQuery, group_by: str) -> Table:
    name, title, first = GROUP_TITLES[group_by]
    report = stats_report(
        unit=q.unit, date_from=q.date_from, date_to=q.date_to, group_by=group_by,
        field_id=q.field_id, procedure_id=q.procedure_id, tree=q.tree,
    )  # fmt: skip
    headers = [gettext("Mã"), str(first)] + [str(COUNT_LABELS[c]) for c in TABLE_COLUMNS]
    rows = [[r["key"], r["label"]] + [r[c] for c in TABLE_COLUMNS] for r in report.rows]
    total = ["", gettext("Tổng cộng")] + [report.total[c] for c in TABLE_COLUMNS]
    heading = gettext("Tình hình giải quyết hồ sơ — %(group)s") % {"group": str(title).lower()}
    return Table(name, heading, headers, rows, total)


def build_table(q: ReportQuery, name: str) -> Table:
    for group_by, (table_name, _t, _f) in GROUP_TITLES.items():
        if name == table_name:
            return _group_table(q, group_by)
    if name == "trend":
        months = monthly_trend(
            unit=q.unit, date_from=q.date_from, date_to=q.date_to, field_id=q.field_id, tree=q.tree
        )
        return Table(
            "trend",
            gettext("Hồ sơ tiếp nhận và giải quyết theo tháng"),
            [gettext("Tháng"), pgettext("report", "Tiếp nhận"), gettext("Trước hạn"),
             gettext("Đúng hạn"), gettext("Quá hạn")],
            [[m["label"], m["received"], m["resolved_early"], m["resolved_on_time"],
              m["resolved_late"]] for m in months],
        )  # fmt: skip
    if name == "indicators":
        items = indicators(
            tree=q.tree, unit=q.unit, date_from=q.date_from, date_to=q.date_to,
            field_id=q.field_id,
        )  # fmt: skip
        return Table(
            "indicators",
            gettext("Chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg)"),
            [
                gettext("Nhóm chỉ số"),
                gettext("Chỉ số"),
                gettext("Giá trị"),
                gettext("Tử số"),
                pgettext("report", "Mẫu số"),
                gettext("Cách tính"),
            ],
            [[i.group, i.name, i.display, i.numerator, i.denominator, i.formula] for i in items],
        )
    if name == "national":
        return national_table(
            national_indicators(
                unit=q.unit, date_from=q.date_from, date_to=q.date_to, field_id=q.field_id,
                procedure=q.procedure, tree=q.tree,
            )
        )  # fmt: skip
    if name == "overdue":
        dossiers, _count = overdue_dossiers(
            unit=q.unit, field_id=q.field_id, tree=q.tree, limit=500
        )
        return Table(
            "overdue",
            gettext("Hồ sơ đang xử lý quá hạn"),
            [gettext("Mã hồ sơ"), gettext("Thủ tục"), gettext("Nơi tiếp nhận"), gettext("Hạn trả"),
             gettext("Cán bộ xử lý")],
            [[d.code, d.procedure.name, d.unit.name,
              timezone.localtime(d.due_at).strftime("%d/%m/%Y %H:%M") if d.due_at else "",
              (d.assignee.get_full_name() or d.assignee.get_username()) if d.assignee else ""]
             for d in dossiers],
        )  # fmt: skip
    raise KeyError(name)


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return (
        f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    ).replace(".", ",")


def national_table(items: list[NationalIndicator]) -> Table:
    """The Decision 766 indicators as the national portal computes them."""
    return Table(
        "national",
        gettext("Chỉ số Quyết định 766/QĐ-TTg theo cách tính của Cổng Dịch vụ công quốc gia"),
        [gettext("Mã"), gettext("Nhóm chỉ số"), gettext("Chỉ số"), gettext("Giá trị"),
         gettext("Tử số"), pgettext("report", "Mẫu số"), gettext("Điểm"), gettext("Điểm tối đa"),
         gettext("Cách tính")],
        [[i.id, i.group_name, i.name, i.display, _number(i.numerator), _number(i.denominator),
          _number(i.points), _number(i.max_points),
          f"{i.formula}. {i.note}".strip() if i.note else i.formula] for i in items],
    )  # fmt: skip
