"""Administrators see the queue: the outbox with retry and discard of dead rows, the runs
of the scheduled jobs, and a page with the health of the background work."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from motcua.outbox.models import MessageStatus, OutboxMessage, ScheduledRun
from motcua.outbox.services import outbox_discard, outbox_retry
from motcua.outbox.status import status_collect


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "channel",
        "status",
        "dossier",
        "attempts",
        "next_attempt_at",
        "created_at",
        "delivered_at",
        "last_error",
    )
    list_filter = ("status", "channel")
    search_fields = ("dossier__code",)
    ordering = ("-id",)
    list_select_related = ("dossier",)
    actions = ("retry_messages", "discard_messages")
    # The payload may carry addresses: administrators see the subject, never the body.
    exclude = ("payload",)
    readonly_fields = (
        "channel",
        "status",
        "dossier",
        "ordered",
        "key",
        "attempts",
        "max_attempts",
        "next_attempt_at",
        "leased_until",
        "last_error",
        "created_at",
        "delivered_at",
        "subject",
    )

    @admin.display(description=_("tiêu đề"))
    def subject(self, obj: OutboxMessage) -> str:
        return str((obj.payload or {}).get("subject", ""))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    @admin.action(description=_("Gửi lại các tin không gửi được đã chọn"))
    def retry_messages(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        done = sum(outbox_retry(message=m) for m in queryset.filter(status=MessageStatus.DEAD))
        self.message_user(
            request,
            ngettext("Đã xếp %(n)d tin để gửi lại.", "Đã xếp %(n)d tin để gửi lại.", done)
            % {"n": done},
            messages.SUCCESS if done else messages.WARNING,
        )

    @admin.action(description=_("Bỏ các tin đã chọn (không gửi nữa)"))
    def discard_messages(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        done = sum(outbox_discard(message=m) for m in queryset)
        self.message_user(
            request,
            ngettext("Đã bỏ %(n)d tin.", "Đã bỏ %(n)d tin.", done) % {"n": done},
            messages.SUCCESS if done else messages.WARNING,
        )

    def get_urls(self) -> list[Any]:
        urls = super().get_urls()
        extra = [
            path(
                "tinh-trang/",
                self.admin_site.admin_view(self.status_view),
                name="outbox_status",
            )
        ]
        return extra + urls

    def status_view(self, request: HttpRequest) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": _("Tình trạng việc nền"),
            "status": status_collect(),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/outbox/status.html", context)


@admin.register(ScheduledRun)
class ScheduledRunAdmin(admin.ModelAdmin):
    list_display = ("job", "slot", "started_at", "finished_at", "result", "error")
    list_filter = ("job",)
    ordering = ("-started_at",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
