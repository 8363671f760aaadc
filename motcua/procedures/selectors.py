"""Reads of the catalogue. Search is accent-, case- and đ/d-insensitive and ranked."""

from __future__ import annotations

from django.db import connection
from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from motcua.core.text import comparable, fold, search_terms
from motcua.procedures.models import (
    Field,
    Procedure,
    ProcedureLegalBasis,
    ProcedureVersion,
    WorkflowStep,
)


def procedure_detail_queryset() -> QuerySet[Procedure]:
    """Procedures with everything their record needs, in a fixed number of queries."""
    return Procedure.objects.select_related("field").prefetch_related(
        "documents",
        "cases",
        Prefetch("steps", queryset=WorkflowStep.objects.select_related("unit")),
        Prefetch(
            "procedurelegalbasis_set",
            queryset=ProcedureLegalBasis.objects.select_related("document"),
        ),
        "units",
    )


def _term_filter(term: str) -> Q:
    if connection.vendor == "sqlite":
        # The FTS5 trigram index answers substring LIKE queries without a table scan.
        pattern = "%" + term.replace("%", "").replace("_", "") + "%"
        return Q(
            pk__in=RawSQL("SELECT rowid FROM procedures_fts WHERE search_text LIKE %s", [pattern])
        )
    # On PostgreSQL a GIN pg_trgm index serves LIKE '%term%' on the folded text.
    return Q(search_text__contains=term)


def procedure_search(
    *,
    query: str = "",
    field: str = "",
    level: str = "",
    unit: str = "",
    active_only: bool = True,
) -> QuerySet[Procedure]:
    """Procedures matching every word of ``query`` (folded), best matches first:
    the whole query in the name, then every word in the name, then anywhere."""
    procedures = Procedure.objects.select_related("field")
    if not all(comparable(value) for value in (field, level, unit)):
        return procedures.none()
    if active_only:
        procedures = procedures.filter(is_active=True)
    if field:
        procedures = procedures.filter(field__code=field)
    if level:
        procedures = procedures.filter(level=level)
    if unit:
        procedures = procedures.filter(units__code=unit)
    terms = search_terms(query)
    if not terms:
        return procedures.order_by("field__name", "name", "code")
    for term in terms:
        procedures = procedures.filter(_term_filter(term))
    phrase = " ".join(terms)
    all_in_name = Q()
    for term in terms:
        all_in_name &= Q(search_name__contains=term)
    rank = Case(
        When(search_name__startswith=phrase, then=Value(0)),
        When(search_name__contains=phrase, then=Value(1)),
        When(all_in_name, then=Value(2)),
        When(code=query.strip().replace("\x00", ""), then=Value(0)),
        default=Value(3),
        output_field=IntegerField(),
    )
    return procedures.annotate(rank=rank).order_by("rank", "name", "code")


def field_list() -> QuerySet[Field]:
    return Field.objects.order_by("name")


def procedure_versions(*, procedure: Procedure) -> QuerySet[ProcedureVersion]:
    return procedure.versions.order_by("-number")


def search_documents_for(procedure: Procedure) -> tuple[str, str]:
    """The folded name and the folded full text that search matches against."""
    parts = [
        procedure.name,
        procedure.code,
        procedure.field.name,
        procedure.result,
        procedure.applicants,
        " ".join(d.name for d in procedure.documents.all()),
    ]
    return fold(procedure.name), fold(" ".join(parts))
