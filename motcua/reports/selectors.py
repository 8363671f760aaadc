"""Reads of the statistics (CONTRACT.md §6), scoped to what the user may see.

Every count comes from ``StatDelta``: a period [from, to] needs two *prefixes* of time,
"up to the end of to" and "up to the end of from − 1"; each prefix is whole years, then
whole months, then days, so a year report reads only yearly rows and a month report
yearly and monthly rows.

Merged units (docs/statistics.md): a dossier keeps the unit that received it. A report
for unit U covers the units below U (``Unit.path`` prefix) and every unit whose chain of
successors ends below U; in a report by unit, a predecessor's dossiers are shown in the
row of the unit that succeeded it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from motcua.core.replica import read_connection
from motcua.core.validation import iso_date
from motcua.dossiers.models import Dossier, Status
from motcua.procedures.models import Field, Procedure
from motcua.reports.models import FLOW_COLUMNS, StatDelta
from motcua.reports.national import NAT_STOCKS
from motcua.units.models import Membership, Role, Unit

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

COUNT_KEYS = (
    "carried_over",
    "received_online",
    "received_counter",
    "received_postal",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "in_progress_on_time",
    "in_progress_overdue",
    "paused_supplement",
    "paused_payment",
    "refused",
    "withdrawn",
    "stopped",
    "returned",
)
EXTRA_KEYS = ("received", "resolved", "on_time_share", "paid", "paid_online")
COUNT_LABELS = {
    "carried_over": _("Kỳ trước chuyển sang"),
    "received_online": _("Tiếp nhận trực tuyến"),
    "received_counter": _("Tiếp nhận trực tiếp"),
    "received_postal": _("Tiếp nhận qua bưu chính"),
    "received": _("Tổng tiếp nhận"),
    "resolved_early": _("Giải quyết trước hạn"),
    "resolved_on_time": _("Giải quyết đúng hạn"),
    "resolved_late": _("Giải quyết quá hạn"),
    "resolved": _("Tổng đã giải quyết"),
    "in_progress_on_time": _("Đang xử lý trong hạn"),
    "in_progress_overdue": _("Đang xử lý quá hạn"),
    "paused_supplement": _("Chờ bổ sung"),
    "paused_payment": _("Chờ nghĩa vụ tài chính"),
    "refused": _("Từ chối tiếp nhận"),
    "withdrawn": pgettext_lazy("report", "Rút hồ sơ"),
    "stopped": _("Dừng xử lý"),
    "returned": _("Đã trả kết quả"),
    "on_time_share": _("Tỉ lệ đúng hạn (%)"),
}
GROUP_BYS = ("unit", "field", "procedure", "officer")


class StatsError(ValueError):
    """Bad input for a report (turned into 400 by the API)."""


# ---------------------------------------------------------------------------- counts


def counts_from(raw: dict[str, int]) -> dict[str, Any]:
    """The §6 counts plus derived totals from one row of raw sums."""
    out: dict[str, Any] = {key: int(raw.get(key, 0)) for key in COUNT_KEYS}
    out["received"] = out["received_online"] + out["received_counter"] + out["received_postal"]
    out["resolved"] = out["resolved_early"] + out["resolved_on_time"] + out["resolved_late"]
    out["on_time_share"] = share(out["resolved_early"] + out["resolved_on_time"], out["resolved"])
    out["paid"] = int(raw.get("paid", 0))
    out["paid_online"] = int(raw.get("paid_online", 0))
    return out


def share(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def empty_counts() -> dict[str, Any]:
    return counts_from({})


def add_counts(total: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
    raw = {k: total.get(k, 0) + row.get(k, 0) for k in (*COUNT_KEYS, "paid", "paid_online")}
    return counts_from(raw)


# ---------------------------------------------------------------------------- time


def _month_end(d: dt.date) -> dt.date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def _next_month(d: dt.date) -> dt.date:
    return (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


Range = tuple[str, dt.date, dt.date, int]  # grain, first day in, first day out, sign


def prefix_ranges(end: dt.date) -> list[Range]:
    """Signed rows whose periods together cover exactly "every day up to and including
    end", reading as few rows as possible: late in a year, the whole year minus the months
    after; late in a month, the whole month minus the days after (periods ahead hold only
    the overdue deltas scheduled there, so they are small)."""
    jan1 = end.replace(month=1, day=1)
    next_year = _next_year(jan1)
    if end == end.replace(month=12, day=31):
        return [("y", dt.date.min, next_year, 1)]
    first = end.replace(day=1)
    next_month = _next_month(end)
    month_end = end == _month_end(end)
    late_in_month = month_end or end.day > 15
    cut = next_month if late_in_month else first  # months before cut are counted whole
    ranges: list[Range]
    if end.month >= 7:
        ranges = [("y", dt.date.min, next_year, 1)]
        if cut < next_year:
            ranges.append(("m", cut, next_year, -1))
    else:
        ranges = [("y", dt.date.min, jan1, 1)]
        if cut > jan1:
            ranges.append(("m", jan1, cut, 1))
    if not late_in_month:
        ranges.append(("d", first, end + dt.timedelta(days=1), 1))
    elif not month_end:
        ranges.append(("d", end + dt.timedelta(days=1), next_month, -1))
    return ranges


def _next_year(jan1: dt.date) -> dt.date:
    return jan1.replace(year=jan1.year + 1)


# ---------------------------------------------------------------------------- units


@dataclass
class UnitTree:
    """All units read once per report (a province has hundreds, the country thousands)."""

    units: dict[int, Unit]

    @classmethod
    def load(cls) -> UnitTree:
        return cls(
            {
                u.pk: u
                for u in Unit.objects.only(
                    "id", "code", "name", "path", "parent_id", "successor_id", "level"
                )
            }
        )

    def final_successor(self, unit_id: int) -> int:
        seen = {unit_id}
        current = unit_id
        while True:
            nxt = self.units[current].successor_id
            if nxt is None or nxt in seen or nxt not in self.units:
                return current
            seen.add(nxt)
            current = nxt

    def below(self, root: Unit, unit_id: int) -> bool:
        return self.units[unit_id].path.startswith(root.path)

    def anchor(self, root: Unit, unit_id: int) -> int | None:
        """Where a unit's dossiers count in a report for root (None: not in it)."""
        successor = self.final_successor(unit_id)
        if successor != unit_id and self.below(root, successor):
            return successor
        if self.below(root, unit_id):
            return unit_id
        return None

    def scope(self, root: Unit) -> dict[int, int]:
        """unit id → anchor unit id, for every unit whose dossiers count under root."""
        out = {}
        for uid in self.units:
            a = self.anchor(root, uid)
            if a is not None:
                out[uid] = a
        return out

    def row_of(self, root: Unit, anchor: int) -> int:
        """The report row (root itself, or the child of root above anchor)."""
        if anchor == root.pk:
            return root.pk
        rest = self.units[anchor].path[len(root.path) :]
        return int(rest.split("/")[0])


