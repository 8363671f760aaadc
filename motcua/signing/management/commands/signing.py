"""``motcua signing add-certificate UNIT_CODE FILE.p12`` (CONTRACT.md §1): the unit's
signing certificate, the password of the file from ``MOTCUA_P12_PASSWORD``. Also
``list`` (the certificates on record), ``demo-ca`` (the labelled demo CA and certificates
for every unit without one) and ``retry`` (sign again what failed)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from motcua.signing.models import SigningCertificate
from motcua.signing.services import CertificateRefused, certificate_add, signatures_retry
from motcua.units.models import Unit

MAX_P12_BYTES = 1024 * 1024


class Command(BaseCommand):
    help = "Signing certificates of the units: add-certificate, list, demo-ca, retry."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        add = sub.add_parser(
            "add-certificate",
            help="add a unit's certificate from a PKCS#12 file (password: MOTCUA_P12_PASSWORD)",
        )
        add.add_argument("unit_code")
        add.add_argument("file")
        sub.add_parser("list", help="the certificates on record")
        sub.add_parser("demo-ca", help="DEMO ONLY: a test CA and a certificate for every unit")
        sub.add_parser("retry", help="queue again the forms and results not signed yet")

    def handle(self, *args: Any, **options: Any) -> None:
        verb = options["verb"]
        if verb == "add-certificate":
            self._add(options["unit_code"], options["file"])
        elif verb == "list":
            for c in SigningCertificate.objects.select_related("unit").order_by("unit__code"):
                state = "active" if c.active else "inactive"
                self.stdout.write(
                    f"{c.unit.code}\t{state}\t{timezone.localtime(c.not_after):%Y-%m-%d}\t"
                    f"{c.subject}\t{c.fingerprint[:16]}"
                )
        elif verb == "demo-ca":
            from motcua.signing.demo import demo_certificates

            made = demo_certificates()
            self.stdout.write(f"demo certificates: {made} new")
        elif verb == "retry":
            self.stdout.write(f"queued: {signatures_retry()}")

    def _add(self, unit_code: str, file: str) -> None:
        unit = Unit.objects.filter(code=unit_code).first()
        if unit is None:
            raise CommandError(f"unknown unit {unit_code!r}")
        if "MOTCUA_P12_PASSWORD" not in os.environ:
            raise CommandError("set MOTCUA_P12_PASSWORD to the password of the PKCS#12 file")
        path = Path(file)
        try:
            if path.stat().st_size > MAX_P12_BYTES:
                raise CommandError(f"{file}: too large for a PKCS#12 file")
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from None
        try:
            record = certificate_add(
                unit=unit, p12=data, password=os.environ["MOTCUA_P12_PASSWORD"]
            )
        except CertificateRefused as exc:
            raise CommandError(f"{file}: {exc}") from None
        self.stdout.write(
            f"{unit.code}: {record.subject}, valid until "
            f"{timezone.localtime(record.not_after):%d/%m/%Y} (issuer: {record.issuer})"
        )
