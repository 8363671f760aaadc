"""The working-time API (CONTRACT.md §2) with the issue's examples."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from rest_framework.test import APIClient

from motcua.calendars.models import CalendarDay
from motcua.calendars.services import calendar_day_set
from motcua.core.models import AuditEvent

pytestmark = pytest.mark.django_db
Due = Callable[..., dict[str, Any]]


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        ("2027-03-01T08:00:00+07:00", "1", "2027-03-02T08:00:00+07:00"),
        ("2027-03-05T16:00:00+07:00", "1", "2027-03-08T16:00:00+07:00"),
        ("2027-03-03T15:20:00+07:00", "0", "2027-03-04T17:00:00+07:00"),
        ("2027-03-01T13:00:00+07:00", "0.5", "2027-03-01T17:00:00+07:00"),
        ("2027-03-01T13:00:00+07:00", "0,5", "2027-03-01T17:00:00+07:00"),
        ("2027-03-01T01:00:00Z", "1", "2027-03-02T08:00:00+07:00"),
    ],
)
def test_issue_examples_through_the_api(due: Due, start: str, days: str, expected: str) -> None:
    assert due(start, days)["due_at"] == expected


def test_an_unencoded_plus_in_the_offset_still_parses(api: APIClient) -> None:
    response = api.get("/api/v1/calendar/due?start=2027-03-01T08:00:00+07:00&days=1")
    assert response.status_code == 200
    assert response.json()["due_at"] == "2027-03-02T08:00:00+07:00"


def test_same_day_cutoff_parameter(due: Due) -> None:
    body = due("2027-03-03T10:30:00+07:00", 0, cutoff="10:00")
    assert body["due_at"] == "2027-03-04T17:00:00+07:00"
    assert body["cutoff"] == "10:00"
    assert due("2027-03-03T10:30:00+07:00", 0)["due_at"] == "2027-03-03T17:00:00+07:00"


@pytest.mark.usefixtures("seeded_2027")
def test_a_deadline_across_tet_skips_the_holiday_table_and_counts_a_make_up_saturday(
    admin_api: APIClient, due: Due
) -> None:
    # The government's 2027 schedule, as an administrator enters it: two more days off
    # after the package's Tết, and Saturday 20/02 worked in exchange.
    for day in ("2027-02-11", "2027-02-12"):
        response = admin_api.put(
            f"/api/v1/calendar/days/{day}", {"kind": "holiday", "name": "Nghỉ Tết"}, format="json"
        )
        assert response.status_code == 200
    response = admin_api.put(
        "/api/v1/calendar/days/2027-02-20",
        {"kind": "workday", "name": "Làm bù cho ngày 12/02/2027"},
        format="json",
    )
    assert response.status_code == 200
    # Wednesday 03/02 14:00 + 6 days: 3 h that day, nothing from Thursday 04/02 to Sunday
    # 14/02, 5 × 8 h from Monday 15/02 to Friday 19/02, the last 5 h on Saturday 20/02.
    body = due("2027-02-03T14:00:00+07:00", 6, explain=1)
    assert body["due_at"] == "2027-02-20T14:00:00+07:00"
    explanation = body["explanation"]
    assert [s["date"] for s in explanation["skipped"]] == [
        f"2027-02-{day:02d}" for day in range(4, 15)
    ]
    assert {s["reason"] for s in explanation["skipped"][:9]} == {"holiday"}
    assert explanation["skipped"][9:] == [
        {"date": "2027-02-13", "reason": "weekend", "name": ""},
        {"date": "2027-02-14", "reason": "weekend", "name": ""},
    ]
    assert explanation["workdays"] == [{"date": "2027-02-20", "name": "Làm bù cho ngày 12/02/2027"}]
    assert (
        "Tính Thứ Bảy 20/02/2027 là ngày làm bù (Làm bù cho ngày 12/02/2027)."
        in (explanation["lines"])
    )
    assert (
        "Bỏ qua Thứ Hai 08/02/2027 (ngày nghỉ lễ: Mùng ba Tết Nguyên Đán)."
        in (explanation["lines"])
    )


@pytest.mark.usefixtures("seeded_2027")
@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # 30/4 (Friday), 1/5 (Saturday) and its day off in lieu, Monday 3/5.
        ("2027-04-29T13:00:00+07:00", "1", "2027-05-04T11:30:00+07:00"),
        ("2027-04-29T15:30:00+07:00", "0", "2027-05-04T17:00:00+07:00"),
        ("2027-04-28T08:00:00+07:00", "2", "2027-05-04T08:00:00+07:00"),
        # 2/9 and 3/9 (Thursday, Friday).
        ("2027-09-01T16:00:00+07:00", "1", "2027-09-06T16:00:00+07:00"),
        ("2027-09-01T15:20:00+07:00", "0", "2027-09-06T17:00:00+07:00"),
        ("2027-09-02T09:00:00+07:00", "0.5", "2027-09-06T11:30:00+07:00"),
        # Hùng Kings' day, Friday 16/4.
        ("2027-04-15T08:00:00+07:00", "1", "2027-04-19T08:00:00+07:00"),
        # New Year: Friday 1/1/2027.
        ("2026-12-31T10:00:00+07:00", "1", "2027-01-04T10:00:00+07:00"),
    ],
)
def test_national_holidays_through_the_api(due: Due, start: str, days: str, expected: str) -> None:
    assert due(start, days)["due_at"] == expected


@pytest.mark.usefixtures("seeded_2027")
def test_a_make_up_saturday_is_a_working_day(admin_api: APIClient, due: Due) -> None:
    assert due("2027-03-05T16:00:00+07:00", 1)["due_at"] == "2027-03-08T16:00:00+07:00"
    admin_api.put("/api/v1/calendar/days/2027-03-06", {"kind": "workday", "name": "Làm bù"})
    assert due("2027-03-05T16:00:00+07:00", 1)["due_at"] == "2027-03-06T16:00:00+07:00"
    assert due("2027-03-06T15:00:00+07:00", 0)["due_at"] == "2027-03-06T17:00:00+07:00"
    assert admin_api.delete("/api/v1/calendar/days/2027-03-06").status_code == 204
    assert due("2027-03-05T16:00:00+07:00", 1)["due_at"] == "2027-03-08T16:00:00+07:00"


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"start": "2027-03-01T08:00:00", "days": "1"}, "start", "múi giờ"),
        ({"start": "hôm qua", "days": "1"}, "start", "không hợp lệ"),
        ({"start": "2027-02-30T08:00:00+07:00", "days": "1"}, "start", "không hợp lệ"),
        ({"days": "1"}, "start", "Thiếu"),
        ({"start": "2027-03-01T08:00:00+07:00", "days": "-1"}, "days", "không được âm"),
        ({"start": "2027-03-01T08:00:00+07:00", "days": "366"}, "days", "tối đa là 365"),
        ({"start": "2027-03-01T08:00:00+07:00", "days": "1e9"}, "days", "tối đa là 365"),
        ({"start": "2027-03-01T08:00:00+07:00", "days": "nan"}, "days", "không phải là một số"),
        ({"start": "2027-03-01T08:00:00+07:00", "days": "một"}, "days", "không phải là một số"),
        ({"start": "2027-03-01T08:00:00+07:00"}, "days", "Thiếu"),
        ({"start": "2027-03-01T08:00:00+07:00", "days": "0", "cutoff": "25:00"}, "cutoff", "HH:MM"),
        ({"start": "9999-12-31T23:00:00+07:00", "days": "365"}, "start", "phạm vi"),
    ],
)
def test_bad_inputs_get_400_with_a_vietnamese_message(
    api: APIClient, params: dict[str, str], field: str, words: str
) -> None:
    response = api.get("/api/v1/calendar/due", params)
    assert response.status_code == 400
    body = response.json()
    assert words in body["detail"]
    assert words in body[field][0]


def test_every_bad_field_is_reported_at_once(api: APIClient) -> None:
    response = api.get("/api/v1/calendar/due", {"start": "x", "days": "-2"})
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "start", "days"}


def test_anonymous_writes_get_401(api: APIClient) -> None:
    assert api.put("/api/v1/calendar/days/2027-03-06", {"kind": "workday"}).status_code == 401
    assert api.delete("/api/v1/calendar/days/2027-03-06").status_code == 401
    assert not CalendarDay.objects.filter(date=date(2027, 3, 6)).exists()


def test_non_administrators_get_403(api: APIClient, officer: Any) -> None:
    api.force_authenticate(officer)
    assert api.put("/api/v1/calendar/days/2027-03-06", {"kind": "workday"}).status_code == 403
    assert api.delete("/api/v1/calendar/days/2027-03-06").status_code == 403
    assert not CalendarDay.objects.filter(date=date(2027, 3, 6)).exists()


def test_bearer_token_of_an_administrator_may_write(api: APIClient, admin_user: Any) -> None:
    token = api.post(
        "/api/v1/auth/token", {"username": "quantri", "password": "mat-khau-dai-12"}
    ).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = api.put(
        "/api/v1/calendar/days/2027-03-06", {"kind": "workday", "name": "Làm bù"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["source"] == "admin"
    assert response.json()["updated_by"] == "quantri"


def test_put_writes_an_audit_row(admin_api: APIClient, admin_user: Any) -> None:
    admin_api.put("/api/v1/calendar/days/2027-03-09", {"kind": "holiday", "name": "Nghỉ"})
    event = AuditEvent.objects.get(action="calendar.day_set", target="calendar:2027-03-09")
    assert event.actor == admin_user
    assert event.data["kind"] == "holiday"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/calendar/days/2027-02-30", {"kind": "holiday"}, "date"),
        ("/api/v1/calendar/days/27-3-1", {"kind": "holiday"}, "date"),
        ("/api/v1/calendar/days/2027-03-01", {"kind": "nghỉ"}, "kind"),
        ("/api/v1/calendar/days/2027-03-01", {}, "kind"),
        ("/api/v1/calendar/days/2027-03-01", {"kind": "holiday", "name": "x" * 201}, "name"),
    ],
)
def test_bad_day_writes_get_400(
    admin_api: APIClient, path: str, body: dict[str, str], field: str
) -> None:
    response = admin_api.put(path, body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert response.json()["detail"]


def test_delete_of_a_bad_date_gets_400(admin_api: APIClient) -> None:
    assert admin_api.delete("/api/v1/calendar/days/2027-13-01").status_code == 400


@pytest.mark.usefixtures("seeded_2027")
def test_list_days_of_a_year(api: APIClient) -> None:
    calendar_day_set(day=date(2027, 2, 20), kind="workday", name="Làm bù", actor=None)
    response = api.get("/api/v1/calendar/days", {"year": 2027, "page_size": 200})
    assert response.status_code == 200
    body = response.json()
    assert {"count", "next", "previous", "results"} <= set(body)
    dates = [row["date"] for row in body["results"]]
    assert dates == sorted(dates)
    assert all(d.startswith("2027-") for d in dates)
    tet = next(row for row in body["results"] if row["date"] == "2027-02-08")
    assert tet["kind"] == "holiday"
    assert tet["weekday"] == "Thứ Hai"
    assert tet["source"] == "package"
    workdays = api.get("/api/v1/calendar/days", {"year": 2027, "kind": "workday"}).json()
    assert [row["date"] for row in workdays["results"]] == ["2027-02-20"]
    assert api.get("/api/v1/calendar/days", {"year": "hai"}).status_code == 400
    assert api.get("/api/v1/calendar/days", {"kind": "x"}).status_code == 400


@pytest.mark.usefixtures("seeded_2027")
def test_get_one_day(api: APIClient) -> None:
    body = api.get("/api/v1/calendar/days/2027-02-08").json()
    assert body["working"] is False
    assert body["kind"] == "holiday"
    plain = api.get("/api/v1/calendar/days/2027-03-02").json()
    assert plain == {
        "date": "2027-03-02",
        "weekday": "Thứ Ba",
        "working": True,
        "kind": None,
        "name": "",
        "source": None,
    }


def test_the_schema_documents_the_calendar_endpoints(api: APIClient) -> None:
    response = api.get("/api/v1/schema", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/calendar/due" in paths
    due = paths["/api/v1/calendar/due"]["get"]
    assert due["summary"] == "Tính ngày hẹn trả kết quả"
    assert {p["name"] for p in due["parameters"]} >= {"start", "days", "cutoff", "explain"}
    assert {"put", "delete", "get"} <= set(paths["/api/v1/calendar/days/{day}"])
