from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from motcua.calendars.services import calendar_seed_from_package, package_days
from motcua.calendars.workingtime import VN_TZ, WorkingCalendar


def vn(*parts: int) -> datetime:
    """A local time in Vietnam: vn(2027, 3, 1, 8) is Monday 1 March 2027 08:00 +07:00."""
    return datetime(*parts, tzinfo=VN_TZ)  # type: ignore[misc]


def package_calendar(years: tuple[int, ...] = (2026, 2027, 2028)) -> WorkingCalendar:
    """The calendar the seeded table describes, built without the database."""
    days = package_days(years=years)
    return WorkingCalendar(
        holidays={d: name for d, (kind, name) in days.items() if kind == "holiday"},
        workdays={d: name for d, (kind, name) in days.items() if kind == "workday"},
    )


@pytest.fixture
def seeded_2027(db: None) -> None:
    """2027 from the package, whatever year the tests run in (seeding is idempotent)."""
    calendar_seed_from_package(years=[2027])


@pytest.fixture
def admin_user(db: None) -> object:
    return get_user_model().objects.create_superuser("quantri", password="mat-khau-dai-12")


@pytest.fixture
def officer(db: None) -> object:
    return get_user_model().objects.create_user("canbo", password="mat-khau-dai-12")


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def admin_api(admin_user: object) -> APIClient:
    client = APIClient()
    client.force_authenticate(admin_user)
    return client


@pytest.fixture
def due(api: APIClient) -> Callable[..., dict[str, object]]:
    """GET /api/v1/calendar/due and return the JSON, asserting a 200."""

    def call(start: str, days: object, **params: object) -> dict[str, object]:
        response = api.get("/api/v1/calendar/due", {"start": start, "days": days, **params})
        assert response.status_code == 200, response.json()
        return response.json()  # type: ignore[no-any-return]

    return call
