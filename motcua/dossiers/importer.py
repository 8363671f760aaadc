"""History import (CONTRACT.md §5): each line is one dossier replayed through the same
services as live actions, at the times it gives, so an imported dossier is exactly what the
live system would have made (code, due times, timeliness, history).

A line is imported whole or not at all; a bad line is reported with its number and the
event at fault and the next lines go on. Lines are written in batches, one transaction
each, with the batch's statistics summed once from the histories it wrote. Each line's
SHA-256 is kept on its dossier, so importing a file again changes nothing. The file is
streamed: memory stays flat.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from motcua.core.errors import DomainError
from motcua.dossiers.errors import DossierInvalid
from motcua.dossiers.hooks import replay_batch
from motcua.dossiers.lifecycle import TRANSITIONS, Action
from motcua.dossiers.models import Channel, Dossier
from motcua.dossiers.services import dossier_act, dossier_intake, replay_line, replaying
from motcua.procedures.models import Procedure
from motcua.units.models import Unit

FIRST_ONLINE_ACTIONS = {Action.ACCEPT, Action.REFUSE, Action.REQUEST_SUPPLEMENT, Action.WITHDRAW}
EVENT_KEYS = {"action", "at", "by", "note"} | {
    "reason", "items", "amount", "method", "extended_due_at", "assignee", "outcome", "reference",
    "deadline",
}  # fmt: skip


class LineError(Exception):
    pass


@dataclass
class ImportResult:
    imported: int = 0
    skipped: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    max_errors_kept: int = 1000

    def add_error(self, message: str) -> None:
        self.failed += 1
        if len(self.errors) < self.max_errors_kept:
            self.errors.append(message)


# History is the past: an event far in the future is a typo or a forged file (the year 20226
# for 2026) and is refused. "Far" is more than a year ahead of the importer's clock, which
# leaves room for clocks that are wrong by months and for test data dated next year.
FUTURE_TOLERANCE = dt.timedelta(days=366)


def history_now() -> dt.datetime:
    """The present an imported history is judged against (tests of worked examples dated
    ahead move it)."""
    return timezone.now()


EARLIEST = dt.datetime(1990, 1, 1, tzinfo=dt.UTC)
# The largest amount of money a dossier may carry (VND); beyond it no database column holds it.
MAX_AMOUNT = 10**15


def _instant(value: Any, where: str, *, past: bool = True) -> dt.datetime:
    if not isinstance(value, str):
        raise LineError(f"{where}: thời điểm phải là chuỗi ISO 8601")
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise LineError(f"{where}: “{value[:40]}” không phải thời điểm ISO 8601") from None
    if moment.tzinfo is None:
        raise LineError(f"{where}: “{value}” thiếu múi giờ (ví dụ +07:00)")
    try:
        moment.astimezone(dt.UTC)
    except OverflowError:
        raise LineError(f"{where}: “{value}” nằm ngoài khoảng thời gian cho phép") from None
    if moment < EARLIEST or moment.year > 9000:
        raise LineError(f"{where}: “{value}” nằm ngoài khoảng thời gian cho phép")
    if past and moment > history_now() + FUTURE_TOLERANCE:
        raise LineError(
            f"{where}: “{value}” ở tương lai xa (quá một năm): lịch sử chỉ gồm việc đã xảy ra"
        )
    return moment


class _Cache:
    """Catalogue rows and users looked up once per import (bounded by the catalogue)."""

    def __init__(self) -> None:
        self.procedures: dict[str, Procedure | None] = {}
        self.units: dict[str, Unit | None] = {}
        self.users: dict[str, User | None] = {}

    def procedure(self, code: str) -> Procedure | None:
        if code not in self.procedures:
            self.procedures[code] = Procedure.objects.filter(code=code).first()
        return self.procedures[code]

    def unit(self, code: str) -> Unit | None:
        if code not in self.units:
            self.units[code] = Unit.objects.filter(code=code).first()
        return self.units[code]

    def user(self, username: str) -> User | None:
        if username not in self.users:
            self.users[username] = (
                get_user_model().objects.filter(username=username, is_active=True).first()
            )
        return self.users[username]


_TEXT_PARAMS = {"reason", "method", "outcome", "reference", "note"}


def _event_params(event: dict[str, Any], where: str) -> dict[str, Any]:
    """The action's inputs with the JSON types the services expect, or a LineError."""
    params = {k: v for k, v in event.items() if k not in {"action", "at", "by", "note"}}
    unknown = set(event) - EVENT_KEYS
    if unknown:
        raise LineError(f"{where}: trường không hỗ trợ: {', '.join(sorted(unknown))}")
    for key in _TEXT_PARAMS & set(event):
        if not isinstance(event[key], str):
            raise LineError(f"{where}.{key}: phải là chuỗi ký tự")
    if "assignee" in params and not isinstance(params["assignee"], str | None):
        raise LineError(f"{where}.assignee: phải là tên đăng nhập")
    if "items" in params:
        items = params["items"]
        if isinstance(items, str):
            items = [items]
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise LineError(f"{where}.items: phải là danh sách chuỗi ký tự")
        params["items"] = items
    if "amount" in params and (
        isinstance(params["amount"], bool) or not isinstance(params["amount"], int)
    ):
        raise LineError(f"{where}.amount: phải là số nguyên (đồng)")
    if "deadline" in params:
        try:
            params["deadline"] = dt.date.fromisoformat(str(params["deadline"]))
        except ValueError:
            raise LineError(f"{where}.deadline: phải là ngày YYYY-MM-DD") from None
    if "amount" in params and not 0 <= params["amount"] <= MAX_AMOUNT:
        raise LineError(f"{where}.amount: phải từ 0 đến {MAX_AMOUNT} đồng")
    if "extended_due_at" in params:
        params["extended_due_at"] = _instant(
            params["extended_due_at"], f"{where}.extended_due_at", past=False
        )
    return params


