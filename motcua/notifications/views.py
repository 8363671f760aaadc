"""The citizen's choice of how to hear about their dossiers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.notifications.models import ContactPreference


class PreferenceForm(forms.Form):
    email = forms.BooleanField(label=_("Nhận thông báo qua thư điện tử"), required=False)
    sms = forms.BooleanField(label=_("Nhận thông báo qua tin nhắn SMS"), required=False)


@login_required(login_url="accounts:login")
def preferences(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    current = ContactPreference.objects.filter(user=user).first()
    initial = {
        "email": current.email if current else True,
        "sms": current.sms if current else False,
    }
    form = PreferenceForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        ContactPreference.objects.update_or_create(
            user=user,
            defaults={
                "email": form.cleaned_data["email"],
                "sms": form.cleaned_data["sms"],
                "updated_at": timezone.now(),
            },
        )
        messages.success(request, _("Đã lưu cách nhận thông báo."))
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "sms_available": bool(settings.MOTCUA_SMS_PROVIDER)},
    )
