"""The Decision 766 numerators the national portal integration holds, registered with
``reports.national_indicators`` (reference/766-indicators.md): 1.4 synchronised to the
portal, 4.3 a document reused from earlier digitised data, 4.4 a document taken from the
national data store, 4.5 an applicant signed in with VNeID (or filled in from the
population database). Each counts dossiers received in the period, in the scope's units,
field and procedure.

4.3 and 4.4 read the flags stored on each attachment (``Attachment.reused``,
``from_national_store``): set by a reuse from the citizen's data store in MotCua, or sent by
the national portal with an inbound file (DuocTaiSuDung, DuocLayTuKhoDMQG)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from motcua.integrations.dvcqg.models import NationalSync

if TYPE_CHECKING:
    from motcua.reports.national_indicators import Scope


def _received(scope: Scope) -> Any:
    rows = NationalSync.objects.filter(
        dossier__received_at__gte=scope.start, dossier__received_at__lt=scope.end
    )
    return scope.narrow(rows, "dossier__")


def synced_count(scope: Scope) -> int | None:
    """1.4: received in the period and accepted by the portal (``first_synced_at``). None
    (N/A) while the sync is off and has never delivered anything: a system not yet connected
    has no share to report, and 3.3 is then not multiplied by a 0 it did not earn."""
    from motcua.integrations.dvcqg.sync import sync_enabled

    if (
        not sync_enabled()
        and not NationalSync.objects.filter(first_synced_at__isnull=False).exists()
    ):
        return None
    return int(_received(scope).filter(first_synced_at__isnull=False).count())


def _with_file_flag(scope: Scope, flag: str) -> int:
    """Dossiers received in the period with at least one submitted file carrying ``flag``."""
    from motcua.dossiers.models import Attachment, AttachmentKind, Dossier

    flagged = Attachment.objects.filter(
        kind__in=[AttachmentKind.DOCUMENT, AttachmentKind.SUPPLEMENT], **{flag: True}
    ).values("dossier_id")
    rows = Dossier.objects.filter(
        received_at__gte=scope.start, received_at__lt=scope.end, pk__in=flagged
    )
    rows = scope.narrow(rows)
    return int(rows.count())


def reused_count(scope: Scope) -> int:
    """4.3: a submitted document reused from earlier digitised data (DuocTaiSuDung)."""
    return _with_file_flag(scope, "reused")


def data_store_count(scope: Scope) -> int:
    """4.4: a submitted document taken from the national data store (DuocLayTuKhoDMQG)."""
    return _with_file_flag(scope, "from_national_store")


def vneid_count(scope: Scope) -> int:
    """4.5: the applicant signed in with a VNeID-verified account, or the desk filled the
    applicant in from the national population database (a found lookup named the dossier,
    motcua.integrations.population)."""
    from django.db.models import Q

    from motcua.dossiers.models import Dossier
    from motcua.integrations.population.models import Outcome, PopulationQuery

    rows = Dossier.objects.filter(received_at__gte=scope.start, received_at__lt=scope.end)
    rows = scope.narrow(rows)
    prefilled = PopulationQuery.objects.filter(outcome=Outcome.FOUND).exclude(dossier_code="")
    return int(
        rows.filter(
            Q(national_sync__vneid_verified=True) | Q(code__in=prefilled.values("dossier_code"))
        ).count()
    )


def register() -> None:
    from motcua.reports.national_indicators import register_count_source

    register_count_source("1.4", synced_count)
    register_count_source("4.3", reused_count)
    register_count_source("4.4", data_store_count)
    register_count_source("4.5", vneid_count)
