from django.db import migrations, models


def copy_created_at(apps, schema_editor):
    """Each participant takes its dossier's ``created_at`` (one statement, any size)."""
    schema_editor.execute(
        "UPDATE dossiers_dossierparticipant SET created_at = ("
        "SELECT d.created_at FROM dossiers_dossier d "
        "WHERE d.id = dossiers_dossierparticipant.dossier_id)"
    )


class Migration(migrations.Migration):
    """The unit's newest dossiers from the participants' own index (docs/scale.md, "A unit's
    newest dossiers"); the new index also answers every lookup the old one did."""

    dependencies = [
        ("dossiers", "0007_scope_by_participants"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossierparticipant",
            name="created_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(copy_created_at, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="dossierparticipant",
            name="created_at",
            field=models.DateTimeField(),
        ),
        migrations.RemoveIndex(
            model_name="dossierparticipant",
            name="participant_unit_dossier",
        ),
        migrations.AddIndex(
            model_name="dossierparticipant",
            index=models.Index(
                fields=["unit", "-created_at", "-dossier"], name="participant_unit_newest"
            ),
        ),
    ]