def visible_roots(user: AbstractBaseUser | AnonymousUser) -> list[Unit] | None:
    """The units whose statistics the user may read (None: all, a system administrator)."""
    if not user.is_authenticated:
        return []
    if getattr(user, "is_superuser", False):
        return None
    ids = Membership.objects.filter(user_id=user.pk, role=Role.LEADER).values_list(
        "unit_id", flat=True
    )
    return list(Unit.objects.filter(pk__in=ids).order_by("path"))


def may_read(user: AbstractBaseUser | AnonymousUser, unit: Unit, tree: UnitTree) -> bool:
    """Leaders read their unit, every unit below it and the units merged into those."""
    roots = visible_roots(user)
    if roots is None:
        return True
    return any(tree.anchor(root, unit.pk) is not None for root in roots)


def default_unit(user: AbstractBaseUser | AnonymousUser) -> Unit | None:
    roots = visible_roots(user)
    if roots is None:
        return Unit.objects.filter(parent__isnull=True).order_by("path").first()
    return roots[0] if roots else None


# ---------------------------------------------------------------------------- reports


@dataclass
class Report:
    unit: Unit
    date_from: dt.date
    date_to: dt.date
    group_by: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    total: dict[str, Any] = field(default_factory=empty_counts)
    field_filter: Field | None = None
    procedure_filter: Procedure | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit.code,
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "group_by": self.group_by,
            "rows": self.rows,
            "total": self.total,
        }


_GROUP_COLUMN = {
    "unit": "unit_id",
    "field": "field_id",
    "procedure": "procedure_id",
    "officer": "officer",
}


def _scope_filter(scope: dict[int, int], tree: UnitTree, params: list[Any]) -> str:
    if len(scope) == len(tree.units):
        return ""
    ids = sorted(scope)
    params.extend(ids)
    return f" AND unit_id IN ({', '.join(['%s'] * len(ids))})"


