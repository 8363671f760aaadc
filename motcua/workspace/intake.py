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

from motcua.core.collation import vi_order
from motcua.core.text import comparable
from motcua.core.validation import is_ascii_int
from motcua.dossiers.errors import DossierError, DossierInvalid
from motcua.dossiers.lifecycle import Action
from motcua.dossiers.models import ApplicantKind, Channel
from motcua.dossiers.services import dossier_act, dossier_intake
from motcua.dossiers.validation import applicant_clean
from motcua.integrations.population.services import lookup_enabled, population_query_attach
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
    return list(Unit.objects.filter(pk__in=staff.units(Role.DESK)).order_by(vi_order("name")))


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
    template = "workspace/_pick_list.html" if request.GET.get("partial") else None
    return render(
        request,
        template or "workspace/intake_pick.html",
        {
            "units": units,
            "unit": unit,
            "query": query,
            # Everything the search matched on stays visible while the user types on.
            "procedures": [(p, f"{p.code} {p.search_text}") for p in procedures],
        },
    )


def missing_documents(items: list[dict[str, Any]], ticked: list[Any]) -> list[str]:
    """The names of the required documents of the checklist that were not handed over (a
    ticked entry is an index, or ``{"index", "count"}`` when copies were counted)."""
    handed = {t["index"] if isinstance(t, dict) else t for t in ticked}
    return [
        str(item.get("name", ""))
        for i, item in enumerate(items)
        if item.get("required", True) and i not in handed
    ]


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
        # The desk marks which scans are digitised copies of the papers handed in
        # (indicator 4.2, DuocSoHoa); a client that sends no marks gets the default.
        digitised: set[int | None] | None = None
        if request.POST.get("digitised_marked"):
            marks = request.POST.getlist("digitised")
            digitised = {int(m) for m in marks if is_ascii_int(m) and len(m) < 6}
            if "loose" in marks:
                digitised.add(None)
        applicant = {
            key: request.POST.get(key, "")
            for key in ("kind", "name", "id_number", "phone", "email", "address")
        }
        channel = request.POST.get("channel", Channel.COUNTER)
        if channel not in {Channel.COUNTER, Channel.POSTAL}:
            errors["channel"] = [_("Chọn trực tiếp hoặc bưu chính.")]
        # Missing required papers never pass silently: the officer ticks them, or receives
        # the dossier and asks for them at once (form 02) with a reason (Decree 118/2025,
        # art. 15: an incomplete dossier gets a supplement request, never a bare receipt).
        missing = missing_documents(checklist_of(procedure, case_code)[1], ticked)
        missing_reason = request.POST.get("missing_reason", "").strip()[:2000]
        ask_supplement = bool(missing) and request.POST.get("missing") == "supplement"
        if missing and not ask_supplement:
            errors["documents"] = [
                _("Chưa nhận đủ giấy tờ bắt buộc: %(names)s.") % {"names": "; ".join(missing)}
            ]
        if ask_supplement and not missing_reason:
            errors["missing_reason"] = [_("Nêu lý do tiếp nhận khi hồ sơ còn thiếu giấy tờ.")]
        if errors:
            # Every mistake at once: the applicant's fields are checked too.
            _clean, applicant_errors = applicant_clean(applicant)
            for key, msgs in applicant_errors.items():
                errors.setdefault(key, msgs)
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
                    digitised_documents=digitised,
                )
            except DossierInvalid as exc:
                errors = _error_dict(exc)
            except DossierError as exc:
                errors = {"__all__": [exc.message]}
            else:
                raw_query = request.POST.get("population_query", "")
                if _created and is_ascii_int(raw_query) and len(raw_query) < 12:
                    population_query_attach(
                        query_id=int(raw_query), officer=officer(request), dossier_code=dossier.code
                    )
                if ask_supplement and _created:
                    try:
                        dossier = dossier_act(
                            dossier=dossier,
                            action=Action.REQUEST_SUPPLEMENT,
                            actor=officer(request),
                            params={"items": missing},
                            version=dossier.version,
                            note=missing_reason,
                        )
                    except DossierError as exc:
                        messages.warning(request, exc.message)
                    else:
                        messages.info(
                            request,
                            _("Đã lập phiếu yêu cầu bổ sung (mẫu 02) các giấy tờ còn thiếu."),
                        )
                messages.success(
                    request, _("Đã tiếp nhận hồ sơ %(code)s.") % {"code": dossier.code}
                )
                return redirect(reverse("workspace:receipt", args=[dossier.code]))
    record, items = checklist_of(procedure, case_code)
    schema = record.get("eform")
    ticked_values = set(request.POST.getlist("documents")) if request.method == "POST" else set()
    posted = request.method == "POST"
    digitised_values = set(request.POST.getlist("digitised")) if posted else set()
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
                    # A scan made at the counter is a digitised copy unless the desk says no.
                    "digitised": str(i) in digitised_values if posted else True,
                    "received_count": values.get(f"count-{i}", "") if values else "",
                    "errors": errors.get(f"document-{i}", []),
                    "error_id": f"document-{i}",
                }
                for i, item in enumerate(items)
            ],
            "eform_groups": eform_bind(schema, eform_data, errors),
            "errors": errors,
            "values": values,
            "missing_choice": values.get("missing", "") if values else "",
            "digitised_loose": "loose" in digitised_values if posted else True,
            "kinds": ApplicantKind.choices,
            "channel": values.get("channel", Channel.COUNTER) if values else Channel.COUNTER,
            "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4().hex,
            "record": record,
            # The population database lookup (a button the page's script drives; without
            # it, or with the gateway down, the officer types the applicant in by hand).
            "population": lookup_enabled(),
        },
        status=400 if errors else 200,
    )
