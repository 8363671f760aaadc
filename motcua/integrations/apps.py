from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "motcua.integrations"
    label = "integrations"
    verbose_name = _("Kết nối hệ thống ngoài")

    def ready(self) -> None:
        # The national portal (issue 14): the dossier event hook and the outbox channel.
        from motcua.integrations.dvcqg.sync import register

        register()
