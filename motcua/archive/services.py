"""Archive packages of closed dossiers (issue 16, CONTRACT.md §10, docs/archive.md).

One package per closed dossier, a BagIt bag (RFC 8493) made with the Library of Congress's
``bagit`` library::

    <DIR>/<dossier code>/
        bagit.txt, bag-info.txt          (who, when closed, retention)
        manifest-sha256.txt              (SHA-256 of every file under data/)
        tagmanifest-sha256.txt           (SHA-256 of the files above)
        data/record.json                 (the dossier's record, its files listed)
        data/history.json                (every event with prev_hash and hash)
        data/files/<id>-<name>           (every file as stored, signed or not)

A package's content depends only on the dossier, so exporting the same dossier again
writes the same bytes (``Bagging-Date`` is the day the dossier closed, never today); a
package already in place with the same manifest is left alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bagit
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from motcua.archive.models import ArchivePackage
from motcua.dossiers.models import FINAL_STATUSES, Attachment, Dossier, DossierEvent
from motcua.dossiers.services import GENESIS, event_payload

FORMAT = "MotCua dossier archive 1"
MANIFEST = "manifest-sha256.txt"


class ArchiveError(Exception):
    """A problem the operator can act on, said in plain words."""


def retention_years(dossier: Dossier) -> int:
    """The procedure's retention period in years (0: permanent), else the default
    ``MOTCUA_ARCHIVE_RETENTION_YEARS`` (docs/archive.md: Thông tư 10/2022/TT-BNV)."""
    years = dossier.procedure.retention_years
    return int(settings.MOTCUA_ARCHIVE_RETENTION_YEARS if years is None else years)


def retain_until(dossier: Dossier) -> dt.date | None:
    """Retention counts from 1 January of the year after the dossier closed (the year its
    file is closed, as records rules count it); None when permanent."""
    years = retention_years(dossier)
    if years == 0 or dossier.closed_at is None:
        return None
    closed = timezone.localtime(dossier.closed_at).date()
    return dt.date(closed.year + 1 + years, 1, 1)


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).isoformat()


def _file_path(attachment: Attachment) -> str:
    return f"files/{attachment.pk}-{attachment.name}"


def dossier_record(dossier: Dossier, attachments: list[Attachment]) -> dict[str, Any]:
    """The dossier as plain JSON (times UTC ISO 8601); personal data as entered."""
    years = retention_years(dossier)
    until = retain_until(dossier)
    return {
        "format": FORMAT,
        "code": dossier.code,
        "procedure": {
            "code": dossier.procedure.code,
            "name": dossier.procedure.name,
            "national_code": dossier.procedure.national_code,
            "version": dossier.procedure_version.number,
        },
        "case_code": dossier.case_code,
        "unit": {"code": dossier.unit.code, "name": dossier.unit.name},
        "channel": dossier.channel,
        "applicant": {
            "kind": dossier.applicant_kind,
            "name": dossier.applicant_name,
            "id_number": dossier.applicant_id_number,
            "phone": dossier.applicant_phone,
            "email": dossier.applicant_email,
            "address": dossier.applicant_address,
        },
        "summary": dossier.summary,
        "documents": dossier.documents,
        "eform": dossier.eform_data,
        "status": dossier.status,
        "outcome": dossier.outcome,
        "timeliness": dossier.timeliness,
        "return_method": dossier.return_method,
        "fee_amount": dossier.fee_amount,
        "payment_state": dossier.payment_state,
        "submitted_at": _iso(dossier.submitted_at),
        "received_at": _iso(dossier.received_at),
        "due_at": _iso(dossier.due_at),
        "extended_due_at": _iso(dossier.extended_due_at),
        "resolved_at": _iso(dossier.resolved_at),
        "returned_at": _iso(dossier.returned_at),
        "closed_at": _iso(dossier.closed_at),
        "paid_at": _iso(dossier.paid_at),
        "event_count": dossier.event_count,
        "history_head": dossier.history_head,
        "retention": {
            "years": years,
            "permanent": years == 0,
            "until": until.isoformat() if until else None,
        },
        "files": [
            {
                "id": a.pk,
                "path": "data/" + _file_path(a),
                "kind": a.kind,
                "name": a.name,
                "size": a.size,
                "sha256": a.sha256,
                "content_type": a.content_type,
                "document_index": a.document_index,
                "uploaded_at": _iso(a.uploaded_at),
                "uploaded_by": a.uploaded_by.get_username() if a.uploaded_by else None,
                "digitised": a.digitised,
                "reused": a.reused,
                "reused_from": a.reused_from_id,
                "from_national_store": a.from_national_store,
                "result_code": a.result_code,
                "corrects": a.corrects_id,
                "superseded_at": _iso(a.superseded_at),
            }
            for a in attachments
        ],
    }


def history_entries(dossier: Dossier) -> list[dict[str, Any]]:
    """Every event with the canonical content its hash covers, and the hash."""
    return [
        {**event_payload(e, dossier.code), "hash": e.hash}
        for e in DossierEvent.objects.filter(dossier=dossier).order_by("seq")
    ]


def _dump(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def _canonical_hash(payload: dict[str, Any]) -> str:
    encoded = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()


def package_build(dossier: Dossier, target: Path) -> None:
    """Write the bag of ``dossier`` into the empty directory ``target``."""
    attachments = list(
        Attachment.objects.filter(dossier=dossier).select_related("uploaded_by").order_by("id")
    )
    files = target / "files"
    files.mkdir(parents=True)
    (target / "record.json").write_bytes(_dump(dossier_record(dossier, attachments)))
    (target / "history.json").write_bytes(_dump(history_entries(dossier)))
    for attachment in attachments:
        destination = target / _file_path(attachment)
        digest = hashlib.sha256()
        try:
            source = attachment.file.open("rb")
        except (FileNotFoundError, OSError) as exc:
            raise ArchiveError(
                f"{dossier.code}: file {attachment.name} is missing from storage"
            ) from exc
        with source, destination.open("wb") as out:
            while chunk := source.read(1024 * 1024):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != attachment.sha256:
            raise ArchiveError(
                f"{dossier.code}: file {attachment.name} in storage no longer matches its SHA-256"
            )
    closed = timezone.localtime(dossier.closed_at).date() if dossier.closed_at else None
    until = retain_until(dossier)
    info = {
        "Source-Organization": dossier.unit.name,
        "Organization-Address": dossier.unit.code,
        "External-Identifier": dossier.code,
        "External-Description": f"{dossier.procedure.code} {dossier.procedure.name}"[:500],
        "Bagging-Date": (closed or dt.date(1970, 1, 1)).isoformat(),
        "Bag-Group-Identifier": dossier.unit.code,
        "MotCua-Format": FORMAT,
        "MotCua-History-Head": dossier.history_head,
        "MotCua-Retention-Years": str(retention_years(dossier)),
        "MotCua-Retain-Until": until.isoformat() if until else "permanent",
    }
    # make_bag moves the content into data/ and writes the manifests (SHA-256 only).
    bagit.make_bag(str(target), bag_info=info, checksums=["sha256"], processes=1)


def manifest_digest(path: Path) -> str:
    return hashlib.sha256((path / MANIFEST).read_bytes()).hexdigest()


def package_problems(path: Path) -> list[str]:
    """What no longer matches in the package at ``path`` (empty: intact): the BagIt
    manifests (every file's SHA-256, nothing added or removed) and the hash chain of the
    history, and the record's last hash against it."""
    try:
        bag = bagit.Bag(str(path))
        bag.validate(processes=1)
    except bagit.BagValidationError as exc:
        return _which_files(bag, path) or [str(exc)]
    except bagit.BagError as exc:
        return [str(exc)]
    try:
        history = json.loads((path / "data" / "history.json").read_text("utf-8"))
        record = json.loads((path / "data" / "record.json").read_text("utf-8"))
    except (OSError, ValueError) as exc:
        return [f"record or history unreadable: {exc}"]
    prev = GENESIS
    for expected, entry in enumerate(history, start=1):
        if not isinstance(entry, dict) or entry.get("seq") != expected:
            return [f"history: event {expected} is missing or out of order"]
        payload = {k: v for k, v in entry.items() if k != "hash"}
        if entry.get("prev_hash") != prev or _canonical_hash(payload) != entry.get("hash"):
            return [f"history: event {expected} does not match its hash chain"]
        prev = entry["hash"]
    if record.get("history_head") != prev:
        return ["record: its last history hash does not match the history"]
    return []


def _which_files(bag: bagit.Bag, path: Path, limit: int = 20) -> list[str]:
    """The files that differ from the manifest, by name (bagit stops at the first failed
    check, the byte count, without saying which file)."""
    problems: list[str] = []
    listed = {name for name, sums in bag.entries.items() if "sha256" in sums}
    for name in sorted(listed):
        sums = bag.entries[name]
        file = path / name
        if not file.is_file():
            problems.append(f"{name} is missing")
            continue
        digest = hashlib.sha256()
        with file.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(chunk)
        if digest.hexdigest() != sums["sha256"]:
            problems.append(f"{name} has changed (SHA-256 differs)")
    for name in sorted(set(bag.payload_files()) - listed):
        problems.append(f"{name} was added")
    return problems[:limit]


def _bags(directory: Path) -> Iterator[Path]:
    for child in sorted(directory.iterdir()):
        if child.is_dir() and not child.name.startswith(".") and (child / "bagit.txt").exists():
            yield child


@dataclass
class ExportReport:
    written: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"{code}: written" for code in self.written]
        out += [f"{code}: replaced (the dossier changed since)" for code in self.replaced]
        out += [f"{code}: unchanged" for code in self.unchanged]
        out.append(
            f"{len(self.written)} written, {len(self.replaced)} replaced, "
            f"{len(self.unchanged)} unchanged, {len(self.failed)} failed"
        )
        return out


