from django.contrib import admin

from motcua.portal.models import Rating


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["dossier", "score", "via_lookup", "created_at"]
    list_filter = ["score", "via_lookup"]
    search_fields = ["dossier__code"]
    raw_id_fields = ["dossier", "user"]
