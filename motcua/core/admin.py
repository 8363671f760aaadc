"""The access log of personal data in the admin: read-only, and a unit administrator sees
only the rows of their units' dossiers."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from motcua.core.models import PersonalDataAccess
from motcua.units.models import Membership, Role


def _admin_units(request: HttpRequest) -> list[int] | None:
    """None: every unit (a system administrator); else the units the user administers."""
    user: Any = request.user
    if user.is_superuser:
        return None
    return list(
        Membership.objects.filter(user=user, role=Role.UNIT_ADMIN, unit__isnull=False).values_list(
            "unit_id", flat=True
        )
    )


class UnitLogAdmin(admin.ModelAdmin):
    """A log in the admin (who saw or asked what): read-only, and a unit administrator sees
    the rows of their units only; ``unit_field`` is the lookup to the row's unit."""

    unit_field = "unit_id"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        rows = super().get_queryset(request)
        units = _admin_units(request)
        return rows if units is None else rows.filter(**{f"{self.unit_field}__in": units})

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


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(UnitLogAdmin):
    unit_field = "dossier__unit_id"
    list_display = ("at", "user", "dossier", "channel", "ip")
    list_filter = ("channel",)
    search_fields = ("dossier__code", "user__username")
    date_hierarchy = "at"
    list_select_related = ("user", "dossier")
    readonly_fields = ("at", "user", "dossier", "channel", "ip")