def closed_before(before: dt.date) -> Any:
    """Closed dossiers (refused, withdrawn, stopped, returned) closed before the local
    date ``before``."""
    end = timezone.make_aware(dt.datetime.combine(before, dt.time()))
    return (
        Dossier.objects.filter(status__in=list(FINAL_STATUSES), closed_at__lt=end)
        .select_related("procedure", "procedure_version", "unit")
        .order_by("closed_at", "id")
    )


def archive_export_one(dossier: Dossier, directory: Path) -> str:
    """Write (or keep) the package of one dossier; returns written, replaced or unchanged."""
    final = directory / dossier.code
    with tempfile.TemporaryDirectory(prefix=f".{dossier.code}.", dir=directory) as tmp:
        staging = Path(tmp) / "bag"
        staging.mkdir()
        package_build(dossier, staging)
        outcome = "written"
        if final.exists() and not (final / "bagit.txt").exists():
            # Never replace something that is not a package of ours.
            raise ArchiveError(f"{final} exists and is not an archive package; move it away")
        if final.exists():
            same = (final / MANIFEST).exists() and (final / MANIFEST).read_bytes() == (
                staging / MANIFEST
            ).read_bytes()
            if same and not package_problems(final):
                outcome = "unchanged"
            else:
                outcome = "replaced"
                old = Path(tmp) / "old"
                os.replace(final, old)
        if outcome != "unchanged":
            os.replace(staging, final)
    ArchivePackage.objects.update_or_create(
        dossier=dossier,
        defaults={
            "path": str(final.resolve()),
            "manifest_sha256": manifest_digest(final),
            "history_head": dossier.history_head,
            "retention_years": retention_years(dossier),
            "retain_until": retain_until(dossier),
            **({"exported_at": timezone.now()} if outcome != "unchanged" else {}),
            "verified_at": timezone.now(),
            "verified_ok": True,
            "problem": "",
        },
    )
    return outcome


