from typing import Any

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from motcua.integrations.models import NationalSync, Payment, PaymentMismatch, SyncState


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["reference", "dossier", "provider", "amount", "status", "created_at"]
    list_filter = ["provider", "status"]
    search_fields = ["reference", "provider_reference", "dossier__code"]
    raw_id_fields = ["dossier", "user"]
    readonly_fields = [
        "reference",
        "provider_reference",
        "amount",
        "created_at",
        "completed_at",
        "message",
        "receipt_number",
        "receipt",
        "checked_at",
    ]


class OpenMismatchFilter(admin.SimpleListFilter):
    title = _("tình trạng")
    parameter_name = "open"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("1", _("Chưa xử lý")), ("0", _("Đã xử lý"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() in {"0", "1"}:
            return queryset.filter(resolved_at__isnull=self.value() == "1")
        return queryset


@admin.register(PaymentMismatch)
class PaymentMismatchAdmin(admin.ModelAdmin):
    """What the daily reconciliation with the payment platform found different."""

    list_display = [
        "found_at",
        "dossier",
        "payment",
        "kind",
        "local_amount",
        "platform_amount",
        "platform_status",
        "resolved_at",
    ]
    list_filter = [OpenMismatchFilter, "kind"]
    search_fields = ["dossier__code", "payment__reference", "payment__provider_reference"]
    list_select_related = ["dossier", "payment"]
    raw_id_fields = ["payment", "dossier", "resolved_by"]
    readonly_fields = [
        "payment",
        "dossier",
        "kind",
        "local_amount",
        "platform_amount",
        "platform_status",
        "detail",
        "found_at",
        "seen_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class FailingFilter(admin.SimpleListFilter):
    """The failures page: dossiers the portal is behind on because of an error."""

    title = _("lỗi đồng bộ")
    parameter_name = "failing"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("1", _("Có lỗi (đang thử lại hoặc thiếu dữ liệu)"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "1":
            return queryset.filter(state__in=[SyncState.FAILING, SyncState.INVALID])
        return queryset


@admin.register(NationalSync)
class NationalSyncAdmin(admin.ModelAdmin):
    """Per dossier, its state with the national portal; resend after fixing the cause."""

    list_display = [
        "dossier",
        "origin",
        "state",
        "progress_seq",
        "queued_seq",
        "first_synced_at",
        "last_synced_at",
        "pending_since",
        "last_error",
    ]
    list_filter = [FailingFilter, "state", "origin"]
    search_fields = ["dossier__code"]
    list_select_related = ["dossier"]
    actions = ["resend"]
    readonly_fields = [f.name for f in NationalSync._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Gửi lại lên Cổng DVCQG"))
    def resend(self, request: HttpRequest, queryset: QuerySet[NationalSync]) -> None:
        from motcua.integrations.dvcqg.sync import national_resend

        count = 0
        for sync in queryset.select_related("dossier"):
            with transaction.atomic():
                count += national_resend(dossier=sync.dossier)
        self.message_user(
            request,
            ngettext("Đã xếp %(n)d tin gửi lại.", "Đã xếp %(n)d tin gửi lại.", count)
            % {"n": count},
            messages.SUCCESS,
        )
