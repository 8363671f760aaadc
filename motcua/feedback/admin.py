"""Feedback is handled in the workspace; the admin only reads it (every step is a service
call with its audited event)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.feedback.models import Feedback


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["code", "unit", "category", "status", "received_at", "answer_due_at"]
    list_filter = ["status", "category"]
    search_fields = ["code", "national_code", "name", "content"]
    raw_id_fields = ["unit", "dossier", "reopens", "assignee"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
