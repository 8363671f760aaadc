"""Writes of the forms app: the PDF of a form is produced at the action that requires it
(Circular 03/2025/TT-VPCP) and filed with the dossier as an attachment of kind ``form``.

The PDF is drawn by a background task after the action commits (CONTRACT.md §7), never
inside the officer's request. A form asked for before the worker made it is made on the
spot and filed then; either way it is filed once per event (``IssuedForm``), with its
SHA-256, and every later download is that same file. Filing queues its signature; the file
is served once signed (the signed copy replaces the filed one), not before.
"""

from __future__ import annotations

import io
import logging

from django.db import IntegrityError, transaction

from motcua.dossiers.attachments import attachment_add, attachment_open
from motcua.dossiers.errors import DossierError
from motcua.dossiers.models import AttachmentKind, Dossier, DossierEvent
from motcua.forms.documents import FormNotReached, form_filename, form_render
from motcua.forms.models import IssuedForm
from motcua.forms.selectors import ACTION_FORMS, dossier_events, form_event

logger = logging.getLogger(__name__)

# Form 06 follows the whole history: it is drawn when asked for, never filed.
LIVE_FORMS = {"06"}


def form_for_event(dossier: Dossier, event: DossierEvent) -> str | None:
    """Which form an event produces: 01 at reception, 02–05 at their actions."""
    if event.action == "intake" and dossier.channel != "online":
        return "01"
    if event.action == "accept":
        return "01"
    return ACTION_FORMS.get(event.action)


def _dossier(dossier_id: int) -> Dossier:
    return Dossier.objects.select_related(
        "procedure", "procedure_version", "unit", "unit__parent"
    ).get(pk=dossier_id)


def form_issue(*, dossier: Dossier, number: str, seq: int | None = None) -> tuple[bytes, bool]:
    """The PDF of form ``number`` for event ``seq`` (default: the latest that made it):
    the filed copy, drawn and filed now when the worker has not yet. Returns (pdf, drawn_now).
    Raises ``FormNotReached`` when the dossier never reached that form, and
    ``SignaturePending`` while a worker signs the filed copy (it is never served unsigned
    when it is to be signed; see ``signing.services.signature_pending_check``)."""
    events = dossier_events(dossier=dossier)
    event = form_event(dossier, number, events, seq)
    if event is None:
        raise FormNotReached(number)
    if number in LIVE_FORMS:
        return form_render(dossier, number, events, seq=event.seq), True
    issued, drawn = _filed(dossier, number, event.seq, events)
    if isinstance(issued, bytes):
        # The dossier takes no more files (size limit): the form is still given, unfiled.
        return issued, True
    # The filed copy, checked against its SHA-256 (AttachmentUnreadable when changed); signed
    # already when the signer was quick.
    issued.attachment.refresh_from_db()
    with attachment_open(issued.attachment) as handle:
        return handle.read(), drawn


def _filed(
    dossier: Dossier, number: str, seq: int, events: list[DossierEvent]
) -> tuple[IssuedForm | bytes, bool]:
    """The filed form of event ``seq``, drawn and filed now when there is none yet (its
    signing is queued when it is filed). Returns (issued form, drawn now); the drawn PDF
    itself when the dossier takes no more files."""
    issued = (
        IssuedForm.objects.select_related("attachment")
        .filter(dossier=dossier, number=number, seq=seq)
        .first()
    )
    if issued is not None:
        return issued, False
    pdf = form_render(dossier, number, events, seq=seq)
    try:
        with transaction.atomic():
            attachment = attachment_add(
                dossier=dossier,
                actor=None,
                upload=io.BytesIO(pdf),
                name=form_filename(dossier, number),
                kind=AttachmentKind.FORM,
            )
            issued = IssuedForm.objects.create(
                dossier=dossier, number=number, seq=seq, attachment=attachment
            )
    except IntegrityError:
        # Another process filed it a moment ago: that copy stands, ours is dropped.
        return (
            IssuedForm.objects.select_related("attachment").get(
                dossier=dossier, number=number, seq=seq
            ),
            False,
        )
    except (DossierError, OSError) as exc:
        logger.warning(
            "form %s of dossier %s drawn but not filed: %s %s",
            number, dossier.pk, type(exc).__name__, exc,
        )  # fmt: skip
        return pdf, True
    return issued, True


def form_archive(*, dossier_id: int, number: str, seq: int) -> None:
    """The background task: draw and file the form of event ``seq`` (forms 03 and 05 too:
    the system files the form of the act that closed a dossier)."""
    try:
        dossier = _dossier(dossier_id)
    except Dossier.DoesNotExist:
        logger.warning("form %s of dossier %s: no such dossier", number, dossier_id)
        return
    events = dossier_events(dossier=dossier)
    event = form_event(dossier, number, events, seq)
    try:
        if event is None:
            raise FormNotReached(number)
        _filed(dossier, number, event.seq, events)
    except FormNotReached:
        logger.warning("form %s of dossier %s not reached", number, dossier_id)


def form_event_hook(dossier: Dossier, event: DossierEvent) -> None:
    """Registered with ``motcua.dossiers.hooks``: runs inside the action's transaction and
    only queues the PDF for a worker, after the commit."""
    from motcua.outbox.scheduler import background_call

    number = form_for_event(dossier, event)
    if number is None or dossier.import_key:
        # A replayed history (``motcua import-dossiers``) produced its papers long ago.
        return
    background_call(
        "motcua.forms.services.form_archive", dossier_id=dossier.pk, number=number, seq=event.seq
    )
