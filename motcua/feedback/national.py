"""Citizen feedback as the national portal counts it (Decision 766, group 5): the source
that ``motcua.reports.national_indicators`` reads for indicators 5.1–5.4."""

from __future__ import annotations

from motcua.feedback.models import Feedback
from motcua.feedback.selectors import feedback_on_time
from motcua.reports.national_indicators import FeedbackCounts, Scope


def national_feedback_counts(scope: Scope) -> FeedbackCounts:
    """Feedback first received in the period by the units in scope (with a field or a
    procedure: only feedback about a dossier of it), judged as of the period's end."""
    rows_q = Feedback.objects.filter(received_at__gte=scope.start, received_at__lt=scope.end)
    if scope.unit_ids is not None:
        rows_q = rows_q.filter(unit_id__in=scope.unit_ids)
    if scope.procedure_id is not None:
        rows_q = rows_q.filter(dossier__procedure_id=scope.procedure_id)
    if scope.field_id is not None:
        rows_q = rows_q.filter(dossier__procedure__field_id=scope.field_id)
    rows = list(rows_q)
    reopened = set(
        Feedback.objects.filter(
            reopens__in=[f.pk for f in rows], received_at__lt=scope.end
        ).values_list("reopens_id", flat=True)
    )
    on_time = sum(feedback_on_time(f, as_of=scope.end) for f in rows)
    from motcua.portal.models import Rating

    disliked = Rating.objects.filter(
        liked=False, created_at__gte=scope.start, created_at__lt=scope.end
    )
    if scope.unit_ids is not None:
        disliked = disliked.filter(dossier__unit_id__in=scope.unit_ids)
    if scope.procedure_id is not None:
        disliked = disliked.filter(dossier__procedure_id=scope.procedure_id)
    if scope.field_id is not None:
        disliked = disliked.filter(dossier__procedure__field_id=scope.field_id)
    flagged = {f.dossier_id for f in rows if f.dossier_id is not None}
    flagged |= set(disliked.values_list("dossier_id", flat=True))
    return FeedbackCounts(
        received=len(rows),
        about_rules_or_conduct=sum(f.category in ("regulation", "conduct") for f in rows),
        handled=len(rows),
        handled_on_time=on_time,
        unsatisfied=sum(f.dislikes > f.likes for f in rows),
        late=len(rows) - on_time,
        raised_again=len(reopened),
        dossiers_flagged=len(flagged),
    )


__all__ = ["national_feedback_counts"]
