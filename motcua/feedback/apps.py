from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "motcua.feedback"
    label = "feedback"
    verbose_name = _("Phản ánh, kiến nghị")

    def ready(self) -> None:
        # Indicators 5.1–5.4 of Decision 766 count this app's feedback.
        from motcua.feedback.national import national_feedback_counts
        from motcua.reports.national_indicators import register_feedback_source

        register_feedback_source(national_feedback_counts)

        from motcua.outbox.scheduler import register_job

        register_job(
            "feedback-reminders",
            "motcua.feedback.jobs.feedback_reminders",
            label="Nhắc hạn xử lý phản ánh, kiến nghị",
            cron={"hour": 7, "minute": 30},
            slot_format="%Y-%m-%d",
        )