def import_line(record: Any, line_key: str, cache: _Cache) -> Dossier | None:
    """Replay one dossier in one transaction (a savepoint of its batch's); None when it was
    imported before."""
    if Dossier.objects.filter(import_key=line_key).exists():
        return None
    if not isinstance(record, dict):
        raise LineError("mỗi dòng phải là một đối tượng JSON")
    procedure = cache.procedure(str(record.get("procedure", "")))
    if procedure is None:
        raise LineError(f"procedure: không có thủ tục “{record.get('procedure')}”")
    unit = cache.unit(str(record.get("unit", "")))
    if unit is None:
        raise LineError(f"unit: không có đơn vị “{record.get('unit')}”")
    channel = record.get("channel", Channel.COUNTER)
    online = channel == Channel.ONLINE
    start_key = "submitted_at" if online else "received_at"
    if start_key not in record:
        raise LineError(f"{start_key}: bắt buộc với kênh {channel}")
    start = _instant(record[start_key], start_key)
    events = record.get("events", [])
    if not isinstance(events, list):
        raise LineError("events: phải là danh sách")
    if online and events:
        first = events[0].get("action") if isinstance(events[0], dict) else None
        if first not in FIRST_ONLINE_ACTIONS:
            raise LineError(
                "events[0]: hồ sơ trực tuyến bắt đầu bằng accept, refuse hoặc request-supplement"
            )
    code = record.get("code")
    if code is not None and (not isinstance(code, str) or not code.strip() or len(code) > 48):
        raise LineError("code: mã hồ sơ không hợp lệ")

    with transaction.atomic(), replay_line():  # the dossier is written when the line ends
        try:
            dossier, _created = dossier_intake(
                actor=None,
                procedure=procedure,
                unit=unit,
                channel=str(channel),
                applicant=record.get("applicant") or {},
                summary=record.get("summary", ""),
                documents=record.get("documents"),
                case_code=record.get("case", "") or "",
                at=start,
                code=code,
                import_key=line_key,
            )
        except DomainError as exc:
            raise LineError(f"intake: {_message(exc)}") from None
        for i, event in enumerate(events):
            where = f"events[{i}]"
            if not isinstance(event, dict):
                raise LineError(f"{where}: phải là một đối tượng")
            try:
                action = Action(str(event.get("action")))
            except ValueError:
                raise LineError(
                    f"{where}.action: không có hành động “{event.get('action')}”"
                ) from None
            if action not in TRANSITIONS:
                raise LineError(f"{where}.action: “{action.value}” không dùng được trong lịch sử")
            at = _instant(event.get("at"), f"{where}.at")
            actor = None
            if event.get("by") is not None:
                actor = cache.user(str(event["by"]))
                if actor is None:
                    raise LineError(f"{where}.by: không có người dùng “{event['by']}”")
            params = _event_params(event, where)
            try:
                dossier = dossier_act(
                    dossier=dossier,
                    action=action,
                    actor=actor,
                    params=params,
                    at=at,
                    note=str(event.get("note", "")),
                )
            except DomainError as exc:
                raise LineError(f"{where} ({action.value}): {_message(exc)}") from None
    return dossier


def _message(exc: DomainError) -> str:
    if isinstance(exc, DossierInvalid):
        return exc.message
    allowed = exc.extra.get("allowed_actions")
    return exc.message + (f" (được phép: {', '.join(allowed)})" if allowed else "")


