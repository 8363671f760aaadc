"""Daily reminders (scheduled at ``MOTCUA_REMINDER_TIME`` on working days): one digest per
officer of the steps they hold that fall due within one working day, and one per leader of
the overdue dossiers of the units they lead."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from motcua.calendars.selectors import working_calendar
from motcua.dossiers.models import Dossier
from motcua.notifications.models import TemplateChannel
from motcua.notifications.services import render, template_text, vn_datetime
from motcua.outbox.models import OutboxMessage
from motcua.units.models import STAFF_ROLES, Membership, Role

MAX_LISTED = 50


def _person(user: object) -> str:
    from motcua.notifications.people import person_name

    return person_name(user)


def _lines(dossiers: list[Dossier], total: int) -> str:
    lines = [
        f"  - {d.code} — {d.procedure.name} — hạn {vn_datetime(d.extended_due_at or d.due_at)}"
        for d in dossiers
    ]
    if total > len(dossiers):
        lines.append(f"  … và {total - len(dossiers)} hồ sơ khác")
    return "\n".join(lines)


def reminders_send(*, now: dt.datetime) -> int:
    """Write today's digests to the outbox; returns how many were written. Nothing on a
    day that is not a working day, and one digest per person and day (outbox key)."""
    from motcua.outbox.services import outbox_enqueue
    from motcua.workspace.auth import staff_of
    from motcua.workspace.selectors import list_filters

    today = timezone.localdate(now)
    if not working_calendar().is_working_day(today):
        return 0
    user_ids = set(
        Membership.objects.filter(role__in=STAFF_ROLES, unit__isnull=False).values_list(
            "user_id", flat=True
        )
    )
    users = get_user_model().objects.filter(pk__in=user_ids, is_active=True).exclude(email="")
    written = 0
    workspace_url = f"{settings.SITE_URL}/can-bo/"
    for user in users.order_by("pk"):
        staff = staff_of(user)
        filters = list_filters(user, staff, now)
        digests = [("reminder.officer", filters["mine"] & filters["due_soon"])]
        if staff.has(Role.LEADER):
            leader_units = staff.units(Role.LEADER)
            digests.append(
                (
                    "reminder.leader",
                    filters["overdue"]
                    & (Q(unit_id__in=leader_units) | Q(step_unit_id__in=leader_units)),
                )
            )
        for key, q in digests:
            outbox_key = f"{key}:{user.pk}:{today.isoformat()}"
            if OutboxMessage.objects.filter(key=outbox_key).exists():
                continue
            qs = Dossier.objects.filter(q).select_related("procedure").order_by("due_at", "id")
            total = qs.count()
            if not total:
                continue
            text = template_text(key, TemplateChannel.EMAIL)
            if text is None:
                continue
            values = {
                "name": _person(user),
                "count": str(total),
                "dossiers": _lines(list(qs[:MAX_LISTED]), total),
                "workspace_url": workspace_url,
            }
            with transaction.atomic():
                outbox_enqueue(
                    channel="email",
                    payload={
                        "to": [user.email],
                        "subject": render(text[0], values),
                        "body": render(text[1], values),
                    },
                    key=outbox_key,
                )
            written += 1
    return written
