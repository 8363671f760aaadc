"""Catalogue administration. Saving a procedure with its inlines publishes a new version."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.procedures.models import (
    Field,
    LegalDocument,
    Procedure,
    ProcedureCase,
    ProcedureLegalBasis,
    ProcedureVersion,
    RequiredDocument,
    SearchSynonym,
    WorkflowStep,
)
from motcua.procedures.services import procedure_publish


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(LegalDocument)
class LegalDocumentAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "issued", "issuer"]
    search_fields = ["number", "title"]


class CaseInline(admin.TabularInline):
    model = ProcedureCase
    extra = 0


class DocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 0


class StepInline(admin.TabularInline):
    model = WorkflowStep
    extra = 0
    autocomplete_fields = ["unit"]


class LegalBasisInline(admin.TabularInline):
    model = ProcedureLegalBasis
    extra = 0
    autocomplete_fields = ["document"]


class VersionInline(admin.TabularInline):
    model = ProcedureVersion
    extra = 0
    fields = ["number", "created_at", "created_by"]
    readonly_fields = ["number", "created_at", "created_by"]
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "field", "level", "processing_days", "online", "is_active"]
    list_filter = ["field", "level", "online", "is_active"]
    search_fields = ["code", "name", "search_text"]
    filter_horizontal = ["units"]
    inlines = [CaseInline, DocumentInline, LegalBasisInline, StepInline, VersionInline]
    readonly_fields = ["updated_at"]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        procedure_publish(procedure=form.instance, actor=request.user)


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    """Versions are read-only: a dossier keeps the version it was received under."""

    list_display = ["procedure", "number", "created_at", "created_by"]
    readonly_fields = ["procedure", "number", "record", "digest", "created_at", "created_by"]
    search_fields = ["procedure__code", "procedure__name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


admin.site.site_url = "/"


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    """What people type → what the catalogue says; used by every search of procedures."""

    list_display = ["phrase", "replacement", "note"]
    search_fields = ["phrase", "replacement", "folded"]
