"""Counter intake in three page loads: pick the procedure (filtered as you type, accent-
insensitive), fill the form (case, applicant, checklist ticked as papers are handed over,
scanned files, channel), then the receipt (form 01) opens ready to print."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.core.text import comparable, fold
from motcua.core.validation import is_ascii_int
from motcua.dossiers.errors import DossierError, DossierInvalid
from motcua.dossiers.models import ApplicantKind, Channel
from motcua.dossiers.services import dossier_intake
from motcua.procedures.eforms import eform_bind, eform_from_post, eform_is_blank
from motcua.procedures.models import Procedure
from motcua.procedures.records import record_documents
from motcua.procedures.selectors import procedure_search
from motcua.units.models import Role, Unit
from motcua.workspace.auth import Staff, officer, staff_required
from motcua.workspace.views import _check_upload, _error_dict

MAX_FILES = 10


def _desk_units(request: HttpRequest) -> list[Unit]:
    staff: Staff = request.staff  # type: ignore[attr-defined]
    return list(Unit.objects.filter(pk__in=staff.units(Role.DESK)).order_by("name"))


def _pick_unit(request: HttpRequest, units: list[Unit]) -> Unit:
    code = request.GET.get("unit") or request.POST.get("unit") or ""
    for unit in units:
        if unit.code == code:
            return unit
    return units[0]


@staff_required
@require_GET
def intake_pick(request: HttpRequest) -> HttpResponse:
    units = _desk_units(request)
    if not units:
        return render(request, "workspace/forbidden.html", status=403)
    unit = _pick_unit(request, units)
    query = request.GET.get("q", "")[:200]
    procedures = list(procedure_search(query=query, unit=unit.code)[:300])
    return render(
        request,
        "workspace/intake_pick.html",
        {
            "units": units,
            "unit": unit,
            "query": query,
            "procedures": [(p, fold(f"{p.code} {p.name} {p.field.name}")) for p in procedures],
        },
    )


def checklist_of(procedure: Procedure, case_code: str) -> tuple[Any, list[dict[str, Any]]]:
    version = procedure.versions.order_by("-number").first()
    if version is None:
        raise Http404
    return version.record, record_documents(version.record, case_code)


@staff_required
@require_http_methods(["GET", "POST"])
def intake_form(request: HttpRequest, code: str) -> HttpResponse:
    units = _desk_units(request)
    if not units or not comparable(code):
        raise Http404
    unit = _pick_unit(request, units)
    procedure = Procedure.objects.select_related("field").filter(code=code, is_active=True).first()
    if procedure is None or not procedure.units.filter(pk=unit.pk).exists():
        raise Http404
    record, _items = checklist_of(procedure, "")
    cases = record.get("cases") or []
    case_code = request.POST.get("case") or request.GET.get("case") or ""
    if case_code not in {c["code"] for c in cases}:
        case_code = cases[0]["code"] if cases and request.method == "GET" else case_code
    errors: dict[str, list[str]] = {}
    values = request.POST if request.method == "POST" else {}
    schema = record.get("eform")
    eform_data: dict[str, Any] | None = None
    if request.method == "POST":
        # Files tied to their required document (``files-<index>``), and loose scans.
        _record_now, post_items = checklist_of(procedure, case_code)
        tied: list[tuple[int | None, Any]] = []
        for i in range(len(post_items)):
            tied += [(i, u) for u in request.FILES.getlist(f"files-{i}")[:MAX_FILES]]
        tied += [(None, u) for u in request.FILES.getlist("files")[:MAX_FILES]]
        for _index, upload in tied:
            for _key, msgs in _check_upload(upload, "files").items():
                errors.setdefault("files", []).extend(f"{upload.name}: {m}" for m in msgs)
        ticked: list[Any] = []
        for raw in request.POST.getlist("documents"):
            if not (is_ascii_int(raw) and len(raw) < 6):
                continue
            count_raw = request.POST.get(f"count-{raw}", "").strip()
            if is_ascii_int(count_raw) and len(count_raw) < 6:
                ticked.append({"index": int(raw), "count": int(count_raw)})
            elif count_raw:
                errors[f"document-{raw}"] = [_("Số bản là số nguyên.")]
            else:
                ticked.append(int(raw))
        if schema:
            # Nothing typed: the applicant handed in the declaration on paper (it is one of
            # the documents); anything typed must be a valid declaration.
            typed = eform_from_post(schema, request.POST)
            eform_data = None if eform_is_blank(typed) else typed
        applicant = {
            key: request.POST.get(key, "")
            for key in ("kind", "name", "id_number", "phone", "email", "address")
        }
        channel = request.POST.get("channel", Channel.COUNTER)
        if channel not in {Channel.COUNTER, Channel.POSTAL}:
            errors["channel"] = [_("Chọn trực tiếp hoặc bưu chính.")]
        if not errors:
            try:
                dossier, _created = dossier_intake(
                    actor=officer(request),
                    procedure=procedure,
                    unit=unit,
                    channel=channel,
                    applicant=applicant,
                    summary=request.POST.get("summary", "")[:2000],
                    documents=ticked,
                    case_code=case_code,
                    idempotency_key=request.POST.get("idempotency_key", "")[:128] or None,
                    eform=eform_data,
                    files=tied,
                )
            except DossierInvalid as exc:
                errors = _error_dict(exc)
            except DossierError as exc:
                errors = {"__all__": [exc.message]}
            else:
                messages.success(
                    request, _("Đã tiếp nhận hồ sơ %(code)s.") % {"code": dossier.code}
                )
                return redirect(reverse("workspace:receipt", args=[dossier.code]))
    record, items = checklist_of(procedure, case_code)
    schema = record.get("eform")
    ticked_values = set(request.POST.getlist("documents")) if request.method == "POST" else set()
    import uuid

    return render(
        request,
        "workspace/intake_form.html",
        {
            "procedure": procedure,
            "unit": unit,
            "units": units,
            "cases": cases,
            "case_code": case_code,
            "items": [
                {
                    **item,
                    "index": i,
                    "checked": str(i) in ticked_values,
                    "received_count": values.get(f"count-{i}", "") if values else "",
                    "errors": errors.get(f"document-{i}", []),
                    "error_id": f"document-{i}",
                }
                for i, item in enumerate(items)
            ],
            "eform_groups": eform_bind(schema, eform_data, errors),
            "errors": errors,
            "values": values,
            "kinds": ApplicantKind.choices,
            "channel": values.get("channel", Channel.COUNTER) if values else Channel.COUNTER,
            "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4().hex,
            "record": record,
        },
        status=400 if errors else 200,
    )
