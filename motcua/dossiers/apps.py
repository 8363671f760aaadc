from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    label = "dossiers"
    verbose_name = _("Hồ sơ thủ tục hành chính")

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from motcua.dossiers.models import DossierParticipant, participant_created_at
        from motcua.outbox.scheduler import register_job

        pre_save.connect(
            participant_created_at, sender=DossierParticipant, dispatch_uid="participant-created"
        )

        register_job(
            "supplement-expiry",
            "motcua.dossiers.jobs.supplement_expiry",
            label="Hồ sơ quá hạn bổ sung: từ chối hoặc báo một cửa và lãnh đạo",
            cron={"minute": "*/15"},
        )