def _branches(
    ranges: Sequence[Range],
    flags: dict[str, int],
    select: str,
    extra: str,
    extra_params: list[Any],
    more: Sequence[tuple[Range, dict[str, int]]] = (),
) -> tuple[list[str], list[Any]]:
    """One indexed range scan per range (an OR of ranges makes SQLite scan the table).
    The same range in ``ranges`` and ``more`` is scanned once with both flags."""
    table = StatDelta._meta.db_table
    merged: dict[tuple[str, dt.date, dt.date], dict[str, int]] = {}
    for pieces in ([(r, flags) for r in ranges], more):
        for (grain, lo, hi, sign), piece_flags in pieces:
            target = merged.setdefault((grain, lo, hi), {})
            for name, value in piece_flags.items():
                target[name] = target.get(name, 0) + value * sign
    names = list(flags) + [n for _r, f in more for n in f if n not in flags]
    sqls, params = [], []
    for (grain, lo, hi), totals in merged.items():
        if not any(totals.values()):
            continue
        flag_sql = ", ".join(f"{totals.get(name, 0)} AS {name}" for name in dict.fromkeys(names))
        if lo == dt.date.min:
            cond, p = "grain = %s AND day < %s", [grain, hi]
        else:
            cond, p = "grain = %s AND day >= %s AND day < %s", [grain, lo, hi]
        sqls.append(f"SELECT {select}, {flag_sql} FROM {table} WHERE {cond}{extra}")  # noqa: S608
        params += p + extra_params
    return sqls, params


def raw_sums(
    *,
    scope: dict[int, int],
    tree: UnitTree,
    date_from: dt.date,
    date_to: dt.date,
    group_column: str,
    field_id: int | None = None,
    procedure_id: int | None = None,
) -> dict[int, dict[str, int]]:
    """One query: per value of group_column, the raw §6 sums for the period. Flows are
    (prefix to end of ``to``) − (prefix to end of ``from − 1``); stocks are the first."""
    extra_params: list[Any] = []
    extra = _scope_filter(scope, tree, extra_params)
    if field_id is not None:
        extra += " AND field_id = %s"
        extra_params.append(field_id)
    if procedure_id is not None:
        extra += " AND procedure_id = %s"
        extra_params.append(procedure_id)
    stocks = ("in_progress", "overdue", "paused_supplement", "paused_payment", *NAT_STOCKS)
    select = f"{group_column}, " + ", ".join(FLOW_COLUMNS + stocks + ("open",))
    width = group_column.count(",") + 1
    before = [(r, {"e": 0, "b": 1}) for r in prefix_ranges(date_from - dt.timedelta(days=1))]
    end_sql, end_params = _branches(
        prefix_ranges(date_to), {"e": 1, "b": 0}, select, extra, extra_params, more=before
    )
    before_sql: list[str] = []
    before_params: list[Any] = []
    sums = [f"SUM(e * {c}) - SUM(b * {c})" for c in FLOW_COLUMNS]
    sums += [f"SUM(e * {c})" for c in stocks]
    sums.append("SUM(b * open)")
    sql = (
        f"SELECT {group_column}, {', '.join(sums)} "  # noqa: S608
        f"FROM ({' UNION ALL '.join(end_sql + before_sql)}) AS parts "
        f"GROUP BY {group_column}"
    )
    out: dict[int, dict[str, int]] = {}
    with read_connection(StatDelta).cursor() as cursor:  # the replica, if any
        cursor.execute(sql, end_params + before_params)
        for row in cursor.fetchall():
            values = [int(v or 0) for v in row[width:]]
            raw = dict(zip(FLOW_COLUMNS, values, strict=False))
            in_progress, overdue, supp, pay, *national, carried = values[len(FLOW_COLUMNS) :]
            raw.update(zip(NAT_STOCKS, national, strict=True))
            raw["in_progress_on_time"] = in_progress - overdue
            raw["in_progress_overdue"] = overdue
            raw["paused_supplement"] = supp
            raw["paused_payment"] = pay
            raw["carried_over"] = carried
            out[int(row[0]) if width == 1 else tuple(row[:width])] = raw  # type: ignore[index]
    return out


def _merge(target: dict[str, int], raw: dict[str, int]) -> None:
    for k, v in raw.items():
        target[k] = target.get(k, 0) + v


