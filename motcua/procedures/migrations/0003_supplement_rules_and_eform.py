"""Supplement limits and the e-form declaration of a procedure (issue 13).

On SQLite adding a JSON column rebuilds the table, which drops the triggers that keep the
search index (0002) in step; they are put back and the index rebuilt."""

from django.db import migrations, models

from motcua.procedures.migrations import _search_triggers


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0002_search_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="procedure",
            name="eform",
            field=models.JSONField(
                blank=True, null=True, verbose_name="tờ khai điện tử (JSON Schema)"
            ),
        ),
        migrations.AddField(
            model_name="procedure",
            name="refuse_on_supplement_expiry",
            field=models.BooleanField(default=False, verbose_name="từ chối khi quá hạn bổ sung"),
        ),
        migrations.AddField(
            model_name="procedure",
            name="supplement_days",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="thời hạn bổ sung (ngày làm việc)"
            ),
        ),
        migrations.RunPython(_search_triggers.restore, migrations.RunPython.noop),
    ]
