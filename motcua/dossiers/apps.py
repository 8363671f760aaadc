from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    label = "dossiers"
    verbose_name = _("Hồ sơ thủ tục hành chính")

    def ready(self) -> None:
        from motcua.outbox.scheduler import register_job

        register_job(
            "supplement-expiry",
            "motcua.dossiers.jobs.supplement_expiry",
            label="Hồ sơ quá hạn bổ sung: từ chối hoặc báo một cửa và lãnh đạo",
            cron={"minute": "*/15"},
        )