def read_lines(handle: Iterable[str | bytes]) -> Iterator[tuple[int, str | bytes]]:
    """The non-blank lines with their numbers; bytes are decoded line by line (a line that
    is not UTF-8 is refused alone, and a byte-order mark at the start is dropped)."""
    for number, line in enumerate(handle, start=1):
        if number == 1:
            line = line.removeprefix(b"\xef\xbb\xbf") if isinstance(line, bytes) else line
            line = line.removeprefix("\ufeff") if isinstance(line, str) else line
        if line.strip():
            yield number, line


def import_dossiers(
    lines: Iterable[tuple[int, str | bytes]],
    *,
    progress: Callable[[int, ImportResult], None] | None = None,
    progress_every: int = 1000,
    on_error: Callable[[str], None] | None = None,
    batch: int | None = None,
) -> ImportResult:
    """Import every line. The calendar is read once for the run and nobody is notified
    (``services.replaying``): the rules are the live ones.

    Lines are written ``batch`` at a time in one transaction (default: ``default_batch()``),
    each line in its own savepoint, so a bad line is refused alone; the statistics of a
    batch are summed once from the histories it wrote (``hooks.replay_batch``). A batch the
    database gives up on (busy past its timeout) is rolled back whole, and its lines are
    not counted: running the command again imports them."""
    size = max(1, batch if batch is not None else default_batch())
    result = ImportResult()
    cache = _Cache()
    last = processed = 0
    with replaying():
        for chunk in _chunks(lines, size):
            outcome = ImportResult(max_errors_kept=0)
            messages: list[str] = []
            with transaction.atomic(), replay_batch():
                for number, line in chunk:
                    try:
                        text = _decoded(line)
                        key = hashlib.sha256(text.strip().encode()).hexdigest()
                        dossier = _import_text(text, key, cache)  # a savepoint per line
                    except LineError as exc:
                        outcome.failed += 1
                        messages.append(f"dòng {number}: {exc}")
                    else:
                        if dossier is None:
                            outcome.skipped += 1
                        else:
                            outcome.imported += 1
            # Committed: the batch counts, and its refused lines are said.
            result.imported += outcome.imported
            result.skipped += outcome.skipped
            for message in messages:
                result.add_error(message)
                if on_error is not None:
                    on_error(message)
            for number, _line in chunk:
                last = number
                processed += 1
                if progress is not None and processed % progress_every == 0:
                    progress(number, result)
    if progress is not None and processed % progress_every:
        progress(last, result)
    return result


def default_batch() -> int:
    """Lines per transaction: 500 on PostgreSQL; 1 on the embedded SQLite database, whose
    one writer at a time would keep the counter waiting behind a long import transaction."""
    return 500 if connection.vendor == "postgresql" else 1


def _chunks(
    lines: Iterable[tuple[int, str | bytes]], size: int
) -> Iterator[list[tuple[int, str | bytes]]]:
    chunk: list[tuple[int, str | bytes]] = []
    for item in lines:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _decoded(line: str | bytes) -> str:
    if isinstance(line, str):
        return line
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LineError(f"không phải văn bản UTF-8 (byte {exc.start + 1})") from None


MAX_LINE_CHARS = 1_000_000


def _import_text(line: str, key: str, cache: _Cache) -> Dossier | None:
    if "\x00" in line or "\\u0000" in line:
        raise LineError("dòng chứa ký tự NUL")
    if len(line) > MAX_LINE_CHARS:
        raise LineError(f"dòng dài quá {MAX_LINE_CHARS} ký tự")
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise LineError(f"JSON không hợp lệ: {exc.msg} (cột {exc.colno})") from None
    except RecursionError:
        raise LineError("JSON lồng nhau quá sâu") from None
    try:
        return import_line(record, key, cache)
    except (TypeError, ValueError, AttributeError, KeyError, OverflowError) as exc:
        # A value of a shape no rule expected: refuse the line, never the whole import.
        raise LineError(f"dữ liệu không đúng kiểu ({type(exc).__name__}: {exc})") from None
    except RecursionError:
        raise LineError("dữ liệu lồng nhau quá sâu") from None
    except DatabaseError as exc:
        if _locked(exc):
            raise  # the database is busy: the command says so and the line can be retried
        # A value the database cannot hold (too long, out of range): this line only.
        raise LineError(f"cơ sở dữ liệu không nhận giá trị ({type(exc).__name__})") from None


def _locked(exc: Exception) -> bool:
    return "locked" in str(exc).lower() or "busy" in str(exc).lower()
