"""The whole API under schemathesis (issue 11, finding 5): every operation of the OpenAPI
schema gets generated valid and invalid requests, in process against the WSGI app, signed in
as a system administrator (so every operation is reachable), with every check schemathesis
has: no 5xx, every status code documented, every body as documented, the schema honest.

Examples per operation come from ``MOTCUA_FUZZ_EXAMPLES`` (default 30) and each operation is
bounded in time by Hypothesis' settings; the test data is the dossiers tests' province with
a few live dossiers, so generated codes hit real rows as often as missing ones."""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig

from motcua.core.services import api_token_create
from motcua.dossiers.services import dossier_intake
from motcua.dossiers.tests.conftest import APPLICANT, Province, province
from motcua.procedures.models import Procedure
from motcua.units.services import user_create_or_update
from motcua.wsgi import application

__all__ = ["province"]

pytestmark = pytest.mark.django_db
EXAMPLES = int(os.environ.get("MOTCUA_FUZZ_EXAMPLES", "30"))

load_all_checks()
ALL_CHECKS = CHECKS.get_all()


# Every check, strictly, with one allowance: a request whose shape the schema allows may
# still break a domain rule (a unit code that does not exist, a date outside the calendar's
# years), and CONTRACT.md §2 answers that with 400.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "400", "401", "403", "404", "409", "429"]
            }
        }
    }
)
schema = schemathesis.openapi.from_wsgi("/api/v1/schema", application, config=CONFIG)


@pytest.fixture
def admin_token(province: Province, settings: Any) -> str:
    # Generous limits: the fuzzer is one client sending hundreds of requests.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"login": "100000/min", "lookup": "100000/min"},
    }
    admin = user_create_or_update(username="fuzz-admin", password="mat-khau-fuzz-9", superuser=True)
    for _ in range(3):
        dossier_intake(
            actor=province.users["desk"],
            procedure=Procedure.objects.get(code="1.001193"),
            unit=province.commune,
            channel="counter",
            applicant=APPLICANT,
            summary="Hồ sơ thử",
        )
    cache.clear()
    _token, raw = api_token_create(user=admin, name="fuzz")
    return raw


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_operation_answers_5xx_or_breaks_its_schema(case: Any, admin_token: str) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {admin_token}"},
        checks=ALL_CHECKS,
    )
