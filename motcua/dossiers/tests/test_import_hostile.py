"""History import against hostile files (issue 11, finding 6; CONTRACT.md §1): a bad line —
an amount no column holds, JSON nested thousands deep, bytes that are not UTF-8, a byte-order
mark, an event in the future — is reported with its number and reason, and the good lines
after it still import; never a traceback."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.management.base import CommandError
from django.utils import timezone

from motcua.dossiers.models import Dossier

from .conftest import Province
from .test_import import WALK, _command, counter, ev


def _line(record: dict) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode()


def test_hostile_lines_are_refused_one_by_one(province: Province, tmp_path: Path) -> None:
    future = (timezone.now() + dt.timedelta(days=400)).isoformat()
    huge = counter(*WALK[:1], ev("request-payment", 2, "10:00", "specialist", amount=10**40))
    lines = [
        b"\xef\xbb\xbf" + _line(counter(day=2)),  # 1: a BOM before a good line
        _line(huge),  # 2
        b"[" * 50000 + b"]" * 50000,  # 3
        b'{"procedure": "\xff\xfe bad"}',  # 4
        _line({**counter(day=3), "received_at": future}),  # 5
        _line(counter(ev("forward", 2, "09:00", "desk") | {"at": future})),  # 6
        _line({**counter(day=4), "received_at": "0001-01-01T00:00:00+07:00"}),  # 7
        _line(counter(day=5)),  # 8: good
    ]
    path = tmp_path / "hostile.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    code, out, err = _command(path)
    assert code == 1
    assert "Traceback" not in err
    assert "2 dossiers imported" in out and "6 lines refused" in out
    assert "dòng 2: events[1].amount" in err
    assert "dòng 3: JSON lồng nhau quá sâu" in err
    assert "dòng 4: không phải văn bản UTF-8" in err
    assert "dòng 5: received_at" in err and "tương lai" in err
    assert "dòng 6: events[0].at" in err
    assert "dòng 7: received_at" in err
    assert Dossier.objects.count() == 2


def test_a_directory_is_not_a_history_file(province: Province, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="directory"):
        _command(tmp_path)
