"""The officer's lists (home page and list pages), all on ``dossier_scope``: the scope is
one SQL filter, the counts one aggregate query, a list page a count and a page query."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.calendars.selectors import working_calendar
from motcua.core.pagination import capped_count
from motcua.core.validation import iso_date
from motcua.dossiers.models import FINAL_STATUSES, Channel, Dossier, Status
from motcua.dossiers.selectors import (
    dossier_newest,
    dossier_scope,
    page_rows,
    scope_of,
    search_q,
)
from motcua.procedures.models import Procedure
from motcua.units.models import Role
from motcua.workspace.auth import Staff

ACTIVE = [Status.PROCESSING, Status.AWAITING_PAYMENT]
RUNNING = [Status.RECEIVED, Status.PROCESSING]
# Every list of the home page but "all" holds open dossiers only.
OPEN = [status for status in Status if status not in FINAL_STATUSES]


@dataclass(frozen=True)
class ListDef:
    key: str
    label: Any
    help: Any
    roles: frozenset[str]
    default_sort: str


LISTS: list[ListDef] = [
    ListDef(
        "inbox",
        _("Chờ tiếp nhận (trực tuyến)"),
        _("Hồ sơ nộp trực tuyến chờ một cửa tiếp nhận."),
        frozenset({Role.DESK}),
        "submitted",
    ),
    ListDef(
        "received",
        _("Đã tiếp nhận, chờ chuyển xử lý"),
        _("Hồ sơ đã nhận, chưa chuyển bước xử lý."),
        frozenset({Role.DESK}),
        "due",
    ),
    ListDef(
        "mine",
        _("Bước xử lý của tôi"),
        _("Hồ sơ đang ở bước do bạn xử lý."),
        frozenset({Role.SPECIALIST, Role.LEADER, Role.DESK}),
        "due",
    ),
    ListDef(
        "unassigned",
        _("Bước của đơn vị chưa phân công"),
        _("Hồ sơ ở bước của đơn vị, chưa giao cho cán bộ nào."),
        frozenset({Role.LEADER, Role.UNIT_ADMIN, Role.SPECIALIST}),
        "due",
    ),
    ListDef(
        "due_soon",
        _("Đến hạn trong 1 ngày làm việc"),
        _("Hồ sơ còn không quá 8 giờ làm việc."),
        frozenset(Role),
        "due",
    ),
    ListDef(
        "overdue",
        _("Quá hạn"),
        _("Hồ sơ đã quá hạn trả kết quả mà chưa giải quyết xong."),
        frozenset(Role),
        "due",
    ),
    ListDef(
        "supplement",
        _("Chờ bổ sung"),
        _("Đang chờ người nộp bổ sung, hoàn thiện hồ sơ."),
        frozenset({Role.DESK, Role.SPECIALIST, Role.LEADER}),
        "-received",
    ),
    # issue 13 (rules): supplement requests past their deadline (CONTRACT.md §3).
    ListDef(
        "supplement_expired",
        _("Quá hạn bổ sung"),
        _("Người nộp chưa bổ sung dù đã quá hạn bổ sung: liên hệ hoặc xử lý theo quy định."),
        frozenset({Role.DESK, Role.LEADER}),
        "-received",
    ),
    ListDef(
        "payment",
        _("Chờ thực hiện nghĩa vụ tài chính"),
        _("Đang chờ nộp phí, lệ phí."),
        frozenset({Role.DESK, Role.SPECIALIST, Role.LEADER}),
        "-received",
    ),
    ListDef(
        "ready",
        _("Chờ trả kết quả"),
        _("Đã giải quyết xong, chờ trả kết quả cho người nộp."),
        frozenset({Role.DESK, Role.LEADER}),
        "-received",
    ),
    ListDef(
        "all",
        _("Tất cả hồ sơ"),
        _("Mọi hồ sơ trong phạm vi của bạn."),
        frozenset(Role),
        "-received",
    ),
]
LIST_BY_KEY = {item.key: item for item in LISTS}

SORTS = {
    "due": ("due_at", "id"),
    "-due": ("-due_at", "-id"),
    # When the dossier came in (counter reception or online submission): the order of the
    # "newest first" index, so a page is read from the index, not sorted.
    "received": ("created_at", "id"),
    "-received": ("-created_at", "-id"),
    "submitted": ("submitted_at", "id"),
    "code": ("code",),
    "-code": ("-code",),
    "applicant": ("applicant_name_folded", "id"),
}
SORT_LABELS = {
    "due": _("Hạn trả sớm nhất"),
    "-due": _("Hạn trả muộn nhất"),
    "-received": _("Mới tiếp nhận trước"),
    "received": _("Tiếp nhận lâu nhất trước"),
    "submitted": _("Nộp sớm nhất trước"),
    "code": _("Mã hồ sơ"),
    "applicant": _("Tên chủ hồ sơ"),
}


def _holder_q(user: Any, staff: Staff) -> Q:
    """The steps this officer holds: assigned to them, or unassigned at a unit where they
    hold the step's role (``step_role``, copied from the workflow when the step began)."""
    held = Q(assignee=user)
    for role, unit_id in staff.pairs:
        held |= Q(assignee__isnull=True, step_unit_id=unit_id, step_role=role)
    return held & Q(status__in=ACTIVE)


