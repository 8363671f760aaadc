"""The population database lookup at the counter: one function, :func:`population_lookup`,
called by the intake page and by its JSON endpoint.

Rules (issue 15): the reason is required; each officer is limited to
``MOTCUA_POPULATION_RATE`` queries (default 30 an hour, the project's limiter); every query
that reaches the provider is audited, found or not, answered or not; the answer goes back to
the officer's form and is stored nowhere (not in the audit, not in a cache, not in a log)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from motcua.core.crypto import blind_index
from motcua.core.ratelimit import rate_limited
from motcua.core.validation import is_ascii_int
from motcua.integrations.population.models import Outcome, PopulationQuery
from motcua.integrations.population.providers import (
    Person,
    PopulationRefused,
    PopulationRequest,
    PopulationUnavailable,
    population_provider,
)
from motcua.units.models import Unit

log = logging.getLogger(__name__)


class PopulationLookupFailed(Exception):
    """A lookup that gives the officer a message instead of a person. ``status`` is the
    HTTP status of the JSON endpoint; ``errors`` the fields at fault."""

    def __init__(self, message: str, status: int, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.errors = errors or {}


@dataclass(frozen=True)
class LookupResult:
    person: Person | None
    sandbox: bool
    query_id: int


def population_rate() -> str:
    return str(getattr(settings, "MOTCUA_POPULATION_RATE", "30/h"))


def lookup_enabled() -> bool:
    """Whether the intake page offers the lookup; a misconfigured gateway hides it (and is
    logged) rather than breaking intake."""
    from django.core.exceptions import ImproperlyConfigured

    try:
        return population_provider() is not None
    except ImproperlyConfigured as exc:
        log.error("population lookup is misconfigured: %s", exc)
        return False


def population_lookup(
    *,
    officer: Any,
    unit: Unit | None,
    id_number: str,
    full_name: str = "",
    birth_year: str = "",
    reason: str,
    dossier_code: str = "",
) -> LookupResult:
    """Ask the population database for the citizen with this ID number (and name and year
    of birth, when given) on behalf of a desk officer, for a stated reason; audited."""
    provider = population_provider()
    if provider is None:
        raise PopulationLookupFailed(_("Chưa kết nối Cơ sở dữ liệu quốc gia về dân cư."), 404)
    id_number = (id_number or "").strip()
    full_name = " ".join((full_name or "").split())[:255]
    birth_year = (birth_year or "").strip()
    reason = " ".join((reason or "").split())[:500]
    dossier_code = (dossier_code or "").strip()[:64]
    errors: dict[str, list[str]] = {}
    if not (len(id_number) == 12 and is_ascii_int(id_number)):
        errors["id_number"] = [_("Số định danh cá nhân gồm đúng 12 chữ số.")]
    year: int | None = None
    if birth_year:
        if is_ascii_int(birth_year) and len(birth_year) == 4 and 1900 <= int(birth_year) <= 2100:
            year = int(birth_year)
        else:
            errors["birth_year"] = [_("Năm sinh gồm 4 chữ số, ví dụ 1990.")]
    if not reason:
        errors["reason"] = [_("Nêu lý do tra cứu (bắt buộc, được ghi vào nhật ký).")]
    if errors:
        raise PopulationLookupFailed(_("Thông tin tra cứu chưa hợp lệ."), 400, errors)
    if rate_limited("population", f"officer:{officer.pk}", population_rate()):
        raise PopulationLookupFailed(
            _(
                "Bạn đã tra cứu quá số lần cho phép trong khoảng thời gian này. Vui lòng nhập "
                "thông tin bằng tay hoặc thử lại sau."
            ),
            429,
        )
    query = PopulationRequest(
        id_number=id_number,
        full_name=full_name,
        birth_year=year,
        officer_code=officer.get_username(),
        dossier_code=dossier_code,
        reason=reason,
    )
    started = time.monotonic()
    person: Person | None = None
    outcome = Outcome.NOT_FOUND
    failure: PopulationLookupFailed | None = None
    try:
        person = provider.lookup(query)
        outcome = Outcome.FOUND if person is not None else Outcome.NOT_FOUND
    except PopulationUnavailable as exc:
        log.warning("population gateway unavailable: %s", exc)
        outcome = Outcome.UNAVAILABLE
        failure = PopulationLookupFailed(
            _(
                "Cơ sở dữ liệu dân cư hiện không phản hồi. Vui lòng nhập thông tin của "
                "công dân bằng tay; việc tiếp nhận hồ sơ không bị ảnh hưởng."
            ),
            503,
        )
    except PopulationRefused as exc:
        log.warning("population gateway refused the query: %s", exc)
        outcome = Outcome.REFUSED
        failure = PopulationLookupFailed(
            _("Cơ sở dữ liệu dân cư từ chối yêu cầu tra cứu: %(why)s") % {"why": exc}, 502
        )
    row = PopulationQuery.objects.create(
        officer=officer,
        unit=unit,
        dossier_code=dossier_code,
        reason=reason,
        id_hash=blind_index(id_number),
        with_name=bool(full_name),
        with_birth_year=year is not None,
        provider=provider.name,
        outcome=outcome,
        duration_ms=int((time.monotonic() - started) * 1000),
    )
    if failure is not None:
        raise failure
    return LookupResult(person=person, sandbox=provider.sandbox, query_id=row.pk)


def _display_date(value: str) -> str:
    """``yyyy-mm-dd`` as ``dd/mm/yyyy`` (a year alone stays a year)."""
    if len(value) == 10:
        return f"{value[8:10]}/{value[5:7]}/{value[0:4]}"
    return value


def lookup_json(result: LookupResult) -> dict[str, Any]:
    """The endpoint's answer (the person, with the sandbox label when the data is fake)."""
    from motcua.integrations.population.sandbox import LABEL

    person = result.person
    return {
        "found": person is not None,
        "sandbox": result.sandbox,
        "label": LABEL if result.sandbox else "",
        "query": result.query_id,
        "person": None
        if person is None
        else {
            "id_number": person.id_number,
            "name": person.full_name,
            "date_of_birth": person.date_of_birth,
            "date_of_birth_display": _display_date(person.date_of_birth),
            "address": person.address,
        },
        "detail": ""
        if person is not None
        else _("Không tìm thấy công dân với thông tin đã nhập. Vui lòng kiểm tra hoặc nhập tay."),
    }


def population_query_attach(*, query_id: Any, officer: Any, dossier_code: str) -> int:
    """Name the dossier a lookup pre-filled once the intake saved it (the audit's "for which
    dossier"); only the officer's own query, only once."""
    if not isinstance(query_id, int):
        return 0
    return int(
        PopulationQuery.objects.filter(pk=query_id, officer=officer, dossier_code="").update(
            dossier_code=dossier_code[:64]
        )
    )
