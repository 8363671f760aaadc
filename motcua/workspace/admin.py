from django.contrib import admin

from motcua.workspace.models import StaffTotp


@admin.register(StaffTotp)
class StaffTotpAdmin(admin.ModelAdmin):
    """Administrators remove an officer's second factor when the phone is lost; the officer
    then enrols again. The secret itself is never shown."""

    list_display = ["user", "confirmed_at", "created_at"]
    search_fields = ["user__username"]
    fields = ["user", "confirmed_at", "created_at"]
    readonly_fields = ["user", "confirmed_at", "created_at"]

    def has_add_permission(self, request: object) -> bool:
        return False
