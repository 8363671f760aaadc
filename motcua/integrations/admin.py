from django.contrib import admin

from motcua.integrations.models import Payment


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["reference", "dossier", "provider", "amount", "status", "created_at"]
    list_filter = ["provider", "status"]
    search_fields = ["reference", "provider_reference", "dossier__code"]
    raw_id_fields = ["dossier", "user"]
    readonly_fields = ["reference", "provider_reference", "amount", "created_at", "completed_at"]
