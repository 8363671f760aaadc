"""What the national portal integration feeds to the Decision 766 indicators: 1.4 (dossiers
received in the period and synchronised to DVCQG) and 4.5 (received in the period from a
VNeID-verified account on the national portal). Counted as of the period's end: a dossier
first synchronised after the period does not change that period."""

from __future__ import annotations

from django.db.models import QuerySet

from motcua.dossiers.models import Dossier
from motcua.reports.national_indicators import Scope


def _received(scope: Scope) -> QuerySet[Dossier]:
    qs = Dossier.objects.filter(received_at__gte=scope.start, received_at__lt=scope.end)
    if scope.unit_ids is not None:
        qs = qs.filter(unit_id__in=scope.unit_ids)
    if scope.procedure_id is not None:
        qs = qs.filter(procedure_id=scope.procedure_id)
    if scope.field_id is not None:
        qs = qs.filter(procedure__field_id=scope.field_id)
    return qs


def synced_count(scope: Scope) -> int:
    return _received(scope).filter(national_sync__first_synced_at__lt=scope.end).count()


def vneid_count(scope: Scope) -> int:
    return _received(scope).filter(national_sync__vneid_verified=True).count()


def register() -> None:
    from motcua.reports.national_indicators import register_count_source

    register_count_source("1.4", synced_count)
    register_count_source("4.5", vneid_count)
