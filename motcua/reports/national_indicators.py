"""The Decision 766/QĐ-TTg indicators as the national portal (DVCQG) computes them
(reference/766-indicators.md, CONTRACT.md §9), for a unit with every unit below it, a field,
a procedure and a period, each with its numerator, denominator, value, points and formula.

Where the data comes from:
- the summary (``StatDelta``): received, returned and resolved counts, and the national 2.1
  readings (``motcua.reports.national``);
- ``NationalFact``: cohort facts (2.2 resolution time, 3.6 paid online);
- the catalogue: procedures offered, online, with a fee (3.1, 3.2, 3.5);
- the files of dossiers (3.3, 4.1, 4.2);
- *sources* registered by other apps for what MotCua does not hold yet: national
  synchronisation (1.4), data reused from digitised data (4.3), the citizen's data store
  (4.4), VNeID and the population database (4.5), citizen feedback (5.1–5.4). Until an app
  registers its source the indicator reads N/A (``value`` null), never a made-up number.

Readings of ambiguous rules are in docs/statistics.md ("Decision 766 as the national
portal computes it").
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from motcua.core.replica import read_connection
from motcua.dossiers.models import Attachment, AttachmentKind, Dossier
from motcua.procedures.models import OnlineLevel, Procedure, ProcedureVersion
from motcua.reports.models import NationalFact
from motcua.reports.selectors import UnitTree, raw_sums
from motcua.units.models import Unit

# ---------------------------------------------------------------------------- scoring

GROUPS = {
    "1": gettext_lazy("Công khai, minh bạch"),
    "2": gettext_lazy("Tiến độ, kết quả giải quyết"),
    "3": gettext_lazy("Cung cấp dịch vụ trực tuyến"),
    "4": gettext_lazy("Số hóa hồ sơ"),
    "5": gettext_lazy("Mức độ hài lòng"),
}

# (max points, threshold in % for full points). Thresholds are those of the reference; an
# indicator without one gets full points at 100 %. The reference gives no points per
# indicator: by default each component of Decision 766 (transparency 18, progress 20,
# online services 12, online payment 10, digitisation 22, satisfaction 18) is split equally
# among the scored indicators of that component listed in the reference. A province sets
# its official allocation with MOTCUA_766_POINTS, e.g. '{"2.1": 12, "3.3": 6}'.
# 2.2 (a time) and 5.1 (a breakdown by category) are informative: no points.
SCORING: dict[str, tuple[float | None, float]] = {
    "1.4": (18, 100),
    "2.1": (20, 100),
    "2.2": (None, 100),
    "3.1": (4, 80),
    "3.2": (4, 100),
    "3.3": (4, 50),
    "3.5": (5, 80),
    "3.6": (5, 100),
    "4.1": (4.4, 100),
    "4.2": (4.4, 80),
    "4.3": (4.4, 80),
    "4.4": (4.4, 100),
    "4.5": (4.4, 100),
    "5.1": (None, 100),
    "5.2": (6, 100),
    "5.3": (6, 100),
    "5.4": (6, 90),
}


def max_points(indicator_id: str) -> float | None:
    override = os.environ.get("MOTCUA_766_POINTS", "")
    if override:
        try:
            table = json.loads(override)
            if isinstance(table, dict) and indicator_id in table:
                return float(table[indicator_id])
        except (ValueError, TypeError):
            pass
    return SCORING[indicator_id][0]


def points_of(indicator_id: str, value: float | None) -> float | None:
    """Full points at or above the threshold, proportional below it."""
    top = max_points(indicator_id)
    if top is None or value is None:
        return None
    threshold = SCORING[indicator_id][1]
    return round(top * min(1.0, value / threshold), 2)


def percent(part: float, whole: float) -> float | None:
    """A share in %, rounded to 2 decimals; None ("N/A") when the denominator is 0."""
    return round(100.0 * part / whole, 2) if whole else None


# ---------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class Scope:
    """What a source is asked about: the units (None: all), an optional field and
    procedure, and the period as instants [start, end)."""

    unit_ids: list[int] | None
    field_id: int | None
    procedure_id: int | None
    start: dt.datetime
    end: dt.datetime
    date_from: dt.date
    date_to: dt.date

    def narrow(self, rows: Any, dossier: str = "") -> Any:
        """``rows`` limited to the scope's units, field and procedure; ``dossier`` is the
        lookup from a row to its dossier ("" for dossiers, ``"dossier__"`` otherwise)."""
        if self.unit_ids is not None:
            rows = rows.filter(**{f"{dossier}unit_id__in": self.unit_ids})
        if self.field_id is not None:
            rows = rows.filter(**{f"{dossier}procedure__field_id": self.field_id})
        if self.procedure_id is not None:
            rows = rows.filter(**{f"{dossier}procedure_id": self.procedure_id})
        return rows


# A source answers None when it holds no data at all yet (the national sync never turned
# on): the indicator then reads N/A, never a made-up 0 %.
CountSource = Callable[[Scope], int | None]
COUNT_SOURCES: dict[str, CountSource] = {}


def register_count_source(indicator_id: str, source: CountSource) -> None:
    """An app that holds the data of an indicator registers the numerator here from its
    ``AppConfig.ready``: 1.4 (dossiers received in the period and synchronised to the
    national portal), 4.3 (received in the period with a document reused from earlier
    digitised data), 4.4 (received in the period with a document from the national data
    store or a result pushed to it), 4.5 (received in the period whose applicant signed in
    with VNeID or whose data came from the population database). The denominator is the
    dossiers received in the period, from the summary."""
    if indicator_id not in {"1.4", "4.3", "4.4", "4.5"}:
        raise ValueError(f"no count source for indicator {indicator_id}")
    COUNT_SOURCES[indicator_id] = source


@dataclass(frozen=True)
class FeedbackCounts:
    """Citizen feedback (phản ánh, kiến nghị) in a scope and period, counted by the
    feedback app with its own deadlines (reference, group 5)."""

    received: int  # first received in the period (5.1, 5.3 denominators)
    about_rules_or_conduct: int  # of those, category regulation or conduct (5.1)
    handled: int  # handled in the period or still open at its end (5.2 denominator)
    handled_on_time: int  # of those, within every limit (open: ≤ 15 working days at the end)
    unsatisfied: int  # of the received, rated with more dislikes than likes
    late: int  # of the received, handled late
    raised_again: int  # of the received, raised again about the same answer
    dossiers_flagged: int  # dossiers with feedback or a "dislike" rating in the period (5.4)


class FeedbackSource(Protocol):
    def __call__(self, scope: Scope) -> FeedbackCounts: ...


_feedback_source: list[FeedbackSource] = []


def register_feedback_source(source: FeedbackSource) -> None:
    """The feedback app (``motcua.feedback``) registers its counts here from its
    ``AppConfig.ready``; indicators 5.1–5.4 read N/A until it does."""
    _feedback_source[:] = [source]


def unregister_sources() -> None:
    """Forget every registered source (tests)."""
    COUNT_SOURCES.clear()
    _feedback_source.clear()


@contextlib.contextmanager
def sources_cleared() -> Iterator[None]:
    """Tests: run without the apps' sources, then put back those the apps registered."""
    counts, feedback = dict(COUNT_SOURCES), list(_feedback_source)
    unregister_sources()
    try:
        yield
    finally:
        unregister_sources()
        COUNT_SOURCES.update(counts)
        _feedback_source[:] = feedback


