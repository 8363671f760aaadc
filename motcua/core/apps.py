from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "motcua.core"
    label = "core"
    verbose_name = _("Hệ thống")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from motcua.core.collation import register_sqlite_collation

        connection_created.connect(register_sqlite_collation, dispatch_uid="motcua-vi-collation")
