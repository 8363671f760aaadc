"""``motcua calendar import FILE``, ``motcua calendar show YEAR``, ``motcua calendar seed``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.calendars.selectors import MonthGrid, calendar_year_grid, local_now, working_calendar
from motcua.calendars.services import (
    CalendarImportError,
    calendar_import_csv,
    calendar_seed_from_package,
)

_HEADER = "T2 T3 T4 T5 T6 T7 CN"
_MARKS = {"holiday": "*", "workday": "+", "weekend": " ", "": " "}
_WIDTH = len(_HEADER) + 1


def _month_lines(month: MonthGrid) -> list[str]:
    lines = [f"Tháng {month.month}/{month.year}".center(_WIDTH).rstrip().ljust(_WIDTH), _HEADER]
    for week in month.weeks:
        cells = [
            f"{cell.day.day:2d}{_MARKS[cell.mark]}" if cell.in_month else "   " for cell in week
        ]
        lines.append("".join(cells))
    while len(lines) < 8:  # six week rows, so that months side by side line up
        lines.append("")
    return [line.ljust(_WIDTH) for line in lines]


def render_year(year: int) -> str:
    """The year as month grids, three across, then the list of marked days."""
    cal = working_calendar()
    months = calendar_year_grid(year=year, cal=cal)
    out = [f"Lịch làm việc năm {year}".center(3 * _WIDTH + 4).rstrip(), ""]
    for row in range(0, 12, 3):
        columns = [_month_lines(month) for month in months[row : row + 3]]
        for parts in zip(*columns, strict=True):
            out.append("  ".join(parts).rstrip())
    out.append(
        "* ngày nghỉ lễ, Tết    + ngày làm bù    (thứ Bảy, Chủ nhật nghỉ nếu không đánh dấu)"
    )
    out.append("")
    marked = [
        cell
        for month in months
        for week in month.weeks
        for cell in week
        if cell.in_month and cell.mark in {"holiday", "workday"}
    ]
    if not marked:
        out.append(f"Năm {year} chưa có ngày nghỉ lễ hay ngày làm bù nào trong bảng.")
    for cell in marked:
        label = "nghỉ   " if cell.mark == "holiday" else "làm bù "
        out.append(f"{cell.day:%d/%m/%Y}  {cell.weekday:<8}  {label}  {cell.name}".rstrip())
    working = sum(1 for m in months for w in m.weeks for c in w if c.in_month and c.working)
    out += ["", f"Số ngày làm việc: {working}."]
    return "\n".join(out)


class Command(BaseCommand):
    help = "Working-time calendar: import an official schedule, show a year, seed defaults."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True, metavar="{import,show,seed}")
        importer = commands.add_parser(
            "import", help="import a schedule CSV (date,kind,name); all or nothing"
        )
        importer.add_argument("file")
        show = commands.add_parser("show", help="print a year as month grids")
        show.add_argument("year", type=int)
        seed = commands.add_parser(
            "seed", help="add the holidays package's defaults (this year and the next two)"
        )
        seed.add_argument("years", type=int, nargs="*")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "import":
            try:
                report = calendar_import_csv(file=options["file"])
            except CalendarImportError as exc:
                for error in exc.errors:
                    self.stderr.write(error)
                raise CommandError(
                    f"{len(exc.errors)} lỗi; không ngày nào được nhập (no day was imported)"
                ) from exc
            self.stdout.write(report.summary())
        elif action == "show":
            year = options["year"]
            if not 1900 <= year <= 9000:
                raise CommandError(f"năm {year} nằm ngoài phạm vi 1900–9000")
            self.stdout.write(render_year(year))
        else:
            years = options["years"] or range(local_now().year, local_now().year + 3)
            if any(not 1900 <= y <= 9000 for y in years):
                raise CommandError("năm nằm ngoài phạm vi 1900–9000")
            seeded = calendar_seed_from_package(years=years)
            self.stdout.write(
                f"Đã cập nhật mặc định: {seeded.created} thêm, {seeded.updated} sửa, "
                f"{seeded.deleted} xóa."
            )