def list_filters(user: Any, staff: Staff, now: dt.datetime) -> dict[str, Q]:
    desk_units = staff.units(Role.DESK)
    units = staff.units()
    soon = working_calendar().add_working_seconds(now, 8 * 3600)
    mine_units = Q(unit_id__in=units) | Q(step_unit_id__in=units)
    return {
        "inbox": Q(status=Status.SUBMITTED, unit_id__in=desk_units),
        "received": Q(status=Status.RECEIVED, unit_id__in=desk_units),
        "mine": _holder_q(user, staff),
        "unassigned": Q(status__in=ACTIVE, assignee__isnull=True, step_unit_id__in=units),
        "due_soon": Q(status__in=RUNNING, due_at__gte=now, due_at__lte=soon) & mine_units,
        "overdue": Q(status__in=RUNNING, due_at__lt=now) & mine_units,
        "supplement": Q(status=Status.SUPPLEMENT_REQUESTED) & mine_units,
        "supplement_expired": Q(status=Status.SUPPLEMENT_REQUESTED, supplement_due_at__lt=now)
        & mine_units,
        "payment": Q(status=Status.AWAITING_PAYMENT) & mine_units,
        "ready": Q(status=Status.RESOLVED) & mine_units,
        "all": Q(),
    }


def lists_for(staff: Staff) -> list[ListDef]:
    roles = staff.roles or set(Role)
    return [item for item in LISTS if item.roles & roles]


def list_counts(*, user: Any, staff: Staff, now: dt.datetime | None = None) -> dict[str, int]:
    """The counts of the home page: every list of open work in one aggregate query, and "all"
    as a capped count (``core.pagination.capped_count``).

    Every list of open work is at one of the officer's own units (received there or at a
    step there) or assigned to them, so the aggregate reads only those rows, from the
    ``(unit, status)``, ``(step_unit, status)`` and ``(assignee, status)`` indexes: what the
    officer's units hold now, not the scope's whole history (a commune's ten thousand
    dossiers of past years). The scope still applies on top."""
    now = now or timezone.now()
    filters = list_filters(user, staff, now)
    wanted = {item.key for item in lists_for(staff)}
    aggregates = {
        key: Count("id", filter=q) for key, q in filters.items() if key in wanted and key != "all"
    }
    units = staff.units()
    held = Q(unit_id__in=units) | Q(step_unit_id__in=units) | Q(assignee=user)
    scope = dossier_scope(user=user)
    counts: dict[str, int] = scope.filter(held, status__in=OPEN).aggregate(**aggregates)
    if "all" in wanted:
        counts["all"] = capped_count(scope)
    return counts


