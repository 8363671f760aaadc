"""Reads for the official forms: which form a dossier has reached, and the register rows.

A form exists once the dossier reached the action that produces it (Circular
03/2025/TT-VPCP): 01 at reception (counter or postal intake, or acceptance of an online
dossier), 02 at a supplement request, 03 at a refusal, 04 at an extension, 05 at a stop;
06 (the control slip) from reception on. Dossiers are always read through
``motcua.dossiers.selectors``, so a dossier outside the user's scope stays a 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from motcua.dossiers.models import Channel, Dossier, DossierEvent
from motcua.dossiers.selectors import dossier_scope

FORM_NUMBERS = ("01", "02", "03", "04", "05", "06")
FORM_TITLES = {
    "01": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "02": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "03": "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    "04": "Văn bản xin lỗi và đề nghị gia hạn",
    "05": "Thông báo dừng giải quyết hồ sơ",
    "06": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
    "07": "Sổ theo dõi hồ sơ",
}
# The action whose (latest) event a form reports; 06 reports the whole history.
FORM_ACTIONS = {
    "02": "request-supplement",
    "03": "refuse",
    "04": "extend",
    "05": "stop",
}
ACTION_FORMS = {action: number for number, action in FORM_ACTIONS.items()}


def dossier_events(*, dossier: Dossier) -> list[DossierEvent]:
    """The history with the actors, in order (one query)."""
    return list(
        dossier.events.select_related("actor__staff_profile", "actor__citizen_profile").order_by(
            "seq"
        )
    )


def reception_event(dossier: Dossier, events: list[DossierEvent]) -> DossierEvent | None:
    """The event at which the dossier was received: intake at the counter or by post, or
    the acceptance of an online dossier."""
    for event in events:
        if event.action == "intake" and dossier.channel != Channel.ONLINE:
            return event
        if event.action == "accept":
            return event
    return None


def form_event(
    dossier: Dossier, number: str, events: list[DossierEvent], seq: int | None = None
) -> DossierEvent | None:
    """The event a form reports, or ``None`` when the dossier never reached that form.
    With ``seq`` a particular earlier occurrence (a second supplement request, …)."""
    if number in {"01", "06"}:
        return reception_event(dossier, events)
    action = FORM_ACTIONS.get(number)
    if action is None:
        return None
    matching = [e for e in events if e.action == action and (seq is None or e.seq == seq)]
    return matching[-1] if matching else None


def forms_reached(dossier: Dossier, events: list[DossierEvent]) -> list[str]:
    return [n for n in FORM_NUMBERS if form_event(dossier, n, events) is not None]


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """Local midnight of ``start`` to local midnight after ``end`` (inclusive dates)."""
        tz = timezone.get_current_timezone()
        first = dt.datetime.combine(self.start, dt.time.min, tzinfo=tz)
        after = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        return first, after


def register_dossiers(*, user: Any, unit_code: str, period: Period) -> QuerySet[Dossier]:
    """Form 07: the dossiers received by a unit in a period, in reception order, within the
    user's scope; events and fee lines prefetched so a row never costs a query."""
    first, after = period.bounds()
    return (
        dossier_scope(user=user)
        .filter(unit__code=unit_code, received_at__gte=first, received_at__lt=after)
        .select_related("procedure", "unit", "step_unit")
        .prefetch_related("events", "fees")
        .order_by("received_at", "id")
    )
