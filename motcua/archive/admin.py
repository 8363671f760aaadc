from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.archive.models import ArchivePackage


@admin.register(ArchivePackage)
class ArchivePackageAdmin(admin.ModelAdmin):
    list_display = ("dossier", "path", "exported_at", "verified_at", "verified_ok", "retain_until")
    list_filter = ("verified_ok",)
    search_fields = ("dossier__code",)
    readonly_fields = [f.name for f in ArchivePackage._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
