"""Public feedback pages on the portal: the form (with or without a dossier code), the
status page by code (adding the information asked for, liking or disliking the published
answer), and the list of published answers."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from motcua.core.errors import DomainError
from motcua.core.ratelimit import client_ip, rate_limited
from motcua.feedback.forms import FeedbackForm, InfoForm, LookupForm
from motcua.feedback.selectors import feedback_public, feedback_published
from motcua.feedback.services import (
    FeedbackInvalid,
    feedback_provide_info,
    feedback_react,
    feedback_submit,
)
from motcua.portal.lookup_views import lookup_rate


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "feedback/too_many.html", status=429)


@require_http_methods(["GET", "POST"])
def feedback_new(request: HttpRequest) -> HttpResponse:
    initial = {
        "dossier_code": request.GET.get("ho-so", "")[:48],
        "reopens": request.GET.get("phan-anh-lai", "")[:24],
    }
    form = FeedbackForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if rate_limited("feedback-form", client_ip(request), settings.MOTCUA_FEEDBACK_RATE):
            return _too_many(request)
        data = form.cleaned_data
        try:
            f = feedback_submit(
                category=data["category"],
                content=data["content"],
                name=data["name"],
                phone=data["phone"],
                email=data["email"],
                dossier_code=data["dossier_code"],
                reopens_code=data["reopens"],
            )
        except FeedbackInvalid as exc:
            for field, messages in exc.errors.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            return redirect("feedback:status", code=f.code)
    return render(request, "feedback/new.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET"])
def feedback_lookup(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.GET or None)
    if form.is_valid():
        return redirect("feedback:status", code=form.cleaned_data["code"].strip().upper())
    return render(request, "feedback/lookup.html", {"form": form})


@require_http_methods(["GET", "POST"])
def feedback_status(request: HttpRequest, code: str) -> HttpResponse:
    if rate_limited("feedback-read", client_ip(request), lookup_rate()):
        return _too_many(request)
    f = feedback_public(code)
    if f is None:
        return render(request, "feedback/not_found.html", {"code": code[:24]}, status=404)
    info_form = InfoForm(request.POST if request.method == "POST" else None)
    failure = ""
    if request.method == "POST" and info_form.is_valid():
        if rate_limited("feedback-info", f.code, "10/h"):
            return _too_many(request)
        try:
            feedback_provide_info(
                feedback=f,
                verify=info_form.cleaned_data["verify"],
                reply=info_form.cleaned_data["reply"],
            )
        except DomainError as exc:
            failure = exc.message
        else:
            return redirect("feedback:status", code=f.code)
    return render(
        request,
        "feedback/status.html",
        {"f": f, "info_form": info_form, "failure": failure},
        status=400 if failure or info_form.errors else 200,
    )


@require_POST
def feedback_reaction(request: HttpRequest, code: str) -> HttpResponse:
    f = feedback_public(code)
    if f is None:
        return render(request, "feedback/not_found.html", {"code": code[:24]}, status=404)
    liked = request.POST.get("liked")
    if liked in {"1", "0"}:
        try:
            feedback_react(feedback=f, client=client_ip(request), liked=liked == "1")
        except DomainError as exc:
            from django.contrib import messages

            messages.info(request, exc.message)
        else:
            from django.contrib import messages

            messages.success(request, _("Cảm ơn bạn đã cho ý kiến."))
    return redirect("feedback:status", code=f.code)


@require_http_methods(["GET"])
def feedback_answers(request: HttpRequest) -> HttpResponse:
    page = Paginator(feedback_published(), 20).get_page(request.GET.get("page"))
    return render(request, "feedback/answers.html", {"page": page})
