"""The ``vi_icu`` collation (ICU, Vietnamese) that ``motcua.core.collation.vi_order`` uses.

PostgreSQL: ``CREATE COLLATION`` with the ICU provider (PostgreSQL 10+ built with ICU, as
every packaged PostgreSQL is). SQLite: nothing to create in the database, the collation is
registered on each connection by ``motcua.core.apps``.
"""

from django.db import migrations

CREATE = (
    'CREATE COLLATION IF NOT EXISTS "vi_icu" '
    "(provider = icu, locale = 'vi-VN', deterministic = true)"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('DROP COLLATION IF EXISTS "vi_icu"')


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
