"""Forms of the public feedback pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.feedback.models import Category


class FeedbackForm(forms.Form):
    # The service checks every field and answers in Vietnamese, all at once; the form only
    # carries them (so a missing content and a wrong dossier code show together).
    category = forms.ChoiceField(
        label=_("Nhóm phản ánh, kiến nghị"),
        choices=Category.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    content = forms.CharField(
        label=_("Nội dung"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Nêu rõ sự việc, thời gian, địa điểm và đề xuất của bạn."),
    )
    name = forms.CharField(label=_("Họ và tên"), max_length=255, required=False)
    phone = forms.CharField(
        label=_("Điện thoại"),
        max_length=20,
        required=False,
        help_text=_("Điện thoại hoặc thư điện tử để nhận trả lời."),
    )
    email = forms.CharField(label=_("Thư điện tử"), max_length=254, required=False)
    dossier_code = forms.CharField(
        label=_("Mã hồ sơ liên quan (nếu có)"), max_length=48, required=False
    )
    reopens = forms.CharField(widget=forms.HiddenInput, required=False, max_length=24)


class InfoForm(forms.Form):
    verify = forms.CharField(
        label=_("4 số cuối điện thoại (hoặc thư điện tử) đã để lại"), max_length=254
    )
    reply = forms.CharField(
        label=_("Thông tin bổ sung"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class LookupForm(forms.Form):
    code = forms.CharField(label=_("Mã phản ánh"), max_length=24)
