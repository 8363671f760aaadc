"""Writes of the day table: seeding, admin edits, fallback, CSV import, audit, cache."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from motcua.calendars.models import CalendarDay
from motcua.calendars.selectors import calendar_stamp, local_now, working_calendar
from motcua.calendars.services import (
    CalendarImportError,
    calendar_day_delete,
    calendar_day_set,
    calendar_import_csv,
    calendar_seed_from_package,
    package_days,
)
from motcua.core.models import AuditEvent

pytestmark = pytest.mark.django_db

SCHEDULE = """date,kind,name
2027-02-11,holiday,Nghỉ Tết Nguyên đán
2027-02-12,holiday,Nghỉ Tết Nguyên đán
2027-02-20,workday,Làm bù cho ngày 12/02/2027
"""


def test_migrate_seeds_this_year_and_the_next_two() -> None:
    year = local_now().year
    for y in (year, year + 1, year + 2):
        assert CalendarDay.objects.filter(
            date=date(y, 1, 1), kind="holiday", source="package"
        ).exists()
        assert CalendarDay.objects.filter(date=date(y, 9, 2), kind="holiday").exists()


def test_package_swapped_saturdays_become_make_up_workdays() -> None:
    days = package_days(years=[2025, 2026])
    assert days[date(2025, 4, 26)] == ("workday", "Làm bù cho ngày nghỉ 02/05/2025")
    assert days[date(2026, 8, 22)] == ("workday", "Làm bù cho ngày nghỉ 31/08/2026")


def test_seeding_is_idempotent_and_never_overwrites_an_administrator(admin_user: Any) -> None:
    calendar_seed_from_package(years=[2027])
    calendar_day_set(day=date(2027, 2, 10), kind="workday", name="Đi làm", actor=admin_user)
    before = list(CalendarDay.objects.values_list("date", "kind", "name", "source", "updated_at"))
    report = calendar_seed_from_package(years=[2027])
    assert not report.changed
    after = list(CalendarDay.objects.values_list("date", "kind", "name", "source", "updated_at"))
    assert after == before
    assert CalendarDay.objects.get(date=date(2027, 2, 10)).kind == "workday"


def test_seeding_repairs_changed_package_rows_and_drops_stale_ones() -> None:
    calendar_seed_from_package(years=[2027])
    CalendarDay.objects.filter(date=date(2027, 9, 2)).update(name="sai")
    CalendarDay.objects.create(date=date(2027, 6, 1), kind="holiday", name="cũ", source="package")
    report = calendar_seed_from_package(years=[2027])
    assert (report.updated, report.deleted) == (1, 1)
    assert CalendarDay.objects.get(date=date(2027, 9, 2)).name == "Quốc khánh"
    assert not CalendarDay.objects.filter(date=date(2027, 6, 1)).exists()


def test_set_is_audited_and_setting_the_same_again_changes_nothing(admin_user: Any) -> None:
    row = calendar_day_set(day=date(2027, 3, 6), kind="workday", name="Làm bù", actor=admin_user)
    assert (row.source, row.updated_by) == ("admin", admin_user)
    assert AuditEvent.objects.filter(action="calendar.day_set").count() == 1
    again = calendar_day_set(day=date(2027, 3, 6), kind="workday", name="Làm bù", actor=admin_user)
    assert again.updated_at == row.updated_at
    assert AuditEvent.objects.filter(action="calendar.day_set").count() == 1


def test_set_refuses_a_bad_kind() -> None:
    with pytest.raises(ValidationError) as caught:
        calendar_day_set(day=date(2027, 3, 6), kind="weekend", name="", actor=None)
    assert "kind" in caught.value.message_dict


@pytest.mark.usefixtures("seeded_2027")
def test_delete_falls_back_to_the_package_value(admin_user: Any) -> None:
    calendar_day_set(day=date(2027, 9, 2), kind="workday", name="Trực", actor=admin_user)
    row = calendar_day_delete(day=date(2027, 9, 2), actor=admin_user)
    assert row is not None
    assert (row.kind, row.name, row.source) == ("holiday", "Quốc khánh", "package")
    event = AuditEvent.objects.get(action="calendar.day_delete")
    assert event.data["previous"]["kind"] == "workday"
    assert event.data["now"]["kind"] == "holiday"


def test_delete_falls_back_to_the_weekday_rule(admin_user: Any) -> None:
    calendar_day_set(day=date(2027, 3, 9), kind="holiday", name="Nghỉ", actor=admin_user)
    assert not working_calendar().is_working_day(date(2027, 3, 9))
    assert calendar_day_delete(day=date(2027, 3, 9), actor=admin_user) is None
    assert not CalendarDay.objects.filter(date=date(2027, 3, 9)).exists()
    assert working_calendar().is_working_day(date(2027, 3, 9))
    assert calendar_day_delete(day=date(2027, 3, 9), actor=admin_user) is None  # idempotent
    assert AuditEvent.objects.filter(action="calendar.day_delete").count() == 1


def test_import_applies_a_schedule_and_reimport_is_a_no_op(tmp_path: Path, admin_user: Any) -> None:
    path = tmp_path / "lich-2027.csv"
    path.write_text("\ufeff" + SCHEDULE, encoding="utf-8")  # as a spreadsheet saves it
    report = calendar_import_csv(file=path, actor=admin_user)
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    row = CalendarDay.objects.get(date=date(2027, 2, 20))
    assert (row.kind, row.source, row.updated_by) == ("workday", "import", admin_user)
    assert AuditEvent.objects.filter(action="calendar.import").count() == 1
    stamp = calendar_stamp()
    again = calendar_import_csv(file=path, actor=admin_user)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert calendar_stamp() == stamp
    assert AuditEvent.objects.filter(action="calendar.import").count() == 1


@pytest.mark.usefixtures("seeded_2027")
def test_import_pins_package_rows_it_confirms() -> None:
    report = calendar_import_csv(file=io.StringIO("2027-09-02,holiday,Quốc khánh\n"))
    assert report.updated == 1
    assert CalendarDay.objects.get(date=date(2027, 9, 2)).source == "import"


def test_import_errors_name_every_bad_line_and_import_nothing() -> None:
    text = (
        "date,kind,name\n"
        "2027-02-11,holiday,Nghỉ Tết\n"
        "2027-02-30,holiday,Không có ngày này\n"
        "11/02/2027,holiday,Sai dạng ngày\n"
        "2027-02-13,nghỉ,Sai loại\n"
        "2027-02-11,workday,Trùng\n"
        "2027-02-14\n"
        "\n"
        "2027-02-15,holiday," + "x" * 201 + "\n"
    )
    with pytest.raises(CalendarImportError) as caught:
        calendar_import_csv(file=io.StringIO(text))
    errors = caught.value.errors
    assert [error.split(":")[0] for error in errors] == [
        "Dòng 3",
        "Dòng 4",
        "Dòng 5",
        "Dòng 6",
        "Dòng 7",
        "Dòng 9",
    ]
    assert "2027-02-30" in errors[0]
    assert "đã có ở dòng 2" in errors[3]
    assert not CalendarDay.objects.filter(date=date(2027, 2, 11)).exists()


def test_import_of_an_empty_or_missing_file_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(CalendarImportError, match="không có dòng dữ liệu"):
        calendar_import_csv(file=io.StringIO("date,kind,name\n"))
    with pytest.raises(CalendarImportError, match="Không mở được tệp"):
        calendar_import_csv(file=tmp_path / "khong-co.csv")
    with pytest.raises(CalendarImportError, match="UTF-8"):
        calendar_import_csv(file=io.BytesIO(b"2027-02-11,holiday,T\xeat"))  # Latin-1


def test_the_cached_calendar_follows_every_change(admin_user: Any) -> None:
    first = working_calendar()
    assert working_calendar() is first  # unchanged table: the same object
    calendar_day_set(day=date(2027, 3, 10), kind="holiday", name="Nghỉ", actor=admin_user)
    second = working_calendar()
    assert second is not first
    assert not second.is_working_day(date(2027, 3, 10))
    calendar_day_set(day=date(2027, 3, 10), kind="holiday", name="Nghỉ bù", actor=admin_user)
    assert working_calendar().holidays[date(2027, 3, 10)] == "Nghỉ bù"
    calendar_day_delete(day=date(2027, 3, 10), actor=admin_user)
    assert working_calendar().is_working_day(date(2027, 3, 10))


def test_the_cache_check_is_one_small_query(django_assert_num_queries: Any) -> None:
    working_calendar()
    with django_assert_num_queries(1):
        working_calendar()
