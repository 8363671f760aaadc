"""Reads of the catalogue. Search is accent-, case- and đ/d-insensitive and ranked."""

from __future__ import annotations

from django.db import connection
from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length

from motcua.core.collation import vi_order
from motcua.core.text import comparable
from motcua.procedures.models import (
    Field,
    Procedure,
    ProcedureLegalBasis,
    ProcedureVersion,
    WorkflowStep,
)
from motcua.procedures.search import search_plan, searchable


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


def _contains(column: str, text: str) -> Q:
    """``column`` holds ``text`` (folded, starting a word), answered from an index: the
    FTS5 trigram table on SQLite, a pg_trgm GIN index on PostgreSQL."""
    needle = " " + text.replace("%", "").replace("_", "")
    if connection.vendor == "sqlite" and column == "search_text":
        return Q(
            pk__in=RawSQL(
                "SELECT rowid FROM procedures_fts WHERE search_text LIKE %s", ["%" + needle + "%"]
            )
        )
    return Q(**{f"{column}__contains": needle})


def procedure_search(
    *,
    query: str = "",
    field: str = "",
    level: str = "",
    unit: str = "",
    active_only: bool = True,
) -> QuerySet[Procedure]:
    """Procedures matching ``query`` as people type it, best first (``procedures.search``
    says how: folding, synonyms, stopwords, phrase, ranking by name, use and length)."""
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
    plan = search_plan(query)
    code = query.strip().replace("\x00", "")
    if not plan.terms:
        return procedures.order_by(vi_order("field__name"), vi_order("name"), "code")
    by_code = Q(code=code)
    matching = Q()
    for term in plan.terms:
        matching &= _contains("search_text", term)
    phrase = plan.phrase
    if len(plan.terms) > 1:
        # When the words stand together somewhere, the procedures where they do not are
        # noise ("kết hôn" is not a land procedure that says "gắn kết ... hôn nhân").
        together = procedures.filter(_contains("search_text", phrase + " "))
        if together.exists():
            matching &= _contains("search_text", phrase + " ")
    procedures = procedures.filter(matching | by_code)
    all_in_name = Q()
    for term in plan.terms:
        all_in_name &= _contains("search_name", term)
    rank = Case(
        When(by_code, then=Value(0)),
        When(search_name=f" {phrase} ", then=Value(1)),
        When(search_name__startswith=f" {phrase} ", then=Value(2)),
        When(_contains("search_name", phrase + " "), then=Value(3)),
        When(all_in_name, then=Value(4)),
        default=Value(5),
        output_field=IntegerField(),
    )
    return procedures.annotate(rank=rank, name_length=Length("name")).order_by(
        "rank", "-popularity", "name_length", vi_order("name"), "code"
    )


def field_list() -> QuerySet[Field]:
    return Field.objects.order_by(vi_order("name"))


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
    return searchable(procedure.name), searchable(" ".join(parts))
