from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "motcua.reports"
    label = "reports"
    verbose_name = _("Thống kê, báo cáo")

    def ready(self) -> None:
        from motcua.dossiers.hooks import register_event_hook
        from motcua.reports.summary import on_dossier_event_stats, stats_add_replayed

        # A batch of an imported history is summed from the stored histories at once.
        register_event_hook(on_dossier_event_stats, batched=stats_add_replayed)
