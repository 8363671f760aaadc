"""Writes of the working-time calendar: every change of a day is audited.

The table is the authority (Decree 118/2025/NĐ-CP counts deadlines in working days;
the Prime Minister's yearly notice fixes Tết and the swap days). Rows come from
three sources, and ``admin`` and ``import`` rows are never overwritten by the package.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

import holidays as holidays_package
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from motcua.calendars.models import CalendarDay, DayKind, DaySource
from motcua.core.services import audit_record

Actor = AbstractBaseUser | AnonymousUser | None

NAME_MAX = 200
_SUBSTITUTE = re.compile(r"thay cho ngày (\d{2})/(\d{2})/(\d{4})")


def package_days(*, years: Iterable[int]) -> dict[date, tuple[str, str]]:
    """The defaults of the ``holidays`` package (country VN, Vietnamese names):
    ``{date: (kind, name)}`` for holidays and the Saturdays worked in exchange."""
    wanted = sorted(set(years))
    vn = holidays_package.country_holidays("VN", years=wanted, language="vi")
    days: dict[date, tuple[str, str]] = {
        day: (DayKind.HOLIDAY.value, str(name)) for day, name in vn.items()
    }
    # A swapped day off is named after the Saturday worked for it; name that Saturday back.
    swapped_for: dict[date, date] = {}
    for day, (_kind, holiday_name) in days.items():
        match = _SUBSTITUTE.search(holiday_name)
        if match:
            dd, mm, yyyy = (int(part) for part in match.groups())
            swapped_for[date(yyyy, mm, dd)] = day
    for day in getattr(vn, "weekend_workdays", set()):
        if day.year in wanted and day not in days:
            off = swapped_for.get(day)
            name = f"Làm bù cho ngày nghỉ {off:%d/%m/%Y}" if off else "Ngày làm bù"
            days[day] = (DayKind.WORKDAY.value, name)
    return days


def _user(actor: Actor) -> Any:
    """The user to record as ``updated_by``: nobody for anonymous or system changes."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        return actor
    return None


def _clean(*, kind: str, name: str) -> tuple[str, str]:
    errors: dict[str, str] = {}
    if kind not in DayKind.values:
        errors["kind"] = "Loại ngày phải là “holiday” (ngày nghỉ) hoặc “workday” (ngày làm bù)."
    name = (name or "").strip()
    if len(name) > NAME_MAX:
        errors["name"] = f"Tên ngày dài tối đa {NAME_MAX} ký tự."
    if errors:
        raise ValidationError(errors)
    return kind, name


def _snapshot(row: CalendarDay | None) -> dict[str, str] | None:
    if row is None:
        return None
    return {"kind": row.kind, "name": row.name, "source": row.source}


@transaction.atomic
def calendar_day_set(
    *, day: date, kind: str, name: str = "", actor: Actor, source: str = DaySource.ADMIN
) -> CalendarDay:
    """Mark ``day`` as a holiday or a make-up working day. Setting what is already there
    changes nothing; setting a package day by hand pins it against later seedings."""
    kind, name = _clean(kind=kind, name=name)
    row = CalendarDay.objects.select_for_update().filter(date=day).first()
    if row is not None and (row.kind, row.name, row.source) == (kind, name, source):
        return row
    previous = _snapshot(row)
    if row is None:
        row = CalendarDay(date=day)
    row.kind, row.name, row.source = kind, name, source
    row.updated_at = timezone.now()
    row.updated_by = _user(actor)
    row.save()
    audit_record(
        actor=actor,
        action="calendar.day_set",
        target=f"calendar:{day.isoformat()}",
        data={"kind": kind, "name": name, "source": source, "previous": previous},
    )
    return row


@transaction.atomic
def calendar_day_delete(*, day: date, actor: Actor) -> CalendarDay | None:
    """Return ``day`` to its default: the package's value when it has one, else the
    weekday rule (no row). Returns the row left in place, if any."""
    row = CalendarDay.objects.select_for_update().filter(date=day).first()
    previous = _snapshot(row)
    default = package_days(years=[day.year]).get(day)
    if default is None:
        if row is None:
            return None
        row.delete()
        result = None
    else:
        kind, name = default
        if row is not None and (row.kind, row.name, row.source) == (kind, name, "package"):
            return row
        if row is None:
            row = CalendarDay(date=day)
        row.kind, row.name, row.source = kind, name, DaySource.PACKAGE
        row.updated_at = timezone.now()
        row.updated_by = _user(actor)
        row.save()
        result = row
    audit_record(
        actor=actor,
        action="calendar.day_delete",
        target=f"calendar:{day.isoformat()}",
        data={"previous": previous, "now": _snapshot(result)},
    )
    return result


@dataclass
class SeedReport:
    created: int = 0
    updated: int = 0
    deleted: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


