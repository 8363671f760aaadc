"""Handling feedback in the staff workspace: the unit's list (open, overdue, all) and one
feedback with its deadlines, history and the steps the officer may take."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from motcua.core.errors import DomainError
from motcua.feedback.models import FeedbackStatus
from motcua.feedback.selectors import feedback_events, feedback_get, feedback_list
from motcua.feedback.services import (
    STEP_LABELS,
    STEPS,
    FeedbackConflict,
    FeedbackInvalid,
    feedback_act,
    feedback_steps,
)
from motcua.workspace.auth import officer, staff_required

S = FeedbackStatus
FILTERS = {
    "open": (gettext_lazy("Đang mở"), "received,accepted,info_requested,answered"),
    "overdue": (gettext_lazy("Quá hạn"), ""),
    "all": (gettext_lazy("Tất cả"), ""),
}


@staff_required
@require_GET
def staff_list(request: HttpRequest) -> HttpResponse:
    key = request.GET.get("list", "open")
    if key not in FILTERS:
        key = "open"
    rows = feedback_list(
        user=officer(request),
        status=FILTERS[key][1],
        overdue=key == "overdue",
        now=timezone.now(),
    )
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "feedback/staff_list.html",
        {"page": page, "current": key, "filters": [(k, v[0]) for k, v in FILTERS.items()]},
    )


def _render(
    request: HttpRequest,
    code: str,
    *,
    errors: dict[str, list[str]] | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    f = feedback_get(user=officer(request), code=code)
    steps = feedback_steps(f, officer(request))
    return render(
        request,
        "feedback/staff_detail.html",
        {
            "f": f,
            "events": [
                (e, STEP_LABELS.get(e.action, e.action)) for e in feedback_events(feedback=f)
            ],
            "steps": [(s, STEP_LABELS[s]) for s in steps],
            "labels": STEP_LABELS,
            "errors": errors or {},
            "problem": problem,
            "now": timezone.now(),
        },
        status=status,
    )


@staff_required
@require_GET
def staff_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _render(request, code)


@staff_required
@require_POST
def staff_step(request: HttpRequest, code: str, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404
    f = feedback_get(user=officer(request), code=code)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    params = {k: request.POST.get(k, "") for k in ("reason", "question", "answer", "assignee")}
    try:
        feedback_act(
            feedback=f,
            step=step,
            actor=cast(User, officer(request)),
            params=params,
            version=version,
            note=request.POST.get("note", "")[:2000],
        )
    except FeedbackInvalid as exc:
        return _render(request, code, errors=exc.errors, status=400)
    except FeedbackConflict as exc:
        return _render(request, code, problem=exc.message, status=409)
    except DomainError as exc:
        return _render(request, code, problem=exc.message, status=exc.status_code)
    messages.success(request, _("Đã thực hiện “%(label)s”.") % {"label": STEP_LABELS[step]})
    return redirect("feedback_staff:detail", code=code)
