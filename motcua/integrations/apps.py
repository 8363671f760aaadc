from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "motcua.integrations"
    label = "integrations"
    verbose_name = _("Kết nối hệ thống ngoài")

    def ready(self) -> None:
        # The national portal (issue 14): the dossier event hook and the outbox channel.
        from motcua.integrations.dvcqg.sync import register

        register()
        # The payment platform (issue 15): the e-receipt channel and the daily reconciliation.
        from motcua.integrations.payments.receipts import register as register_receipts
        from motcua.outbox.scheduler import register_job

        register_receipts()
        register_job(
            "payment_reconcile",
            "motcua.integrations.payments.reconcile.payment_reconcile_job",
            label="Đối soát giao dịch với nền tảng thanh toán",
            cron={"hour": "1", "minute": "15"},
            slot_format="%Y-%m-%d",
        )
