from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def seed_calendar(sender: AppConfig, *, using: str = "default", **kwargs: Any) -> None:
    """Seed this year and the next two from the ``holidays`` package after every migrate.

    A post_migrate handler rather than a data migration: a migration runs once, in the
    year it is applied, while this keeps a long-running install seeded as years pass
    (each upgrade migrates) and refills a test database after a flush. Idempotent; rows
    set by administrators are never touched.
    """
    from django.db import connections

    from motcua.calendars.models import CalendarDay
    from motcua.calendars.selectors import local_now
    from motcua.calendars.services import calendar_seed_from_package

    connection = connections[using]
    if CalendarDay._meta.db_table not in connection.introspection.table_names():
        return  # migrated to a state before this app's tables
    year = local_now().year
    calendar_seed_from_package(years=range(year, year + 3))


class CalendarsConfig(AppConfig):
    name = "motcua.calendars"
    label = "calendars"
    verbose_name = _("Lịch làm việc")

    def ready(self) -> None:
        post_migrate.connect(seed_calendar, sender=self, dispatch_uid="motcua.calendars.seed")
