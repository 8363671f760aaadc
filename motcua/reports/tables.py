"""Every report table of the dashboard as (title, headers, rows): one source for the
page, the Excel and the PDF exports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from motcua.reports.indicators import indicators
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
    "unit": ("units", "Theo đơn vị", "Đơn vị"),
    "field": ("fields", "Theo lĩnh vực", "Lĩnh vực"),
    "procedure": ("procedures", "Theo thủ tục", "Thủ tục"),
    "officer": ("officers", "Theo cán bộ xử lý", "Cán bộ"),
}
TABLES = ("units", "fields", "procedures", "officers", "trend", "indicators", "overdue")


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
    headers = ["Mã", first] + [COUNT_LABELS[c] for c in TABLE_COLUMNS]
    rows = [[r["key"], r["label"]] + [r[c] for c in TABLE_COLUMNS] for r in report.rows]
    total = ["", "Tổng cộng"] + [report.total[c] for c in TABLE_COLUMNS]
    return Table(name, f"Tình hình giải quyết hồ sơ — {title.lower()}", headers, rows, total)


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
            "Hồ sơ tiếp nhận và giải quyết theo tháng",
            ["Tháng", "Tiếp nhận", "Trước hạn", "Đúng hạn", "Quá hạn"],
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
            "Chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg)",
            ["Nhóm chỉ số", "Chỉ số", "Giá trị", "Tử số", "Mẫu số", "Cách tính"],
            [[i.group, i.name, i.display, i.numerator, i.denominator, i.formula] for i in items],
        )
    if name == "overdue":
        dossiers, _count = overdue_dossiers(
            unit=q.unit, field_id=q.field_id, tree=q.tree, limit=500
        )
        return Table(
            "overdue",
            "Hồ sơ đang xử lý quá hạn",
            ["Mã hồ sơ", "Thủ tục", "Nơi tiếp nhận", "Hạn trả", "Cán bộ xử lý"],
            [[d.code, d.procedure.name, d.unit.name,
              timezone.localtime(d.due_at).strftime("%d/%m/%Y %H:%M") if d.due_at else "",
              (d.assignee.get_full_name() or d.assignee.get_username()) if d.assignee else ""]
             for d in dossiers],
        )  # fmt: skip
    raise KeyError(name)
