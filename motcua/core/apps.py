from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "motcua.core"
    label = "core"
    verbose_name = _("Hệ thống")

    def ready(self) -> None:
        from django.contrib import admin

        from motcua.core import logfilters, signals, signin

        # The admin has no sign-in of its own: one policy for every door (CONTRACT.md §2).
        admin.site.login = signin.admin_login  # type: ignore[method-assign]
        admin.site.has_permission = signin.admin_has_permission  # type: ignore[method-assign]
        del signals
        logfilters.install()
        _strict_strings()

        from django.db.backends.signals import connection_created

        from motcua.core.collation import register_sqlite_collation

        connection_created.connect(register_sqlite_collation, dispatch_uid="motcua-vi-collation")

        from motcua.outbox.scheduler import register_job

        # Expired rate-limit and lockout counters.
        register_job(
            "purge-counters",
            "motcua.core.jobs.purge_counters",
            label="Xóa bộ đếm giới hạn truy cập đã hết hạn",
            cron={"hour": 3, "minute": 20},
            slot_format="%Y-%m-%d",
        )


def _strict_strings() -> None:
    """A JSON string field takes a JSON string: DRF's CharField would turn ``0`` or ``true``
    into ``"0"`` or ``"True"``, which the schema (type string) says is refused."""
    from rest_framework import fields

    original = fields.CharField.to_internal_value
    if getattr(original, "_motcua_strict", False):
        return

    def to_internal_value(self: fields.CharField, data: object) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return original(self, data)

    to_internal_value._motcua_strict = True  # type: ignore[attr-defined]
    fields.CharField.to_internal_value = to_internal_value  # type: ignore[method-assign,assignment]
