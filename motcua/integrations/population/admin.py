"""The population lookup audit in the admin: read-only; a unit administrator sees the
queries made at their units."""

from __future__ import annotations

from django.contrib import admin

from motcua.core.admin import UnitLogAdmin
from motcua.integrations.population.models import PopulationQuery


@admin.register(PopulationQuery)
class PopulationQueryAdmin(UnitLogAdmin):
    list_display = ("at", "officer", "unit", "dossier_code", "reason", "outcome", "provider")
    list_filter = ("outcome", "provider")
    search_fields = ("dossier_code", "officer__username", "reason")
    date_hierarchy = "at"
    list_select_related = ("officer", "unit")
    readonly_fields = [f.name for f in PopulationQuery._meta.fields]
