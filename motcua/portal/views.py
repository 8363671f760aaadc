"""Public pages of the portal: the catalogue of procedures."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from motcua.core.text import comparable
from motcua.procedures.models import OnlineLevel, ProcedureLevel
from motcua.procedures.records import procedure_record
from motcua.procedures.selectors import field_list, procedure_detail_queryset, procedure_search
from motcua.units.models import Unit, UnitLevel

PAGE_SIZE = 20


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    fields = field_list()
    return render(request, "portal/home.html", {"fields": fields})


@require_GET
def procedure_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    field = request.GET.get("field", "")[:32]
    level = request.GET.get("level", "")[:16]
    unit = request.GET.get("unit", "")[:32]
    procedures = procedure_search(query=query, field=field, level=level, unit=unit)
    page = Paginator(procedures, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    units = Unit.objects.filter(
        level__in=[UnitLevel.DEPARTMENT, UnitLevel.COMMUNE, UnitLevel.CENTRE]
    )
    return render(
        request,
        "portal/procedure_list.html",
        {
            "page": page,
            "query": query,
            "field": field,
            "level": level,
            "unit": unit,
            "fields": field_list(),
            "levels": ProcedureLevel.choices,
            "units": units.order_by("level", "name"),
            "querystring": params.urlencode(),
        },
    )


@require_GET
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    if not comparable(code):
        raise Http404
    procedure = get_object_or_404(procedure_detail_queryset(), code=code, is_active=True)
    record = procedure_record(procedure)
    return render(
        request,
        "portal/procedure_detail.html",
        {
            "procedure": procedure,
            "record": record,
            "documents": [d for d in procedure.documents.all() if d.case_id is None],
            "cases": procedure.cases.all(),
            "steps": procedure.steps.all(),
            "legal_basis": [b.document for b in procedure.procedurelegalbasis_set.all()],
            "units": sorted(procedure.units.all(), key=lambda u: (u.level, u.name)),
            "online_full": procedure.online == OnlineLevel.FULL,
        },
    )


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    connection.ensure_connection()
    return JsonResponse({"status": "ok"})
