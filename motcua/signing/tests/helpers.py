"""Dossiers with a signed form and a signed result, built through the services."""

from __future__ import annotations

import io
from typing import Any

from motcua.dossiers import services as s
from motcua.dossiers.attachments import attachment_add
from motcua.dossiers.models import Attachment, AttachmentKind, Dossier
from motcua.dossiers.tests.conftest import APPLICANT, Province
from motcua.dossiers.tests.files import pdf_bytes
from motcua.signing.services import certificate_add
from motcua.signing.tests.pki import PASSWORD, TestPKI


def add_unit_certificate(province: Province, pki: TestPKI, label: str = "unit") -> Any:
    return certificate_add(unit=province.commune, p12=pki.p12(label), password=PASSWORD.decode())


def name_leader(province: Province) -> None:
    from motcua.units.models import StaffProfile

    leader = province.users["leader"]
    StaffProfile.objects.update_or_create(
        user=leader, defaults={"full_name": "Lê Văn Cường", "title": "Phó Chủ tịch UBND xã"}
    )


def resolved_with_result(province: Province, capture: Any) -> tuple[Dossier, Attachment]:
    """A birth registration received at the counter, resolved by the commune's leader with
    a PDF result; every background task run after each commit (``capture``)."""
    u = province.users
    with capture(execute=True):
        d, _ = s.dossier_intake(
            actor=u["desk"],
            procedure=province.procedure("1.001193"),
            unit=province.commune,
            channel="counter",
            applicant=APPLICANT,
        )
    with capture(execute=True):
        d = s.dossier_forward(dossier=d, actor=u["desk"])
        d = s.dossier_forward(dossier=d, actor=u["specialist"])
        result = attachment_add(
            dossier=d,
            actor=u["leader"],
            upload=io.BytesIO(pdf_bytes("Giay khai sinh")),
            name="giay-khai-sinh.pdf",
            kind=AttachmentKind.RESULT,
        )
    with capture(execute=True):
        d = s.dossier_resolve(dossier=d, actor=u["leader"])
    result.refresh_from_db()
    return d, result
