"""The citizen's data store ("Kho dữ liệu của tôi", Circular 21/2023/TT-BTTTT group 8; the
citizen's store on the national portal): the electronic results of their resolved dossiers
and the documents they submitted before, each file once, for them to download and reuse
in a new online submission (docs/data-store.md).

Only the owner reads their store: it is selected by ``applicant_user`` in SQL, never by an
id alone. Officers see a stored file only inside a dossier in their scope, and every such
view is written to the personal-data access log (``core.services.personal_data_viewed``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from motcua.dossiers.models import Attachment, AttachmentKind, Status

RESULT_STATUSES = (Status.RESOLVED, Status.RETURNED)


def store_files(*, user: Any) -> QuerySet[Attachment]:
    """Every file of ``user``'s store, newest first: current results (not superseded by a
    correction) of their resolved or returned dossiers, and the documents and supplements
    they handed in (their reuses in later dossiers are not listed again)."""
    if not getattr(user, "is_authenticated", False):
        return Attachment.objects.none()
    results = Q(
        kind=AttachmentKind.RESULT,
        superseded_at__isnull=True,
        dossier__status__in=RESULT_STATUSES,
    )
    documents = Q(kind__in=[AttachmentKind.DOCUMENT, AttachmentKind.SUPPLEMENT], reused=False)
    return (
        Attachment.objects.filter(dossier__applicant_user=user)
        .filter(results | documents)
        .select_related("dossier__procedure")
        .order_by("-uploaded_at", "-id")
    )


def store_list(*, user: Any, limit: int = 500) -> list[Attachment]:
    """The store as shown: the same document (SHA-256) handed in to several dossiers is
    listed once, at its newest copy; a result is always listed as a result."""
    seen: set[tuple[bool, str]] = set()
    out: list[Attachment] = []
    for attachment in store_files(user=user)[: limit * 2]:
        key = (attachment.kind == AttachmentKind.RESULT, attachment.sha256)
        if key in seen:
            continue
        seen.add(key)
        out.append(attachment)
        if len(out) >= limit:
            break
    return out


def store_file_get(*, user: Any, attachment_id: int) -> Attachment | None:
    """One file of ``user``'s store, or None (someone else's file is not found)."""
    return store_files(user=user).filter(pk=attachment_id).first()
