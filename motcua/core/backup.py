"""Backup and restore of everything: the database (as a portable Django dump, so a backup
of SQLite restores into PostgreSQL and back) and the files, each with its SHA-256.

The files are read from, and restored into, whatever Django's default storage is at the
time (the data dir, or the S3 bucket of ``MOTCUA_STORAGE_URL``): a backup of a site on S3
holds the bucket's files, and restores into a local data dir as well as into a bucket.

A backup is one ``.tar.gz`` holding ``database.mcjson`` (Django JSON with exact times),
``files/`` and, last, ``manifest.json``; it is created readable by its owner only.
Restore goes only into an empty database and verifies every checksum first.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

import motcua

# Rebuilt by ``migrate`` on the target, or not worth keeping.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]
FORMAT = "motcua-backup/2"
# Version 1 dumped Django's JSON, whose times stop at the millisecond: still restorable, but
# its history hashes of live (microsecond) events do not verify.
READABLE_FORMATS = {"motcua-backup/1", FORMAT}
DUMP_NAME = "database.mcjson"


class BackupError(Exception):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _stream_sha256(handle: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(chunk)
    return digest.hexdigest()


def storage_names(storage: Storage, base: str = "") -> Iterator[str]:
    """Every file name in ``storage`` (the data dir's tree, or the bucket under its prefix),
    sorted, depth first."""
    try:
        folders, files = storage.listdir(base)
    except FileNotFoundError:  # the data dir's files/ does not exist yet
        return
    for name in sorted(files):
        yield f"{base}/{name}" if base else name
    for folder in sorted(folders):
        yield from storage_names(storage, f"{base}/{folder}" if base else folder)


def _fetch(storage: Storage, name: str, into: Path) -> tuple[int, str]:
    """Copy one stored file to ``into``; its size and SHA-256."""
    digest = hashlib.sha256()
    size = 0
    with storage.open(name, "rb") as src, into.open("wb") as dst:
        for chunk in iter(lambda: src.read(1024 * 1024), b""):
            digest.update(chunk)
            size += len(chunk)
            dst.write(chunk)
    return size, digest.hexdigest()


def backup_create(target: str) -> dict[str, Any]:
    """Write a backup to ``target`` (a file path; ``.tar.gz`` is added when missing)."""
    path = Path(target)
    if not path.name.endswith((".tar.gz", ".tgz")):
        path = path.with_name(path.name + ".tar.gz")
    path.parent.mkdir(parents=True, exist_ok=True)
    storage = default_storage
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / DUMP_NAME
        # One repeatable-read snapshot where the database offers it, so rows and their
        # histories agree.
        with transaction.atomic():
            call_command(
                "dumpdata",
                format="mcjson",
                natural_foreign=True,
                natural_primary=False,
                exclude=EXCLUDED,
                output=str(dump),
                verbosity=0,
            )
        partial = path.with_name(path.name + ".partial")
        # The backup holds every applicant's personal data: its owner's only, from the start.
        partial.touch(mode=0o600, exist_ok=True)
        partial.chmod(0o600)
        entries: list[dict[str, Any]] = []
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(dump, arcname=DUMP_NAME)
            # One file at a time, fetched once (from the disk or the bucket) into the
            # temporary dir, hashed on the way, put in the archive and dropped: the extra
            # disk a backup needs is one file, however large the bucket.
            fetched = Path(tmp) / "fetched"
            for name in storage_names(storage):
                size, sha256 = _fetch(storage, name, fetched)
                archive.add(fetched, arcname=f"files/{name}")
                entries.append({"name": name, "size": size, "sha256": sha256})
            fetched.unlink(missing_ok=True)
            # The manifest goes last, once every file's checksum is known.
            manifest = {
                "format": FORMAT,
                "motcua": motcua.__version__,
                "created_at": timezone.now().isoformat(),
                "database": {"name": DUMP_NAME, "sha256": _sha256(dump)},
                "files": entries,
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            info.mtime = int(timezone.now().timestamp())
            archive.addfile(info, io.BytesIO(data))
        os.replace(partial, path)  # a reader never sees half a backup
    manifest["path"] = str(path)
    return manifest


def _database_is_empty() -> bool:
    from django.contrib.auth import get_user_model

    from motcua.dossiers.models import Dossier
    from motcua.procedures.models import Procedure
    from motcua.units.models import Unit

    return not (
        get_user_model().objects.exists()
        or Unit.objects.exists()
        or Procedure.objects.exists()
        or Dossier.objects.exists()
    )


def backup_restore(source: str) -> dict[str, Any]:
    """Restore a backup into an empty database and data dir, checking every checksum."""
    path = Path(source)
    if not path.is_file():
        raise BackupError(f"{source}: no such backup file")
    call_command("migrate", interactive=False, verbosity=0)
    if not _database_is_empty():
        raise BackupError("the database is not empty: restore goes into an empty database")
    storage = default_storage
    with tempfile.TemporaryDirectory() as tmp:
        try:
            with tarfile.open(path, "r:gz") as archive:
                archive.extractall(tmp, filter="data")
        except (tarfile.TarError, OSError) as exc:
            raise BackupError(f"{source}: not a MotCua backup ({exc})") from exc
        root = Path(tmp)
        try:
            manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise BackupError(f"{source}: the manifest is missing or broken") from exc
        if manifest.get("format") not in READABLE_FORMATS:
            raise BackupError(f"{source}: unknown backup format {manifest.get('format')!r}")
        name = str(manifest["database"].get("name") or "database.json")
        if name not in {"database.json", DUMP_NAME}:
            raise BackupError(f"{source}: unknown database dump {name!r}")
        dump = root / name
        if _sha256(dump) != manifest["database"]["sha256"]:
            raise BackupError(f"{name} does not match its checksum")
        present: set[str] = set()
        for entry in manifest["files"]:
            file = root / "files" / entry["name"]
            if not file.is_file() or _sha256(file) != entry["sha256"]:
                raise BackupError(f"files/{entry['name']} is missing or does not match")
            if storage.exists(entry["name"]):
                with storage.open(entry["name"], "rb") as handle:
                    if _stream_sha256(handle) != entry["sha256"]:
                        raise BackupError(
                            f"{entry['name']} exists in the storage with other content: "
                            "restore into an empty data dir or bucket"
                        )
                present.add(entry["name"])
        with transaction.atomic():
            call_command("loaddata", str(dump), verbosity=0)
        # Into the storage configured now (data dir or bucket), under the same names the
        # database refers to; a file already there with the same content is kept.
        for entry in manifest["files"]:
            if entry["name"] in present:
                continue
            with (root / "files" / entry["name"]).open("rb") as handle:
                saved = storage.save(entry["name"], File(handle))
            if saved != entry["name"]:
                storage.delete(saved)
                raise BackupError(f"{entry['name']} could not be stored under its own name")
    return manifest
