"""The HTTP adapter for the province's integration gateway (LGSP / NDXP) in front of the
national population database. Every address, code and secret is configuration
(docs/population.md); the field names are the table :data:`REQUEST_FIELDS` /
:data:`RESPONSE_FIELDS`, to adjust to what the province's gateway publishes.

One call: ``POST {MOTCUA_POPULATION_URL}`` with a JSON body, ``Authorization: Bearer
{MOTCUA_POPULATION_TOKEN}`` when a token is set, a timeout of ``MOTCUA_POPULATION_TIMEOUT``
seconds. The answer ``{"error_code": "00", "data": {...}}`` is a person, ``"01"`` not found;
any other code is a refusal (its ``message`` is shown); an HTTP error, a timeout or a body
that is not that JSON means the gateway is unavailable. Nothing is retried: the officer is
at the counter and types by hand instead."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from motcua.integrations.population.providers import (
    Person,
    PopulationRefused,
    PopulationRequest,
    PopulationUnavailable,
)

FOUND, NOT_FOUND = "00", "01"
# MotCua's field → the gateway's field.
REQUEST_FIELDS = {
    "integration_code": "MaTichHop",
    "officer_code": "MaCanBo",
    "dossier_code": "MaHoSo",
    "reason": "LyDo",
    "id_number": "SoDinhDanh",
    "full_name": "HoVaTen",
    "birth_year": "NamSinh",
}
RESPONSE_FIELDS = {
    "id_number": "SoDinhDanh",
    "full_name": "HoVaTen",
    "date_of_birth": "NgaySinh",
    "address": "NoiThuongTru",
}


def _date(value: Any) -> str:
    text = str(value or "").strip()
    if len(text) == 4 and text.isdigit():
        return text  # the register holds only the year
    for fmt in ("%Y-%m-%d", "%Y%m%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text[:10], fmt).date().isoformat()
        except ValueError:
            continue
    return ""


@dataclass
class GatewayPopulation:
    url: str
    token: str
    integration_code: str
    timeout: float
    name: str = "http"
    sandbox: bool = False

    @classmethod
    def from_settings(cls) -> GatewayPopulation:
        url = str(getattr(settings, "MOTCUA_POPULATION_URL", "") or "")
        if not url:
            raise ImproperlyConfigured(
                "MOTCUA_POPULATION_PROVIDER=http needs MOTCUA_POPULATION_URL"
            )
        return cls(
            url=url,
            token=str(getattr(settings, "MOTCUA_POPULATION_TOKEN", "") or ""),
            integration_code=str(getattr(settings, "MOTCUA_POPULATION_INTEGRATION_CODE", "")),
            timeout=float(getattr(settings, "MOTCUA_POPULATION_TIMEOUT", 5)),
        )

    def lookup(self, query: PopulationRequest) -> Person | None:
        values: dict[str, Any] = {
            "integration_code": self.integration_code,
            "officer_code": query.officer_code,
            "dossier_code": query.dossier_code,
            "reason": query.reason,
            "id_number": query.id_number,
            "full_name": query.full_name,
            "birth_year": query.birth_year or "",
        }
        body = {REQUEST_FIELDS[key]: value for key, value in values.items()}
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            response = httpx.post(self.url, json=body, headers=headers, timeout=self.timeout)
            response.raise_for_status()
            answer = response.json()
        except httpx.TimeoutException as exc:
            raise PopulationUnavailable("timeout") from exc
        except (httpx.HTTPError, ValueError) as exc:
            raise PopulationUnavailable(type(exc).__name__) from exc
        if not isinstance(answer, dict):
            raise PopulationUnavailable("not a JSON object")
        code = str(answer.get("error_code", "")).zfill(2)
        if code == NOT_FOUND:
            return None
        if code != FOUND:
            raise PopulationRefused(str(answer.get("message") or code)[:300])
        data = answer.get("data")
        if not isinstance(data, dict):
            raise PopulationUnavailable("no data")
        person = {key: str(data.get(name) or "").strip() for key, name in RESPONSE_FIELDS.items()}
        if not person["full_name"]:
            raise PopulationUnavailable("no name")
        return Person(
            id_number=person["id_number"] or query.id_number,
            full_name=" ".join(person["full_name"].split())[:255],
            date_of_birth=_date(person["date_of_birth"]),
            address=person["address"][:500],
        )
