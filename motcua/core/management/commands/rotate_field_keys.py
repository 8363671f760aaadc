"""Re-encrypt every encrypted field with the first key of ``MOTCUA_FIELD_KEYS`` (and the
current ``MOTCUA_SECRET_KEY``) and recompute the keyed hashes. Run it after putting the new
key name first (keeping the old ones after it, and the old secret key in
``MOTCUA_SECRET_KEY_FALLBACKS``); afterwards the old names can be dropped."""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from motcua.accounts.models import CitizenProfile
from motcua.dossiers.models import Dossier
from motcua.signing.models import SigningCertificate

TABLES: list[tuple[Any, list[str], dict[str, str]]] = [
    (
        Dossier,
        ["applicant_id_number", "applicant_phone", "applicant_address"],
        {"applicant_phone_hash": "applicant_phone", "applicant_id_hash": "applicant_id_number"},
    ),
    (CitizenProfile, ["id_number", "phone", "address"], {"phone_hash": "phone"}),
    # issue 16: the units' signing keys (docs/signing.md)
    (SigningCertificate, ["key_pem"], {}),
]


class Command(BaseCommand):
    help = "Re-encrypt personal data with the current first field key; recompute keyed hashes."

    def handle(self, *args: Any, **options: Any) -> None:
        from motcua.core.crypto import blind_index

        for model, fields, hashes in TABLES:
            done = 0
            batch: list[Any] = []
            rows = model.objects.order_by("pk").values_list("pk", *fields)
            for pk, *values in rows.iterator(chunk_size=2000):
                plain = dict(zip(fields, values, strict=True))
                if any(str(v).startswith("gAAAA") for v in values if v):
                    self.stderr.write(
                        f"{model.__name__} {pk}: a value could not be decrypted with any "
                        "listed key; left as it is"
                    )
                    continue
                row = model(pk=pk, **plain)
                for target, source in hashes.items():
                    setattr(row, target, blind_index(plain[source] or ""))
                batch.append(row)
                if len(batch) >= 2000:
                    with transaction.atomic():
                        model.objects.bulk_update(batch, [*fields, *hashes])
                    done += len(batch)
                    batch = []
            if batch:
                with transaction.atomic():
                    model.objects.bulk_update(batch, [*fields, *hashes])
                done += len(batch)
            self.stdout.write(f"{model.__name__}: {done} rows re-encrypted")
