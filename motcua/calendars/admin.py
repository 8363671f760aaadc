"""Administration of the day table, and a year page with twelve month grids.

Saving and deleting go through the services, so the admin is audited like the API and a
deleted day falls back to its default.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _

from motcua.calendars.models import CalendarDay
from motcua.calendars.selectors import calendar_year_grid, local_now, working_calendar
from motcua.calendars.services import calendar_day_delete, calendar_day_set
from motcua.calendars.workingtime import WEEKDAYS_VI
from motcua.core.validation import is_ascii_int

MIN_YEAR, MAX_YEAR = 1900, 9000


class YearListFilter(admin.SimpleListFilter):
    title = _("năm")
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        years = CalendarDay.objects.dates("date", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value and is_ascii_int(value) and 1900 <= int(value) <= 9000:
            return queryset.filter(date__year=int(value))
        return queryset


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "kind", "name", "source", "updated_at", "updated_by"]
    list_filter = [YearListFilter, "kind", "source"]
    search_fields = ["name"]
    date_hierarchy = "date"
    fields = ["date", "kind", "name", "source", "updated_at", "updated_by"]
    readonly_fields = ["source", "updated_at", "updated_by"]
    change_list_template = "admin/calendars/calendarday/change_list.html"

    @admin.display(description=_("thứ"))
    def weekday(self, obj: CalendarDay) -> str:
        return WEEKDAYS_VI[obj.date.weekday()]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The date is the row's identity: move a day by deleting it and setting another.
        return [*self.readonly_fields, "date"] if obj is not None else list(self.readonly_fields)

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: Any, change: bool) -> None:
        saved = calendar_day_set(day=obj.date, kind=obj.kind, name=obj.name, actor=request.user)
        obj.pk, obj.source = saved.pk, saved.source
        obj.updated_at, obj.updated_by = saved.updated_at, saved.updated_by

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        calendar_day_delete(day=obj.date, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarDay]) -> None:
        for day in list(queryset.values_list("date", flat=True)):
            calendar_day_delete(day=day, actor=request.user)

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.year_view)
        return [
            path("year/", view, name="calendars_calendarday_year_current"),
            path("year/<int:year>/", view, name="calendars_calendarday_year"),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        extra = {
            "year_url": reverse("admin:calendars_calendarday_year_current"),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context=extra)

    def year_view(self, request: HttpRequest, year: int | None = None) -> HttpResponse:
        """A year as twelve month grids, holidays and make-up days marked (server-rendered)."""
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        if year is None:
            return redirect("admin:calendars_calendarday_year", year=local_now().year)
        if not MIN_YEAR <= year <= MAX_YEAR:
            return redirect("admin:calendars_calendarday_year", year=local_now().year)
        cal = working_calendar()
        months = calendar_year_grid(year=year, cal=cal)
        marked = [
            cell
            for month in months
            for week in month.weeks
            for cell in week
            if cell.in_month and cell.mark in {"holiday", "workday"}
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Lịch làm việc năm %(year)s") % {"year": year},
            "year": year,
            "previous_year": year - 1 if year > MIN_YEAR else None,
            "next_year": year + 1 if year < MAX_YEAR else None,
            "months": months,
            "weekday_headers": [
                ("T2", "Thứ Hai"),
                ("T3", "Thứ Ba"),
                ("T4", "Thứ Tư"),
                ("T5", "Thứ Năm"),
                ("T6", "Thứ Sáu"),
                ("T7", "Thứ Bảy"),
                ("CN", "Chủ Nhật"),
            ],
            "marked": marked,
            "working_days": sum(
                1
                for month in months
                for week in month.weeks
                for cell in week
                if cell.in_month and cell.working
            ),
            "sessions": ", ".join(f"{b:%H:%M}–{e:%H:%M}" for b, e in cal.sessions),
        }
        return TemplateResponse(request, "admin/calendars/calendarday/year.html", context)
