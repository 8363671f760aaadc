"""Writes of the forms app: the PDF of a form is produced automatically at the action that
requires it (Circular 03/2025/TT-VPCP) and archived as an attachment of kind ``form``.

The PDF is made after the action commits (``transaction.on_commit``), so a failure to
render or store a form never undoes the legal action; the form can always be rendered
again from the history (``motcua.forms.documents.form_render``)."""

from __future__ import annotations

import io
import logging

from django.db import transaction

from motcua.dossiers.attachments import attachment_add
from motcua.dossiers.errors import DossierError
from motcua.dossiers.models import AttachmentKind, Dossier, DossierEvent
from motcua.forms.documents import FormNotReached, form_filename, form_render
from motcua.forms.selectors import ACTION_FORMS, dossier_events

logger = logging.getLogger(__name__)


def form_for_event(dossier: Dossier, event: DossierEvent) -> str | None:
    """Which form an event produces: 01 at reception, 02–05 at their actions."""
    if event.action == "intake" and dossier.channel != "online":
        return "01"
    if event.action == "accept":
        return "01"
    return ACTION_FORMS.get(event.action)


def form_archive(*, dossier_id: int, number: str, seq: int) -> None:
    """Render the form for event ``seq`` and store it with the dossier's files (forms 03
    and 05 too: the system may file the form of the act that closed a dossier)."""
    try:
        dossier = Dossier.objects.select_related(
            "procedure", "procedure_version", "unit", "unit__parent"
        ).get(pk=dossier_id)
        pdf = form_render(dossier, number, dossier_events(dossier=dossier), seq=seq)
        attachment_add(
            dossier=dossier,
            actor=None,
            upload=io.BytesIO(pdf),
            name=form_filename(dossier, number),
            kind=AttachmentKind.FORM,
        )
    except (FormNotReached, DossierError, OSError, ValueError):
        # The legal action stands; the form is rendered on demand instead.
        logger.exception("form %s of dossier %s could not be archived", number, dossier_id)


def form_event_hook(dossier: Dossier, event: DossierEvent) -> None:
    """Registered with ``motcua.dossiers.hooks``: runs inside the action's transaction and
    only schedules the PDF for after the commit."""
    number = form_for_event(dossier, event)
    if number is None or dossier.import_key:
        # A replayed history (``motcua import-dossiers``) produced its papers long ago.
        return
    dossier_id, seq = dossier.pk, event.seq
    transaction.on_commit(lambda: form_archive(dossier_id=dossier_id, number=number, seq=seq))
