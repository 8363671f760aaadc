"""History import (CONTRACT.md §5): every path of the lifecycle, imported, gives the same
code, due times, timeliness and hash-chained history as the same actions taken live; a bad
line is refused whole and named; a second import changes nothing."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from motcua.dossiers import services as s
from motcua.dossiers.history import broken_dossiers
from motcua.dossiers.importer import import_dossiers
from motcua.dossiers.models import Dossier, DossierEvent, DossierParticipant

from .conftest import APPLICANT, Province, local

_at = "2026-03-{:02d}T{}:00+07:00".format


def ev(action: str, day: int, hhmm: str, by: str | None, **params: Any) -> dict[str, Any]:
    event: dict[str, Any] = {"action": action, "at": _at(day, hhmm), **params}
    if by is not None:
        event["by"] = by
    return event


def counter(*events: dict[str, Any], procedure: str = "2.000001", at: str = "08:00", day: int = 2):
    return {
        "procedure": procedure,
        "unit": "000.01.01.T01",
        "channel": "counter",
        "applicant": APPLICANT,
        "summary": "Hồ sơ lịch sử",
        "documents": [0],
        "received_at": _at(day, at),
        "events": list(events),
    }


def online(*events: dict[str, Any]) -> dict[str, Any]:
    record = counter(*events)
    del record["received_at"]
    record["channel"] = "online"
    record["submitted_at"] = _at(2, "08:00")
    return record


WALK = [  # 2.000001: commune specialist, then the department, then the commune leader
    ev("forward", 2, "09:00", "desk"),
    ev("forward", 3, "09:00", "specialist"),
    ev("forward", 4, "09:00", "dept_specialist"),
]

# name -> (line, expected status, expected due_at, expected timeliness)
SCENARIOS: dict[str, tuple[dict[str, Any], str, str | None, str | None]] = {
    "resolve_early_and_return": (
        counter(
            *WALK,
            ev("resolve", 5, "10:00", "leader"),
            ev("return", 5, "14:00", "desk", method="counter"),
        ),
        "returned",
        _at(9, "08:00"),
        "early",
    ),
    "resolve_on_time": (
        counter(*WALK, ev("resolve", 9, "07:45", "leader")),
        "resolved",
        _at(9, "08:00"),
        "on_time",
    ),
    "extension_then_late": (
        counter(
            *WALK,
            ev(
                "extend",
                6,
                "09:00",
                "leader",
                extended_due_at="2026-03-13T17:00:00+07:00",
                reason="Cần xác minh",
            ),
            ev("resolve", 11, "09:00", "leader"),
            ev("return", 12, "09:00", "desk", method="post"),
        ),
        "returned",
        _at(9, "08:00"),
        "late",
    ),
    "online_accept": (
        online(
            ev("accept", 3, "10:00", "desk"),
            ev("forward", 3, "11:00", "desk"),
            ev("forward", 4, "09:00", "specialist"),
            ev("forward", 5, "09:00", "dept_specialist"),
            ev("resolve", 6, "09:00", "leader"),
            ev("return", 6, "10:00", "desk", method="online"),
        ),
        "returned",
        _at(10, "10:00"),
        "early",
    ),
    "online_refuse": (
        online(ev("refuse", 2, "10:00", "desk", reason="Sai thẩm quyền")),
        "refused",
        None,
        None,
    ),
    "supplement_during_reception": (
        online(
            ev("request-supplement", 2, "09:00", "desk", items=["Bản sao CCCD"]),
            ev("supplement", 4, "09:00", "desk", note="Đã bổ sung"),
            ev("accept", 4, "10:00", "desk"),
        ),
        "received",
        _at(11, "10:00"),
        None,
    ),
    "supplement_during_processing": (
        counter(
            ev("forward", 2, "09:00", "desk"),
            ev("request-supplement", 3, "09:00", "specialist", items=["Bản vẽ"]),
            ev("supplement", 5, "14:00", "desk"),
        ),
        "processing",
        _at(12, "14:00"),
        None,
    ),
    "payment_pauses_the_clock": (
        counter(
            *WALK[:2],
            ev("request-payment", 6, "08:00", "dept_specialist", amount=50000),
            ev("confirm-payment", 11, "13:00", "desk", reference="BL-1"),
            ev("forward", 11, "14:00", "dept_specialist"),
            ev("resolve", 12, "11:00", "leader"),
        ),
        "resolved",
        _at(12, "11:30"),
        "on_time",
    ),
    "stop": (
        counter(ev("forward", 2, "09:00", "desk"), ev("stop", 3, "09:00", "leader", reason="x")),
        "stopped",
        _at(9, "08:00"),
        None,
    ),
    "withdraw": (
        counter(ev("forward", 2, "09:00", "desk"), ev("withdraw", 3, "09:00", "desk")),
        "withdrawn",
        _at(9, "08:00"),
        None,
    ),
    "send_back_and_assign": (
        counter(
            ev("forward", 2, "09:00", "desk", assignee="specialist2"),
            ev("assign", 2, "10:00", "leader", assignee="specialist"),
            ev("forward", 3, "09:00", "specialist"),
            ev("send-back", 3, "10:00", "dept_specialist", note="Thiếu bản vẽ"),
            ev("send-back", 3, "11:00", "specialist"),
        ),
        "received",
        _at(9, "08:00"),
        None,
    ),
    "same_day_after_cutoff": (
        counter(
            ev("forward", 4, "15:30", "desk"),
            ev("forward", 5, "09:00", "specialist"),
            ev("resolve", 5, "16:00", "leader"),
            procedure="1.001193",
            at="15:20",
            day=4,
        ),
        "resolved",
        _at(5, "17:00"),
        "on_time",
    ),
    "system_actor_without_by": (
        counter(
            ev("forward", 2, "09:00", None),
            ev("forward", 3, "09:00", None),
            ev("forward", 4, "09:00", None),
            ev("resolve", 10, "09:00", None),
        ),
        "resolved",
        _at(9, "08:00"),
        "late",
    ),
}


def _live_action(name: str) -> Callable[..., Dossier]:
    """Each action through its own service function, as the API and the web pages call it."""
    return {
        "accept": s.dossier_accept,
        "refuse": s.dossier_refuse,
        "request-supplement": s.dossier_request_supplement,
        "supplement": s.dossier_supplement,
        "forward": s.dossier_forward,
        "send-back": s.dossier_send_back,
        "request-payment": s.dossier_request_payment,
        "confirm-payment": s.dossier_confirm_payment,
        "extend": s.dossier_extend,
        "stop": s.dossier_stop,
        "resolve": s.dossier_resolve,
        "return": s.dossier_return,
        "withdraw": s.dossier_withdraw,
        "assign": s.dossier_assign,
    }[name]


def run_live(p: Province, line: dict[str, Any]) -> Dossier:
    start = line.get("received_at") or line["submitted_at"]
    d, _ = s.dossier_intake(
        actor=None,
        procedure=p.procedure(line["procedure"]),
        unit=p.commune,
        channel=line["channel"],
        applicant=line["applicant"],
        summary=line["summary"],
        documents=line["documents"],
        at=dt.datetime.fromisoformat(start),
    )
    for event in line["events"]:
        kwargs = {k: v for k, v in event.items() if k not in {"action", "at", "by"}}
        if "extended_due_at" in kwargs:
            kwargs["extended_due_at"] = dt.datetime.fromisoformat(kwargs["extended_due_at"])
        actor = p.users[event["by"]] if event.get("by") else None
        d = _live_action(event["action"])(
            dossier=d,
            actor=actor,
            at=dt.datetime.fromisoformat(event["at"]),
            version=d.version,
            **kwargs,
        )
    return d


DOSSIER_FIELDS = [
    "code",
    "status",
    "channel",
    "applicant_name",
    "received_at",
    "submitted_at",
    "due_at",
    "extended_due_at",
    "resolved_at",
    "returned_at",
    "closed_at",
    "timeliness",
    "outcome",
    "return_method",
    "fee_amount",
    "payment_state",
    "paid_at",
    "step_index",
    "step_unit_id",
    "assignee_id",
    "version",
    "event_count",
    "history_head",
    "documents",
]
EVENT_FIELDS = [
    "seq",
    "action",
    "actor_id",
    "actor_name",
    "at",
    "from_status",
    "to_status",
    "step",
    "note",
    "data",
    "prev_hash",
    "hash",
]


def snapshot(d: Dossier) -> dict[str, Any]:
    d.refresh_from_db()
    return {
        "dossier": {name: getattr(d, name) for name in DOSSIER_FIELDS},
        "events": [
            {name: getattr(e, name) for name in EVENT_FIELDS} for e in d.events.order_by("seq")
        ],
    }


def import_lines(*records: Any) -> Any:
    lines = [(i, r if isinstance(r, str) else json.dumps(r)) for i, r in enumerate(records, 1)]
    return import_dossiers(iter(lines))


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_imported_dossier_is_the_one_the_live_actions_make(province: Province, name: str) -> None:
    line, status, due_at, timeliness = SCENARIOS[name]
    with transaction.atomic():
        live = snapshot(run_live(province, copy.deepcopy(line)))
        transaction.set_rollback(True)
    assert Dossier.objects.count() == 0

    result = import_lines(line)
    assert (result.imported, result.failed, result.errors) == (1, 0, [])
    imported = Dossier.objects.get()
    assert snapshot(imported) == live
    assert imported.status == status
    assert imported.due_at == (dt.datetime.fromisoformat(due_at) if due_at else None)
    assert (imported.timeliness or None) == timeliness
    assert [e["action"] for e in live["events"]] == ["intake"] + [
        e["action"] for e in line["events"]
    ]
    assert list(broken_dossiers()) == []


def test_legacy_code_is_kept_and_counters_are_untouched(province: Province) -> None:
    line = counter(*WALK) | {"code": "H99-CU-2019-000123"}
    assert import_lines(line).imported == 1
    assert Dossier.objects.get().code == "H99-CU-2019-000123"
    fresh, _ = s.dossier_intake(
        actor=province.users["desk"],
        procedure=province.procedure("2.000001"),
        unit=province.commune,
        channel="counter",
        applicant=APPLICANT,
        at=local(2026, 3, 2, 9),
    )
    assert fresh.code.endswith("-260302-0001")


BAD_LINES: list[tuple[Any, str]] = [
    ("{not json", "JSON"),
    ([1, 2], "đối tượng"),
    (counter() | {"procedure": "9.9"}, "procedure"),
    (counter() | {"unit": "000.99.99.T01"}, "unit"),
    (counter() | {"received_at": "2026-03-02T08:00:00"}, "múi giờ"),
    (counter() | {"received_at": 5}, "received_at"),
    (counter() | {"applicant": {"name": ""}}, "intake"),
    (counter() | {"applicant": {"name": "A", "phone": "123"}}, "phone"),
    (counter(ev("forward", 2, "09:00", "specialist")), "events[0] (forward)"),
    (counter(ev("resolve", 2, "09:00", None)), "events[0] (resolve)"),
    (counter(ev("fly", 2, "09:00", None)), "events[0].action"),
    (counter(ev("forward", 2, "09:00", "ghost")), "events[0].by"),
    (counter(ev("forward", 1, "09:00", None)), "events[0] (forward)"),  # before intake
    (counter(*WALK, ev("resolve", 5, "09:00", None, outcome="denied")), "events[3] (resolve)"),
    (counter(*WALK[:1], ev("request-payment", 3, "09:00", None, amount="50k")), "amount"),
    (counter(*WALK[:1], ev("request-supplement", 3, "09:00", None, items=5)), "items"),
    (counter(*WALK[:1], ev("stop", 3, "09:00", None, reason=["x"])), "reason"),
    (counter(*WALK[:1], ev("stop", 3, "09:00", None, reason="x", colour="red")), "colour"),
    (counter(ev("forward", 2, "09:00", None, note="a\u0000b")), "NUL"),
    (counter() | {"events": "forward"}, "events"),
    (counter("forward"), "events[0]"),
    (online(ev("forward", 2, "09:00", None)), "events[0]"),
    (counter() | {"documents": {"a": 1}}, "documents"),
    (counter() | {"summary": ["x"]}, "summary"),
    (counter() | {"code": 12}, "code"),
]


@pytest.mark.parametrize(("record", "named"), BAD_LINES)
def test_bad_line_is_refused_whole_and_named(province: Province, record: Any, named: str) -> None:
    good = counter(*WALK)
    result = import_lines(good, record, counter())
    assert (result.imported, result.failed) == (2, 1), result.errors
    assert result.errors[0].startswith("dòng 2: ")
    assert named in result.errors[0]
    assert Dossier.objects.count() == 2
    assert DossierEvent.objects.count() == 1 + 3 + 1
    assert list(broken_dossiers()) == []
    # Nothing of the bad line was kept: the unit's counter went on without a gap.
    codes = sorted(Dossier.objects.values_list("code", flat=True))
    assert [c[-4:] for c in codes] == ["0001", "0002"]


@pytest.fixture
def history_file(tmp_path: Path) -> Path:
    path = tmp_path / "lich-su.jsonl"
    lines = [
        json.dumps(counter(*WALK), ensure_ascii=False),
        "",
        json.dumps(counter(ev("forward", 2, "09:00", "specialist"))),
        json.dumps(online(ev("accept", 3, "10:00", "desk")), ensure_ascii=False),
        "{broken",
        json.dumps(counter(), ensure_ascii=False),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _command(path: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("import_dossiers", str(path), *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_command_reports_lines_exits_1_and_reimport_changes_nothing(
    province: Province, history_file: Path
) -> None:
    code, out, err = _command(history_file, "--progress-every", "2")
    assert code == 1
    assert "3 dossiers imported" in out and "2 lines refused" in out
    assert "dòng 3: events[0] (forward)" in err
    assert "dòng 5: JSON không hợp lệ" in err
    assert "… dòng 3:" in err and "… dòng 5:" in err and "… dòng 6:" in err  # progress
    dossiers = list(Dossier.objects.order_by("pk").values_list("code", "version", "history_head"))
    events = DossierEvent.objects.count()
    assert len(dossiers) == 3

    code, out, err = _command(history_file)
    assert code == 1
    assert "0 dossiers imported, 3 already there, 2 lines refused" in out
    assert list(Dossier.objects.order_by("pk").values_list("code", "version", "history_head")) == (
        dossiers
    )
    assert DossierEvent.objects.count() == events


def test_identical_lines_are_one_dossier(province: Province) -> None:
    # A line is keyed by its SHA-256: the same line twice is the same historical dossier.
    result = import_lines(counter(), counter())
    assert (result.imported, result.skipped) == (1, 1)


def test_clean_file_exits_0_and_twice_is_a_no_op(province: Province, tmp_path: Path) -> None:
    path = tmp_path / "sach.jsonl"
    path.write_text(
        "\n".join(json.dumps(counter(*WALK[: i % 3]) | {"summary": f"#{i}"}) for i in range(5))
        + "\n",
        encoding="utf-8",
    )
    code, out, _ = _command(path)
    assert code == 0 and "5 dossiers imported" in out
    heads = list(Dossier.objects.order_by("pk").values_list("code", "history_head"))
    code, out, _ = _command(path)
    assert code == 0 and "0 dossiers imported, 5 already there, 0 lines refused" in out
    assert list(Dossier.objects.order_by("pk").values_list("code", "history_head")) == heads


def test_import_sends_no_mail_about_old_events(province: Province, mailoutbox: list[Any]) -> None:
    line = counter(*WALK) | {"applicant": {**APPLICANT, "email": "an@example.vn"}}
    with transaction.atomic():
        assert import_lines(line).imported == 1
    assert mailoutbox == []


def test_import_streams_its_input(province: Province) -> None:
    consumed: list[int] = []

    def lines():
        for i in range(1, 6):
            consumed.append(i)
            # A batch (here 2 lines) is imported before the lines after it are read.
            assert Dossier.objects.count() == (i - 1) // 2 * 2
            yield i, json.dumps(counter() | {"summary": f"#{i}"})

    assert import_dossiers(lines(), batch=2).imported == 5
    assert consumed == [1, 2, 3, 4, 5]


def _everything() -> dict[str, Any]:
    """What an import leaves, keyed by dossier code (ids differ between two runs): the
    dossiers, their hash chains and every statistics row (CONTRACT.md §6 and the national
    2.1 readings)."""
    from motcua.reports.models import COLUMNS, NationalFact, StatDelta, StatState

    codes = dict(Dossier.objects.values_list("id", "code"))
    return {
        # Every column but the id and the wall-clock time of the last write.
        "dossiers": sorted(
            tuple(
                getattr(d, f.attname)
                for f in Dossier._meta.concrete_fields
                if f.name not in {"id", "updated_at"}
            )
            for d in Dossier.objects.all()
        ),
        "participants": sorted(
            DossierParticipant.objects.values_list("dossier__code", "unit_id", "created_at")
        ),
        "events": sorted(DossierEvent.objects.values_list("dossier__code", "seq", "hash")),
        # A row of zeros counts nothing: the live hooks leave one where an event's +1 met a
        # later event's −1, a rebuild or a batch sums first and writes none.
        "deltas": sorted(
            row
            for row in StatDelta.objects.values_list(
                "grain", "day", "unit_id", "field_id", "procedure_id", "officer", *COLUMNS
            )
            if any(row[6:])
        ),
        "states": sorted(
            (codes[d], *rest)
            for d, *rest in StatState.objects.values_list(
                "dossier_id", "status", "received", "officer", "due_day"
            )
        ),
        "facts": sorted(
            (codes[d], *rest)
            for d, *rest in NationalFact.objects.values_list(
                "dossier_id",
                "unit_id",
                "field_id",
                "procedure_id",
                "received_day",
                "resolved_day",
                "resolution_seconds",
                "paid_online_day",
            )
        ),
    }


def test_batches_leave_exactly_what_line_by_line_with_live_hooks_leaves(
    province: Province, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every lifecycle path, a refused line and a repeated one, in batches of 4 lines with
    the statistics summed per batch and each dossier kept in hand from action to action,
    against the same file one line at a time with the statistics written event by event by
    the live hooks and the dossier read again, locked, for every action."""
    import contextlib

    from motcua.dossiers import importer
    from motcua.reports.summary import stats_differences

    records: list[Any] = [copy.deepcopy(line) for line, *_ in SCENARIOS.values()]
    records.insert(3, counter(ev("resolve", 2, "09:00", "leader")))  # refused: not at the step
    records.append(copy.deepcopy(records[0]))  # the same line again: one dossier
    lines = [(i, json.dumps(r)) for i, r in enumerate(records, 1)]

    with transaction.atomic():
        with monkeypatch.context() as patched:
            patched.setattr(importer, "replay_batch", contextlib.nullcontext)
            # Each action reads its dossier again, locked, as a live action does.
            patched.setattr(s, "_keep_in_hand", lambda: False)
            live = import_dossiers(iter(lines), batch=1)
        live_state = _everything()
        transaction.set_rollback(True)
    assert Dossier.objects.count() == 0

    batched = import_dossiers(iter(lines), batch=4)

    assert (batched.imported, batched.skipped, batched.failed) == (
        live.imported, live.skipped, live.failed,
    ) == (len(SCENARIOS), 1, 1)  # fmt: skip
    assert batched.errors == live.errors and batched.errors[0].startswith("dòng 4:")
    assert _everything() == live_state
    assert live_state["deltas"] and live_state["facts"]
    assert stats_differences() == []
    assert list(broken_dossiers()) == []