# ---------------------------------------------------------------------------- indicators


@dataclass
class NationalIndicator:
    id: str
    name: str
    numerator: float | None
    denominator: float | None
    value: float | None
    formula: str
    unit: str = "%"
    note: str = ""

    @property
    def group(self) -> str:
        return self.id.split(".")[0]

    @property
    def group_name(self) -> str:
        return str(GROUPS[self.group])

    @property
    def points(self) -> float | None:
        return points_of(self.id, self.value) if self.unit == "%" else None

    @property
    def max_points(self) -> float | None:
        return max_points(self.id)

    @property
    def display(self) -> str:
        if self.value is None:
            return "N/A"
        text = f"{self.value:,.2f}".replace(",", " ").replace(".", ",")
        return f"{text} %" if self.unit == "%" else f"{text} {self.unit}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "group": self.group,
            "group_name": self.group_name,
            "name": self.name,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "value": self.value,
            "unit": self.unit,
            "points": self.points,
            "max_points": self.max_points,
            "formula": self.formula,
            "note": self.note,
        }


def _bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(date_from, dt.time()))
    end = timezone.make_aware(dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time()))
    return start, end


def _not_yet(reason: str) -> str:
    return gettext("Chưa có dữ liệu: %(reason)s.") % {"reason": reason}


