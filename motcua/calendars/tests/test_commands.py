"""``motcua calendar import FILE`` and ``motcua calendar show YEAR``."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from motcua.calendars.models import CalendarDay

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("calendar", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_import_then_reimport(tmp_path: Path) -> None:
    path = tmp_path / "lich.csv"
    path.write_text("2027-02-20,workday,Làm bù\n2027-02-11,holiday,Nghỉ Tết\n", encoding="utf-8")
    assert "2 thêm mới" in run("import", str(path))
    assert "2 không đổi" in run("import", str(path))
    assert CalendarDay.objects.get(date=date(2027, 2, 20)).kind == "workday"


def test_import_errors_go_to_stderr_and_fail(tmp_path: Path) -> None:
    path = tmp_path / "sai.csv"
    path.write_text("2027-02-20,workday,Làm bù\n2027-02-31,holiday,Sai\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="không ngày nào được nhập"):
        call_command("calendar", "import", str(path), stdout=io.StringIO(), stderr=err)
    assert "Dòng 2" in err.getvalue()
    assert not CalendarDay.objects.filter(date=date(2027, 2, 20)).exists()


@pytest.mark.usefixtures("seeded_2027")
def test_show_prints_month_grids_and_the_marked_days() -> None:
    out = run("show", "2027")
    assert "Tháng 1/2027" in out
    assert "Tháng 12/2027" in out
    assert "T2 T3 T4 T5 T6 T7 CN" in out
    assert " 8* 9*10*" in out  # Tết, February 2027
    assert "08/02/2027  Thứ Hai" in out
    assert "Mùng ba Tết Nguyên Đán" in out


def test_show_refuses_an_absurd_year() -> None:
    with pytest.raises(CommandError, match="phạm vi"):
        run("show", "20270")
