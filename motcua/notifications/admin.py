from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from motcua.notifications.defaults import VARIABLES
from motcua.notifications.models import NotificationTemplate
from motcua.notifications.services import template_check


class NotificationTemplateForm(forms.ModelForm):
    class Meta:
        model = NotificationTemplate
        fields = ("subject", "body", "active")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for problem in template_check(data.get("subject", ""), data.get("body", "")):
            self.add_error(None, problem)
        return data


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(admin.ModelAdmin):
    form = NotificationTemplateForm
    list_display = ("__str__", "channel", "active", "updated_at")
    list_filter = ("channel", "active")
    readonly_fields = ("variables",)
    fields = ("subject", "body", "active", "variables")

    @admin.display(description=_("biến dùng được"))
    def variables(self, obj: Any) -> str:
        return format_html_join(
            "", "<div><code>{{{{ {} }}}}</code>: {}</div>", sorted(VARIABLES.items())
        )

    def has_add_permission(self, request: Any) -> bool:
        return False

    def save_model(self, request: Any, obj: NotificationTemplate, form: Any, change: bool) -> None:
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)
