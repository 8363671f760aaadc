"""The leader dashboard (``/can-bo/thong-ke/``), its exports and the public transparency
page (``/cong-khai/``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from motcua.core.collation import vi_order, vi_sorted
from motcua.core.people import person_name
from motcua.core.replica import replica_reads
from motcua.procedures.models import Field, Procedure
from motcua.reports.charts import trend_svg
from motcua.reports.exports import to_pdf, to_xlsx
from motcua.reports.indicators import average_rating, indicators
from motcua.reports.national_indicators import national_indicators
from motcua.reports.query import ReportQuery, StatsForbidden, report_query
from motcua.reports.selectors import (
    StatsError,
    UnitTree,
    fine_sums,
    month_starts,
    monthly_trend,
    overdue_dossiers,
    periods_of,
    stats_report,
    visible_roots,
)
from motcua.reports.tables import TABLES, build_table
from motcua.units.models import Unit
from motcua.workspace.auth import staff_of

PUBLIC_CACHE_SECONDS = 300
TREND_MONTHS = 24


def login_required(view: Any) -> Any:
    """``login_required`` that still answers 403 while the staff login page does not exist."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            try:
                return redirect_to_login(request.get_full_path())
            except NoReverseMatch:
                message = gettext("Cần đăng nhập.")
                return render(request, "reports/error.html", {"message": message}, status=403)
        response: HttpResponse = view(request, *args, **kwargs)
        return response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _ranked(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = [r for r in rows if r["resolved"] or r["received"]]
    return sorted(
        rows, key=lambda r: (r["on_time_share"] is None, -(r["on_time_share"] or 0), -r["resolved"])
    )


def _query_or_error(request: HttpRequest) -> ReportQuery | HttpResponse:
    try:
        return report_query(request.user, request.GET)
    except StatsForbidden as exc:
        return render(request, "reports/error.html", {"message": str(exc)}, status=403)
    except StatsError as exc:
        return render(request, "reports/error.html", {"message": str(exc)}, status=400)


def _unit_choices(request: HttpRequest, tree: UnitTree) -> list[Unit]:
    roots = visible_roots(request.user)
    units = sorted(tree.units.values(), key=lambda u: u.path)
    if roots is None:
        return units
    return [u for u in units if any(u.path.startswith(r.path) for r in roots)]


@login_required
@replica_reads
def dashboard(request: HttpRequest) -> HttpResponse:
    q = _query_or_error(request)
    if isinstance(q, HttpResponse):
        return q
    # The workspace navigation offers only this officer's pages (``Staff.can_*``).
    request.staff = staff_of(request.user)  # type: ignore[attr-defined]
    fine = fine_sums(
        unit=q.unit, date_from=q.date_from, date_to=q.date_to, field_id=q.field_id, tree=q.tree
    )
    by_unit = stats_report(
        unit=q.unit, date_from=q.date_from, date_to=q.date_to, tree=q.tree, fine=fine
    )
    by_field = stats_report(
        unit=q.unit, date_from=q.date_from, date_to=q.date_to, group_by="field",
        tree=q.tree, fine=fine,
    )  # fmt: skip
    months = month_starts(q.date_from, q.date_to)
    trend_from = (
        max(q.date_from, months[-TREND_MONTHS]) if len(months) > TREND_MONTHS else q.date_from
    )
    trend = monthly_trend(
        unit=q.unit, date_from=trend_from, date_to=q.date_to, field_id=q.field_id, tree=q.tree
    )
    overdue, overdue_count = overdue_dossiers(
        unit=q.unit, field_id=q.field_id, tree=q.tree, limit=20
    )
    params = request.GET.copy()
    params.pop("table", None)
    params.pop("format", None)
    context = {
        "q": q,
        "total": by_unit.total,
        "unit_rows": by_unit.rows,
        "unit_ranking": _ranked(by_unit.rows[1:] or by_unit.rows),
        "field_ranking": _ranked(by_field.rows),
        "trend": trend,
        "trend_svg": trend_svg(
            trend,
            title=gettext("Hồ sơ tiếp nhận và giải quyết theo tháng — %(unit)s")
            % {"unit": q.unit.name},
        ),
        "overdue": overdue,
        "overdue_count": overdue_count,
        "indicators": indicators(
            tree=q.tree,
            unit=q.unit,
            date_from=q.date_from,
            date_to=q.date_to,
            field_id=q.field_id,
            fine=fine,
        ),
        "national": national_indicators(
            unit=q.unit,
            date_from=q.date_from,
            date_to=q.date_to,
            field_id=q.field_id,
            procedure=q.procedure,
            tree=q.tree,
        ),
        "procedures": Procedure.objects.filter(is_active=True)
        .order_by("code")
        .only("code", "name"),
        "units": _unit_choices(request, q.tree),
        "fields": Field.objects.order_by(vi_order("name")),
        "query_string": params.urlencode(),
        "generated_at": timezone.localtime(),
    }
    return render(request, "reports/dashboard.html", context)


@login_required
@replica_reads
def export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    if table not in TABLES or fmt not in {"xlsx", "pdf"}:
        return render(
            request, "reports/error.html", {"message": gettext("Không có bảng này.")}, status=404
        )
    q = _query_or_error(request)
    if isinstance(q, HttpResponse):
        return q
    data = build_table(q, table)
    name = f"thong-ke-{table}-{slugify(q.unit.code)}-{q.date_from:%Y%m%d}-{q.date_to:%Y%m%d}"
    if fmt == "xlsx":
        response = HttpResponse(
            to_xlsx(q, data),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        pdf = to_pdf(q, data, prepared_by=person_name(request.user))
        response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# ---------------------------------------------------------------------------- public


def public_numbers(unit: Unit, tree: UnitTree) -> dict[str, Any]:
    """Counts of the current month, quarter and year for a unit, its units and its fields.
    No personal data: counts only."""
    today = timezone.localdate()
    periods = []
    for label, start, end in periods_of(today):
        fine = fine_sums(unit=unit, date_from=start, date_to=end, tree=tree)
        by_unit = stats_report(unit=unit, date_from=start, date_to=end, tree=tree, fine=fine)
        by_field = stats_report(
            unit=unit, date_from=start, date_to=end, group_by="field", tree=tree, fine=fine
        )
        lo, hi = _day_bounds(start, end)
        avg, n = average_rating(unit_ids=list(tree.scope(unit)), start=lo, end=hi)
        periods.append(
            {
                "label": label,
                "start": start,
                "end": end,
                "total": by_unit.total,
                "units": [r for r in by_unit.rows if r["received"] or r["resolved"]],
                "fields": [r for r in by_field.rows if r["received"] or r["resolved"]],
                "rating": avg,
                "ratings": n,
                "national": national_indicators(unit=unit, date_from=start, date_to=end, tree=tree),
            }
        )
    return {"unit": unit, "periods": periods, "today": today}


def _day_bounds(start: Any, end: Any) -> Any:
    import datetime as dt

    lo = timezone.make_aware(dt.datetime.combine(start, dt.time()))
    hi = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time()))
    return lo, hi


