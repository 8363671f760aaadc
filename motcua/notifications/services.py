"""Messages to applicants when their dossier moves, and reminders to officers.

Each message is rendered from an administrator-editable template over plain text values
(``defaults.VARIABLES``) and written to the outbox in the transaction of the event that
causes it (CONTRACT.md §7): the action never waits for a mail server or an SMS gateway,
and every message is delivered once they answer.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.template import Context, Engine, Template, TemplateSyntaxError
from django.utils import timezone

from motcua.core.numbers import vn_money
from motcua.dossiers.hooks import is_replaying
from motcua.notifications import defaults
from motcua.notifications.models import ContactPreference, NotificationTemplate, TemplateChannel

if TYPE_CHECKING:
    from motcua.dossiers.models import Dossier, DossierEvent

logger = logging.getLogger(__name__)

# The actions the applicant is told about.
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
    "correct",
}
_ENGINE = Engine(autoescape=False)
RETURN_METHODS = {
    "counter": "trực tiếp tại bộ phận một cửa",
    "post": "qua bưu chính công ích",
    "online": "trực tuyến",
}
OUTCOMES = {"granted": "giải quyết", "denied": "không giải quyết"}


def vn_datetime(value: dt.datetime | str | None) -> str:
    """An instant as Vietnamese write it: "17:00 ngày 08/03/2027" (local time)."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return ""
    local = timezone.localtime(value)
    return f"{local:%H:%M} ngày {local:%d/%m/%Y}"


def vn_date(value: dt.date | str | None) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return ""
    return f"ngày {value:%d/%m/%Y}"


def template_text(key: str, channel: str) -> tuple[str, str] | None:
    """(subject, body) of a template: the administrators' row, else the built-in text."""
    row = NotificationTemplate.objects.filter(key=key, channel=channel).first()
    if row is not None:
        return (row.subject, row.body) if row.active else None
    if channel == TemplateChannel.EMAIL and key in defaults.EMAIL:
        return defaults.EMAIL[key]
    if channel == TemplateChannel.SMS and key in defaults.SMS:
        return "", defaults.SMS[key]
    return None


@functools.lru_cache(maxsize=256)
def _compiled(text: str) -> Template:
    """A template text compiled once per process (the texts are few; an edited one is a new
    text, compiled on its first use)."""
    return _ENGINE.from_string(text)


def render(text: str, values: dict[str, str]) -> str:
    return _compiled(text).render(Context(values)).strip()


def template_check(subject: str, body: str) -> list[str]:
    """Problems of an edited template, in Vietnamese (the admin form shows them)."""
    problems = []
    sample = {name: f"[{label}]" for name, label in defaults.VARIABLES.items()}
    for part, text in (("Tiêu đề", subject), ("Nội dung", body)):
        try:
            render(text, sample)
        except TemplateSyntaxError as exc:
            problems.append(f"{part}: mẫu viết sai cú pháp ({exc}).")
    return problems


def dossier_values(dossier: Dossier, event: DossierEvent | None) -> dict[str, str]:
    """The plain-text values a dossier template may print."""
    from motcua.procedures.records import record_processing_days

    data: dict[str, Any] = dict(event.data or {}) if event is not None else {}
    days = record_processing_days(dossier.procedure_version.record, dossier.case_code)
    if days is None:
        time_limit = ""
    elif days:
        time_limit = f"{days:g} ngày làm việc kể từ khi hồ sơ được tiếp nhận".replace(".", ",")
    else:
        time_limit = "trong ngày làm việc hồ sơ được tiếp nhận"
    items = data.get("items") or []
    return {
        "applicant": dossier.applicant_name,
        "code": dossier.code,
        "procedure": dossier.procedure.name,
        "unit": dossier.unit.name,
        "status": str(dossier.get_status_display()),
        "due": vn_datetime(dossier.extended_due_at or dossier.due_at),
        "time_limit": time_limit,
        "items": "\n".join(f"  - {item}" for item in items if str(item).strip()),
        "supplement_deadline": vn_date(data.get("deadline")),
        "amount": vn_money(data["amount"]) if data.get("amount") else "",
        "reason": str(data.get("reason") or ""),
        "extended_due": vn_datetime(data.get("extended_due_at")),
        "method": RETURN_METHODS.get(str(data.get("method", "")), ""),
        "outcome": OUTCOMES.get(str(data.get("outcome") or "granted"), ""),
        "lookup_url": f"{settings.SITE_URL}/tra-cuu/?code={dossier.code}",
    }


def applicant_channels(dossier: Dossier) -> set[str]:
    """E-mail when the applicant gave an address; SMS when they chose it (citizen accounts)
    or, for counter dossiers, when the site sends SMS to every applicant with a phone."""
    pref = None
    if dossier.applicant_user_id is not None:
        pref = ContactPreference.objects.filter(user_id=dossier.applicant_user_id).first()
    channels = set()
    if dossier.applicant_email and (pref is None or pref.email):
        channels.add(TemplateChannel.EMAIL.value)
    wants_sms = pref.sms if pref is not None else settings.MOTCUA_SMS_DEFAULT
    if dossier.applicant_phone and wants_sms and settings.MOTCUA_SMS_PROVIDER:
        channels.add(TemplateChannel.SMS.value)
    return channels


def notify_event(dossier: Dossier, event: DossierEvent) -> int:
    """Write the applicant's messages about ``event`` to the outbox (same transaction)."""
    from motcua.outbox.services import outbox_enqueue

    if event.action not in NOTIFIED_ACTIONS:
        return 0
    channels = applicant_channels(dossier)
    if not channels:
        return 0
    values = dossier_values(dossier, event)
    written = 0
    for channel in sorted(channels):
        text = template_text(event.action, channel)
        if text is None:
            continue
        subject, body = text
        try:
            rendered_subject, rendered_body = render(subject, values), render(body, values)
        except TemplateSyntaxError:
            logger.warning("notification template %s/%s is broken", event.action, channel)
            continue
        key = f"notify:{dossier.pk}:{event.seq}:{channel}"
        if channel == TemplateChannel.EMAIL:
            payload = {
                "to": [dossier.applicant_email],
                "subject": rendered_subject,
                "body": rendered_body,
            }
        else:
            payload = {"to": dossier.applicant_phone, "text": rendered_body}
        outbox_enqueue(channel=channel, payload=payload, dossier=dossier, key=key)
        written += 1
    return written


def notify_event_hook(dossier: Dossier, event: DossierEvent) -> None:
    """Registered with ``motcua.dossiers.hooks`` (not during a history import: the people
    of old dossiers are not told about events of years ago)."""
    if dossier.import_key or is_replaying():
        return
    notify_event(dossier, event)


def notify_applicant(*, dossier_id: int, action: str) -> bool:
    """Tell the applicant about the latest ``action`` on a dossier (for callers outside the
    action runner, e.g. a corrected result). Returns whether a message was written."""
    from motcua.dossiers.models import Dossier

    dossier = (
        Dossier.objects.select_related("procedure", "unit", "procedure_version")
        .filter(pk=dossier_id)
        .first()
    )
    if dossier is None:
        return False
    event = dossier.events.filter(action=action).order_by("-seq").first()
    if event is None:
        return False
    return notify_event(dossier, event) > 0
