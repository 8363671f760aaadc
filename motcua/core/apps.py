from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "motcua.core"
    label = "core"
    verbose_name = _("Hệ thống")

    def ready(self) -> None:
        from django.contrib import admin

        from motcua.core import signals, signin

        # The admin has no sign-in of its own: one policy for every door (CONTRACT.md §2).
        admin.site.login = signin.admin_login  # type: ignore[method-assign]
        admin.site.has_permission = signin.admin_has_permission  # type: ignore[method-assign]
        del signals
