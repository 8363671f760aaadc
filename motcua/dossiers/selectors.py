"""Every read of dossiers goes through here, scoped to what the user may see, in SQL.

Scope (issue 4): desk, specialists, leaders and unit administrators see the dossiers of
their units — received there, or with a step there now or before (inter-agency work);
leaders also see every unit below theirs; a citizen sees their own; system administrators
see all. A dossier outside the scope does not exist for that user (404).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import F, Prefetch, Q, QuerySet, Value, prefetch_related_objects
from django.db.models.functions import Concat
from django.db.models.lookups import Contains
from django.http import Http404
from django.utils import timezone

from motcua.core.crypto import blind_index, digits_of
from motcua.core.text import comparable, fold
from motcua.dossiers.models import (
    Attachment,
    AttachmentKind,
    Dossier,
    DossierEvent,
    DossierParticipant,
    Status,
)
from motcua.units.models import STAFF_ROLES, Membership, Role, Unit


class Scope(NamedTuple):
    """What a user sees: ``units`` (``None``: every unit), and ``own`` whether the dossiers
    they applied for count as well."""

    units: list[int] | None
    own: bool


def scope_of(user: User | AnonymousUser) -> Scope:
    """What ``user`` sees, read once a request (their memberships; callers that ask several
    questions of it pass it on)."""
    if not user.is_authenticated:
        return Scope([], own=False)
    if user.is_superuser:
        return Scope(None, own=False)
    memberships = list(
        Membership.objects.filter(user=user).values_list("role", "unit_id", "unit__path")
    )
    unit_ids = {unit_id for role, unit_id, _ in memberships if role in STAFF_ROLES and unit_id}
    leader_paths = {path for role, _, path in memberships if role == Role.LEADER and path}
    if not unit_ids:
        return Scope([], own=True)
    if leader_paths:
        below = Q()
        for path in leader_paths:
            below |= Q(path__startswith=path)
        if not Unit.objects.exclude(below).exists():
            return Scope(None, own=False)  # every unit is below: the whole table
        # The units as numbers, not a subquery: the planner then estimates the scope from
        # the participants' statistics of those units instead of guessing.
        units = sorted(Unit.objects.filter(below | Q(pk__in=unit_ids)).values_list("pk", flat=True))
    else:
        units = sorted(unit_ids)
    # An officer who is also an applicant (rare) sees their own dossiers as well.
    return Scope(units, own=Dossier.objects.filter(applicant_user=user).exists())


def _scope_filter(user: User | AnonymousUser, scope: Scope) -> Q | None:
    """One Q over the dossiers table; ``None`` means everything (system administrator, or a
    leader of the whole province)."""
    if scope.units is None:
        return None  # the whole table, read from its own indexes
    if not scope.units:
        return Q(applicant_user=user) if scope.own else Q(pk__in=[])
    # One semi-join on the participants (the receiving unit and every unit that held a
    # step): an index lookup per unit, whatever the size of the table. An ``OR`` with other
    # terms would make the database test every dossier against a hashed list instead.
    seen = Q(pk__in=DossierParticipant.objects.filter(unit_id__in=scope.units).values("dossier_id"))
    return seen | Q(applicant_user=user) if scope.own else seen


def dossier_newest(*, user: User | AnonymousUser, scope: Scope | None = None) -> QuerySet[Dossier]:
    """Every dossier the user sees, newest first: the unfiltered list.

    For the officers of one unit (a desk, a specialist, a commune's leader), read from the
    participants' (unit, newest first) index: the first page is its first entries, whatever
    the size of the unit or of the table. Through the semi-join of ``dossier_scope``,
    PostgreSQL sometimes walked the whole table's newest-first index instead, testing each
    dossier against the unit, until it had a page: tens of thousands of tests for a small unit
    (docs/scale.md, "A unit's newest dossiers"). For several units the semi-join stays: one
    index cannot give their entries in order, and for a large share of the table the walk is
    the right plan."""
    scope = scope or scope_of(user)
    if scope.units is None or len(scope.units) != 1 or scope.own:
        return dossier_scope(user=user, scope=scope).order_by("-created_at", "-id")
    # The same order as the dossiers' own: a participant's created_at is its dossier's.
    return Dossier.objects.filter(participants__unit_id=scope.units[0]).order_by(
        "-participants__created_at", "-participants__dossier_id"
    )


_CODE_LIKE = re.compile(r"[0-9A-Za-z._/-]*[0-9][0-9A-Za-z._/-]*")
_NUMBER_LIKE = re.compile(r"[0-9 .+()-]+")


# A unit that holds at most this many dossiers is searched by name by reading them: about
# 7 µs a dossier on PostgreSQL, so at most ~15 ms, where the trigram index took 1–120 ms.
NAMES_READ_UP_TO = 2000


def names_by_reading(scope: Scope) -> bool:
    """Whether a name search in ``scope`` should read its dossiers rather than ask the
    trigram index: the scope is one unit's dossiers, and it holds few (``NAMES_READ_UP_TO``).

    The trigram index's lists for common syllables ("ngu", "thi", "lan") hold most of the
    table, so through it a commune desk's search cost grew with the whole province (at
    500,000 dossiers, "lan" took 120 ms, "nguyễn thị lan" 20 ms); reading the unit's ~500
    dossiers took 3–4.5 ms for any name (docs/scale.md, "Search that the indexes answer")."""
    if scope.units is None or len(scope.units) != 1 or scope.own:
        return False
    held = DossierParticipant.objects.filter(unit_id=scope.units[0]).values("pk")
    return int(held[: NAMES_READ_UP_TO + 1].count()) <= NAMES_READ_UP_TO


def search_q(text: str, *, scope: Scope | None = None) -> Q:
    """What an officer types in the search box, matched the way the indexes can answer it:
    something shaped like a dossier code (one word with a digit, e.g. "000.01.50.H99-2612"
    or "261202-0042") by the code; a phone or ID number (9 digits or more) whole, by its keyed
    hash (they are encrypted at rest); anything else by the applicant's name, accents
    ignored, anywhere in the name (trigram indexes on PostgreSQL; in a ``scope`` of few
    dossiers, by reading them instead: ``names_by_reading``)."""
    text = text.strip()
    match = Q(pk__in=[])
    digits = digits_of(text)
    if len(digits) >= 9 and _NUMBER_LIKE.fullmatch(text):
        hashed = blind_index(digits)
        match |= Q(applicant_phone_hash=hashed) | Q(applicant_id_hash=hashed)
    if _CODE_LIKE.fullmatch(text):
        # Any part of the code ("261202-0042"): a trigram index on PostgreSQL answers it from
        # three characters on; shorter, only the start of the code, from the code's index.
        lookup = "code__contains" if len(text) >= 3 else "code__startswith"
        match |= Q(**{lookup: text.upper()})
        if text.upper() != text:
            match |= Q(**{lookup: text})
        return match
    if len(digits) >= 9 and _NUMBER_LIKE.fullmatch(text):
        return match
    folded = fold(text)
    if not folded:
        return match
    if scope is not None and names_by_reading(scope):
        # The same match on an expression no index holds: the database reads the scope's
        # dossiers and tests each name, instead of starting from the trigram index.
        return Q(Contains(Concat(F("applicant_name_folded"), Value("")), folded))
    return Q(applicant_name_folded__contains=folded)


def dossier_scope(*, user: User | AnonymousUser, scope: Scope | None = None) -> QuerySet[Dossier]:
    dossiers = Dossier.objects.all()
    seen = _scope_filter(user, scope or scope_of(user))
    return dossiers if seen is None else dossiers.filter(seen)


def dossier_list(
    *,
    user: User | AnonymousUser,
    status: str = "",
    unit: str = "",
    procedure: str = "",
    overdue: bool | None = None,
    search: str = "",
    now: dt.datetime | None = None,
    supplement_overdue: bool = False,
) -> QuerySet[Dossier]:
    """The dossiers a user sees, filtered; a fixed number of queries per page. Text the
    database cannot compare (a NUL character) matches nothing instead of failing."""
    if not all(comparable(value) for value in (status, unit, procedure, search)):
        return Dossier.objects.none()
    search = search.strip()[:100]
    related = ("procedure", "unit", "step_unit", "assignee", "procedure_version")
    scope = scope_of(user)
    if not (status or unit or procedure or search or supplement_overdue) and overdue is None:
        return dossier_newest(user=user, scope=scope).select_related(*related)
    dossiers = dossier_scope(user=user, scope=scope).select_related(*related)
    if status:
        dossiers = dossiers.filter(status__in=status.split(","))
    if unit:
        dossiers = dossiers.filter(Q(unit__code=unit) | Q(step_unit__code=unit))
    if procedure:
        dossiers = dossiers.filter(procedure__code=procedure)
    if overdue is not None:
        now = now or timezone.now()
        late = Q(status__in=[Status.RECEIVED, Status.PROCESSING], due_at__lt=now)
        dossiers = dossiers.filter(late) if overdue else dossiers.exclude(late)
    if supplement_overdue:
        # Waiting for a supplement past its deadline (CONTRACT.md §3): the desk and the
        # leader follow these up.
        dossiers = dossiers.filter(
            status=Status.SUPPLEMENT_REQUESTED, supplement_due_at__lt=now or timezone.now()
        )
    if search:
        dossiers = dossiers.filter(search_q(search, scope=scope))
    return dossiers.order_by("-created_at", "-id")


def dossier_rows(*, ids: list[int]) -> list[Dossier]:
    """The dossiers of one list page, in the order of ``ids``, with what the serializer reads.

    Lists page in two steps: the page's ids from the scoped, filtered, sorted query (a narrow
    sort the database can do from its indexes), then these rows. Sorting whole rows joined
    to their procedure records would cost more than the page itself."""
    return page_rows(
        Dossier.objects.all(), ids, "procedure", "unit", "step_unit", "assignee",
        "procedure_version",
    )  # fmt: skip


def page_rows(
    dossiers: QuerySet[Dossier], ids: list[int], *related: str | Prefetch
) -> list[Dossier]:
    """The rows of ``ids`` in their order, with ``related`` read by primary key, one small
    query per relation, instead of joined to the page's query. Joined, PostgreSQL spent
    4–10 ms planning a page of 25 rows over the dossiers table and its many indexes, and
    hashed every unit and every user to find the page's few: a cost that grows with the
    province, not with the page. By primary key, each query plans and runs in a fraction
    of a millisecond, and a procedure version's record is read once, not once per row."""
    rows = dossiers.in_bulk(ids)
    page = [rows[pk] for pk in ids if pk in rows]
    prefetch_related_objects(page, *related)
    return page


def dossier_get(*, user: User | AnonymousUser, code: str) -> Dossier:
    """One dossier by code, or 404 when it does not exist or is outside the user's scope."""
    if not comparable(code) or len(code) > 64:
        raise Http404("Không tìm thấy hồ sơ.")
    dossier = (
        dossier_scope(user=user)
        .select_related(
            "procedure", "unit", "step_unit", "assignee__staff_profile", "procedure_version"
        )
        .filter(code=code)
        .first()
    )
    if dossier is None:
        raise Http404("Không tìm thấy hồ sơ.")
    return dossier


def dossier_history(*, dossier: Dossier) -> QuerySet[DossierEvent]:
    return dossier.events.order_by("seq")


def dossier_attachments(*, dossier: Dossier) -> QuerySet[Attachment]:
    return dossier.attachments.order_by("uploaded_at", "id")


def dossier_current_results(*, dossier: Dossier) -> QuerySet[Attachment]:
    """The result files as they stand: a corrected result (đính chính) replaces the one it
    corrects, which stays in the record as superseded."""
    return dossier.attachments.filter(
        kind=AttachmentKind.RESULT, superseded_at__isnull=True
    ).order_by("uploaded_at", "id")
