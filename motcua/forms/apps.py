from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FormsConfig(AppConfig):
    name = "motcua.forms"
    label = "officialforms"
    verbose_name = _("Biểu mẫu theo Thông tư 03/2025/TT-VPCP")

    def ready(self) -> None:
        from motcua.dossiers.hooks import register_event_hook
        from motcua.forms.services import form_event_hook

        register_event_hook(form_event_hook)

        from motcua.outbox.scheduler import register_background

        register_background("motcua.forms.services.form_archive")