def test_a_batch_the_database_gives_up_on_is_not_counted(
    province: Province, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A busy database aborts the batch whole: its lines are neither kept nor counted, the
    batches before it stay, and the same command imports the rest later."""
    from django.db import OperationalError

    from motcua.dossiers import importer

    records = [counter(*WALK, at=f"08:{i:02d}") for i in range(6)]
    lines = [(i, json.dumps(r)) for i, r in enumerate(records, 1)]
    real = importer._import_text
    calls = {"n": 0}

    def busy_at_the_fifth(text: str, key: str, cache: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 5:
            raise OperationalError("database is locked")
        return real(text, key, cache)

    monkeypatch.setattr(importer, "_import_text", busy_at_the_fifth)
    with pytest.raises(OperationalError):
        import_dossiers(iter(lines), batch=3)
    assert Dossier.objects.count() == 3  # the first batch; the second rolled back whole

    monkeypatch.setattr(importer, "_import_text", real)
    again = import_dossiers(iter(lines), batch=3)
    assert (again.imported, again.skipped, again.failed) == (3, 3, 0)
    assert Dossier.objects.count() == 6


def test_a_batch_of_no_lines_is_bad_usage(province: Province, tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    history = tmp_path / "history.jsonl"
    history.write_text(json.dumps(counter(*WALK)) + "\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("import_dossiers", str(history), "--batch", "0")
    assert refused.value.returncode == 2
    assert "--batch" in str(refused.value)
    assert Dossier.objects.count() == 0


def test_a_replay_outside_a_history_line_writes_each_action_at_once(province: Province) -> None:
    """Only a history line (``replay_line``) keeps its dossier in hand until it ends; other
    replayed actions (the national reconciliation's tests, scripts) are written as they
    happen, as live ones are."""
    with s.replaying():
        d, _ = s.dossier_intake(
            actor=None,
            procedure=province.procedure("2.000001"),
            unit=province.commune,
            channel="counter",
            applicant=APPLICANT,
            documents=[0],
        )
        d = s.dossier_forward(dossier=d, actor=None)
        stored = Dossier.objects.get(pk=d.pk)
        assert (stored.event_count, stored.status) == (2, d.status)
        assert DossierEvent.objects.filter(dossier=d).count() == 2
        assert DossierParticipant.objects.filter(dossier=d, unit=province.commune).exists()
