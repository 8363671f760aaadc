"""Writes of the catalogue: every change of a procedure ends in ``procedure_publish``."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone

from motcua.core.services import audit_record
from motcua.procedures.models import Procedure, ProcedureVersion
from motcua.procedures.records import digest, procedure_record
from motcua.procedures.selectors import procedure_detail_queryset, search_documents_for


@transaction.atomic
def procedure_publish(
    *, procedure: Procedure, actor: User | AnonymousUser | None = None
) -> ProcedureVersion:
    """Refresh the search text and snapshot the procedure as a new version when its record
    changed; an unchanged record keeps its current version (so re-imports are no-ops)."""
    fresh = procedure_detail_queryset().get(pk=procedure.pk)
    record = procedure_record(fresh)
    record_digest = digest(record)
    latest = fresh.versions.order_by("-number").first()
    if latest is not None and latest.digest == record_digest:
        return latest
    search_name, search_text = search_documents_for(fresh)
    Procedure.objects.filter(pk=procedure.pk).update(
        search_name=search_name, search_text=search_text, updated_at=timezone.now()
    )
    version = ProcedureVersion.objects.create(
        procedure=fresh,
        number=(latest.number + 1) if latest else 1,
        record=record,
        digest=record_digest,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit_record(
        actor=actor,
        action="procedure.version",
        target=f"procedure:{procedure.code}",
        data={"version": version.number},
    )
    return version