def count_with_result(scope: Scope, *, online: bool = False, with_document: bool = False) -> int:
    """Dossiers with a result file by the period's end that were either returned in the
    period, or (``online``) received online in the period and returned by its end;
    ``with_document`` also needs a submitted document file. Driven by the files: the
    ``CROSS JOIN`` keeps SQLite from scanning a year of dossiers by an index on
    ``received_at`` or ``procedure`` when few dossiers have files (PostgreSQL plans it
    either way)."""
    files, dossiers = Attachment._meta.db_table, Dossier._meta.db_table
    sql = (
        f"SELECT COUNT(DISTINCT a.dossier_id) FROM {files} a CROSS JOIN {dossiers} d "  # noqa: S608
        "WHERE d.id = a.dossier_id AND a.kind = %s AND a.uploaded_at < %s"
    )
    params: list[Any] = [AttachmentKind.RESULT.value, scope.end]
    if online:
        sql += (
            " AND d.channel = %s AND d.received_at >= %s AND d.received_at < %s"
            " AND d.returned_at < %s"
        )
        params += ["online", scope.start, scope.end, scope.end]
    else:
        sql += " AND d.returned_at >= %s AND d.returned_at < %s"
        params += [scope.start, scope.end]
    if with_document:
        # A submitted document counts as digitised when it is electronic: sent online,
        # scanned at the counter (``digitised``) or reused from the data store.
        sql += (
            f" AND EXISTS (SELECT 1 FROM {files} b WHERE b.dossier_id = a.dossier_id"  # noqa: S608
            " AND b.kind = %s AND b.uploaded_at < %s"
            " AND (d.channel = %s OR b.digitised = %s OR b.reused = %s"
            " OR b.from_national_store = %s))"
        )
        params += [AttachmentKind.DOCUMENT.value, scope.end, "online", True, True, True]
    if scope.unit_ids is not None:
        sql += f" AND d.unit_id IN ({', '.join(['%s'] * len(scope.unit_ids))})"
        params += scope.unit_ids
    if scope.procedure_id is not None:
        sql += " AND d.procedure_id = %s"
        params.append(scope.procedure_id)
    if scope.field_id is not None:
        table = Procedure._meta.db_table
        sql += f" AND d.procedure_id IN (SELECT id FROM {table} WHERE field_id = %s)"  # noqa: S608
        params.append(scope.field_id)
    with read_connection(Dossier).cursor() as cursor:  # the replica, if any
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0])


def catalogue_as_of(ids: set[int], end: dt.datetime) -> dict[int, dict[str, Any]]:
    """Each procedure's published record in force at ``end``: its latest version created
    before then, else its first version (a catalogue imported after the history it
    describes). A past period is thus unchanged by later catalogue edits."""
    chosen: dict[int, dict[str, Any]] = {}
    versions = (
        ProcedureVersion.objects.filter(procedure_id__in=ids)
        .order_by("procedure_id", "number")
        .values_list("procedure_id", "created_at", "record")
    )
    for procedure_id, created_at, record in versions:
        if procedure_id not in chosen or created_at < end:
            chosen[procedure_id] = record
    return chosen


def _is_online(record: dict[str, Any]) -> bool:
    return record.get("online") in {OnlineLevel.FULL, OnlineLevel.PARTIAL}


