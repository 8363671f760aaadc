from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "motcua.outbox"
    verbose_name = _("Việc nền và hàng đợi gửi đi")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The outbox's own jobs; every other app registers its jobs in its own ``ready``.
        from motcua.outbox.scheduler import register_job

        register_job(
            "outbox-sweep",
            "motcua.outbox.jobs.outbox_sweep",
            label="Gửi lại tin bị kẹt trong hàng đợi",
            cron={"minute": "*"},
        )
        register_job(
            "clean-uploads",
            "motcua.outbox.jobs.uploads_clean",
            label="Xóa tệp của hồ sơ trực tuyến bỏ dở",
            cron={"hour": 2, "minute": 30},
            slot_format="%Y-%m-%d",
        )
        register_job(
            "prune-tasks",
            "motcua.outbox.jobs.tasks_prune",
            label="Dọn kết quả việc nền cũ",
            cron={"hour": 3, "minute": 0},
            slot_format="%Y-%m-%d",
        )
        register_job(
            "check-stats",
            "motcua.outbox.jobs.stats_check",
            label="Đối chiếu số liệu thống kê với tính lại từ lịch sử",
            cron={"hour": 1, "minute": 15},
            slot_format="%Y-%m-%d",
        )
