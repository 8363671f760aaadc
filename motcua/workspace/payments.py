"""Đối soát thanh toán: the differences the daily reconciliation with the payment platform
found, for the unit's accountant (its leaders and unit administrators), who resolves each
one saying what was done (a refund, a payment matched by hand)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from motcua.integrations.models import PaymentMismatch
from motcua.integrations.services import PaymentError, payment_mismatch_resolve
from motcua.units.models import Role, Unit
from motcua.workspace.auth import Staff, officer, staff_required

ACCOUNTANT_ROLES = (Role.LEADER, Role.UNIT_ADMIN)


def _scope(staff: Staff) -> QuerySet[PaymentMismatch]:
    """Mismatches of dossiers received by the units the officer leads or administers, or
    by any unit below them; everything for a superuser."""
    qs = PaymentMismatch.objects.select_related("payment", "dossier", "dossier__unit")
    if staff.superuser:
        return qs
    held = list(
        Unit.objects.filter(pk__in=staff.units(*ACCOUNTANT_ROLES)).values_list("path", flat=True)
    )
    if not held:
        return qs.none()
    below = Q()
    for path in held:
        below |= Q(dossier__unit__path__startswith=path)
    return qs.filter(below)


def _listing(request: HttpRequest, staff: Staff, *, status: int = 200) -> HttpResponse:
    if not (staff.superuser or staff.has(*ACCOUNTANT_ROLES)):
        return render(request, "workspace/forbidden.html", status=403)
    show_resolved = request.GET.get("da-xu-ly") == "1"
    qs = _scope(staff).filter(resolved_at__isnull=not show_resolved)
    page = Paginator(qs.order_by("-found_at", "-id"), 50).get_page(request.GET.get("trang"))
    return render(
        request,
        "workspace/payment_mismatches.html",
        {"page": page, "show_resolved": show_resolved},
        status=status,
    )


@require_GET
@staff_required
def payment_mismatches(request: HttpRequest) -> HttpResponse:
    return _listing(request, request.staff)  # type: ignore[attr-defined]


@require_POST
@staff_required
def payment_mismatch_close(request: HttpRequest, pk: int) -> HttpResponse:
    staff: Staff = request.staff  # type: ignore[attr-defined]
    mismatch = _scope(staff).filter(pk=pk).first()
    if mismatch is None:
        raise Http404
    try:
        payment_mismatch_resolve(
            mismatch=mismatch, user=officer(request), resolution=request.POST.get("resolution", "")
        )
    except PaymentError as exc:
        messages.error(request, exc.message)
        return _listing(request, staff, status=400)
    messages.success(request, _("Đã ghi nhận cách xử lý chênh lệch."))
    return redirect("workspace:payment_mismatches")
