"""Administration of the dossier rules that are configuration (CONTRACT.md §3). Dossiers
themselves are written only by the services, never edited here."""

from django.contrib import admin

from motcua.dossiers.models import SupplementClockSetting


@admin.register(SupplementClockSetting)
class SupplementClockSettingAdmin(admin.ModelAdmin):
    """The clock rule on supplement by effective date: a supplement made on a date follows
    the row with the latest "áp dụng từ ngày" on or before it."""

    list_display = ["effective_from", "rule", "legal_basis", "created_at"]
    ordering = ["-effective_from"]
    readonly_fields = ["created_at"]
