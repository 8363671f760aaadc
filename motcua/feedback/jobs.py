"""Scheduled jobs of citizen feedback: ``feedback_reminders(*, now) -> int``; run by the
scheduler, or by hand with ``motcua run-job feedback-reminders``."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.utils import timezone

from motcua.calendars.selectors import working_calendar
from motcua.feedback.models import Feedback, FeedbackStatus
from motcua.units.models import Membership, Role

logger = logging.getLogger(__name__)
S = FeedbackStatus
# Remind once the next limit is one working day (8 working hours) away, or passed.
REMIND_WITHIN_SECONDS = 8 * 3600


def next_deadline(f: Feedback) -> tuple[str, dt.datetime] | None:
    """The limit the unit must meet next: deciding to take it up or refuse (received), the
    answer (taken up or waiting for information), publishing (answered)."""
    if f.status == S.RECEIVED:
        return "refuse", f.refuse_due_at
    if f.status in {S.ACCEPTED, S.INFO_REQUESTED}:
        return "answer", f.answer_due_at
    if f.status == S.ANSWERED and f.publish_due_at is not None:
        return "publish", f.publish_due_at
    return None


_SUBJECTS = {
    "refuse": "Phản ánh {code}: cần thụ lý hoặc từ chối trước {due}",
    "answer": "Phản ánh {code}: cần trả lời trước {due}",
    "publish": "Phản ánh {code}: cần công khai trả lời trước {due}",
}


def _recipients(f: Feedback, stage: str) -> list[str]:
    if f.assignee_id is not None and stage == "answer" and f.assignee and f.assignee.email:
        return [f.assignee.email]
    roles = [Role.LEADER] if stage == "publish" else [Role.DESK, Role.SPECIALIST, Role.LEADER]
    return sorted(
        {
            e
            for e in Membership.objects.filter(unit=f.unit, role__in=roles).values_list(
                "user__email", flat=True
            )
            if e
        }
    )


def feedback_reminders(*, now: dt.datetime) -> int:
    """Remind the unit of each open feedback whose next limit is within one working day
    (or passed) by e-mail to its staff, once per limit. Returns how many were reminded."""
    calendar = working_calendar()
    done = 0
    rows = (
        Feedback.objects.filter(status__in=[S.RECEIVED, S.ACCEPTED, S.INFO_REQUESTED, S.ANSWERED])
        .filter(Q(answer_due_at__lte=now + dt.timedelta(days=30)) | Q(status=S.ANSWERED))
        .select_related("unit", "assignee")
    )
    for f in rows.iterator(chunk_size=200):
        target = next_deadline(f)
        if target is None or f.reminded_for == target[0]:
            continue
        stage, due = target
        if due > now and calendar.working_seconds_between(now, due) > REMIND_WITHIN_SECONDS:
            continue
        recipients = _recipients(f, stage)
        if recipients:
            local_due = timezone.localtime(due).strftime("%H:%M %d/%m/%Y")
            try:
                send_mail(
                    _SUBJECTS[stage].format(code=f.code, due=local_due),
                    f"{f.unit.name}\n{f.code}: {f.content[:500]}\n\n"
                    f"{settings.SITE_URL}/can-bo/phan-anh/{f.code}/",
                    None,
                    recipients,
                )
            except OSError:
                # The mail server is down: the next run tries again (nothing marked).
                logger.warning("reminder of feedback %s not sent", f.code)
                continue
        Feedback.objects.filter(pk=f.pk).update(reminded_at=now, reminded_for=stage)
        done += 1
    return done