def archive_export(*, before: dt.date, directory: Path) -> ExportReport:
    """``motcua archive export --before DATE DIR``: a package per dossier closed before
    ``before``; one dossier that fails (a file gone from storage) does not stop the rest."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    report = ExportReport()
    for dossier in closed_before(before).iterator(chunk_size=200):
        try:
            with transaction.atomic():
                outcome = archive_export_one(dossier, directory)
        except (ArchiveError, bagit.BagError, OSError) as exc:
            report.failed.append((dossier.code, str(exc)))
            continue
        getattr(report, outcome).append(dossier.code)
    return report


def _record_check(path: Path, problems: list[str], now: dt.datetime) -> None:
    ArchivePackage.objects.filter(path=str(path.resolve())).update(
        verified_at=now, verified_ok=not problems, problem="; ".join(problems)[:4000]
    )


def archive_verify(directory: Path) -> dict[str, list[str]]:
    """``motcua archive verify DIR``: every package under ``directory`` with what no longer
    matches (an empty list: intact). The register of packages records the check."""
    if not directory.is_dir():
        raise ArchiveError(f"{directory}: no such directory")
    now = timezone.now()
    results: dict[str, list[str]] = {}
    for bag in _bags(directory):
        problems = package_problems(bag)
        results[bag.name] = problems
        _record_check(bag, problems, now)
    return results


def archive_recheck(*, now: dt.datetime) -> int:
    """The weekly re-check: every registered package verified again where it lies; a
    package moved or deleted counts as a problem. Returns how many packages are not
    intact (shown by ``motcua status``)."""
    bad = 0
    for package in ArchivePackage.objects.select_related("dossier").iterator(chunk_size=200):
        path = Path(package.path)
        if not (path / "bagit.txt").exists():
            problems = [f"package not found at {path}"]
        else:
            problems = package_problems(path)
            if not problems and manifest_digest(path) != package.manifest_sha256:
                problems = ["manifest differs from the one recorded at export"]
        ArchivePackage.objects.filter(pk=package.pk).update(
            verified_at=now, verified_ok=not problems, problem="; ".join(problems)[:4000]
        )
        bad += bool(problems)
    return bad
