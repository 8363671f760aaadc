from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FormsConfig(AppConfig):
    name = "motcua.forms"
    label = "officialforms"
    verbose_name = _("Biểu mẫu theo Thông tư 03/2025/TT-VPCP")
