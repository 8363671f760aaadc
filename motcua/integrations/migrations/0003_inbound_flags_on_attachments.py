from django.db import migrations


def inbound_flags(apps, schema_editor):
    """The flags the national portal sent with each inbound file (DuocSoHoa, DuocTaiSuDung,
    DuocLayTuKhoDMQG), kept until now in ``NationalSync.inbound_files``, move onto the
    stored attachments that indicators 4.2–4.4 and the sync read."""
    NationalSync = apps.get_model("integrations", "NationalSync")
    Attachment = apps.get_model("dossiers", "Attachment")
    for sync in NationalSync.objects.exclude(inbound_files=[]).iterator():
        for entry in sync.inbound_files or []:
            pk = entry.get("attachment")
            if not isinstance(pk, int):
                continue
            Attachment.objects.filter(pk=pk, dossier_id=sync.dossier_id).update(
                digitised=bool(entry.get("digitised")),
                reused=bool(entry.get("reused")),
                from_national_store=bool(entry.get("from_store")),
            )


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0002_national_sync"),
        ("dossiers", "0005_digitisation_flags"),
    ]

    operations = [migrations.RunPython(inbound_flags, migrations.RunPython.noop)]
