from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    name = "motcua.procedures"
    label = "procedures"
    verbose_name = _("Danh mục thủ tục hành chính")

    def ready(self) -> None:
        from motcua.outbox.scheduler import register_job

        # How often each procedure is used, for the search ranking.
        register_job(
            "refresh-popularity",
            "motcua.procedures.jobs.procedure_popularity_refresh",
            label="Đếm số hồ sơ mỗi thủ tục trong năm qua (xếp hạng tìm kiếm)",
            cron={"hour": 0, "minute": 45},
            slot_format="%Y-%m-%d",
        )
