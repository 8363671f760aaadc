"""An independent recomputation of the §6 counts straight from the dossiers and their
histories, with no summary table: the status of a dossier at the end of a day is the
``to_status`` of its last event on or before that day. Slow (it reads every dossier in
scope); used by the tests and by ``motcua check-stats --period`` to prove the summary."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from motcua.dossiers.models import Dossier, DossierEvent, Status
from motcua.reports.selectors import UnitTree, counts_from
from motcua.reports.summary import local_day
from motcua.units.models import Unit

OPEN = {Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT_REQUESTED, Status.AWAITING_PAYMENT}


def _counts_of(
    d: Dossier, events: list[DossierEvent], start: dt.date, end: dt.date
) -> dict[str, int]:
    c: dict[str, int] = defaultdict(int)
    in_period = [e for e in events if start <= local_day(e.at) <= end]
    before = [e for e in events if local_day(e.at) < start]
    upto = [e for e in events if local_day(e.at) <= end]
    if d.received_at is not None:
        received_day = local_day(d.received_at)
        if received_day < start and before and before[-1].to_status in OPEN:
            c["carried_over"] += 1
        if start <= received_day <= end:
            c[f"received_{d.channel}"] += 1
    if d.resolved_at is not None and start <= local_day(d.resolved_at) <= end:
        c[f"resolved_{d.timeliness}"] += 1
    if upto:
        status = upto[-1].to_status
        due: dt.datetime | None = None
        for e in upto:
            if (e.data or {}).get("due_at"):
                due = dt.datetime.fromisoformat(e.data["due_at"])
        if status in (Status.RECEIVED, Status.PROCESSING):
            end_of_day = _local_midnight(end + dt.timedelta(days=1))
            if due is not None and due < end_of_day:
                c["in_progress_overdue"] += 1
            else:
                c["in_progress_on_time"] += 1
        elif status == Status.SUPPLEMENT_REQUESTED:
            c["paused_supplement"] += 1
        elif status == Status.AWAITING_PAYMENT:
            c["paused_payment"] += 1
    for e in in_period:
        if e.action != "intake" and e.to_status in {
            Status.REFUSED,
            Status.WITHDRAWN,
            Status.STOPPED,
            Status.RETURNED,
        }:
            c[str(e.to_status)] += 1
        if e.action == "confirm-payment":
            c["paid"] += 1
            if e.actor_id is not None and e.actor_id == d.applicant_user_id:
                c["paid_online"] += 1
    return c


def _local_midnight(day: dt.date) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def recompute(
    *, unit: Unit, date_from: dt.date, date_to: dt.date, group_by: str = "unit"
) -> dict[str, Any]:
    """The same shape as the API's ``rows``/``total``, keyed by row key."""
    tree = UnitTree.load()
    scope = tree.scope(unit)
    rows: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    total: dict[str, int] = defaultdict(int)
    dossiers = Dossier.objects.filter(unit_id__in=list(scope)).select_related("procedure__field")
    events: dict[int, list[DossierEvent]] = defaultdict(list)
    for e in DossierEvent.objects.filter(dossier__in=dossiers).order_by("dossier_id", "seq"):
        events[e.dossier_id].append(e)
    for d in dossiers:
        c = _counts_of(d, events[d.pk], date_from, date_to)
        if group_by == "unit":
            key = tree.units[tree.row_of(unit, scope[d.unit_id])].code
        elif group_by == "field":
            key = d.procedure.field.code
        elif group_by == "procedure":
            key = d.procedure.code
        else:
            raise ValueError("officer: compare through rebuild-stats instead")
        for k, v in c.items():
            rows[key][k] += v
            total[k] += v
    return {
        "rows": {k: counts_from(v) for k, v in rows.items() if any(v.values())},
        "total": counts_from(total),
    }


# ---------------------------------------------------------------------------- national 2.1


def _national_verdict(
    d: Dossier, events: list[DossierEvent], start: dt.date, end: dt.date
) -> bool | None:
    """Indicator 2.1 for one dossier, straight from the reference's wording: None when the
    dossier is not among those received or processed in [start, end], else on time or not."""
    from motcua.calendars.selectors import working_calendar
    from motcua.dossiers.services import days_and_cutoff

    cutoff = _local_midnight(end + dt.timedelta(days=1))
    seen = [e for e in events if e.at < cutoff]
    received = next((e for e in seen if e.to_status == Status.RECEIVED), None)
    ending = {Status.RESOLVED, Status.STOPPED, Status.REFUSED}
    if received is not None:
        ending.add(Status.WITHDRAWN)
    finish = next((e for e in seen if e.to_status in ending), None)
    if received is None and (finish is None or finish.to_status != Status.REFUSED):
        return None  # never received: only a refusal makes it "processed"
    if finish is not None and local_day(finish.at) < start:
        return None
    origin = received if received is not None else seen[0]
    moment = finish.at if finish is not None else cutoff
    # Supplement requests after the start, each with the time it was answered (or None).
    requests: list[tuple[dt.datetime, dt.datetime | None]] = []
    previous = ""
    for e in seen:
        if e.seq < origin.seq or (finish is not None and e.seq > finish.seq):
            previous = e.to_status
            continue
        if e.to_status == Status.SUPPLEMENT_REQUESTED and previous != e.to_status:
            requests.append((e.at, None))
        elif previous == Status.SUPPLEMENT_REQUESTED and e.to_status not in ending:
            requests[-1] = (requests[-1][0], e.at)
        previous = e.to_status
    if received is not None:
        due_text: list[str] = [
            str((e.data or {})["due_at"])
            for e in seen
            if e.at <= moment and (e.data or {}).get("due_at")
        ]
        due = dt.datetime.fromisoformat(due_text[-1])
    else:
        days, day_cutoff = days_and_cutoff(d)
        due = working_calendar().due(origin.at, days, cutoff=day_cutoff)
    waited = sum(((b - a) for a, b in requests if b is not None and b <= moment), dt.timedelta(0))
    if requests and requests[-1][1] is None:
        # Waiting for a supplement the citizen never brought (at the end or when it ended).
        if len(requests) > 1:
            return False
        return requests[-1][0] - waited <= due
    return moment - waited <= due


def recompute_national(*, unit: Unit, date_from: dt.date, date_to: dt.date) -> tuple[int, int]:
    """(numerator, denominator) of indicator 2.1 for unit (rolled up), from the histories."""
    tree = UnitTree.load()
    scope = tree.scope(unit)
    dossiers = Dossier.objects.filter(unit_id__in=list(scope)).select_related("procedure_version")
    events: dict[int, list[DossierEvent]] = defaultdict(list)
    for e in DossierEvent.objects.filter(dossier__in=dossiers).order_by("dossier_id", "seq"):
        events[e.dossier_id].append(e)
    numerator = denominator = 0
    for d in dossiers:
        verdict = _national_verdict(d, events[d.pk], date_from, date_to)
        if verdict is not None:
            denominator += 1
            numerator += int(verdict)
    return numerator, denominator
