from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    name = "motcua.signing"
    label = "signing"
    verbose_name = _("Ký số kết quả và biểu mẫu")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from motcua.dossiers.attachments import register_open_check
        from motcua.dossiers.hooks import register_event_hook
        from motcua.dossiers.models import Attachment
        from motcua.outbox.scheduler import register_background, register_job
        from motcua.signing.services import (
            attachment_filed,
            signature_pending_check,
            signing_event_hook,
        )

        register_background("motcua.signing.services.attachment_sign")
        register_job(
            "signing-retry",
            "motcua.signing.services.signatures_retry",
            label="Ký lại kết quả và biểu mẫu chưa ký được",
            cron={"minute": 17},
            slot_format="%Y-%m-%dT%H",
        )
        register_event_hook(signing_event_hook, during_replay=False)
        register_open_check(signature_pending_check)
        post_save.connect(attachment_filed, sender=Attachment, dispatch_uid="signing-filed")
