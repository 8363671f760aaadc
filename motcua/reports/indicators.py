"""Decision 766/QĐ-TTg indicators that MotCua's own data can compute, each with the
formula shown beside it. Counts come from the summary; catalogue shares from the
procedures the units offer; satisfaction from the portal's ratings; digitisation from
the dossiers' electronic files."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext, pgettext

from motcua.core.numbers import vn_number
from motcua.dossiers.models import Attachment, AttachmentKind
from motcua.procedures.models import OnlineLevel, Procedure
from motcua.reports.selectors import UnitTree, fine_sums, share


@dataclass
class Indicator:
    group: str  # the 766 component
    name: str
    value: float | None
    numerator: int | float | None
    denominator: int | None
    formula: str
    unit: str = "%"

    @property
    def display(self) -> str:
        if self.value is None:
            return gettext("chưa có dữ liệu")
        return f"{vn_number(self.value, 1)} {self.unit}".strip()


def _bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(date_from, dt.time()))
    end = timezone.make_aware(dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time()))
    return start, end


def rating_model() -> Any:
    try:
        return apps.get_model("portal", "Rating")
    except LookupError:
        return None


def average_rating(
    *, unit_ids: list[int] | None, start: dt.datetime, end: dt.datetime
) -> tuple[float | None, int]:
    model = rating_model()
    if model is None:
        return None, 0
    qs = model.objects.filter(created_at__gte=start, created_at__lt=end)
    if unit_ids is not None:
        qs = qs.filter(dossier__unit_id__in=unit_ids)
    agg = qs.aggregate(avg=Avg("score"), n=Count("id"))
    avg = agg["avg"]
    return (round(float(avg), 2) if avg is not None else None), int(agg["n"])


def indicators(
    *,
    tree: UnitTree,
    unit: Any,
    date_from: dt.date,
    date_to: dt.date,
    field_id: int | None = None,
    fine: dict[tuple[int, int, int], dict[str, int]] | None = None,
) -> list[Indicator]:
    scope = tree.scope(unit)
    unit_ids = list(scope) if len(scope) != len(tree.units) else None
    if fine is None:
        fine = fine_sums(
            unit=unit, date_from=date_from, date_to=date_to, field_id=field_id, tree=tree
        )
    sums: dict[int, dict[str, int]] = {}
    for (_unit, _field, procedure_id), raw in fine.items():
        target = sums.setdefault(procedure_id, {})
        for k, v in raw.items():
            target[k] = target.get(k, 0) + v
    total: dict[str, int] = {}
    for raw in sums.values():
        for k, v in raw.items():
            total[k] = total.get(k, 0) + v
    received = sum(
        total.get(c, 0) for c in ("received_online", "received_counter", "received_postal")
    )
    resolved = sum(total.get(c, 0) for c in ("resolved_early", "resolved_on_time", "resolved_late"))
    timely = total.get("resolved_early", 0) + total.get("resolved_on_time", 0)

    offered = Procedure.objects.filter(is_active=True)
    if unit_ids is not None:
        offered = offered.filter(units__in=unit_ids)
    if field_id is not None:
        offered = offered.filter(field_id=field_id)
    offered_ids = set(offered.values_list("id", flat=True))
    online_ids = set(
        Procedure.objects.filter(
            pk__in=offered_ids, online__in=[OnlineLevel.FULL, OnlineLevel.PARTIAL]
        ).values_list("id", flat=True)
    )
    with_online = {pid for pid, raw in sums.items() if raw.get("received_online", 0) > 0}

    start, end = _bounds(date_from, date_to)
    # Driven by the attachments (few dossiers have files when the data is migrated), the
    # denominators by the summary: never a scan of a year of dossiers.
    files = Attachment.objects.all()
    if unit_ids is not None:
        files = files.filter(dossier__unit_id__in=unit_ids)
    if field_id is not None:
        files = files.filter(dossier__procedure__field_id=field_id)
    digit = {
        "received": received,
        "received_docs": files.filter(
            kind=AttachmentKind.DOCUMENT,
            dossier__received_at__gte=start,
            dossier__received_at__lt=end,
        )
        .values("dossier_id")
        .distinct()
        .count(),
        "resolved": sum(
            total.get(c, 0) for c in ("resolved_early", "resolved_on_time", "resolved_late")
        ),
        "resolved_results": files.filter(
            kind=AttachmentKind.RESULT,
            dossier__resolved_at__gte=start,
            dossier__resolved_at__lt=end,
        )
        .values("dossier_id")
        .distinct()
        .count(),
    }
    avg, n_ratings = average_rating(unit_ids=unit_ids, start=start, end=end)
    paid = total.get("paid", 0)
    paid_online = total.get("paid_online", 0)
    return [
        Indicator(gettext("Tiến độ giải quyết"),
                  gettext("Tỉ lệ hồ sơ giải quyết trước hạn và đúng hạn"),
                  share(timely, resolved), timely, resolved,
                  gettext("(trước hạn + đúng hạn) ÷ tổng hồ sơ đã giải quyết trong kỳ × 100")),
        Indicator(gettext("Dịch vụ trực tuyến"),
                  gettext("Tỉ lệ TTHC cung cấp dịch vụ công trực tuyến"),
                  share(len(online_ids), len(offered_ids)), len(online_ids), len(offered_ids),
                  gettext("số TTHC trực tuyến toàn trình hoặc một phần ÷ "
                          "số TTHC đơn vị thực hiện × 100")),
        Indicator(gettext("Dịch vụ trực tuyến"),
                  gettext("Tỉ lệ TTHC có phát sinh hồ sơ trực tuyến"),
                  share(len(with_online & online_ids), len(online_ids)),
                  len(with_online & online_ids), len(online_ids),
                  gettext("số TTHC trực tuyến có hồ sơ tiếp nhận trực tuyến trong kỳ ÷ "
                          "số TTHC trực tuyến × 100")),
        Indicator(gettext("Dịch vụ trực tuyến"), gettext("Tỉ lệ hồ sơ tiếp nhận trực tuyến"),
                  share(total.get("received_online", 0), received),
                  total.get("received_online", 0), received,
                  gettext("hồ sơ tiếp nhận trực tuyến ÷ tổng hồ sơ tiếp nhận trong kỳ × 100")),
        Indicator(pgettext("report", "Thanh toán trực tuyến"),
                  gettext("Tỉ lệ thanh toán trực tuyến"),
                  share(paid_online, paid), paid_online, paid,
                  gettext("lượt nghĩa vụ tài chính do người nộp tự thanh toán trực tuyến ÷ "
                          "tổng lượt thanh toán trong kỳ × 100")),
        Indicator(gettext("Mức độ hài lòng"), gettext("Điểm hài lòng trung bình"),
                  avg, avg, n_ratings,
                  gettext("tổng điểm đánh giá (1–5) ÷ số lượt đánh giá trong kỳ"), unit="/ 5"),
        Indicator(gettext("Số hóa hồ sơ"), gettext("Tỉ lệ hồ sơ có thành phần điện tử"),
                  share(digit["received_docs"], digit["received"]),
                  digit["received_docs"], digit["received"],
                  gettext("hồ sơ tiếp nhận trong kỳ có tệp thành phần hồ sơ ÷ "
                          "tổng hồ sơ tiếp nhận × 100")),
        Indicator(gettext("Số hóa hồ sơ"), gettext("Tỉ lệ kết quả giải quyết điện tử"),
                  share(digit["resolved_results"], digit["resolved"]),
                  digit["resolved_results"], digit["resolved"],
                  gettext("hồ sơ giải quyết trong kỳ có tệp kết quả điện tử ÷ "
                          "tổng hồ sơ đã giải quyết × 100")),
    ]  # fmt: skip
