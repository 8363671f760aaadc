"""The supplement rules of CONTRACT.md §3 as plain functions over the calendar and the
dossier's procedure version: the deadline of a supplement request and the clock rule in
force on a date (an effective-dated setting, ``SupplementClockSetting``).

Legal source: Decree 118/2025/NĐ-CP on the one-stop mechanism (the desk or the officer
asks once, in writing, for everything missing, form 02 of Circular 03/2025/TT-VPCP; the
applicant's time to complete the dossier does not count toward the processing time), and
the province's own decision for the time limit and the handling of an expired request.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone

from motcua.calendars.workingtime import WorkingCalendar
from motcua.dossiers.models import ClockRule, SupplementClockSetting

EXPIRY_REASON = "Quá hạn bổ sung hồ sơ"


def supplement_days(record: dict[str, Any]) -> int:
    """The procedure's working days for a supplement, else ``MOTCUA_SUPPLEMENT_DAYS``."""
    days = record.get("supplement_days")
    return int(days) if days else int(settings.MOTCUA_SUPPLEMENT_DAYS)


def supplement_due(
    *,
    at: dt.datetime,
    deadline: dt.date | None,
    record: dict[str, Any],
    calendar: WorkingCalendar,
) -> dt.datetime:
    """When a supplement request made at ``at`` expires: the end of the working day of the
    request's own ``deadline`` date, else ``supplement_days`` working days from ``at``."""
    if deadline is not None:
        return dt.datetime.combine(deadline, calendar.day_end, tzinfo=calendar.tz)
    return calendar.due(at, supplement_days(record))


def refuses_on_expiry(record: dict[str, Any]) -> bool:
    return bool(record.get("refuse_on_supplement_expiry"))


def clock_rule_on(day: dt.date) -> ClockRule:
    """The clock rule in force on a local date: the latest setting effective on or before
    it; ``restart`` when none is."""
    rule = (
        SupplementClockSetting.objects.filter(effective_from__lte=day)
        .order_by("-effective_from")
        .values_list("rule", flat=True)
        .first()
    )
    return ClockRule(rule) if rule else ClockRule.RESTART


def clock_rule_at(moment: dt.datetime) -> ClockRule:
    return clock_rule_on(timezone.localtime(moment).date())
