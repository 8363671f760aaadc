"""Pages of online payment: the sandbox gateway (THANH TOÁN THỬ NGHIỆM), the return page the
provider sends the citizen back to, and the provider's server-to-server callback."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from motcua.integrations.models import Payment, PaymentStatus
from motcua.integrations.payments import payment_provider
from motcua.integrations.payments.sandbox import SandboxProvider
from motcua.integrations.services import PaymentError, payment_settle


def _sandbox() -> SandboxProvider:
    provider = payment_provider()
    if not isinstance(provider, SandboxProvider):
        raise Http404  # the fake gateway exists only while the sandbox is the provider
    return provider


@login_required(login_url="accounts:login")
@require_http_methods(["GET", "POST"])
def sandbox_gateway(request: HttpRequest, reference: str) -> HttpResponse:
    provider = _sandbox()
    payment = get_object_or_404(
        Payment.objects.select_related("dossier"),
        reference=reference,
        provider=provider.name,
        user=request.user,
    )
    if request.method == "POST" and payment.status == PaymentStatus.PENDING:
        params = provider.answer(
            reference=payment.reference, amount=payment.amount, paid="pay" in request.POST
        )
        return redirect(provider.return_url(params))
    return render(request, "portal/citizen/sandbox_gateway.html", {"payment": payment})


@require_http_methods(["GET"])
def payment_return(request: HttpRequest) -> HttpResponse:
    params = {k: str(v) for k, v in request.GET.items()}
    try:
        payment = payment_settle(params=params, source="return")
    except PaymentError as exc:
        return render(
            request, "portal/citizen/payment_failed.html", {"message": exc.message}, status=400
        )
    code = payment.dossier.code
    if payment.status == PaymentStatus.PENDING:
        messages.info(
            request,
            _(
                "Nền tảng thanh toán chưa xác nhận giao dịch; "
                "hồ sơ sẽ được cập nhật khi có kết quả."
            ),
        )
    elif payment.status == PaymentStatus.PAID:
        messages.success(request, _("Thanh toán thành công. Hồ sơ tiếp tục được xử lý."))
    else:
        messages.warning(request, _("Bạn đã hủy thanh toán; có thể thanh toán lại bất cứ lúc nào."))
    return redirect("portal:my_dossier", code=code)


@csrf_exempt  # the provider's server calls this; its signature is the proof, not a cookie
@require_http_methods(["POST"])
def payment_callback(request: HttpRequest, provider: str) -> JsonResponse:
    active = payment_provider()
    if active.name != provider:
        raise Http404
    params = _callback_params(request)
    if params is None:
        return JsonResponse(
            {"ok": False, "detail": _("Nội dung thông báo không hợp lệ (cần form hoặc JSON).")},
            status=400,
        )
    try:
        payment = payment_settle(params=params, provider=active, source="callback")
    except PaymentError as exc:
        # A forged MAC, another merchant, an unknown order: refused, nothing changed.
        return JsonResponse({"ok": False, "detail": exc.message}, status=400)
    # A repeated or late callback is answered as a success: the platform stops resending.
    return JsonResponse({"ok": True, "status": payment.status})


def _callback_params(request: HttpRequest) -> dict[str, str] | None:
    """The callback's fields: form-encoded, or a JSON object of strings and numbers."""
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"null")
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(body, dict) or len(body) > 50:
            return None
        if not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in body.values()):
            return None
        return {str(k): str(v) for k, v in body.items()}
    return {k: str(v) for k, v in request.POST.items()}
