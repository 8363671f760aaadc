"""The adapter interface of the population database: one question (an ID number, with the
name and year of birth when known), one answer (a :class:`Person` or none), and two
failures the desk must be told about in plain words (:class:`PopulationUnavailable` for a
gateway that is down, slow or broken; :class:`PopulationRefused` for a gateway that says no)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class PopulationRequest:
    """What the gateway is asked (reference/national-portal.md): the citizen's ID number,
    name and year of birth, the integration code and the requesting officer's code."""

    id_number: str
    full_name: str = ""
    birth_year: int | None = None
    officer_code: str = ""
    dossier_code: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Person:
    """What pre-fills intake. ``date_of_birth`` is ISO (``yyyy-mm-dd``), or a year alone
    (``yyyy``) when the register holds only the year."""

    id_number: str
    full_name: str
    date_of_birth: str
    address: str


class PopulationUnavailable(Exception):
    """The gateway did not answer in time, or answered something unreadable."""


class PopulationRefused(Exception):
    """The gateway refused the query (credentials, quota, a field it requires)."""


class PopulationProvider(Protocol):
    name: str
    # Shown beside every answer: a sandbox must say its citizens are fake.
    sandbox: bool

    def lookup(self, query: PopulationRequest) -> Person | None:
        """The person with this ID number (and name and year, when given), or None."""
        ...


def population_provider() -> PopulationProvider | None:
    """The configured provider, or None when the lookup is off (the default in production)."""
    name = str(getattr(settings, "MOTCUA_POPULATION_PROVIDER", "") or "").strip().lower()
    if not name:
        return None
    if name == "sandbox":
        from motcua.integrations.population.sandbox import SandboxPopulation

        return SandboxPopulation()
    if name == "http":
        from motcua.integrations.population.gateway import GatewayPopulation

        return GatewayPopulation.from_settings()
    raise ImproperlyConfigured(
        f"MOTCUA_POPULATION_PROVIDER must be empty, sandbox or http, not {name!r}"
    )