@dataclass
class ListQuery:
    key: str = "mine"
    search: str = ""
    procedure: str = ""
    field: str = ""
    channel: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = ""

    @property
    def narrowed(self) -> bool:
        """Whether a search or a filter narrows the list."""
        return any((self.search, self.procedure, self.field, self.channel, self.date_from,
                    self.date_to))  # fmt: skip

    @classmethod
    def from_params(cls, params: Any, default_key: str) -> ListQuery:
        def day(name: str) -> dt.date | None:
            try:
                return iso_date(params.get(name, ""))
            except ValueError:
                return None

        key = params.get("list", default_key)
        return cls(
            key=key if key in LIST_BY_KEY else default_key,
            search=params.get("q", "").strip()[:100].replace("\x00", ""),
            procedure=params.get("procedure", "").strip()[:32].replace("\x00", ""),
            field=params.get("field", "").strip()[:32].replace("\x00", ""),
            channel=params.get("channel", "") if params.get("channel") in Channel.values else "",
            date_from=day("from"),
            date_to=day("to"),
            sort=params.get("sort", "") if params.get("sort") in SORTS else "",
        )


# What a row of the officer's lists shows besides the dossier itself.
INBOX_RELATED = ("procedure", "procedure__field", "unit", "step_unit",
                 "assignee__staff_profile", "assignee__citizen_profile")  # fmt: skip


def inbox_rows(ids: list[int]) -> list[Dossier]:
    """The rows of one list page, in the order of ``ids`` (taken from ``dossier_inbox``, so
    within the officer's scope): a page is read in two steps, its ids from the scoped, sorted
    query alone (narrow, from the indexes), then these rows by primary key."""
    return page_rows(
        Dossier.objects.annotate(started=Coalesce("received_at", "submitted_at")),
        ids,
        Prefetch("procedure", queryset=Procedure.objects.select_related("field")),
        "unit",
        "step_unit",
        Prefetch(
            "assignee",
            queryset=get_user_model().objects.select_related("staff_profile", "citizen_profile"),
        ),
    )


def dossier_inbox(
    *, user: Any, staff: Staff, query: ListQuery, now: dt.datetime | None = None
) -> QuerySet[Dossier]:
    """One list of the workspace, filtered, searched and sorted, ready to paginate."""
    now = now or timezone.now()
    sort = query.sort or LIST_BY_KEY[query.key].default_sort
    scope = scope_of(user)
    if query.key == "all" and sort == "-received" and not query.narrowed:
        return dossier_newest(user=user, scope=scope).select_related(*INBOX_RELATED)
    dossiers = (
        dossier_scope(user=user, scope=scope)
        .filter(list_filters(user, staff, now)[query.key])
        .select_related(*INBOX_RELATED)
        .annotate(started=Coalesce("received_at", "submitted_at"))
    )
    if query.search:
        dossiers = dossiers.filter(search_q(query.search, scope=scope))
    if query.procedure:
        dossiers = dossiers.filter(procedure__code=query.procedure)
    if query.field:
        dossiers = dossiers.filter(procedure__field__code=query.field)
    if query.channel:
        dossiers = dossiers.filter(channel=query.channel)
    tz = timezone.get_current_timezone()
    if query.date_from:
        dossiers = dossiers.filter(
            started__gte=dt.datetime.combine(query.date_from, dt.time.min, tzinfo=tz)
        )
    if query.date_to:
        after = query.date_to + dt.timedelta(days=1)
        dossiers = dossiers.filter(started__lt=dt.datetime.combine(after, dt.time.min, tzinfo=tz))
    return dossiers.order_by(*SORTS[sort])


def workload(*, user: Any, unit_ids: set[int]) -> list[dict[str, Any]]:
    """Open dossiers per officer at the given units (steps assigned to them)."""
    rows = (
        dossier_scope(user=user)
        .filter(status__in=ACTIVE, step_unit_id__in=unit_ids)
        .values("assignee_id", "assignee__username", "assignee__first_name", "assignee__last_name")
        .annotate(
            total=Count("id"),
            overdue=Count("id", filter=Q(due_at__lt=timezone.now())),
        )
        .order_by("-total", "assignee__username")
    )
    result: list[dict[str, Any]] = [dict(row) for row in rows]
    from django.contrib.auth import get_user_model

    from motcua.core.people import person_label

    people: dict[Any, Any] = {
        u.pk: u
        for u in get_user_model()
        .objects.filter(pk__in=[r["assignee_id"] for r in result if r["assignee_id"]])
        .select_related("staff_profile")
    }
    for row in result:
        row["label"] = person_label(people.get(row["assignee_id"]), with_title=True)
    return result
