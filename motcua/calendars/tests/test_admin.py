"""The Django admin: the day table through the services, and the year page."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from motcua.calendars.models import CalendarDay
from motcua.calendars.services import calendar_day_set
from motcua.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(admin_user: Any) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.mark.usefixtures("seeded_2027")
def test_the_year_page_shows_twelve_months_with_days_marked(admin_client: Client) -> None:
    calendar_day_set(day=date(2027, 2, 20), kind="workday", name="Làm bù Tết", actor=None)
    response = admin_client.get("/admin/calendars/calendarday/year/2027/")
    assert response.status_code == 200
    html = response.content.decode()
    for month in range(1, 13):
        assert f"Tháng {month} / 2027" in html
    assert 'title="Ngày nghỉ: Mùng ba Tết Nguyên Đán"' in html
    assert 'title="Ngày làm bù: Làm bù Tết"' in html
    assert "/admin/calendars/calendarday/year/2026/" in html  # previous year
    assert "/admin/calendars/calendarday/year/2028/" in html  # next year


def test_the_year_page_without_a_year_opens_this_year(admin_client: Client) -> None:
    response = admin_client.get("/admin/calendars/calendarday/year/")
    assert response.status_code == 302
    assert "/admin/calendars/calendarday/year/" in response["Location"]


def test_the_changelist_links_to_the_year_page(admin_client: Client) -> None:
    response = admin_client.get("/admin/calendars/calendarday/")
    assert response.status_code == 200
    assert "/admin/calendars/calendarday/year/" in response.content.decode()


def test_the_year_page_needs_an_administrator(officer: Any) -> None:
    client = Client()
    assert client.get("/admin/calendars/calendarday/year/2027/").status_code == 302
    client.force_login(officer)
    assert client.get("/admin/calendars/calendarday/year/2027/").status_code == 302


def test_saving_in_the_admin_goes_through_the_service(
    admin_client: Client, admin_user: Any
) -> None:
    response = admin_client.post(
        "/admin/calendars/calendarday/add/",
        {"date": "2027-03-06", "kind": "workday", "name": "Làm bù"},
    )
    assert response.status_code == 302
    row = CalendarDay.objects.get(date=date(2027, 3, 6))
    assert (row.source, row.updated_by) == ("admin", admin_user)
    assert AuditEvent.objects.filter(action="calendar.day_set").exists()
    response = admin_client.post(f"/admin/calendars/calendarday/{row.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(date=date(2027, 3, 6)).exists()
    assert AuditEvent.objects.filter(action="calendar.day_delete").exists()
