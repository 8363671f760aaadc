"""The public lookup page (``/tra-cuu/``): anyone with the code sees status, dates and the
timeline; with the last four phone digits, the applicant's name and documents too; with
them, a returned dossier can be rated. Rate-limited per client (429 page in Vietnamese)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.core.errors import DomainError
from motcua.core.ratelimit import client_ip, rate_limited
from motcua.core.replica import replica_reads
from motcua.portal.forms import LookupForm, RatingForm
from motcua.portal.lookup import VerifyResult, lookup_find, public_timeline, verify_check
from motcua.portal.models import Rating
from motcua.portal.ratings import rating_allowed, rating_create


def lookup_rate() -> str:
    config: Any = settings.REST_FRAMEWORK
    return str(config["DEFAULT_THROTTLE_RATES"]["lookup"])


def _too_many(request: HttpRequest, *, locked: bool = False) -> HttpResponse:
    message = (
        _(
            "Đã nhập sai 4 số cuối điện thoại quá nhiều lần cho hồ sơ này. "
            "Vui lòng thử lại sau một giờ."
        )
        if locked
        else _("Bạn tra cứu quá nhiều lần trong thời gian ngắn. Vui lòng thử lại sau một phút.")
    )
    response = render(request, "accounts/too_many.html", {"message": message}, status=429)
    response["Retry-After"] = "3600" if locked else "60"
    return response


@require_http_methods(["GET"])
@replica_reads
def lookup(request: HttpRequest) -> HttpResponse:
    if not request.GET.get("code"):
        return render(request, "portal/lookup.html", {"form": LookupForm()})
    if rate_limited("lookup", f"ip:{client_ip(request)}", lookup_rate()):
        return _too_many(request)
    form = LookupForm(request.GET)
    if not form.is_valid():
        return render(request, "portal/lookup.html", {"form": form}, status=400)
    code, verify = form.cleaned_data["code"], form.cleaned_data["verify"]
    dossier = lookup_find(code)
    if dossier is None:
        return render(
            request, "portal/lookup_not_found.html", {"form": form, "code": code}, status=404
        )
    verified = False
    verify_failed = False
    if verify:
        result = verify_check(dossier, verify)
        if result is VerifyResult.LOCKED:
            return _too_many(request, locked=True)
        verified = result is VerifyResult.OK
        verify_failed = not verified
    rating = Rating.objects.filter(dossier=dossier).first() if verified else None
    return render(
        request,
        "portal/lookup_result.html",
        {
            "form": form,
            "dossier": dossier,
            "verified": verified,
            "verify_failed": verify_failed,
            "verify": verify if verified else "",
            "timeline": public_timeline(dossier, detailed=False),
            "documents": dossier.documents if verified else [],
            "can_rate": verified and rating_allowed(dossier),
            "rating": rating,
            "rating_form": RatingForm(),
        },
    )


@require_http_methods(["POST"])
def lookup_rating(request: HttpRequest, code: str) -> HttpResponse:
    """Rate a returned dossier from the lookup page, proven by the phone digits."""
    if rate_limited("lookup", f"ip:{client_ip(request)}", lookup_rate()):
        return _too_many(request)
    dossier = lookup_find(code)
    verify = request.POST.get("verify", "")[:16]
    result = verify_check(dossier, verify) if dossier is not None else VerifyResult.WRONG
    if result is VerifyResult.LOCKED:
        return _too_many(request, locked=True)
    if dossier is None or result is not VerifyResult.OK:
        messages.error(request, _("4 số cuối điện thoại không khớp với hồ sơ."))
        return redirect(reverse("portal:lookup") + "?" + urlencode({"code": code}))
    back = reverse("portal:lookup") + "?" + urlencode({"code": code, "verify": verify})
    form = RatingForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "portal/citizen/rating.html",
            {
                "dossier": dossier,
                "form": form,
                "verify": verify,
                "action": reverse("portal:lookup_rating", args=[dossier.code]),
            },
            status=400,
        )
    try:
        rating_create(
            dossier=dossier,
            score=form.cleaned_data["score"],
            comment=form.cleaned_data["comment"],
            liked=form.cleaned_data.get("liked"),
            user=request.user,
            via_lookup=True,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Cảm ơn bạn đã đánh giá."))
    return redirect(back)