def _has_fee(record: dict[str, Any]) -> bool:
    amounts = [(record.get("fee") or {}).get("amount"), (record.get("charge") or {}).get("amount")]
    amounts += [(case.get("fee") or {}).get("amount") for case in record.get("cases") or []]
    return any(int(a or 0) > 0 for a in amounts)


def _working_days_unit(procedure: Procedure) -> tuple[str, float]:
    """The procedure's own unit of time: working hours for a same-day procedure, else
    working days (8 working hours)."""
    if procedure.processing_days == Decimal(0):
        return gettext("giờ làm việc"), 3600.0
    return gettext("ngày làm việc"), 8 * 3600.0


def national_indicators(
    *,
    unit: Unit,
    date_from: dt.date,
    date_to: dt.date,
    field_id: int | None = None,
    procedure: Procedure | None = None,
    tree: UnitTree | None = None,
) -> list[NationalIndicator]:
    """Every indicator of reference/766-indicators.md that MotCua's data can feed (the
    others N/A with the reason), for ``unit`` and every unit below it, as of the end of
    ``date_to``. Decision 766/QĐ-TTg (2022); computed the way the national portal does."""
    tree = tree or UnitTree.load()
    scope_map = tree.scope(unit)
    unit_ids = list(scope_map) if len(scope_map) != len(tree.units) else None
    procedure_id = procedure.pk if procedure is not None else None
    start, end = _bounds(date_from, date_to)
    scope = Scope(unit_ids, field_id, procedure_id, start, end, date_from, date_to)

    by_procedure = raw_sums(
        scope=scope_map,
        tree=tree,
        date_from=date_from,
        date_to=date_to,
        group_column="procedure_id",
        field_id=field_id,
        procedure_id=procedure_id,
    )
    total: dict[str, int] = {}
    for raw in by_procedure.values():
        for k, v in raw.items():
            total[k] = total.get(k, 0) + v
    received_of = {
        pid: raw.get("received_online", 0)
        + raw.get("received_counter", 0)
        + raw.get("received_postal", 0)
        for pid, raw in by_procedure.items()
    }
    received = sum(received_of.values())
    returned = total.get("returned", 0)
    resolved = sum(total.get(c, 0) for c in ("resolved_early", "resolved_on_time", "resolved_late"))

    offered = Procedure.objects.filter(is_active=True)
    if unit_ids is not None:
        offered = offered.filter(units__in=unit_ids)
    if field_id is not None:
        offered = offered.filter(field_id=field_id)
    if procedure_id is not None:
        offered = offered.filter(pk=procedure_id)
    offered_ids = set(offered.values_list("id", flat=True))
    records = catalogue_as_of(offered_ids, end)
    offered_ids &= set(records)  # never published: not offered
    online_ids = {pid for pid in offered_ids if _is_online(records[pid])}
    fee_ids = {pid for pid in offered_ids if _has_fee(records[pid])}

    out: list[NationalIndicator] = []
    add = out.append

    # 1.4 synchronisation share
    sync = COUNT_SOURCES.get("1.4")
    synced = sync(scope) if sync is not None else None
    sync_share = percent(synced, received) if synced is not None else None
    add(NationalIndicator(
        "1.4", gettext("Tỉ lệ hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia"),
        synced, received if synced is not None else None, sync_share,
        gettext("hồ sơ đã đồng bộ có ngày tiếp nhận trong kỳ ÷ hồ sơ tiếp nhận trong kỳ × 100"),
        note="" if synced is not None else _not_yet(gettext("chưa đồng bộ với Cổng DVCQG")),
    ))  # fmt: skip

    # 2.1 on time, the national way
    ended = total.get("nat_ended", 0)
    open_ = total.get("nat_active", 0) + total.get("nat_waiting", 0)
    on_time = (
        total.get("nat_ended_on_time", 0)
        + total.get("nat_active", 0)
        - total.get("nat_overdue", 0)
        + total.get("nat_waiting_on_time", 0)
    )
    add(NationalIndicator(
        "2.1", gettext("Tỉ lệ hồ sơ giải quyết trước hạn, đúng hạn"),
        on_time, ended + open_, percent(on_time, ended + open_),
        gettext("(hồ sơ đã xử lý xong đúng hạn + hồ sơ đang xử lý còn trong hạn tại cuối kỳ) ÷ "
                "tổng hồ sơ đã và đang xử lý trong kỳ × 100; thời gian chờ bổ sung được trừ, "
                "hồ sơ chờ bổ sung lấy lúc yêu cầu làm mốc, yêu cầu bổ sung hai lần trở lên "
                "tính quá hạn"),
    ))  # fmt: skip

    # 2.2 average resolution time (one procedure only)
    if procedure is None:
        add(NationalIndicator(
            "2.2", gettext("Thời gian giải quyết trung bình"), None, None, None,
            gettext("tổng thời gian giải quyết ÷ số hồ sơ đã giải quyết hoặc trả kết quả có "
                    "ngày bắt đầu xử lý trong kỳ"),
            unit="", note=gettext("Chỉ tính cho một thủ tục: chọn thủ tục."),
        ))  # fmt: skip
    else:
        facts = NationalFact.objects.filter(
            procedure_id=procedure.pk,
            received_day__gte=date_from,
            received_day__lte=date_to,
            resolved_day__lte=date_to,
        )
        if unit_ids is not None:
            facts = facts.filter(unit_id__in=unit_ids)
        agg = facts.aggregate(n=Count("dossier_id"), s=Sum("resolution_seconds"))
        label, seconds = _working_days_unit(procedure)
        n, s = int(agg["n"] or 0), int(agg["s"] or 0)
        add(NationalIndicator(
            "2.2", gettext("Thời gian giải quyết trung bình"),
            round(s / seconds, 2), n, round(s / seconds / n, 2) if n else None,
            gettext("tổng thời gian giải quyết (giờ làm việc, trừ thời gian chờ bổ sung) ÷ "
                    "số hồ sơ đã giải quyết có ngày tiếp nhận trong kỳ"),
            unit=label,
        ))  # fmt: skip

    # 3.1 procedures offered online
    add(NationalIndicator(
        "3.1", gettext("Tỉ lệ thủ tục hành chính cung cấp dịch vụ công trực tuyến"),
        len(online_ids), len(offered_ids), percent(len(online_ids), len(offered_ids)),
        gettext("TTHC trực tuyến toàn trình hoặc một phần (mỗi TTHC tính một lần, ở mức cao "
                "hơn) ÷ TTHC đơn vị thực hiện × 100; đủ điểm từ 80 %"),
    ))  # fmt: skip

    # 3.2 online services that received online dossiers
    with_online = {
        pid for pid, raw in by_procedure.items() if raw.get("received_online", 0) > 0
    } & online_ids
    add(NationalIndicator(
        "3.2", gettext("Tỉ lệ dịch vụ công trực tuyến có phát sinh hồ sơ"),
        len(with_online), len(online_ids), percent(len(with_online), len(online_ids)),
        gettext("dịch vụ công trực tuyến có ít nhất một hồ sơ tiếp nhận trực tuyến trong kỳ ÷ "
                "số dịch vụ công trực tuyến × 100"),
    ))  # fmt: skip

    # 3.3 online share (every MotCua procedure's result is a document: online dossiers count
    # when returned with an electronic result)
    online_e = count_with_result(scope, online=True)
    share_33 = percent(online_e, received)
    note_33 = ""
    if share_33 is not None and sync_share is not None:
        share_33 = round(share_33 * sync_share / 100, 2)
    elif share_33 is not None:
        note_33 = gettext("Chưa nhân tỉ lệ đồng bộ 1.4 (chưa có dữ liệu đồng bộ).")
    add(NationalIndicator(
        "3.3", gettext("Tỉ lệ hồ sơ trực tuyến"),
        online_e, received, share_33,
        gettext("hồ sơ tiếp nhận trực tuyến trong kỳ đã trả kết quả điện tử ÷ hồ sơ tiếp nhận "
                "trong kỳ × 100 × tỉ lệ đồng bộ 1.4; đủ điểm từ 50 %"),
        note=note_33,
    ))  # fmt: skip

    # 3.5 procedures with fees that receive dossiers (fee data sent)
    fee_with_dossiers = {pid for pid in fee_ids if received_of.get(pid, 0) > 0}
    add(NationalIndicator(
        "3.5", gettext("Tỉ lệ TTHC có phí, lệ phí phát sinh thanh toán"),
        len(fee_with_dossiers), len(fee_ids), percent(len(fee_with_dossiers), len(fee_ids)),
        gettext("TTHC có ít nhất một hồ sơ tiếp nhận trong kỳ có dữ liệu phí, lệ phí ≠ 0 ÷ "
                "TTHC có phí, lệ phí trong danh mục × 100; đủ điểm từ 80 %"),
    ))  # fmt: skip

    # 3.6 dossiers paid online, of those started in the period with a fee
    paid = NationalFact.objects.filter(
        paid_online_day__lte=date_to, received_day__gte=date_from, received_day__lte=date_to
    )
    if unit_ids is not None:
        paid = paid.filter(unit_id__in=unit_ids)
    if field_id is not None:
        paid = paid.filter(field_id=field_id)
    if procedure_id is not None:
        paid = paid.filter(procedure_id=procedure_id)
    paid_online = paid.count()
    fee_received = sum(n for pid, n in received_of.items() if pid in fee_ids)
    add(NationalIndicator(
        "3.6", gettext("Tỉ lệ hồ sơ thanh toán trực tuyến"),
        paid_online, fee_received, percent(paid_online, fee_received),
        gettext("hồ sơ tiếp nhận trong kỳ đã thanh toán trực tuyến ÷ hồ sơ tiếp nhận trong kỳ "
                "của TTHC có phí, lệ phí × 100"),
    ))  # fmt: skip

    # 4.1, 4.2 electronic results, digitised dossiers
    returned_results = count_with_result(scope)
    add(NationalIndicator(
        "4.1", gettext("Tỉ lệ hồ sơ cấp kết quả điện tử"),
        returned_results, returned, percent(returned_results, returned),
        gettext("hồ sơ trả kết quả trong kỳ có tệp kết quả điện tử ÷ hồ sơ trả kết quả trong "
                "kỳ × 100"),
    ))  # fmt: skip
    with_documents = count_with_result(scope, with_document=True)
    add(NationalIndicator(
        "4.2", gettext("Tỉ lệ số hóa hồ sơ"),
        with_documents, returned, percent(with_documents, returned),
        gettext("hồ sơ trả kết quả trong kỳ có tệp thành phần hồ sơ điện tử (nộp trực tuyến, "
                "số hóa tại quầy hoặc dùng lại từ kho) và tệp kết quả ÷ hồ sơ trả kết quả "
                "trong kỳ × 100; đủ điểm từ 80 %"),
    ))  # fmt: skip

    for ident, name, formula, reason in (
        ("4.3", gettext("Tỉ lệ khai thác, sử dụng lại dữ liệu số hóa"),
         gettext("hồ sơ tiếp nhận trong kỳ có thành phần dùng lại từ dữ liệu đã số hóa ÷ "
                 "hồ sơ tiếp nhận trong kỳ × 100; đủ điểm từ 80 %"),
         gettext("chưa đánh dấu giấy tờ dùng lại từ dữ liệu số hóa")),
        ("4.4", gettext("Tỉ lệ hồ sơ kết nối kho dữ liệu của công dân"),
         gettext("hồ sơ tiếp nhận trong kỳ có giấy tờ lấy từ kho dữ liệu hoặc kết quả đưa vào "
                 "kho ÷ hồ sơ tiếp nhận trong kỳ × 100"),
         gettext("chưa kết nối kho dữ liệu của công dân")),
        ("4.5", gettext("Tỉ lệ sử dụng dữ liệu dân cư"),
         gettext("hồ sơ có người nộp đăng nhập bằng tài khoản VNeID hoặc dữ liệu lấy từ Cơ sở "
                 "dữ liệu quốc gia về dân cư ÷ hồ sơ tiếp nhận trong kỳ × 100"),
         gettext("chưa kết nối VNeID và Cơ sở dữ liệu quốc gia về dân cư")),
    ):  # fmt: skip
        source = COUNT_SOURCES.get(ident)
        count = source(scope) if source is not None else None
        add(NationalIndicator(
            ident, name, count, received if count is not None else None,
            percent(count, received) if count is not None else None, formula,
            note="" if count is not None else _not_yet(reason),
        ))  # fmt: skip

    out += _satisfaction(scope, resolved=resolved, resolved_late=total.get("resolved_late", 0))
    return out


