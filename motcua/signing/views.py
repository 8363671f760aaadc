"""The public verification page (``/xac-thuc/``): upload a PDF, or open the link of the QR
code printed on a result (``/xac-thuc/<token>/``, or the file's SHA-256). It shows whether
the signature is valid, the signer, the time, and — for a file MotCua issued — the dossier
code and the unit; never anything personal."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from motcua.core.ratelimit import client_ip, rate_limited
from motcua.signing.api import max_verify_bytes
from motcua.signing.models import Signature, SignatureStatus
from motcua.signing.verification import pdf_verify

SHA256 = re.compile(r"^[0-9a-f]{64}$")


class VerifyForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp PDF cần xác thực"))


def _record(key: str | None) -> Signature | None:
    if not key:
        return None
    signatures = Signature.objects.select_related("dossier", "unit").filter(
        status=SignatureStatus.SIGNED
    )
    if SHA256.match(key):
        return signatures.filter(sha256=key).first()
    return signatures.filter(token=key).first()


@require_http_methods(["GET", "POST"])
def verify_page(request: HttpRequest, key: str | None = None) -> HttpResponse:
    record = _record(key)
    context: dict[str, object] = {
        "key": key,
        "record": record,
        "max_mb": settings.MOTCUA_VERIFY_MAX_MB,
    }
    status = 200 if key is None or record is not None else 404
    form = VerifyForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if rate_limited("verify-page", client_ip(request), settings.MOTCUA_VERIFY_RATE):
            return render(request, "feedback/too_many.html", status=429)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > max_verify_bytes():
                form.add_error(
                    "file", _("Tệp lớn hơn %(mb)s MB.") % {"mb": settings.MOTCUA_VERIFY_MAX_MB}
                )
            else:
                verdict = pdf_verify(upload.read(max_verify_bytes() + 1))
                context["verdict"] = verdict
                if record is not None:
                    context["same_file"] = verdict.sha256 == record.sha256
        status = 400 if form.errors else status
    context["form"] = form
    return render(request, "signing/verify.html", context, status=status)
