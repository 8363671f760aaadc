"""A covering index for the report scans: a year of monthly rows (or all yearly rows) is
then read from contiguous index pages instead of one heap page per row."""

from __future__ import annotations

from typing import Any

from django.db import migrations

KEY = "grain, day, unit_id, procedure_id, officer"
VALUES = (
    "field_id, received_online, received_counter, received_postal, resolved_early, "
    "resolved_on_time, resolved_late, refused, withdrawn, stopped, returned, paid, paid_online, "
    "open, in_progress, overdue, paused_supplement, paused_payment"
)
NAME = "reports_statdelta_covering"


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        sql = f"CREATE INDEX {NAME} ON reports_statdelta ({KEY}) INCLUDE ({VALUES})"
    else:
        sql = f"CREATE INDEX {NAME} ON reports_statdelta ({KEY}, {VALUES})"
    schema_editor.execute(sql)


def drop(apps: Any, schema_editor: Any) -> None:
    schema_editor.execute(f"DROP INDEX {NAME}")


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