def _satisfaction(scope: Scope, *, resolved: int, resolved_late: int) -> list[NationalIndicator]:
    fb = _feedback_source[0](scope) if _feedback_source else None
    note = "" if fb is not None else _not_yet(gettext("chưa có dữ liệu phản ánh, kiến nghị"))

    def share(part: int | None, whole: int | None) -> float | None:
        return percent(part, whole) if part is not None and whole is not None else None

    satisfied = fb.received - fb.unsatisfied - fb.late - fb.raised_again if fb is not None else None
    if fb is not None and resolved:
        value_54: float | None = round(
            100.0 - 100.0 * resolved_late / resolved - 100.0 * fb.dossiers_flagged / resolved, 2
        )
    else:
        value_54 = None
    return [
        NationalIndicator(
            "5.1", gettext("Tỉ lệ phản ánh, kiến nghị về quy định hoặc hành vi cán bộ"),
            fb.about_rules_or_conduct if fb else None, fb.received if fb else None,
            share(fb.about_rules_or_conduct if fb else None, fb.received if fb else None),
            gettext("phản ánh, kiến nghị về quy định, thủ tục hoặc về hành vi của cán bộ ÷ "
                    "tổng phản ánh, kiến nghị trong kỳ × 100"),
            note=note,
        ),
        NationalIndicator(
            "5.2", gettext("Tỉ lệ phản ánh, kiến nghị xử lý đúng hạn"),
            fb.handled_on_time if fb else None, fb.handled if fb else None,
            share(fb.handled_on_time if fb else None, fb.handled if fb else None),
            gettext("phản ánh, kiến nghị xử lý đúng hạn (từ chối ≤ 2, yêu cầu bổ sung ≤ 5, trả "
                    "lời ≤ 15, công khai ≤ 2 ngày làm việc; đang xử lý: còn trong 15 ngày làm "
                    "việc tại cuối kỳ) ÷ phản ánh, kiến nghị đã và đang xử lý trong kỳ × 100"),
            note=note,
        ),
        NationalIndicator(
            "5.3", gettext("Mức độ hài lòng về xử lý phản ánh, kiến nghị"),
            satisfied, fb.received if fb else None,
            share(satisfied, fb.received if fb else None),
            gettext("(phản ánh, kiến nghị − không hài lòng − xử lý quá hạn − phản ánh lại cùng "
                    "nội dung trả lời) ÷ phản ánh, kiến nghị tiếp nhận lần đầu trong kỳ × 100"),
            note=note,
        ),
        NationalIndicator(
            "5.4", gettext("Mức độ hài lòng về giải quyết hồ sơ"),
            (resolved_late + fb.dossiers_flagged) if fb else None,
            resolved if fb else None, value_54,
            gettext("100 % − (tỉ lệ hồ sơ giải quyết quá hạn + tỉ lệ hồ sơ có phản ánh, kiến "
                    "nghị hoặc đánh giá “không hài lòng”), trên hồ sơ giải quyết trong kỳ; đủ "
                    "điểm từ 90 %"),
            note=note,
        ),
    ]  # fmt: skip
