"""Scheduled jobs of the catalogue (the scheduler calls them; ``motcua
refresh-popularity`` runs it by hand)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from motcua.procedures.models import Procedure

POPULARITY_DAYS = 365


def procedure_popularity_refresh(*, now: dt.datetime) -> int:
    """Store for each procedure how many dossiers were filed under it in the last year,
    which search uses to put the procedures people use first. Returns how many procedures
    changed."""
    since = now - dt.timedelta(days=POPULARITY_DAYS)
    recent = Q(dossiers__received_at__gte=since, dossiers__received_at__lte=now) | Q(
        dossiers__received_at__isnull=True,
        dossiers__submitted_at__gte=since,
        dossiers__submitted_at__lte=now,
    )
    counts = Procedure.objects.annotate(used=Count("dossiers", filter=recent)).values_list(
        "pk", "used", "popularity"
    )
    changed = 0
    for pk, used, old in counts:
        if used != old:
            Procedure.objects.filter(pk=pk).update(popularity=used)
            changed += 1
    return changed