@replica_reads
def transparency(request: HttpRequest) -> HttpResponse:
    tree = UnitTree.load()
    roots = sorted((u for u in tree.units.values() if u.parent_id is None), key=lambda u: u.path)
    code = request.GET.get("unit", "")
    unit = next((u for u in tree.units.values() if u.code == code), None) if code else None
    if unit is None:
        unit = roots[0] if roots else None
    if unit is None:
        return render(request, "reports/public.html", {"unit": None})
    key = f"reports:public:{unit.pk}:{timezone.localdate().isoformat()}"
    numbers = cache.get(key)
    if numbers is None:
        numbers = public_numbers(unit, tree)
        cache.set(key, numbers, PUBLIC_CACHE_SECONDS)
    children = vi_sorted(
        (u for u in tree.units.values() if u.parent_id == unit.pk), key=lambda u: u.name
    )
    parent = tree.units.get(unit.parent_id) if unit.parent_id else None
    # The tree holds only what the counts need; the page also shows where to go and when.
    contact = Unit.objects.filter(pk=unit.pk).first()
    response = render(
        request,
        "reports/public.html",
        {**numbers, "children": children, "parent": parent, "roots": roots, "contact": contact},
    )
    response["Cache-Control"] = f"public, max-age={PUBLIC_CACHE_SECONDS}"
    return response
