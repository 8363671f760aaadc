from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.accounts.models import CitizenProfile, NationalIdentity


@admin.register(CitizenProfile)
class CitizenProfileAdmin(admin.ModelAdmin):
    list_display = ["full_name", "user", "phone", "email_verified_at"]
    search_fields = ["full_name", "user__username", "user__email", "phone"]
    raw_id_fields = ["user"]


@admin.register(NationalIdentity)
class NationalIdentityAdmin(admin.ModelAdmin):
    """The national identities (VNeID) as the provider last vouched for them; read-only (they
    change only by signing in), personal data left out of the list."""

    list_display = [
        "full_name",
        "user",
        "subject",
        "account_type",
        "assurance_level",
        "linked_at",
        "last_signin_at",
    ]
    list_filter = ["account_type", "assurance_level"]
    search_fields = ["full_name", "subject", "user__username"]
    list_select_related = ["user"]
    readonly_fields = [
        "subject",
        "user",
        "full_name",
        "account_type",
        "assurance_level",
        "created_at",
        "linked_at",
        "last_signin_at",
    ]
    exclude = ["id_number", "date_of_birth", "address"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