def stats_report(
    *,
    unit: Unit,
    date_from: dt.date,
    date_to: dt.date,
    group_by: str = "unit",
    field_id: int | None = None,
    procedure_id: int | None = None,
    tree: UnitTree | None = None,
    fine: dict[tuple[int, int, int], dict[str, int]] | None = None,
) -> Report:
    """The §6 counts for unit (rolled up) in [date_from, date_to], grouped. ``fine`` (from
    ``fine_sums``) lets several groupings share one query."""
    if group_by not in GROUP_BYS:
        raise StatsError(gettext("group_by phải là unit, field, procedure hoặc officer."))
    if date_from > date_to:
        raise StatsError(gettext("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc."))
    tree = tree or UnitTree.load()
    scope = tree.scope(unit)
    if fine is not None and group_by != "officer":
        index = {"unit": 0, "field": 1, "procedure": 2}[group_by]
        sums: dict[int, dict[str, int]] = defaultdict(dict)
        for fine_key, raw in fine.items():
            _merge(sums[fine_key[index]], raw)
    else:
        sums = raw_sums(
            scope=scope,
            tree=tree,
            date_from=date_from,
            date_to=date_to,
            group_column=_GROUP_COLUMN[group_by],
            field_id=field_id,
            procedure_id=procedure_id,
        )
    report = Report(unit=unit, date_from=date_from, date_to=date_to, group_by=group_by)
    grouped: dict[int, dict[str, int]] = defaultdict(dict)
    if group_by == "unit":
        order = [unit.pk] + [
            u.pk
            for u in sorted(tree.units.values(), key=lambda u: u.path)
            if u.parent_id == unit.pk
        ]
        for uid in order:
            grouped[uid] = {}
        for uid, raw in sums.items():
            _merge(grouped[tree.row_of(unit, scope[uid])], raw)
        labels = {uid: (tree.units[uid].code, tree.units[uid].name) for uid in grouped}
    else:
        for key, raw in sums.items():
            _merge(grouped[key], raw)
        labels = _labels(group_by, list(grouped))
        order = sorted(grouped, key=lambda k: labels[k][1])
    total: dict[str, Any] = empty_counts()
    for key in order:
        counts = counts_from(grouped[key])
        code, label = labels[key]
        report.rows.append({"key": code, "label": label, **counts})
        total = add_counts(total, counts)
    report.total = total
    return report


def fine_sums(
    *,
    unit: Unit,
    date_from: dt.date,
    date_to: dt.date,
    field_id: int | None = None,
    tree: UnitTree,
) -> dict[tuple[int, int, int], dict[str, int]]:
    """Raw sums per (unit, field, procedure): one query for the whole dashboard."""
    return raw_sums(  # type: ignore[return-value]
        scope=tree.scope(unit),
        tree=tree,
        date_from=date_from,
        date_to=date_to,
        group_column="unit_id, field_id, procedure_id",
        field_id=field_id,
    )


def _labels(group_by: str, keys: list[int]) -> dict[int, tuple[str, str]]:
    if group_by == "field":
        return {f.pk: (f.code, f.name) for f in Field.objects.filter(pk__in=keys)}
    if group_by == "procedure":
        return {p.pk: (p.code, p.name) for p in Procedure.objects.filter(pk__in=keys)}
    from django.contrib.auth import get_user_model

    from motcua.core.people import person_label

    users = {
        u.pk: (u.get_username(), person_label(u, with_title=True))
        for u in get_user_model().objects.filter(pk__in=keys).select_related("staff_profile")
    }
    return {k: users.get(k, ("", gettext("Chưa phân công"))) for k in keys}


# ---------------------------------------------------------------------------- trend


def month_starts(date_from: dt.date, date_to: dt.date) -> list[dt.date]:
    months = []
    m = date_from.replace(day=1)
    while m <= date_to:
        months.append(m)
        m = _next_month(m)
    return months


