from django.contrib import admin

from motcua.archive.models import ArchivePackage


@admin.register(ArchivePackage)
class ArchivePackageAdmin(admin.ModelAdmin):
    list_display = ("dossier", "path", "exported_at", "verified_at", "verified_ok", "retain_until")
    list_filter = ("verified_ok",)
    search_fields = ("dossier__code",)
    readonly_fields = [f.name for f in ArchivePackage._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
