"""The population lookup audit in the admin: read-only; a unit administrator sees the
queries made at their units."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from motcua.core.admin import _admin_units
from motcua.integrations.population.models import PopulationQuery


@admin.register(PopulationQuery)
class PopulationQueryAdmin(admin.ModelAdmin):
    list_display = ("at", "officer", "unit", "dossier_code", "reason", "outcome", "provider")
    list_filter = ("outcome", "provider")
    search_fields = ("dossier_code", "officer__username", "reason")
    date_hierarchy = "at"
    list_select_related = ("officer", "unit")
    readonly_fields = [f.name for f in PopulationQuery._meta.fields]

    def get_queryset(self, request: HttpRequest) -> QuerySet[PopulationQuery]:
        rows = super().get_queryset(request)
        units = _admin_units(request)
        return rows if units is None else rows.filter(unit_id__in=units)

    def has_module_permission(self, request: HttpRequest) -> bool:
        units = _admin_units(request)
        return bool(request.user.is_staff and (units is None or units))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
