from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "motcua.archive"
    label = "archive"
    verbose_name = _("Lưu trữ hồ sơ")

    def ready(self) -> None:
        # The weekly integrity re-check of exported packages (docs/archive.md).
        from motcua.outbox.scheduler import register_job

        register_job(
            "archive-recheck",
            "motcua.archive.jobs.archive_recheck",
            label="Kiểm tra lại tính toàn vẹn của gói lưu trữ",
            cron={"day_of_week": "sun", "hour": "3", "minute": "15"},
            slot_format="%G-W%V",
        )