@transaction.atomic
def calendar_seed_from_package(*, years: Iterable[int], actor: Actor = None) -> SeedReport:
    """Bring the package's rows of ``years`` up to date; idempotent. Rows set by an
    administrator or imported are left alone."""
    wanted = sorted(set(years))
    report = SeedReport()
    if not wanted:
        return report
    defaults = package_days(years=wanted)
    existing = {
        row.date: row
        for row in CalendarDay.objects.select_for_update().filter(
            date__gte=date(wanted[0], 1, 1), date__lte=date(wanted[-1], 12, 31)
        )
        if row.date.year in wanted
    }
    now = timezone.now()
    new_rows = []
    for day, (kind, name) in sorted(defaults.items()):
        row = existing.get(day)
        if row is None:
            new_rows.append(
                CalendarDay(
                    date=day, kind=kind, name=name, source=DaySource.PACKAGE, updated_at=now
                )
            )
        elif row.source == DaySource.PACKAGE and (row.kind, row.name) != (kind, name):
            row.kind, row.name, row.updated_at = kind, name, now
            row.save(update_fields=["kind", "name", "updated_at"])
            report.updated += 1
    # ignore_conflicts: two processes migrating at once must not fail on the unique date.
    report.created = len(CalendarDay.objects.bulk_create(new_rows, ignore_conflicts=True))
    stale = [
        row.pk
        for day, row in existing.items()
        if row.source == DaySource.PACKAGE and day not in defaults
    ]
    if stale:
        report.deleted = CalendarDay.objects.filter(pk__in=stale).delete()[0]
    if report.changed:
        audit_record(
            actor=actor,
            action="calendar.seed",
            target="calendar",
            data={
                "years": wanted,
                "created": report.created,
                "updated": report.updated,
                "deleted": report.deleted,
            },
        )
    return report


class CalendarImportError(Exception):
    """A schedule file that cannot be imported; ``errors`` name the lines."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    days: list[date] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"Đã đọc {len(self.days)} ngày: {self.created} thêm mới, {self.updated} cập nhật, "
            f"{self.unchanged} không đổi."
        )


_HEADER = {"date", "ngày", "ngay"}


def _read_text(file: str | Path | IO[str] | IO[bytes]) -> tuple[str, str]:
    raw: str | bytes
    if isinstance(file, str | Path):
        path = Path(file)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CalendarImportError([f"Không mở được tệp {path}: {exc.strerror}."]) from exc
        label = str(path)
    else:
        raw = file.read()
        label = getattr(file, "name", "") or "tệp tải lên"
    if isinstance(raw, str):
        return raw, label
    try:
        return raw.decode("utf-8-sig"), label  # utf-8-sig: spreadsheets add a BOM
    except UnicodeDecodeError as exc:
        raise CalendarImportError(["Tệp phải được mã hóa UTF-8."]) from exc


def parse_schedule_csv(text: str) -> list[tuple[int, date, str, str]]:
    """Validate a whole ``date,kind,name`` file: ``[(line, date, kind, name)]`` or
    CalendarImportError listing every bad line."""
    entries: list[tuple[int, date, str, str]] = []
    errors: list[str] = []
    seen: dict[date, int] = {}
    reader = csv.reader(io.StringIO(text))
    for row in reader:
        line = reader.line_num
        cells = [cell.strip() for cell in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if not entries and not errors and cells[0].lower() in _HEADER:
            continue
        if len(cells) not in (2, 3):
            errors.append(f"Dòng {line}: cần 2 hoặc 3 cột (ngày, loại, tên), có {len(cells)}.")
            continue
        day_text, kind = cells[0], cells[1].lower()
        name = cells[2] if len(cells) == 3 else ""
        try:
            day = date.fromisoformat(day_text)
            if len(day_text) != 10:
                raise ValueError(day_text)
        except ValueError:
            errors.append(f"Dòng {line}: ngày “{day_text}” không hợp lệ (cần dạng YYYY-MM-DD).")
            continue
        if kind not in DayKind.values:
            errors.append(
                f"Dòng {line}: loại “{cells[1]}” không hợp lệ (cần holiday hoặc workday)."
            )
            continue
        if len(name) > NAME_MAX:
            errors.append(f"Dòng {line}: tên dài quá {NAME_MAX} ký tự.")
            continue
        if day in seen:
            errors.append(f"Dòng {line}: ngày {day.isoformat()} đã có ở dòng {seen[day]}.")
            continue
        seen[day] = line
        entries.append((line, day, kind, name))
    if errors:
        raise CalendarImportError(errors)
    if not entries:
        raise CalendarImportError(["Tệp không có dòng dữ liệu nào (cần: ngày, loại, tên)."])
    return entries


def calendar_import_csv(
    *, file: str | Path | IO[str] | IO[bytes], actor: Actor = None
) -> ImportReport:
    """Import an official yearly schedule (CSV ``date,kind,name``): the file is checked
    whole first, then applied in one transaction, all or nothing. Re-importing the same
    file changes nothing. Dates not in the file are left as they are."""
    text, label = _read_text(file)
    entries = parse_schedule_csv(text)
    report = ImportReport()
    with transaction.atomic():
        days = [day for _line, day, _kind, _name in entries]
        existing = {
            row.date: row for row in CalendarDay.objects.select_for_update().filter(date__in=days)
        }
        now = timezone.now()
        user = _user(actor)
        for _line, day, kind, name in entries:
            report.days.append(day)
            row = existing.get(day)
            # An administrator's identical row stays as it is: importing confirms it.
            if row is not None and (row.kind, row.name) == (kind, name) and row.source != "package":
                report.unchanged += 1
                continue
            if row is None:
                row = CalendarDay(date=day)
                report.created += 1
            else:
                report.updated += 1
            row.kind, row.name, row.source = kind, name, DaySource.IMPORT
            row.updated_at, row.updated_by = now, user
            row.save()
        if report.created or report.updated:
            audit_record(
                actor=actor,
                action="calendar.import",
                target="calendar",
                data={
                    "file": label,
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "from": min(days).isoformat(),
                    "to": max(days).isoformat(),
                },
            )
    return report
