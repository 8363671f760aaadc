"""Messages to applicants when their dossier moves. Called after the transaction commits,
so a failed delivery never undoes an action; failures are logged without personal data."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from motcua.procedures.records import record_processing_days

logger = logging.getLogger(__name__)

# The actions the applicant is told about by e-mail.
NOTIFIED_ACTIONS = {
    "intake",
    "accept",
    "refuse",
    "request-supplement",
    "request-payment",
    "extend",
    "stop",
    "resolve",
    "return",
    "withdraw",
}


def notify_applicant(*, dossier_id: int, action: str) -> bool:
    """E-mail the applicant about an action on their dossier, when they gave an address."""
    from motcua.dossiers.models import Dossier

    if action not in NOTIFIED_ACTIONS:
        return False
    dossier = (
        Dossier.objects.select_related("procedure", "unit", "procedure_version")
        .filter(pk=dossier_id)
        .first()
    )
    if dossier is None or not dossier.applicant_email:
        return False
    last = dossier.events.order_by("-seq").first()
    days = record_processing_days(dossier.procedure_version.record, dossier.case_code)
    context = {
        "processing_days": days,
        "dossier": dossier,
        "event": last,
        "action": action,
        "lookup_url": f"{settings.SITE_URL}/tra-cuu/?code={dossier.code}",
    }
    subject = f"[MotCua] Hồ sơ {dossier.code}: {dossier.get_status_display()}"
    body = render_to_string("notifications/dossier_update.txt", context)
    try:
        send_mail(subject, body, None, [dossier.applicant_email])
    except OSError:
        logger.warning("mail to the applicant of dossier %s failed", dossier.code)
        return False
    return True
