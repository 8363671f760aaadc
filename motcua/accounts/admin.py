from django.contrib import admin

from motcua.accounts.models import CitizenProfile


@admin.register(CitizenProfile)
class CitizenProfileAdmin(admin.ModelAdmin):
    list_display = ["full_name", "user", "phone", "email_verified_at"]
    search_fields = ["full_name", "user__username", "user__email", "phone"]
    raw_id_fields = ["user"]