def monthly_trend(
    *,
    unit: Unit,
    date_from: dt.date,
    date_to: dt.date,
    field_id: int | None = None,
    tree: UnitTree | None = None,
) -> list[dict[str, Any]]:
    """Received and resolved (early, on time, late) per month of the period; the first
    and last months are cut to the period, so the months add up to the period's totals."""
    tree = tree or UnitTree.load()
    scope = tree.scope(unit)
    months = month_starts(date_from, date_to)
    ranges: list[Range] = []
    for m in months:
        lo, hi = max(m, date_from), min(_month_end(m), date_to)
        pieces: list[Range]
        if lo == m and hi == _month_end(m):
            pieces = [("m", m, _next_month(m), 1)]
        elif lo == m and hi.day > 15:
            # The month minus its last days (few rows when the month is the current one).
            pieces = [("m", m, _next_month(m), 1), ("d", hi + dt.timedelta(days=1),
                                                     _next_month(m), -1)]  # fmt: skip
        else:
            pieces = [("d", lo, hi + dt.timedelta(days=1), 1)]
        for piece in pieces:
            last = ranges[-1] if ranges else None
            if last and last[0] == piece[0] and last[2] == piece[1] and last[3] == piece[3] == 1:
                ranges[-1] = (piece[0], last[1], piece[2], 1)  # one scan for adjacent months
            else:
                ranges.append(piece)
    extra_params: list[Any] = []
    extra = _scope_filter(scope, tree, extra_params)
    if field_id is not None:
        extra += " AND field_id = %s"
        extra_params.append(field_id)
    cols = ("received_online", "received_counter", "received_postal", "resolved_early",
            "resolved_on_time", "resolved_late")  # fmt: skip
    branches, params = _branches(
        ranges, {"e": 1}, "grain, day, " + ", ".join(cols), extra, extra_params
    )
    sql = (
        f"SELECT grain, day, {', '.join(f'SUM(e * {c})' for c in cols)} "  # noqa: S608
        f"FROM ({' UNION ALL '.join(branches)}) AS parts GROUP BY grain, day"
    )
    by_month: dict[dt.date, list[int]] = {m: [0] * len(cols) for m in months}
    with read_connection(StatDelta).cursor() as cursor:  # the replica, if any
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            day = row[1] if isinstance(row[1], dt.date) else dt.date.fromisoformat(row[1])
            bucket = by_month[day.replace(day=1)]
            for i, v in enumerate(row[2:]):
                bucket[i] += int(v or 0)
    out = []
    for m, v in by_month.items():
        out.append(
            {
                "month": m,
                "label": f"{m.month:02d}/{m.year}",
                "received": v[0] + v[1] + v[2],
                "resolved_early": v[3],
                "resolved_on_time": v[4],
                "resolved_late": v[5],
            }
        )
    return out


# ---------------------------------------------------------------------------- overdue list


def overdue_dossiers(
    *, unit: Unit, field_id: int | None = None, limit: int = 50, tree: UnitTree | None = None
) -> tuple[list[Dossier], int]:
    """Dossiers in progress past their due time now, most overdue first."""
    tree = tree or UnitTree.load()
    scope = tree.scope(unit)
    now = timezone.now()
    total = 0
    rows: list[Dossier] = []
    # One indexed (status, due_at) range per status, merged here: an IN over both statuses
    # with ORDER BY due_at would sort every overdue dossier.
    for status in (Status.RECEIVED, Status.PROCESSING):
        qs = Dossier.objects.filter(status=status, due_at__lt=now)
        if len(scope) != len(tree.units):
            qs = qs.filter(unit_id__in=list(scope))
        if field_id is not None:
            qs = qs.filter(procedure__field_id=field_id)
        total += qs.count()
        rows += list(
            qs.select_related("unit", "procedure", "assignee__staff_profile")
            .order_by("due_at")
            .only(
                "code", "due_at", "received_at", "status", "unit__name", "procedure__name",
                "procedure__code", "assignee__username", "assignee__first_name",
                "assignee__last_name", "assignee__staff_profile__full_name",
            )[:limit]
        )  # fmt: skip
    rows.sort(key=lambda d: (d.due_at, d.pk))
    return rows[:limit], total


def periods_of(today: dt.date) -> list[tuple[StrOrPromise, dt.date, dt.date]]:
    """Current month, quarter and year up to today (the transparency page)."""
    q_month = 3 * ((today.month - 1) // 3) + 1
    return [
        (_("Tháng này"), today.replace(day=1), today),
        (_("Quý này"), today.replace(month=q_month, day=1), today),
        (_("Năm nay"), today.replace(month=1, day=1), today),
    ]


def parse_day(value: str | None, name: str) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return iso_date(str(value))
    except ValueError:
        raise StatsError(
            gettext("%(name)s: “%(value)s” không phải ngày dạng YYYY-MM-DD.")
            % {"name": name, "value": value}
        ) from None


def iter_keys(rows: Iterable[dict[str, Any]], key: str) -> list[Any]:
    return [r[key] for r in rows]
