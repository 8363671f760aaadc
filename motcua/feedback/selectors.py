"""Reads of citizen feedback: the staff's scope, the public views, and the on-time rule of
indicator 5.2 (Decision 766/QĐ-TTg, reference/766-indicators.md group 5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.http import Http404

from motcua.core.text import comparable
from motcua.feedback.models import Feedback, FeedbackEvent, FeedbackStatus
from motcua.units.models import STAFF_ROLES, Membership, Role, Unit

S = FeedbackStatus


def feedback_scope(*, user: User | AnonymousUser) -> QuerySet[Feedback]:
    """What a member of staff sees: the feedback of their units; leaders also every unit
    below theirs; system administrators all. Everybody else: nothing."""
    rows = Feedback.objects.select_related("unit", "dossier", "assignee")
    if not user.is_authenticated:
        return rows.none()
    if user.is_superuser:
        return rows
    memberships = list(
        Membership.objects.filter(user=user).values_list("role", "unit_id", "unit__path")
    )
    unit_ids = {u for role, u, _ in memberships if role in STAFF_ROLES and u}
    scope = Q(unit_id__in=unit_ids)
    for role, _unit, path in memberships:
        if role == Role.LEADER and path:
            scope |= Q(unit_id__in=Unit.objects.filter(path__startswith=path).values("pk"))
    return rows.filter(scope) if unit_ids else rows.none()


def feedback_list(
    *,
    user: User | AnonymousUser,
    status: str = "",
    unit: str = "",
    overdue: bool = False,
    now: dt.datetime | None = None,
) -> QuerySet[Feedback]:
    rows = feedback_scope(user=user)
    if not comparable(status) or not comparable(unit):
        return rows.none()
    if status:
        rows = rows.filter(status__in=status.split(","))
    if unit:
        rows = rows.filter(unit__code=unit)
    if overdue and now is not None:
        rows = rows.filter(
            Q(status__in=[S.RECEIVED, S.ACCEPTED, S.INFO_REQUESTED], answer_due_at__lt=now)
            | Q(status=S.ANSWERED, publish_due_at__lt=now)
        )
    return rows.order_by("-received_at", "-id")


def feedback_get(*, user: User | AnonymousUser, code: str) -> Feedback:
    if not comparable(code):
        raise Http404
    found = feedback_scope(user=user).filter(code=code).first()
    if found is None:
        raise Http404
    return found


def feedback_public(code: str) -> Feedback | None:
    if not isinstance(code, str) or not comparable(code) or len(code) > 24:
        return None
    return Feedback.objects.select_related("unit").filter(code=code.strip().upper()).first()


def feedback_published() -> QuerySet[Feedback]:
    """Answers published on the portal, newest first."""
    return (
        Feedback.objects.filter(status=S.PUBLISHED)
        .select_related("unit")
        .order_by("-published_at", "-id")
    )


def feedback_events(*, feedback: Feedback) -> list[FeedbackEvent]:
    return list(feedback.events.select_related("actor").order_by("seq"))


def _by(moment: dt.datetime | None, as_of: dt.datetime) -> dt.datetime | None:
    """A step counts only if it had happened by ``as_of`` (a past period never changes)."""
    return moment if moment is not None and moment <= as_of else None


def feedback_on_time(f: Feedback, *, as_of: dt.datetime) -> bool:
    """Indicator 5.2 for one feedback, judged at ``as_of`` (the end of the period):
    refused within 2 working days; asked for more within 5; answered within 15; the answer
    published within 2 of being ready. Still open at ``as_of``: on time while within the 15
    working days of the answer limit (and within the publish limit once answered)."""
    refused = _by(f.refused_at, as_of)
    if refused is not None:
        return refused <= f.refuse_due_at
    asked = _by(f.info_requested_at, as_of)
    if asked is not None and asked > f.ask_more_due_at:
        return False
    answered = _by(f.answered_at, as_of)
    if answered is None:
        return as_of <= f.answer_due_at
    if answered > f.answer_due_at:
        return False
    published = _by(f.published_at, as_of)
    publish_due = f.publish_due_at or f.answer_due_at
    return (published if published is not None else as_of) <= publish_due


def feedback_status_as_of(f: Feedback, as_of: dt.datetime) -> str:
    """The status the feedback had at ``as_of``."""
    for moment, status in (
        (f.published_at, S.PUBLISHED),
        (f.refused_at, S.REFUSED),
        (f.answered_at, S.ANSWERED),
    ):
        if _by(moment, as_of) is not None:
            return status
    if _by(f.info_requested_at, as_of) and not _by(f.info_received_at, as_of):
        return S.INFO_REQUESTED
    if _by(f.accepted_at, as_of):
        return S.ACCEPTED
    return S.RECEIVED


def feedback_counts(
    *, units: QuerySet[Unit] | list[int], start: dt.datetime, end: dt.datetime
) -> dict[str, Any]:
    """The raw counts of indicators 5.1–5.3 for feedback received in [start, end) by the
    given units: total, per category, on time (5.2 as of ``end``), unsatisfied (more
    dislikes than likes), raised again about the same answer. One query."""
    rows = list(
        Feedback.objects.filter(unit__in=units, received_at__gte=start, received_at__lt=end)
    )
    reopened = set(
        Feedback.objects.filter(reopens__in=[f.pk for f in rows], received_at__lt=end).values_list(
            "reopens_id", flat=True
        )
    )
    return {
        "total": len(rows),
        "regulation": sum(f.category == "regulation" for f in rows),
        "conduct": sum(f.category == "conduct" for f in rows),
        "other": sum(f.category == "other" for f in rows),
        "on_time": sum(feedback_on_time(f, as_of=end) for f in rows),
        "late": sum(not feedback_on_time(f, as_of=end) for f in rows),
        "unsatisfied": sum(f.dislikes > f.likes for f in rows),
        "raised_again": len(reopened),
    }
