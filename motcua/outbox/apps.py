from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "motcua.outbox"
    verbose_name = _("Việc nền và hàng đợi gửi đi")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from motcua.outbox.scheduler import register_background, register_job

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
        # Jobs of issue 13's rules (their functions live in their apps).
        register_job(
            "supplement-expiry",
            "motcua.dossiers.jobs.supplement_expiry",
            label="Hồ sơ quá hạn bổ sung: từ chối hoặc báo một cửa và lãnh đạo",
            cron={"minute": "*/15"},
        )
        register_job(
            "feedback-reminders",
            "motcua.feedback.jobs.feedback_reminders",
            label="Nhắc hạn xử lý phản ánh, kiến nghị",
            cron={"hour": 7, "minute": 30},
            slot_format="%Y-%m-%d",
        )
        # Issue 11: expired rate-limit and lockout counters.
        register_job(
            "purge-counters",
            "motcua.core.jobs.purge_counters",
            label="Xóa bộ đếm giới hạn truy cập đã hết hạn",
            cron={"hour": 3, "minute": 20},
            slot_format="%Y-%m-%d",
        )
        register_background("motcua.forms.services.form_archive")
