"""Archive packages of closed dossiers (CONTRACT.md §1, §10; docs/archive.md): export,
verify, a changed byte caught and named, idempotent re-export, the weekly re-check, the
retention period and the register that keeps exported dossiers findable."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import bagit
import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from motcua.archive.models import ArchivePackage
from motcua.archive.services import archive_recheck, package_problems
from motcua.dossiers import services as s
from motcua.dossiers.attachments import attachment_add
from motcua.dossiers.models import AttachmentKind, Dossier
from motcua.dossiers.tests.conftest import Province, local
from motcua.dossiers.tests.files import PDF, pdf_bytes
from motcua.dossiers.tests.test_services import counter_intake, walk_to_last_step
from motcua.outbox.status import status_collect
from motcua.procedures.models import Procedure

pytestmark = pytest.mark.django_db
BEFORE = "2026-04-01"


def _named(content: bytes, name: str) -> io.BytesIO:
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def _returned(p: Province, day: int = 2) -> Dossier:
    d = counter_intake(
        p, at=local(2026, 3, day, 8, 0), files=[(None, _named(PDF, "don-de-nghi.pdf"))]
    )
    d = walk_to_last_step(p, d, local(2026, 3, day, 9, 0))
    attachment_add(
        dossier=d,
        actor=p.users["leader"],
        upload=io.BytesIO(pdf_bytes("Giấy phép")),
        name="giay-phep.pdf",
        kind=AttachmentKind.RESULT,
    )
    d = s.dossier_resolve(dossier=d, actor=p.users["leader"], at=local(2026, 3, day, 10, 0))
    return s.dossier_return(
        dossier=d, actor=p.users["desk"], method="counter", at=local(2026, 3, day, 11, 0)
    )


def _run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("archive", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def _tree(path: Path) -> dict[str, str]:
    return {
        str(f.relative_to(path)): hashlib.sha256(f.read_bytes()).hexdigest()
        for f in sorted(path.rglob("*"))
        if f.is_file()
    }


def _flip_one_byte(path: Path) -> None:
    content = bytearray(path.read_bytes())
    content[len(content) // 2] ^= 0x01
    path.write_bytes(bytes(content))


def test_export_writes_a_bag_with_record_history_files_and_sha256(
    province: Province, tmp_path: Path
) -> None:
    dossier = _returned(province)
    counter_intake(province, at=local(2026, 3, 3, 8, 0))  # still open: not archived
    late = _returned(province, day=4)
    Dossier.objects.filter(pk=late.pk).update(closed_at=local(2026, 4, 2, 9, 0))

    code, out, err = _run("export", "--before", BEFORE, str(tmp_path))

    assert code == 0, err
    assert f"{dossier.code}: written" in out
    assert [p.name for p in tmp_path.iterdir()] == [dossier.code]
    bag = bagit.Bag(str(tmp_path / dossier.code))
    assert bag.is_valid()
    assert bag.algorithms == ["sha256"]
    assert bag.info["External-Identifier"] == dossier.code
    assert bag.info["Bagging-Date"] == "2026-03-02"  # the day it closed, not today
    payload = set(bag.payload_files())
    assert {"data/record.json", "data/history.json"} <= payload
    files = sorted(p for p in payload if p.startswith("data/files/"))
    assert len(files) == 2 and any(p.endswith("giay-phep.pdf") for p in files)
    record = json.loads((tmp_path / dossier.code / "data" / "record.json").read_text())
    assert record["code"] == dossier.code and record["status"] == "returned"
    assert {f["path"] for f in record["files"]} == set(files)
    for entry in record["files"]:
        content = (tmp_path / dossier.code / entry["path"]).read_bytes()
        assert hashlib.sha256(content).hexdigest() == entry["sha256"]
        assert bag.entries[entry["path"]]["sha256"] == entry["sha256"]
    history = json.loads((tmp_path / dossier.code / "data" / "history.json").read_text())
    assert [e["seq"] for e in history] == list(range(1, dossier.event_count + 1))
    assert history[0]["prev_hash"] == "0" * 64
    assert history[-1]["hash"] == record["history_head"] == dossier.history_head
    # Findable by code: where, the manifest's digest, when verified.
    package = ArchivePackage.objects.get(dossier=dossier)
    manifest = (tmp_path / dossier.code / "manifest-sha256.txt").read_bytes()
    assert package.manifest_sha256 == hashlib.sha256(manifest).hexdigest()
    assert Path(package.path) == (tmp_path / dossier.code).resolve()
    assert package.verified_ok is True


def test_verify_passes_then_names_the_package_whose_file_changed_by_one_byte(
    province: Province, tmp_path: Path
) -> None:
    first, second = _returned(province), _returned(province, day=3)
    assert _run("export", "--before", BEFORE, str(tmp_path))[0] == 0

    code, out, _err = _run("verify", str(tmp_path))
    assert code == 0
    assert f"{first.code}: OK" in out and f"{second.code}: OK" in out

    (result,) = (tmp_path / second.code / "data" / "files").glob("*giay-phep.pdf")
    _flip_one_byte(result)
    code, out, err = _run("verify", str(tmp_path))

    assert code == 1
    assert second.code in err and "giay-phep.pdf" in err
    assert first.code not in err and f"{first.code}: OK" in out
    package = ArchivePackage.objects.get(dossier=second)
    assert package.verified_ok is False and "giay-phep.pdf" in package.problem


def test_a_changed_byte_in_the_record_is_caught(province: Province, tmp_path: Path) -> None:
    dossier = _returned(province)
    _run("export", "--before", BEFORE, str(tmp_path))
    record = tmp_path / dossier.code / "data" / "record.json"
    record.write_text(record.read_text().replace("Nguyễn Văn An", "Nguyễn Văn Ân"))

    code, _out, err = _run("verify", str(tmp_path))

    assert code == 1
    assert dossier.code in err and "record.json" in err


def test_a_rewritten_history_with_fresh_manifests_still_breaks_the_chain(
    province: Province, tmp_path: Path
) -> None:
    dossier = _returned(province)
    _run("export", "--before", BEFORE, str(tmp_path))
    path = tmp_path / dossier.code
    history_file = path / "data" / "history.json"
    history = json.loads(history_file.read_text())
    history[1]["note"] = "đã sửa"
    history_file.write_text(json.dumps(history, ensure_ascii=False))
    bagit.Bag(str(path)).save(manifests=True)  # a tamperer who rewrites the manifests too

    assert package_problems(path) == ["history: event 2 does not match its hash chain"]
    assert _run("verify", str(tmp_path))[0] == 1


def test_exporting_again_is_idempotent_and_a_changed_dossier_is_replaced(
    province: Province, tmp_path: Path
) -> None:
    dossier = _returned(province)
    _run("export", "--before", BEFORE, str(tmp_path))
    before = _tree(tmp_path / dossier.code)
    exported_at = ArchivePackage.objects.get().exported_at

    code, out, _err = _run("export", "--before", BEFORE, str(tmp_path))

    assert code == 0 and f"{dossier.code}: unchanged" in out
    assert _tree(tmp_path / dossier.code) == before
    assert [p.name for p in tmp_path.iterdir()] == [dossier.code]  # no leftovers
    assert ArchivePackage.objects.get().exported_at == exported_at

    # A corrected result after return (đính chính) changes the dossier: a new package.
    s.dossier_correct(
        dossier=dossier,
        actor=province.users["leader"],
        reason="Sai ngày sinh",
        upload=_named(pdf_bytes("Giấy phép đính chính"), "giay-phep-dinh-chinh.pdf"),
    )
    # The correction is an act on the closed dossier: it closes again today.
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    code, out, _err = _run("export", "--before", tomorrow, str(tmp_path))
    assert f"{dossier.code}: replaced" in out
    assert _tree(tmp_path / dossier.code) != before
    assert package_problems(tmp_path / dossier.code) == []
    assert ArchivePackage.objects.count() == 1


def test_the_weekly_recheck_finds_a_corrupted_package_and_status_reports_it(
    province: Province, tmp_path: Path
) -> None:
    from motcua.outbox.scheduler import job_get, job_run

    dossier = _returned(province)
    _run("export", "--before", BEFORE, str(tmp_path))
    job = job_get("archive-recheck")
    assert job is not None and job.cron["day_of_week"] == "sun"
    assert job_run(name="archive-recheck") == 0
    assert status_collect().archive_bad == 0

    (tmp_path / dossier.code / "data" / "files" / "extra.pdf").write_bytes(PDF)
    assert archive_recheck(now=timezone.now()) == 1

    package = ArchivePackage.objects.get()
    assert package.verified_ok is False and "extra.pdf" in package.problem
    status = status_collect()
    assert status.archive_packages == 1 and status.archive_bad == 1
    assert any("lưu trữ" in p for p in status.problems)
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("status", stdout=out)
    assert "archive      1 packages, 1 not intact" in out.getvalue()


def test_export_never_replaces_a_directory_that_is_not_a_package(
    province: Province, tmp_path: Path
) -> None:
    dossier = _returned(province)
    (tmp_path / dossier.code).mkdir()
    (tmp_path / dossier.code / "notes.txt").write_text("của người khác")

    code, out, err = _run("export", "--before", BEFORE, str(tmp_path))

    assert code == 1
    assert f"{dossier.code}: FAILED" in err and "is not an archive package" in err
    assert "1 failed" in out
    assert (tmp_path / dossier.code / "notes.txt").read_text() == "của người khác"
    assert not ArchivePackage.objects.exists()


def test_a_moved_package_is_reported_by_the_recheck(province: Province, tmp_path: Path) -> None:
    dossier = _returned(province)
    _run("export", "--before", BEFORE, str(tmp_path))
    (tmp_path / dossier.code).rename(tmp_path / "elsewhere")

    assert archive_recheck(now=timezone.now()) == 1
    assert "not found" in ArchivePackage.objects.get().problem


def test_retention_comes_from_the_procedure_or_the_default(
    province: Province, tmp_path: Path, settings: Any
) -> None:
    settings.MOTCUA_ARCHIVE_RETENTION_YEARS = 10
    kept = _returned(province)
    Procedure.objects.filter(pk=kept.procedure_id).update(retention_years=0)
    _run("export", "--before", BEFORE, str(tmp_path))
    record = json.loads((tmp_path / kept.code / "data" / "record.json").read_text())
    assert record["retention"] == {"years": 0, "permanent": True, "until": None}
    assert bagit.Bag(str(tmp_path / kept.code)).info["MotCua-Retain-Until"] == "permanent"

    Procedure.objects.filter(pk=kept.procedure_id).update(retention_years=None)
    _run("export", "--before", BEFORE, str(tmp_path))
    package = ArchivePackage.objects.get()
    assert package.retention_years == 10
    assert package.retain_until == dt.date(2037, 1, 1)  # closed in 2026: 1 Jan 2027 + 10


def test_the_dossier_page_says_archived(province: Province, tmp_path: Path) -> None:
    dossier = _returned(province)
    client = Client()
    client.force_login(province.users["desk"])
    assert "đã lưu trữ" not in client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()

    _run("export", "--before", BEFORE, str(tmp_path))

    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert 'id="dossier-archived"' in page and "đã lưu trữ" in page


@pytest.mark.embedded
def test_bad_usage_exits_2_in_plain_words(migrated_data_dir: Path) -> None:
    from conftest import run_motcua  # the project's root conftest

    bad_date = run_motcua(
        "archive", "export", "--before", "01/04/2026", "out", data_dir=migrated_data_dir
    )
    assert bad_date.returncode == 2 and "is not a date" in bad_date.stderr
    missing = run_motcua("archive", "verify", "nowhere", data_dir=migrated_data_dir)
    assert missing.returncode == 2 and "no such directory" in missing.stderr
    no_args = run_motcua("archive", data_dir=migrated_data_dir)
    assert no_args.returncode == 2
    empty = run_motcua("archive", "export", "--before", BEFORE, "out", data_dir=migrated_data_dir)
    assert empty.returncode == 0 and "0 written" in empty.stdout
    ok = run_motcua("archive", "verify", "out", data_dir=migrated_data_dir)
    assert ok.returncode == 0 and "0 packages" in ok.stdout
    for result in (bad_date, missing, no_args, empty, ok):
        assert "Traceback" not in result.stderr
