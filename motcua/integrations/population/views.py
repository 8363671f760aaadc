"""The desk's lookup in the population database: ``POST /can-bo/dan-cu/tra-cuu/`` (JSON),
called by the button of the intake page; the page itself also works without it (the same
button submits the form and the page comes back filled in, or the officer types by hand)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.integrations.population.services import (
    PopulationLookupFailed,
    lookup_json,
    population_lookup,
)
from motcua.units.models import Role, Unit
from motcua.workspace.auth import Staff, officer, staff_required


def desk_unit(request: HttpRequest, code: str) -> Unit | None:
    """The unit named in the request, if the officer holds the desk role there."""
    staff: Staff = request.staff  # type: ignore[attr-defined]
    units = Unit.objects.filter(pk__in=staff.units(Role.DESK))
    return units.filter(code=code).first() if code else units.order_by("pk").first()


@staff_required
@require_POST
def lookup(request: HttpRequest) -> JsonResponse:
    unit = desk_unit(request, request.POST.get("unit", "")[:64])
    if unit is None:
        return JsonResponse(
            {"detail": _("Chỉ cán bộ một cửa của đơn vị được tra cứu Cơ sở dữ liệu dân cư.")},
            status=403,
        )
    try:
        result = population_lookup(
            officer=officer(request),
            unit=unit,
            id_number=request.POST.get("id_number", "")[:32],
            full_name=request.POST.get("name", "")[:255],
            birth_year=request.POST.get("birth_year", "")[:8],
            reason=request.POST.get("reason", "")[:500],
            dossier_code=request.POST.get("dossier_code", "")[:64],
        )
    except PopulationLookupFailed as exc:
        body: dict[str, object] = {"detail": exc.message}
        if exc.errors:
            body["errors"] = exc.errors
        response = JsonResponse(body, status=exc.status)
        response["Cache-Control"] = "no-store"
        return response
    response = JsonResponse(lookup_json(result))
    # Personal data: never kept by a browser or a proxy.
    response["Cache-Control"] = "no-store"
    return response
