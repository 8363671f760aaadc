from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "motcua.notifications"
    label = "notifications"
    verbose_name = _("Thông báo")

    def ready(self) -> None:
        from django.conf import settings

        from motcua.dossiers.hooks import register_event_hook
        from motcua.notifications.mail import email_deliver
        from motcua.notifications.services import notify_event_hook
        from motcua.notifications.sms import sms_deliver
        from motcua.outbox.channels import register_channel
        from motcua.outbox.scheduler import register_job

        register_channel(
            "email",
            email_deliver,
            label="Thư điện tử",
            max_attempts=settings.MOTCUA_EMAIL_MAX_ATTEMPTS,
        )
        register_channel(
            "sms", sms_deliver, label="Tin nhắn SMS", max_attempts=settings.MOTCUA_SMS_MAX_ATTEMPTS
        )
        register_event_hook(notify_event_hook, during_replay=False)
        hour, minute = settings.MOTCUA_REMINDER_TIME.split(":")
        register_job(
            "reminders",
            "motcua.notifications.jobs.reminders_send",
            label="Nhắc việc hằng ngày (cán bộ, lãnh đạo)",
            cron={"day_of_week": "mon-sun", "hour": int(hour), "minute": int(minute)},
            slot_format="%Y-%m-%d",
        )
        post_migrate.connect(_copy_default_templates, sender=self)


def _copy_default_templates(**kwargs: object) -> None:
    """Give administrators every built-in template as an editable row (once)."""
    from motcua.notifications.defaults import EMAIL, SMS
    from motcua.notifications.models import NotificationTemplate

    for key, (subject, body) in EMAIL.items():
        NotificationTemplate.objects.get_or_create(
            key=key, channel="email", defaults={"subject": subject, "body": body}
        )
    for key, body in SMS.items():
        NotificationTemplate.objects.get_or_create(key=key, channel="sms", defaults={"body": body})
